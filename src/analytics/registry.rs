//! The detections harrier runs, in one list. Adding one is a source file with a [`Detector`], its metadata in
//! `assets/analytics/`, and a line here; an id that is not listed is an error, never a fallback.

use super::common::{Cx, Findings};
use super::{an0534, an0959, an1089, an1107, an1350};

/// One detection: an id (its metadata and parameters live under that name in `assets/analytics/`) and its logic
/// over the run's shared context (the store of baselines and accesses, the whole audit records, parameters,
/// metadata and `case.toml`).
pub trait Detector: Sync {
    /// The id alerts carry and `--analytic` selects (`AN0534`).
    fn id(&self) -> &'static str;
    /// True when the detection reads whole audit records, so a run that had to drop some says so in its coverage.
    fn reads_audit_records(&self) -> bool {
        false
    }
    /// Finds what the detection looks for.
    fn run(&self, cx: &Cx) -> Findings;
}

/// A detection given by its id and its `run` function.
struct FnDetector {
    id: &'static str,
    audits: bool,
    run: fn(&Cx) -> Findings,
}

impl Detector for FnDetector {
    fn id(&self) -> &'static str {
        self.id
    }
    fn reads_audit_records(&self) -> bool {
        self.audits
    }
    fn run(&self, cx: &Cx) -> Findings {
        (self.run)(cx)
    }
}

/// Every detection, in the order they run.
static REGISTRY: [&dyn Detector; 5] = [
    &FnDetector { id: "AN0534", audits: false, run: an0534::run },
    &FnDetector { id: "AN0959", audits: false, run: an0959::run },
    &FnDetector { id: "AN1089", audits: false, run: an1089::run },
    &FnDetector { id: "AN1350", audits: true, run: an1350::run },
    &FnDetector { id: "AN1107", audits: true, run: an1107::run },
];

/// Every registered detection.
pub fn all() -> &'static [&'static dyn Detector] {
    &REGISTRY
}

/// The detection with this id (any letter case).
pub fn find(id: &str) -> Option<&'static dyn Detector> {
    REGISTRY.iter().copied().find(|d| d.id().eq_ignore_ascii_case(id.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_detection_has_metadata_and_the_public_id_list_matches() {
        let ids: Vec<&str> = all().iter().map(|d| d.id()).collect();
        assert_eq!(ids, super::super::ANALYTIC_IDS);
        for d in all() {
            assert!(super::super::params::meta(d.id()).is_some(), "{} has no assets/analytics metadata", d.id());
        }
        assert_eq!(find(" an1107 ").map(|d| d.id()), Some("AN1107"));
        assert!(find("AN9999").is_none());
    }
}
