//! A case folder is hostile: planted state, symbolic links and oversized inputs must never make harrier write,
//! rename or delete outside its own state folder, read outside the case, or exhaust memory.

use assert_cmd::Command;
use proptest::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One Graph activity record (JSON lines), enough for a case to hold logs.
fn graph_line(i: usize) -> String {
    format!(
        "{{\"time\":\"2025-05-02T13:{:02}:00Z\",\"operationName\":\"Microsoft Graph Activity\",\"category\":\"MicrosoftGraphActivityLogs\",\
         \"properties\":{{\"requestId\":\"00000000-0000-0000-0000-{i:012}\",\"requestMethod\":\"GET\",\
         \"requestUri\":\"https://graph.microsoft.com/v1.0/users\",\"responseStatusCode\":200,\"ipAddress\":\"203.0.113.9\",\
         \"userId\":\"aaaaaaaa-0000-0000-0000-000000000001\",\"appId\":\"00000003-0000-0000-c000-000000000000\"}}}}\n",
        i % 60
    )
}

/// A temp folder with `case/graph.jsonl` (3 records) and a file `victim.txt` beside the case.
fn small_case() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    std::fs::create_dir_all(&case).unwrap();
    std::fs::write(case.join("graph.jsonl"), (0..3).map(graph_line).collect::<String>()).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    (dir, case, victim)
}

fn harrier(data: &Path) -> Command {
    let mut c = Command::cargo_bin("harrier").unwrap();
    // Keep the machine key and any fallback state inside the test's own folder.
    c.env("XDG_DATA_HOME", data).env("XDG_CONFIG_HOME", data);
    c
}

