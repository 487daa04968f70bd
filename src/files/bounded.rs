//! Inputs harrier reads whole (case.toml, notes, keymap and theme files) are read with a size cap, so a huge or
//! endless file (`/dev/zero`, a planted multi-gigabyte case.toml) is an error naming the file, not an exhausted
//! machine.

use std::io::Read;
use std::path::Path;

/// Largest `case.toml`: a real one is a few kilobytes, even with long allow lists.
pub const CASE_TOML_MAX: u64 = 1 << 20;
/// Largest case notes file read or written through `harrier note --replace`.
pub const NOTES_MAX: u64 = 16 << 20;
/// Largest keymap or theme file.
pub const SETTINGS_MAX: u64 = 1 << 20;

/// Why a capped read failed.
#[derive(Debug, thiserror::Error)]
pub enum BoundedReadError {
    #[error("{name} is {size} bytes, more than the {cap} bytes allowed")]
    TooLarge { name: String, size: String, cap: u64 },
    #[error("cannot read {name}: {source}")]
    Io {
        name: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{name} is not UTF-8 text (byte {at})")]
    NotText { name: String, at: usize },
}

impl BoundedReadError {
    /// True when the file was simply not there.
    pub fn is_not_found(&self) -> bool {
        matches!(self, BoundedReadError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

/// Reads the text file at `path`, refusing one larger than `cap` bytes.
pub fn read_text(path: &Path, cap: u64) -> Result<String, BoundedReadError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| BoundedReadError::Io { name: name.clone(), source })?;
    if let Ok(meta) = file.metadata() {
        if meta.is_file() && meta.len() > cap {
            return Err(BoundedReadError::TooLarge { name, size: meta.len().to_string(), cap });
        }
    }
    read_text_from(file, &name, cap)
}

/// Reads `reader` to its end as text, refusing more than `cap` bytes; `name` says what it is in errors.
pub fn read_text_from(reader: impl Read, name: &str, cap: u64) -> Result<String, BoundedReadError> {
    let mut bytes = Vec::new();
    reader
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| BoundedReadError::Io { name: name.to_string(), source })?;
    if bytes.len() as u64 > cap {
        return Err(BoundedReadError::TooLarge { name: name.to_string(), size: format!("more than {cap}"), cap });
    }
    String::from_utf8(bytes)
        .map_err(|e| BoundedReadError::NotText { name: name.to_string(), at: e.utf8_error().valid_up_to() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endless_input_stops_at_the_cap_with_the_name() {
        let e = read_text_from(std::io::repeat(b'a'), "standard input", 1000).unwrap_err();
        assert_eq!(e.to_string(), "standard input is more than 1000 bytes, more than the 1000 bytes allowed");
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("case.toml");
        std::fs::write(&p, vec![b'#'; 2000]).unwrap();
        let e = read_text(&p, 1000).unwrap_err();
        assert!(e.to_string().contains("case.toml is 2000 bytes, more than the 1000 bytes allowed"), "{e}");
        std::fs::write(&p, "ok").unwrap();
        assert_eq!(read_text(&p, 1000).unwrap(), "ok");
        assert!(read_text(&d.path().join("missing"), 10).unwrap_err().is_not_found());
    }
}
