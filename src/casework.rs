//! The case-work subcommands: triage, runbook progress, notes, bookmarks, suppression, activity, report, export.
//! Everything the workbench records about a case can be read and changed from here.

use crate::prepare::{apply_bounds, ensure_ingested, open_case, zone};
use crate::usage::usage;
use crate::{outln, Command, ExportFormatArg, ReportFormatArg};
use anyhow::{anyhow, bail, Context, Result};
use harrier::analytics::saved::{self, SavedDetection};
use harrier::case::state::{suppress, Bookmark, CaseState, EntityFilter, TriageStatus};
use harrier::case::{write_atomic, Case};
use harrier::index::query::ParsedQuery;
use harrier::index::CaseIndex;
use harrier::report::export::{export_events, ExportFormat};
use harrier::report::{self, ReportFormat};
use harrier::runbook;
use harrier::runenv::RunEnv;
use harrier::text::sanitize::{cell, clean};
use harrier::time::format::show;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Runs one case-work subcommand; returns the exit code.
pub fn run(command: Command, env: &RunEnv, state_dir: Option<&Path>, quiet: bool) -> Result<u8> {
    let tz = &env.tz;
    match command {
        Command::Report { case, format, output } => {
            let case = open_case(&case, state_dir)?;
            let tz = zone(tz, &case)?;
            ensure_ingested(&case, quiet)?;
            let report = report::for_case(&case, &CaseState::of(&case, env), tz, generated_at(env)?)?;
            let format = match format {
                ReportFormatArg::Md => ReportFormat::Markdown,
                ReportFormatArg::Html => ReportFormat::Html,
                ReportFormatArg::Json => ReportFormat::Json,
            };
            let text = report::render(&report, format);
            match output {
                Some(path) => {
                    write_atomic(&path, text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
                    if !quiet {
                        eprintln!("harrier: report written to {}", path.display());
                    }
                }
                None => std::io::stdout().lock().write_all(text.as_bytes())?,
            }
            Ok(0)
        }
        Command::Export { case, format, output, pivot, query, from, to } => {
            let case = open_case(&case, state_dir)?;
            let tz = zone(tz, &case)?;
            ensure_ingested(&case, quiet)?;
            let mut q = match (pivot.chosen(), query) {
                (Some((field, value)), _) => ParsedQuery::pivot(field, &value),
                (None, Some(text)) => ParsedQuery::parse(&text).map_err(|e| usage(format!("--query: {e}")))?,
                (None, None) => ParsedQuery::default(),
            };
            apply_bounds(&mut q, from.as_deref(), to.as_deref(), tz)?;
            let format = match format {
                ExportFormatArg::Jsonl => ExportFormat::Jsonl,
                ExportFormatArg::Csv => ExportFormat::Csv,
                ExportFormatArg::Timesketch => ExportFormat::Timesketch,
            };
            let index = CaseIndex::open(&case.index_dir())?;
            let show_progress = !quiet && output.is_some() && std::io::stderr().is_terminal();
            let mut progress = |p: harrier::report::export::ExportProgress| {
                if show_progress {
                    eprint!("\rexport: {}/{} events", p.done, p.total);
                }
                true
            };
            let summary = match &output {
                Some(path) => {
                    let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
                    let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
                    export_events(&index, &q, format, &mut w, &mut progress)?
                }
                None => {
                    let stdout = std::io::stdout();
                    let mut w = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
                    export_events(&index, &q, format, &mut w, &mut progress)?
                }
            };
            if show_progress {
                eprintln!();
            }
            if !quiet {
                let mut line = format!("harrier: exported {} event(s)", summary.written);
                if summary.skipped_without_time > 0 {
                    line.push_str(&format!("; {} without a time left out", summary.skipped_without_time));
                }
                if summary.unreadable > 0 {
                    line.push_str(&format!("; {} unreadable stored event(s) skipped", summary.unreadable));
                }
                eprintln!("{line}");
            }
            Ok(0)
        }
        Command::Triage { case, alert, status, reason, entity, json } => {
            let case = open_case(&case, state_dir)?;
            let tz = zone(tz, &case)?;
            let detection = alerts(&case, quiet)?;
            let state = CaseState::of(&case, env);
            let status =
                status.map(|s| s.parse::<TriageStatus>().map_err(|e| usage(format!("--status: {e}")))).transpose()?;
            match (status, alert, entity) {
                (Some(status), _, Some(entity)) => {
                    let filter: EntityFilter = entity.parse().map_err(|e| usage(format!("--entity: {e}")))?;
                    let ids = state.bulk_triage(&detection.alerts, &filter, status, reason.as_deref())?;
                    if !quiet {
                        outln!("{} alert(s) set to {status}:", ids.len());
                        for id in ids {
                            outln!("  {id}");
                        }
                    }
                }
                (Some(status), Some(id), None) => {
                    known_alert(&detection, &id)?;
                    let e = state.set_triage(&id, status, reason.as_deref())?;
                    if !quiet {
                        outln!("{} {} by {} at {}", id.trim(), e.status, clean(&e.by), show(Some(e.at), tz));
                    }
                }
                (Some(_), None, None) => return Err(usage("--status needs an alert id or --entity KIND:VALUE")),
                (None, alert, _) => {
                    if reason.is_some() {
                        return Err(usage("--reason goes with --status"));
                    }
                    print_triage(&state, &detection, alert.as_deref(), json, tz)?;
                }
            }
            Ok(0)
        }
        Command::Runbook { case, alert, step, done, undone, note } => {
            let case = open_case(&case, state_dir)?;
            let tz = zone(tz, &case)?;
            let detection = alerts(&case, quiet)?;
            let a = known_alert(&detection, &alert)?;
            let rb = runbook::for_analytic(&a.analytic).unwrap_or_else(runbook::general);
            let state = CaseState::of(&case, env);
            if let Some(step) = step {
                let flag = if done {
                    Some(true)
                } else if undone {
                    Some(false)
                } else {
                    None
                };
                let p = state.set_step(&a.id, rb, &step, flag, note.as_deref())?;
                if !quiet {
                    outln!("{} {} [{}]", a.id, step.trim(), if p.done { "x" } else { " " });
                }
                return Ok(0);
            }
            if done || undone || note.is_some() {
                bail!("name the step to change (see `harrier runbook CASE {}`)", a.id);
            }
            let progress = state.progress()?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{} · {} ({}/{} done)", rb.title(), a.id, progress.done_count(&a.id, rb), rb.step_count())?;
            for phase in runbook::Phase::ALL {
                writeln!(out, "\n{}", phase.title())?;
                for s in rb.phase(phase) {
                    let p = progress.step(&a.id, &s.id);
                    let mark = if p.is_some_and(|p| p.done) { "x" } else { " " };
                    writeln!(out, "  [{mark}] {:<24} {}", s.id, s.title)?;
                    if let Some(p) = p {
                        if let Some(n) = &p.note {
                            writeln!(out, "        note: {}", clean(n))?;
                        }
                        writeln!(out, "        {} at {}", clean(&p.by), show(Some(p.at), tz))?;
                    }
                }
            }
            Ok(0)
        }
        Command::Note { case, add, replace } => {
            let case = open_case(&case, state_dir)?;
            let state = CaseState::of(&case, env);
            match (add, replace) {
                (Some(text), _) => state.append_note(&text)?,
                (None, Some(path)) => {
                    use harrier::case::bounded::{read_text, read_text_from, NOTES_MAX};
                    let text = if path.as_os_str() == "-" {
                        read_text_from(std::io::stdin().lock(), "standard input", NOTES_MAX)?
                    } else {
                        read_text(&path, NOTES_MAX)?
                    };
                    state.set_notes(&text)?;
                }
                (None, None) => {
                    let notes = state.notes()?;
                    let mut out = std::io::stdout().lock();
                    for line in notes.lines() {
                        writeln!(
                            out,
                            "{}",
                            line.chars().filter(|c| !c.is_control() || *c == '\t').collect::<String>()
                        )?;
                    }
                }
            }
            Ok(0)
        }
        Command::Bookmark { case, event, source, tag, untag, comment, remove, json } => {
            let case = open_case(&case, state_dir)?;
            let tz = zone(tz, &case)?;
            let state = CaseState::of(&case, env);
            let Some(event) = event.map(|e| e.trim().to_string()).filter(|e| !e.is_empty()) else {
                let list = state.bookmarks()?;
                if json {
                    outln!("{}", harrier::text::sanitize::json_pretty(&serde_json::json!({"bookmarks": list}))?);
                } else {
                    print_bookmarks(&list, tz)?;
                }
                return Ok(0);
            };
            if remove {
                let n = state.remove_bookmark(&event, source.as_deref())?;
                if !quiet {
                    outln!("removed {n} bookmark(s)");
                }
                return Ok(0);
            }
            let known = state
                .bookmarks()?
                .iter()
                .any(|b| b.event_id == event && source.as_deref().is_none_or(|s| b.source == s));
            if !known {
                ensure_ingested(&case, quiet)?;
                let index = CaseIndex::open(&case.index_dir())?;
                let hits: Vec<_> = index
                    .by_id(&event)?
                    .into_iter()
                    .filter(|h| source.as_deref().is_none_or(|s| h.event.source.is_some_and(|x| x.as_str() == s)))
                    .collect();
                let hit = match hits.as_slice() {
                    [h] => h,
                    [] => bail!("no event with id {event} in the case"),
                    many => {
                        let sources: Vec<&str> =
                            many.iter().filter_map(|h| h.event.source.map(|s| s.as_str())).collect();
                        bail!("event id {event} is in several sources ({}); give --source", sources.join(", "))
                    }
                };
                state.add_bookmark(Bookmark::of(&hit.event, state.now()))?;
            }
            if !tag.is_empty() || !untag.is_empty() || comment.is_some() {
                state.annotate_bookmark(&event, source.as_deref(), &tag, &untag, comment.as_deref())?;
            }
            if !quiet {
                outln!("bookmarked {event}");
            }
            Ok(0)
        }
        Command::Suppress { case, alert, apply } => {
            let case = open_case(&case, state_dir)?;
            let detection = alerts(&case, quiet)?;
            let a = known_alert(&detection, &alert)?;
            let plan = suppress::plan_suppression(&case, a)?;
            let mut out = std::io::stdout().lock();
            for c in &plan.changes {
                writeln!(out, "{}", clean(&c.describe()))?;
            }
            write!(out, "{}", clean_lines(&plan.diff()))?;
            if apply {
                CaseState::of(&case, env).apply_suppression(&plan)?;
                writeln!(out, "case.toml updated; run `harrier detect` to see the effect")?;
            } else {
                writeln!(out, "(preview only: add --apply to write case.toml)")?;
            }
            Ok(0)
        }
        Command::Activity { case, json } => {
            let case = open_case(&case, state_dir)?;
            let tz = zone(tz, &case)?;
            let (entries, damaged) = CaseState::of(&case, env).activity()?;
            let mut out = std::io::stdout().lock();
            for e in &entries {
                if json {
                    writeln!(out, "{}", harrier::text::sanitize::json_line(e)?)?;
                } else {
                    writeln!(
                        out,
                        "{}  {:<12} {:<18} {}",
                        show(Some(e.at), tz),
                        cell(&e.by, 12),
                        cell(&e.action, 18),
                        cell(&e.details.to_string(), 160)
                    )?;
                }
            }
            if damaged > 0 {
                eprintln!("harrier: {damaged} damaged line(s) in the activity log were skipped");
            }
            Ok(0)
        }
        other => bail!("{other:?} is not a case-work command"),
    }
}

/// The "generated at" time of a report: `SOURCE_DATE_EPOCH` when set (reproducible builds of a report), else now.
fn generated_at(env: &RunEnv) -> Result<chrono::DateTime<chrono::Utc>> {
    env.report_time.clone().map_err(|e| anyhow!(e))
}

/// The case's alerts: saved results when fresh, else ingest and detect as `open` does.
fn alerts(case: &Case, quiet: bool) -> Result<SavedDetection> {
    if harrier::case::detection::is_fresh(case) {
        if let Some(d) = saved::load(&case.alerts_path())? {
            return Ok(d);
        }
    }
    ensure_ingested(case, quiet)?;
    Ok(harrier::case::detection::load_or_detect(case)?)
}

fn known_alert<'a>(d: &'a SavedDetection, id: &str) -> Result<&'a harrier::analytics::saved::SavedAlert> {
    d.alert(id).ok_or_else(|| anyhow!("no alert '{}' in this case (see `harrier triage CASE` for the list)", id.trim()))
}

