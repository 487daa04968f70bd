//! The event detail overlay: one event's fields, then its original record.

use super::loadable::Loadable;
use crate::index::Hit;

/// The event detail overlay.
#[derive(Debug, Clone)]
pub struct EventDetail {
    pub hit: Hit,
    /// The original record, pretty-printed.
    pub raw: Loadable<String>,
    /// Selected field line.
    pub cursor: usize,
    /// Rows scrolled past the fields into the original record.
    pub scroll: usize,
}
