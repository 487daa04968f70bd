//! AN1350: a partner's delegated access is turned into mailbox access.
//!
//! Stage 1 is a change of partner trust (a DAP/GDAP partner or a cross-tenant service-provider setting added or
//! updated, GDAP service principals created, changes made by a partner technician). Stage 2 is mailbox delegation or
//! an Exchange role assignment made by a partner actor or granted to an outside principal. Stage 3 is the use:
//! mailbox access by the grantee or the partner's technicians, and their service-provider sign-ins. Stages are tied
//! by partner tenant id (from the trust change and from the technicians' sign-ins) and by actor; each partner tenant
//! gives one alert whose severity follows how much of the chain is present.

use super::alert::AlertBuilder;
use super::allow::AllowList;
use super::catalog::{self, IdSet, OpList};
use super::common::{actor_of, domain_of, ip_in, ip_of, is_internal, lower, op_in, prop, raise, utc, Cx, Findings};
use super::store::touch::{flags, Touch, TouchKind};
use crate::model::{ActorKind, Event, Severity};
use ipnet::IpNet;
use std::collections::{BTreeMap, BTreeSet, HashMap};

const DAY: i64 = 86_400;

/// One partner tenant's chain: its trust changes, the delegations tied to it, then their use.
#[derive(Default)]
struct Chain<'a> {
    trust: Vec<&'a Event>,
    /// Each delegation with its grantee and mailbox.
    delegations: Vec<(&'a Event, String, String)>,
    access: Vec<&'a Touch>,
    signins: Vec<&'a Touch>,
    actors: BTreeSet<String>,
    name: Option<String>,
}

/// The allow lists and parameters this analytic reads.
struct Settings {
    trusted: AllowList,
    /// The trusted tenants as configured, for the baseline line.
    trusted_text: Vec<String>,
    delegate_ok: Vec<String>,
    vips: Vec<String>,
    partner_nets: Vec<IpNet>,
    /// How long after the first trust change or delegation its use still belongs to the chain (seconds).
    use_window: i64,
}

impl Settings {
    fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        Settings {
            trusted: AllowList::new(&cx.list_with("trusted_partner_tenants", &cx.config.allow.trusted_partner_tenants)),
            trusted_text: cx.list_with("trusted_partner_tenants", &cx.config.allow.trusted_partner_tenants),
            delegate_ok: cx.list_with("delegate_mailboxes", &cx.config.allow.delegate_mailboxes),
            vips: p.list("target_mailboxes").iter().map(|s| s.to_ascii_lowercase()).collect(),
            partner_nets: p.list("partner_ip_allowlist").iter().filter_map(|s| crate::config::parse_net(s)).collect(),
            use_window: (p.int("stage2_window_days") + p.int("stage3_window_days")).max(1) * DAY,
        }
    }
}

/// Partner technicians and their home tenants, learned from sign-ins; domains map to tenants too.
#[derive(Default)]
struct PartnerTenants {
    of_actor: HashMap<String, String>,
    of_domain: HashMap<String, String>,
}

impl PartnerTenants {
    fn learn(cx: &Cx) -> PartnerTenants {
        let mut known = PartnerTenants::default();
        for t in &cx.store.touches {
            if t.kind != TouchKind::SignIn || t.home_tenant == 0 {
                continue;
            }
            if t.actor_kind == ActorKind::Partner || t.has(flags::SERVICE_PROVIDER) {
                let actor = cx.s(t.actor).to_string();
                let tenant = cx.s(t.home_tenant).to_ascii_lowercase();
                if let Some(d) = domain_of(&actor) {
                    known.of_domain.entry(d.to_string()).or_insert_with(|| tenant.clone());
                }
                known.of_actor.entry(actor).or_insert(tenant);
            }
        }
        known
    }

    /// The partner tenant of an account, by the account itself or else by its domain.
    fn tenant_for(&self, who: &str) -> Option<String> {
        self.of_actor.get(who).cloned().or_else(|| domain_of(who).and_then(|d| self.of_domain.get(d).cloned()))
    }
}

/// The chain key of an account whose tenant is unknown: its domain.
fn unknown_key(who: &str) -> String {
    format!("domain:{}", domain_of(who).unwrap_or(who))
}

