//! Workbench screens on the ingested real fixtures, driven headless and rendered to a TestBackend.

use harrier::case::Case;
use harrier::ingest::{ingest, IngestOptions, IngestProgress};
use harrier::tui::runtime::headless::Headless;
use harrier::tui::state::keymap::Command;
use harrier::tui::state::View;
use harrier::tui::update::action::{Action, PromptKey};
use harrier::tui::views::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;

/// An ingested copy of the real fixtures, or `None` (skipped) when they are not beside the repository.
fn headless(with_alerts: bool, test: &str) -> Option<(tempfile::TempDir, Headless)> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("realcase");
    crate::shared::copy_benign_sets(test, &root)?;
    fix_file_times(&root);
    let case = Case::open(&root, None).unwrap();
    ingest(&case, &IngestOptions::default(), &IngestProgress::default()).unwrap();
    if with_alerts {
        std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui_alerts.json"), case.alerts_path())
            .unwrap();
    }
    let h = Headless::new(case, chrono_tz::UTC, Theme::defaults(false));
    Some((dir, h))
}

/// Gives every file under `dir` one modification time, so a snapshot labelled by its file time reads the same on
/// every run.
fn fix_file_times(dir: &Path) {
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_748_822_400); // 2025-06-02 00:00 UTC
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            fix_file_times(&path);
        } else {
            std::fs::File::options().write(true).open(&path).unwrap().set_modified(when).unwrap();
        }
    }
}

/// The alerts file the screens are drawn from, to be changed by a test.
fn fixture_alerts() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui_alerts.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The workbench opened again on the case in `dir` with `alerts` as its saved results.
fn with_alerts(dir: &tempfile::TempDir, alerts: &serde_json::Value) -> Headless {
    let case = Case::open(&dir.path().join("realcase"), None).unwrap();
    std::fs::write(case.alerts_path(), serde_json::to_vec(alerts).unwrap()).unwrap();
    Headless::new(case, chrono_tz::UTC, Theme::defaults(false))
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
    let Some((_d, mut h)) = headless(true, "tui_overview_screen") else { return };
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("983 events"), "{text}");
    assert!(text.contains("unsupported"), "{text}");
    snap("overview", &mut h);
}

#[test]
fn tui_overview_without_alerts_says_detection_not_run() {
    let Some((_d, mut h)) = headless(false, "tui_overview_without_alerts_says_detection_not_run") else { return };
    let text = screen(&mut h, 100, 30);
    assert!(text.contains("detection has not been run"), "{text}");
    h.cmd(Command::ScreenAlerts);
    assert!(screen(&mut h, 100, 30).contains("No alerts yet"));
}

#[test]
fn tui_alerts_queue_and_filters() {
    let Some((_d, mut h)) = headless(true, "tui_alerts_queue_and_filters") else { return };
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
    let Some((_d, mut h)) = headless(true, "tui_alert_detail_pivots_to_user_timeline_and_back") else { return };
    h.cmd(Command::ScreenAlerts);
    h.cmd(Command::Open);
    snap("alert_detail", &mut h);
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("175.45.176.99 is in a country"), "{text}");
    // In a case zone other than UTC the span is given in UTC too, the zone the reasons are written in.
    h.app.tz = chrono_tz::America::Chicago;
    let text = screen(&mut h, 130, 30);
    assert!(
        text.contains("09:19:30 CDT") && text.contains("(14:08:45 → 14:19:30 UTC on 2021-04-28, as in the reasons)"),
        "{text}"
    );
    h.app.tz = chrono_tz::UTC;
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
    let Some((_d, mut h)) = headless(true, "tui_timeline_detail_and_pivots") else { return };
    h.search("user:johns@m365x816222.onmicrosoft.com");
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("SharingPolicyChanged"), "{text}");
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
    let Some((_d, mut h)) = headless(true, "tui_search_error_is_inline_and_help_lists_keys") else { return };
    h.search("colour:red");
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("unknown field 'colour:'"), "{text}");
    assert!(h.app.prompt.is_some());
    h.send(Action::Prompt(PromptKey::Cancel));
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

