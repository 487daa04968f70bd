//! Runs each subcommand; the library does the work, this file does the printing.

use crate::args::PivotArgs;
use crate::prepare::{apply_bounds, ensure_ingested, open_case, require_logs, run_ingest, Invocation};
use crate::usage::usage;
use crate::{outln, Cli, Command, Format};
use anyhow::{anyhow, Context, Result};
use harrier::analytics::{output, Detection};
use harrier::case::Case;
use harrier::index::query::ParsedQuery;
use harrier::index::{CaseIndex, Hit};
use harrier::ingest::IngestOptions;
use harrier::model::Severity;
use harrier::runenv::RunEnv;
use harrier::text::sanitize::cell;
use harrier::time::format::show;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Dispatches a parsed command line; returns the process exit code.
pub fn run(cli: Cli, env: &RunEnv) -> Result<u8> {
    let inv = Invocation { env, state_dir: cli.state_dir.as_deref(), quiet: cli.quiet };
    match cli.command {
        None => open_demo(inv),
        Some(Command::Gen(args)) => gen(&args, inv.quiet),
        Some(Command::Help { topic }) => crate::help::show(&topic),
        Some(Command::Completions { shell }) => crate::help::completions(shell),
        Some(Command::Manpage { dir }) => crate::help::manpage(dir.as_deref()),
        Some(Command::Anonymize(args)) => {
            harrier::anonymize::cli::run(&args, inv.quiet)?;
            Ok(0)
        }
        Some(Command::Bench { dir, events, seed, sigma, json }) => bench(&dir, (events, seed), &sigma, json, env.now()),
        Some(Command::Exercise(cmd)) => crate::exercising::run(cmd, inv),
        Some(Command::Rules(cmd)) => crate::rulework::run(cmd, inv),
        Some(Command::Open { case }) => open_tui(&case, inv.state_dir, inv.quiet, env),
        Some(Command::BenchTui { case, width, height, search, json }) => {
            bench_tui(&case, inv.state_dir, width, height, &search, json)
        }
        Some(Command::Ingest { case, json, rebuild, geoip }) => {
            ingest_case(inv, &case, json, IngestOptions { rebuild, geoip })
        }
        Some(Command::Detect { case, format, min_severity, fail_on, analytic, sigma }) => {
            detect(inv, &case, format, (min_severity, fail_on), analytic, &sigma)
        }
        Some(Command::Search { case, query, from, to, limit, format }) => {
            search(inv, &case, &query, (from, to), limit, format)
        }
        Some(Command::Timeline { case, pivot, from, to, limit, format }) => {
            timeline(inv, &case, pivot, (from, to), limit, format)
        }
        Some(other) => crate::casework::run(other, env, inv.state_dir, inv.quiet),
    }
}

/// `harrier` alone: the workbench on the bundled demo case.
fn open_demo(inv: Invocation) -> Result<u8> {
    let demo = demo_case();
    if !demo.is_dir() {
        return Err(anyhow!(
            "no demo case at {}; open a case folder with `harrier open CASE` (see `harrier --help`)",
            demo.display()
        ));
    }
    open_tui(&demo, inv.state_dir, inv.quiet, inv.env)
}

/// `harrier gen`: a generated case; bad options are usage errors.
fn gen(args: &harrier::gen::cli::GenArgs, quiet: bool) -> Result<u8> {
    let opts = args.options().map_err(|e| usage(format!("{e:#}")))?;
    harrier::gen::cli::run(args, &opts, quiet)?;
    Ok(0)
}

/// `harrier bench`: generates a case in the empty folder `dir`, measures it and prints the figures.
fn bench(
    dir: &Path,
    (events, seed): (u64, u64),
    sigma: &[PathBuf],
    json: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u8> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(anyhow!("{} is not empty; bench writes a fresh case there", dir.display()));
    }
    let r = harrier::cli::bench::run(dir, events, seed, sigma, now)?;
    if json {
        outln!("{}", harrier::text::sanitize::json_pretty(&r)?);
    } else {
        print_bench(&r)?;
    }
    Ok(0)
}

