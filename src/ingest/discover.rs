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
                    Err(damage) => {
                        // A damaged archive: what its local headers still hold is read member by member, and the
                        // archive itself is listed with where it broke.
                        let (members, broke) = recover_zip(&path);
                        let reason = format!(
                            "damaged zip archive: its directory is unreadable ({damage}); {} member(s) recovered \
                             from their local headers{}",
                            members.len(),
                            broke.map(|b| format!("; it breaks {b}")).unwrap_or_default()
                        );
                        for (entry, size) in members {
                            let base = entry.rsplit('/').next().unwrap_or(&entry).to_string();
                            if is_metadata(&base) || base.starts_with('.') {
                                continue;
                            }
                            let member_rel = format!("{rel}!{entry}");
                            out.push(SourceFile {
                                disk_path: path.clone(),
                                rel: member_rel,
                                zip_entry: Some(entry),
                                bytes: size,
                                set_aside: None,
                            });
                        }
                        out.push(SourceFile {
                            disk_path: path,
                            zip_entry: None,
                            rel,
                            bytes: 0,
                            set_aside: Some(reason),
                        });
                        continue;
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
    let target = std::fs::read_link(path).map(|t| crate::text::sanitize::clean(&t.display().to_string())).ok();
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

/// Members of a zip archive whose central directory cannot be read, found by walking its local headers from the
/// start: each whole member's name and size, and where the walk stopped when it stopped on damage.
fn recover_zip(path: &Path) -> (Vec<(String, u64)>, Option<String>) {
    let mut out = Vec::new();
    let Ok(f) = std::fs::File::open(path) else { return (out, Some("at the start: cannot open it".into())) };
    let mut r = std::io::BufReader::new(f);
    loop {
        match zip::read::read_zipfile_from_stream(&mut r) {
            Ok(Some(mut e)) => {
                let name = e.name().to_string();
                let is_file = e.is_file();
                match std::io::copy(&mut e, &mut std::io::sink()) {
                    Ok(size) if is_file => out.push((name, size)),
                    Ok(_) => {}
                    Err(err) => return (out, Some(format!("inside member {name}: {err}"))),
                }
            }
            Ok(None) => return (out, None),
            Err(err) => {
                let after =
                    out.last().map(|(n, _)| format!("after member {n}")).unwrap_or_else(|| "at the start".into());
                return (out, Some(format!("{after}: {err}")));
            }
        }
    }
}

/// Reads the member `entry` of a damaged archive by walking its local headers (see [`recover_zip`]), at most
/// `cap` bytes of it.
pub fn recovered_member(path: &Path, entry: &str, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut r = std::io::BufReader::new(std::fs::File::open(path)?);
    while let Some(mut e) = zip::read::read_zipfile_from_stream(&mut r).map_err(std::io::Error::other)? {
        if e.name() == entry {
            let mut bytes = Vec::new();
            (&mut e).take(cap).read_to_end(&mut bytes)?;
            return Ok(bytes);
        }
        std::io::copy(&mut e, &mut std::io::sink())?;
    }
    Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("member {entry} is no longer in the archive")))
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
