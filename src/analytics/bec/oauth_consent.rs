//! oauth-consent: an app was given access to people's mail, files or directory through consent.
//!
//! It reads the kept consent and grant records (`Consent to application.`, `Add delegated permission grant.`,
//! `Add app role assignment to service principal.`), keeps those naming mail, file, directory or offline-access
//! scopes (lists in the asset), and groups them per app within a window, so a consent-phishing wave against many
//! users is one alert. A user's delegated consent is medium, offline access alone low; an admin or tenant-wide
//! consent, or an application permission, is high. It is raised once for firm findings: the app arrived in the
//! tenant just before (its service principal created in the case shortly before, or no activity of it earlier),
//! its publisher is recorded as unverified, several users consented, the consenting user signed in from a new
//! place just before, or the hour or place of the consent is unusual for them. Consent to Microsoft's own apps
//! (other than command-line tools) and to approved apps is counted as suppressed.

use super::app_facts::{grantee_app, AppRef, Scopes};
use super::identity_context::{
    actor_notes, add_record, add_signin, allowed_actor, flat, new_place_signin, note_missing_signins, note_untimed,
    Norms, Note, Who,
};
use crate::analytics::alert::AlertBuilder;
use crate::analytics::allow::AllowList;
use crate::analytics::catalog::{self, IdSet};
use crate::analytics::common::{actor_of, op_name, prop, raise, Cx, Findings};
use crate::analytics::store::touch::Touch;
use crate::model::{Event, Severity};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// What the asset lists.
struct Settings {
    ops: Vec<String>,
    approved: AllowList,
    first_party: AllowList,
    admins: AllowList,
    many_users: usize,
    new_app_secs: i64,
    window: i64,
}

impl Settings {
    fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        Settings {
            ops: p.list("consent_operations").iter().map(|s| s.trim().to_ascii_lowercase()).collect(),
            approved: AllowList::new(p.list("approved_apps")),
            first_party: AllowList::new(p.list("first_party_apps")),
            admins: AllowList::new(p.list("admin_allowlist")),
            many_users: p.int("many_users_threshold").max(2) as usize,
            new_app_secs: p.int("new_app_hours").max(0) * 3_600,
            window: p.int("group_window_hours").max(1) * 3_600,
        }
    }
}

/// One consent or grant record with sensitive scopes.
struct Consent<'e> {
    ev: &'e Event,
    ts: DateTime<Utc>,
    app: AppRef,
    perms: Vec<String>,
    /// Admin consent, consent for all principals, or an application permission.
    tenant_wide: bool,
    app_only: bool,
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    let s = Settings::read(cx);
    let norms = Norms::read(cx);
    let scopes = Scopes::read(cx);
    let aliases = app_aliases(cx);
    let mut by_app: BTreeMap<String, Vec<Consent>> = BTreeMap::new();
    let mut untimed = 0;
    for ev in cx.audits {
        if !s.ops.contains(&op_name(ev)) {
            continue;
        }
        let perms = scopes.in_record(ev);
        if perms.is_empty() {
            continue;
        }
        let Some(ts) = ev.ts else {
            untimed += 1;
            continue;
        };
        let app = grantee_app(ev);
        if let Some((rule, m)) = allowed(cx, &s, ev, &app) {
            out.suppressions.add(&cx.meta.id, &rule, &m, &ev.id);
            continue;
        }
        let app_only = op_name(ev).contains("app role assignment");
        let tenant_wide = app_only || is_tenant_wide(ev);
        let key = app_key(&app, &aliases);
        by_app.entry(key).or_default().push(Consent { ev, ts, app, perms, tenant_wide, app_only });
    }
    note_untimed(&mut out, untimed);
    note_missing_signins(cx, &mut out, "a consent");
    for (key, cs) in by_app {
        let mut runs: Vec<Vec<Consent>> = Vec::new();
        for c in cs {
            match runs.last_mut() {
                Some(r) if c.ts.timestamp() - r[0].ts.timestamp() <= s.window => r.push(c),
                _ => runs.push(vec![c]),
            }
        }
        for r in runs {
            out.alerts.push(alert(cx, &s, &norms, &scopes, &key, &r));
        }
    }
    out
}

