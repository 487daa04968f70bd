//! `harrier anonymize` on the sample cases and the real fixtures: nothing identifying survives, ingest counts the
//! same records the same way, and the analytics raise the same alerts at the same severities.

use crate::common::anon::{
    aliases, anonymized, decoded_texts, leaks, leaks_decoded, originals, secrets, secrets_wide, x500_leaks,
};
use crate::common::{copy_tree, ingest_dir};
use crate::shared::real_fixtures;
use harrier::analytics::{detect, DetectContext};
use harrier::case::{Case, Ledger};
use harrier::index::CaseIndex;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every real export set, benign and attack corpora alike.
const ALL_REAL_SETS: [&str; 5] = [
    "appomni-emm-m365-ual",
    "blueteam0ps-det-eng-samples",
    "elastic-graph-activity-logs",
    "invictus-extractor-suite-output",
    "sentinel-training-lab-telemetry",
];

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-cases").join(name)
}

fn totals(l: &Ledger) -> (u64, u64, u64, u64) {
    (l.totals.records, l.totals.indexed, l.totals.duplicates, l.totals.rejected)
}

fn alert_profile(case: &Case) -> BTreeMap<(String, String), usize> {
    let index = CaseIndex::open(&case.index_dir()).unwrap();
    let d = detect(&index, &DetectContext::all(case.config.clone(), chrono::Utc::now())).unwrap();
    let mut out = BTreeMap::new();
    for a in d.alerts {
        *out.entry((a.analytic.clone(), format!("{:?}", a.severity))).or_insert(0) += 1;
    }
    out
}

/// Copies `src`, anonymises it, and checks the three promises; returns the alert profile of the copy.
fn check(src: &Path, shift_days: i64) -> BTreeMap<(String, String), usize> {
    let case_dir = tempfile::tempdir().unwrap();
    copy_tree(src, case_dir.path());
    let originals = originals(case_dir.path());
    let secrets = secrets(&originals);
    // Every case names IPs and tenants; all but Elastic's (service principals only) name people too.
    assert!(secrets.iter().any(|(k, _)| *k == "ip"), "{}: no IPs learned", src.display());
    assert!(secrets.iter().any(|(k, _)| *k == "tenant id"), "{}: no tenant learned", src.display());
    if !src.ends_with("elastic-graph-activity-logs") {
        assert!(secrets.iter().any(|(k, _)| *k == "upn"), "{}: no addresses learned", src.display());
    }

    let out = anonymized(case_dir.path(), shift_days);
    let texts = decoded_texts(out.path());
    let found = leaks(&texts, &secrets);
    assert!(found.is_empty(), "{}: originals left in the output:\n{}", src.display(), found.join("\n"));
    assert!(out.path().join("ANONYMIZED.md").is_file());
    assert!(!out.path().join(".harrier").exists());

    let (case_a, ledger_a) = ingest_dir(case_dir.path());
    let (case_b, ledger_b) = ingest_dir(out.path());
    assert_eq!(totals(&ledger_a), totals(&ledger_b), "{}: ingest totals differ", src.display());
    assert_eq!(ledger_a.files.len(), ledger_b.files.len());
    let profile = alert_profile(&case_b);
    assert_eq!(alert_profile(&case_a), profile, "{}: alerts differ", src.display());
    profile
}

#[test]
fn demo_case_keeps_its_story_and_loses_its_names() {
    let profile = check(&sample("demo"), 7);
    assert!(profile.len() >= 5, "{profile:?}");
}

#[test]
fn bec_case_keeps_its_story_and_loses_its_names() {
    let profile = check(&sample("bec"), -14);
    assert!(!profile.is_empty());
}

#[test]
fn real_fixtures_lose_their_names() {
    let Some(fixtures) = real_fixtures("real_fixtures_lose_their_names") else { return };
    for name in ["invictus-extractor-suite-output", "sentinel-training-lab-telemetry", "elastic-graph-activity-logs"] {
        let profile = check(&fixtures.join(name), 0);
        assert!(profile.is_empty(), "{name}: {profile:?}");
    }
}

#[test]
fn answer_key_follows_the_mapping() {
    let case_dir = tempfile::tempdir().unwrap();
    copy_tree(&sample("demo"), case_dir.path());
    let out = anonymized(case_dir.path(), 7);
    let key: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("answer-key.json")).unwrap()).unwrap();
    let (case, _) = ingest_dir(out.path());
    let index = CaseIndex::open(&case.index_dir()).unwrap();
    let d = detect(&index, &DetectContext::all(case.config.clone(), chrono::Utc::now())).unwrap();
    // Every planted attack's users and IPs, as the rewritten key names them, are among the alerts' entities.
    for planted in key["planted"].as_array().unwrap() {
        let analytic = planted["analytic"].as_str().unwrap();
        let alerts: Vec<_> = d.alerts.iter().filter(|a| a.analytic == analytic).collect();
        for user in planted["entities"]["users"].as_array().unwrap().iter().filter_map(|u| u.as_str()) {
            assert!(
                alerts.iter().any(|a| a.entities.users.iter().any(|x| x == &user.to_lowercase())),
                "{analytic}: {user} not in the alerts of the anonymised case"
            );
        }
        for ip in planted["entities"]["ips"].as_array().unwrap().iter().filter_map(|u| u.as_str()) {
            assert!(alerts.iter().any(|a| a.entities.ips.iter().any(|x| x == ip)), "{analytic}: {ip} missing");
        }
    }
    // Dates in the key moved with the logs.
    assert_eq!(key["generator"]["options"]["start"], "2026-03-09");
}

/// Every real fixture set: after anonymising, no address, alias, customer domain, tenant id or IP learned from the
/// original survives anywhere, in any letter case, written as is, percent- or `\u`-encoded, or in the underscore
/// form of OneDrive paths.
#[test]
fn every_real_fixture_set_loses_every_identity() {
    let Some(fixtures) = real_fixtures("every_real_fixture_set_loses_every_identity") else { return };
    let mut failures = Vec::new();
    for name in ALL_REAL_SETS {
        let case_dir = tempfile::tempdir().unwrap();
        copy_tree(&fixtures.join(name), case_dir.path());
        let o = originals(case_dir.path());
        let secrets = secrets_wide(&o);
        let out = anonymized(case_dir.path(), 7);
        let texts = decoded_texts(out.path());
        let mut found = leaks_decoded(&texts, &secrets);
        found.extend(x500_leaks(&texts, &o));
        let roles = aliases(&o).1;
        println!("{name}: role aliases looked for where they name a mailbox only: {}", roles.join(" "));
        let mut distinct: Vec<&str> = found.iter().filter_map(|l| l.split(" in ").next()).collect();
        distinct.sort();
        distinct.dedup();
        println!(
            "{name}: {} secrets searched, {} leaks ({} distinct values)",
            secrets.len(),
            found.len(),
            distinct.len()
        );
        if !found.is_empty() {
            failures.push(format!("{name}:\n{}", found.join("\n")));
        }
    }
    assert!(failures.is_empty(), "originals left in the output:\n{}", failures.join("\n"));
}
