//! What of an alert goes into which allow list, read from the detection's `[suppress]` asset: the actor, app,
//! partner domain, address, tenant or mailbox its allow list expects. A detection without an allow list, or an
//! alert that names nothing a list could hold, is refused with the reason.

use super::StateError;
use crate::analytics::params::{self, AnalyticMeta};
use crate::analytics::saved::SavedAlert;
use crate::analytics::suppress_spec::{is_allow_list, AllowTarget, Take};

/// A table path, a key in it, and the values wanted in that list.
pub(super) type Wanted = (Vec<String>, String, Vec<String>);

fn refused(msg: impl Into<String>) -> StateError {
    StateError::Refused(msg.into())
}

/// The lists and values that silence the alert's detection for what the alert found.
pub(super) fn wanted_changes(alert: &SavedAlert) -> Result<Vec<Wanted>, StateError> {
    if let Some(rule) = alert.analytic.strip_prefix(crate::analytics::sigma::PREFIX) {
        return Err(refused(format!(
            "alert {} comes from Sigma rule {rule}; Sigma alerts have no allow list: add a filter to the rule, or set \
             its severity in case.toml's [sigma.levels]",
            alert.id
        )));
    }
    let Some(meta) = params::meta(&alert.analytic) else {
        return Err(refused(format!(
            "alert {} comes from {}, which is not a registered detection with an allow list; tune its rule instead",
            alert.id, alert.analytic
        )));
    };
    changes_for(meta, alert)
}

/// The changes `meta`'s `[suppress]` asks for the alert.
fn changes_for(meta: &AnalyticMeta, alert: &SavedAlert) -> Result<Vec<Wanted>, StateError> {
    let spec = meta.suppress.as_ref().filter(|s| !s.add.is_empty());
    let Some(spec) = spec else {
        let lists: Vec<&str> = meta.params.iter().map(|p| p.name.as_str()).filter(|p| is_allow_list(p)).collect();
        return Err(refused(if lists.is_empty() {
            format!("{} has no allow list: none of its parameters lists what it may leave alone", meta.id)
        } else {
            format!(
                "{} does not say which of its lists ({}) an alert belongs in; edit case.toml by hand",
                meta.id,
                lists.join(", ")
            )
        }));
    };
    let mut out: Vec<Wanted> = Vec::new();
    for t in &spec.add {
        if t.when.as_deref().is_some_and(|w| !alert.title.to_lowercase().contains(&w.to_lowercase())) {
            continue;
        }
        let values = take(alert, t);
        if values.is_empty() {
            continue;
        }
        let (table, key) = t.table_key(&meta.id);
        out.push((table, key, values));
        if !spec.all {
            break;
        }
    }
    if out.is_empty() {
        let lists: Vec<&str> = spec.add.iter().map(|t| t.list.as_str()).collect();
        return Err(refused(format!(
            "alert {} names nothing {}'s allow lists ({}) could hold",
            alert.id,
            meta.id,
            lists.join(", ")
        )));
    }
    Ok(out)
}

/// What of the alert one list takes, lower-cased where it is a name.
fn take(alert: &SavedAlert, t: &AllowTarget) -> Vec<String> {
    let e = &alert.entities;
    match t.take {
        Take::Users => e.users.clone(),
        Take::Ips => e.ips.clone(),
        Take::Apps => e.apps.clone(),
        Take::Tenants => e.tenants.clone(),
        Take::Mailboxes => e.mailboxes.clone(),
        Take::UserOrApp => e.users.first().or(e.apps.first()).cloned().into_iter().collect(),
        Take::FirstUserInTitle => users_in_title(alert).into_iter().take(1).collect(),
        Take::LastUserInTitle => users_in_title(alert).into_iter().last().into_iter().collect(),
        Take::GranteeInTitle => grantee_of(alert).into_iter().collect(),
        Take::OutsideDomains => outside_domains(alert),
    }
}

/// The words of the title that are users the alert names, in order (`admin@x assigned … to alex@x`).
fn users_in_title(alert: &SavedAlert) -> Vec<String> {
    alert
        .title
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| ":,;()'\"".contains(c)).to_ascii_lowercase())
        .filter(|w| alert.entities.users.iter().any(|u| u.eq_ignore_ascii_case(w)))
        .collect()
}

/// The grantee of a grant alert: the title ends `… to NAME (id)` or `… to id`, and the grantee is among the
/// alert's users or apps.
fn grantee_of(alert: &SavedAlert) -> Option<String> {
    let tail = alert.title.rsplit_once(" to ").map(|(_, t)| t.trim()).unwrap_or("");
    let candidate = match (tail.ends_with(')'), tail.rfind('(')) {
        (true, Some(open)) => &tail[open + 1..tail.len() - 1],
        _ => tail,
    }
    .trim()
    .to_ascii_lowercase();
    let e = &alert.entities;
    let named = e.users.iter().chain(&e.apps).any(|x| x.eq_ignore_ascii_case(&candidate));
    (!candidate.is_empty() && named).then_some(candidate)
}

/// The domains the alert's reasons call outside the tenant (`… drop.example is outside the tenant (…)`).
fn outside_domains(alert: &SavedAlert) -> Vec<String> {
    const MARK: &str = " is outside the tenant";
    let mut out: Vec<String> = Vec::new();
    for r in &alert.reasons {
        let mut rest = r.as_str();
        while let Some(at) = rest.find(MARK) {
            let word = rest[..at].rsplit(char::is_whitespace).next().unwrap_or("");
            let domain = word.trim_matches(|c: char| ";:,()'\"".contains(c)).to_ascii_lowercase();
            if domain.contains('.') && !domain.contains('@') && !out.contains(&domain) {
                out.push(domain);
            }
            rest = &rest[at + MARK.len()..];
        }
    }
    out
}

#[cfg(test)]
#[path = "suppress_from_tests.rs"]
mod tests;
