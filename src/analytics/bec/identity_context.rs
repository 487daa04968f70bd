//! What the identity detections (audit tampering, weakened policies, privileged roles, app credentials, consent,
//! authentication methods) ask about a change to the directory or to Exchange settings: who made it, whether the
//! hour and the place were usual for them, whether a sign-in from a new place came just before it, and whether an
//! allow list or Microsoft's own service accounts cover the actor.
//!
//! A place is judged against the principal's own history when the case holds enough of it, and against the rest of
//! the tenant when it does not; an address nothing places that the principal never used before is "location
//! unknown", never home. An hour is never unusual inside the case's working hours.

use crate::analytics::alert::AlertBuilder;
use crate::analytics::allow::{actor_names, AllowList};
use crate::analytics::catalog::{self, IdSet};
use crate::analytics::clock::{pooled_share, Day};
use crate::analytics::common::{actor_of, ip_in, ip_of, lower, op_name, raise, utc, Cx, Findings};
use crate::analytics::store::profile::{principal_key, Feat, Profile};
use crate::analytics::store::strings::Sym;
use crate::analytics::store::touch::{flags, Touch, TouchKind};
use crate::model::{ActorKind, Event, EventResult, Severity, Source};
use chrono::{DateTime, Utc};
use ipnet::IpNet;

/// Parameters every identity detection declares in its asset, read here (a test holds each asset to it).
#[cfg(test)]
pub const SHARED_PARAMS: [&str; 7] = [
    "lookback_days",
    "min_coverage_days",
    "min_country_days",
    "min_network_days",
    "hour_bucket_min_share",
    "min_hour_events",
    "signin_window_hours",
];

const DAY: i64 = 86_400;

/// The thresholds that say what is usual, and the case's own expected networks and countries.
pub struct Norms {
    lookback: i32,
    min_coverage: i32,
    min_country_days: usize,
    min_network_days: usize,
    min_share: f64,
    min_hour_events: u64,
    /// Seconds before a change in which a sign-in of the person counts as the one behind it.
    pub signin_window: i64,
    nets: Vec<IpNet>,
    countries: Vec<String>,
}

impl Norms {
    /// Reads the shared parameters and the case's `[allow] expected_ips` and `countries`.
    pub fn read(cx: &Cx) -> Norms {
        let p = cx.params;
        Norms {
            lookback: p.int("lookback_days").max(1) as i32,
            min_coverage: p.int("min_coverage_days").max(0) as i32,
            min_country_days: p.int("min_country_days").max(0) as usize,
            min_network_days: p.int("min_network_days").max(0) as usize,
            min_share: p.float("hour_bucket_min_share"),
            min_hour_events: p.int("min_hour_events").max(1) as u64,
            signin_window: p.int("signin_window_hours").max(0) * 3_600,
            nets: cx.config.expected_networks(),
            countries: cx.config.allow.countries.iter().map(|c| c.trim().to_ascii_lowercase()).collect(),
        }
    }

    /// Days of history needed before a principal's own habits (or an absence of activity) are trusted.
    pub fn min_coverage(&self) -> i32 {
        self.min_coverage
    }
}

/// A principal at the moment of a change: its key, baseline and how much history the case holds before it.
pub struct Who<'a> {
    pub key: String,
    pub sym: Option<Sym>,
    pub profile: Option<&'a Profile>,
    pub day: Day,
    pub from: Day,
    pub to: Day,
    /// Days of history before `day`.
    pub history: i32,
    /// True when the history is long enough to judge the principal's own hours and places.
    pub enough: bool,
}

