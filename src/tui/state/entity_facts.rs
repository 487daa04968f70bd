//! What the case's snapshots say about the entity of an entity page: a user's risk, detections, roles, account and
//! the security alerts naming them, a mailbox's inbox rules and forwarding, an app's permissions, the risk
//! detections of an IP. Each section names the snapshot it comes from, so a state is never read as an event.

use super::entity::{EntityKind, EntityRef};
use crate::facts::{Facts, Seen, Snapshot};
use chrono::{DateTime, Utc};

/// Rows shown per section; the rest are counted.
pub const FACT_ROWS: usize = 12;

/// The snapshot facts about one entity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntityFacts {
    /// Snapshot files the case holds (0: the page shows nothing about snapshots).
    pub snapshots: usize,
    pub sections: Vec<FactSection>,
}

/// Facts of one kind from one snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct FactSection {
    /// What the facts are, with their count, e.g. `Inbox rules (3)`.
    pub title: String,
    /// The snapshot they come from: when it was taken and its file.
    pub snapshot: String,
    pub rows: Vec<FactRow>,
    /// Rows left out beyond [`FACT_ROWS`].
    pub more: usize,
}

/// One line of a section.
#[derive(Debug, Clone, PartialEq)]
pub struct FactRow {
    /// The time the row is about, shown in the case's zone.
    pub at: Option<DateTime<Utc>>,
    pub text: String,
    /// Worth the responder's eye: forwarding, deletion, an account at risk, an administrator role.
    pub notable: bool,
}

impl FactRow {
    fn new(at: Option<DateTime<Utc>>, text: String, notable: bool) -> FactRow {
        FactRow { at, text, notable }
    }
}

/// The snapshot facts about `entity`.
pub fn entity_facts(facts: &Facts, entity: &EntityRef) -> EntityFacts {
    let v = entity.value.as_str();
    let mut out = EntityFacts { snapshots: facts.snapshots().len(), sections: Vec::new() };
    match entity.kind {
        EntityKind::User => {
            super::entity_facts_user::user(facts, v, &mut out.sections);
            super::entity_facts_user::mailbox(facts, v, &mut out.sections);
        }
        EntityKind::Mailbox => super::entity_facts_user::mailbox(facts, v, &mut out.sections),
        EntityKind::App => super::entity_facts_user::app(facts, v, &mut out.sections),
        EntityKind::Ip => {
            let rows = facts.risk_detections_from(v);
            sections(&mut out.sections, "Risk detections from this address", rows, |d| {
                let who = d.upn.as_deref().or(d.user_id.as_deref()).unwrap_or("?");
                let text = format!("{} · {} · {} · {who}", d.event_type, d.level, d.state);
                FactRow::new(d.detected_at.or(d.activity_at), text, is_at_risk(&d.state))
            });
        }
        EntityKind::Session | EntityKind::Token => {}
    }
    out
}

/// One section per snapshot for `found`, titled `what (N)`, each fact made a row by `row`.
pub(super) fn sections<'a, T: 'a>(
    out: &mut Vec<FactSection>,
    what: &str,
    found: Vec<Seen<'a, T>>,
    row: impl Fn(&T) -> FactRow,
) {
    let mut groups: Vec<(&Snapshot, Vec<FactRow>)> = Vec::new();
    for s in found {
        let r = row(s.fact);
        match groups.iter_mut().find(|(snap, _)| std::ptr::eq(*snap, s.snapshot)) {
            Some((_, rows)) => rows.push(r),
            None => groups.push((s.snapshot, vec![r])),
        }
    }
    for (snap, mut rows) in groups {
        let more = rows.len().saturating_sub(FACT_ROWS);
        let title = format!("{what} ({})", rows.len());
        rows.truncate(FACT_ROWS);
        out.push(FactSection { title, snapshot: snap.label(), rows, more });
    }
}

/// True for a risk state Identity Protection still holds against the user.
pub(super) fn is_at_risk(state: &str) -> bool {
    matches!(state.to_ascii_lowercase().as_str(), "atrisk" | "confirmedcompromised")
}
