//! The evidence events an alert detail lists, as far as the lookup has found them.

use super::loadable::Generation;
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

/// The evidence lookup in flight: its generation and the ids it asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRequest {
    pub generation: u64,
    pub ids: Vec<String>,
}

impl Generation for EvidenceRequest {
    fn generation(&self) -> u64 {
        self.generation
    }
}
