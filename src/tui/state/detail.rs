//! The event detail overlay: one event's fields, then its original record.

use crate::index::Hit;

/// The event detail overlay.
#[derive(Debug, Clone)]
pub struct EventDetail {
    pub hit: Hit,
    pub raw: Option<Result<String, String>>,
    pub pending: u64,
    /// Selected field line.
    pub cursor: usize,
    /// Rows scrolled past the fields into the original record.
    pub scroll: usize,
}
