//! Case work in the workbench on the ingested real fixtures: the runbook checklist, triage, notes and exports,
//! driven headless, rendered to a TestBackend, and read back after reopening the case.

use harrier::case::state::CaseState;
use harrier::case::Case;
use harrier::ingest::{ingest, IngestOptions, IngestProgress};
use harrier::tui::runtime::headless::Headless;
use harrier::tui::state::keymap::Command;
use harrier::tui::state::View;
use harrier::tui::update::action::{Action, PromptKey};
use harrier::tui::views::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::{Path, PathBuf};

/// An ingested copy of the real fixtures with the saved alerts of the screen tests.
fn case_copy(test: &str) -> Option<(tempfile::TempDir, PathBuf)> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("realcase");
    crate::shared::copy_benign_sets(test, &root)?;
    let case = Case::open(&root, None).unwrap();
    ingest(&case, &IngestOptions::default(), &IngestProgress::default()).unwrap();
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui_alerts.json"), case.alerts_path())
        .unwrap();
    Some((dir, root))
}

fn open(root: &Path) -> Headless {
    Headless::new(Case::open(root, None).unwrap(), chrono_tz::UTC, Theme::defaults(false))
}

fn screen(h: &mut Headless, w: u16, ht: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, ht)).unwrap();
    h.render(&mut term).unwrap();
    term.backend().to_string()
}

fn line(h: &mut Headless, text: &str) {
    h.cmd(Command::CommandLine);
    for c in text.chars() {
        h.send(Action::Prompt(PromptKey::Char(c)));
    }
    h.send(Action::Prompt(PromptKey::Submit));
}

#[test]
fn tui_runbook_ticks_and_triage_survive_reopening_the_case() {
    let Some((_d, root)) = case_copy("tui_runbook_ticks_and_triage_survive_reopening_the_case") else { return };
    let mut h = open(&root);
    h.cmd(Command::ScreenAlerts);
    h.cmd(Command::Open);
    h.cmd(Command::Runbook);
    h.cmd(Command::TickStep);
    h.cmd(Command::Down);
    h.cmd(Command::TickStep);
    line(&mut h, "step-note sign-in read: IL, no MFA");
    line(&mut h, "triage tp the sign-in came from an unknown country without MFA");
    assert!(h.app.prompt.is_none(), "{:?}", h.app.prompt);
    assert!(h.app.status.as_ref().is_some_and(|s| !s.error), "{:?}", h.app.status);
    insta::assert_snapshot!("casework_alert_runbook_80x24", screen(&mut h, 80, 24));
    insta::assert_snapshot!("casework_alert_runbook_160x48", screen(&mut h, 160, 48));
    drop(h);

    let mut h = open(&root);
    h.cmd(Command::ScreenAlerts);
    let queue = screen(&mut h, 80, 24);
    assert!(queue.contains("true pos") && queue.contains("2/29"), "{queue}");
    insta::assert_snapshot!("casework_queue_80x24", queue);
    h.cmd(Command::Open);
    h.cmd(Command::Runbook);
    let detail = screen(&mut h, 80, 24);
    assert!(detail.contains("True positive") && detail.contains("2/29 steps"), "{detail}");
    assert!(detail.contains("[x]") && detail.contains("sign-in read: IL"), "{detail}");
}

