//! Analyst state: survives restarts, refuses closing without a reason, names damaged files, and stays valid when
//! the writing process is killed at any moment.

use assert_cmd::Command;
use harrier::case::state::{CaseState, EntityFilter, TriageStatus};
use harrier::case::Case;
use std::path::Path;
use std::time::Duration;

fn harrier() -> Command {
    Command::cargo_bin("harrier").unwrap()
}

/// A case folder with no logs and a saved detection of `n` alerts, each naming `bulk@n.example`.
fn case_with_alerts(n: usize) -> (tempfile::TempDir, Case) {
    let dir = tempfile::tempdir().unwrap();
    let case = Case::open(dir.path(), None).unwrap();
    let alerts: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "id": format!("an0534-{i:012}"), "analytic": "AN0534", "title": format!("alert {i}"),
                "severity": if i % 2 == 0 { "high" } else { "medium" },
                "first_seen": "2026-03-09T15:40:53Z", "last_seen": "2026-03-09T15:56:13Z",
                "entities": {"users": ["bulk@n.example", format!("u{i}@n.example")], "ips": [format!("203.0.113.{}", i % 250)]},
                "evidence": [], "reasons": ["python-requests is a scripting client"],
                "attack": {"analytic": "AN0534", "detection_strategy": "DET0001", "techniques": ["T1119"]}
            })
        })
        .collect();
    std::fs::write(case.alerts_path(), serde_json::to_vec(&serde_json::json!({"alerts": alerts})).unwrap()).unwrap();
    (dir, case)
}

#[test]
fn triage_progress_notes_and_bookmarks_survive_a_restart() {
    let (dir, case) = case_with_alerts(3);
    let rb = harrier::runbook::for_analytic("AN0534").unwrap();
    {
        let state = CaseState::of(&case, &harrier::runenv::RunEnv::default()).with_actor("ana");
        state.set_triage("an0534-000000000001", TriageStatus::TruePositive, Some("token replayed from NL")).unwrap();
        state.set_step("an0534-000000000001", rb, "read-signin", Some(true), Some("python from AS20473")).unwrap();
        state.append_note("Contained at 14:00.").unwrap();
        let e = harrier::model::Event { id: "ev1".into(), operation: "New-InboxRule".into(), ..Default::default() };
        state.add_bookmark(harrier::case::state::Bookmark::of(&e, state.now())).unwrap();
        state.annotate_bookmark("ev1", None, &["persistence".into()], &[], Some("hides replies")).unwrap();
    }
    // Another process reads what this one wrote.
    let out =
        harrier().args(["-q", "triage"]).arg(dir.path()).args(["an0534-000000000001", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["alerts"][0]["status"], "true_positive");
    assert_eq!(v["alerts"][0]["reason"], "token replayed from NL");
    assert_eq!(v["alerts"][0]["by"], "ana");
    let notes = harrier().args(["-q", "note"]).arg(dir.path()).output().unwrap();
    assert!(String::from_utf8_lossy(&notes.stdout).contains("Contained at 14:00."));
    let checklist = harrier().args(["-q", "runbook"]).arg(dir.path()).arg("an0534-000000000001").output().unwrap();
    let text = String::from_utf8_lossy(&checklist.stdout);
    assert!(text.contains("[x] read-signin"), "{text}");
    assert!(text.contains("note: python from AS20473"), "{text}");

    // A fresh handle, as after a restart of the workbench.
    let again = CaseState::new(&case.state_dir, &harrier::runenv::RunEnv::default());
    assert_eq!(again.triage().unwrap().status_of("an0534-000000000001"), TriageStatus::TruePositive);
    assert!(again.progress().unwrap().step("an0534-000000000001", "read-signin").unwrap().done);
    assert_eq!(again.progress().unwrap().done_count("an0534-000000000001", rb), 1);
    let b = &again.bookmarks().unwrap()[0];
    assert_eq!((b.tags.clone(), b.comment.as_deref()), (vec!["persistence".to_string()], Some("hides replies")));
    let (log, damaged) = again.activity().unwrap();
    assert_eq!(damaged, 0);
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["triage", "runbook.step", "notes.append", "bookmark.add", "bookmark.annotate"]);
    assert!(log.iter().all(|e| e.by == "ana"));
}

