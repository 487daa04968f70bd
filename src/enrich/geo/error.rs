//! Why a GeoIP database could not be used. Each message names the file, so the responder knows which one to fix.

use std::path::Path;

/// A GeoIP database that cannot be opened or read.
#[derive(Debug, thiserror::Error)]
pub enum GeoDbError {
    #[error("GeoIP database {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("GeoIP database {path} is not a regular file")]
    NotAFile { path: String },
    #[error("GeoIP database {path} is {size} bytes, more than the {cap} bytes allowed")]
    TooLarge { path: String, size: u64, cap: u64 },
    #[error("GeoIP database {path}: {source}")]
    Mmdb {
        path: String,
        #[source]
        source: maxminddb::MaxMindDbError,
    },
    #[error("GeoIP database {path}, line {line}: {message}")]
    Line { path: String, line: u64, message: String },
    #[error("GeoIP database {path} is neither .mmdb nor .csv")]
    UnknownFormat { path: String },
    #[error("GeoIP folder {path}: {source}")]
    Folder {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl GeoDbError {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> GeoDbError {
        GeoDbError::Io { path: path.display().to_string(), source }
    }

    /// A malformed line of the CSV database at `path`.
    pub fn line(path: &str, line: u64, message: impl Into<String>) -> GeoDbError {
        GeoDbError::Line { path: path.to_string(), line, message: message.into() }
    }
}
