//! A case: the evidence folder, its `case.toml`, and harrier's state for it.

pub mod detection;
pub mod guard;
pub mod lock;
pub mod paths;
pub mod state;

pub use crate::config;
pub use crate::files::atomic::write_atomic;
pub use crate::files::bounded;
pub use crate::ingest::ledger;
pub use config::{CaseConfig, ConfigError};
pub use ledger::{FileEntry, Ledger};
pub use lock::{CaseLock, LockError};
pub use state::CaseState;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Version of the on-disk state layout and index schema; a different version means rebuild.
pub const STATE_SCHEMA: u32 = 12;

/// Errors opening a case.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("case folder {0} does not exist or is not a folder")]
    NotAFolder(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot create state folder {path}: {source}")]
    State {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Guard(#[from] guard::StateGuardError),
}

/// What `state.json` records about the state folder.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StateMeta {
    pub schema: u32,
    pub harrier: String,
    pub case_root: String,
    /// Marks state written on this machine for this state folder ([`guard::writer_mark`]); state without it, or
    /// with another, arrived from elsewhere and is rebuilt.
    #[serde(default)]
    pub writer: String,
}

/// An opened case folder.
#[derive(Debug, Clone)]
pub struct Case {
    /// The evidence folder (never written to, except `.harrier/` inside it).
    pub root: PathBuf,
    pub config: CaseConfig,
    /// Where harrier keeps index, ledger and analyst state for this case.
    pub state_dir: PathBuf,
}

impl Case {
    /// Opens `root`: reads `case.toml` and picks the state folder (`root/.harrier`, or a folder under the
    /// platform data directory when `state_override` is given or `root` is read-only).
    pub fn open(root: &Path, state_override: Option<&Path>) -> Result<Case, CaseError> {
        if !root.is_dir() {
            return Err(CaseError::NotAFolder(root.display().to_string()));
        }
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let config = CaseConfig::load(&root.join("case.toml"))?;
        let state_dir = match state_override {
            Some(dir) => dir.join(state_folder_name(&root)),
            None => {
                let local = root.join(paths::STATE_FOLDER);
                // A `.harrier` that is there already is checked before anything is written through it.
                guard::check_state_tree(&local)?;
                let usable = if local.is_dir() { guard::writable_dir(&local) } else { !local.exists() };
                if usable && guard::writable_dir(&root) {
                    local
                } else {
                    platform_state_root().join(state_folder_name(&root))
                }
            }
        };
        guard::check_state_tree(&state_dir)?;
        if !state_dir.is_dir() {
            std::fs::create_dir_all(&state_dir)
                .map_err(|source| CaseError::State { path: state_dir.display().to_string(), source })?;
        }
        guard::remove_stale_temp_files(&state_dir);
        Ok(Case { root, config, state_dir })
    }

    /// The case's display name: `[case] name`, else the folder name.
    pub fn name(&self) -> String {
        self.config.case.name.clone().unwrap_or_else(|| {
            self.root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "case".into())
        })
    }

    /// The tantivy index folder.
    pub fn index_dir(&self) -> PathBuf {
        self.state_dir.join(paths::INDEX)
    }

    /// The saved ledger.
    pub fn ledger_path(&self) -> PathBuf {
        self.state_dir.join(paths::LEDGER)
    }

    /// Facts learned at ingest (IP geography, user ids → UPNs).
    pub fn learned_path(&self) -> PathBuf {
        self.state_dir.join(paths::LEARNED)
    }

    /// The facts read from the case's snapshot exports.
    pub fn facts_path(&self) -> PathBuf {
        self.state_dir.join(paths::FACTS)
    }

    /// Saved detection results.
    pub fn alerts_path(&self) -> PathBuf {
        self.state_dir.join(paths::ALERTS)
    }

    /// True when an index has been built for this case.
    pub fn is_ingested(&self) -> bool {
        self.index_dir().join("meta.json").exists() && self.ledger_path().exists()
    }

    /// True when the index must be rebuilt from the evidence: it was written by a different layout version, or
    /// not by harrier on this machine for this folder (state that arrived inside a received case is not trusted).
    pub fn needs_rebuild(&self) -> bool {
        let path = self.state_dir.join(paths::STATE_META);
        match std::fs::read(&path).ok().and_then(|b| serde_json::from_slice::<StateMeta>(&b).ok()) {
            Some(meta) => meta.schema != STATE_SCHEMA || meta.writer != guard::writer_mark(&self.state_dir),
            None => self.index_dir().exists() || self.ledger_path().exists(),
        }
    }

    /// Records the current layout version.
    pub fn write_state_meta(&self) -> std::io::Result<()> {
        let meta = StateMeta {
            schema: STATE_SCHEMA,
            harrier: env!("CARGO_PKG_VERSION").to_string(),
            case_root: self.root.display().to_string(),
            writer: guard::writer_mark(&self.state_dir),
        };
        write_atomic(&self.state_dir.join(paths::STATE_META), &serde_json::to_vec_pretty(&meta).unwrap_or_default())
    }

    /// Takes the single-writer lock of this case.
    pub fn lock(&self, purpose: &str) -> Result<CaseLock, LockError> {
        CaseLock::acquire(&self.state_dir, purpose)
    }
}

fn platform_state_root() -> PathBuf {
    guard::platform_data_dir().map(|d| d.join("cases")).unwrap_or_else(|| std::env::temp_dir().join("harrier-cases"))
}

/// A folder name unique to a case path: its name plus a short hash of the full path.
fn state_folder_name(root: &Path) -> String {
    let name: String = root
        .file_name()
        .map(|n| n.to_string_lossy().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
        .unwrap_or_default();
    let hash = blake3::hash(root.display().to_string().as_bytes()).to_hex();
    format!("{}-{}", if name.is_empty() { "case" } else { &name }, &hash[..12])
}

impl crate::ingest::IngestTarget for Case {
    fn root(&self) -> &Path {
        &self.root
    }
    fn index_dir(&self) -> PathBuf {
        Case::index_dir(self)
    }
    fn ledger_path(&self) -> PathBuf {
        Case::ledger_path(self)
    }
    fn learned_path(&self) -> PathBuf {
        Case::learned_path(self)
    }
    fn facts_path(&self) -> PathBuf {
        Case::facts_path(self)
    }
    fn needs_rebuild(&self) -> bool {
        Case::needs_rebuild(self)
    }
    fn mark_built(&self) -> std::io::Result<()> {
        self.write_state_meta()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_goes_to_override_and_schema_mismatch_means_rebuild() {
        let case = tempfile::tempdir().unwrap();
        let state = tempfile::tempdir().unwrap();
        let c = Case::open(case.path(), Some(state.path())).unwrap();
        assert!(c.state_dir.starts_with(state.path()));
        assert!(!case.path().join(".harrier").exists());
        std::fs::create_dir_all(c.index_dir()).unwrap();
        assert!(c.needs_rebuild());
        c.write_state_meta().unwrap();
        assert!(!c.needs_rebuild());
        std::fs::write(c.state_dir.join("state.json"), br#"{"schema":0,"harrier":"0","case_root":""}"#).unwrap();
        assert!(c.needs_rebuild());
    }

    #[test]
    fn default_state_is_inside_case() {
        let case = tempfile::tempdir().unwrap();
        let c = Case::open(case.path(), None).unwrap();
        assert!(c.state_dir.ends_with(".harrier"));
    }
}
