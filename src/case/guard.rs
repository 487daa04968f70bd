//! harrier writes, renames and deletes only inside its own state folder. This module refuses a state folder that a
//! symbolic link redirects, or that someone else owns, before anything is written; it tells state harrier wrote on
//! this machine from state that arrived inside a received case folder; and it decides whether a folder is really
//! writable (mode bits and mount, not only whether a write happens to succeed, which it always does for root).

use std::path::{Path, PathBuf};

/// Most entries looked at when checking a state folder (an index has a few hundred files; this bounds a hostile
/// folder with millions).
const MAX_ENTRIES: usize = 200_000;
/// Temporary files from interrupted writes older than this are removed when a case is opened.
const STALE_TEMP_SECS: u64 = 3600;

/// Why a state folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StateGuardError {
    #[error(
        "{path} is a symbolic link (to {target}); harrier writes only into a real folder of its own. Remove the \
         link, or keep the state elsewhere with --state-dir DIR"
    )]
    Symlink { path: String, target: String },
    #[error(
        "{path} belongs to user id {owner}, not to you (user id {me}); harrier does not write into state someone \
         else controls. Keep the state elsewhere with --state-dir DIR"
    )]
    ForeignOwner { path: String, owner: u32, me: u32 },
    #[error("{path} is not a folder; keep the state elsewhere with --state-dir DIR")]
    NotAFolder { path: String },
    #[error("{path} holds more than {MAX_ENTRIES} entries; this is not a harrier state folder. Use --state-dir DIR")]
    TooLarge { path: String },
}

/// Checks `dir` (if it exists) and everything inside it: no symbolic links, nothing owned by another user.
pub fn check_state_tree(dir: &Path) -> Result<(), StateGuardError> {
    let Ok(meta) = std::fs::symlink_metadata(dir) else { return Ok(()) };
    check_entry(dir, &meta)?;
    if !meta.is_dir() {
        return Err(StateGuardError::NotAFolder { path: dir.display().to_string() });
    }
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = 0usize;
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            seen += 1;
            if seen > MAX_ENTRIES {
                return Err(StateGuardError::TooLarge { path: dir.display().to_string() });
            }
            let path = entry.path();
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            check_entry(&path, &meta)?;
            if meta.is_dir() {
                stack.push(path);
            }
        }
    }
    Ok(())
}

/// One entry: a symbolic link or another user's file is refused.
fn check_entry(path: &Path, meta: &std::fs::Metadata) -> Result<(), StateGuardError> {
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(path).map(|t| t.display().to_string()).unwrap_or_else(|_| "?".into());
        return Err(StateGuardError::Symlink { path: path.display().to_string(), target });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let me = effective_uid();
        // Root may look after state it did not create (a case copied by another account); others may not.
        if meta.uid() != me && me != 0 {
            return Err(StateGuardError::ForeignOwner { path: path.display().to_string(), owner: meta.uid(), me });
        }
    }
    Ok(())
}

