//! Reading and writing one state file: JSON documents written atomically, read with a size bound.

use super::StateError;
use crate::case::write_atomic;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::Path;

/// Largest state file read. Analyst state is small; a larger file is damage, not work.
pub const MAX_STATE_FILE: u64 = 256 * 1024 * 1024;

/// Reads a file whole, `None` when it does not exist, refusing files beyond [`MAX_STATE_FILE`].
pub fn read_bounded(path: &Path) -> Result<Option<Vec<u8>>, StateError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StateError::io(path, e)),
    };
    if meta.len() > MAX_STATE_FILE {
        return Err(StateError::Corrupt {
            path: path.display().to_string(),
            message: format!("{} bytes, more than the {MAX_STATE_FILE} a state file may hold", meta.len()),
        });
    }
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StateError::io(path, e)),
    }
}

/// Reads a JSON state file; a missing file is the default value.
pub fn load_json<T: DeserializeOwned + Default>(path: &Path) -> Result<T, StateError> {
    match read_bounded(path)? {
        None => Ok(T::default()),
        Some(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| StateError::Corrupt { path: path.display().to_string(), message: e.to_string() }),
    }
}

/// Writes a JSON state file atomically.
pub fn save_json<T: Serialize>(path: &Path, value: &T) -> Result<(), StateError> {
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| StateError::io(path, std::io::Error::other(e)))?;
    write_atomic(path, &bytes).map_err(|e| StateError::io(path, e))
}
