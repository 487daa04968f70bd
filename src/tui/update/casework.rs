//! Case work from the workbench: the runbook checklist of an alert, triage, suppression, notes, bookmark
//! annotations and exports. Changes are asked of the core through jobs; the screen follows what is saved.

use super::navigation::push_view;
use super::pivot::open_timeline;
use crate::case::state::{EntityFilter, StepProgress, TriageStatus};
use crate::index::query::ParsedQuery;
use crate::report::export::ExportFormat;
use crate::tui::state::app::App;
use crate::tui::state::casebook::{checklist, pivot_entities, runbook_of};
use crate::tui::state::export::{ExportMeter, RunningExport};
use crate::tui::state::prompt::{Prompt, PromptKind};
use crate::tui::state::view::View;
use crate::tui::update::job::{CaseJob, ExportPath, Job};

/// `r`: moves the keys between the alert's pivots and its runbook checklist.
pub(super) fn toggle_runbook(app: &mut App) -> Vec<Job> {
    match app.stack.last_mut() {
        Some(View::AlertDetail { step, .. }) => {
            *step = match step {
                Some(_) => None,
                None => Some(0),
            };
        }
        _ => app.warn("the runbook checklist is in an alert's detail (2, Enter)"),
    }
    Vec::new()
}

/// The alert and step index selected in the checklist of the alert detail on top.
fn selected_step(app: &App) -> Option<(String, usize)> {
    match app.top() {
        View::AlertDetail { alert_id, step: Some(i), .. } => Some((alert_id.clone(), *i)),
        _ => None,
    }
}

/// `x`/Space: ticks or unticks the selected step, at once on screen and saved through the core.
pub(super) fn tick(app: &mut App) -> Vec<Job> {
    let Some((alert_id, i)) = selected_step(app) else {
        app.warn("select a runbook step first (r in an alert's detail)");
        return Vec::new();
    };
    let Some(alert) = app.alert(&alert_id).cloned() else { return Vec::new() };
    let rb = runbook_of(&alert);
    let Some((_, step)) = checklist(rb).get(i).copied() else { return Vec::new() };
    let done = !app.case_book().step(&alert_id, &step.id).is_some_and(|p| p.done);
    let steps = app.case.value_or_default().progress.alerts.entry(alert_id.clone()).or_default();
    let entry = steps.entry(step.id.clone()).or_insert_with(|| StepProgress {
        done,
        note: None,
        by: app.env.analyst.clone(),
        at: app.env.now(),
    });
    entry.done = done;
    vec![Job::Case(CaseJob::SetStep {
        alert_id,
        analytic: alert.analytic.clone(),
        step_id: step.id.clone(),
        done: Some(done),
        note: None,
    })]
}

/// `c`: the command line, ready to edit the selected step's note or the selected bookmark's tags and comment.
pub(super) fn annotate(app: &mut App) -> Vec<Job> {
    if let Some((alert_id, i)) = selected_step(app) {
        let Some(alert) = app.alert(&alert_id) else { return Vec::new() };
        let Some((_, step)) = checklist(runbook_of(alert)).get(i).copied() else { return Vec::new() };
        let note = app.case_book().step(&alert_id, &step.id).and_then(|p| p.note.clone()).unwrap_or_default();
        app.prompt = Some(Prompt::with_text(PromptKind::Command, &format!("step-note {note}")));
        return Vec::new();
    }
    if let View::Bookmarks { cursor } = app.top() {
        if let Some(b) = app.bookmarks.get(*cursor) {
            let mut text = String::from("annotate ");
            for t in &b.tags {
                text.push_str(&format!("+{t} "));
            }
            text.push_str(b.comment.as_deref().unwrap_or(""));
            app.prompt = Some(Prompt::with_text(PromptKind::Command, text.trim_end()));
            return Vec::new();
        }
    }
    app.warn("c notes a runbook step (r in an alert's detail) or annotates a bookmark (5)");
    Vec::new()
}

/// `:step-note TEXT`: sets (empty: clears) the selected step's note.
pub(super) fn step_note(app: &mut App, text: &str) -> Result<Vec<Job>, String> {
    let (alert_id, i) = selected_step(app).ok_or("select a runbook step first (r in an alert's detail)")?;
    let alert = app.alert(&alert_id).cloned().ok_or("the alert is no longer in alerts.json")?;
    let (_, step) = checklist(runbook_of(&alert)).get(i).copied().ok_or("no such step")?;
    Ok(vec![Job::Case(CaseJob::SetStep {
        alert_id,
        analytic: alert.analytic.clone(),
        step_id: step.id.clone(),
        done: None,
        note: Some(text.trim().to_string()),
    })])
}