#[test]
fn tui_entity_page_of_an_alert_user_and_its_ip() {
    let Some((_d, mut h)) = headless(true, "tui_entity_page_of_an_alert_user_and_its_ip") else { return };
    h.cmd(Command::ScreenAlerts);
    h.cmd(Command::Open);
    // The alert's first entity is its user.
    h.cmd(Command::Entity);
    let text = screen(&mut h, 160, 48);
    assert!(text.contains("User adelev@m365x816222.onmicrosoft.com"), "{text}");
    assert!(text.contains("first seen") && text.contains("IP addresses ("), "{text}");
    assert!(text.contains("Related alerts (1)") && text.contains("AN0534-0001"), "{text}");
    assert!(text.contains("175.45.176.99"), "the alert's IP is among the user's IPs:\n{text}");
    snap("entity_user", &mut h);
    // Esc returns to the alert with its cursor; the IP's page lists the same alert.
    h.cmd(Command::Back);
    assert!(matches!(h.app.top(), View::AlertDetail { cursor: 0, .. }));
    h.cmd(Command::Down);
    h.cmd(Command::Entity);
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("IP address 175.45.176.99") && text.contains("236 events"), "{text}");
    snap("entity_ip", &mut h);
    // `p` opens the entity's own timeline.
    h.cmd(Command::Pivot);
    assert!(screen(&mut h, 80, 24).contains("row 1 of 236"));
}

#[test]
fn tui_facets_narrow_the_timeline() {
    let Some((_d, mut h)) = headless(true, "tui_facets_narrow_the_timeline") else { return };
    h.search("user:johns@m365x816222.onmicrosoft.com");
    let before = match h.app.top() {
        View::Timeline(t) => t.total.unwrap(),
        _ => panic!("timeline on top"),
    };
    h.cmd(Command::Facets);
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("Facets") && text.contains("IP addresses (") && text.contains("Operations ("), "{text}");
    assert!(!text.contains("Users ("), "the pinned user is no facet:\n{text}");
    snap("timeline_facets", &mut h);
    // Enter on the first value (the most frequent IP) narrows the user's timeline to it.
    h.cmd(Command::Open);
    let View::Timeline(t) = h.app.top() else { panic!("timeline on top") };
    assert!(t.title.contains("+ ip:"), "{}", t.title);
    let after = t.total.unwrap();
    assert!(after > 0 && after < before, "{after} of {before}");
}

#[test]
fn tui_frequency_table_of_the_operation_column() {
    let Some((_d, mut h)) = headless(true, "tui_frequency_table_of_the_operation_column") else { return };
    h.search("user:johns@m365x816222.onmicrosoft.com");
    // At 80 columns the operation column is the second shown.
    h.cmd(Command::ColumnRight);
    h.cmd(Command::Frequency);
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("Operations of search: user:johns"), "{text}");
    assert!(text.contains("SharingPolicyChanged"), "{text}");
    snap("frequency_operations", &mut h);
    h.cmd(Command::Open);
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("+ op:"), "{text}");
}

#[test]
fn tui_bookmarks_persist_in_the_case_state() {
    let Some((d, mut h)) = headless(true, "tui_bookmarks_persist_in_the_case_state") else { return };
    h.search("user:johns@m365x816222.onmicrosoft.com");
    h.cmd(Command::Down);
    h.cmd(Command::Bookmark);
    let saved = std::fs::read_to_string(d.path().join("realcase/.harrier/bookmarks.json")).unwrap();
    assert!(saved.contains("\"event_id\""), "{saved}");
    h.command_line("bookmarks");
    let text = screen(&mut h, 120, 30);
    assert!(text.contains("Bookmarks 1") && text.contains("johns@m365x816222.onmicrosoft.com"), "{text}");
    snap("bookmarks", &mut h);
    // A new session on the same case reads them back.
    let case = Case::open(&d.path().join("realcase"), None).unwrap();
    let mut again = Headless::new(case, chrono_tz::UTC, Theme::defaults(false));
    again.cmd(Command::ScreenBookmarks);
    assert!(screen(&mut again, 120, 30).contains("Bookmarks 1"));
}

