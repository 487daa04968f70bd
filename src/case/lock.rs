//! One writer per case: an OS file lock plus a note saying who holds it.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Held while a process writes a case; dropping it releases the lock.
#[derive(Debug)]
pub struct CaseLock {
    file: File,
    holder_path: PathBuf,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "case state {state} is being written by another harrier process ({holder}); wait for it to finish or close it"
    )]
    Held { state: String, holder: String },
    #[error("cannot lock {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl CaseLock {
    /// Takes the write lock of the state folder `state_dir`, naming `purpose` for whoever finds it held.
    pub fn acquire(state_dir: &Path, purpose: &str) -> Result<CaseLock, LockError> {
        CaseLock::acquire_named(state_dir, super::paths::WRITE_LOCK, purpose)
    }

    /// Takes the lock file `name` in `state_dir`. Index writes use `lock`; analyst state uses its own lock so a
    /// triage decision is never refused because an ingest is running.
    pub fn acquire_named(state_dir: &Path, name: &str, purpose: &str) -> Result<CaseLock, LockError> {
        let path = state_dir.join(name);
        let io = |source| LockError::Io { path: path.display().to_string(), source };
        let file = OpenOptions::new().create(true).truncate(false).write(true).read(true).open(&path).map_err(io)?;
        let holder_path = state_dir.join(format!("{name}.holder"));
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&holder_path).unwrap_or_else(|_| "unknown process".into());
                return Err(LockError::Held {
                    state: state_dir.display().to_string(),
                    holder: holder.trim().to_string(),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        let note = format!(
            "pid {} running `{}` since {}",
            std::process::id(),
            purpose,
            chrono::Utc::now().format("%Y-%m-%d %H:%M:%SZ")
        );
        if let Ok(mut f) = File::create(&holder_path) {
            let _ = f.write_all(note.as_bytes());
        }
        Ok(CaseLock { file, holder_path })
    }

    /// Like [`acquire_named`](Self::acquire_named), retrying while another process holds the lock, for at most
    /// `patience`. Analyst state writes are short, so a writer waits its turn instead of failing.
    pub fn acquire_waiting(
        state_dir: &Path,
        name: &str,
        purpose: &str,
        patience: std::time::Duration,
    ) -> Result<CaseLock, LockError> {
        let started = std::time::Instant::now();
        loop {
            match CaseLock::acquire_named(state_dir, name, purpose) {
                Err(LockError::Held { .. }) if started.elapsed() < patience => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }
}

impl Drop for CaseLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.holder_path);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_names_holder() {
        let dir = tempfile::tempdir().unwrap();
        let first = CaseLock::acquire(dir.path(), "harrier ingest").unwrap();
        let err = CaseLock::acquire(dir.path(), "harrier detect").unwrap_err().to_string();
        assert!(err.contains("harrier ingest"), "{err}");
        assert!(err.contains(&std::process::id().to_string()), "{err}");
        drop(first);
        CaseLock::acquire(dir.path(), "harrier detect").unwrap();
    }

    #[test]
    fn named_locks_are_independent_and_waiting_gives_up() {
        let dir = tempfile::tempdir().unwrap();
        let _index = CaseLock::acquire(dir.path(), "harrier ingest").unwrap();
        let state = CaseLock::acquire_named(dir.path(), "state.lock", "harrier triage").unwrap();
        let started = std::time::Instant::now();
        let err =
            CaseLock::acquire_waiting(dir.path(), "state.lock", "harrier note", std::time::Duration::from_millis(100))
                .unwrap_err();
        assert!(matches!(err, LockError::Held { .. }));
        assert!(started.elapsed() >= std::time::Duration::from_millis(100));
        drop(state);
        CaseLock::acquire_waiting(dir.path(), "state.lock", "harrier note", std::time::Duration::from_millis(100))
            .unwrap();
    }
}
