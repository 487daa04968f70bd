//! privileged-role: a directory role that controls the tenant was given to someone, or activated.
//!
//! It reads the kept directory and PIM records for role assignments (`Add member to role.`, scoped and PIM
//! assignments), eligibility (`Add eligible member to role…`) and PIM activations, keeps those whose role is in the
//! asset's list (by name or template id), and judges the grantee and the actor: a guest, a service principal, an
//! account new or idle in the case, someone assigning themselves, an hour or place unusual for the actor. An
//! assignment of Global, Privileged Role or Privileged Authentication Administrator is high on its own, other
//! listed roles medium; each firm finding raises it once. A PIM activation is low (medium for those three roles)
//! and stays quiet, counted, when it comes in working hours with a justification from an actor the case knows
//! acting from their usual places. The directory's own copy of a PIM action (made by the MS-PIM service) is
//! counted, not judged twice. One actor's grants to one principal within the window make one alert.

use super::identity_context::{actor_notes, add_record, allowed_actor, failed_note, note_untimed, Norms, Note, Who};
use crate::analytics::alert::AlertBuilder;
use crate::analytics::allow::AllowList;
use crate::analytics::common::{actor_of, is_internal, lower, op_name, prop, raise, unquote, Cx, Findings};
use crate::model::{Event, EventResult, Severity};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// How a role reached the grantee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum How {
    Assigned,
    Eligible,
    Activated,
}

/// A role in the asset's list: its display name and template id.
struct Role {
    name: String,
    template: String,
}

/// What the asset lists.
struct Settings {
    roles: Vec<Role>,
    critical: Vec<String>,
    assign_ops: Vec<String>,
    eligible_ops: Vec<String>,
    activation_ops: Vec<String>,
    pim_service: AllowList,
    admins: AllowList,
    automation: AllowList,
    new_days: i64,
    window: i64,
}

impl Settings {
    fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        let roles = p
            .list("privileged_roles")
            .iter()
            .map(|e| match e.split_once('=') {
                Some((n, t)) => Role { name: n.trim().to_string(), template: t.trim().to_ascii_lowercase() },
                None => Role { name: e.trim().to_string(), template: String::new() },
            })
            .collect();
        Settings {
            roles,
            critical: p.lower("critical_roles"),
            assign_ops: p.lower("assignment_operations"),
            eligible_ops: p.lower("eligible_operations"),
            activation_ops: p.lower("activation_operations"),
            pim_service: AllowList::new(p.list("pim_service_principals")),
            admins: AllowList::new(p.list("admin_allowlist")),
            automation: AllowList::new(&cx.config.allow.automation_accounts),
            new_days: p.int("new_account_days").max(0),
            window: p.int("group_window_hours").max(1) * 3_600,
        }
    }

    fn how(&self, op: &str) -> Option<How> {
        if self.activation_ops.iter().any(|o| o == op) {
            Some(How::Activated)
        } else if self.eligible_ops.iter().any(|o| o == op) {
            Some(How::Eligible)
        } else if self.assign_ops.iter().any(|o| o == op) {
            Some(How::Assigned)
        } else {
            None
        }
    }

    /// The listed role a record names, by display name first, then by template or object id, with the name the
    /// record itself gives it.
    fn role_of(&self, ev: &Event) -> Option<(String, &Role)> {
        let shown = prop(ev, &["Role.DisplayName", "RoleName"]).or_else(|| {
            ev.targets
                .iter()
                .find(|t| t.kind.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("role")))
                .and_then(|t| t.name.clone())
        });
        let mut ids: Vec<String> = ["Role.TemplateId", "Role.ObjectID", "RoleDefinitionOriginId"]
            .iter()
            .filter_map(|n| prop(ev, &[n]))
            .collect();
        ids.extend(
            ev.targets
                .iter()
                .filter(|t| t.kind.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("role")))
                .filter_map(|t| t.id.clone()),
        );
        let by_name = shown.as_deref().and_then(|n| self.roles.iter().find(|r| r.name.eq_ignore_ascii_case(n)));
        let role = by_name.or_else(|| {
            self.roles
                .iter()
                .find(|r| !r.template.is_empty() && ids.iter().any(|i| i.eq_ignore_ascii_case(&r.template)))
        })?;
        Some((shown.unwrap_or_else(|| role.name.clone()), role))
    }

    fn is_critical(&self, role: &Role) -> bool {
        self.critical.iter().any(|c| c.eq_ignore_ascii_case(&role.name))
    }
}

