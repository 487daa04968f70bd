//! tantivy trusts the file list in an index folder's `.managed.json`: its garbage collection deletes every listed
//! file that is no longer in use, wherever the name points. An index folder that arrived from elsewhere could list
//! `../../somefile`. This check runs before tantivy sees the folder and refuses any name that is not a plain file
//! name inside it.

use std::path::Path;

/// Largest `.managed.json` read (a real one lists a few hundred short names).
const MAX_MANAGED_BYTES: u64 = 4 << 20;

/// Why an index folder's metadata was refused.
#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    #[error("{path} names {entry:?}, which is not a file inside the index folder; run `harrier ingest --rebuild`")]
    Escapes { path: String, entry: String },
    #[error("{path} is not a list of file names ({reason}); run `harrier ingest --rebuild`")]
    Malformed { path: String, reason: String },
}

/// Checks `dir/.managed.json`, when present: a JSON list of plain file names and nothing else.
pub fn check_index_metadata(dir: &Path) -> Result<(), MetadataError> {
    let path = dir.join(".managed.json");
    let shown = path.display().to_string();
    let malformed = |reason: String| MetadataError::Malformed { path: shown.clone(), reason };
    let Ok(meta) = std::fs::symlink_metadata(&path) else { return Ok(()) };
    if !meta.is_file() {
        return Err(malformed("not a regular file".into()));
    }
    if meta.len() > MAX_MANAGED_BYTES {
        return Err(malformed(format!("{} bytes, more than {MAX_MANAGED_BYTES}", meta.len())));
    }
    let bytes = std::fs::read(&path).map_err(|e| malformed(e.to_string()))?;
    let names: Vec<String> = serde_json::from_slice(&bytes).map_err(|e| malformed(e.to_string()))?;
    for name in names {
        if !is_plain_file_name(&name) {
            return Err(MetadataError::Escapes { path: shown, entry: name });
        }
    }
    Ok(())
}

/// A name with no folder part: no separators, not `.` or `..`, no NUL, not empty.
fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !name.contains(':')
        && Path::new(name).components().count() == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_pass() {
        let d = tempfile::tempdir().unwrap();
        check_index_metadata(d.path()).unwrap();
        let write = |v: &str| std::fs::write(d.path().join(".managed.json"), v).unwrap();
        write(r#"["meta.json","a1b2.idx",".tantivy-meta.lock"]"#);
        check_index_metadata(d.path()).unwrap();
        for bad in [r#"["../../etc/passwd"]"#, r#"["/etc/passwd"]"#, r#"["..\\x"]"#, r#"["sub/x"]"#, r#"[".."]"#] {
            write(bad);
            let e = check_index_metadata(d.path()).unwrap_err();
            assert!(matches!(e, MetadataError::Escapes { .. }), "{bad}: {e}");
            assert!(e.to_string().contains("--rebuild"), "{e}");
        }
        write("{not json");
        assert!(matches!(check_index_metadata(d.path()), Err(MetadataError::Malformed { .. })));
    }
}
