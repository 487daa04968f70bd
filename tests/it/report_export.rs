//! Reports and exports over a copy of the demo case: report snapshots, Timesketch fields, paging, and the
//! suppression round trip through detection.

use chrono::TimeZone;
use harrier::analytics::saved::SavedDetection;
use harrier::case::detection::load_or_detect;
use harrier::case::state::{suppress, Bookmark, CaseState, TriageStatus};
use harrier::case::Case;
use harrier::index::query::ParsedQuery;
use harrier::index::CaseIndex;
use harrier::report::export::{export_events, ExportFormat};
use harrier::report::{self, ReportFormat};
use std::path::Path;

fn demo_copy() -> (tempfile::TempDir, Case, SavedDetection) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("demo");
    crate::common::copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-cases/demo"), &root);
    let (case, _) = crate::common::ingest_dir(&root);
    let d = load_or_detect(&case, chrono::Utc::now()).unwrap();
    (dir, case, d)
}

fn at(h: u32, m: u32) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.with_ymd_and_hms(2026, 3, 16, h, m, 0).unwrap()
}

#[test]
fn report_snapshots_md_html_json() {
    let (_dir, case, d) = demo_copy();
    let farid =
        d.alerts.iter().find(|a| a.analytic == "AN0534" && a.title.contains("farid.ivanova")).unwrap().id.clone();
    let partner = d.alerts.iter().find(|a| a.analytic == "AN1350").unwrap().id.clone();
    let state = CaseState::of(&case, &harrier::runenv::RunEnv::default()).with_actor("ana.responder");
    let s1 = state.clone().with_clock(at(9, 0));
    s1.set_triage(&partner, TriageStatus::TruePositive, Some("partner <admin> added FullAccess & read mail")).unwrap();
    s1.set_triage(&farid, TriageStatus::FalsePositive, Some("approved | report script")).unwrap();
    let rb = harrier::runbook::for_analytic("AN1350").unwrap();
    let first_step = rb.steps().next().unwrap().1.id.clone();
    s1.with_clock(at(9, 30)).set_step(&partner, rb, &first_step, Some(true), Some("trust added 09 Mar")).unwrap();
    let index = CaseIndex::open(&case.index_dir()).unwrap();
    let ev = index.search(&ParsedQuery::parse("user:farid.ivanova@northwind.example").unwrap(), 0, 1).unwrap();
    let s2 = state.clone().with_clock(at(10, 0));
    s2.add_bookmark(Bookmark::of(&ev[0].event, at(10, 0))).unwrap();
    s2.annotate_bookmark(&ev[0].event.id, None, &["baseline".into()], &[], Some("normal <b>office</b> sign-in"))
        .unwrap();
    s2.append_note("# Scope\nPartner tenant reached one mailbox.\n\n<script>alert(1)</script>").unwrap();
    let tz = case.config.timezone();
    let r =
        report::build(&case, &d, &CaseState::of(&case, &harrier::runenv::RunEnv::default()), tz, at(12, 0)).unwrap();
    let md = report::render(&r, ReportFormat::Markdown);
    let html = report::render(&r, ReportFormat::Html);
    let json = report::render(&r, ReportFormat::Json);
    assert!(html.contains("@media print") && !html.contains("<script>") && html.contains("&lt;script&gt;"));
    assert!(html.contains("partner &lt;admin&gt; added FullAccess &amp; read mail"));
    assert!(md.contains("approved \\| report script"));
    assert_eq!(
        report::render(
            &report::build(&case, &d, &CaseState::of(&case, &harrier::runenv::RunEnv::default()), tz, at(12, 0))
                .unwrap(),
            ReportFormat::Markdown
        ),
        md
    );
    insta::assert_snapshot!("report_demo_md", md);
    insta::assert_snapshot!("report_demo_html", html);
    insta::assert_snapshot!("report_demo_json", json);
}