#[test]
fn closing_without_a_reason_is_refused() {
    let (dir, case) = case_with_alerts(2);
    let out = harrier().arg("triage").arg(dir.path()).args(["an0534-000000000000", "--status", "fp"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a reason"));
    let state = CaseState::of(&case, &harrier::runenv::RunEnv::default());
    assert!(state.set_triage("an0534-000000000000", TriageStatus::BenignPositive, Some("   ")).is_err());
    assert_eq!(state.triage().unwrap().status_of("an0534-000000000000"), TriageStatus::New);
    // Investigating needs none; unknown alerts are refused by the command line.
    harrier()
        .arg("triage")
        .arg(dir.path())
        .args(["an0534-000000000000", "--status", "investigating"])
        .assert()
        .success();
    harrier().arg("triage").arg(dir.path()).args(["an0534-999", "--status", "investigating"]).assert().code(1);
}

#[test]
fn bulk_triage_sets_every_alert_naming_the_entity() {
    let (dir, case) = case_with_alerts(5);
    harrier()
        .arg("triage")
        .arg(dir.path())
        .args(["--entity", "user:U3@n.example", "--status", "bp", "--reason", "pentest account"])
        .assert()
        .success();
    let book = CaseState::of(&case, &harrier::runenv::RunEnv::default()).triage().unwrap();
    assert_eq!(book.status_of("an0534-000000000003"), TriageStatus::BenignPositive);
    assert_eq!(book.status_of("an0534-000000000002"), TriageStatus::New);
    let state = CaseState::of(&case, &harrier::runenv::RunEnv::default());
    let alerts = harrier::analytics::saved::load(&case.alerts_path()).unwrap().unwrap().alerts;
    let all: EntityFilter = "user:bulk@n.example".parse().unwrap();
    assert_eq!(state.bulk_triage(&alerts, &all, TriageStatus::Investigating, None).unwrap().len(), 5);
    let none: EntityFilter = "ip:192.0.2.1".parse().unwrap();
    assert!(state.bulk_triage(&alerts, &none, TriageStatus::Investigating, None).is_err());
    let history = &state.triage().unwrap().alerts["an0534-000000000003"].history;
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].reason.as_deref(), Some("pentest account"));
}

#[test]
fn a_damaged_state_file_is_named_and_nothing_panics() {
    let (dir, case) = case_with_alerts(1);
    std::fs::write(case.state_dir.join("triage.json"), b"{\"alerts\": {\"x\": ").unwrap();
    let out = harrier().arg("triage").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("triage.json") && !err.contains("panicked"), "{err}");
    std::fs::write(case.state_dir.join("progress.json"), b"{\"alerts\": 3}").unwrap();
    assert!(CaseState::of(&case, &harrier::runenv::RunEnv::default())
        .progress()
        .unwrap_err()
        .to_string()
        .contains("progress.json"));
    std::fs::write(case.state_dir.join("notes.md"), [0xff, 0xfe, 0x00]).unwrap();
    assert!(CaseState::of(&case, &harrier::runenv::RunEnv::default())
        .notes()
        .unwrap_err()
        .to_string()
        .contains("notes.md"));
}

