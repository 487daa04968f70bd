//! The exercise pane of the workbench, driven by keys without a terminal: the facilitator moves the clock and the
//! index follows; a participant types an answer and it is scored and saved; the pane shows the score and injects.

use crate::common::{copy_tree, ingest_dir};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use harrier::exercise::{session, Exercise};
use harrier::tui::runtime::context::JobContext;
use harrier::tui::runtime::exercise::{ExercisePane, PaneOutcome};
use harrier::tui::state::keymap::Keymap;
use harrier::tui::views::theme::Theme;
use harrier::tui::views::Ui;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;
use std::sync::Arc;

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

#[test]
fn exercise_pane_moves_the_clock_scores_answers_and_saves_them() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-cases/bec"), tmp.path());
    let _ = std::fs::remove_dir_all(tmp.path().join(".harrier"));
    let (case, _) = ingest_dir(tmp.path());
    let ex = Exercise::load(&case.root.join("exercise.toml")).unwrap();
    let now: DateTime<Utc> = Utc::now();
    let s = session::load(&case.state_dir, &ex, now).unwrap();
    let mut pane = ExercisePane::new(&case, ex.clone(), s, true, &harrier::runenv::RunEnv::default());
    let ctx = Arc::new(JobContext::new(case.clone(), harrier::runenv::RunEnv::default()));
    pane.attach(ctx.clone());
    let ix = ctx.index.as_ref().unwrap();
    assert_eq!(ix.visibility().unwrap().until, ex.exercise.start);

    // The facilitator steps to the first inject: the index now shows up to it.
    assert_eq!(pane.on_key(&key(KeyCode::Char('n')), now), PaneOutcome::ClockMoved { backwards: false });
    assert_eq!(ix.visibility().unwrap().until, ex.injects[0].at);

    // An answer typed into the pane is scored and saved with the case state.
    let q = &ex.questions[0];
    pane.on_key(&key(KeyCode::Enter), now);
    for c in q.answers[0].to_uppercase().chars() {
        pane.on_key(&key(KeyCode::Char(c)), now);
    }
    pane.on_key(&key(KeyCode::Enter), now);
    assert!(pane.message.as_deref().unwrap().ends_with("right"), "{:?}", pane.message);
    let saved = session::load(&case.state_dir, &ex, now).unwrap();
    assert_eq!(saved.answers[&q.id].verdict.correct, Some(true));
    assert_eq!(saved.score(&ex), q.points);

    // The pane shows the score, the fired inject, the upcoming ones and, on demand, the key.
    pane.on_key(&key(KeyCode::Char('a')), now);
    let ui = Ui { theme: Theme::defaults(false), keymap: Keymap::defaults() };
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
    term.draw(|f| harrier::tui::views::exercise::draw(f, f.area(), &pane, &ui, chrono_tz::UTC, now)).unwrap();
    let text = term.backend().to_string();
    assert!(text.contains(&format!("{} of {}", q.points, ex.max_points())), "{text}");
    assert!(text.contains("upcoming"), "{text}");
    assert!(text.contains("key:"), "{text}");

    // A participant's pane has no clock keys.
    let s = session::load(&case.state_dir, &ex, now).unwrap();
    let mut participant = ExercisePane::new(&case, ex.clone(), s, false, &harrier::runenv::RunEnv::default());
    assert_eq!(participant.on_key(&key(KeyCode::Char('n')), now), PaneOutcome::Ignored);
}

/// Under an exercise's clock, entity pages show only the snapshots taken by then.
#[test]
fn an_exercise_shows_only_the_snapshots_taken_by_its_clock() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-cases/bec"), tmp.path());
    let _ = std::fs::remove_dir_all(tmp.path().join(".harrier"));
    let risky = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshots/graph-risky-users.json");
    std::fs::copy(&risky, tmp.path().join("200001010000-RiskyUsers.json")).unwrap();
    let later = std::fs::read_to_string(&risky).unwrap().replace("Jo@Contoso.example", "late@contoso.example");
    std::fs::write(tmp.path().join("209912310000-RiskyUsers.json"), later).unwrap();
    let (case, _) = ingest_dir(tmp.path());
    let ex = Exercise::load(&case.root.join("exercise.toml")).unwrap();
    let now: DateTime<Utc> = Utc::now();
    let s = session::load(&case.state_dir, &ex, now).unwrap();
    let mut pane = ExercisePane::new(&case, ex, s, true, &harrier::runenv::RunEnv::default());
    let ctx = Arc::new(JobContext::new(case.clone(), harrier::runenv::RunEnv::default()));
    assert_eq!(ctx.facts().unwrap().snapshots().len(), 2, "outside an exercise every snapshot shows");
    pane.attach(ctx.clone());
    let facts = ctx.facts().unwrap();
    assert_eq!(facts.snapshots().len(), 1);
    assert!(facts.user_risk("jo@contoso.example").is_some() && facts.user_risk("late@contoso.example").is_none());
}
