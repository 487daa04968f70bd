//! app-credential: someone gave themselves a way to sign in as an application.
//!
//! It reads the kept directory records for secrets, certificates and federated credentials added to an
//! application or a service principal (`Add service principal credentials.`, `Update application – Certificates
//! and secrets management`, `KeyDescription` and `FederatedIdentityCredentials` changes), owners added to an app
//! (an owner can add credentials at will), and app registrations built for a known data-theft tool: a reply
//! address the tool listens on (rclone's `http://localhost:53682/`), or a localhost reply address on an app open
//! to other tenants. Such registrations belong here rather than under oauth-consent because the registration is
//! the intruder making an app they control; the consent that follows is oauth-consent's. A credential on a service
//! principal, a federated credential or a new owner is medium and an application secret low; an app that holds
//! (or asks for) mail, file or directory permissions in the case makes it at least high, and an hour or place
//! unusual for the actor raises it. A routine secret rotation on an app without such permissions, by an actor the
//! case knows, in working hours from their usual places, is counted, not alerted. One actor's changes to one app
//! within the window make one alert.

use super::app_facts::{added_reply_urls, app_of, is_guid, learnt_permissions, made_multi_tenant, AppRef, Scopes};
use super::identity_context::{actor_notes, add_record, allowed_actor, flat, note_untimed, Norms, Note, Who};
use crate::analytics::alert::AlertBuilder;
use crate::analytics::allow::AllowList;
use crate::analytics::common::{actor_of, is_internal, op_name, raise, Cx, Findings};
use crate::model::{Event, Severity};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// What the asset lists.
struct Settings {
    credential_ops: Vec<String>,
    owner_ops: Vec<String>,
    registration_ops: Vec<String>,
    tools: Vec<(String, String)>,
    apps: AllowList,
    admins: AllowList,
    automation: AllowList,
    window: i64,
}

impl Settings {
    fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        let tools = p
            .list("tool_reply_urls")
            .iter()
            .map(|e| match e.split_once(" = ") {
                Some((u, t)) => (u.trim().to_ascii_lowercase(), t.trim().to_string()),
                None => (e.trim().to_ascii_lowercase(), "a known tool".to_string()),
            })
            .collect();
        Settings {
            credential_ops: p.lower("credential_operations"),
            owner_ops: p.lower("owner_operations"),
            registration_ops: p.lower("registration_operations"),
            tools,
            apps: AllowList::new(p.list("app_allowlist")),
            admins: AllowList::new(p.list("admin_allowlist")),
            automation: AllowList::new(&cx.config.allow.automation_accounts),
            window: p.int("group_window_hours").max(1) * 3_600,
        }
    }
}

/// One change that gives someone a way in as the app.
struct Found<'e> {
    ev: &'e Event,
    ts: DateTime<Utc>,
    app: AppRef,
    what: String,
    severity: Severity,
    /// True for a plain secret or certificate on an application object: the only kind a rotation can explain.
    rotation: bool,
    /// A new owner, when the change adds one.
    owner: Option<String>,
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    let s = Settings::read(cx);
    let norms = Norms::read(cx);
    let scopes = Scopes::read(cx);
    let perms = learnt_permissions(cx, &scopes);
    let mut groups: BTreeMap<(String, String), Vec<Found>> = BTreeMap::new();
    let mut untimed = 0;
    for ev in cx.audits {
        let Some(found) = found_in(&s, ev) else { continue };
        if ev.ts.is_none() {
            untimed += 1;
            continue;
        }
        if let Some(m) = s.apps.matched(&found.app.names()) {
            out.suppressions.add(&cx.meta.id, "app_allowlist", &m.to_ascii_lowercase(), &ev.id);
            continue;
        }
        let lists = [("admin_allowlist", &s.admins), ("allow.automation_accounts", &s.automation)];
        if let Some((rule, matched)) = allowed_actor(cx, ev, &lists) {
            out.suppressions.add(&cx.meta.id, &rule, &matched, &ev.id);
            continue;
        }
        groups.entry((actor_of(ev), found.app.key())).or_default().push(found);
    }
    note_untimed(&mut out, untimed);
    for ((actor, _), fs) in groups {
        let mut runs: Vec<Vec<Found>> = Vec::new();
        for f in fs {
            match runs.last_mut() {
                Some(r) if f.ts.timestamp() - r[0].ts.timestamp() <= s.window => r.push(f),
                _ => runs.push(vec![f]),
            }
        }
        for r in runs {
            judge(cx, &norms, &scopes, &perms, &actor, r, &mut out);
        }
    }
    out
}