/// The benchmark figures, one line per measured stage.
fn print_bench(r: &harrier::cli::bench::BenchReport) -> Result<()> {
    outln!("generated   {} records, {:.0} MB in {:.1} s", r.records_generated, r.input_mb, r.generate_s);
    outln!(
        "ingest      {:.1} s = {:.0} events/s ({:.1} MB/s); index {:.0} MB = {:.2}x input",
        r.ingest_s,
        r.ingest_events_per_s,
        r.ingest_mb_per_s,
        r.index_mb,
        r.index_to_input
    );
    outln!(
        "timeline    {} ({} rows): first 200 rows {:.2} ms cold, {:.2} ms again; {:.2} ms per 100-row \
         page (medians)",
        r.timeline_pivot,
        r.timeline_rows,
        r.timeline_first_200_cold_ms,
        r.timeline_first_200_ms,
        r.timeline_page_ms
    );
    outln!("id lookup   {:.2} ms for one id, {:.2} ms for 100 at once (medians)", r.id_lookup_ms, r.ids_100_lookup_ms);
    outln!("detect      {:.1} s, {} alert(s); shared pass {:.1} s", r.detect_s, r.alerts, r.detect_pass_s);
    let families: Vec<String> = r.detect_families_ms.iter().map(|(f, ms)| format!("{f} {ms:.0} ms")).collect();
    outln!("  by family {}", families.join(", "));
    let own = &r.detect_process;
    let own_peak = own.peak_rss_mb.map(|m| format!(", peak memory {m:.0} MB")).unwrap_or_default();
    outln!("  as its own process {:.1} s{own_peak}", own.wall_s);
    let a = &r.archive;
    outln!(
        "archive     {} small exports: {:.2} s as files, {:.2} s in one zip ({:.2}x); unchanged zip again \
         {:.2} s",
        a.members,
        a.unpacked_ingest_s,
        a.zip_ingest_s,
        a.zip_to_unpacked,
        a.zip_reingest_s
    );
    if let Some(m) = r.peak_rss_mb {
        outln!("peak memory {m:.0} MB");
    }
    if let Some(s) = &r.sigma {
        outln!(
            "sigma       {} rule(s) loaded, {} skipped: detect {:.1} s = {:.2}x without them ({:.1} s after the pass); \
             {} alert(s); peak memory {}",
            s.rules_loaded,
            s.rules_skipped,
            s.detect_with_sigma_s,
            s.ratio_to_native,
            s.sigma_after_pass_s,
            s.sigma_alerts,
            s.peak_rss_mb.map(|m| format!("{m:.0} MB")).unwrap_or_else(|| "unknown".into())
        );
    }
    Ok(())
}

/// `harrier ingest`: indexes the case and prints the ledger (as JSON with `--json`); no logs at all is an error.
fn ingest_case(inv: Invocation, case: &Path, json: bool, opts: IngestOptions) -> Result<u8> {
    let case = inv.open(case)?;
    let ledger = run_ingest(&case, opts, inv.env, inv.quiet || json)?;
    if json {
        outln!("{}", harrier::text::sanitize::json_pretty(&ledger)?);
    } else if !inv.quiet {
        print_ledger_summary(&ledger)?;
    }
    require_logs(&case, &ledger)?;
    Ok(0)
}

/// `harrier detect`: runs the analytics and prints the alerts; exit code 3 when one is at or above `fail_on`.
fn detect(
    inv: Invocation,
    case: &Path,
    format: Format,
    (min, fail): (Severity, Option<Severity>),
    analytic: Vec<String>,
    sigma: &[PathBuf],
) -> Result<u8> {
    let case = inv.open(case)?;
    let tz = inv.zone(&case)?;
    ensure_ingested(&case, inv.env, inv.quiet)?;
    let sources = harrier::case::detection::sigma_sources(&case, sigma, inv.env.config_dir.as_deref());
    let d = harrier::case::detection::detect_and_save(&case, analytic, inv.env.now(), &sources)?;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(out, "{}", harrier::text::sanitize::json_pretty(&output::to_json(&d, min))?)?,
        Format::Jsonl => write!(out, "{}", output::to_jsonl(&d, min))?,
        Format::Table => {
            let colour = std::io::stdout().is_terminal() && inv.env.colour;
            write!(out, "{}", output::table(&d, min, colour, tz))?
        }
    }
    Ok(match fail {
        Some(f) if d.at_least(f).next().is_some() => 3,
        _ => 0,
    })
}