/// Every state file parses, every alert carries one status (the whole bulk change or none of it), and the
/// notes hold whole entries 0..k in order.
fn check_state(case: &Case, statuses: &[TriageStatus]) -> (TriageStatus, usize) {
    let state = CaseState::of(case, &harrier::runenv::RunEnv::default());
    let book = state.triage().expect("triage.json parses");
    let seen: std::collections::BTreeSet<TriageStatus> =
        (0..600).map(|i| book.status_of(&format!("an0534-{i:012}"))).collect();
    assert_eq!(seen.len(), 1, "a bulk change was half applied: {seen:?}");
    let status = *seen.iter().next().unwrap();
    assert!(statuses.contains(&status));
    let notes = state.notes().expect("notes.md reads");
    let bodies: Vec<&str> = notes.lines().filter(|l| l.starts_with("entry ")).collect();
    for (k, body) in bodies.iter().enumerate() {
        assert_eq!(*body, format!("entry {k} {}", "x".repeat(2000)), "notes hold a torn or reordered entry");
    }
    assert_eq!(notes.matches("### ").count(), bodies.len());
    let (_, damaged) = state.activity().expect("activity.jsonl reads");
    assert_eq!(damaged, 0, "activity.jsonl has a damaged line");
    (status, bodies.len())
}

#[test]
fn killing_the_writer_at_any_moment_leaves_old_or_new_state() {
    let (dir, case) = case_with_alerts(600);
    let statuses = [TriageStatus::New, TriageStatus::Investigating];
    let mut next_note = 0;
    let mut observed = std::collections::BTreeSet::new();
    for round in 0..36u64 {
        let status = statuses[(round % 2) as usize];
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("harrier"));
        cmd.arg("-q");
        if round % 3 == 2 {
            cmd.arg("note").arg(dir.path()).arg("--add").arg(format!("entry {next_note} {}", "x".repeat(2000)));
        } else {
            cmd.arg("triage").arg(dir.path()).args(["--entity", "user:bulk@n.example", "--status", status.as_str()]);
        }
        let mut child = cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
        // Kill times spread from the first instant to well after a write usually finishes, even on a loaded machine.
        std::thread::sleep(Duration::from_millis((round * 37) % 400));
        let _ = child.kill();
        let _ = child.wait();
        let (status, notes) = check_state(&case, &statuses);
        observed.insert(status);
        next_note = notes;
    }
    // Some writes completed between the kills: the check above saw real changes, not an untouched case.
    assert_eq!(observed.len(), 2, "the bulk triage never completed before a kill");
    assert!(next_note > 0, "no note was ever written before a kill");
    // Writers still get the lock after all those kills, and the state is whole.
    harrier()
        .arg("triage")
        .arg(dir.path())
        .args(["--entity", "user:bulk@n.example", "--status", "investigating"])
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    check_state(&case, &[TriageStatus::Investigating]);
    assert!(Path::new(&case.state_dir).join("triage.json").exists());
}

#[test]
fn an_index_from_another_version_is_rebuilt_with_a_message_saying_so_and_triage_survives() {
    let state = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-cases/bec");
    let st = state.path().to_str().unwrap();
    let first = harrier().args(["detect"]).arg(&root).args(["--state-dir", st, "--format", "json"]).output().unwrap();
    assert!(first.status.success());
    assert!(String::from_utf8_lossy(&first.stderr).contains("not ingested yet"));
    let case = Case::open(&root, Some(state.path())).unwrap();
    let alert = {
        let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(case.alerts_path()).unwrap()).unwrap();
        saved["alerts"][0]["id"].as_str().unwrap().to_string()
    };
    harrier()
        .args(["triage"])
        .arg(&root)
        .args([&alert, "--status", "investigating", "--state-dir", st])
        .assert()
        .success();
    // An older layout version in the state folder.
    let meta = state_meta_path(&case);
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&meta).unwrap()).unwrap();
    m["schema"] = 1.into();
    std::fs::write(&meta, serde_json::to_vec(&m).unwrap()).unwrap();
    let again = harrier().args(["detect"]).arg(&root).args(["--state-dir", st, "--format", "json"]).output().unwrap();
    assert!(again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("was built by another version of harrier") && !err.contains("not ingested yet"), "{err}");
    let out = harrier().args(["triage"]).arg(&root).args(["--state-dir", st]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("investigating"), "triage kept across the rebuild");
}

/// The state folder's `state.json`.
fn state_meta_path(case: &Case) -> std::path::PathBuf {
    case.state_dir.join("state.json")
}