impl<'a> Who<'a> {
    /// The principal `key` (UPN or `app:<id>`) as the store knows it at `ts`.
    pub fn at(cx: &Cx<'a>, norms: &Norms, key: &str, ts: DateTime<Utc>) -> Who<'a> {
        let key = key.trim().to_ascii_lowercase();
        let sym = cx.store.strings.lookup(&key);
        let profile = sym.and_then(|s| cx.store.profile(s));
        let day = cx.store.clock.day(ts);
        let history = profile.map(|p| p.history_days(day)).unwrap_or(0);
        Who {
            key,
            sym,
            profile,
            day,
            from: day - norms.lookback,
            to: day,
            history,
            enough: history >= norms.min_coverage,
        }
    }

    /// The acting principal of a record.
    pub fn actor(cx: &Cx<'a>, norms: &Norms, ev: &Event, ts: DateTime<Utc>) -> Who<'a> {
        let key = principal_key(ev).unwrap_or_else(|| actor_of(ev));
        Who::at(cx, norms, &key, ts)
    }

    /// "history thin" text for reasons, or `None` when the history is long enough.
    pub fn thin(&self, norms: &Norms) -> Option<String> {
        (!self.enough).then(|| {
            format!(
                "{} has {} day(s) of history in the case before this, {} needed to judge their own hours and \
                 places",
                self.key, self.history, norms.min_coverage
            )
        })
    }

    /// True when the principal was first seen in the case within `days` before `day` (or only on it).
    pub fn is_new(&self, days: i64) -> bool {
        match self.profile.and_then(|p| p.active.first()) {
            None => true,
            Some(first) => self.day - first <= days as i32,
        }
    }
}

/// Where something happened: the address, its country and network.
pub struct Place {
    pub ip: Option<String>,
    pub country: Option<String>,
    pub asn: u32,
}

impl Place {
    /// The place a record names.
    pub fn of_event(ev: &Event) -> Place {
        Place {
            ip: ip_of(ev),
            country: ev.net.country.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string),
            asn: ev.net.asn.unwrap_or(0),
        }
    }

    /// The place of a sign-in or access.
    pub fn of_touch(cx: &Cx, t: &Touch) -> Place {
        let text = |s: Sym| Some(cx.s(s).to_string()).filter(|v| !v.is_empty());
        Place { ip: text(t.ip), country: text(t.country), asn: t.asn }
    }
}

/// Something unusual about a change: the text for the reasons, and whether the case shows it (`firm`: the
/// principal's own or the tenant's history says so) or only cannot rule it out (the history is too thin to call
/// the hour usual, or nothing places the address). Firm notes raise severity; the others are stated and leave it.
pub struct Note {
    pub text: String,
    pub firm: bool,
}

impl Note {
    fn firm(text: String) -> Note {
        Note { text, firm: true }
    }
    fn open(text: String) -> Note {
        Note { text, firm: false }
    }
}

/// Why the hour of a change is unusual for `who`: outside working hours and rare in their own history (or, with a
/// thin history, in the tenant's sign-ins). `None` inside working hours.
pub fn unusual_hour(cx: &Cx, norms: &Norms, who: &Who, ts: DateTime<Utc>) -> Option<Note> {
    let clock = &cx.store.clock;
    if clock.in_working_hours(ts) {
        return None;
    }
    let bucket = clock.how(ts);
    let when = format!("{}, outside working hours ({})", clock.describe(ts), clock.window_text());
    let own = who.profile.map(|p| p.how_histogram(who.from, who.to));
    let own_total: u64 = own.map(|h| h.iter().map(|&c| c as u64).sum()).unwrap_or(0);
    if let Some(hist) = own.filter(|_| who.enough && own_total >= norms.min_hour_events) {
        let share = pooled_share(&hist, bucket);
        return (share < norms.min_share).then(|| {
            Note::firm(format!(
                "{} acted at {when}; that hour (±1 h) held {:.1}% of their {own_total} audited actions and \
                 interactive sign-ins in the {} days before",
                who.key,
                share * 100.0,
                who.to - who.from
            ))
        });
    }
    let tenant = cx.store.tenant_histogram();
    let tenant_total: u64 = tenant.iter().map(|&c| c as u64).sum();
    if tenant_total >= norms.min_hour_events {
        let share = pooled_share(&tenant, bucket);
        return (share < norms.min_share).then(|| {
            Note::firm(format!(
                "{} acted at {when}; their own baseline is too thin to judge the hour ({} days, {own_total} audited \
                 actions and interactive sign-ins), and {:.1}% of the tenant's {tenant_total} interactive sign-ins \
                 fall in that hour",
                who.key,
                who.history,
                share * 100.0
            ))
        });
    }
    Some(Note::open(format!(
        "{} acted at {when}; neither their history ({} days) nor the tenant's sign-ins are enough to call the hour \
         usual",
        who.key, who.history
    )))
}

/// Why a place is unusual for `who`: a country or network they rarely used (or, with a thin history, that no other
/// principal in the case used), or an address nothing places that they never used before `ts`. Expected networks
/// and Microsoft's own networks are never unusual. `unplaced_counts` says whether an unplaced address alone counts.
pub fn unusual_place(
    cx: &Cx,
    norms: &Norms,
    who: &Who,
    place: &Place,
    ts: DateTime<Utc>,
    unplaced_counts: bool,
) -> Option<Note> {
    if place.ip.as_deref().is_some_and(|ip| ip_in(&norms.nets, ip)) {
        return None;
    }
    if place.asn != 0 && catalog::in_set(IdSet::ProviderAsns, &place.asn.to_string()) {
        return None;
    }
    if let Some(c) = place.country.as_deref() {
        if !norms.countries.iter().any(|k| k.eq_ignore_ascii_case(c)) {
            if let Some(r) = rare_feature(cx, norms, who, Feat::Country, c, "country") {
                return Some(Note::firm(r));
            }
        }
    }
    if place.asn != 0 {
        if let Some(r) = rare_feature(cx, norms, who, Feat::Asn, &place.asn.to_string(), "network AS") {
            return Some(Note::firm(r));
        }
    }
    if place.country.is_none() && unplaced_counts {
        let ip = place.ip.as_deref()?;
        if !used_before(cx, who, ip, ts) {
            return Some(Note::open(format!(
                "location unknown for {ip}: {} never used it before in the case, and no sign-in or GeoIP entry \
                 places it",
                who.key
            )));
        }
    }
    None
}

/// A country or network the principal saw on too few days of their history, or, with a thin history, one no
/// other principal in the case used.
fn rare_feature(cx: &Cx, norms: &Norms, who: &Who, f: Feat, value: &str, label: &str) -> Option<String> {
    let sym = cx.store.strings.lookup(value).unwrap_or(0);
    let shown = if label.ends_with("AS") { format!("{label}{value}") } else { format!("{label} {value}") };
    if who.enough {
        let days = who.profile.map(|p| p.days_with(f, sym, who.from, who.to)).unwrap_or(0);
        let need = if f == Feat::Country { norms.min_country_days } else { norms.min_network_days };
        return (days < need).then(|| {
            format!("{} acted from {shown}, seen on {days} day(s) of their {}-day history", who.key, who.history)
        });
    }
    let others = cx.store.prevalence_of(f, sym, who.sym.unwrap_or(0));
    (others == 0).then(|| {
        format!(
            "{} acted from {shown}, which no other principal in the case used (their own history is {} day(s))",
            who.key, who.history
        )
    })
}

/// True when the principal's touches in the lookback before `ts` include the address.
fn used_before(cx: &Cx, who: &Who, ip: &str, ts: DateTime<Utc>) -> bool {
    let (Some(sym), Some(ip_sym)) = (who.sym, cx.store.strings.lookup(ip)) else { return false };
    let end = ts.timestamp() - 1;
    let start = ts.timestamp() - (who.to - who.from) as i64 * DAY;
    if who.profile.is_some_and(|p| p.days_with(Feat::Ip, ip_sym, who.from, who.to) > 0) {
        return true;
    }
    cx.store.by_between(sym, start, end).any(|t| t.ip == ip_sym)
}

/// A sign-in of `who` from a new or unknown place shortly before `ts`, with why it is unusual.
pub struct PriorSignIn<'a> {
    pub touch: &'a Touch,
    pub note: Note,
}

