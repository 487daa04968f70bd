//! Rules about the repository itself that a reviewer would otherwise have to remember.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Material beside the repository is reached only through `tests/it/shared.rs`, so a fresh clone knows exactly
/// which tests skip and CI can make them fail instead.
#[test]
fn only_the_shared_helper_names_the_folder_beside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let helper = root.join("tests/it/shared.rs");
    // Spelled in two pieces so this file does not name it either.
    let needle = format!("{}{}", "../", "shared");
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("tests"), &mut files);
    assert!(files.len() > 50, "walked the sources: {}", files.len());
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| **f != helper)
        .filter(|f| std::fs::read_to_string(f).unwrap().contains(&needle))
        .map(|f| f.strip_prefix(root).unwrap().display().to_string())
        .collect();
    assert!(offenders.is_empty(), "only tests/it/shared.rs may name {needle}: {offenders:?}");
    let own = std::fs::read_to_string(&helper).unwrap();
    assert!(own.contains(&format!("\"{needle}\"")), "the helper names the folder it guards");
}
