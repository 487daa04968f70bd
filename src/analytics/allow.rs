//! One matcher for every allow list, so that a principal listed by any of its names is allowed in every
//! detection.
//!
//! Records name the same principal differently: a UPN in one log, an object id or display name in another, an app
//! id, a service principal id, `app:<id>` as harrier keys it, a home tenant id. An allow list entry may be any of
//! these; the matcher compares it with every name the case knows the principal by (the names the store learnt from
//! its successful events, plus those in the record at hand).

use super::common::Cx;
use super::store::strings::Sym;
use crate::model::{ActorKind, Event};

/// A named allow list (`allow.automation_accounts`, `grantee_allowlist`, …), entries normalised once.
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    entries: Vec<String>,
}

impl AllowList {
    /// A list from parameter and `case.toml` entries in any identifier form.
    pub fn new<'a>(items: impl IntoIterator<Item = &'a String>) -> AllowList {
        let mut entries: Vec<String> = items.into_iter().map(|s| normal(s)).filter(|s| !s.is_empty()).collect();
        entries.sort();
        entries.dedup();
        AllowList { entries }
    }

    /// The first of `names` the list holds, as written in the record, so a suppression can say what matched.
    pub fn matched<'n>(&self, names: &[&'n str]) -> Option<&'n str> {
        if self.entries.is_empty() {
            return None;
        }
        names.iter().copied().find(|n| {
            let n = normal(n);
            !n.is_empty() && self.entries.binary_search(&n).is_ok()
        })
    }
}

/// An identifier as lists and records may write it: trimmed, lower-case, without harrier's `app:` key prefix or
/// the braces some exports put around GUIDs.
fn normal(s: &str) -> String {
    let s = s.trim().to_ascii_lowercase();
    let s = s.strip_prefix("app:").unwrap_or(&s);
    s.trim_start_matches('{').trim_end_matches('}').trim().to_string()
}

/// Every name the case knows a principal by: its key and the object ids, display names and app ids learnt from its
/// events.
pub fn names_of<'a>(cx: &Cx<'a>, principal: Sym) -> Vec<&'a str> {
    let store = cx.store;
    let mut names = vec![store.s(principal)];
    if let Some(p) = store.profile(principal) {
        names.extend(p.names.iter().map(|s| store.s(*s)));
    }
    names.retain(|n| !n.is_empty());
    names
}

/// The names of the principal acting in one record: UPN, object id, display name and, for apps, the app id.
pub fn names_in_event(ev: &Event) -> Vec<&str> {
    event_names(ev).collect()
}

/// The names of [`names_in_event`] one by one, for a caller that only looks at them (once per event of a pass).
pub fn event_names(ev: &Event) -> impl Iterator<Item = &str> {
    let a = &ev.actor;
    let app = matches!(a.kind, ActorKind::Sp | ActorKind::Mi);
    [
        a.upn.as_deref(),
        a.id.as_deref(),
        a.display_name.as_deref(),
        ev.app_id.as_deref().filter(|_| app),
        ev.app_name.as_deref().filter(|_| app),
    ]
    .into_iter()
    .flatten()
    .filter(|n| !n.trim().is_empty())
}

/// The names of the acting principal of a record, from the record itself and from what the case learnt about it.
pub fn actor_names<'a>(cx: &Cx<'a>, ev: &'a Event) -> Vec<&'a str> {
    let mut names = names_in_event(ev);
    if let Some(key) = crate::analytics::store::profile::principal_key(ev) {
        if let Some(sym) = cx.store.strings.lookup(&key) {
            names.extend(names_of(cx, sym));
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_match_any_written_form() {
        let list = AllowList::new(&["  SVC-Report@Contoso.example ".to_string(), "app:{ABC-123}".to_string()]);
        assert_eq!(
            list.matched(&["someone@contoso.example", "svc-report@contoso.example"]),
            Some("svc-report@contoso.example")
        );
        assert_eq!(list.matched(&["app:abc-123"]), Some("app:abc-123"));
        assert_eq!(list.matched(&["ABC-123"]), Some("ABC-123"));
        assert_eq!(list.matched(&["abc-1234", ""]), None);
        assert_eq!(AllowList::new(&[]).matched(&["x"]), None);
    }
}
