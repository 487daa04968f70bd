//! The evidence events an alert detail lists, as far as the lookup has found them.

use crate::index::Hit;

/// What the alert detail knows of one evidence event.
#[derive(Debug, Clone)]
pub enum Evidence {
    /// Being looked up.
    Loading,
    /// Found in the index.
    Found(Box<Hit>),
    /// No event with this id in the index.
    Missing,
}