#[test]
fn tui_alert_detail_evidence_rows_show_the_events_and_open_them() {
    let Some((_d, mut h)) = headless(true, "tui_alert_detail_evidence_rows_show_the_events_and_open_them") else {
        return;
    };
    h.cmd(Command::ScreenAlerts);
    h.cmd(Command::Open);
    // Entities first (user, IP, app), then the three evidence events.
    for _ in 0..3 {
        h.cmd(Command::Down);
    }
    let text = screen(&mut h, 160, 48);
    assert!(text.contains("2021-04-28 14:08:45 UTC"), "{text}");
    assert!(text.contains("Sign-in") && text.contains("175.45.176.99"), "{text}");
    assert!(!text.contains("loading…"), "{text}");
    snap("alert_detail_evidence", &mut h);
    h.cmd(Command::Open);
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("Original record"), "{text}");
    assert!(text.contains("cfb68155-70f5-4e28-b046-0a3a7086c401"), "{text}");
}

#[test]
fn tui_n_steps_through_search_matches_and_wraps_with_a_message() {
    let Some((_d, mut h)) = headless(true, "tui_n_steps_through_search_matches_and_wraps_with_a_message") else {
        return;
    };
    h.search("user:johns@m365x816222.onmicrosoft.com");
    let total = match h.app.top() {
        View::Timeline(t) => t.total.unwrap(),
        _ => panic!("search opens a timeline"),
    };
    h.search("op:SharingPolicyChanged");
    h.cmd(Command::Back);
    let rows_of = |h: &Headless| match h.app.top() {
        View::Timeline(t) => (t.cursor, t.current().map(|e| e.operation.clone())),
        _ => panic!("back on the timeline"),
    };
    // The cursor starts on row 1, a match itself: n goes to the next one.
    assert_eq!(rows_of(&h).1.as_deref(), Some("SharingPolicyChanged"));
    h.cmd(Command::NextMatch);
    let (first, op) = rows_of(&h);
    assert_eq!(op.as_deref(), Some("SharingPolicyChanged"));
    assert!(first > 0 && first < total);
    let text = screen(&mut h, 80, 24);
    assert!(text.contains(&format!("'op:SharingPolicyChanged': row {} of {total}", first + 1)), "{text}");
    // Forward until it wraps round to the top.
    let mut seen = vec![first];
    for _ in 0..total {
        h.cmd(Command::NextMatch);
        let (row, op) = rows_of(&h);
        assert_eq!(op.as_deref(), Some("SharingPolicyChanged"));
        if row <= *seen.last().unwrap() {
            assert_eq!(row, 0, "wraps to the first match");
            break;
        }
        seen.push(row);
    }
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("hit the bottom, continued from the top"), "{text}");
    snap("timeline_next_match", &mut h);
    h.cmd(Command::PrevMatch);
    assert_eq!(rows_of(&h).0, *seen.last().unwrap());
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("hit the top, continued from the bottom"), "{text}");
    // On the alerts queue, n looks through the alerts.
    h.cmd(Command::ScreenAlerts);
    h.search("175.45.176.99");
    h.cmd(Command::ScreenAlerts);
    h.cmd(Command::Down);
    h.cmd(Command::Down);
    h.cmd(Command::NextMatch);
    let View::Alerts { cursor } = h.app.top() else { panic!("alerts queue") };
    assert_eq!(h.app.filtered_alerts()[*cursor].id, "AN0534-0001");
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("'175.45.176.99': hit the bottom, continued from the top"), "{text}");
}

#[test]
fn tui_search_history_is_saved_per_case_and_loaded_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("realcase");
    let Some(()) = crate::shared::copy_benign_sets("tui_search_history_is_saved_per_case_and_loaded_on_open", &root)
    else {
        return;
    };
    let case = Case::open(&root, None).unwrap();
    ingest(&case, &IngestOptions::default(), &IngestProgress::default()).unwrap();
    let mut h = Headless::new(case.clone(), chrono_tz::UTC, Theme::defaults(false));
    h.search("op:PageViewed");
    h.search("ip:175.45.176.99");
    h.search("op:PageViewed");
    let saved = std::fs::read_to_string(case.state_dir.join("search-history.json")).unwrap();
    assert!(saved.contains("ip:175.45.176.99"), "{saved}");
    let mut again = Headless::new(case, chrono_tz::UTC, Theme::defaults(false));
    assert_eq!(again.app.history, vec!["ip:175.45.176.99".to_string(), "op:PageViewed".to_string()]);
    again.cmd(Command::Search);
    again.send(Action::Prompt(PromptKey::Up));
    assert_eq!(again.app.prompt.as_ref().map(|p| p.text.as_str()), Some("op:PageViewed"));
    again.send(Action::Prompt(PromptKey::Up));
    assert_eq!(again.app.prompt.as_ref().map(|p| p.text.as_str()), Some("ip:175.45.176.99"));
}