/// The way in a record adds, if any.
fn found_in<'e>(s: &Settings, ev: &'e Event) -> Option<Found<'e>> {
    let op = op_name(ev);
    let ts = ev.ts.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let app = app_of(ev);
    let mk = |what: String, severity: Severity, rotation: bool, owner: Option<String>| Found {
        ev,
        ts,
        app: app.clone(),
        what,
        severity,
        rotation,
        owner,
    };
    if s.owner_ops.contains(&op) {
        let owner = ev
            .targets
            .iter()
            .find_map(|t| t.upn.clone())
            .or_else(|| ev.targets.iter().find_map(|t| t.id.clone().filter(|i| i.contains('@'))));
        let who = owner.clone().unwrap_or_else(|| "an unnamed principal".to_string());
        return Some(mk(
            format!("{who} made an owner of {}; an owner can add secrets at will", app.label()),
            Severity::Medium,
            false,
            owner,
        ));
    }
    if s.registration_ops.contains(&op) {
        if let Some(f) = tool_registration(s, ev) {
            return Some(mk(f.0, f.1, false, None));
        }
    }
    if !s.credential_ops.contains(&op) {
        return None;
    }
    let creds = added_keys(ev);
    let federated = added_federated(ev);
    if creds.is_empty() && federated.is_none() {
        return None;
    }
    let on = if app.is_sp { "service principal" } else { "application" };
    let mut parts: Vec<String> = creds.iter().map(|k| format!("{} {}", k.kind, k.describe())).collect();
    parts.extend(federated.clone());
    let what = format!("{} added to {on} {}", parts.join(", "), app.label());
    let severity = if app.is_sp || federated.is_some() { Severity::Medium } else { Severity::Low };
    Some(mk(what, severity, !app.is_sp && federated.is_none(), None))
}

/// A registration or reply-address change for a known tool (high), or a localhost reply address on an app open to
/// other tenants (medium).
fn tool_registration(s: &Settings, ev: &Event) -> Option<(String, Severity)> {
    let urls = added_reply_urls(ev);
    let app = app_of(ev);
    if let Some((url, tool)) = urls.iter().find_map(|u| s.tools.iter().find(|(t, _)| u == t)) {
        let open = if made_multi_tenant(ev) { ", open to other tenants" } else { "" };
        return Some((
            format!("{} registers reply address {url}, the one {tool} listens on by default{open}", app.label()),
            Severity::High,
        ));
    }
    let local = urls.iter().find(|u| u.contains("://localhost") || u.contains("://127.0.0.1"))?;
    made_multi_tenant(ev).then(|| {
        (
            format!("{} registers localhost reply address {local} and is open to other tenants", app.label()),
            Severity::Medium,
        )
    })
}

/// A key an app gained: its type (password, certificate), id and display name.
struct Key {
    kind: &'static str,
    id: String,
    name: String,
}

impl Key {
    fn describe(&self) -> String {
        match (self.name.is_empty(), self.id.is_empty()) {
            (false, _) => format!("\"{}\"", self.name),
            (true, false) => format!("key {}", self.id),
            (true, true) => String::new(),
        }
    }
}

