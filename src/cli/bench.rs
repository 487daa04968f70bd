//! `harrier bench`: generate a case of a chosen size, then time ingest, timeline paging and detection on it, with
//! peak memory. Performance targets are checked here, on realistic data, not in unit tests.

use crate::analytics::{detect, DetectContext};
use crate::case::Case;
use crate::gen::{generate, options::GenOptions};
use crate::index::query::ParsedQuery;
use crate::index::CaseIndex;
use crate::ingest::{ingest, IngestOptions, IngestProgress};
use serde::Serialize;
use std::collections::BTreeMap;
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
    /// Input read per second, MB (events differ in size between sources and exports).
    pub ingest_mb_per_s: f64,
    pub index_mb: f64,
    pub index_to_input: f64,
    pub timeline_pivot: String,
    pub timeline_rows: usize,
    /// Median time to fetch one page of 100 rows of the pivot (first, middle and last pages alternating).
    pub timeline_page_ms: f64,
    /// Median time to fetch the first 200 rows of the pivot, as a timeline opens again (stored blocks cached).
    pub timeline_first_200_ms: f64,
    /// Time to fetch the first 200 rows of the pivot once, right after the index is opened: nothing of the
    /// stored events is cached yet, as when a responder opens the timeline for the first time.
    pub timeline_first_200_cold_ms: f64,
    /// Median time to find one event by its id, as alert evidence and bookmarks are resolved.
    pub id_lookup_ms: f64,
    /// Median time to resolve 100 event ids at once, as an alert's evidence list is.
    pub ids_100_lookup_ms: f64,
    pub detect_s: f64,
    /// The shared pass of `detect` (reading every event into baselines and kept records), s.
    pub detect_pass_s: f64,
    /// Each detection family's own time over the shared pass (see `family` in `assets/analytics/`), ms, plus
    /// `incidents` for grouping the alerts.
    pub detect_families_ms: BTreeMap<String, f64>,
    pub alerts: usize,
    /// `harrier detect` run again as a process of its own: its whole time and its own peak memory.
    pub detect_process: super::bench_detect_process::DetectProcess,
    /// The same small exports as files and as the members of one zip.
    pub archive: super::bench_archive::ArchiveBench,
    /// Peak resident memory of this process (Linux), MB.
    pub peak_rss_mb: Option<f64>,
    /// Detect again with Sigma rules (`--sigma`), against the run without them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sigma: Option<super::bench_sigma::SigmaBench>,
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

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Sums the detections' own times by family, with the incident grouping as one more line.
fn family_times(t: &crate::analytics::engine::Timings) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for (id, spent) in &t.detections {
        let family = crate::analytics::params::meta(id).map_or("other", |m| m.family.as_str());
        *out.entry(family.to_string()).or_insert(0.0) += spent.as_secs_f64() * 1000.0;
    }
    out.insert("incidents".into(), t.incidents.as_secs_f64() * 1000.0);
    out
}

/// Flushes every file under `p` to disk.
fn sync_tree(p: &Path) -> std::io::Result<()> {
    for e in std::fs::read_dir(p)?.flatten() {
        let path = e.path();
        if path.is_dir() {
            sync_tree(&path)?;
        } else {
            std::fs::File::open(&path)?.sync_all()?;
        }
    }
    Ok(())
}

/// Peak resident set size from `/proc/self/status` (`VmHWM`), where the platform has it.
pub fn peak_rss_mb() -> Option<f64> {
    peak_rss_mb_of("/proc/self/status")
}

/// Peak resident set size, MB, from a process's `/proc/PID/status` file.
pub fn peak_rss_mb_of(status_file: &str) -> Option<f64> {
    high_water_mb(&std::fs::read_to_string(status_file).ok()?)
}

