//! The README's run command opens the bundled demo case: ingested and analysed on first open, the first frame
//! shows the alert totals. Driven headless on a copy, through the same library calls `harrier` makes.

use harrier::case::detection::{alerts_stale, detect_and_save};
use harrier::case::Case;
use harrier::tui::runtime::headless::Headless;
use harrier::tui::views::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;

#[test]
fn demo_case_opens_with_alert_totals_in_the_first_frame() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("demo");
    crate::common::copy_tree(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-cases/demo"), &root);
    let (case, ledger) = crate::common::ingest_dir(&root);
    assert!(ledger.has_logs());
    assert!(alerts_stale(&case), "a fresh case has no saved alerts");
    let d = detect_and_save(&case, Vec::new(), chrono::Utc::now(), &[]).unwrap();
    assert!(!alerts_stale(&case));
    let case = Case::open(&root, None).unwrap();
    let mut h = Headless::new(case, chrono_tz::UTC, Theme::defaults(false));
    let mut term = Terminal::new(TestBackend::new(100, 40)).unwrap();
    h.render(&mut term).unwrap();
    let screen = term.backend().to_string();
    let total = format!("{} total", d.alerts.len());
    assert!(d.alerts.len() >= 6, "six planted attacks");
    assert!(screen.contains(&total), "first frame shows '{total}':\n{screen}");
    for s in ["critical", "high", "medium", "low"] {
        assert!(screen.contains(s), "first frame counts {s} alerts:\n{screen}");
    }
}
