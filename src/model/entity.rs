//! The kinds of entity an analyst pivots on: one definition for runbooks, the workbench, exercises and alerts.

use super::Event;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A kind of entity with a timeline: a user, an IP address, a sign-in session, a token, a mailbox or an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A user, by UPN or object id (`upn` is accepted as another name for it).
    #[serde(alias = "upn")]
    User,
    Ip,
    Session,
    Token,
    Mailbox,
    App,
}

impl EntityKind {
    /// Every kind, in the order entity pages and runbooks list them.
    pub const ALL: [EntityKind; 6] = [
        EntityKind::User,
        EntityKind::Ip,
        EntityKind::Session,
        EntityKind::Token,
        EntityKind::Mailbox,
        EntityKind::App,
    ];

    /// The query field that selects this entity's events (`user`, `ip` …), also its stable name.
    pub fn field(self) -> &'static str {
        match self {
            EntityKind::User => "user",
            EntityKind::Ip => "ip",
            EntityKind::Session => "session",
            EntityKind::Token => "token",
            EntityKind::Mailbox => "mailbox",
            EntityKind::App => "app",
        }
    }

    /// Stable lower-case name: the same as [`EntityKind::field`].
    pub fn as_str(self) -> &'static str {
        self.field()
    }

    /// The kind a query field (or a `:` command) names, in any letter case.
    pub fn from_field(field: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.field().eq_ignore_ascii_case(field))
    }

    /// Heading of an entity page.
    pub fn title(self) -> &'static str {
        match self {
            EntityKind::User => "User",
            EntityKind::Ip => "IP address",
            EntityKind::Session => "Session",
            EntityKind::Token => "Token",
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
            EntityKind::Token => e.token_id.clone(),
            EntityKind::Mailbox => e.mailbox.as_ref().and_then(|m| m.mailbox.clone()),
            EntityKind::App => e.app_id.clone().or_else(|| e.app_name.clone()),
        };
        v.filter(|v| !v.trim().is_empty())
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EntityKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EntityKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown entity kind `{s}` (user, ip, session, token, mailbox, app)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_name_per_kind_and_upn_reads_as_user() {
        for k in EntityKind::ALL {
            assert_eq!(EntityKind::from_field(&k.field().to_uppercase()), Some(k));
            assert_eq!(k.to_string().parse::<EntityKind>(), Ok(k));
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.field()));
        }
        assert_eq!(serde_json::from_str::<EntityKind>("\"upn\"").unwrap(), EntityKind::User);
        assert!("tenant".parse::<EntityKind>().is_err());
    }
}
