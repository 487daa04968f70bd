//! The business-email-compromise pack on generated tenants: every native detection finds each variant of the act
//! planted for it (naming the planted person) and stays quiet on the benign twins that look like it, over seeds
//! that between them plant every variant.

use crate::common::ingest_dir;
use harrier::analytics::{detect, Alert, DetectContext, Detection};
use harrier::gen::activity::scenarios::ACTS;
use harrier::gen::options::{GenOptions, Scenario, ShapeFamily};
use harrier::gen::{generate, ids};
use harrier::index::CaseIndex;
use serde_json::Value;
use std::collections::BTreeSet;

/// Seeds whose varied plants together cover every variant of every act (checked below).
const SEEDS: [u64; 6] = [1, 2, 3, 5, 160, 185];

/// A small tenant with only the pack planted, ingested and detected; returns the detection and the answer key.
fn pack_case(seed: u64, vary: bool, shapes: ShapeFamily) -> (tempfile::TempDir, Detection, Value) {
    let tmp = tempfile::tempdir().unwrap();
    let opts = GenOptions {
        seed,
        users: 44,
        days: 14,
        vary,
        shapes,
        scenarios: [Scenario::BecPack].into_iter().collect(),
        ..GenOptions::default()
    };
    generate(&opts, tmp.path()).unwrap();
    let (case, _) = ingest_dir(tmp.path());
    let index = CaseIndex::open(&case.index_dir()).unwrap();
    let d = detect(&index, &DetectContext::all(case.config.clone(), chrono::Utc::now())).unwrap();
    let key = serde_json::from_slice(&std::fs::read(tmp.path().join("answer-key.json")).unwrap()).unwrap();
    (tmp, d, key)
}

fn lower_list(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_lowercase)).collect()).unwrap_or_default()
}

fn time(v: &Value) -> chrono::DateTime<chrono::Utc> {
    v.as_str().unwrap().parse().unwrap()
}

/// The alert names one of the entry's users (as a user or a mailbox) and overlaps its window by `slack_h` hours.
fn names(alert: &Alert, entry: &Value, slack_h: i64) -> bool {
    let users = lower_list(&entry["entities"]["users"]);
    let slack = chrono::Duration::hours(slack_h);
    let (from, to) = (time(&entry["window"]["from"]), time(&entry["window"]["to"]));
    let named = alert.entities.users.iter().chain(&alert.entities.mailboxes).any(|u| users.contains(u));
    named && alert.first_seen <= to + slack && alert.last_seen >= from - slack
}

/// Problems of one case: plants not found (or found without evidence), twins that alerted. Counts go to `tally`.
/// Plants of the detections in `blind` (which the case's export shape cannot show) are not looked for.
fn check(d: &Detection, key: &Value, tally: &mut [usize; 4], blind: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    for p in key["planted"].as_array().into_iter().flatten().filter(|p| p["id"].as_str().unwrap().starts_with("pack-"))
    {
        let analytic = p["analytic"].as_str().unwrap();
        if blind.contains(&analytic) {
            continue;
        }
        match d.alerts.iter().find(|a| a.analytic == analytic && names(a, p, 2)) {
            Some(a) if !a.evidence.is_empty() && !a.reasons.is_empty() => tally[0] += 1,
            Some(a) => problems.push(format!("{analytic}: alert {} has no evidence or reasons", a.id)),
            None => {
                tally[1] += 1;
                let others: Vec<String> = d
                    .alerts
                    .iter()
                    .filter(|a| a.analytic == analytic)
                    .map(|a| format!("{:?} {}", a.entities.users, a.title))
                    .collect();
                problems
                    .push(format!("{analytic}: planted {} not found ({}); alerts: {others:?}", p["id"], p["title"]));
            }
        }
    }
    for l in
        key["lookalikes"].as_array().into_iter().flatten().filter(|l| l["id"].as_str().unwrap().starts_with("twin-"))
    {
        let analytic = l["analytic"].as_str().unwrap();
        match d.alerts.iter().find(|a| a.analytic == analytic && names(a, l, 1)) {
            None => tally[2] += 1,
            Some(a) => {
                tally[3] += 1;
                problems.push(format!(
                    "{analytic}: twin {} raised {} ({}): {:?}",
                    l["id"], a.title, l["description"], a.reasons
                ));
            }
        }
    }
    problems
}

#[test]
fn bec_pack_detections_find_every_variant_and_stay_quiet_on_twins() {
    let mut problems = Vec::new();
    let mut tally = [0usize; 4];
    let mut seen = BTreeSet::new();
    for (seed, vary) in SEEDS.iter().map(|s| (*s, true)).chain([(4242, false)]) {
        let (_tmp, d, key) = pack_case(seed, vary, ShapeFamily::Mixed);
        let planted = key["planted"].as_array().map(Vec::len).unwrap_or(0);
        assert_eq!(planted, ACTS.len(), "seed {seed}: one plant per native detection");
        problems.extend(check(&d, &key, &mut tally, &[]).into_iter().map(|p| format!("seed {seed} vary {vary}: {p}")));
        for (act, n, _) in ACTS {
            seen.insert((act, if vary { ids::pick(seed, act, n) } else { 0 }));
        }
    }
    eprintln!("plants found {} missed {}; twins quiet {} alerted {}", tally[0], tally[1], tally[2], tally[3]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let all: usize = ACTS.iter().map(|(_, n, _)| n).sum();
    assert_eq!(seen.len(), all, "the seeds leave a variant unplanted: {seen:?}");
}

#[test]
fn bec_pack_detections_hold_in_every_export_shape() {
    let mut problems = Vec::new();
    let mut tally = [0usize; 4];
    for (i, shapes) in ShapeFamily::ALL.into_iter().filter(|f| *f != ShapeFamily::Mixed).enumerate() {
        let seed = 40 + i as u64;
        let (_tmp, d, key) = pack_case(seed, true, shapes);
        // The Entra portal's sign-in downloads carry no Identity Protection columns: risk cannot be seen there.
        let blind: &[&str] = if shapes == ShapeFamily::Portal { &["risky-sign-in"] } else { &[] };
        let found = check(&d, &key, &mut tally, blind);
        problems.extend(found.into_iter().map(|p| format!("seed {seed} {}: {p}", shapes.name())));
    }
    eprintln!("shapes: plants found {} missed {}; twins quiet {} alerted {}", tally[0], tally[1], tally[2], tally[3]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
