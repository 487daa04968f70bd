//! Streaming readers that cut a decoded text stream into raw records without holding the whole file.

pub mod csv_records;
pub mod json_records;

/// Largest single record kept in memory; a longer one is rejected (its bytes are skipped, not buffered).
pub const MAX_RECORD_BYTES: usize = 8 * 1024 * 1024;

/// The bytes of one record as found in the file, with where it started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    /// UTF-8 bytes of the record (empty when `problem` is `Oversized`).
    pub bytes: Vec<u8>,
    /// 1-based line where the record starts.
    pub line: u64,
    /// Set when the record could not be cut out whole.
    pub problem: Option<RawProblem>,
}

/// Why a record could not be read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawProblem {
    /// Larger than [`MAX_RECORD_BYTES`]; carries the size seen.
    Oversized(u64),
    /// The file ended in the middle of this record.
    Truncated,
}

impl RawProblem {
    /// The ledger wording for this problem.
    pub fn describe(&self) -> String {
        match self {
            RawProblem::Oversized(n) => format!(
                "record is {:.1} MiB, over the {} MiB limit for one record",
                *n as f64 / (1024.0 * 1024.0),
                MAX_RECORD_BYTES / (1024 * 1024)
            ),
            RawProblem::Truncated => "the file ends in the middle of this record (truncated export?)".to_string(),
        }
    }
}
