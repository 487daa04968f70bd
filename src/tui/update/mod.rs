//! The update: the only place the App changes. An [`Action`] in (a key, a prompt edit, a new terminal size, a
//! finished job), the App changed and the [`Job`]s to start out. No I/O and no clock but the App's own
//! ([`RunEnv`](crate::runenv::RunEnv)): the clipboard text and the request for `$EDITOR` wait in the App for the
//! runtime, and a result that arrives for a request no longer awaited is dropped.

pub mod action;
mod casework;
#[cfg(test)]
mod casework_tests;
pub mod clipboard;
mod commands;
mod cursor;
mod fetch;
mod filters;
pub mod job;
mod marks;
mod navigation;
mod pivot;
mod prompt;
mod results;
mod rule_yaml;
mod screens;
mod search;
#[cfg(test)]
mod tests;

use crate::tui::state::App;
use action::Action;
use job::{CaseJob, Job};

pub use pivot::{open_entity, open_timeline};

/// Applies `action` to `app` and returns the jobs it needs.
pub fn update(app: &mut App, action: Action) -> Vec<Job> {
    match action {
        Action::Command(cmd) => commands::command(app, cmd),
        Action::Prompt(key) => prompt::key(app, key),
        Action::Mouse(m) => marks::mouse(app, m),
        Action::Resize { width, height } => cursor::resize(app, width, height),
        Action::OverviewLoaded { gen, result } => results::overview_loaded(app, gen, result),
        Action::PageLoaded { gen, result } => results::page_loaded(app, gen, result),
        Action::HistogramLoaded { gen, result } => results::histogram_loaded(app, gen, result),
        Action::RawLoaded { gen, result } => results::raw_loaded(app, gen, result),
        Action::RuleTextLoaded { gen, result } => results::rule_text_loaded(app, gen, result),
        Action::StatsLoaded { gen, result } => results::stats_loaded(app, gen, result),
        Action::EntityFactsLoaded { gen, result } => results::entity_facts_loaded(app, gen, result),
        Action::MatchFound { gen, forward, result } => search::found(app, gen, forward, result),
        Action::EventsLooked { gen, result } => results::events_looked(app, gen, result),
        Action::HistorySaved { result } => results::history_saved(app, result),
        Action::CaseLoaded { result } => results::case_loaded(app, result),
        Action::CaseSaved { result } => results::case_saved(app, result),
        Action::BookmarksChanged { result } => results::bookmarks_changed(app, result),
        Action::SuppressionPlanned { gen, result } => results::suppression_planned(app, gen, result),
        Action::ExportDone { result } => results::export_done(app, result),
        Action::EditorClosed { result } => results::editor_closed(app, result),
        Action::ReplayClockMoved { backwards } => navigation::clock_moved(app, backwards),
    }
}

/// The first jobs of a session (and of a reload): the overview and the case work.
pub fn start(app: &mut App) -> Vec<Job> {
    let gen = app.next_gen();
    app.overview.ask(gen);
    vec![Job::LoadOverview { gen }, Job::Case(CaseJob::Load)]
}