/// Enter on a step: opens its pivot with the alert's entities filled in.
pub(super) fn open_step(app: &mut App, alert_id: &str, i: usize) -> Vec<Job> {
    let Some(alert) = app.alert(alert_id).cloned() else { return Vec::new() };
    let Some((_, step)) = checklist(runbook_of(&alert)).get(i).copied() else { return Vec::new() };
    let Some(pivot) = &step.pivot else {
        app.notice("this step has no pivot; x ticks it, c notes it");
        return Vec::new();
    };
    let resolved = pivot.resolve(&pivot_entities(&alert));
    let Some(first) = resolved.first() else {
        app.warn(format!("the alert names none of the entities this pivot needs ({})", pivot.template()));
        return Vec::new();
    };
    let text = first.as_query();
    let query = match ParsedQuery::parse(&text) {
        Ok(q) => q,
        Err(e) => {
            app.warn(format!("pivot {text}: {e}"));
            return Vec::new();
        }
    };
    let jobs = open_timeline(app, format!("{}: {}", step.id, crate::text::sanitize::cell(&text, 60)), query);
    if resolved.len() > 1 {
        let rest: Vec<String> = resolved[1..].iter().take(3).map(|r| r.to_string()).collect();
        app.notice(format!("{} more pivots for this step: {}", resolved.len() - 1, rest.join("; ")));
    }
    jobs
}

/// `T`: the command line, ready for `:triage`; on a queue listed by incident, ready to triage the selected alert's
/// whole incident.
pub(super) fn triage_prompt(app: &mut App) -> Vec<Job> {
    if let Some(incident) = target_incident(app) {
        let mut p = Prompt::with_text(PromptKind::Command, &format!("triage-entity incident:{incident} "));
        p.hint = Some("every alert of the incident · new investigating tp fp bp, then the reason".into());
        app.prompt = Some(p);
        return Vec::new();
    }
    match target_alert(app) {
        Some(id) => {
            let cur = app.case_book().status_of(&id);
            let mut p = Prompt::with_text(PromptKind::Command, "triage ");
            p.hint = Some(format!("now {} · new investigating tp fp bp, then the reason", cur.as_str()));
            app.prompt = Some(p);
        }
        None => app.warn("select an alert (2) to triage"),
    }
    Vec::new()
}

/// The incident of the queue row under the cursor, when the queue is listed by incident and the incident holds
/// more than one alert.
fn target_incident(app: &App) -> Option<String> {
    let View::Alerts { cursor } = app.top() else { return None };
    if !app.filter.by_incident {
        return None;
    }
    let list = app.filtered_alerts();
    let incident = list.get(*cursor)?.incident.clone()?;
    (app.alerts().iter().filter(|a| a.incident.as_deref() == Some(incident.as_str())).count() > 1).then_some(incident)
}

/// The alert a triage command acts on: the open alert, else the queue row under the cursor.
fn target_alert(app: &App) -> Option<String> {
    match app.top() {
        View::AlertDetail { alert_id, .. } => Some(alert_id.clone()),
        View::Alerts { cursor } => app.filtered_alerts().get(*cursor).map(|a| a.id.clone()),
        _ => None,
    }
}

/// Splits `STATUS [REASON]`, refusing a closing status without a reason.
fn status_and_reason(args: &str, usage: &str) -> Result<(TriageStatus, Option<String>), String> {
    let (status, reason) = match args.trim().split_once(char::is_whitespace) {
        Some((s, r)) => (s, r.trim()),
        None => (args.trim(), ""),
    };
    if status.is_empty() {
        return Err(format!("{usage}: new investigating tp fp bp"));
    }
    let status: TriageStatus = status.parse()?;
    if status.is_closed() && reason.is_empty() {
        return Err(format!("{} needs a reason: type what was checked and what it showed", status.title()));
    }
    Ok((status, (!reason.is_empty()).then(|| reason.to_string())))
}

/// `:triage STATUS [REASON]` on the open or selected alert.
pub(super) fn triage(app: &mut App, args: &str) -> Result<Vec<Job>, String> {
    let alert_id = target_alert(app).ok_or("open or select an alert (2) to triage it")?;
    let (status, reason) = status_and_reason(args, ":triage STATUS [REASON]")?;
    Ok(vec![Job::Case(CaseJob::SetTriage { alert_id, status, reason })])
}

/// `:triage-entity KIND:VALUE STATUS [REASON]` on every alert naming the entity.
pub(super) fn triage_entity(args: &str) -> Result<Vec<Job>, String> {
    let (entity, rest) =
        args.trim().split_once(char::is_whitespace).ok_or(":triage-entity KIND:VALUE STATUS [REASON]")?;
    let entity: EntityFilter = entity.parse()?;
    let (status, reason) = status_and_reason(rest, ":triage-entity KIND:VALUE STATUS [REASON]")?;
    Ok(vec![Job::Case(CaseJob::BulkTriage { entity, status, reason })])
}

/// `:suppress`: asks for the `case.toml` change that silences what a false (or benign) positive found.
pub(super) fn suppress(app: &mut App) -> Result<Vec<Job>, String> {
    let alert_id = target_alert(app).ok_or("open or select an alert (2) first")?;
    let status = app.case_book().status_of(&alert_id);
    if !matches!(status, TriageStatus::FalsePositive | TriageStatus::BenignPositive) {
        return Err(format!("alert {alert_id} is {}: triage it false or benign positive first (T)", status.as_str()));
    }
    let gen = app.next_gen();
    app.suppress_plan.ask(gen);
    app.notice("computing the case.toml change…");
    Ok(vec![Job::Case(CaseJob::PlanSuppression { gen, alert_id })])
}

