//! `harrier bench`: generate a case of a chosen size, then time ingest, timeline paging and detection on it, with
//! peak memory. Performance targets are checked here, on realistic data, not in unit tests.

use crate::analytics::{detect, DetectContext};
use crate::case::Case;
use crate::gen::{generate, options::GenOptions};
use crate::index::query::ParsedQuery;
use crate::index::CaseIndex;
use crate::ingest::{ingest, IngestOptions, IngestProgress};
use serde::Serialize;
use std::path::Path;
use std::time::Instant;

/// The measured figures.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub records_generated: u64,
    pub input_mb: f64,
    pub generate_s: f64,
    pub ingest_s: f64,
    pub ingest_events_per_s: f64,
    pub index_mb: f64,
    pub index_to_input: f64,
    pub timeline_pivot: String,
    pub timeline_rows: usize,
    /// Median time to fetch one page of 100 rows of the pivot (first, middle and last pages alternating).
    pub timeline_page_ms: f64,
    pub detect_s: f64,
    pub alerts: usize,
    /// Peak resident memory of this process (Linux), MB.
    pub peak_rss_mb: Option<f64>,
}

fn dir_size(p: &Path) -> u64 {
    let mut total = 0;
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let path = e.path();
            if path.is_dir() {
                total += dir_size(&path);
            } else if let Ok(m) = e.metadata() {
                total += m.len();
            }
        }
    }
    total
}

/// Peak resident set size from `/proc/self/status` (`VmHWM`), where the platform has it.
pub fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Runs the benchmark in `dir` (created; left in place for inspection).
pub fn run(dir: &Path, events: u64, seed: u64) -> anyhow::Result<BenchReport> {
    let t = Instant::now();
    let opts = GenOptions { seed, scale: Some(events), ..GenOptions::default() };
    let summary = generate(&opts, dir)?;
    let generate_s = t.elapsed().as_secs_f64();

    let case = Case::open(dir, None)?;
    let t = Instant::now();
    let ledger = ingest(&case, &IngestOptions::default(), &IngestProgress::default())?;
    let ingest_s = t.elapsed().as_secs_f64();
    let index = CaseIndex::open(&case.index_dir())?;

    // The busiest planted user makes a realistic pivot.
    let key: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("answer-key.json"))?)?;
    let user = key["planted"]
        .as_array()
        .and_then(|p| p.iter().find_map(|x| x["entities"]["users"][0].as_str().map(str::to_string)))
        .unwrap_or_default();
    let q = ParsedQuery::pivot("user", &user);
    let rows = index.count(&q)?;
    let mut times = Vec::new();
    for i in 0..21 {
        let offset = match i % 3 {
            0 => 0,
            1 => rows / 2,
            _ => rows.saturating_sub(100),
        };
        let t = Instant::now();
        let hits = index.search(&q, offset, 100)?;
        std::hint::black_box(hits.len());
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let page_ms = times[times.len() / 2];

    let t = Instant::now();
    let d = detect(&index, &DetectContext { config: case.config.clone(), only: vec![] })?;
    let detect_s = t.elapsed().as_secs_f64();

    let input = summary.bytes as f64;
    let index_bytes = dir_size(&case.index_dir()) as f64;
    Ok(BenchReport {
        records_generated: summary.records,
        input_mb: input / 1e6,
        generate_s,
        ingest_s,
        ingest_events_per_s: ledger.totals.records as f64 / ingest_s.max(1e-9),
        index_mb: index_bytes / 1e6,
        index_to_input: index_bytes / input.max(1.0),
        timeline_pivot: format!("user:{user}"),
        timeline_rows: rows,
        timeline_page_ms: page_ms,
        detect_s,
        alerts: d.alerts.len(),
        peak_rss_mb: peak_rss_mb(),
    })
}
