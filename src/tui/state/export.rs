//! An export in flight: what it writes, and the counters its worker advances and the hint bar reads.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Rows done and total of an export in flight, shared with the hint bar.
#[derive(Debug, Clone, Default)]
pub struct ExportMeter {
    pub done: Arc<AtomicU64>,
    pub total: Arc<AtomicU64>,
}

impl ExportMeter {
    /// (rows done, rows in all).
    pub fn read(&self) -> (u64, u64) {
        (self.done.load(Ordering::Relaxed), self.total.load(Ordering::Relaxed))
    }
}

/// An export that is running: what it writes (for the hint bar) and its progress.
#[derive(Debug, Clone)]
pub struct RunningExport {
    pub what: String,
    pub meter: ExportMeter,
}
