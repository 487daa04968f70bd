//! The subcommands that write a case out: `report` (the case report) and `export` (events for other tools).

use crate::args::PivotArgs;
use crate::prepare::{apply_bounds, ensure_ingested, Invocation};
use crate::usage::usage;
use crate::{ExportFormatArg, ReportFormatArg};
use anyhow::{anyhow, Context, Result};
use harrier::case::state::CaseState;
use harrier::case::write_atomic;
use harrier::index::query::ParsedQuery;
use harrier::index::CaseIndex;
use harrier::report::export::{export_events, ExportFormat, ExportProgress, ExportSummary};
use harrier::report::{self, ReportFormat};
use harrier::runenv::RunEnv;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Which events an export takes: a pivot or a query, within optional time bounds.
pub struct EventSelection {
    /// `--user`, `--ip`, …: follow one entity.
    pub pivot: PivotArgs,
    /// `--query`: a search in the query language, when no pivot is given.
    pub query: Option<String>,
    /// `--from` / `--to`: time bounds as the user typed them.
    pub from: Option<String>,
    pub to: Option<String>,
}

impl EventSelection {
    /// The selection as an index query; a bad query or time is a usage error.
    fn query(self, tz: chrono_tz::Tz) -> Result<ParsedQuery> {
        let mut q = match (self.pivot.chosen(), self.query) {
            (Some((field, value)), _) => ParsedQuery::pivot(field, &value),
            (None, Some(text)) => ParsedQuery::parse(&text).map_err(|e| usage(format!("--query: {e}")))?,
            (None, None) => ParsedQuery::default(),
        };
        apply_bounds(&mut q, self.from.as_deref(), self.to.as_deref(), tz)?;
        Ok(q)
    }
}

/// `harrier report`: builds the case report and writes it to `output`, else to standard output.
pub fn report(inv: Invocation, case: &Path, format: ReportFormatArg, output: Option<PathBuf>) -> Result<u8> {
    let case = inv.open(case)?;
    let tz = inv.zone(&case)?;
    ensure_ingested(&case, inv.env, inv.quiet)?;
    let report = report::for_case(&case, &CaseState::of(&case, inv.env), tz, generated_at(inv.env)?)?;
    let format = match format {
        ReportFormatArg::Md => ReportFormat::Markdown,
        ReportFormatArg::Html => ReportFormat::Html,
        ReportFormatArg::Json => ReportFormat::Json,
    };
    let text = report::render(&report, format);
    match output {
        Some(path) => {
            write_atomic(&path, text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
            if !inv.quiet {
                eprintln!("harrier: report written to {}", path.display());
            }
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(0)
}

/// The "generated at" time of a report: `SOURCE_DATE_EPOCH` when set (reproducible builds of a report), else now.
fn generated_at(env: &RunEnv) -> Result<chrono::DateTime<chrono::Utc>> {
    env.report_time.clone().map_err(|e| anyhow!(e))
}

/// `harrier export`: writes the selected events to `output` (else standard output), with progress on a terminal
/// and a closing count unless quiet.
pub fn export(
    inv: Invocation,
    case: &Path,
    format: ExportFormatArg,
    output: Option<PathBuf>,
    selection: EventSelection,
) -> Result<u8> {
    let case = inv.open(case)?;
    let tz = inv.zone(&case)?;
    ensure_ingested(&case, inv.env, inv.quiet)?;
    let q = selection.query(tz)?;
    let format = match format {
        ExportFormatArg::Jsonl => ExportFormat::Jsonl,
        ExportFormatArg::Csv => ExportFormat::Csv,
        ExportFormatArg::Timesketch => ExportFormat::Timesketch,
    };
    let index = CaseIndex::open(&case.index_dir())?;
    let show_progress = !inv.quiet && output.is_some() && std::io::stderr().is_terminal();
    let summary = write_events(&index, &q, format, output.as_deref(), show_progress)?;
    if show_progress {
        eprintln!();
    }
    if !inv.quiet {
        print_export_summary(&summary);
    }
    Ok(0)
}

/// Writes the events `q` selects to the file `output`, else to standard output.
fn write_events(
    index: &CaseIndex,
    q: &ParsedQuery,
    format: ExportFormat,
    output: Option<&Path>,
    show_progress: bool,
) -> Result<ExportSummary> {
    let mut progress = |p: ExportProgress| {
        if show_progress {
            eprint!("\rexport: {}/{} events", p.done, p.total);
        }
        true
    };
    let summary = match output {
        Some(path) => {
            let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
            export_events(index, q, format, &mut w, &mut progress)?
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            export_events(index, q, format, &mut w, &mut progress)?
        }
    };
    Ok(summary)
}

/// The closing line of an export: how many events were written, and what was left out.
fn print_export_summary(summary: &ExportSummary) {
    let mut line = format!("harrier: exported {} event(s)", summary.written);
    if summary.skipped_without_time > 0 {
        line.push_str(&format!("; {} without a time left out", summary.skipped_without_time));
    }
    if summary.unreadable > 0 {
        line.push_str(&format!("; {} unreadable stored event(s) skipped", summary.unreadable));
    }
    eprintln!("{line}");
}
