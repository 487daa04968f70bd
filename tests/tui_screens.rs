//! Workbench screens on the ingested real fixtures, driven headless and rendered to a TestBackend.

use harrier::case::Case;
use harrier::ingest::{ingest, IngestOptions, IngestProgress};
use harrier::tui::action::Action;
use harrier::tui::app::View;
use harrier::tui::headless::Headless;
use harrier::tui::keymap::Command;
use harrier::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
            let mut perm = std::fs::metadata(&target).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perm.set_readonly(false);
            std::fs::set_permissions(&target, perm).unwrap();
        }
    }
}

fn fixtures_dir() -> std::path::PathBuf {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/real");
    if local.exists() {
        local
    } else {
        Path::new("/work/shared/fixtures/real").to_path_buf()
    }
}

fn headless(with_alerts: bool) -> (tempfile::TempDir, Headless) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("realcase");
    copy_dir(&fixtures_dir(), &root);
    let case = Case::open(&root, None).unwrap();
    ingest(&case, &IngestOptions::default(), &IngestProgress::default()).unwrap();
    if with_alerts {
        std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui_alerts.json"), case.alerts_path())
            .unwrap();
    }
    let h = Headless::new(case, chrono_tz::UTC, Theme::defaults(false));
    (dir, h)
}

fn screen(h: &mut Headless, w: u16, ht: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, ht)).unwrap();
    h.render(&mut term).unwrap();
    term.backend().to_string()
}

fn snap(name: &str, h: &mut Headless) {
    for (w, ht) in [(80u16, 24u16), (160, 48)] {
        let text = screen(h, w, ht);
        insta::assert_snapshot!(format!("{name}_{w}x{ht}"), text);
    }
}

#[test]
fn tui_overview_screen() {
    let (_d, mut h) = headless(true);
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("983 events"), "{text}");
    assert!(text.contains("unsupported"), "{text}");
    snap("overview", &mut h);
}

#[test]
fn tui_overview_without_alerts_says_detection_not_run() {
    let (_d, mut h) = headless(false);
    let text = screen(&mut h, 100, 30);
    assert!(text.contains("detection has not been run"), "{text}");
    h.cmd(Command::ScreenAlerts);
    assert!(screen(&mut h, 100, 30).contains("No alerts yet"));
}

#[test]
fn tui_alerts_queue_and_filters() {
    let (_d, mut h) = headless(true);
    h.cmd(Command::ScreenAlerts);
    let text = screen(&mut h, 80, 24);
    let high = text.find("AN0534").unwrap();
    let medium = text.find("AN1350").unwrap();
    let low = text.find("AN1107").unwrap();
    assert!(high < medium && medium < low, "severity order:\n{text}");
    snap("alerts", &mut h);
    h.cmd(Command::FilterSeverity);
    h.cmd(Command::FilterSeverity);
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("AN0534") && !text.contains("AN1350"), "{text}");
    h.cmd(Command::FilterSeverity);
    h.cmd(Command::FilterSeverity);
    h.cmd(Command::FilterAnalytic);
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("AN0534") && !text.contains("AN1107") && text.contains("1/3"), "{text}");
}

#[test]
fn tui_alert_detail_pivots_to_user_timeline_and_back() {
    let (_d, mut h) = headless(true);
    h.cmd(Command::ScreenAlerts);
    h.cmd(Command::Open);
    snap("alert_detail", &mut h);
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("175.45.176.99 is in a country"), "{text}");
    // Second item: the IP entity.
    h.cmd(Command::Down);
    h.cmd(Command::Open);
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("ip:175.45.176.99"), "{text}");
    assert!(text.contains("row 1 of 236"), "{text}");
    h.cmd(Command::Back);
    assert!(matches!(h.app.top(), View::AlertDetail { cursor: 1, .. }));
}

#[test]
fn tui_timeline_detail_and_pivots() {
    let (_d, mut h) = headless(true);
    h.search("user:johns@m365x816222.onmicrosoft.com");
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("SharingPolicyCha…"), "{text}");
    snap("timeline", &mut h);
    h.cmd(Command::Open);
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("Original record"), "{text}");
    snap("event_detail", &mut h);
    h.cmd(Command::Back);
    h.cmd(Command::PivotIp);
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("ip:20.190.163.29"), "{text}");
    h.cmd(Command::Around);
    let text = screen(&mut h, 120, 24);
    assert!(text.contains("±15m"), "{text}");
}

#[test]
fn tui_search_error_is_inline_and_help_lists_keys() {
    let (_d, mut h) = headless(true);
    h.search("colour:red");
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("unknown field 'colour:'"), "{text}");
    assert!(h.app.search.is_some());
    h.send(Action::SearchCancel);
    h.cmd(Command::Help);
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("timeline of this row's user"), "{text}");
    snap("help", &mut h);
}

#[test]
fn tui_escape_sequences_in_log_fields_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("evil");
    std::fs::create_dir_all(&root).unwrap();
    let record = serde_json::json!([{
        "id": "66ea54eb-6301-4ee5-be62-ff5a759b0100",
        "createdDateTime": "2025-05-02T09:00:00Z",
        "userPrincipalName": "mallory@northwind.example",
        "userId": "11111111-2222-3333-4444-555555555555",
        "appDisplayName": "Office 365 Exchange Online",
        "appId": "00000002-0000-0ff1-ce00-000000000000",
        "ipAddress": "203.0.113.9",
        "userAgent": "Mozilla\u{1b}]0;pwned\u{7}\u{1b}[31mRED",
        "correlationId": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "status": {"errorCode": 0},
        "isInteractive": true
    }]);
    std::fs::write(root.join("InteractiveSignIns.json"), serde_json::to_vec(&record).unwrap()).unwrap();
    let case = Case::open(&root, None).unwrap();
    ingest(&case, &IngestOptions::default(), &IngestProgress::default()).unwrap();
    let mut h = Headless::new(case, chrono_tz::UTC, Theme::defaults(false));
    h.search("user:mallory@northwind.example");
    h.cmd(Command::Open);
    for (w, ht) in [(80, 24), (160, 48)] {
        let text = screen(&mut h, w, ht);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text}");
        assert!(text.contains("Mozilla?]0;pwned??[31mRED"), "{text}");
    }
}