/// Who received the role.
struct Grantee {
    /// UPN for people, app id or object id for service principals.
    key: String,
    name: Option<String>,
    is_app: bool,
    is_group: bool,
}

/// One grant of a listed role.
struct Grant<'e> {
    ev: &'e Event,
    ts: DateTime<Utc>,
    how: How,
    role: String,
    critical: bool,
    grantee: Grantee,
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    let s = Settings::read(cx);
    let norms = Norms::read(cx);
    let created = accounts_created(cx);
    let grants = collect(cx, &s, &mut out);
    let mut groups: BTreeMap<(String, String), Vec<Grant>> = BTreeMap::new();
    for g in grants {
        groups.entry((actor_of(g.ev), g.grantee.key.clone())).or_default().push(g);
    }
    for ((actor, _), gs) in groups {
        let mut runs: Vec<Vec<Grant>> = Vec::new();
        for g in gs {
            match runs.last_mut() {
                Some(r) if g.ts.timestamp() - r[0].ts.timestamp() <= s.window => r.push(g),
                _ => runs.push(vec![g]),
            }
        }
        for r in runs {
            judge(cx, &s, &norms, &created, &actor, r, &mut out);
        }
    }
    out
}

/// The grants of listed roles in the kept records, with allow-listed actors and the directory's copies of PIM
/// actions counted as suppressed.
fn collect<'e>(cx: &Cx<'e>, s: &Settings, out: &mut Findings) -> Vec<Grant<'e>> {
    let mut grants: Vec<Grant> = Vec::new();
    let mut untimed = 0;
    for ev in cx.audits {
        let op = op_name(ev);
        let Some(mut how) = s.how(&op) else { continue };
        let Some((role_name, role)) = s.role_of(ev) else { continue };
        let Some(ts) = ev.ts else {
            untimed += 1;
            continue;
        };
        let grantee = grantee_of(ev);
        if by_pim_service(cx, s, ev) {
            if pim_record_near(cx, s, &grantee.key, ts) {
                out.suppressions.add(&cx.meta.id, "directory copy of a PIM record", &grantee.key, &ev.id);
                continue;
            }
            how = How::Activated;
        } else {
            let lists = [("admin_allowlist", &s.admins), ("allow.automation_accounts", &s.automation)];
            if let Some((rule, matched)) = allowed_actor(cx, ev, &lists) {
                out.suppressions.add(&cx.meta.id, &rule, &matched, &ev.id);
                continue;
            }
        }
        grants.push(Grant { ev, ts, how, role: role_name, critical: s.is_critical(role), grantee });
    }
    note_untimed(out, untimed);
    grants
}

/// True when the record was made by the PIM service itself (its directory copy of an activation or assignment).
fn by_pim_service(cx: &Cx, s: &Settings, ev: &Event) -> bool {
    let names = crate::analytics::allow::actor_names(cx, ev);
    s.pim_service.matched(&names).is_some()
}

/// True when a PIM record (not by the PIM service) names the same grantee within ten minutes.
fn pim_record_near(cx: &Cx, s: &Settings, grantee: &str, ts: DateTime<Utc>) -> bool {
    cx.audits.iter().any(|e| {
        let op = op_name(e);
        op.contains("pim")
            && s.how(&op).is_some()
            && !by_pim_service(cx, s, e)
            && e.ts.is_some_and(|t| (t.timestamp() - ts.timestamp()).abs() <= 600)
            && grantee_of(e).key == grantee
    })
}

