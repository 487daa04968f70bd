//! The command line behaves like a Unix tool: usage errors exit 2 naming the option with the usage line, a case
//! without logs exits 1 saying why, a closed pipe ends quietly, `-q` is quiet, help, version, completions and
//! the man page come from one definition.

use crate::common::copy_tree;
use assert_cmd::Command;
use std::io::Read;
use std::path::{Path, PathBuf};

fn harrier() -> Command {
    Command::cargo_bin("harrier").unwrap()
}

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-cases/demo")
}

/// A copy of the demo case with its own fresh state.
fn demo_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&demo(), tmp.path());
    let _ = std::fs::remove_dir_all(tmp.path().join(".harrier"));
    tmp
}

/// Runs harrier and returns (exit code, stdout, stderr).
fn run(args: &[&str], case: Option<&Path>) -> (i32, String, String) {
    let mut cmd = harrier();
    if let Some(c) = case {
        cmd.arg(args[0]).arg(c).args(&args[1..]);
    } else {
        cmd.args(args);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn usage_errors_exit_2_naming_the_option_with_the_usage_line() {
    let case = demo_copy();
    let c = Some(case.path());
    let cases: [(&[&str], &[&str]); 8] = [
        (&["timeline"], &["timeline needs one of --user", "Usage: harrier timeline"]),
        (&["search", "x", "--limit", "0"], &["--limit", "between 1 and"]),
        (&["search", "x", "--limit", "99999999999999999999999"], &["--limit"]),
        (
            &["search", "x", "--from", "2026-03-10", "--to", "2026-03-01"],
            &["--from", "later than --to", "Usage: harrier search"],
        ),
        (
            &["timeline", "--user", "a@b.c", "--from", "last tuesday"],
            &["--from: 'last tuesday' is not a time", "Usage: harrier timeline"],
        ),
        (&["search", "x", "--to", "2026-13-45"], &["--to:"]),
        (&["search", "x", "--tz", "Mars/Olympus"], &["--tz", "IANA"]),
        (&["detect", "--min-severity", "urgent"], &["--min-severity", "unknown severity"]),
    ];
    for (args, expect) in cases {
        let (code, _, err) = run(args, c);
        assert_eq!(code, 2, "{args:?}: {err}");
        for e in expect {
            assert!(err.contains(e), "{args:?}: stderr lacks {e:?}:\n{err}");
        }
    }
    // Usage errors are found before any work: the case was never ingested.
    assert!(!case.path().join(".harrier/index/meta.json").exists());
    for args in [&["triage", "AN0534-0001", "--status", "maybe"][..], &["exercise", "clock"]] {
        let mut full: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let at = if args[0] == "exercise" { 2 } else { 1 };
        full.insert(at, case.path().display().to_string());
        let full: Vec<&str> = full.iter().map(String::as_str).collect();
        let (code, _, err) = run(&full, None);
        assert_eq!(code, 2, "{args:?}: {err}");
    }
    let (code, _, err) = run(&["help", "nonsense"], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no subcommand or help topic 'nonsense'"), "{err}");
}

#[test]
fn a_query_that_starts_with_a_dash_goes_after_double_dash() {
    let case = demo_copy();
    let (code, _, err) = run(&["search", "-kind:system"], Some(case.path()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("-- '-kind:system'"), "the hint shows `--`: {err}");
    let (code, out, err) =
        run(&["-q", "search", "--limit", "3", &case.path().display().to_string(), "--", "-kind:system"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("of ") && out.contains("events"), "{out}");
}

#[test]
fn a_folder_without_logs_is_an_error_that_says_what_was_looked_at() {
    let empty = tempfile::tempdir().unwrap();
    let junk = tempfile::tempdir().unwrap();
    std::fs::write(junk.path().join("notes.txt"), "call the CFO back\n").unwrap();
    std::fs::write(junk.path().join("users.json"), r#"[{"displayName":"A","mail":"a@b.c"}]"#).unwrap();
    std::fs::write(junk.path().join("case.toml"), "[case]\nname = \"junk\"\n").unwrap();
    for sub in ["ingest", "detect", "open"] {
        let (code, _, err) = run(&[sub], Some(empty.path()));
        assert_eq!(code, 1, "{sub}: {err}");
        assert!(err.contains("no log files under") && err.contains("looked at 0 file(s)"), "{sub}: {err}");
        let (code, _, err) = run(&[sub], Some(junk.path()));
        assert_eq!(code, 1, "{sub}: {err}");
        assert!(err.contains("looked at 2 file(s)"), "{sub}: {err}");
        assert!(err.contains("notes.txt: ") && err.contains("users.json: "), "each file's reason: {err}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    let case = demo_copy();
    let dir = case.path().display().to_string();
    assert_eq!(run(&["-q", "ingest", &dir], None).0, 0);
    let runs: [&[&str]; 4] = [
        &["search", &dir, "", "--limit", "100000", "--format", "jsonl"],
        &["search", &dir, "", "--limit", "100000"],
        &["export", &dir, "--format", "jsonl"],
        &["export", &dir, "--format", "csv"],
    ];
    for args in runs {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_harrier"))
            .arg("-q")
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 64];
        child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
        drop(child.stdout.take());
        let mut err = String::new();
        child.stderr.as_mut().unwrap().read_to_string(&mut err).unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: nothing on stderr, got {err}");
    }
}

#[test]
fn quiet_prints_only_results() {
    let case = demo_copy();
    let (code, out, err) = run(&["-q", "ingest", &case.path().display().to_string()], None);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let gen = tempfile::tempdir().unwrap();
    let (code, out, err) =
        run(&["-q", "gen", &gen.path().join("g").display().to_string(), "--users", "10", "--days", "3"], None);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let (code, _, err) = run(&["gen", &gen.path().join("h").display().to_string(), "--users", "6"], None);
    assert_eq!(code, 2, "an out-of-range count is a usage error: {err}");
    assert!(err.contains("users must be between 10 and 100000"), "{err}");
    let (code, out, err) = run(&["-q", "detect", &case.path().display().to_string(), "--format", "jsonl"], None);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    assert!(out.lines().all(|l| l.starts_with('{')), "only alerts: {out}");
    // Without -q the same commands say what they did.
    let (_, out, _) = run(&["ingest", &case.path().display().to_string()], None);
    assert!(out.contains("files ·"), "{out}");
}

#[test]
fn help_version_completions_and_manpage() {
    let (code, out, _) = run(&["--version"], None);
    assert_eq!(code, 0);
    assert!(out.starts_with("harrier ") && out.contains("index schema"), "{out}");
    let (code, out, _) = run(&["help", "query"], None);
    assert_eq!(code, 0);
    for field in ["user:", "ip:", "session:", "token:", "mailbox:", "app:", "op:", "source:", "ua_class:", "id:"] {
        assert!(out.contains(field), "query help lacks {field}");
    }
    let (code, out, _) = run(&["help", "search"], None);
    assert_eq!(code, 0);
    assert!(out.contains("--limit") && out.contains("Examples:"), "{out}");
    let (code, out, _) = run(&["search", "--help"], None);
    assert_eq!(code, 0);
    assert!(out.contains("Examples:\n  harrier search"), "{out}");
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, _) = run(&["completions", shell], None);
        assert_eq!(code, 0, "{shell}");
        assert!(out.contains("timeline") && out.contains("state-dir"), "{shell} completion names subcommands");
    }
    let (code, out, _) = run(&["manpage"], None);
    assert_eq!(code, 0);
    assert!(out.contains(".TH harrier 1") && out.contains("timeline"), "{}", &out[..out.len().min(400)]);
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&["manpage", "--dir", &dir.path().display().to_string()], None);
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("harrier.1").exists() && dir.path().join("harrier-search.1").exists());
}