/// `harrier search`: the events a query matches, within optional `--from` / `--to` bounds.
fn search(
    inv: Invocation,
    case: &Path,
    query: &str,
    (from, to): (Option<String>, Option<String>),
    limit: usize,
    format: Format,
) -> Result<u8> {
    let case = inv.open(case)?;
    let tz = inv.zone(&case)?;
    let mut q = ParsedQuery::parse(query).map_err(|e| usage(format!("query: {e}")))?;
    apply_bounds(&mut q, from.as_deref(), to.as_deref(), tz)?;
    print_matches(inv, &case, &q, limit, format, tz)
}

/// `harrier timeline`: the events of one user, IP, session, token, mailbox or app, oldest first.
fn timeline(
    inv: Invocation,
    case: &Path,
    pivot: PivotArgs,
    (from, to): (Option<String>, Option<String>),
    limit: usize,
    format: Format,
) -> Result<u8> {
    let case = inv.open(case)?;
    let tz = inv.zone(&case)?;
    let (field, value) =
        pivot.chosen().ok_or_else(|| usage("timeline needs one of --user --ip --session --token --mailbox --app"))?;
    let mut q = ParsedQuery::pivot(field, &value);
    apply_bounds(&mut q, from.as_deref(), to.as_deref(), tz)?;
    print_matches(inv, &case, &q, limit, format, tz)
}

/// Prints the first `limit` events `q` matches and how many match in all, ingesting the case first if needed.
fn print_matches(
    inv: Invocation,
    case: &Case,
    q: &ParsedQuery,
    limit: usize,
    format: Format,
    tz: chrono_tz::Tz,
) -> Result<u8> {
    ensure_ingested(case, inv.env, inv.quiet)?;
    let index = CaseIndex::open(&case.index_dir())?;
    let hits = index.search(q, 0, limit)?;
    let total = index.count(q)?;
    print_hits(&hits, format, tz, total)?;
    Ok(0)
}