/// The latest successful sign-in of `who` within the sign-in window before `ts` whose place is unusual for them.
pub fn new_place_signin<'a>(cx: &Cx<'a>, norms: &Norms, who: &Who, ts: DateTime<Utc>) -> Option<PriorSignIn<'a>> {
    let sym = who.sym?;
    let end = ts.timestamp();
    let start = end - norms.signin_window;
    let signins: Vec<&'a Touch> = cx
        .store
        .by_between(sym, start, end)
        .filter(|t| matches!(t.kind, TouchKind::SignIn | TouchKind::UalSignIn) && t.has(flags::SUCCESS))
        .collect();
    signins.into_iter().rev().find_map(|t| {
        let place = Place::of_touch(cx, t);
        let why = unusual_place(cx, norms, who, &place, utc(t.ts), true)?;
        let minutes = (end - t.ts) / 60;
        let text = format!(
            "{minutes} min before, {} signed in from {}: {}",
            who.key,
            place.ip.as_deref().unwrap_or("an address the record does not give"),
            why.text
        );
        Some(PriorSignIn { touch: t, note: Note { text, firm: why.firm } })
    })
}

/// True when the case holds sign-ins of people (Entra interactive or non-interactive, or the UAL's copies).
pub fn has_user_signins(cx: &Cx) -> bool {
    [Source::SigninInteractive, Source::SigninNoninteractive, Source::UalAzureAd]
        .iter()
        .any(|s| cx.store.has_source(*s))
}