/// The principal a role record gives the role to.
fn grantee_of(ev: &Event) -> Grantee {
    let kind_is = |k: &str| {
        ev.targets.iter().any(|t| {
            t.kind.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(k))
                || t.id.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(k))
        })
    };
    let is_app = kind_is("ServicePrincipal");
    let is_group = !is_app && kind_is("Group");
    let upn = ev
        .targets
        .iter()
        .find_map(|t| t.upn.clone())
        .or_else(|| ev.targets.iter().find_map(|t| t.id.clone().filter(|i| i.contains('@'))));
    let app = prop(ev, &["TargetId.ServicePrincipalNames", "ServicePrincipal.AppId", "AppId"])
        .map(|v| unquote(v.split(';').next().unwrap_or("")).to_ascii_lowercase());
    let name = ev
        .targets
        .iter()
        .find(|t| !t.kind.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("role")))
        .and_then(|t| t.name.clone());
    let key = if is_app {
        app.filter(|a| !a.is_empty())
            .or_else(|| ev.targets.iter().find_map(|t| t.id.clone().filter(|i| i.len() >= 32)))
            .unwrap_or_default()
    } else {
        upn.or_else(|| ev.targets.iter().find_map(|t| t.id.clone().filter(|i| i.len() >= 32))).unwrap_or_default()
    };
    Grantee { key: key.to_ascii_lowercase(), name, is_app, is_group }
}

/// Accounts the case shows being created (`Add user`), by lower-case UPN, with when.
fn accounts_created(cx: &Cx) -> BTreeMap<String, DateTime<Utc>> {
    let mut out = BTreeMap::new();
    for ev in cx.audits.iter().filter(|e| op_name(e) == "add user" && e.result != EventResult::Failure) {
        let (Some(ts), Some(upn)) = (ev.ts, ev.targets.iter().find_map(|t| t.upn.clone())) else { continue };
        out.entry(upn.to_ascii_lowercase()).or_insert(ts);
    }
    out
}

/// What about the grantee makes the grant riskier: a service principal, a guest, an account created or first seen
/// just before, one idle in the case, or the actor giving the role to themselves.
fn grantee_notes(
    cx: &Cx,
    s: &Settings,
    norms: &Norms,
    created: &BTreeMap<String, DateTime<Utc>>,
    actor: &str,
    g: &Grant,
) -> Vec<Note> {
    let mut notes = Vec::new();
    let key = &g.grantee.key;
    let firm = |text: String| Note { text, firm: true };
    if g.grantee.is_app {
        notes.push(firm(format!(
            "the grantee is a service principal ({}): it acts without MFA, with whatever secret or certificate it holds",
            g.grantee.name.as_deref().unwrap_or(key)
        )));
        return notes;
    }
    if g.grantee.is_group {
        notes.push(firm(format!(
            "the grantee is a group ({}): every member gains the role",
            g.grantee.name.as_deref().unwrap_or(key)
        )));
    }
    if key.contains("#ext#")
        || key.contains('@') && !cx.config.tenant.domains.is_empty() && !is_internal(cx.config, key)
    {
        notes.push(firm(format!("the grantee {key} is a guest or an account outside the tenant's domains")));
    }
    if g.how != How::Activated && key == actor {
        notes.push(firm(format!("{actor} gave the role to themselves")));
    }
    if let Some(c) = created.get(key).filter(|c| **c <= g.ts) {
        let minutes = (g.ts - *c).num_minutes();
        notes.push(firm(format!("the grantee {key} was created in the case {minutes} min before")));
        return notes;
    }
    if g.grantee.is_group || g.how == How::Activated || key.is_empty() {
        return notes;
    }
    let who = Who::at(cx, norms, key, g.ts);
    let case_days = cx.store.span.map(|(first, _)| who.day - first).unwrap_or(0);
    let active = who.profile.map(|p| p.active.count_in(who.from, who.to)).unwrap_or(0);
    if active == 0 {
        let text = format!(
            "the grantee {key} had no activity in the case before the grant (the case holds {case_days} day(s) \
             before it{})",
            if case_days >= norms.min_coverage() { "" } else { ", too few to call the account idle" }
        );
        notes.push(Note { text, firm: case_days >= norms.min_coverage() });
    } else if who.is_new(s.new_days) && i64::from(case_days) > s.new_days {
        notes.push(firm(format!("the grantee {key} was first seen in the case {} day(s) before", who.history)));
    }
    notes
}