/// The allow rule covering a consent: an approved app, a Microsoft first-party app that is not a command-line
/// tool, an approved administrator, or Microsoft's own service accounts.
fn allowed<'a>(cx: &Cx<'a>, s: &Settings, ev: &'a Event, app: &AppRef) -> Option<(String, String)> {
    let names = app.names();
    if let Some(m) = s.approved.matched(&names) {
        return Some(("approved_apps".to_string(), m.to_ascii_lowercase()));
    }
    if let Some(id) = app.app_id.as_deref() {
        let microsoft = catalog::app_name(id).is_some() || s.first_party.matched(&[id]).is_some();
        if microsoft && !catalog::in_set(IdSet::ScriptingClients, id) {
            return Some(("first-party Microsoft app".to_string(), id.to_string()));
        }
    }
    allowed_actor(cx, ev, &[("admin_allowlist", &s.admins)])
}

/// Object id → app id, from every record that names both, so a grant naming the client by object id joins the
/// consent naming it by app id.
fn app_aliases(cx: &Cx) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for ev in cx.audits {
        let app = grantee_app(ev);
        if let (Some(o), Some(a)) = (app.object_id, app.app_id) {
            out.entry(o).or_insert(a);
        }
    }
    out
}

/// The key a consent is grouped under: the app id, resolved through the aliases when only the object id is known.
fn app_key(app: &AppRef, aliases: &BTreeMap<String, String>) -> String {
    app.app_id
        .clone()
        .or_else(|| app.object_id.as_ref().and_then(|o| aliases.get(o).cloned()))
        .unwrap_or_else(|| app.key())
}

/// True for admin consent, consent on behalf of everyone, or an all-principals grant.
fn is_tenant_wide(ev: &Event) -> bool {
    let yes = |n: &str| prop(ev, &[n]).is_some_and(|v| super::identity_context::is_true(&v));
    if yes("ConsentContext.IsAdminConsent") || yes("ConsentContext.OnBehalfOfAll") {
        return true;
    }
    let text: String = ev
        .targets
        .iter()
        .flat_map(|t| t.modified.iter())
        .filter_map(|m| m.new.as_deref())
        .chain(ev.params.iter().map(|(_, v)| v.as_str()))
        .map(flat)
        .collect();
    text.contains("allprincipals")
}

/// The firm and open findings about one app's consents, with the new-place sign-ins that came before them.
fn findings<'a>(
    cx: &Cx<'a>,
    s: &Settings,
    norms: &Norms,
    consents: &[Consent],
    users: &[String],
) -> (Vec<Note>, Vec<&'a Touch>) {
    let first = &consents[0];
    let mut notes: Vec<Note> = new_app(cx, s, first).into_iter().collect();
    notes.extend(unverified_publisher(consents));
    if users.len() >= s.many_users {
        notes.push(Note { text: format!("{} different people consented to the same app", users.len()), firm: true });
    }
    let mut touches = Vec::new();
    for c in consents.iter().filter(|c| !c.app_only) {
        let who = Who::actor(cx, norms, c.ev, c.ts);
        if let Some(p) = new_place_signin(cx, norms, &who, c.ts) {
            notes.push(p.note);
            touches.push(p.touch);
        }
    }
    let who = Who::actor(cx, norms, first.ev, first.ts);
    notes.extend(actor_notes(cx, norms, &who, first.ev, first.ts));
    (notes, touches)
}