#[test]
fn tui_notes_screen_shows_appended_notes() {
    let Some((_d, root)) = case_copy("tui_notes_screen_shows_appended_notes") else { return };
    let at = chrono::DateTime::parse_from_rfc3339("2021-04-28T15:10:00Z").unwrap().to_utc();
    let state = CaseState::of(&Case::open(&root, None).unwrap(), &harrier::runenv::RunEnv::default())
        .with_actor("responder")
        .with_clock(at);
    state.append_note("Revoked all sessions of adelev at 15:02 UTC.").unwrap();
    let mut h = open(&root);
    line(&mut h, "note Password reset confirmed by the helpdesk.");
    h.cmd(Command::ScreenNotes);
    assert!(matches!(h.app.top(), View::Notes { .. }));
    let text = screen(&mut h, 80, 24);
    assert!(text.contains("Revoked all sessions") && text.contains("Password reset"), "{text}");
    assert!(text.contains("2021-04-28 15:10:00 UTC · responder"), "{text}");
    let mut fresh = open(&root);
    state.set_notes("# Case notes\n\nRevoked all sessions of adelev at 15:02 UTC.\n").unwrap();
    fresh.cmd(Command::ScreenNotes);
    insta::assert_snapshot!("casework_notes_80x24", screen(&mut fresh, 80, 24));
    std::env::remove_var("EDITOR");
    h.cmd(Command::EditNotes);
    assert!(h.app.status.as_ref().is_some_and(|s| s.error && s.text.contains("$EDITOR")));
}

#[test]
fn tui_export_writes_the_timeline_and_reports_path_and_rows() {
    let Some((_d, root)) = case_copy("tui_export_writes_the_timeline_and_reports_path_and_rows") else { return };
    let mut h = open(&root);
    h.search("user:adelev@m365x816222.onmicrosoft.com");
    let out = root.parent().unwrap().join("adele.jsonl");
    line(&mut h, &format!("export jsonl {}", out.display()));
    let status = h.app.status.clone().expect("a final message");
    assert!(!status.error, "{status:?}");
    let rows = std::fs::read_to_string(&out).unwrap().lines().count();
    assert!(rows > 0);
    assert!(
        status.text.contains(&format!("exported {rows} events")) && status.text.contains("adele.jsonl"),
        "{status:?}"
    );
    line(&mut h, "export csv");
    let status = h.app.status.clone().expect("a final message");
    assert!(status.text.contains("exports"), "default path in the state folder: {status:?}");
}

#[test]
fn tui_bookmark_comment_and_tags_are_saved_through_the_core() {
    let Some((_d, root)) = case_copy("tui_bookmark_comment_and_tags_are_saved_through_the_core") else { return };
    let mut h = open(&root);
    h.cmd(Command::ScreenTimeline);
    h.cmd(Command::Bookmark);
    h.cmd(Command::ScreenBookmarks);
    h.cmd(Command::Annotate);
    assert_eq!(h.app.prompt.as_ref().map(|p| p.text.as_str()), Some("annotate"));
    h.send(Action::Prompt(PromptKey::Cancel));
    line(&mut h, "annotate +initial-access first sign-in of the intruder");
    drop(h);
    let h = open(&root);
    let b = &h.app.bookmarks[0];
    assert_eq!(b.tags, ["initial-access"]);
    assert_eq!(b.comment.as_deref(), Some("first sign-in of the intruder"));
}

#[test]
fn tui_suppress_shows_the_case_toml_diff_and_writes_only_on_enter() {
    let Some((_d, root)) = case_copy("tui_suppress_shows_the_case_toml_diff_and_writes_only_on_enter") else { return };
    let before = std::fs::read_to_string(root.join("case.toml")).unwrap_or_default();
    let mut h = open(&root);
    h.cmd(Command::ScreenAlerts);
    h.cmd(Command::Open);
    line(&mut h, "triage fp the address is the office's new VPN exit");
    line(&mut h, "suppress");
    let plan = h.app.suppress.clone().unwrap_or_else(|| panic!("no preview: {:?} {:?}", h.app.status, h.app.prompt));
    let text = screen(&mut h, 100, 30);
    assert!(text.contains("Enter writes it") && text.contains('+'), "{text}");
    h.cmd(Command::Back);
    assert_eq!(std::fs::read_to_string(root.join("case.toml")).unwrap_or_default(), before, "Esc writes nothing");
    line(&mut h, "suppress");
    h.cmd(Command::Open);
    assert!(h.app.status.as_ref().is_some_and(|s| !s.error), "{:?}", h.app.status);
    assert_eq!(std::fs::read_to_string(root.join("case.toml")).unwrap(), plan.after);
}
