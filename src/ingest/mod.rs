//! Ingest: find the export files of a case, recognise their shape, read them as a stream of records,
//! normalize each record into an [`Event`](crate::model::Event), enrich it, and index it.

pub mod decode;
pub mod discover;
pub mod ledger;
pub mod normalize;
pub mod open;
pub mod pipeline;
pub mod readers;
pub mod snapshot;

pub use pipeline::{ingest, IngestError, IngestOptions, IngestProgress, IngestTarget};