#[test]
fn every_timesketch_line_has_message_datetime_and_timestamp_desc() {
    let (_dir, case, _) = demo_copy();
    let index = CaseIndex::open(&case.index_dir()).unwrap();
    let mut out = Vec::new();
    let mut calls = 0;
    let summary = export_events(&index, &ParsedQuery::default(), ExportFormat::Timesketch, &mut out, &mut |_| {
        calls += 1;
        true
    })
    .unwrap();
    assert!(calls >= 2, "progress is reported as rows go and at the end");
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len() as u64, summary.written);
    assert_eq!(summary.written + summary.skipped_without_time, index.num_events());
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{l}");
        assert!(chrono::DateTime::parse_from_rfc3339(v["datetime"].as_str().unwrap()).is_ok(), "{l}");
        assert!(v["timestamp_desc"].as_str().is_some_and(|d| !d.is_empty()), "{l}");
    }
    // A cancelled export stops.
    let mut sink = Vec::new();
    assert!(export_events(&index, &ParsedQuery::default(), ExportFormat::Jsonl, &mut sink, &mut |_| false).is_err());
}

#[test]
fn small_pages_stream_every_event_in_search_order() {
    let (_dir, case, _) = demo_copy();
    let index = CaseIndex::open(&case.index_dir()).unwrap();
    for q in ["", "user:keiko.gupta@northwind.example", "source:graph"] {
        let q = ParsedQuery::parse(q).unwrap();
        let expected: Vec<String> = index.search(&q, 0, 100_000).unwrap().into_iter().map(|h| h.event.id).collect();
        let streamed: Vec<String> = index.stream_paged(&q, 7).map(|s| s.unwrap().event.id).collect();
        assert_eq!(streamed, expected);
        let jsonl: Vec<_> = index.stream_paged(&q, 3).take(2).map(|s| s.unwrap().raw).collect();
        assert!(jsonl.iter().all(|raw| !raw.is_empty()), "the original record travels with the event");
    }
}

#[test]
fn suppression_preview_changes_nothing_and_applying_it_drops_the_alert() {
    let (_dir, case, d) = demo_copy();
    let alert = d.alerts.iter().find(|a| a.analytic == "AN0534" && a.title.contains("farid.ivanova")).unwrap();
    let before = std::fs::read_to_string(case.root.join("case.toml")).unwrap();
    let plan = suppress::plan_suppression(&case, alert).unwrap();
    assert_eq!(plan.changes[0].describe(), "[allow] automation_accounts += farid.ivanova@northwind.example");
    assert!(plan
        .diff()
        .contains("+automation_accounts = [\"svc-reporting@northwind.example\", \"farid.ivanova@northwind.example\"]"));
    assert_eq!(std::fs::read_to_string(case.root.join("case.toml")).unwrap(), before);
    CaseState::of(&case, &harrier::runenv::RunEnv::default()).apply_suppression(&plan).unwrap();
    let after = std::fs::read_to_string(case.root.join("case.toml")).unwrap();
    assert!(after.starts_with("# Case settings for the Northwind Traders tenant"), "comments are kept");
    let reopened = Case::open(&case.root, None).unwrap();
    let index = CaseIndex::open(&reopened.index_dir()).unwrap();
    let ctx = harrier::analytics::DetectContext::all(reopened.config.clone(), chrono::Utc::now());
    let again = harrier::analytics::detect(&index, &ctx).unwrap();
    assert!(again.alerts.iter().all(|a| a.id != alert.id), "the suppressed alert is gone");
    assert!(again
        .suppressions
        .iter()
        .any(|s| s.rule == "allow.automation_accounts" && s.matched == "farid.ivanova@northwind.example"));
    // Every alert on the now approved account goes: the scripted sign-in and, where raised, its bulk mail reading.
    let on_farid = d.alerts.iter().filter(|a| a.entities.users == ["farid.ivanova@northwind.example"]).count();
    assert!(on_farid >= 1);
    assert_eq!(again.alerts.len() + on_farid, d.alerts.len());
}