fn out(c: &mut Command) -> (i32, String, String) {
    let o = c.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

#[test]
fn planted_index_metadata_cannot_delete_files_outside_the_state() {
    let (dir, case, victim) = small_case();
    let index = case.join(".harrier/index");
    std::fs::create_dir_all(&index).unwrap();
    let absolute = dir.path().join("absolute-victim.txt");
    std::fs::write(&absolute, "precious").unwrap();
    let managed = serde_json::json!(["../../victim.txt", absolute.display().to_string(), "meta.json"]);
    std::fs::write(index.join(".managed.json"), managed.to_string()).unwrap();
    // A state.json that claims the current schema but was not written here.
    let meta = serde_json::json!({"schema": harrier::case::STATE_SCHEMA, "harrier": "0.1.0", "case_root": "/x"});
    std::fs::write(case.join(".harrier/state.json"), meta.to_string()).unwrap();
    let (code, _, err) = out(harrier(dir.path()).args(["-q", "ingest"]).arg(&case));
    assert_eq!(code, 0, "a received index is rebuilt: {err}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(std::fs::read_to_string(&absolute).unwrap(), "precious");
    let (code, stdout, _) = out(harrier(dir.path()).args(["-q", "search"]).arg(&case).args(["", "--format", "jsonl"]));
    assert_eq!((code, stdout.lines().count()), (0, 3));
}

#[test]
fn metadata_tampered_after_ingest_is_refused_before_the_index_opens() {
    let (dir, case, victim) = small_case();
    assert_eq!(out(harrier(dir.path()).args(["-q", "ingest"]).arg(&case)).0, 0);
    std::fs::write(case.join(".harrier/index/.managed.json"), r#"["../../victim.txt"]"#).unwrap();
    let (code, _, err) = out(harrier(dir.path()).args(["-q", "search"]).arg(&case).arg("x"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("../../victim.txt") && err.contains("--rebuild"), "{err}");
    assert!(victim.exists());
    let (code, _, err) = out(harrier(dir.path()).args(["-q", "ingest", "--rebuild"]).arg(&case));
    assert_eq!(code, 0, "--rebuild starts over without reading the planted list: {err}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn a_state_folder_that_is_a_symlink_is_refused() {
    let (dir, case, _) = small_case();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, case.join(".harrier")).unwrap();
    let (code, _, err) = out(harrier(dir.path()).args(["-q", "ingest"]).arg(&case));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is a symbolic link") && err.contains("--state-dir"), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0, "nothing written through the link");
    let state = dir.path().join("state");
    let (code, _, err) = out(harrier(dir.path()).args(["-q", "--state-dir"]).arg(&state).arg("ingest").arg(&case));
    assert_eq!(code, 0, "--state-dir is the way out: {err}");
}

#[test]
fn a_symlink_inside_the_state_folder_is_refused() {
    let (dir, case, victim) = small_case();
    assert_eq!(out(harrier(dir.path()).args(["-q", "ingest"]).arg(&case)).0, 0);
    let activity = case.join(".harrier/activity.jsonl");
    let _ = std::fs::remove_file(&activity);
    std::os::unix::fs::symlink(&victim, &activity).unwrap();
    let (code, _, err) = out(harrier(dir.path()).args(["-q", "note"]).arg(&case).args(["--add", "hello"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("activity.jsonl is a symbolic link"), "{err}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn symlinks_leading_out_of_the_case_are_set_aside_in_the_ledger() {
    let (dir, case, _) = small_case();
    let outside = dir.path().join("outside.jsonl");
    std::fs::write(&outside, graph_line(42)).unwrap();
    std::os::unix::fs::symlink(&outside, case.join("evil.jsonl")).unwrap();
    std::os::unix::fs::symlink(case.join("graph.jsonl"), case.join("alias.jsonl")).unwrap();
    std::os::unix::fs::symlink("/etc", case.join("etc")).unwrap();
    let (code, stdout, err) = out(harrier(dir.path()).args(["-q", "ingest", "--json"]).arg(&case));
    assert_eq!(code, 0, "{err}");
    let ledger: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let entry = |p: &str| ledger["files"].as_array().unwrap().iter().find(|f| f["path"] == p).cloned().unwrap();
    let evil = entry("evil.jsonl");
    assert_eq!(evil["format"], "unsupported");
    assert!(evil["reason"].as_str().unwrap().contains("outside the case folder; not read"), "{evil}");
    assert_eq!(evil["records"], 0);
    assert!(entry("etc")["reason"].as_str().unwrap().contains("outside the case folder"));
    // A link to a file inside the case is read (its records are duplicates of the file it names).
    assert_eq!(entry("alias.jsonl")["records"], 3);
    assert_eq!(ledger["totals"]["indexed"], 3);
}

#[test]
fn anonymize_never_copies_a_file_from_outside_the_case() {
    let (dir, case, _) = small_case();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "root:SECRET-HASH:19000:0:99999:7:::\n").unwrap();
    std::os::unix::fs::symlink(&secret, case.join("shadow.jsonl")).unwrap();
    std::os::unix::fs::symlink(&secret, case.join("case.toml")).unwrap();
    std::os::unix::fs::symlink(&secret, case.join("NOTES.md")).unwrap();
    std::os::unix::fs::symlink(dir.path(), case.join("up")).unwrap();
    std::os::unix::fs::symlink(case.join("graph.jsonl"), case.join("alias.jsonl")).unwrap();
    let out_dir = dir.path().join("anon");
    let (code, _, err) = out(harrier(dir.path()).args(["anonymize"]).arg(&case).arg(&out_dir));
    assert_eq!(code, 0, "{err}");
    let mut written = Vec::new();
    for e in walk(&out_dir) {
        let text = std::fs::read_to_string(&e).unwrap_or_default();
        assert!(!text.contains("SECRET-HASH"), "{} holds content from outside the case", e.display());
        written.push(e.file_name().unwrap().to_string_lossy().into_owned());
    }
    assert!(written.iter().any(|n| n == "alias.jsonl"), "a link inside the case is kept: {written:?}");
    assert!(!written.iter().any(|n| n == "shadow.jsonl" || n == "case.toml"), "{written:?}");
    assert!(err.contains("set aside shadow.jsonl: symlink to a file outside the case"), "{err}");
    assert!(err.contains("set aside up: symlinked folder"), "{err}");
}

/// Every file under `dir`, recursively.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn whole_file_inputs_have_a_size_cap_naming_the_file() {
    let (dir, case, _) = small_case();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_harrier"))
        .env("XDG_DATA_HOME", dir.path())
        .args(["-q", "note"])
        .arg(&case)
        .args(["--replace", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..40 {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let o = child.wait_with_output().unwrap();
    let _ = feeder.join();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("standard input is more than 16777216 bytes"), "{err}");
    std::fs::write(case.join("case.toml"), vec![b'#'; 2 << 20]).unwrap();
    let (code, _, err) = out(harrier(dir.path()).args(["-q", "ingest"]).arg(&case));
    assert_eq!(code, 1);
    assert!(err.contains("case.toml is 2097152 bytes, more than the 1048576 bytes allowed"), "{err}");
}

#[test]
fn a_case_folder_without_write_bits_keeps_its_state_elsewhere() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, case, _) = small_case();
    std::fs::set_permissions(&case, std::fs::Permissions::from_mode(0o555)).unwrap();
    let (code, _, err) = out(harrier(dir.path()).args(["-q", "ingest"]).arg(&case));
    std::fs::set_permissions(&case, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, 0, "{err}");
    assert!(!case.join(".harrier").exists(), "nothing written into a read-only case, even as root");
    assert!(dir.path().join("harrier/cases").is_dir(), "state under the data folder");
}

#[test]
fn zip_members_ingest_like_files_and_an_unchanged_zip_is_skipped() {
    let (dir, case, _) = small_case();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(case.join("export.zip")).unwrap());
    for i in 0..300 {
        zip.start_file(format!("m/{i:04}.jsonl"), zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(graph_line(1000 + i).as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    let (code, first, err) = out(harrier(dir.path()).args(["-q", "ingest", "--json"]).arg(&case));
    assert_eq!(code, 0, "{err}");
    let first: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(first["totals"]["indexed"], 303);
    let (_, again, _) = out(harrier(dir.path()).args(["-q", "ingest", "--json"]).arg(&case));
    let again: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(first, again, "an unchanged archive is skipped member by member");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn case_toml_of_any_text_never_panics(text in ".{0,400}") {
        let _ = harrier::case::CaseConfig::parse(&text, "case.toml");
    }

    #[test]
    fn index_metadata_of_any_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join(".managed.json"), &bytes).unwrap();
        let _ = harrier::index::metadata::check_index_metadata(d.path());
    }

    #[test]
    fn random_zip_and_gzip_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600), zip_head in any::<bool>()) {
        let d = tempfile::tempdir().unwrap();
        let mut data = if zip_head { b"PK\x03\x04".to_vec() } else { vec![0x1f, 0x8b, 8, 0] };
        data.extend_from_slice(&bytes);
        std::fs::write(d.path().join(if zip_head { "x.zip" } else { "x.json.gz" }), &data).unwrap();
        let (_case, ledger) = crate::common::ingest_dir(d.path());
        prop_assert_eq!(ledger.files.len(), 1);
    }
}

/// Runs `ingest --json` on `case` and returns the ledger.
fn ledger_of(data: &Path, case: &Path) -> serde_json::Value {
    let (code, stdout, err) = out(harrier(data).args(["-q", "ingest", "--json"]).arg(case));
    assert!(code == 0 || code == 1, "{err}");
    serde_json::from_str(&stdout).unwrap()
}

fn entry(ledger: &serde_json::Value, path: &str) -> serde_json::Value {
    ledger["files"].as_array().unwrap().iter().find(|f| f["path"] == path).cloned().unwrap_or_else(|| panic!("{path}"))
}

#[test]
fn damaged_archives_keep_what_was_read_before_the_damage() {
    let (dir, case, _) = small_case();
    let lines: String = (0..3000).map(|i| graph_line(10_000 + i)).collect();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(lines.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(case.join("cut.jsonl.gz"), &gz[..gz.len() / 2]).unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..10 {
        zip.start_file(format!("m/{i}.jsonl"), zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all((0..200).map(|j| graph_line(50_000 + i * 1000 + j)).collect::<String>().as_bytes()).unwrap();
    }
    let zip = zip.finish().unwrap().into_inner();
    std::fs::write(case.join("cut.zip"), &zip[..zip.len() * 2 / 3]).unwrap();
    let ledger = ledger_of(dir.path(), &case);
    let gz = entry(&ledger, "cut.jsonl.gz");
    let kept = gz["indexed"].as_u64().unwrap();
    assert!(kept > 500 && kept < 3000, "{gz}");
    assert!(gz["notes"].to_string().contains(&format!("read error after record {kept}")), "{gz}");
    let archive = entry(&ledger, "cut.zip");
    let reason = archive["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("damaged zip archive") && reason.contains("recovered from their local headers"),
        "{reason}"
    );
    assert_eq!(entry(&ledger, "cut.zip!m/0.jsonl")["indexed"], 200);
}

#[test]
fn a_nul_byte_rejects_its_record_not_the_file() {
    let (dir, case, _) = small_case();
    let mut text: String = (0..20).map(|i| graph_line(70_000 + i)).collect();
    text = text.replacen("\"GET\"", "\"G\0ET\"", 1);
    std::fs::write(case.join("nul.jsonl"), text).unwrap();
    let f = entry(&ledger_of(dir.path(), &case), "nul.jsonl");
    assert_eq!(
        (f["records"].as_u64(), f["indexed"].as_u64(), f["rejected"].as_u64()),
        (Some(20), Some(19), Some(1)),
        "{f}"
    );
    assert!(f["errors"][0].as_str().unwrap().starts_with("record 1 (line 1)"), "{f}");
}

#[test]
fn json_output_escapes_c1_controls_and_bidi_overrides() {
    let (dir, case, _) = small_case();
    let evil = graph_line(90_000).replace("/v1.0/users", "/v1.0/users/\u{9b}31m\u{202e}gpj.exe");
    std::fs::write(case.join("evil.jsonl"), evil).unwrap();
    for format in ["json", "jsonl"] {
        let (code, stdout, err) =
            out(harrier(dir.path()).args(["-q", "search"]).arg(&case).args(["gpj", "--format", format]));
        assert_eq!(code, 0, "{err}");
        assert!(stdout.contains("\\u009b31m\\u202egpj.exe"), "{format}: {stdout}");
        assert!(!stdout.contains('\u{9b}') && !stdout.contains('\u{202e}'), "{format}: raw controls");
    }
    let (_, stdout, _) = out(harrier(dir.path()).args(["-q", "export"]).arg(&case).args(["--format", "jsonl"]));
    assert!(!stdout.contains('\u{9b}') && stdout.contains("\\u202e"), "export escapes too");
}
