//! Reading the saved detection results the alerts queue shows.

use crate::analytics::saved;
use crate::tui::state::alerts::{sort, AlertsState};
use std::path::Path;

/// Reads `path` through the one reader of saved results; a missing file means detection has not been run.
pub fn load(path: &Path) -> AlertsState {
    load_with_gaps(path).0
}

/// The saved alerts, and the detections whose coverage is not `ok` (they could not see all they look for).
pub fn load_with_gaps(path: &Path) -> (AlertsState, Vec<saved::SavedAnalyticCoverage>) {
    match saved::load(path) {
        Ok(None) => (AlertsState::NotRun, Vec::new()),
        Ok(Some(d)) => {
            let mut alerts = d.alerts;
            sort(&mut alerts);
            let gaps = d.coverage.analytics.into_iter().filter(|c| !c.status.is_empty() && c.status != "ok").collect();
            (AlertsState::Loaded(alerts), gaps)
        }
        Err(e) => (AlertsState::Unreadable(e.to_string()), Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_not_run_and_extra_fields_are_tolerated() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("alerts.json");
        assert_eq!(load(&p), AlertsState::NotRun);
        std::fs::write(
            &p,
            r#"{"alerts":[{"id":"a","analytic":"AN1","severity":"low","extra":1},
               {"id":"b","analytic":"AN2","severity":"critical","entities":{"users":["x"]}}],"coverage":{}}"#,
        )
        .unwrap();
        let s = load(&p);
        assert_eq!(s.list().len(), 2);
        assert_eq!(s.list()[0].id, "b");
        std::fs::write(&p, "not json").unwrap();
        assert!(matches!(load(&p), AlertsState::Unreadable(m) if m.contains("alerts.json")));
    }

    #[test]
    fn baseline_sentences_and_app_names_are_read_and_other_shapes_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("alerts.json");
        std::fs::write(
            &p,
            r#"{"alerts":[{"id":"a","analytic":"AN1","severity":"high","baseline":["used curl on 0 days"],
               "entities":{"apps":["x1"],"app_names":{"x1":"Graph"}}},
               {"id":"b","analytic":"AN2","severity":"low","baseline":{"rules_30d":0}}]}"#,
        )
        .unwrap();
        let s = load(&p);
        let a = s.list().iter().find(|a| a.id == "a").unwrap();
        assert_eq!(a.baseline, vec!["used curl on 0 days"]);
        assert_eq!(a.entities.app_names.get("x1").map(String::as_str), Some("Graph"));
        assert!(s.list().iter().find(|a| a.id == "b").unwrap().baseline.is_empty());
    }
}
