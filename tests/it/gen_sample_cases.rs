//! The committed sample cases are exactly what the generator produces for their fixed options.
//! Regenerate them with `HARRIER_WRITE_SAMPLES=1 cargo test --test it gen_sample_cases`.

use harrier::gen::{generate, samples::sample_cases};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn files_under(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n == ".harrier") {
                continue; // harrier's own state after the case was opened
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn gen_committed_sample_cases_match_the_generator() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-cases");
    let write = std::env::var_os("HARRIER_WRITE_SAMPLES").is_some();
    for (name, opts) in sample_cases() {
        let committed = repo.join(name);
        if write {
            let _ = std::fs::remove_dir_all(&committed);
            generate(&opts, &committed).unwrap();
        }
        let tmp = tempfile::tempdir().unwrap();
        generate(&opts, tmp.path()).unwrap();
        let fresh = files_under(tmp.path());
        let shipped = files_under(&committed);
        assert_eq!(
            fresh.keys().collect::<Vec<_>>(),
            shipped.keys().collect::<Vec<_>>(),
            "sample-cases/{name}: file list differs from the generator's"
        );
        for (rel, bytes) in &fresh {
            assert!(shipped[rel] == *bytes, "sample-cases/{name}/{rel} differs from the generator's output");
        }
        let size: usize = shipped.values().map(Vec::len).sum();
        assert!(size < 4_000_000, "sample-cases/{name} is {size} bytes; keep sample cases small");
        assert!(
            shipped.contains_key("case.toml")
                && shipped.contains_key("SCENARIO.md")
                && shipped.contains_key("answer-key.json")
        );
    }
}
