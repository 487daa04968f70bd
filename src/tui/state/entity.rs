//! Entities a responder pivots on (user, IP, session, mailbox, app): what identifies one, how to query its
//! events, and which saved alerts name it.

use super::alerts::Alert;
use crate::index::query::ParsedQuery;
use crate::model::Event;

pub use crate::model::EntityKind;

/// The kinds an alert names, in the order alerts list them (alerts carry no token list).
pub const ALERT_KINDS: [EntityKind; 5] =
    [EntityKind::User, EntityKind::Ip, EntityKind::Session, EntityKind::Mailbox, EntityKind::App];

/// One entity: its kind and the value its pivot matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityRef {
    pub kind: EntityKind,
    pub value: String,
}

impl EntityRef {
    /// An entity of `kind` with `value` trimmed; `None` when the value is empty.
    pub fn new(kind: EntityKind, value: &str) -> Option<EntityRef> {
        let value = value.trim();
        (!value.is_empty()).then(|| EntityRef { kind, value: value.to_string() })
    }

    /// The entity of `kind` that `e` names.
    pub fn of_event(kind: EntityKind, e: &Event) -> Option<EntityRef> {
        kind.of_event(e).map(|value| EntityRef { kind, value })
    }

    /// The pivot query matching every event of this entity.
    pub fn query(&self) -> ParsedQuery {
        ParsedQuery::pivot(self.kind.field(), &self.value)
    }

    /// `user:adele@…` as breadcrumbs and titles show it.
    pub fn label(&self) -> String {
        format!("{}:{}", self.kind.field(), self.value)
    }

    /// True when `alert` names this entity. A user and the mailbox of the same address are one person.
    pub fn in_alert(&self, alert: &Alert) -> bool {
        let e = &alert.entities;
        let lists: &[&Vec<String>] = match self.kind {
            EntityKind::User | EntityKind::Mailbox => &[&e.users, &e.mailboxes],
            EntityKind::Ip => &[&e.ips],
            EntityKind::Session => &[&e.sessions],
            EntityKind::App => &[&e.apps],
            EntityKind::Token => &[],
        };
        lists.iter().any(|l| l.iter().any(|v| v.trim().eq_ignore_ascii_case(&self.value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::state::alerts::AlertEntities;

    #[test]
    fn alerts_match_entities_case_insensitively_and_users_match_their_mailbox() {
        let alert = Alert {
            id: "a".into(),
            analytic: "AN1".into(),
            title: String::new(),
            severity: crate::model::Severity::High,
            first_seen: None,
            last_seen: None,
            entities: AlertEntities {
                mailboxes: vec!["CFO@northwind.example".into()],
                ips: vec!["203.0.113.9".into()],
                ..AlertEntities::default()
            },
            evidence: vec![],
            reasons: vec![],
            baseline: vec![],
            attack: Default::default(),
            incident: None,
            rule: None,
        };
        let user = EntityRef::new(EntityKind::User, "cfo@northwind.example").unwrap();
        assert!(user.in_alert(&alert));
        assert!(EntityRef::new(EntityKind::Ip, "203.0.113.9").unwrap().in_alert(&alert));
        assert!(!EntityRef::new(EntityKind::Ip, "203.0.113.10").unwrap().in_alert(&alert));
        assert!(EntityRef::new(EntityKind::Session, "  ").is_none());
        assert_eq!(user.label(), "user:cfo@northwind.example");
    }
}