/// The bundled demo case: `sample-cases/demo` in the working folder, else beside the sources.
fn demo_case() -> std::path::PathBuf {
    let local = Path::new("sample-cases/demo");
    if local.is_dir() {
        return local.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-cases/demo")
}

/// Runs the analytics (with the case's and the config folder's Sigma rules) over an ingested case and saves the
/// full result in the case state.
fn run_detect(case: &Case, only: Vec<String>, env: &RunEnv) -> Result<Detection> {
    let sources = harrier::case::detection::sigma_sources(case, &[], env.config_dir.as_deref());
    Ok(harrier::case::detection::detect_and_save(case, only, env.now(), &sources)?)
}

fn open_tui(path: &Path, state: Option<&Path>, quiet: bool, env: &RunEnv) -> Result<u8> {
    let case = open_case(path, state)?;
    ensure_ingested(&case, env, quiet)?;
    if harrier::case::detection::alerts_stale(&case) {
        if !quiet {
            eprintln!("harrier: running the analytics");
        }
        run_detect(&case, Vec::new(), env)?;
    }
    harrier::tui::run(case, env.clone())?;
    Ok(0)
}

/// Runs the workbench benchmark. The case is opened without writing to it (not even the probe that
/// `Case::open` makes); with `--state-dir` the state is read from there.
fn bench_tui(path: &Path, state: Option<&Path>, width: u16, height: u16, search: &str, json: bool) -> Result<u8> {
    let case = match state {
        Some(dir) => open_case(path, Some(dir))?,
        None => {
            let root = path.canonicalize().with_context(|| format!("opening case {}", path.display()))?;
            let config = harrier::case::CaseConfig::load(&root.join("case.toml"))
                .with_context(|| format!("reading {}", root.join("case.toml").display()))?;
            Case { state_dir: root.join(harrier::case::paths::STATE_FOLDER), root, config }
        }
    };
    if !case.is_ingested() {
        return Err(anyhow!("{} is not ingested; run `harrier ingest` first", path.display()));
    }
    let r = harrier::tui::runtime::bench::run(case, width, height, search)?;
    if json {
        outln!("{}", harrier::text::sanitize::json_pretty(&r)?);
        return Ok(0);
    }
    outln!("workbench on {} ({} events), {} terminal, {} build", r.case, r.events, r.terminal, r.profile);
    outln!("first frame   {:.1} ms; overview loaded {:.1} ms", r.first_frame_ms, r.overview_ms);
    for s in &r.steps {
        let loading = if s.loading_shown { "  (loading shown)" } else { "" };
        outln!(
            "  {:<34} frame {:>7.1} ms  result {:>8.1} ms  {}{loading}",
            s.key,
            s.frame_ms,
            s.settled_ms,
            cell(&s.screen, 50)
        );
    }
    outln!("key → frame   median {:.1} ms, max {:.1} ms", r.frame_median_ms, r.frame_max_ms);
    outln!("key → result  median {:.1} ms, max {:.1} ms", r.settled_median_ms, r.settled_max_ms);
    outln!("frames over 50 ms without a loading state: {}", r.slow_without_loading);
    if let Some(m) = r.peak_rss_mb {
        outln!("peak memory   {m:.0} MB");
    }
    Ok(0)
}

/// ` · N facts` when snapshots stated any, else nothing.
fn facts_count(facts: u64) -> String {
    if facts > 0 {
        format!(" · {facts} facts from snapshots")
    } else {
        String::new()
    }
}

fn print_ledger_summary(l: &harrier::case::Ledger) -> Result<()> {
    let t = &l.totals;
    outln!(
        "{} files · {} records · {} indexed · {} duplicates · {} rejected{}",
        l.files.len(),
        t.records,
        t.indexed,
        t.duplicates,
        t.rejected,
        facts_count(t.facts)
    );
    for g in &l.geoip {
        outln!("  geoip  {} ({}): located {} events", cell(&g.file, 70), g.kind.as_str(), g.events);
    }
    for f in l.problems() {
        if f.format == "unsupported" {
            outln!("  unsupported  {}: {}", cell(&f.path, 70), cell(f.reason.as_deref().unwrap_or(""), 100));
            continue;
        }
        if f.rejected > 0 {
            outln!("  rejected {:>5} {}", f.rejected, cell(&f.path, 70));
            for e in f.errors.iter().take(3) {
                outln!("      {}", cell(e, 120));
            }
        }
        for n in &f.notes {
            outln!("  note  {}: {}", cell(&f.path, 60), cell(n, 100));
        }
    }
    Ok(())
}

fn print_hits(hits: &[Hit], format: Format, tz: chrono_tz::Tz, total: usize) -> Result<()> {
    let out = std::io::stdout();
    let mut out = out.lock();
    match format {
        Format::Json => {
            let events: Vec<_> = hits.iter().map(|h| &h.event).collect();
            writeln!(
                out,
                "{}",
                harrier::text::sanitize::json_pretty(&serde_json::json!({"total": total, "events": events}))?
            )?;
        }
        Format::Jsonl => {
            for h in hits {
                writeln!(out, "{}", harrier::text::sanitize::json_line(&h.event)?)?;
            }
        }
        Format::Table => {
            writeln!(
                out,
                "{:<23} {:<10} {:<28} {:<30} {:<22} {:<3} {:<22} {:<26} RESULT",
                "TIME", "SOURCE", "OPERATION", "ACTOR", "IP", "CC", "APP", "TARGET"
            )?;
            for h in hits {
                let e = &h.event;
                writeln!(
                    out,
                    "{:<23} {:<10} {:<28} {:<30} {:<22} {:<3} {:<22} {:<26} {}",
                    show(e.ts, tz),
                    e.source.map(|s| s.short()).unwrap_or("?"),
                    cell(&e.operation, 28),
                    cell(e.actor_label(), 30),
                    cell(&e.net.ip.map(|i| i.to_string()).unwrap_or_default(), 22),
                    cell(e.net.country.as_deref().unwrap_or(""), 3),
                    cell(e.app_label(), 22),
                    cell(&e.target_label(), 26),
                    e.result.as_str()
                )?;
            }
            writeln!(out, "{} of {} events", hits.len(), total)?;
        }
    }
    Ok(())
}
