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

/// The library's layers, lowest first. A module may use modules of its own layer or below, never above; the
/// command-line front end (`src/main.rs` and its sibling files) and `tui` sit on top. ARCHITECTURE.md explains
/// what each layer owns.
const LAYERS: [&[&str]; 7] = [
    &["model"],
    &["text", "time", "files", "config", "runenv", "facts"],
    &["enrich", "ingest", "index"],
    &["analytics", "runbook"],
    &["case"],
    &["report", "exercise", "anonymize", "gen", "cli"],
    &["tui"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Every `crate::module` path in the library points to the module's own layer or one below it.
#[test]
fn library_imports_point_down_the_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut up = Vec::new();
    let mut seen_modules = std::collections::BTreeSet::new();
    for f in &files {
        let rel = f.strip_prefix(&root).unwrap();
        let mut parts = rel.iter();
        let module = parts.next().unwrap().to_string_lossy().trim_end_matches(".rs").to_string();
        // Files directly under src/ that are no layer's module are lib.rs and the binary's own files.
        if layer_of(&module).is_none() && parts.next().is_none() {
            continue;
        }
        let Some(from) = layer_of(&module) else { panic!("src/{module} is in no layer: add it to LAYERS") };
        seen_modules.insert(module.clone());
        let text = std::fs::read_to_string(f).unwrap();
        for (no, line) in text.lines().enumerate() {
            for (i, _) in line.match_indices("crate::") {
                let target: String = line[i + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if let Some(to) = layer_of(&target) {
                    if to > from {
                        up.push(format!("src/{}:{}: {module} uses crate::{target}", rel.display(), no + 1));
                    }
                }
            }
        }
    }
    assert!(seen_modules.len() >= 15, "read the library: {seen_modules:?}");
    assert!(up.is_empty(), "imports that point up a layer:\n{}", up.join("\n"));
    let lib = std::fs::read_to_string(root.join("lib.rs")).unwrap();
    for line in lib.lines().filter_map(|l| l.strip_prefix("pub mod ")) {
        let m = line.trim_end_matches(';');
        assert!(layer_of(m).is_some(), "lib.rs declares {m}, which is in no layer");
    }
}

/// Lines of the non-test code under `src/<dir>` (files in `exempt`, relative to `src/`, left out) that contain
/// one of `patterns`, as `src/path:line: text`.
fn lines_using(dir: &str, exempt: &[&str], patterns: &[&str]) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src.join(dir), &mut files);
    let mut found = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        if exempt.contains(&rel.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        // Unit tests at the end of a file may set up what they like.
        let code = text.split("#[cfg(test)]").next().unwrap_or(&text);
        for (no, line) in code.lines().enumerate() {
            if patterns.iter().any(|p| line.contains(p)) {
                found.push(format!("src/{rel}:{}: {}", no + 1, line.trim()));
            }
        }
    }
    found
}

/// The process environment and the clock are read in one place, `src/runenv.rs` (plus the binary's `main`), so
/// every layer below takes them from a `RunEnv` and tests can fix them.
#[test]
fn only_the_run_environment_reads_the_process_environment() {
    // The machine key's folder is a fact of the machine, the same for every run and every process that opens a
    // case (the binary and a library caller must agree on it), so the state guard finds it itself.
    let exempt = ["runenv.rs", "main.rs", "case/guard.rs"];
    let found = lines_using("", &exempt, &["env::var(", "env::var_os(", "ProjectDirs::from("]);
    assert!(found.is_empty(), "read these through RunEnv instead:\n{}", found.join("\n"));
}

#[test]
fn only_the_run_environment_reads_the_wall_clock() {
    // The lock file's "held since" note tells another process when the lock was taken, whatever clock the run
    // pretends to have.
    let found = lines_using("", &["runenv.rs", "case/lock.rs"], &["Utc::now(", "Local::now(", "SystemTime::now("]);
    assert!(found.is_empty(), "take the time from RunEnv instead:\n{}", found.join("\n"));
}

#[test]
fn the_workbench_state_update_and_views_do_no_io() {
    let io = ["std::fs", "fs::", "read_text(", "File::open", "File::create", "Command::new("];
    let found: Vec<String> =
        ["tui/state", "tui/update", "tui/views"].iter().flat_map(|d| lines_using(d, &[], &io)).collect();
    assert!(found.is_empty(), "only the runtime touches files and processes:\n{}", found.join("\n"));
}
