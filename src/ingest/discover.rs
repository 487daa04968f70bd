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
    /// Why the file is listed but not read (a symbolic link leading out of the case), if it is not read.
    pub set_aside: Option<String>,
}

/// True for files that describe the case rather than hold its logs.
pub fn is_metadata(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    METADATA_FILES.contains(&lower.as_str()) || lower.ends_with(".md")
}

/// Walks `root` (not following symlinked folders), skipping hidden folders such as `.harrier`. A symbolic link
/// is read only when it resolves to a file inside the case folder; any other link is listed as set aside.
pub fn discover(root: &Path) -> Vec<SourceFile> {
    let mut out = Vec::new();
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(ft) = entry.file_type() else { continue };
            let path = entry.path();
            if ft.is_symlink() && !name.starts_with('.') {
                if let Some(reason) = link_leaves_case(&path, &canonical_root) {
                    let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                    out.push(SourceFile { disk_path: path, zip_entry: None, rel, bytes: 0, set_aside: Some(reason) });
                    continue;
                }
            }
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
                                set_aside: None,
                            });
                        }
                        continue;
                    }
                    Err(_) => {
                        // An unreadable archive is reported by the reader as unsupported.
                    }
                }
            }
            out.push(SourceFile { disk_path: path, zip_entry: None, rel, bytes: meta.len(), set_aside: None });
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

/// Why the symbolic link at `path` is not followed: it resolves outside `root`, is broken, or leads to a folder
/// (whose files, when inside the case, are read where they lie). `None` for a link to a file inside the case.
fn link_leaves_case(path: &Path, root: &Path) -> Option<String> {
    let target = std::fs::read_link(path).map(|t| crate::cli::sanitize::clean(&t.display().to_string())).ok();
    let target = target.unwrap_or_else(|| "?".into());
    let Ok(resolved) = path.canonicalize() else {
        return Some(format!("symbolic link to {target}, which does not exist; not read"));
    };
    if !resolved.starts_with(root) {
        return Some(format!("symbolic link to {target}, outside the case folder; not read"));
    }
    if resolved.is_dir() {
        return Some(format!("symbolic link to the folder {target}; its files are read where they lie in the case"));
    }
    None
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
