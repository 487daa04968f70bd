//! `harrier detect` as scripts use it: the JSON contract, severity filters, exit code 3, saved results.

use crate::common::copy_tree;
use assert_cmd::Command;
use std::path::PathBuf;

fn demo_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-cases/demo"), tmp.path());
    let _ = std::fs::remove_dir_all(tmp.path().join(".harrier"));
    tmp
}

fn harrier() -> Command {
    Command::cargo_bin("harrier").unwrap()
}

#[test]
fn detect_json_follows_the_contract_and_is_saved_for_the_workbench() {
    let case = demo_copy();
    let out = harrier().args(["-q", "detect"]).arg(case.path()).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let alerts = v["alerts"].as_array().unwrap();
    assert!(alerts.len() >= 6, "demo has six planted attacks");
    for a in alerts {
        for key in ["id", "analytic", "title", "severity", "first_seen", "last_seen", "entities", "evidence", "reasons"]
        {
            assert!(a.get(key).is_some(), "alert lacks {key}: {a}");
        }
        for key in ["users", "ips", "sessions", "mailboxes", "apps"] {
            assert!(a["entities"][key].is_array(), "entities lack {key}");
        }
        assert!(["low", "medium", "high", "critical"].contains(&a["severity"].as_str().unwrap()));
        for u in a["entities"]["users"].as_array().unwrap() {
            let u = u.as_str().unwrap();
            assert_eq!(u, u.to_lowercase());
        }
        for ip in a["entities"]["ips"].as_array().unwrap() {
            assert!(ip.as_str().unwrap().parse::<std::net::IpAddr>().is_ok(), "ip with port or junk: {ip}");
        }
    }
    assert_eq!(v["coverage"]["analytics"].as_array().unwrap().len(), harrier::analytics::registry::ids().len());
    assert!(v["suppressions"].as_array().is_some_and(|s| !s.is_empty()));
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(case.path().join(".harrier/alerts.json")).unwrap()).unwrap();
    assert_eq!(saved["alerts"].as_array().unwrap().len(), alerts.len());
}

#[test]
fn detect_filters_and_fails_on_severity() {
    let case = demo_copy();
    harrier().args(["-q", "detect"]).arg(case.path()).args(["--fail-on", "high"]).assert().code(3);
    let out = harrier()
        .args(["-q", "detect"])
        .arg(case.path())
        .args(["--format", "jsonl", "--min-severity", "critical", "--analytic", "an1107"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|a| a["analytic"] == "AN1107" && a["severity"] == "critical"));
    let table = harrier().args(["-q", "detect"]).arg(case.path()).output().unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("suppressed") && text.contains("AN1350") && !text.contains('\x1b'), "{text}");
}

#[test]
fn detect_rejects_unknown_analytics_and_parameters_by_name() {
    let case = demo_copy();
    let out = harrier().args(["-q", "detect"]).arg(case.path()).args(["--analytic", "AN9999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("AN9999"));
    let toml = std::fs::read_to_string(case.path().join("case.toml")).unwrap();
    std::fs::write(case.path().join("case.toml"), format!("{toml}\n[analytics.AN1089]\npage_treshold = 3\n")).unwrap();
    let out = harrier().args(["-q", "detect"]).arg(case.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("page_treshold"));
}