/// The coverage note for a detection that looks at the sign-in before a change when the case holds none.
pub fn note_missing_signins(cx: &Cx, out: &mut Findings, what: &str) {
    if !has_user_signins(cx) {
        out.notes.push(format!(
            "the case holds no sign-ins of people (signin_interactive, signin_noninteractive or the UAL's \
             UserLoggedIn), so {what} could not be tied to a sign-in from a new place"
        ));
    }
}

/// The coverage note for records of interest that carry no time and so could not be judged.
pub fn note_untimed(out: &mut Findings, untimed: usize) {
    if untimed > 0 {
        out.notes.push(format!("{untimed} record(s) of interest carry no time and were not judged"));
    }
}

/// The allow rule covering the actor of a record, with what matched: Microsoft's own service accounts, then the
/// given allow lists (each matched against every name the case knows the actor by).
pub fn allowed_actor<'a>(cx: &Cx<'a>, ev: &'a Event, lists: &[(&'static str, &AllowList)]) -> Option<(String, String)> {
    let actor = actor_of(ev);
    if ev.actor.kind == ActorKind::System || catalog::is_system_actor(&actor) {
        return Some(("system actor".to_string(), actor));
    }
    let names = actor_names(cx, ev);
    lists.iter().find_map(|(rule, list)| list.matched(&names).map(|m| (rule.to_string(), m.to_ascii_lowercase())))
}

/// The actor, address, session and app of a record as alert entities, and the record as evidence.
pub fn add_record(b: &mut AlertBuilder, ev: &Event, ts: DateTime<Utc>) {
    b.evidence(&ev.id, ts);
    let e = b.entities();
    match ev.actor.kind {
        ActorKind::Sp | ActorKind::Mi => {
            if let Some(app) = ev.app_id.as_deref() {
                e.app(app, ev.app_name.as_deref().or(ev.actor.display_name.as_deref()));
            }
        }
        _ => {
            let actor = actor_of(ev);
            if actor.contains('@') {
                e.user(&actor);
            }
        }
    }
    if let Some(ip) = ip_of(ev) {
        e.ip(&ip);
    }
    if let Some(s) = ev.session_id.as_deref() {
        e.session(s);
    }
}

/// A prior sign-in as evidence, with its address and session.
pub fn add_signin(cx: &Cx, b: &mut AlertBuilder, t: &Touch) {
    b.evidence(&t.id, utc(t.ts));
    let e = b.entities();
    e.ip(cx.s(t.ip));
    e.session(cx.s(t.session));
}

