//! `harrier detect` as scripts use it: the JSON contract, severity filters, exit code 3, saved results.

use crate::common::copy_tree;
use assert_cmd::Command;
use std::path::{Path, PathBuf};

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

#[test]
fn detect_with_sigma_rules_adds_their_alerts_and_lists_rules_that_did_not_load() {
    let case = demo_copy();
    let rules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sigma-contract");
    let out = harrier()
        .args(["-q", "detect"])
        .arg(case.path())
        .args(["--format", "json", "--sigma"])
        .arg(&rules)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rules"]["native"].as_u64().unwrap() as usize, harrier::analytics::registry::ids().len());
    assert_eq!(v["rules"]["sigma_loaded"], 1);
    let skipped = v["rules"]["sigma_skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 2, "{skipped:#?}");
    for s in skipped {
        for key in ["path", "title", "reason"] {
            assert!(s[key].is_string(), "{s}");
        }
    }
    assert!(skipped.iter().any(|s| s["reason"].as_str().unwrap().contains("activitylogs")));
    assert!(skipped.iter().any(|s| s["reason"].as_str().unwrap().starts_with("does not parse")));
    let alerts = v["alerts"].as_array().unwrap();
    let sigma: Vec<_> = alerts.iter().filter(|a| a["analytic"].as_str().unwrap().starts_with("sigma:")).collect();
    assert!(!sigma.is_empty(), "the demo holds failed logons");
    for w in sigma.windows(2) {
        assert_eq!(w[0]["rule"]["id"], w[1]["rule"]["id"]);
    }
    let a = sigma[0];
    assert_eq!(a["analytic"], "sigma:7d0e2f10-0101-4000-8000-00000000b001");
    let r = &a["rule"];
    assert_eq!(r["kind"], "sigma");
    assert_eq!(r["id"], "7d0e2f10-0101-4000-8000-00000000b001");
    assert_eq!(r["title"], "Test - failed logon in the unified audit log");
    assert_eq!(r["author"], "harrier tests");
    assert_eq!(r["level"], "low");
    assert_eq!(r["status"], "experimental");
    assert!(r["path"].as_str().unwrap().ends_with("failed_logon.yml"));
    assert_eq!(r["references"][0], "https://example.org/harrier-tests");
    assert_eq!(a["severity"], "low");
    assert_eq!(a["techniques"][0], "T1110.003");
    let evidence: usize = sigma.iter().map(|a| a["evidence"].as_array().unwrap().len()).sum();
    assert_eq!(evidence, 5, "every failed logon is evidence, grouped by day");
    for native in alerts.iter().filter(|a| !a["analytic"].as_str().unwrap().starts_with("sigma:")) {
        assert_eq!(native["rule"]["kind"], "native");
    }
    let table = harrier().args(["-q", "detect"]).arg(case.path()).arg("--sigma").arg(&rules).output().unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("by harrier tests"), "{text}");
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(case.path().join(".harrier/alerts.json")).unwrap()).unwrap();
    let kept = saved["alerts"].as_array().unwrap().iter().find(|a| a["rule"]["kind"] == "sigma").cloned().unwrap();
    let back: harrier::analytics::saved::SavedAlert = serde_json::from_value(kept).unwrap();
    assert_eq!(back.rule.unwrap().author.as_deref(), Some("harrier tests"));
}

#[test]
fn rules_list_and_test_show_status_reasons_and_matched_values() {
    let case = demo_copy();
    let rules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sigma-contract");
    let v = rules_list(&rules, case.path());
    let rows = v.as_array().unwrap();
    assert_eq!(rows.iter().filter(|r| r["kind"] == "native").count(), harrier::analytics::registry::ids().len());
    let loaded = rows.iter().find(|r| r["kind"] == "sigma" && r["status"] == "loaded").unwrap();
    assert_eq!(loaded["author"], "harrier tests");
    assert_eq!(rows.iter().filter(|r| r["status"] == "skipped" && r["reason"].is_string()).count(), 2);
    let out =
        harrier().args(["-q", "rules", "test"]).arg(rules.join("failed_logon.yml")).arg(case.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Operation = UserLoginFailed"), "{text}");
    assert!(text.contains("5 match(es)"), "{text}");
}

#[test]
fn rules_list_on_a_case_names_the_fields_a_rule_reads_that_the_case_never_fills() {
    let case = demo_copy();
    let v = rules_list(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sigma"), case.path());
    let row = |file: &str| {
        v.as_array().unwrap().iter().find(|r| r["path"].as_str().is_some_and(|p| p.ends_with(file))).cloned().unwrap()
    };
    // The demo tenant has no Identity Protection detections; its UAL has the cmdlets.
    assert_eq!(row("risk.yml")["lacking"], serde_json::json!(["riskEventType"]));
    assert!(row("ual_cmdlet.yml").get("lacking").is_none(), "{}", row("ual_cmdlet.yml"));
}

/// `harrier rules list --json --sigma RULES CASE`, which must succeed.
fn rules_list(rules: &Path, case: &Path) -> serde_json::Value {
    let out = harrier().args(["-q", "rules", "list", "--json", "--sigma"]).arg(rules).arg(case).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}