#[cfg(unix)]
fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Removes temporary files left by interrupted atomic writes (`.tmp…` next to the state files) once they are old
/// enough that no running writer can still own them. Returns how many were removed.
pub fn remove_stale_temp_files(dir: &Path) -> usize {
    let mut removed = 0;
    for sub in [dir.to_path_buf(), dir.join(super::paths::EXPORTS)] {
        let Ok(entries) = std::fs::read_dir(&sub) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if !name.starts_with(".tmp") {
                continue;
            }
            let Ok(meta) = std::fs::symlink_metadata(entry.path()) else { continue };
            let old =
                meta.modified().ok().and_then(|m| m.elapsed().ok()).is_some_and(|age| age.as_secs() >= STALE_TEMP_SECS);
            if meta.is_file() && old && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}

/// True when harrier may write into `dir`: its mode gives someone write permission, the mount is not read-only,
/// and a probe file can be created and removed.
pub fn writable_dir(dir: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(dir) else { return false };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o222 == 0 || mounted_read_only(dir) {
            return false;
        }
    }
    #[cfg(not(unix))]
    if meta.permissions().readonly() {
        return false;
    }
    let probe = dir.join(format!(".write-probe-{}", std::process::id()));
    let ok = std::fs::OpenOptions::new().write(true).create_new(true).open(&probe).is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

#[cfg(unix)]
fn mounted_read_only(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else { return false };
    // SAFETY: `c` is a valid NUL-terminated path and `st` a properly sized, writable statvfs buffer.
    unsafe {
        let mut st: libc::statvfs = std::mem::zeroed();
        libc::statvfs(c.as_ptr(), &mut st) == 0 && (st.f_flag & libc::ST_RDONLY) != 0
    }
}

/// This machine's secret for marking state it wrote: 32 random bytes kept in the user's data folder, created on
/// first use. When it cannot be kept, a per-user value stands in (state is then still told apart from state
/// written under another account or machine).
fn machine_key(data_dir: Option<&Path>) -> [u8; 32] {
    if let Some(dir) = data_dir {
        let path = dir.join("machine.key");
        if let Ok(bytes) = std::fs::read(&path) {
            if let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice()) {
                return key;
            }
        }
        let mut key = [0u8; 32];
        if getrandom::fill(&mut key).is_ok() && std::fs::create_dir_all(dir).is_ok() && write_private(&path, &key) {
            return key;
        }
    }
    let mut seed = std::fs::read("/etc/machine-id").unwrap_or_default();
    #[cfg(unix)]
    seed.extend_from_slice(&effective_uid().to_le_bytes());
    *blake3::hash(&seed).as_bytes()
}

fn write_private(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path).and_then(|mut f| f.write_all(bytes)).is_ok()
}

/// The mark state written on this machine for the state folder `state_dir` carries (in `state.json`). A state
/// folder with another mark, or none, arrived from elsewhere and is rebuilt rather than trusted.
pub fn writer_mark(state_dir: &Path) -> String {
    static KEY: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(|| machine_key(platform_data_dir().as_deref()));
    let canonical = state_dir.canonicalize().unwrap_or_else(|_| state_dir.to_path_buf());
    blake3::keyed_hash(key, canonical.display().to_string().as_bytes()).to_hex()[..32].to_string()
}

/// harrier's folder under the platform data directory.
pub fn platform_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "harrier").map(|p| p.data_dir().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlinks_anywhere_in_the_state_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let state = d.path().join("state");
        std::fs::create_dir_all(state.join("index")).unwrap();
        check_state_tree(&state).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", state.join("index/meta.json")).unwrap();
        let e = check_state_tree(&state).unwrap_err();
        assert!(e.to_string().contains("is a symbolic link (to /etc/hostname)"), "{e}");
        assert!(e.to_string().contains("--state-dir"), "{e}");
        let link = d.path().join("link");
        std::os::unix::fs::symlink(d.path(), &link).unwrap();
        assert!(matches!(check_state_tree(&link), Err(StateGuardError::Symlink { .. })));
    }

    #[test]
    fn a_folder_without_write_bits_is_read_only_even_for_root() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        assert!(writable_dir(d.path()));
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
        assert!(!writable_dir(d.path()));
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn old_temp_files_are_removed_and_new_ones_kept() {
        let d = tempfile::tempdir().unwrap();
        let old = d.path().join(".tmpOLD123");
        let new = d.path().join(".tmpNEW456");
        std::fs::write(&old, b"x").unwrap();
        std::fs::write(&new, b"x").unwrap();
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * STALE_TEMP_SECS);
        std::fs::File::options().write(true).open(&old).unwrap().set_modified(past).unwrap();
        assert_eq!(remove_stale_temp_files(d.path()), 1);
        assert!(!old.exists() && new.exists());
    }

    #[test]
    fn the_writer_mark_depends_on_the_folder() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        assert_eq!(writer_mark(a.path()), writer_mark(a.path()));
        assert_ne!(writer_mark(a.path()), writer_mark(b.path()));
    }
}