#[test]
fn tui_event_detail_keeps_long_parameter_names_apart_from_their_values() {
    let Some((_d, mut h)) = headless(true, "tui_event_detail_keeps_long_parameter_names_apart_from_their_values")
    else {
        return;
    };
    h.search("source:entra_audit");
    h.cmd(Command::Open);
    let text = screen(&mut h, 120, 48);
    // Every value starts in one column, after the widest label and a gap.
    let time = text.lines().find(|l| l.contains("│time ")).expect("a time field");
    let chars: Vec<char> = time.chars().collect();
    let label_at = time.chars().position(|c| c == '│').unwrap() + 1;
    let value_at = (label_at + 4..chars.len()).find(|i| chars[*i] != ' ').unwrap();
    let params: Vec<Vec<char>> = text.lines().filter(|l| l.contains("│param ")).map(|l| l.chars().collect()).collect();
    assert!(params.len() >= 2, "{text}");
    assert!(
        params.iter().any(|l| l[label_at..value_at].iter().collect::<String>().trim().len() >= 16),
        "an audit event lists a parameter with a long name: {text}"
    );
    for l in &params {
        let line: String = l.iter().collect();
        assert_eq!(l[value_at - 1], ' ', "parameter name and value run together: {line}");
        assert_ne!(l[value_at], ' ', "value starts in the value column: {line}");
    }
}

#[test]
fn tui_long_case_name_is_shown_whole_on_a_wide_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("case");
    std::fs::create_dir_all(&root).unwrap();
    let name = "Contoso Pharmaceuticals: mailbox takeover, March";
    std::fs::write(root.join("case.toml"), format!("[case]\nname = \"{name}\"\n")).unwrap();
    let case = Case::open(&root, None).unwrap();
    let mut h = Headless::new(case, chrono_tz::UTC, Theme::defaults(false));
    let wide = screen(&mut h, 160, 30);
    assert!(wide.lines().next().unwrap().contains(name), "{wide}");
    let narrow = screen(&mut h, 80, 24);
    let title = narrow.lines().next().unwrap();
    assert!(title.contains("Contoso Pharmaceuticals: mail…") && title.contains("Overview"), "{narrow}");
}

/// Entity pages show what the case's snapshots state about a user, a mailbox, an app and an address, each section
/// labelled with the snapshot it comes from, apart from the events.
#[test]
fn tui_entity_pages_show_snapshot_facts_labelled_as_snapshots() {
    let Some((_d, mut h)) = headless(true, "tui_entity_pages_show_snapshot_facts_labelled_as_snapshots") else {
        return;
    };
    h.command_line("user jthomas@bonacu.onmicrosoft.com");
    let text = screen(&mut h, 160, 48);
    assert!(text.contains("From snapshots: the tenant's state when each was exported, not events"), "{text}");
    assert!(text.contains("User risk (1) — snapshot taken 2025-04-22 09:31 · 202504220931-RiskyUsers.csv"), "{text}");
    assert!(text.contains("risk medium, atRisk (none), as of its last update"), "{text}");
    assert!(text.contains("Roles (2) · administrator — snapshot taken 2025-04-30 16:47 · 202504301647-PIM-Assignments"));
    assert!(text.contains("Exchange Administrator · PIM active · no end"), "{text}");
    snap("entity_user_snapshot_facts", &mut h);
    // Snapshot rows are selectable after the related alerts: `j` moves onto the second row.
    h.cmd(Command::Down);
    let View::Entity(page) = h.app.top() else { panic!("an entity page") };
    assert_eq!(page.cursor, 1);
    // Enter on a fact opens nothing; `y` copies the row as shown.
    h.cmd(Command::Open);
    assert!(matches!(h.app.top(), View::Entity(_)));
    h.cmd(Command::Copy);
    let copied = h.app.clipboard.clone().unwrap_or_default();
    assert!(copied.starts_with("anonymizedIPAddress · low · dismissed · 194.110.115.55"), "{copied}");

    h.command_line("mailbox jacksone@bonacu.onmicrosoft.com");
    let text = screen(&mut h, 160, 48);
    assert!(
        text.contains("Inbox rules (4) — snapshot, file modified 2025-06-02 00:00 UTC · MailboxRules.csv"),
        "{text}"
    );
    assert!(
        text.contains("forward: forward to law1234567890@protonmail.com · delete ← if SubjectContainsWords"),
        "{text}"
    );
    snap("entity_mailbox_snapshot_facts", &mut h);

    h.command_line("app GraphJoey");
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("App permissions (46) — snapshot taken 2025-04-21 12:17"), "{text}");
    assert!(text.contains("… and 34 more"), "{text}");
    snap("entity_app_snapshot_facts", &mut h);

    // A user no snapshot names says so, once.
    h.command_line("user adelev@m365x816222.onmicrosoft.com");
    let text = screen(&mut h, 160, 48);
    assert!(text.contains("From snapshots: none of the case's 9 snapshot files names it"), "{text}");
}