/// The app arrived just before the consent: its service principal was created in the case shortly before, or the
/// case shows no activity of the app before.
fn new_app(cx: &Cx, s: &Settings, c: &Consent) -> Option<Note> {
    let ids: Vec<String> = c.app.names().iter().map(|n| n.to_ascii_lowercase()).collect();
    let created = cx.audits.iter().find(|e| {
        op_name(e) == "add service principal"
            && e.ts.is_some_and(|t| t <= c.ts && c.ts.timestamp() - t.timestamp() <= s.new_app_secs)
            && {
                let a = super::app_facts::app_of(e);
                a.names().iter().any(|n| ids.contains(&n.to_ascii_lowercase()))
            }
    });
    if let Some(e) = created {
        let minutes = (c.ts - e.ts.unwrap_or(c.ts)).num_minutes();
        return Some(Note {
            text: format!(
                "the app's service principal was created in the tenant {minutes} min before: its first use here"
            ),
            firm: true,
        });
    }
    let id = c.app.app_id.as_deref()?;
    let seen_before =
        cx.store.profile_of(&format!("app:{id}")).is_some_and(|p| p.first_ts != 0 && p.first_ts < c.ts.timestamp());
    (!seen_before)
        .then(|| Note { text: format!("the case shows no activity of app {id} before the consent"), firm: false })
}

/// A publisher the records mark as unverified.
fn unverified_publisher(consents: &[Consent]) -> Option<Note> {
    consents.iter().find_map(|c| {
        let v =
            c.ev.targets
                .iter()
                .flat_map(|t| t.modified.iter())
                .find(|m| m.name.to_ascii_lowercase().contains("verifiedpublisher"))
                .map(|m| flat(m.new.as_deref().unwrap_or("")))?;
        let empty = v.is_empty() || v == "[]" || v == "{}" || v == "\"\"" || v.contains("false") || v.contains("null");
        empty.then(|| Note { text: "the app's publisher is recorded as not verified".to_string(), firm: true })
    })
}

/// The alert for one app's consents within the window.
fn alert(cx: &Cx, s: &Settings, norms: &Norms, scopes: &Scopes, key: &str, consents: &[Consent]) -> AlertBuilder {
    let first = &consents[0];
    let mut users: Vec<String> = consents.iter().filter(|c| !c.app_only).map(|c| actor_of(c.ev)).collect();
    users.sort();
    users.dedup();
    let mut perms: Vec<String> = consents.iter().flat_map(|c| c.perms.iter().cloned()).collect();
    perms.sort();
    perms.dedup();
    let mut kinds: Vec<&str> = perms.iter().filter_map(|p| scopes.category(p)).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let tenant_wide = consents.iter().any(|c| c.tenant_wide);
    let mut sev = if kinds.iter().all(|k| *k == "offline access") {
        Severity::Low
    } else if tenant_wide {
        Severity::High
    } else {
        Severity::Medium
    };
    let app = consents.iter().find(|c| c.app.name.is_some()).map(|c| &c.app).unwrap_or(&first.app);
    let label = match &app.name {
        Some(n) => format!("{n} ({key})"),
        None => key.to_string(),
    };
    let actor = actor_of(first.ev);
    let title = match (consents.iter().all(|c| c.app_only), users.len()) {
        (true, _) => format!("{actor} granted {label} application permission {}", perms.join(", ")),
        (false, n) if n > 1 => format!("{n} people consented to {label}: {} scopes", kinds.join(", ")),
        _ => format!("{actor} consented to {label}: {} scopes", kinds.join(", ")),
    };
    let mut b = cx.alert(title, sev);
    b.key.push(key.to_string());
    b.key.push(first.ev.id.clone());
    for c in consents {
        let scope = if c.app_only {
            "application permission"
        } else if c.tenant_wide {
            "consent for the whole tenant"
        } else {
            "consent for themselves"
        };
        b.reason(format!(
            "{} by {} ({scope}): {}, at {}",
            c.ev.operation.trim().trim_end_matches('.'),
            actor_of(c.ev),
            c.perms.join(", "),
            cx.store.clock.describe(c.ts)
        ));
        add_record(&mut b, c.ev, c.ts);
    }
    b.entities().app(key, app.name.as_deref());
    let (notes, touches) = findings(cx, s, norms, consents, &users);
    for t in touches {
        add_signin(cx, &mut b, t);
    }
    if notes.iter().any(|n| n.firm) {
        sev = raise(sev);
    }
    for n in notes {
        b.reason(n.text);
    }
    b.alert.severity = sev;
    b
}
