//! The facet panel of a timeline: the top values of a few fields over the pivot's events; Enter narrows by one.

use super::loadable::Loadable;
use super::stats::{Dim, Stats};
use crate::index::query::ParsedQuery;

/// The facet panel of a timeline: top values of the pivot's events; Enter narrows by one.
#[derive(Debug, Clone, Default)]
pub struct FacetPanel {
    pub data: Loadable<Stats>,
    pub cursor: usize,
    /// Keys go to the panel rather than the rows.
    pub focused: bool,
}

/// Fields the facet panel counts.
pub const FACET_DIMS: [Dim; 6] = [Dim::Ip, Dim::App, Dim::Operation, Dim::Country, Dim::UserAgent, Dim::User];
/// Values per field in the facet panel.
pub const FACET_TOP: usize = 5;

/// A selectable line of an entity page or facet panel.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A related alert, by id.
    Alert(String),
    /// A counted value of a field.
    Value(Dim, String, u64),
    /// A row of what a snapshot states (an entity page's snapshot block), as shown.
    Fact(String),
}

/// The selectable values of a facet panel.
pub fn facet_items(panel: &FacetPanel) -> Vec<Item> {
    let Some(stats) = panel.data.value() else { return Vec::new() };
    stats
        .dims
        .iter()
        .flat_map(|t| t.values.iter().take(FACET_TOP).map(|(v, n)| Item::Value(t.dim, v.clone(), *n)))
        .collect()
}

/// The fields a facet panel counts for `query`: the usual ones, less those the query pins to one value.
pub fn facet_dims(query: &ParsedQuery) -> Vec<Dim> {
    FACET_DIMS
        .into_iter()
        .filter(|d| {
            !query
                .clauses
                .iter()
                .any(|c| !c.negated && !c.prefix && c.field.as_deref() == d.field() && d.field().is_some())
        })
        .collect()
}