fn is_guid(s: &str) -> bool {
    s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// The grantee and mailbox of a delegation or role assignment (`User`/`Trustee`/`GrantSendOnBehalfTo`, `Identity`).
pub fn grant_parts(ev: &Event) -> (String, String) {
    let grantee = prop(ev, &["User", "Trustee", "GrantSendOnBehalfTo", "App", "Member"]).unwrap_or_default();
    let mailbox = prop(ev, &["Identity", "Mailbox"]).unwrap_or_default();
    let mailbox = mailbox.split(":\\").next().unwrap_or("").trim().to_ascii_lowercase();
    (grantee.to_ascii_lowercase(), mailbox)
}

/// Runs the analytic.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    let settings = Settings::read(cx);
    let tenants = PartnerTenants::learn(cx);
    let mut chains: BTreeMap<String, Chain> = BTreeMap::new();
    add_trust_changes(cx, &tenants, &mut chains);
    add_delegations(cx, &tenants, &mut chains);
    add_signed_in_partners(&tenants, &mut chains);
    let mut chains = merge_shared_actors(chains, settings.use_window);
    for c in chains.values_mut() {
        add_partner_use(cx, &settings, c);
    }
    for (tenant, c) in chains {
        judge_chain(cx, &settings, tenant, c, &mut out);
    }
    out
}

/// Stage 1: changes of partner trust, each under the partner tenant it names (or its actor's tenant).
fn add_trust_changes<'a>(cx: &Cx<'a>, tenants: &PartnerTenants, chains: &mut BTreeMap<String, Chain<'a>>) {
    for ev in cx.audits {
        let partner_actor = ev.actor.kind == ActorKind::Partner;
        let trust = op_in(ev, OpList::PartnerTrust);
        let gdap_sp = op_in(ev, OpList::ServicePrincipal)
            && prop(ev, &["AppPrincipalId", "AppId", "ServicePrincipalName"])
                .is_some_and(|a| catalog::in_set(IdSet::GdapPartnerApps, &a));
        if !(trust || gdap_sp || partner_actor && (op_in(ev, OpList::AppGrant) || op_in(ev, OpList::ServicePrincipal)))
        {
            continue;
        }
        let actor = actor_of(ev);
        // A trust change names the partner tenant; anything else a partner technician does belongs to the
        // technician's own tenant (a new service principal's record names the app's tenant, not the partner's).
        let named = if trust {
            prop(ev, &["PartnerTenantId", "TenantId", "targetTenantId", "PartnerTenant"])
                .or_else(|| ev.targets.iter().filter_map(|t| t.id.clone()).find(|i| is_guid(i)))
                .map(|s| s.to_ascii_lowercase())
        } else {
            None
        };
        let tenant = named
            .or_else(|| if partner_actor { tenants.tenant_for(&actor) } else { None })
            .or_else(|| (partner_actor && actor.contains('@')).then(|| unknown_key(&actor)))
            .unwrap_or_else(|| "unknown partner".to_string());
        let c = chains.entry(tenant).or_default();
        if c.name.is_none() && trust {
            c.name =
                prop(ev, &["PartnerName", "DisplayName"]).or_else(|| ev.targets.iter().find_map(|t| t.name.clone()));
        }
        if partner_actor && !actor.is_empty() {
            c.actors.insert(actor);
        }
        c.trust.push(ev);
    }
}

/// Stage 2: mailbox delegation or Exchange role assignment by a partner actor or to an outside principal.
fn add_delegations<'a>(cx: &Cx<'a>, tenants: &PartnerTenants, chains: &mut BTreeMap<String, Chain<'a>>) {
    for ev in cx.audits {
        if !(op_in(ev, OpList::MailboxDelegation) || op_in(ev, OpList::RoleAssignment) || op_in(ev, OpList::RoleGroup))
            || delegated_access(ev).is_none()
        {
            continue;
        }
        if ev.actor.kind == ActorKind::System || catalog::is_system_actor(&actor_of(ev)) {
            continue;
        }
        let actor = actor_of(ev);
        let (grantee, mailbox) = grant_parts(ev);
        let actor_outside =
            ev.actor.kind == ActorKind::Partner || (actor.contains('@') && !is_internal(cx.config, &actor));
        let grantee_outside = grantee.contains('@') && !is_internal(cx.config, &grantee);
        if !actor_outside && !grantee_outside {
            continue;
        }
        let who = if actor_outside { &actor } else { &grantee };
        let key = tenants.tenant_for(who).unwrap_or_else(|| unknown_key(who));
        let c = chains.entry(key).or_default();
        c.actors.insert(who.clone());
        if grantee_outside {
            c.actors.insert(grantee.clone());
        }
        c.delegations.push((ev, grantee, mailbox));
    }
}

