//! The search history, kept per case in the state folder as `search-history.json` so Up in the search
//! line recalls what was searched in earlier sessions of the same case.

use crate::case::{write_atomic, Case};
use crate::tui::state::searches::remember;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Serialize, Deserialize)]
struct HistoryFile {
    searches: Vec<String>,
}

/// Where a case's search history lives.
pub fn path(case: &Case) -> PathBuf {
    case.state_dir.join(crate::case::paths::SEARCH_HISTORY)
}

/// Reads the history (oldest first), de-duplicated and cut to the newest `keep`; a missing file is an
/// empty history, an unreadable one an error naming it.
pub fn load(path: &Path, keep: usize) -> Result<Vec<String>, String> {
    match std::fs::read(path) {
        Ok(bytes) => {
            let file: HistoryFile = serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut list = Vec::new();
            for s in file.searches.iter().filter(|s| s.len() <= 4096 && !s.chars().any(char::is_control)) {
                remember(&mut list, s, keep);
            }
            Ok(list)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Writes the history atomically.
pub fn save(path: &Path, list: &[String]) -> Result<(), String> {
    let bytes = serde_json::to_vec_pretty(&HistoryFile { searches: list.to_vec() }).map_err(|e| e.to_string())?;
    write_atomic(path, &bytes).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_bounded_deduplicated_and_survives_a_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("search-history.json");
        assert_eq!(load(&p, 3), Ok(Vec::new()));
        let mut list = Vec::new();
        for s in ["a", "b", "a", "c", "d", " ", "c"] {
            remember(&mut list, s, 3);
        }
        assert_eq!(list, vec!["a", "d", "c"]);
        save(&p, &list).unwrap();
        assert_eq!(load(&p, 3).unwrap(), list);
        assert_eq!(load(&p, 2).unwrap(), vec!["d", "c"]);
        std::fs::write(&p, "[").unwrap();
        assert!(load(&p, 3).unwrap_err().contains("search-history.json"));
    }
}