/// The keys in the new `KeyDescription` that the old one lacks.
fn added_keys(ev: &Event) -> Vec<Key> {
    let Some(m) =
        ev.targets.iter().flat_map(|t| t.modified.iter()).find(|m| m.name.eq_ignore_ascii_case("KeyDescription"))
    else {
        return Vec::new();
    };
    let old = keys_in(m.old.as_deref().unwrap_or(""));
    keys_in(m.new.as_deref().unwrap_or("")).into_iter().filter(|k| !old.iter().any(|o| o.id == k.id)).collect()
}

/// The keys of a `KeyDescription` value: `[KeyIdentifier=…,KeyType=Password,KeyUsage=Verify,DisplayName=…]`.
fn keys_in(text: &str) -> Vec<Key> {
    let text = text.replace('\\', "");
    let mut out = Vec::new();
    for chunk in text.split("KeyIdentifier=").skip(1) {
        let end = chunk.find(']').unwrap_or(chunk.len());
        let body = &chunk[..end];
        let mut fields = body.split(',');
        let id = fields.next().unwrap_or("").trim().to_string();
        let field = |name: &str| {
            body.split(',')
                .find_map(|f| f.trim().strip_prefix(name))
                .map(|v| v.trim().trim_matches('"').to_string())
                .unwrap_or_default()
        };
        let kind = match field("KeyType=").to_ascii_lowercase().as_str() {
            "password" => "secret",
            t if t.contains("cert") || t.contains("x509") => "certificate",
            _ => "credential",
        };
        out.push(Key { kind, id, name: field("DisplayName=") });
    }
    out
}