#[test]
fn tui_sigma_alert_detail_shows_the_rule_author_and_its_yaml() {
    let Some((d, mut h)) = headless(false, "tui_sigma_alert_detail_shows_the_rule_author_and_its_yaml") else {
        return;
    };
    let rule = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sigma/ual_cmdlet.yml");
    let mut alerts = fixture_alerts();
    let mut a = alerts["alerts"][0].clone();
    a["id"] = "sigma-0123456789ab".into();
    a["analytic"] = "sigma:7d0e2f10-0004-4000-8000-00000000a004".into();
    a["title"] = "Test - inbox rule forwarding outside".into();
    a["severity"] = "high".into();
    a["reasons"] = serde_json::json!([
        "Sigma rule \"Test - inbox rule forwarding outside\" (7d0e2f10-0004-4000-8000-00000000a004) by harrier tests matched 2 events"
    ]);
    a["rule"] = serde_json::json!({"kind": "sigma", "id": "7d0e2f10-0004-4000-8000-00000000a004",
        "title": "Test - inbox rule forwarding outside", "author": "harrier tests", "level": "high",
        "status": "experimental", "path": rule.display().to_string(), "references": []});
    alerts["alerts"] = serde_json::json!([a]);
    let mut h2 = with_alerts(&d, &alerts);
    std::mem::swap(&mut h, &mut h2);
    h.cmd(Command::ScreenAlerts);
    h.cmd(Command::Open);
    snap("sigma_alert_detail", &mut h);
    let text = screen(&mut h, 160, 48);
    assert!(text.contains("by harrier tests"), "{text}");
    // A reason too long for the line wraps under its text instead of being cut off.
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("    (7d0e2f10-0004-4000-8000-00000000a004) by harrier tests matched 2 events"), "{text}");
    h.cmd(Command::RuleYaml);
    let text = screen(&mut h, 160, 48);
    assert!(text.contains("Operation: 'New-InboxRule'"), "{text}");
    // A rule longer than the screen says how much is not shown and where the whole file is named.
    let text = screen(&mut h, 80, 16);
    assert!(text.contains("more lines: `harrier rules list --json` gives the file"), "{text}");
    h.cmd(Command::RuleYaml);
    let text = screen(&mut h, 160, 48);
    assert!(text.contains("Reasons"), "{text}");
}

#[test]
fn tui_overview_names_the_detections_that_could_not_see_everything() {
    let Some((d, _)) = headless(false, "tui_overview_names_the_detections_that_could_not_see_everything") else {
        return;
    };
    let mut alerts = fixture_alerts();
    alerts["coverage"] = serde_json::json!({"analytics": [
        {"analytic": "AN0534", "status": "ok", "notes": []},
        {"analytic": "risky-sign-in", "status": "degraded", "notes": ["risk unknown on 76 of 561 Entra sign-ins"]},
        {"analytic": "AN1350", "status": "blind", "notes": ["missing source(s): ual_azuread"]}
    ]});
    let mut h = with_alerts(&d, &alerts);
    let text = screen(&mut h, 100, 30);
    assert!(text.contains("risky-sign-in degraded: risk unknown on 76 of 561 Entra sign-ins"), "{text}");
    assert!(text.contains("AN1350 blind: missing source(s): ual_azuread"), "{text}");
    assert!(!text.contains("AN0534 ok"), "only the gaps are listed: {text}");
}