/// "the change was refused" for a failed record.
pub fn failed_note(ev: &Event) -> Option<String> {
    (ev.result == EventResult::Failure).then(|| {
        format!(
            "the change did not go through (result failure{}); an attempt still shows intent",
            ev.result_detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
        )
    })
}

/// The old and new value of the first modified property named `name` (case-insensitive).
pub fn modified<'e>(ev: &'e Event, name: &str) -> Option<(&'e str, &'e str)> {
    ev.targets
        .iter()
        .flat_map(|t| t.modified.iter())
        .find(|m| m.name.eq_ignore_ascii_case(name))
        .map(|m| (m.old.as_deref().unwrap_or(""), m.new.as_deref().unwrap_or("")))
}

/// A text with JSON escaping and whitespace taken out, lower-cased, for searching values exported with several
/// layers of quoting (`\"state\": \"disabled\"` → `"state":"disabled"`).
pub fn flat(text: &str) -> String {
    text.chars().filter(|c| *c != '\\' && !c.is_whitespace()).collect::<String>().to_ascii_lowercase()
}

/// True for the values Exchange and Entra write for "on" (`True`, `$true`, `1`).
pub fn is_true(v: &str) -> bool {
    matches!(v.trim().trim_matches('"').trim_start_matches('$').to_ascii_lowercase().as_str(), "true" | "1" | "yes")
}

/// True for the values Exchange and Entra write for "off" (`False`, `$false`, `0`).
pub fn is_false(v: &str) -> bool {
    matches!(v.trim().trim_matches('"').trim_start_matches('$').to_ascii_lowercase().as_str(), "false" | "0" | "no")
}

/// One change a detection found in a record: what it did, to what, and how severe it is on its own.
pub struct Change<'e> {
    pub ev: &'e Event,
    pub ts: DateTime<Utc>,
    /// What the change did, for the reasons.
    pub what: String,
    /// The same in a few words, for a title.
    pub short: String,
    /// The mailbox, user, app or policy it touched, when the record names one.
    pub target: Option<String>,
    pub severity: Severity,
}

/// Splits one actor's changes (in time order) into runs no longer than `window` seconds from their first.
pub fn by_window(changes: Vec<Change>, window: i64) -> Vec<Vec<Change>> {
    let mut out: Vec<Vec<Change>> = Vec::new();
    for c in changes {
        match out.last_mut() {
            Some(g) if c.ts.timestamp() - g[0].ts.timestamp() <= window => g.push(c),
            _ => out.push(vec![c]),
        }
    }
    out
}

/// What is unusual about the actor of a record at its time: the hour, and the record's own place.
pub fn actor_notes(cx: &Cx, norms: &Norms, who: &Who, ev: &Event, ts: DateTime<Utc>) -> Vec<Note> {
    let mut notes: Vec<Note> = unusual_hour(cx, norms, who, ts).into_iter().collect();
    notes.extend(unusual_place(cx, norms, who, &Place::of_event(ev), ts, true));
    notes
}

/// One alert for one actor's changes within a window: a reason, evidence and entities per change, the actor's
/// unusual hour or place, and the severity of the worst change, raised once for firm anomalies and once for
/// several kinds of change, lowered when every change failed.
pub fn changes_alert(cx: &Cx, norms: &Norms, actor: &str, changes: &[Change], plural: &str) -> AlertBuilder {
    let first = &changes[0];
    let who = Who::actor(cx, norms, first.ev, first.ts);
    let mut sev = changes.iter().map(|c| c.severity).max().unwrap_or(Severity::Medium);
    let title = if changes.len() == 1 {
        format!("{actor} {}", first.short)
    } else {
        format!("{actor} made {} changes that {plural}", changes.len())
    };
    let mut b = cx.alert(title, sev);
    b.key.push(actor.to_string());
    b.key.push(first.ev.id.clone());
    for c in changes {
        let on = c.target.as_deref().map(|t| format!(" on {t}")).unwrap_or_default();
        b.reason(format!("{}{on}, at {}", c.what, cx.store.clock.describe(c.ts)));
        if let Some(n) = failed_note(c.ev) {
            b.reason(n);
        }
        add_record(&mut b, c.ev, c.ts);
        if let Some(m) = c.ev.mailbox.as_ref().and_then(|m| m.mailbox.as_deref()) {
            b.entities().mailbox(m);
        } else if let Some(t) = c.target.as_deref().filter(|t| t.contains('@')) {
            b.entities().user(t);
        }
    }
    let kinds: std::collections::BTreeSet<String> = changes.iter().map(|c| op_name(c.ev)).collect();
    if kinds.len() > 1 {
        sev = raise(sev);
        b.reason(format!("{} different kinds of change by one actor within the window", kinds.len()));
    }
    let notes = actor_notes(cx, norms, &who, first.ev, first.ts);
    if notes.iter().any(|n| n.firm) {
        sev = raise(sev);
    }
    for n in notes {
        b.reason(n.text);
    }
    if let Some(t) = who.thin(norms) {
        b.baseline(t);
    }
    if changes.iter().all(|c| c.ev.result == EventResult::Failure) {
        sev = lower(sev);
    }
    b.alert.severity = sev;
    b
}