/// A federated identity credential the record adds: its issuer and subject when given.
fn added_federated(ev: &Event) -> Option<String> {
    let m = ev
        .targets
        .iter()
        .flat_map(|t| t.modified.iter())
        .find(|m| m.name.to_ascii_lowercase().contains("federatedidentitycredential"))?;
    let (old, new) = (flat(m.old.as_deref().unwrap_or("")), flat(m.new.as_deref().unwrap_or("")));
    if new.len() <= 4 || old.contains(&new) {
        return None;
    }
    let field = |name: &str| {
        new.split(&format!("\"{name}\":\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .map(str::to_string)
            .unwrap_or_default()
    };
    let (issuer, subject) = (field("issuer"), field("subject"));
    Some(if issuer.is_empty() {
        "a federated identity credential".to_string()
    } else {
        format!("a federated identity credential trusting {issuer} (subject {subject})")
    })
}

/// The permissions the case shows the app holding, or the registration asking for.
fn app_permissions(scopes: &Scopes, perms: &BTreeMap<String, Vec<String>>, found: &[Found]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in found {
        for n in f.app.names() {
            out.extend(perms.get(&n.to_ascii_lowercase()).into_iter().flatten().cloned());
        }
        out.extend(scopes.in_record(f.ev));
    }
    out.retain(|p| scopes.category(p).is_some_and(|c| c != "offline access"));
    out.sort();
    out.dedup();
    out
}

/// Suppresses a routine rotation, else raises an alert for one actor's changes to one app.
fn judge(
    cx: &Cx,
    norms: &Norms,
    scopes: &Scopes,
    perms: &BTreeMap<String, Vec<String>>,
    actor: &str,
    found: Vec<Found>,
    out: &mut Findings,
) {
    let first = &found[0];
    let who = Who::actor(cx, norms, first.ev, first.ts);
    let mut notes = actor_notes(cx, norms, &who, first.ev, first.ts);
    notes.extend(found.iter().filter_map(|f| outside_owner(cx, f)));
    let sensitive = app_permissions(scopes, perms, &found);
    if found.iter().all(|f| f.rotation) && sensitive.is_empty() && notes.is_empty() && who.enough {
        let rule =
            "routine credential rotation (app without mail, file or directory permissions; usual hours and places)";
        for f in &found {
            out.suppressions.add(&cx.meta.id, rule, &f.app.key(), &f.ev.id);
        }
        return;
    }
    out.alerts.push(alert(cx, norms, scopes, &who, actor, &found, &sensitive, notes));
}

/// A new owner from outside the tenant.
fn outside_owner(cx: &Cx, f: &Found) -> Option<Note> {
    let o = f.owner.as_deref()?;
    (o.contains("#ext#") || !cx.config.tenant.domains.is_empty() && !is_internal(cx.config, o))
        .then(|| Note { text: format!("the new owner {o} is a guest or outside the tenant's domains"), firm: true })
}

/// The alert for one actor's changes to one app.
#[allow(clippy::too_many_arguments)]
fn alert(
    cx: &Cx,
    norms: &Norms,
    scopes: &Scopes,
    who: &Who,
    actor: &str,
    found: &[Found],
    sensitive: &[String],
    notes: Vec<Note>,
) -> AlertBuilder {
    let first = &found[0];
    let mut sev = found.iter().map(|f| f.severity).max().unwrap_or(Severity::Low);
    let title = if found.len() == 1 {
        format!("{actor} {}", title_of(first))
    } else {
        format!("{actor} made {} changes that open {} to new sign-ins", found.len(), first.app.label())
    };
    let mut b = cx.alert(title, sev);
    b.key.push(actor.to_string());
    b.key.push(first.ev.id.clone());
    for f in found {
        b.reason(format!("{}, at {}", f.what, cx.store.clock.describe(f.ts)));
        add_record(&mut b, f.ev, f.ts);
        if let Some(id) = f.app.app_id.as_deref().or(f.app.object_id.as_deref()).filter(|i| is_guid(i)) {
            b.entities().app(id, f.app.name.as_deref());
        }
        if let Some(o) = f.owner.as_deref().filter(|o| o.contains('@')) {
            b.entities().user(o);
        }
    }
    if !sensitive.is_empty() {
        let kinds: Vec<&str> = {
            let mut k: Vec<&str> = sensitive.iter().filter_map(|p| scopes.category(p)).collect();
            k.sort_unstable();
            k.dedup();
            k
        };
        b.reason(format!(
            "the app holds or asks for {} permissions in the case ({}): whoever holds its credential reads that data",
            kinds.join(" and "),
            sensitive.join(", ")
        ));
        sev = sev.max(Severity::High);
    }
    if notes.iter().any(|n| n.firm) {
        sev = raise(sev);
    }
    for n in notes {
        b.reason(n.text);
    }
    if let Some(t) = who.thin(norms) {
        b.baseline(t);
    }
    b.alert.severity = sev;
    b
}

/// A few words for a single change's title.
fn title_of(f: &Found) -> String {
    if f.owner.is_some() || op_name(f.ev).starts_with("add owner") {
        format!("added an owner to {}", f.app.label())
    } else if f.what.contains("listens on") {
        format!("registered {} with a data-theft tool's reply address", f.app.label())
    } else if f.what.contains("reply address") {
        format!("registered {} with a localhost reply address, open to other tenants", f.app.label())
    } else {
        format!("added a credential to {}", f.app.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_descriptions_parse_in_the_forms_entra_writes() {
        let text = r#"["[KeyIdentifier=11ca002d-d846-4692-8e1f-501db99f485a,KeyType=Password,KeyUsage=Verify,DisplayName=key 2]"]"#;
        let keys = keys_in(text);
        assert_eq!(keys.len(), 1);
        assert_eq!(
            (keys[0].kind, keys[0].id.as_str(), keys[0].name.as_str()),
            ("secret", "11ca002d-d846-4692-8e1f-501db99f485a", "key 2")
        );
        let cert = keys_in("[KeyIdentifier=a, KeyType=AsymmetricX509Cert, KeyUsage=Verify, DisplayName=CN=x]");
        assert_eq!(cert[0].kind, "certificate");
    }
}
