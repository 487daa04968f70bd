//! Finds the evidence files of a case folder, looking inside zip archives; case metadata is left out.

use std::path::{Path, PathBuf};

/// Names that are case metadata, never evidence.
const METADATA_FILES: [&str; 4] = ["case.toml", "exercise.toml", "answer-key.json", "scenario.md"];

/// One evidence file: on disk, or an entry inside a zip archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path on disk (the archive, for zip entries).
    pub disk_path: PathBuf,
    /// Entry name inside the archive.
    pub zip_entry: Option<String>,
    /// Path relative to the case folder, as the ledger shows it (`a.zip!inner/b.json`).
    pub rel: String,
    pub bytes: u64,
}

/// True for files that describe the case rather than hold its logs.
pub fn is_metadata(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    METADATA_FILES.contains(&lower.as_str()) || lower.ends_with(".md")
}

/// Walks `root` (not following symlinked folders), skipping hidden folders such as `.harrier`.
pub fn discover(root: &Path) -> Vec<SourceFile> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(ft) = entry.file_type() else { continue };
            let path = entry.path();
            if ft.is_dir() {
                if !name.starts_with('.') {
                    stack.push(path);
                }
                continue;
            }
            if name.starts_with('.') || is_metadata(&name) {
                continue;
            }
            let Ok(meta) = std::fs::metadata(&path) else { continue };
            if !meta.is_file() {
                continue;
            }
            let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if is_zip_file(&path) {
                match zip_entries(&path) {
                    Ok(list) => {
                        for (entry, size) in list {
                            let base = entry.rsplit('/').next().unwrap_or(&entry).to_string();
                            if is_metadata(&base) || base.starts_with('.') {
                                continue;
                            }
                            out.push(SourceFile {
                                disk_path: path.clone(),
                                rel: format!("{rel}!{entry}"),
                                zip_entry: Some(entry),
                                bytes: size,
                            });
                        }
                        continue;
                    }
                    Err(_) => {
                        // An unreadable archive is reported by the reader as unsupported.
                    }
                }
            }
            out.push(SourceFile { disk_path: path, zip_entry: None, rel, bytes: meta.len() });
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

fn is_zip_file(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 4];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && super::decode::is_zip(&head)
}

fn zip_entries(path: &Path) -> Result<Vec<(String, u64)>, String> {
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut z = zip::ZipArchive::new(f).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for i in 0..z.len() {
        let e = z.by_index(i).map_err(|e| e.to_string())?;
        if e.is_file() {
            out.push((e.name().to_string(), e.size()));
        }
    }
    Ok(out)
}
