//! The case-work subcommands: triage, runbook progress, notes, bookmarks, suppression, activity, report, export
//! (the last two live in `reporting`). Everything the workbench records about a case can be read and changed from
//! here.

use crate::prepare::{ensure_ingested, Invocation};
use crate::reporting::{self, EventSelection};
use crate::usage::usage;
use crate::{outln, Command};
use anyhow::{anyhow, bail, Result};
use harrier::analytics::saved::{self, SavedAlert, SavedDetection};
use harrier::case::state::{suppress, Bookmark, CaseState, EntityFilter, TriageStatus};
use harrier::case::Case;
use harrier::index::CaseIndex;
use harrier::runbook;
use harrier::runenv::RunEnv;
use harrier::text::sanitize::{cell, clean};
use harrier::time::format::show;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Runs one case-work subcommand; returns the exit code.
pub fn run(command: Command, env: &RunEnv, state_dir: Option<&Path>, quiet: bool) -> Result<u8> {
    let inv = Invocation { env, state_dir, quiet };
    match command {
        Command::Report { case, format, output } => reporting::report(inv, &case, format, output),
        Command::Export { case, format, output, pivot, query, from, to } => {
            reporting::export(inv, &case, format, output, EventSelection { pivot, query, from, to })
        }
        Command::Triage { case, alert, status, reason, entity, json } => {
            triage(inv, &case, alert, TriageChange { status, reason, entity }, json)
        }
        Command::Runbook { case, alert, step, done, undone, note } => {
            checklist(inv, &case, &alert, step, StepChange { done, undone, note })
        }
        Command::Note { case, add, replace } => notes(inv, &case, add, replace),
        Command::Bookmark { case, event, source, tag, untag, comment, remove, json } => {
            bookmark(inv, &case, event, source, BookmarkChange { tag, untag, comment, remove }, json)
        }
        Command::Suppress { case, alert, apply } => suppression(inv, &case, &alert, apply),
        Command::Activity { case, json } => activity(inv, &case, json),
        other => bail!("{other:?} is not a case-work command"),
    }
}

/// What `harrier triage` was asked to change: a status with its reason, for one alert or every alert naming an
/// entity.
struct TriageChange {
    status: Option<String>,
    reason: Option<String>,
    entity: Option<String>,
}

