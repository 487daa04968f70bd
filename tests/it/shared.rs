//! The one door to material kept beside the repository (real exports, SigmaHQ rules): a fresh clone has none of
//! it, so tests that need it skip with a printed reason, and fail instead when `HARRIER_REQUIRE_SHARED=1`.

use std::path::PathBuf;

/// Folder beside the repository that holds the real exports and rule sets.
const SHARED_DIR: &str = "../shared";

/// The environment variable that turns a missing shared folder from a skip into a failure.
pub const REQUIRE_VAR: &str = "HARRIER_REQUIRE_SHARED";

/// The path of `rel` inside the shared folder, or `None` (after printing why `test` is skipped) when it is
/// missing. Panics instead of skipping when [`REQUIRE_VAR`] is `1`.
pub fn shared_path(rel: &str, test: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(SHARED_DIR).join(rel);
    if path.exists() {
        return Some(path);
    }
    let required = std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1");
    assert!(!required, "{test}: {} is missing and {REQUIRE_VAR}=1", path.display());
    println!("skipped {test}: {} is missing (set {REQUIRE_VAR}=1 to fail instead)", path.display());
    None
}

/// The real public exports (`fixtures/real`), or `None` with a printed skip line.
pub fn real_fixtures(test: &str) -> Option<PathBuf> {
    shared_path("fixtures/real", test)
}

/// The real export sets of benign tenant activity that the whole-case tests (counts, screens, "no false alerts")
/// were written against. Attack corpora that sit beside them are checked by their own tests.
pub const BENIGN_SETS: [&str; 3] =
    ["invictus-extractor-suite-output", "sentinel-training-lab-telemetry", "elastic-graph-activity-logs"];

/// Copies the [`BENIGN_SETS`] into `dest`, one folder per set, or returns `None` (skipped) when they are missing.
pub fn copy_benign_sets(test: &str, dest: &std::path::Path) -> Option<()> {
    let fixtures = real_fixtures(test)?;
    for set in BENIGN_SETS {
        crate::common::copy_tree(&fixtures.join(set), &dest.join(set));
    }
    Some(())
}