/// What a mailbox or role change hands to someone else, or `None` when it delegates nothing (a plain
/// `Set-Mailbox` that changes a quota, a folder permission set to `None`).
pub fn delegated_access(ev: &Event) -> Option<String> {
    let op = ev.operation.trim().to_ascii_lowercase();
    let rights = prop(ev, &["AccessRights", "ExtendedRights"]);
    match op.as_str() {
        "add-mailboxpermission" | "add-recipientpermission" => Some(rights.unwrap_or_else(|| "permission".into())),
        "add-mailboxfolderpermission" | "set-mailboxfolderpermission" => {
            rights.filter(|r| !r.eq_ignore_ascii_case("none")).map(|r| format!("folder {r}"))
        }
        "set-mailbox" => {
            let mut parts: Vec<&str> = Vec::new();
            for name in ["GrantSendOnBehalfTo", "ForwardingSmtpAddress", "ForwardingAddress"] {
                if prop(ev, &[name]).is_some_and(|v| !v.eq_ignore_ascii_case("$null")) {
                    parts.push(name);
                }
            }
            if prop(ev, &["DeliverToMailboxAndForward"]).is_some_and(|v| v.eq_ignore_ascii_case("true")) {
                parts.push("DeliverToMailboxAndForward");
            }
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        _ => Some(prop(ev, &["Role", "Roles"]).unwrap_or_else(|| "role".into())),
    }
}

/// Chains that share an actor and overlap in time are one partner's doing: the chain keyed by a tenant id takes
/// in the one keyed only by a domain or left unknown.
fn merge_shared_actors(chains: BTreeMap<String, Chain>, window: i64) -> BTreeMap<String, Chain> {
    let mut merged: BTreeMap<String, Chain> = BTreeMap::new();
    let mut rest: Vec<(String, Chain)> = chains.into_iter().collect();
    // Chains named by a tenant id first, so they are the ones that absorb.
    rest.sort_by_key(|(k, _)| (k.starts_with("domain:") || k == "unknown partner", k.clone()));
    for (key, c) in rest {
        let host = merged
            .iter_mut()
            .find(|(_, m)| !m.actors.is_disjoint(&c.actors) && spans_overlap(m.span(), c.span(), window));
        match host {
            Some((_, m)) => m.absorb(c),
            None => {
                merged.insert(key, c);
            }
        }
    }
    merged
}

/// True when two time spans (unix seconds) lie within `window` of each other.
fn spans_overlap(a: Option<(i64, i64)>, b: Option<(i64, i64)>, window: i64) -> bool {
    match (a, b) {
        (Some((a0, a1)), Some((b0, b1))) => a0 <= b1 + window && b0 <= a1 + window,
        _ => true,
    }
}

impl<'a> Chain<'a> {
    /// The first and last time of its trust changes and delegations.
    fn span(&self) -> Option<(i64, i64)> {
        let times = self.trust.iter().chain(self.delegations.iter().map(|d| &d.0)).filter_map(|e| e.ts);
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        for t in times {
            lo = lo.min(t.timestamp());
            hi = hi.max(t.timestamp());
        }
        (lo <= hi).then_some((lo, hi))
    }

    /// Takes in another chain of the same partner.
    fn absorb(&mut self, other: Chain<'a>) {
        self.trust.extend(other.trust);
        self.trust.sort_by_key(|e| e.ts);
        self.delegations.extend(other.delegations);
        self.delegations.sort_by_key(|d| d.0.ts);
        self.access.extend(other.access);
        self.signins.extend(other.signins);
        self.actors.extend(other.actors);
        if self.name.is_none() {
            self.name = other.name;
        }
    }
}

/// Partner actors seen in sign-ins join their tenant's chain.
fn add_signed_in_partners(tenants: &PartnerTenants, chains: &mut BTreeMap<String, Chain>) {
    for (actor, tenant) in &tenants.of_actor {
        if let Some(c) = chains.get_mut(tenant) {
            c.actors.insert(actor.clone());
        }
    }
}

/// Stage 3: mailbox access and service-provider sign-ins by the chain's actors after its first change.
fn add_partner_use<'a>(cx: &Cx<'a>, settings: &Settings, c: &mut Chain<'a>) {
    let start = c
        .delegations
        .iter()
        .filter_map(|(e, _, _)| e.ts)
        .chain(c.trust.iter().filter_map(|e| e.ts))
        .min()
        .map(|t| t.timestamp());
    let Some(start) = start else { return };
    let horizon = start + settings.use_window;
    let mailboxes: BTreeSet<&str> = c.delegations.iter().map(|(_, _, m)| m.as_str()).collect();
    for actor in c.actors.clone() {
        let Some(sym) = cx.store.strings.lookup(&actor) else { continue };
        for t in cx.store.by_between(sym, start, horizon) {
            match t.kind {
                TouchKind::MailRead | TouchKind::MailboxLogin => {
                    let mb = cx.s(t.mailbox);
                    if mb != actor && (mailboxes.is_empty() || mailboxes.contains(mb) || t.has(flags::EXTERNAL_ACCESS))
                    {
                        c.access.push(t);
                    }
                }
                TouchKind::SignIn if t.has(flags::SUCCESS) => {
                    let ip = cx.s(t.ip);
                    if !ip_in(&settings.partner_nets, ip) {
                        c.signins.push(t);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Suppresses a trusted partner that stayed within the allowed mailboxes, else raises one alert for the chain.
fn judge_chain(cx: &Cx, settings: &Settings, tenant: String, c: Chain, out: &mut Findings) {
    let mut names: Vec<&str> = vec![tenant.as_str(), tenant.trim_start_matches("domain:")];
    names.extend(c.name.as_deref());
    let is_trusted = settings.trusted.matched(&names).is_some();
    let all_allowed = c.delegations.iter().all(|(_, _, m)| settings.delegate_ok.iter().any(|d| d == m));
    if is_trusted && all_allowed {
        let example = c.delegations.first().map(|d| d.0.id.clone()).or_else(|| c.trust.first().map(|e| e.id.clone()));
        out.suppressions.add(
            &cx.meta.id,
            "allow.trusted_partner_tenants + allow.delegate_mailboxes",
            &tenant,
            &example.unwrap_or_default(),
        );
        return;
    }
    let stages =
        usize::from(!c.trust.is_empty()) + usize::from(!c.delegations.is_empty()) + usize::from(!c.access.is_empty());
    if stages == 0 || (c.trust.is_empty() && c.delegations.is_empty()) {
        return;
    }
    let mut sev = match stages {
        3 => Severity::Critical,
        2 => Severity::High,
        _ => Severity::Medium,
    };
    let mut b = cx.alert(chain_title(&tenant, &c, stages), sev);
    b.key.push(tenant.clone());
    if is_trusted {
        sev = lower(sev);
        b.reason(format!("{tenant} is a trusted partner, but reached mailbox(es) outside allow.delegate_mailboxes"));
    } else if let Some(domain) = tenant.strip_prefix("domain:").filter(|_| !settings.trusted_text.is_empty()) {
        b.reason(format!(
            "partner known only by its domain {domain}: no sign-in in the case names its tenant, so a trusted \
             partner listed by tenant id cannot be recognised (list the domain in allow.trusted_partner_tenants \
             to trust it)"
        ));
    } else {
        b.reason(format!("partner tenant {tenant} is not in allow.trusted_partner_tenants"));
    }
    if let Some((first, _)) = c.span() {
        cx.note_thin_case(&mut b, cx.store.clock.day(utc(first)));
    }
    explain_trust_changes(&mut b, &c);
    sev = explain_delegations(&mut b, &c, &settings.vips, sev);
    explain_use(cx, &mut b, &c);
    b.baseline(format!(
        "trusted partner tenants in the case: {}",
        if settings.trusted_text.is_empty() { "none".to_string() } else { settings.trusted_text.join(", ") }
    ));
    for t in c.access.iter().chain(c.signins.iter()) {
        b.evidence(&t.id, utc(t.ts));
        let e = b.entities();
        e.user(cx.s(t.actor));
        e.ip(cx.s(t.ip));
        e.session(cx.s(t.session));
        e.mailbox(cx.s(t.mailbox));
    }
    if !tenant.starts_with("domain:") && tenant != "unknown partner" {
        b.entities().tenant(&tenant);
    }
    b.alert.severity = sev;
    out.alerts.push(b);
}

/// "Partner <name> (<tenant>): <which stages>".
fn chain_title(tenant: &str, c: &Chain, stages: usize) -> String {
    let label = c.name.clone().map(|n| format!("{n} ({tenant})")).unwrap_or_else(|| tenant.to_string());
    format!(
        "Partner {label}: {}",
        match stages {
            3 => "trust change, mailbox delegation and mailbox access",
            2 if c.trust.is_empty() => "mailbox delegation then mailbox access",
            2 if c.access.is_empty() => "trust change then mailbox delegation",
            2 => "trust change then mailbox access",
            _ if c.trust.is_empty() => "mailbox delegation by or to a partner",
            _ => "partner trust changed",
        }
    )
}

/// One reason per trust change, with its evidence and actor.
fn explain_trust_changes(b: &mut AlertBuilder, c: &Chain) {
    for ev in &c.trust {
        b.reason(format!("stage 1: {} by {} at {}", ev.operation.trim_end_matches('.'), actor_of(ev), show(ev)));
        b.evidence(&ev.id, ev.ts.unwrap_or_default());
        b.entities().user(&actor_of(ev));
        if let Some(ip) = ip_of(ev) {
            b.entities().ip(&ip);
        }
    }
}

/// One reason per delegation, with its evidence and entities; a VIP mailbox raises the severity.
fn explain_delegations(b: &mut AlertBuilder, c: &Chain, vips: &[String], mut sev: Severity) -> Severity {
    for (ev, grantee, mailbox) in &c.delegations {
        let rights = delegated_access(ev).unwrap_or_default();
        b.reason(format!(
            "stage 2: {} {rights} on {} for {} by {} at {}",
            ev.operation,
            if mailbox.is_empty() { "(no mailbox named)" } else { mailbox },
            if grantee.is_empty() { "(unnamed)" } else { grantee },
            actor_of(ev),
            show(ev)
        ));
        if vips.iter().any(|v| v == mailbox) {
            sev = raise(sev);
            b.reason(format!("{mailbox} is a VIP mailbox (target_mailboxes)"));
        }
        b.evidence(&ev.id, ev.ts.unwrap_or_default());
        let e = b.entities();
        e.user(&actor_of(ev));
        if grantee.contains('@') {
            e.user(grantee);
        }
        e.mailbox(mailbox);
        if let Some(ip) = ip_of(ev) {
            e.ip(&ip);
        }
        if let Some(s) = ev.session_id.as_deref() {
            e.session(s);
        }
    }
    sev
}

/// The mailbox access and the partner's sign-ins, summed up.
fn explain_use(cx: &Cx, b: &mut AlertBuilder, c: &Chain) {
    if !c.access.is_empty() {
        let items: u64 = c.access.iter().map(|t| t.items as u64).sum();
        let mbs: BTreeSet<&str> = c.access.iter().map(|t| cx.s(t.mailbox)).collect();
        let ips: BTreeSet<&str> = c.access.iter().map(|t| cx.s(t.ip)).filter(|s| !s.is_empty()).collect();
        b.reason(format!(
            "stage 3: {} access record(s), {items} item(s), to {} from {}",
            c.access.len(),
            mbs.into_iter().collect::<Vec<_>>().join(", "),
            ips.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    if !c.signins.is_empty() {
        let ips: BTreeSet<&str> = c.signins.iter().map(|t| cx.s(t.ip)).filter(|s| !s.is_empty()).collect();
        b.reason(format!(
            "{} partner sign-in(s) into the tenant from {}",
            c.signins.len(),
            ips.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
}

fn show(ev: &Event) -> String {
    ev.ts.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_else(|| "unknown time".to_string())
}