fn clean_lines(text: &str) -> String {
    text.lines().map(|l| format!("{}\n", clean(l))).collect()
}

fn print_triage(
    state: &CaseState,
    d: &SavedDetection,
    only: Option<&str>,
    json: bool,
    tz: chrono_tz::Tz,
) -> Result<()> {
    let book = state.triage()?;
    let alerts: Vec<_> = match only {
        Some(id) => vec![known_alert(d, id)?],
        None => d.alerts.iter().collect(),
    };
    let mut out = std::io::stdout().lock();
    if json {
        let rows: Vec<_> = alerts
            .iter()
            .map(|a| {
                let e = book.get(&a.id);
                serde_json::json!({
                    "id": a.id, "analytic": a.analytic, "severity": a.severity, "title": a.title,
                    "status": book.status_of(&a.id), "reason": e.and_then(|e| e.reason.clone()),
                    "by": e.map(|e| e.by.clone()), "at": e.map(|e| e.at),
                    "history": e.map(|e| e.history.clone()).unwrap_or_default(),
                })
            })
            .collect();
        writeln!(out, "{}", harrier::text::sanitize::json_pretty(&serde_json::json!({"alerts": rows}))?)?;
        return Ok(());
    }
    writeln!(out, "{:<16} {:<8} {:<21} {:<7} TITLE", "STATUS", "SEVERITY", "ALERT", "ANALYTIC")?;
    for a in &alerts {
        writeln!(
            out,
            "{:<16} {:<8} {:<21} {:<7} {}",
            book.status_of(&a.id).as_str(),
            a.severity.as_str(),
            a.id,
            a.analytic,
            cell(&a.title, 90)
        )?;
        if only.is_some() {
            if let Some(e) = book.get(&a.id) {
                for h in &e.history {
                    let why = h.reason.as_deref().map(|r| format!(": {}", clean(r))).unwrap_or_default();
                    writeln!(out, "    {} {} by {}{why}", show(Some(h.at), tz), h.status, clean(&h.by))?;
                }
            }
        }
    }
    Ok(())
}

fn print_bookmarks(list: &[Bookmark], tz: chrono_tz::Tz) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<23} {:<22} {:<28} {:<30} {:<18} TAGS / COMMENT",
        "TIME", "SOURCE", "OPERATION", "ACTOR", "EVENT"
    )?;
    for b in list {
        writeln!(
            out,
            "{:<23} {:<22} {:<28} {:<30} {:<18} {} {}",
            show(b.ts, tz),
            cell(&b.source, 22),
            cell(&b.operation, 28),
            cell(&b.actor, 30),
            cell(&b.event_id, 18),
            cell(&b.tags.join(","), 40),
            cell(b.comment.as_deref().unwrap_or(""), 80)
        )?;
    }
    writeln!(out, "{} bookmark(s)", list.len())?;
    Ok(())
}