/// The justification a PIM record carries, if any.
fn justification(ev: &Event) -> Option<String> {
    prop(ev, &["Justification", "justification", "Reason"])
        .or_else(|| ev.result_detail.clone())
        .map(|j| j.trim().to_string())
        .filter(|j| !j.is_empty() && !j.eq_ignore_ascii_case("none"))
}

/// Judges one actor's grants to one principal: suppresses a routine PIM activation, else raises an alert.
fn judge(
    cx: &Cx,
    s: &Settings,
    norms: &Norms,
    created: &BTreeMap<String, DateTime<Utc>>,
    actor: &str,
    grants: Vec<Grant>,
    out: &mut Findings,
) {
    let g = &grants[0];
    let who = Who::actor(cx, norms, g.ev, g.ts);
    let mut notes = actor_notes(cx, norms, &who, g.ev, g.ts);
    for x in &grants {
        notes.extend(grantee_notes(cx, s, norms, created, actor, x));
    }
    let activation = grants.iter().all(|x| x.how == How::Activated);
    let justified = grants.iter().all(|x| justification(x.ev).is_some());
    if activation && justified && notes.is_empty() && who.enough && cx.store.clock.in_working_hours(g.ts) {
        let rule = "routine PIM activation (working hours, justified, usual place)";
        for x in &grants {
            out.suppressions.add(&cx.meta.id, rule, actor, &x.ev.id);
        }
        return;
    }
    out.alerts.push(alert(cx, norms, &who, actor, &grants, notes));
}

/// The alert for one actor's grants to one principal.
fn alert(cx: &Cx, norms: &Norms, who: &Who, actor: &str, grants: &[Grant], notes: Vec<Note>) -> AlertBuilder {
    let g = &grants[0];
    let critical = grants.iter().any(|x| x.critical);
    let strongest = grants.iter().map(|x| x.how).min().unwrap_or(How::Activated);
    let mut sev = match (strongest, critical) {
        (How::Activated, true) => Severity::Medium,
        (How::Activated, false) => Severity::Low,
        (_, true) => Severity::High,
        (_, false) => Severity::Medium,
    };
    let mut roles: Vec<&str> = grants.iter().map(|x| x.role.as_str()).collect();
    roles.dedup();
    let grantee = g
        .grantee
        .name
        .as_deref()
        .filter(|_| g.grantee.is_app)
        .map(|n| format!("{n} ({})", g.grantee.key))
        .unwrap_or_else(|| g.grantee.key.clone());
    let title = match strongest {
        How::Activated => format!("{actor} activated {} through PIM", roles.join(", ")),
        How::Eligible => format!("{actor} made {grantee} eligible for {}", roles.join(", ")),
        How::Assigned => format!("{actor} assigned {} to {grantee}", roles.join(", ")),
    };
    let mut b = cx.alert(title, sev);
    b.key.push(actor.to_string());
    b.key.push(g.ev.id.clone());
    for x in grants {
        let how = match x.how {
            How::Assigned => "assigned",
            How::Eligible => "made eligible for",
            How::Activated => "activated",
        };
        b.reason(format!(
            "{} ({how} {}{}) at {}",
            x.ev.operation.trim().trim_end_matches('.'),
            x.role,
            if x.critical { ", a role that controls the whole tenant" } else { "" },
            cx.store.clock.describe(x.ts)
        ));
        if x.how == How::Activated {
            match justification(x.ev) {
                Some(j) => b.reason(format!("justification given: \"{j}\"")),
                None => b.reason("no justification recorded for the activation"),
            }
        }
        if let Some(n) = failed_note(x.ev) {
            b.reason(n);
        }
        add_record(&mut b, x.ev, x.ts);
        add_grantee(&mut b, &x.grantee);
    }
    if grants.iter().any(|x| x.how == How::Activated && justification(x.ev).is_none()) {
        sev = raise(sev);
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
    if grants.iter().all(|x| x.ev.result == EventResult::Failure) {
        sev = lower(sev);
    }
    b.alert.severity = sev;
    b
}

/// The grantee as an entity: a user, or an app.
fn add_grantee(b: &mut AlertBuilder, g: &Grantee) {
    if g.is_app {
        b.entities().app(&g.key, g.name.as_deref());
    } else if g.key.contains('@') {
        b.entities().user(&g.key);
    }
}