#[cfg(test)]
mod tests {
    use super::SHARED_PARAMS;
    use crate::analytics::params::meta;

    /// Every parameter each identity detection reads, so code and metadata stay in step.
    const READ: [(&str, &[&str]); 6] = [
        (
            "audit-tampering",
            &[
                "admin_allowlist",
                "audit_scope_parameters",
                "audit_service_plans",
                "group_window_hours",
                "high_impact",
                "min_retention_days",
                "removals",
                "retention_limits",
                "severe_retention_days",
                "switched_off",
            ],
        ),
        (
            "policy-weakening",
            &[
                "admin_allowlist",
                "allow_list_parameters",
                "bypass_scl",
                "ca_deleted_operations",
                "ca_updated_operations",
                "ca_weak_states",
                "consent_policies_any_app",
                "consent_policies_low_risk",
                "disabling_cmdlets",
                "federation_operations",
                "group_window_hours",
                "sender_condition_parameters",
                "transport_rule_cmdlets",
            ],
        ),
        (
            "privileged-role",
            &[
                "activation_operations",
                "admin_allowlist",
                "assignment_operations",
                "critical_roles",
                "eligible_operations",
                "group_window_hours",
                "new_account_days",
                "pim_service_principals",
                "privileged_roles",
            ],
        ),
        (
            "app-credential",
            &[
                "admin_allowlist",
                "app_allowlist",
                "credential_operations",
                "group_window_hours",
                "owner_operations",
                "registration_operations",
                "tool_reply_urls",
                "mail_scopes",
                "file_scopes",
                "directory_scopes",
                "persistence_scopes",
                "permission_ids",
            ],
        ),
        (
            "oauth-consent",
            &[
                "admin_allowlist",
                "approved_apps",
                "consent_operations",
                "first_party_apps",
                "group_window_hours",
                "many_users_threshold",
                "new_app_hours",
                "mail_scopes",
                "file_scopes",
                "directory_scopes",
                "persistence_scopes",
                "permission_ids",
            ],
        ),
        (
            "auth-method-change",
            &[
                "added_operations",
                "admin_allowlist",
                "app_password_operations",
                "group_window_hours",
                "mfa_off_operations",
                "mfa_service_names",
                "removed_operations",
                "temporary_pass_words",
                "user_update_operations",
            ],
        ),
    ];

    #[test]
    fn every_parameter_the_identity_detections_read_is_declared_with_a_meaning() {
        for (id, own) in READ {
            let m = meta(id).unwrap_or_else(|| panic!("{id} is registered with metadata"));
            for name in SHARED_PARAMS.iter().chain(own.iter()) {
                let p = m.params.iter().find(|p| p.name == *name);
                assert!(p.is_some_and(|p| !p.meaning.is_empty()), "{id} does not declare {name}");
            }
            assert!(!m.operations.is_empty(), "{id} names the audit operations it needs kept");
        }
    }
}