/// The `VmHWM` line of a `/proc/PID/status` text, in MB.
fn high_water_mb(status: &str) -> Option<f64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Median times (ms) to find one event of the pivot `q` by its id, and 100 at once.
fn id_lookups(index: &CaseIndex, q: &ParsedQuery, rows: usize) -> anyhow::Result<(f64, f64)> {
    let mut lookups = Vec::new();
    for hit in index.search(q, rows / 3, 21)? {
        let t = Instant::now();
        std::hint::black_box(index.by_id(&hit.event.id)?.len());
        lookups.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let hundred: Vec<String> = index.search(q, 0, 100)?.into_iter().map(|h| h.event.id).collect();
    let mut batches = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        std::hint::black_box(index.by_ids(&hundred)?.len());
        batches.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok((median(lookups), median(batches)))
}

/// Runs the benchmark in `dir` (created; left in place for inspection).
pub fn run(
    dir: &Path,
    events: u64,
    seed: u64,
    sigma: &[std::path::PathBuf],
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<BenchReport> {
    let t = Instant::now();
    let opts = GenOptions { seed, scale: Some(events), ..GenOptions::default() };
    let summary = generate(&opts, dir)?;
    let generate_s = t.elapsed().as_secs_f64();
    // Written data goes to disk first, so ingest is not timed against the generator's write-back.
    sync_tree(dir)?;

    let case = Case::open(dir, None)?;
    let t = Instant::now();
    let ledger = ingest(&case, &IngestOptions::default(), &IngestProgress::default())?;
    let ingest_s = t.elapsed().as_secs_f64();
    let index = CaseIndex::open(&case.index_dir())?;

    // The user with the most events is the heaviest timeline a responder can open.
    let user = index.busiest("user", |u| u.contains('@'))?.map(|(u, _)| u).unwrap_or_default();
    let q = ParsedQuery::pivot("user", &user);
    let rows = index.count(&q)?;
    let t = Instant::now();
    std::hint::black_box(index.search(&q, 0, 200)?.len());
    let first_200_cold_ms = t.elapsed().as_secs_f64() * 1000.0;
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
    let page_ms = median(times);
    let mut first = Vec::new();
    for _ in 0..11 {
        let t = Instant::now();
        std::hint::black_box(index.search(&q, 0, 200)?.len());
        first.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let first_200_ms = median(first);
    let (id_lookup_ms, ids_100_lookup_ms) = id_lookups(&index, &q, rows)?;

    let t = Instant::now();
    let d = detect(&index, &DetectContext::all(case.config.clone(), now))?;
    let detect_s = t.elapsed().as_secs_f64();
    let peak_native = peak_rss_mb();
    let sigma = (!sigma.is_empty()).then(|| super::bench_sigma::run(&index, &case.config, sigma, detect_s, now));
    let sigma = sigma.transpose()?;

    let input = summary.bytes as f64;
    let index_bytes = dir_size(&case.index_dir()) as f64;
    drop(index);
    let detect_process = super::bench_detect_process::run(dir)?;
    let archive = super::bench_archive::run(dir, &dir.join(".bench-archive"))?;
    Ok(BenchReport {
        records_generated: summary.records,
        input_mb: input / 1e6,
        generate_s,
        ingest_s,
        ingest_events_per_s: ledger.totals.records as f64 / ingest_s.max(1e-9),
        ingest_mb_per_s: input / 1e6 / ingest_s.max(1e-9),
        index_mb: index_bytes / 1e6,
        index_to_input: index_bytes / input.max(1.0),
        timeline_pivot: format!("user:{user}"),
        timeline_rows: rows,
        timeline_page_ms: page_ms,
        timeline_first_200_ms: first_200_ms,
        timeline_first_200_cold_ms: first_200_cold_ms,
        id_lookup_ms,
        ids_100_lookup_ms,
        detect_s,
        detect_pass_s: d.timings.pass.as_secs_f64(),
        detect_families_ms: family_times(&d.timings),
        alerts: d.alerts.len(),
        detect_process,
        archive,
        peak_rss_mb: peak_native,
        sigma,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_high_water_mark_is_read_from_the_status_text() {
        let text = "Name:\tharrier\nVmPeak:\t  900000 kB\nVmHWM:\t  381024 kB\nVmRSS:\t  12 kB\n";
        assert_eq!(super::high_water_mb(text), Some(381024.0 / 1024.0));
        assert_eq!(super::high_water_mb("Name: x\n"), None);
    }
}
