//! Entities a responder pivots on (user, IP, session, mailbox, app): what identifies one, how to query its
//! events, and which saved alerts name it.

use super::alerts::Alert;
use crate::index::query::ParsedQuery;
use crate::model::Event;

/// The kinds of entity that have a page and a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    User,
    Ip,
    Session,
    Mailbox,
    App,
}

impl EntityKind {
    /// Every kind, in the order alerts list them.
    pub const ALL: [EntityKind; 5] =
        [EntityKind::User, EntityKind::Ip, EntityKind::Session, EntityKind::Mailbox, EntityKind::App];

    /// The query field that pivots on this kind (`user:`, `ip:` …).
    pub fn field(self) -> &'static str {
        match self {
            EntityKind::User => "user",
            EntityKind::Ip => "ip",
            EntityKind::Session => "session",
            EntityKind::Mailbox => "mailbox",
            EntityKind::App => "app",
        }
    }

    /// The kind a query field (or `:` command) names.
    pub fn from_field(field: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.field().eq_ignore_ascii_case(field))
    }

    /// Heading of an entity page.
    pub fn title(self) -> &'static str {
        match self {
            EntityKind::User => "User",
            EntityKind::Ip => "IP address",
            EntityKind::Session => "Session",
            EntityKind::Mailbox => "Mailbox",
            EntityKind::App => "App",
        }
    }

    /// The value of this kind an event carries, as its pivot matches it.
    pub fn of_event(self, e: &Event) -> Option<String> {
        let v = match self {
            EntityKind::User => e.actor.upn.clone().or_else(|| e.actor.id.clone()),
            EntityKind::Ip => e.net.ip.map(|i| i.to_string()),
            EntityKind::Session => e.session_id.clone(),
            EntityKind::Mailbox => e.mailbox.as_ref().and_then(|m| m.mailbox.clone()),
            EntityKind::App => e.app_id.clone().or_else(|| e.app_name.clone()),
        };
        v.filter(|v| !v.trim().is_empty())
    }
}

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
        };
        lists.iter().any(|l| l.iter().any(|v| v.trim().eq_ignore_ascii_case(&self.value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::alerts::AlertEntities;

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
        };
        let user = EntityRef::new(EntityKind::User, "cfo@northwind.example").unwrap();
        assert!(user.in_alert(&alert));
        assert!(EntityRef::new(EntityKind::Ip, "203.0.113.9").unwrap().in_alert(&alert));
        assert!(!EntityRef::new(EntityKind::Ip, "203.0.113.10").unwrap().in_alert(&alert));
        assert!(EntityRef::new(EntityKind::Session, "  ").is_none());
        assert_eq!(user.label(), "user:cfo@northwind.example");
    }
}
