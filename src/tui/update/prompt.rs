//! Keys of the `/` search line and the `:` command line, and what submitting them does.

use super::casework;
use super::commands::command;
use super::navigation::focused_event;
use super::pivot::{around, open_entity, open_timeline};
use crate::index::query::ParsedQuery;
use crate::text::sanitize::cell;
use crate::tui::state::app::App;
use crate::tui::state::keymap::Command;
use crate::tui::state::prompt::{parse_command, LineCommand, PromptKind};
use crate::tui::state::searches::{remember, LastSearch};
use crate::tui::state::settings::settings;
use crate::tui::update::action::PromptKey;
use crate::tui::update::job::Job;

/// Applies one key to the open prompt.
pub(super) fn key(app: &mut App, key: PromptKey) -> Vec<Job> {
    let Some(mut p) = app.prompt.take() else { return Vec::new() };
    match key {
        PromptKey::Char(c) => p.push(c),
        PromptKey::Backspace if p.text.is_empty() => return Vec::new(),
        PromptKey::Backspace => p.backspace(),
        PromptKey::Cancel => return Vec::new(),
        PromptKey::Up if p.kind == PromptKind::Search => p.history_up(&app.history),
        PromptKey::Down if p.kind == PromptKind::Search => p.history_down(&app.history),
        PromptKey::Up | PromptKey::Down => {}
        PromptKey::Complete => p.complete(&|k| app.known_values(k)),
        PromptKey::Submit => {
            let text = p.text.trim().to_string();
            let result = match p.kind {
                PromptKind::Search => search(app, &text),
                PromptKind::Command => run_command(app, &text),
            };
            return match result {
                Ok(jobs) => jobs,
                Err(e) => {
                    p.error = Some(e);
                    app.prompt = Some(p);
                    Vec::new()
                }
            };
        }
    }
    app.prompt = Some(p);
    Vec::new()
}

/// Runs a search as a timeline and remembers it.
fn search(app: &mut App, text: &str) -> Result<Vec<Job>, String> {
    let q = ParsedQuery::parse(text).map_err(|e| e.to_string())?;
    let mut jobs = Vec::new();
    if !text.is_empty() {
        let before = app.history.clone();
        remember(&mut app.history, text, settings().history.searches);
        if app.history != before {
            jobs.push(Job::SaveHistory { list: app.history.clone() });
        }
        app.last_search = Some(LastSearch { text: text.to_string(), query: q.clone() });
    }
    let title = if text.is_empty() { "All events".to_string() } else { format!("search: {}", cell(text, 60)) };
    jobs.extend(open_timeline(app, title, q));
    Ok(jobs)
}

fn run_command(app: &mut App, text: &str) -> Result<Vec<Job>, String> {
    Ok(match parse_command(text)? {
        LineCommand::Entity(r) => open_entity(app, r),
        LineCommand::Search(q) => search(app, &q)?,
        LineCommand::Around(n) => {
            app.around_minutes = n;
            if focused_event(app).is_some() {
                around(app)
            } else {
                app.notice(format!("around: ±{n} minutes (t on an event)"));
                Vec::new()
            }
        }
        LineCommand::Alerts => command(app, Command::ScreenAlerts),
        LineCommand::Overview => command(app, Command::ScreenOverview),
        LineCommand::Bookmarks => command(app, Command::ScreenBookmarks),
        LineCommand::Timeline => command(app, Command::ScreenTimeline),
        LineCommand::Help => command(app, Command::Help),
        LineCommand::Mouse => {
            app.mouse = !app.mouse;
            app.notice(if app.mouse { "mouse on" } else { "mouse off: the terminal selects text again" });
            Vec::new()
        }
        LineCommand::Quit => {
            app.quit = true;
            Vec::new()
        }
        LineCommand::Triage(args) => casework::triage(app, &args)?,
        LineCommand::TriageEntity(args) => casework::triage_entity(&args)?,
        LineCommand::Suppress => casework::suppress(app)?,
        LineCommand::StepNote(text) => casework::step_note(app, &text)?,
        LineCommand::Note(text) => casework::note(&text)?,
        LineCommand::Notes => casework::open_notes(app),
        LineCommand::Annotate(args) => casework::annotate_bookmark(app, &args)?,
        LineCommand::Export(args) => casework::export(app, &args)?,
    })
}
