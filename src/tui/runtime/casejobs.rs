//! Writes of case work (runbook steps, triage, suppression, notes, bookmarks) and exports, run off the UI thread
//! through the core ([`crate::case::state`], [`crate::report::export`]): each takes the state lock, writes
//! atomically, logs the activity, and comes back with the case work read again so the screen shows what is saved.

use super::context::JobContext;
use crate::analytics::saved::SavedAlert;
use crate::case::state::{suppress, CaseState};
use crate::index::query::ParsedQuery;
use crate::report::export::{export_events, ExportFormat};
use crate::tui::state::casebook::load;
use crate::tui::state::export::ExportMeter;
use crate::tui::update::action::Action;
use crate::tui::update::job::{CaseJob, ExportPath};
use std::path::PathBuf;
use std::sync::atomic::Ordering;

/// Runs one case job on the calling thread.
pub fn execute(ctx: &JobContext, job: CaseJob) -> Action {
    let state = CaseState::of(&ctx.case, &ctx.env);
    match job {
        CaseJob::Load => Action::CaseLoaded { result: load(&state).map(Box::new) },
        CaseJob::SetStep { alert_id, analytic, step_id, done, note } => saved_as(&state, || {
            let rb = crate::runbook::for_alert(&analytic);
            let p = state.set_step(&alert_id, rb, &step_id, done, note.as_deref()).map_err(|e| e.to_string())?;
            Ok(match done {
                Some(_) => format!("step {step_id} {}", if p.done { "done" } else { "not done" }),
                None => format!("note on step {step_id} saved"),
            })
        }),
        CaseJob::SetTriage { alert_id, status, reason } => saved_as(&state, || {
            state.set_triage(&alert_id, status, reason.as_deref()).map_err(|e| e.to_string())?;
            Ok(format!("alert {alert_id}: {}", status.title()))
        }),
        CaseJob::BulkTriage { entity, status, reason } => saved_as(&state, || {
            let alerts = saved_alerts(ctx)?;
            let ids = state.bulk_triage(&alerts, &entity, status, reason.as_deref()).map_err(|e| e.to_string())?;
            Ok(format!("{} alerts naming {}:{} set to {}", ids.len(), entity.kind, entity.value, status.title()))
        }),
        CaseJob::PlanSuppression { gen, alert_id } => {
            let result = saved_alerts(ctx).and_then(|alerts| {
                let alert = alerts
                    .iter()
                    .find(|a| a.id == alert_id)
                    .ok_or_else(|| format!("alert {alert_id} is not in {}", ctx.case.alerts_path().display()))?;
                suppress::plan_suppression(&ctx.case, alert).map(Box::new).map_err(|e| e.to_string())
            });
            Action::SuppressionPlanned { gen, result }
        }
        CaseJob::ApplySuppression { plan } => saved_as(&state, || {
            state.apply_suppression(&plan).map_err(|e| e.to_string())?;
            Ok(format!("{} updated; run detection again to see the effect", plan.path.display()))
        }),
        CaseJob::AppendNote { text } => saved_as(&state, || {
            state.append_note(&text).map_err(|e| e.to_string())?;
            Ok(format!("note added to {}", state.notes_path().display()))
        }),
        CaseJob::AddBookmark { bookmark } => bookmarks_as(&state, || {
            let added = state.add_bookmark(*bookmark).map_err(|e| e.to_string())?;
            Ok(if added { "bookmarked (5 lists them)".into() } else { "already bookmarked".into() })
        }),
        CaseJob::RemoveBookmark { event_id, source } => bookmarks_as(&state, || {
            state.remove_bookmark(&event_id, Some(&source)).map_err(|e| e.to_string())?;
            Ok("bookmark removed".into())
        }),
        CaseJob::AnnotateBookmark { event_id, source, add, remove, comment } => bookmarks_as(&state, || {
            state
                .annotate_bookmark(&event_id, Some(&source), &add, &remove, comment.as_deref())
                .map_err(|e| e.to_string())?;
            Ok("bookmark annotated".into())
        }),
        CaseJob::Export { query, format, path, meter } => {
            let path = match path {
                ExportPath::InState(name) => ctx.case.state_dir.join(crate::case::paths::EXPORTS).join(name),
                ExportPath::Given(p) => p,
            };
            Action::ExportDone { result: export(ctx, &query, format, &path, &meter) }
        }
    }
}

fn saved_as(state: &CaseState, write: impl FnOnce() -> Result<String, String>) -> Action {
    let result = write().and_then(|msg| load(state).map(|book| (msg, Box::new(book))));
    Action::CaseSaved { result }
}

fn bookmarks_as(state: &CaseState, write: impl FnOnce() -> Result<String, String>) -> Action {
    let result = write().and_then(|msg| state.bookmarks().map(|list| (msg, list)).map_err(|e| e.to_string()));
    Action::BookmarksChanged { result }
}

/// The alerts of the saved detection run. Only the alert list is read, so a file whose other sections come from
/// an older run still serves triage and suppression.
fn saved_alerts(ctx: &JobContext) -> Result<Vec<SavedAlert>, String> {
    #[derive(serde::Deserialize)]
    struct AlertList {
        #[serde(default)]
        alerts: Vec<SavedAlert>,
    }
    const MAX_ALERTS_BYTES: u64 = 512 * 1024 * 1024;
    let path = ctx.case.alerts_path();
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > MAX_ALERTS_BYTES) {
        return Err(format!("{} is larger than any detection result", path.display()));
    }
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("{} does not exist: run detection first", path.display()))
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    serde_json::from_slice::<AlertList>(&bytes).map(|l| l.alerts).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes the export to a temporary file beside `path` and renames it into place when complete.
fn export(
    ctx: &JobContext,
    query: &ParsedQuery,
    format: ExportFormat,
    path: &std::path::Path,
    meter: &ExportMeter,
) -> Result<(PathBuf, u64), String> {
    let ix = ctx.index.as_ref().map_err(|e| e.clone())?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".partial");
    let tmp = path.with_file_name(tmp_name);
    let file = std::fs::File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let mut progress = |p: crate::report::export::ExportProgress| {
        meter.done.store(p.done, Ordering::Relaxed);
        meter.total.store(p.total, Ordering::Relaxed);
        true
    };
    let written = export_events(ix, query, format, &mut out, &mut progress)
        .and_then(|s| {
            use std::io::Write;
            out.flush()?;
            Ok(s)
        })
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("{}: {e}", path.display())
        })?;
    drop(out);
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((path.to_path_buf(), written.written))
}
