//! What every case subcommand does first: open the case, pick the display zone, read time bounds, and ingest
//! (with progress) when the case has not been ingested yet.

use crate::usage::usage;
use anyhow::{anyhow, Context, Result};
use harrier::case::Case;
use harrier::index::query::ParsedQuery;
use harrier::ingest::{ingest, IngestOptions, IngestProgress};
use harrier::runenv::RunEnv;
use harrier::text::sanitize::cell;
use harrier::time::format::{parse_bound, show};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// What a subcommand takes from the command line around it: the run environment, `--state-dir` and `--quiet`.
#[derive(Clone, Copy)]
pub struct Invocation<'a> {
    /// The clock, analyst, `--tz` and the rest read from the process once.
    pub env: &'a RunEnv,
    /// `--state-dir`: where the case state lives when not in CASE/.harrier.
    pub state_dir: Option<&'a Path>,
    /// `--quiet`: results and errors only.
    pub quiet: bool,
}

impl Invocation<'_> {
    /// Opens the case folder, with the state folder given by `--state-dir`.
    pub fn open(&self, path: &Path) -> Result<Case> {
        open_case(path, self.state_dir)
    }

    /// The zone to show the case's times in: `--tz`, else the case's own.
    pub fn zone(&self, case: &Case) -> Result<chrono_tz::Tz> {
        zone(&self.env.tz, case)
    }
}

/// Opens the case folder, naming it in the error.
pub fn open_case(path: &Path, state: Option<&Path>) -> Result<Case> {
    Case::open(path, state).with_context(|| format!("opening case {}", path.display()))
}

pub fn zone(tz: &Option<String>, case: &Case) -> Result<chrono_tz::Tz> {
    match tz {
        Some(z) => chrono_tz::Tz::from_str(z).map_err(|_| usage(format!("--tz: '{z}' is not an IANA time zone name"))),
        None => Ok(case.config.timezone()),
    }
}

/// Reads `--from` / `--to` into the query; a bad time, or `--from` later than `--to`, is a usage error.
pub fn apply_bounds(q: &mut ParsedQuery, from: Option<&str>, to: Option<&str>, tz: chrono_tz::Tz) -> Result<()> {
    let from = from.map(|f| parse_bound(f, tz).map_err(|e| usage(format!("--from: {e}")))).transpose()?;
    let to = to.map(|t| parse_bound(t, tz).map_err(|e| usage(format!("--to: {e}")))).transpose()?;
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(usage(format!(
                "--from ({}) is later than --to ({}): nothing can match",
                show(Some(f), tz),
                show(Some(t), tz)
            )));
        }
    }
    q.from_us = from.map(|f| f.timestamp_micros());
    q.to_us = to.map(|t| t.timestamp_micros());
    Ok(())
}

/// Fails with "no log files under CASE" when ingest found nothing it could read, saying how many files were
/// looked at and why each was set aside.
pub fn require_logs(case: &Case, ledger: &harrier::case::Ledger) -> Result<()> {
    if ledger.has_logs() {
        return Ok(());
    }
    Err(anyhow!("{}", ledger.no_logs_message(&case.root.display().to_string())))
}

/// Ingests the case first when it has never been ingested, or rebuilds an index this harrier cannot use, saying
/// which.
pub fn ensure_ingested(case: &Case, env: &RunEnv, quiet: bool) -> Result<()> {
    let fresh = !case.is_ingested();
    if fresh || case.needs_rebuild() {
        if !quiet && fresh {
            eprintln!("harrier: case not ingested yet; ingesting {}", case.root.display());
        } else if !quiet {
            eprintln!(
                "harrier: the index of {} was built by another version of harrier or on another machine; rebuilding \
                 it from the evidence",
                case.root.display()
            );
        }
        let ledger = run_ingest(case, IngestOptions::default(), env, quiet)?;
        return require_logs(case, &ledger);
    }
    require_logs(case, &harrier::case::Ledger::load(&case.ledger_path()))
}

/// Runs ingest under the case lock with a progress bar on a terminal and plain lines otherwise. The GeoIP
/// databases are those in `opts` (from `--geoip`), then the case's, then the config folder's.
pub fn run_ingest(case: &Case, mut opts: IngestOptions, env: &RunEnv, quiet: bool) -> Result<harrier::case::Ledger> {
    opts.geoip = geoip_databases(case, &opts.geoip, env)?;
    let _lock = case.lock("harrier ingest")?;
    let progress = Arc::new(IngestProgress::default());
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reporter = if quiet {
        None
    } else {
        let p = progress.clone();
        let d = done.clone();
        let tty = std::io::stderr().is_terminal();
        Some(std::thread::spawn(move || report_progress(&p, &d, tty)))
    };
    let started = std::time::Instant::now();
    let result = ingest(case, &opts, &progress);
    done.store(true, Ordering::Relaxed);
    if let Some(h) = reporter {
        let _ = h.join();
    }
    let ledger = result?;
    if !quiet {
        let secs = started.elapsed().as_secs_f64();
        let n = progress.records.load(Ordering::Relaxed);
        eprintln!("harrier: read {n} records in {secs:.1}s ({:.0} records/s)", n as f64 / secs.max(1e-6));
    }
    Ok(ledger)
}

/// Every GeoIP database for an ingest of `case`: `given` (`--geoip`), then `[enrich] geoip` in its `case.toml`,
/// then each `.mmdb` and `.csv` in the `geoip` folder of the config folder.
fn geoip_databases(case: &Case, given: &[PathBuf], env: &RunEnv) -> Result<Vec<PathBuf>> {
    let configured = &case.config.enrich.geoip;
    Ok(harrier::enrich::geo::sources::database_paths(given, &case.root, configured, env.config_dir.as_deref())?)
}

fn report_progress(p: &IngestProgress, done: &std::sync::atomic::AtomicBool, tty: bool) {
    if tty {
        let bar = indicatif::ProgressBar::new(p.bytes_total.load(Ordering::Relaxed).max(1));
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} ingest [{bar:24}] {percent:>3}% · {eta} left · {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        while !done.load(Ordering::Relaxed) {
            bar.set_length(p.bytes_total.load(Ordering::Relaxed).max(1));
            bar.set_position(p.bytes_done.load(Ordering::Relaxed));
            let cur = p.current.lock().map(|c| c.clone()).unwrap_or_default();
            bar.set_message(format!("{} records · {}", p.records.load(Ordering::Relaxed), cell(&cur, 40)));
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        bar.finish_and_clear();
    } else {
        // A line when a file is done, and every ten seconds while a large one is read.
        let mut last = 0;
        let mut said = std::time::Instant::now();
        while !done.load(Ordering::Relaxed) {
            std::thread::sleep(std::time::Duration::from_millis(200));
            let f = p.files_done.load(Ordering::Relaxed);
            if f != last || said.elapsed() >= std::time::Duration::from_secs(10) {
                last = f;
                said = std::time::Instant::now();
                let total = p.bytes_total.load(Ordering::Relaxed).max(1);
                let share = p.bytes_done.load(Ordering::Relaxed).min(total) * 100 / total;
                eprintln!(
                    "ingest: {f}/{} files, {} records, {share}% of {:.1} MB",
                    p.files_total.load(Ordering::Relaxed),
                    p.records.load(Ordering::Relaxed),
                    total as f64 / 1e6
                );
            }
        }
    }
}
