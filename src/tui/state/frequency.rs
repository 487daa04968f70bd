//! A frequency table: every counted value of one field over a timeline's events.

use super::stats::Dim;
use super::view::Loaded;
use crate::index::query::ParsedQuery;

/// A frequency table of one field over a timeline's events.
#[derive(Debug, Clone)]
pub struct FrequencyView {
    /// Title of the timeline it counts.
    pub of_title: String,
    pub query: ParsedQuery,
    pub dim: Dim,
    pub data: Loaded,
    pub cursor: usize,
}
