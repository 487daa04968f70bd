//! Allow lists that name the planted principals (`--allow-by`): which act each entry covers, the entry in the
//! chosen identifier form, and the `case.toml` lines that hold it. An act whose principal is listed must be
//! suppressed, never alerted; an act whose principal has no name in that form stays planted.

use super::activity::scenarios::rogue_app;
use super::context::IdForm;
use super::key::KeyEntry;
use super::tenant::{Person, Tenant};
use serde::Serialize;

/// One planted act the case's allow lists cover.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Allowed {
    /// The planted entry's id in the answer key.
    pub id: String,
    pub analytic: &'static str,
    /// The `case.toml` list that holds the entry (`allow.automation_accounts`, `analytics.AN1107.grantee_allowlist`, …).
    pub list: &'static str,
    /// The entry as written.
    pub entry: String,
    /// The identifier form of the entry.
    pub form: IdForm,
    /// Every name of the principal (UPN, object id, app and service principal ids, display name, tenant id), so a
    /// reader can tell which alerts and suppressions are about it.
    pub names: Vec<String>,
}

const AUTOMATION: &str = "allow.automation_accounts";
const GRANTEES: &str = "analytics.AN1107.grantee_allowlist";
const PARTNERS: &str = "allow.trusted_partner_tenants";

/// The acts the tenant's allow lists cover in the context's identifier form, among the planted `entries`.
pub fn allowed(t: &Tenant, entries: &[KeyEntry]) -> Vec<Allowed> {
    let Some(form) = t.context.allow_by else { return Vec::new() };
    let mut out = Vec::new();
    let mut add = |id: &str, analytic: &'static str, list: &'static str, names: Vec<(IdForm, String)>| {
        let planted = entries.iter().any(|e| e.planted && e.id == id);
        let entry = names.iter().find(|(f, _)| *f == form).map(|(_, n)| n.clone());
        if let (true, Some(entry)) = (planted, entry) {
            let names = names.into_iter().map(|(_, n)| n.to_ascii_lowercase()).collect();
            out.push(Allowed { id: id.to_string(), analytic, list, entry, form, names });
        }
    };
    let person = |p: Option<&Person>| -> Vec<(IdForm, String)> {
        p.map(|p| {
            vec![
                (IdForm::Upn, p.upn_cased.clone()),
                (IdForm::ObjectId, p.id.clone()),
                (IdForm::DisplayName, p.display.clone()),
            ]
        })
        .unwrap_or_default()
    };
    add("an0534-scripted-graph", "AN0534", AUTOMATION, person(t.people.get(t.cast.script_victim)));
    add("an1089-mail-enumeration", "AN1089", AUTOMATION, person(t.people.get(t.cast.enum_actor)));
    add("an1107-impersonation", "AN1107", GRANTEES, person(Some(&t.dormant)));
    let app = rogue_app(t);
    let app_names =
        vec![(IdForm::AppId, app.app_id), (IdForm::SpId, app.sp_id), (IdForm::DisplayName, app.name.to_string())];
    add("an1107-full-access-as-app", "AN1107", GRANTEES, app_names);
    let p = &t.rogue_partner;
    let partner_names = vec![(IdForm::TenantId, p.tenant_id.clone()), (IdForm::DisplayName, p.name.clone())];
    add("an1350-partner-chain", "AN1350", PARTNERS, partner_names);
    out
}

/// Adds the allowed entries to the lists of a generated `case.toml`: automation accounts and trusted partners in
/// `[allow]` (a trusted partner with the mailbox it was let into as an allowed delegate mailbox), approved grantees
/// in `[analytics.AN1107]`.
pub fn extend_case_toml(text: &mut String, allowed: &[Allowed], t: &Tenant) {
    if allowed.is_empty() {
        return;
    }
    let of = |list: &str| -> Vec<String> {
        allowed.iter().filter(|a| a.list == list).map(|a| a.entry.clone()).collect::<Vec<String>>()
    };
    let ceo = t.people.get(t.cast.ceo).map(|p| p.upn.clone());
    let partners = of(PARTNERS);
    let delegates: Vec<String> = if partners.is_empty() { Vec::new() } else { ceo.into_iter().collect() };
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for (key, extra) in [
        ("automation_accounts", of(AUTOMATION)),
        ("trusted_partner_tenants", partners),
        ("delegate_mailboxes", delegates),
    ] {
        if let Some(line) = lines.iter_mut().find(|l| l.starts_with(&format!("{key} = ["))) {
            append_to_list(line, &extra);
        }
    }
    *text = lines.join("\n");
    text.push('\n');
    let grantees = of(GRANTEES);
    if !grantees.is_empty() {
        text.push_str(&format!("[analytics.AN1107]\ngrantee_allowlist = [{}]\n", quoted_list(&grantees)));
    }
}

/// `key = ["a"]` with `extra` added inside the brackets.
fn append_to_list(line: &mut String, extra: &[String]) {
    if extra.is_empty() {
        return;
    }
    let Some(body) = line.strip_suffix(']') else { return };
    let sep = if body.ends_with('[') { "" } else { ", " };
    *line = format!("{body}{sep}{}]", quoted_list(extra));
}

fn quoted_list(items: &[String]) -> String {
    items.iter().map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_join_the_lists_they_belong_to() {
        let mut line = "automation_accounts = [\"svc@x.example\"]".to_string();
        append_to_list(&mut line, &["Dana \"D\" Lee".to_string()]);
        assert_eq!(line, "automation_accounts = [\"svc@x.example\", \"Dana \\\"D\\\" Lee\"]");
        let mut empty = "delegate_mailboxes = []".to_string();
        append_to_list(&mut empty, &["ceo@x.example".to_string()]);
        assert_eq!(empty, "delegate_mailboxes = [\"ceo@x.example\"]");
    }
}
