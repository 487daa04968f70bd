//! Where GeoIP databases come from, in the order they are asked: the files named on the command line, those the
//! case names in `case.toml` (`[enrich] geoip`), then every `.mmdb` and `.csv` in the `geoip` folder of the
//! user's config folder. The caller says where each of these is; nothing here reads the process environment.

use super::error::GeoDbError;
use std::path::{Path, PathBuf};

/// The folder, inside the user's config folder, whose databases every ingest uses.
pub const CONFIG_FOLDER: &str = "geoip";

/// Every database to use, without repeats (the same file reached twice is asked once, at its first place).
/// `configured` are the `case.toml` entries, relative ones taken from `case_root`; `config_dir` is the user's
/// config folder, when the platform has one. A missing `geoip` folder holds nothing; an unreadable one is an error.
pub fn database_paths(
    given: &[PathBuf],
    case_root: &Path,
    configured: &[String],
    config_dir: Option<&Path>,
) -> Result<Vec<PathBuf>, GeoDbError> {
    let mut all: Vec<PathBuf> = given.to_vec();
    all.extend(configured.iter().map(|c| case_root.join(c.trim())));
    if let Some(dir) = config_dir {
        all.extend(folder_databases(&dir.join(CONFIG_FOLDER))?);
    }
    let mut seen = std::collections::HashSet::new();
    all.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    Ok(all)
}

/// The `.mmdb` and `.csv` files directly in `dir`, by name.
pub fn folder_databases(dir: &Path) -> Result<Vec<PathBuf>, GeoDbError> {
    let folder_err = |source| GeoDbError::Folder { path: dir.display().to_string(), source };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(folder_err(e)),
    };
    let mut found = Vec::new();
    for entry in entries {
        let path = entry.map_err(folder_err)?.path();
        let database =
            path.extension().is_some_and(|e| e.eq_ignore_ascii_case("mmdb") || e.eq_ignore_ascii_case("csv"));
        if database && path.is_file() {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_then_case_then_config_folder_without_repeats() {
        let tmp = tempfile::tempdir().unwrap();
        let (case, config) = (tmp.path().join("case"), tmp.path().join("config"));
        let geo = config.join(CONFIG_FOLDER);
        std::fs::create_dir_all(&geo).unwrap();
        std::fs::create_dir_all(case.join("db")).unwrap();
        for f in ["b-asn.csv", "a-country.MMDB", "notes.txt"] {
            std::fs::write(geo.join(f), "").unwrap();
        }
        std::fs::create_dir_all(geo.join("old.csv")).unwrap();
        std::fs::write(case.join("db/city.mmdb"), "").unwrap();
        let given = vec![geo.join("b-asn.csv"), tmp.path().join("x.mmdb")];
        let found =
            database_paths(&given, &case, &["db/city.mmdb".into(), "/abs/y.csv".into()], Some(&config)).unwrap();
        assert_eq!(
            found,
            vec![
                geo.join("b-asn.csv"),
                tmp.path().join("x.mmdb"),
                case.join("db/city.mmdb"),
                PathBuf::from("/abs/y.csv"),
                geo.join("a-country.MMDB"),
            ]
        );
        assert!(database_paths(&[], &case, &[], Some(&tmp.path().join("none"))).unwrap().is_empty());
        assert!(database_paths(&[], &case, &[], None).unwrap().is_empty());
    }
}
