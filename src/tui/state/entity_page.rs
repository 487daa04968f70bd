//! An entity page: first and last seen, the top values of the fields around one user, IP, session, mailbox or app,
//! the saved alerts that name it, and what the case's snapshots say about it.

use super::alerts::Alert;
use super::entity::{EntityKind, EntityRef};
use super::entity_facts::EntityFacts;
use super::facets::Item;
use super::loadable::Loadable;
use super::stats::{Dim, Stats};

/// Values per section on an entity page.
pub const ENTITY_TOP: usize = 6;

/// An entity page: first/last seen, top values around it, related alerts.
#[derive(Debug, Clone)]
pub struct EntityView {
    pub entity: EntityRef,
    pub data: Loadable<Stats>,
    /// What the case's snapshots state about the entity (the tenant's state when exported, not events).
    pub facts: Loadable<EntityFacts>,
    pub cursor: usize,
}

impl EntityView {
    /// The page of `entity`, nothing loaded yet.
    pub fn new(entity: EntityRef) -> EntityView {
        EntityView { entity, data: Loadable::Idle, facts: Loadable::Idle, cursor: 0 }
    }
}

/// The counted fields of an entity page, in display order.
pub fn entity_dims(kind: EntityKind) -> &'static [Dim] {
    match kind {
        EntityKind::User => {
            &[Dim::Ip, Dim::Country, Dim::Asn, Dim::App, Dim::UserAgent, Dim::Session, Dim::Operation, Dim::Mailbox]
        }
        EntityKind::Ip => &[Dim::User, Dim::Country, Dim::Asn, Dim::App, Dim::UserAgent, Dim::Operation, Dim::Session],
        EntityKind::Session | EntityKind::Token => {
            &[Dim::User, Dim::Ip, Dim::Country, Dim::Asn, Dim::App, Dim::UserAgent, Dim::Operation]
        }
        EntityKind::Mailbox => &[Dim::User, Dim::Ip, Dim::Country, Dim::App, Dim::UserAgent, Dim::Operation],
        EntityKind::App => &[Dim::App, Dim::User, Dim::Ip, Dim::Country, Dim::UserAgent, Dim::Operation],
    }
}

/// The selectable lines of an entity page: related alerts, the rows of what snapshots state, then the top values of
/// each field.
pub fn entity_items(view: &EntityView, alerts: &[Alert]) -> Vec<Item> {
    let mut items: Vec<Item> =
        alerts.iter().filter(|a| view.entity.in_alert(a)).map(|a| Item::Alert(a.id.clone())).collect();
    if let Some(facts) = view.facts.value() {
        items.extend(facts.sections.iter().flat_map(|s| &s.rows).map(|r| Item::Fact(r.text.clone())));
    }
    if let Some(stats) = view.data.value() {
        for d in entity_dims(view.entity.kind) {
            if let Some(t) = stats.dim(*d) {
                items.extend(t.values.iter().take(ENTITY_TOP).map(|(v, n)| Item::Value(*d, v.clone(), *n)));
            }
        }
    }
    items
}