/// `harrier triage`: sets the status of one alert or of every alert naming an entity, or lists the triage.
fn triage(inv: Invocation, case: &Path, alert: Option<String>, change: TriageChange, json: bool) -> Result<u8> {
    let case = inv.open(case)?;
    let tz = inv.zone(&case)?;
    let detection = alerts(&case, &inv)?;
    let state = CaseState::of(&case, inv.env);
    let TriageChange { status, reason, entity } = change;
    let status = status.map(|s| s.parse::<TriageStatus>().map_err(|e| usage(format!("--status: {e}")))).transpose()?;
    match (status, alert, entity) {
        (Some(status), _, Some(entity)) => {
            let filter: EntityFilter = entity.parse().map_err(|e| usage(format!("--entity: {e}")))?;
            let ids = state.bulk_triage(&detection.alerts, &filter, status, reason.as_deref())?;
            if !inv.quiet {
                outln!("{} alert(s) set to {status}:", ids.len());
                for id in ids {
                    outln!("  {id}");
                }
            }
        }
        (Some(status), Some(id), None) => {
            known_alert(&detection, &id)?;
            let e = state.set_triage(&id, status, reason.as_deref())?;
            if !inv.quiet {
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

/// What `harrier runbook` was asked to change on a step: tick it, untick it, note what it showed.
struct StepChange {
    done: bool,
    undone: bool,
    note: Option<String>,
}

/// `harrier runbook`: ticks or notes one step of an alert's runbook, or prints the checklist.
fn checklist(inv: Invocation, case: &Path, alert: &str, step: Option<String>, change: StepChange) -> Result<u8> {
    let case = inv.open(case)?;
    let tz = inv.zone(&case)?;
    let detection = alerts(&case, &inv)?;
    let a = known_alert(&detection, alert)?;
    let rb = runbook::for_alert(&a.analytic);
    let state = CaseState::of(&case, inv.env);
    if let Some(step) = step {
        let flag = if change.done {
            Some(true)
        } else if change.undone {
            Some(false)
        } else {
            None
        };
        let p = state.set_step(&a.id, rb, &step, flag, change.note.as_deref())?;
        if !inv.quiet {
            outln!("{} {} [{}]", a.id, step.trim(), if p.done { "x" } else { " " });
        }
        return Ok(0);
    }
    if change.done || change.undone || change.note.is_some() {
        bail!("name the step to change (see `harrier runbook CASE {}`)", a.id);
    }
    print_checklist(&state, a, rb, tz)?;
    Ok(0)
}

/// Prints an alert's runbook phase by phase, each step with its tick, note, and who ticked it when.
fn print_checklist(state: &CaseState, a: &SavedAlert, rb: &runbook::Runbook, tz: chrono_tz::Tz) -> Result<()> {
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
    Ok(())
}

/// `harrier note`: adds a paragraph to the case notes, replaces them from a file, or prints them.
fn notes(inv: Invocation, case: &Path, add: Option<String>, replace: Option<PathBuf>) -> Result<u8> {
    let case = inv.open(case)?;
    let state = CaseState::of(&case, inv.env);
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
                writeln!(out, "{}", line.chars().filter(|c| !c.is_control() || *c == '\t').collect::<String>())?;
            }
        }
    }
    Ok(0)
}

/// What `harrier bookmark` was asked to change on an event's bookmark: tags, comment, or removing it.
struct BookmarkChange {
    tag: Vec<String>,
    untag: Vec<String>,
    comment: Option<String>,
    remove: bool,
}

/// `harrier bookmark`: bookmarks an event (and tags or comments it), removes a bookmark, or lists them.
fn bookmark(
    inv: Invocation,
    case: &Path,
    event: Option<String>,
    source: Option<String>,
    change: BookmarkChange,
    json: bool,
) -> Result<u8> {
    let case = inv.open(case)?;
    let tz = inv.zone(&case)?;
    let state = CaseState::of(&case, inv.env);
    let Some(event) = event.map(|e| e.trim().to_string()).filter(|e| !e.is_empty()) else {
        let list = state.bookmarks()?;
        if json {
            outln!("{}", harrier::text::sanitize::json_pretty(&serde_json::json!({"bookmarks": list}))?);
        } else {
            print_bookmarks(&list, tz)?;
        }
        return Ok(0);
    };
    let source = source.as_deref();
    if change.remove {
        let n = state.remove_bookmark(&event, source)?;
        if !inv.quiet {
            outln!("removed {n} bookmark(s)");
        }
        return Ok(0);
    }
    let known = state.bookmarks()?.iter().any(|b| b.event_id == event && source.is_none_or(|s| b.source == s));
    if !known {
        add_bookmark(inv, &case, &state, &event, source)?;
    }
    let BookmarkChange { tag, untag, comment, .. } = change;
    if !tag.is_empty() || !untag.is_empty() || comment.is_some() {
        state.annotate_bookmark(&event, source, &tag, &untag, comment.as_deref())?;
    }
    if !inv.quiet {
        outln!("bookmarked {event}");
    }
    Ok(0)
}

/// Bookmarks the one indexed event with id `event` (in `source`, when several sources share the id).
fn add_bookmark(inv: Invocation, case: &Case, state: &CaseState, event: &str, source: Option<&str>) -> Result<()> {
    ensure_ingested(case, inv.env, inv.quiet)?;
    let index = CaseIndex::open(&case.index_dir())?;
    let hits: Vec<_> = index
        .by_id(event)?
        .into_iter()
        .filter(|h| source.is_none_or(|s| h.event.source.is_some_and(|x| x.as_str() == s)))
        .collect();
    let hit = match hits.as_slice() {
        [h] => h,
        [] => bail!("no event with id {event} in the case"),
        many => {
            let sources: Vec<&str> = many.iter().filter_map(|h| h.event.source.map(|s| s.as_str())).collect();
            bail!("event id {event} is in several sources ({}); give --source", sources.join(", "))
        }
    };
    state.add_bookmark(Bookmark::of(&hit.event, state.now()))?;
    Ok(())
}

/// `harrier suppress`: shows the case.toml change that silences an alert, and writes it with `--apply`.
fn suppression(inv: Invocation, case: &Path, alert: &str, apply: bool) -> Result<u8> {
    let case = inv.open(case)?;
    let detection = alerts(&case, &inv)?;
    let a = known_alert(&detection, alert)?;
    let plan = suppress::plan_suppression(&case, a)?;
    let mut out = std::io::stdout().lock();
    for c in &plan.changes {
        writeln!(out, "{}", clean(&c.describe()))?;
    }
    write!(out, "{}", clean_lines(&plan.diff()))?;
    if apply {
        CaseState::of(&case, inv.env).apply_suppression(&plan)?;
        writeln!(out, "case.toml updated; run `harrier detect` to see the effect")?;
    } else {
        writeln!(out, "(preview only: add --apply to write case.toml)")?;
    }
    Ok(0)
}

/// `harrier activity`: prints the log of analyst-state changes, as a table or JSON lines.
fn activity(inv: Invocation, case: &Path, json: bool) -> Result<u8> {
    let case = inv.open(case)?;
    let tz = inv.zone(&case)?;
    let (entries, damaged) = CaseState::of(&case, inv.env).activity()?;
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

/// The case's alerts: saved results when fresh, else ingest and detect as `open` does.
fn alerts(case: &Case, inv: &Invocation) -> Result<SavedDetection> {
    if harrier::case::detection::is_fresh(case) {
        if let Some(d) = saved::load(&case.alerts_path())? {
            return Ok(d);
        }
    }
    ensure_ingested(case, inv.env, inv.quiet)?;
    Ok(harrier::case::detection::load_or_detect(case, inv.env.now())?)
}

fn known_alert<'a>(d: &'a SavedDetection, id: &str) -> Result<&'a SavedAlert> {
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