/// Keys while the suppression preview is open: Enter writes it, Esc/q closes it, arrows scroll.
pub(super) fn suppress_key(app: &mut App, cmd: crate::tui::state::keymap::Command) -> Vec<Job> {
    use crate::tui::state::keymap::Command;
    match cmd {
        Command::Open => {
            if let Some(plan) = app.suppress.take() {
                app.notice("writing case.toml…");
                return vec![Job::Case(CaseJob::ApplySuppression { plan })];
            }
        }
        Command::Back | Command::Quit => {
            app.suppress = None;
            app.notice("suppression not applied");
        }
        Command::Down => app.suppress_scroll += 1,
        Command::Up => app.suppress_scroll = app.suppress_scroll.saturating_sub(1),
        Command::PageDown => app.suppress_scroll += 10,
        Command::PageUp => app.suppress_scroll = app.suppress_scroll.saturating_sub(10),
        _ => {}
    }
    Vec::new()
}

/// `:note TEXT`: appends a paragraph to the notes.
pub(super) fn note(text: &str) -> Result<Vec<Job>, String> {
    if text.trim().is_empty() {
        return Err(":note TEXT appends a paragraph to notes.md".into());
    }
    Ok(vec![Job::Case(CaseJob::AppendNote { text: text.trim().to_string() })])
}

/// `6` / `:notes`: the notes screen.
pub(super) fn open_notes(app: &mut App) -> Vec<Job> {
    app.detail = None;
    if !matches!(app.top(), View::Notes { .. }) {
        push_view(app, View::Notes { scroll: 0 });
    }
    vec![Job::Case(CaseJob::Load)]
}

/// `E`: asks the terminal loop to open `$EDITOR` on the notes, when there is one.
pub(super) fn edit_notes(app: &mut App) -> Vec<Job> {
    match &app.env.editor {
        Some(_) => app.edit_notes = true,
        None => app.warn("$EDITOR is not set: set it to edit notes.md here, or add paragraphs with :note TEXT"),
    }
    Vec::new()
}

/// `:annotate +TAG -TAG… [COMMENT]` on the selected bookmark; the comment is everything after the tags.
pub(super) fn annotate_bookmark(app: &mut App, args: &str) -> Result<Vec<Job>, String> {
    let View::Bookmarks { cursor } = app.top() else { return Err("select a bookmark first (5)".into()) };
    let b = app.bookmarks.get(*cursor).ok_or("no bookmark selected")?;
    let mut add = Vec::new();
    let mut remove = Vec::new();
    let mut rest = args.trim();
    while let Some(word) = rest.split_whitespace().next() {
        if let Some(t) = word.strip_prefix('+').filter(|t| !t.is_empty()) {
            add.push(t.to_string());
        } else if let Some(t) = word.strip_prefix('-').filter(|t| !t.is_empty()) {
            remove.push(t.to_string());
        } else {
            break;
        }
        rest = rest[word.len()..].trim_start();
    }
    // Tags the bookmark had and the line no longer lists are removed, so editing the line edits the tags.
    for t in &b.tags {
        if !add.contains(t) && !remove.contains(t) {
            remove.push(t.clone());
        }
    }
    Ok(vec![Job::Case(CaseJob::AnnotateBookmark {
        event_id: b.event_id.clone(),
        source: b.source.clone(),
        add,
        remove,
        comment: Some(rest.to_string()),
    })])
}

/// `:export FORMAT [PATH]`: writes the events of the timeline on top (or last opened) in the background.
pub(super) fn export(app: &mut App, args: &str) -> Result<Vec<Job>, String> {
    if app.export.is_loading() {
        return Err("an export is already running".into());
    }
    let mut words = args.split_whitespace();
    let format: ExportFormat = words.next().ok_or(":export jsonl|csv|timesketch [PATH]")?.parse()?;
    let path = words.collect::<Vec<_>>().join(" ");
    let (title, query) = app
        .stack
        .iter()
        .rev()
        .find_map(|v| match v {
            View::Timeline(t) => Some((t.title.clone(), t.query.clone())),
            _ => None,
        })
        .ok_or("open a timeline or search first: the export writes its events")?;
    let ext = match format {
        ExportFormat::Csv => "csv",
        _ => "jsonl",
    };
    let path = if path.is_empty() {
        ExportPath::InState(format!("{}-{}.{ext}", app.env.now().format("%Y%m%dT%H%M%SZ"), slug(&title)))
    } else {
        ExportPath::Given(std::path::PathBuf::from(path))
    };
    let meter = ExportMeter::default();
    app.export.ask(RunningExport { what: crate::text::sanitize::cell(&title, 40), meter: meter.clone() });
    Ok(vec![Job::Case(CaseJob::Export { query, format, path, meter })])
}

/// A file-name-safe short form of a timeline title.
fn slug(title: &str) -> String {
    let s: String = title
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '@' { c } else { '-' })
        .take(48)
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "timeline".into()
    } else {
        s
    }
}
