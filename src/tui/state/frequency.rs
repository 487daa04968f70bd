//! A frequency table: every counted value of one field over a timeline's events.

use super::loadable::Loadable;
use super::stats::{Dim, Stats};
use crate::index::query::ParsedQuery;

/// A frequency table of one field over a timeline's events.
#[derive(Debug, Clone)]
pub struct FrequencyView {
    /// Title of the timeline it counts.
    pub of_title: String,
    pub query: ParsedQuery,
    pub dim: Dim,
    pub data: Loadable<Stats>,
    pub cursor: usize,
}
