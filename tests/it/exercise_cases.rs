//! Tabletop exercises end to end on every sample case: the clock advances, injects fire, answers are scored, the
//! debrief is written; and what lies beyond the clock (or in logs not yet collected) stays out of search,
//! timelines and analytics.

use crate::common::{copy_tree, ingest_dir};
use assert_cmd::Command;
use chrono::{DateTime, Duration, Utc};
use harrier::analytics::{detect, DetectContext};
use harrier::exercise::model::AnswerKind;
use harrier::exercise::{Exercise, Session};
use harrier::index::query::ParsedQuery;
use harrier::index::CaseIndex;
use std::path::{Path, PathBuf};

fn sample_copy(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-cases").join(name), tmp.path());
    let _ = std::fs::remove_dir_all(tmp.path().join(".harrier"));
    tmp
}

fn harrier(now: DateTime<Utc>) -> Command {
    let mut c = Command::cargo_bin("harrier").unwrap();
    c.env("HARRIER_EXERCISE_NOW", now.to_rfc3339()).env("USER", "trainee");
    c
}

fn run_ok(now: DateTime<Utc>, args: &[&str], case: &Path) -> String {
    let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    args.insert(2, case.display().to_string());
    let out = harrier(now).args(&args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn status(now: DateTime<Utc>, case: &Path) -> serde_json::Value {
    serde_json::from_str(&run_ok(now, &["exercise", "status", "--json", "--facilitator"], case)).unwrap()
}

/// A right answer from the key, in a different spelling where the kind allows it.
fn right_answer(q: &harrier::exercise::model::Question) -> String {
    match q.kind {
        AnswerKind::Entity => q.answers[0].to_uppercase(),
        AnswerKind::Choice => q.answers[0].clone(),
        AnswerKind::Window => {
            let w = q.window.as_ref().unwrap();
            format!("{}/{}", (w.from - Duration::minutes(5)).to_rfc3339(), (w.from + Duration::minutes(1)).to_rfc3339())
        }
        AnswerKind::Text => "Revoke the sessions, reset the password, remove the inbox rules.".into(),
    }
}

fn exercise_end_to_end(name: &str) {
    let case = sample_copy(name);
    let dir = case.path();
    let ex = Exercise::load(&dir.join("exercise.toml")).unwrap();
    let mut wall: DateTime<Utc> = "2030-05-01T09:00:00Z".parse().unwrap();
    harrier(wall).args(["-q", "ingest"]).arg(dir).assert().success();

    let s0 = status(wall, dir);
    assert_eq!(s0["clock"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap(), ex.exercise.start);
    let alerts_at_start = s0["alerts"].as_array().unwrap().len();

    // A hint and a wrong answer before anything is known.
    let first = &ex.questions[0];
    if !first.hints.is_empty() {
        let out = run_ok(wall, &["exercise", "hint", &first.id], dir);
        assert!(out.contains(&first.hints[0].text), "{out}");
    }
    if first.kind == AnswerKind::Entity {
        let out = run_ok(wall, &["exercise", "answer", &first.id, "203.0.113.1"], dir);
        assert!(out.contains("wrong") || out.contains("score"), "{out}");
    }

    // Step through every inject; each fires when the clock reaches it.
    for inject in &ex.injects {
        wall += Duration::minutes(7);
        let out = run_ok(wall, &["exercise", "clock", "--next-inject"], dir);
        assert!(out.contains(&format!("inject {}", inject.id)), "{name}: inject {} did not fire:\n{out}", inject.id);
    }
    let s1 = status(wall, dir);
    assert!(s1["injects"].as_array().unwrap().iter().all(|i| i["fired"] == true));
    let alerts_later = s1["alerts"].as_array().unwrap().len();
    assert!(alerts_later >= alerts_at_start, "{name}: alerts do not disappear as the clock moves on");
    if ex.questions.iter().any(|q| q.finding.is_some()) {
        assert!(alerts_later > alerts_at_start, "{name}: planted alerts appear once the clock passes their evidence");
    }

    // Answer everything right; resume by reading the saved session in a new process each time.
    for q in &ex.questions {
        wall += Duration::minutes(3);
        let out = run_ok(wall, &["exercise", "answer", &q.id, &right_answer(q)], dir);
        let expect = if q.kind == AnswerKind::Text { "recorded for the debrief" } else { "right" };
        assert!(out.contains(expect), "{name}/{}: {out}", q.id);
    }
    let s2 = status(wall, dir);
    let hint_cost = if first.hints.is_empty() { 0 } else { first.hints[0].cost };
    assert_eq!(s2["score"].as_u64().unwrap() as u32, ex.max_points() - hint_cost, "{name}: score");

    // The debrief, in both formats.
    let md = dir.join("debrief.md");
    run_ok(wall, &["exercise", "report", "-o", md.to_str().unwrap()], dir);
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains(&format!("Score: {} of {} points", ex.max_points() - hint_cost, ex.max_points())), "{text}");
    for q in &ex.questions {
        assert!(text.contains(&q.id), "debrief lacks {}", q.id);
    }
    assert!(text.contains("| right |"));
    if ex.questions.iter().any(|q| q.evidence_at.is_some()) {
        assert!(text.contains("0h"), "debrief shows times to finding:\n{text}");
    }
    let html = run_ok(wall, &["exercise", "report", "--format", "html"], dir);
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("Score:"));
}

#[test]
fn exercise_runs_end_to_end_on_demo() {
    exercise_end_to_end("demo");
}

#[test]
fn exercise_runs_end_to_end_on_bec() {
    exercise_end_to_end("bec");
}

#[test]
fn exercise_runs_end_to_end_on_quiet() {
    exercise_end_to_end("quiet");
}

#[test]
fn exercise_events_beyond_the_clock_are_invisible_to_search_timelines_and_analytics() {
    let case = sample_copy("bec");
    let (case, _) = ingest_dir(case.path());
    let ex = Exercise::load(&case.root.join("exercise.toml")).unwrap();
    let wall: DateTime<Utc> = "2030-05-01T09:00:00Z".parse().unwrap();
    let session = Session::start(&ex, wall);
    let index = CaseIndex::open(&case.index_dir()).unwrap();
    let all = ParsedQuery::default();
    let total = index.count(&all).unwrap();
    let ctx = DetectContext::all(case.config.clone(), chrono::Utc::now());
    let full = detect(&index, &ctx).unwrap();

    let vis = session.visibility(&ex, wall);
    index.set_visibility(Some(vis.clone()));
    let visible = index.count(&all).unwrap();
    assert!(visible > 0 && visible < total, "{visible} of {total} visible at the start");
    let hits = index.search(&all, 0, 100_000).unwrap();
    assert_eq!(hits.len(), visible);
    for h in &hits {
        assert!(h.event.ts.unwrap() <= ex.exercise.start);
        assert_ne!(h.event.source.unwrap().as_str(), "graph", "graph logs are not collected yet");
    }
    // The stolen account's timeline stops at the clock.
    let upn = &ex.questions.iter().find(|q| q.id.ends_with("-user")).unwrap().answers[0];
    let timeline = index.stream(&ParsedQuery::pivot("user", upn)).map(|e| e.unwrap().event).collect::<Vec<_>>();
    assert!(!timeline.is_empty() && timeline.iter().all(|e| e.ts.unwrap() <= ex.exercise.start));
    assert!(index.scan().all(|e| vis.admits(&e.unwrap())));
    // Nothing planted shows before its evidence.
    let early = detect(&index, &ctx).unwrap();
    assert!(early.alerts.len() < full.alerts.len());
    assert!(early.alerts.iter().all(|a| a.last_seen <= ex.exercise.start));
    assert!(!early.alerts.iter().any(|a| a.analytic == "AN0534"), "AN0534 needs the Graph logs");

    // At the end, with every inject fired, the analytics see what a full run sees.
    let mut s = session.clone();
    s.clock.jump(ex.exercise.end, wall);
    index.set_visibility(Some(s.visibility(&ex, wall)));
    assert_eq!(index.count(&all).unwrap(), total);
    assert_eq!(detect(&index, &ctx).unwrap().alerts.len(), full.alerts.len());
}

#[test]
fn exercise_file_errors_name_the_key_and_the_question() {
    let base =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-cases/bec/exercise.toml"))
            .unwrap();
    let err = Exercise::parse(&base.replacen("[exercise]\n", "[exercise]\ncolour = \"red\"\n", 1)).unwrap_err();
    assert!(err.contains("colour"), "{err}");
    let err = Exercise::parse(&base.replacen("unlocks = [\"graph\"]", "unlocks = [\"printer\"]", 1)).unwrap_err();
    assert!(err.contains("printer"), "{err}");
    let err = Exercise::parse(&base.replacen("kind = \"window\"", "kind = \"entity\"", 1)).unwrap_err();
    assert!(err.contains("question") && err.contains("entity"), "{err}");
}
