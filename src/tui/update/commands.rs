//! Bound commands: what each key does, given what has the keys (the help overlay, the suppression preview, the
//! view on top).

use super::cursor::{move_column, move_cursor};
use super::navigation::{back, forward, open};
use super::{casework, filters, marks, pivot, rule_yaml, screens, search};
use crate::tui::state::entity::EntityKind;
use crate::tui::state::keymap::Command;
use crate::tui::state::prompt::{Prompt, PromptKind};
use crate::tui::state::App;
use crate::tui::update::job::Job;

/// Applies one bound command. Any key clears the bottom line's message.
pub(super) fn command(app: &mut App, cmd: Command) -> Vec<Job> {
    app.status = None;
    if app.help {
        help_key(app, cmd);
        return Vec::new();
    }
    if app.suppress.is_some() {
        return casework::suppress_key(app, cmd);
    }
    match cmd {
        Command::Help => open_help(app),
        Command::Quit | Command::Back | Command::HistoryBack => back(app, cmd == Command::Quit),
        Command::HistoryForward => forward(app),
        Command::Search | Command::ScreenSearch => open_prompt(app, PromptKind::Search),
        Command::CommandLine => open_prompt(app, PromptKind::Command),
        Command::ScreenOverview => screens::overview(app),
        Command::ScreenAlerts => screens::alerts(app),
        Command::ScreenTimeline => screens::timeline(app),
        Command::ScreenBookmarks => screens::bookmarks(app),
        Command::ScreenNotes => casework::open_notes(app),
        Command::FilterSeverity => filters::next_severity(app),
        Command::FilterStatus => filters::next_status(app),
        Command::FilterAnalytic => filters::next_analytic(app),
        Command::GroupIncidents => filters::toggle_incidents(app),
        Command::Runbook => casework::toggle_runbook(app),
        Command::RuleYaml => rule_yaml::toggle(app),
        Command::TickStep => casework::tick(app),
        Command::Annotate => casework::annotate(app),
        Command::Triage => casework::triage_prompt(app),
        Command::EditNotes => casework::edit_notes(app),
        Command::Open => open(app),
        Command::PivotUser => pivot::pivot_row(app, EntityKind::User),
        Command::PivotIp => pivot::pivot_row(app, EntityKind::Ip),
        Command::PivotSession => pivot::pivot_row(app, EntityKind::Session),
        Command::PivotApp => pivot::pivot_row(app, EntityKind::App),
        Command::Entity => pivot::entity_of_selection(app),
        Command::Pivot => pivot::timeline_of_selection(app),
        Command::Around => pivot::around(app),
        Command::Facets => pivot::toggle_facets(app),
        Command::Frequency => pivot::frequency(app),
        Command::ColumnLeft => move_column(app, -1),
        Command::ColumnRight => move_column(app, 1),
        Command::Copy => marks::copy(app, false),
        Command::CopyRow => marks::copy(app, true),
        Command::Bookmark => marks::toggle_bookmark(app),
        Command::NextMatch => search::step(app, true),
        Command::PrevMatch => search::step(app, false),
        Command::Down => move_cursor(app, 1),
        Command::Up => move_cursor(app, -1),
        Command::PageDown => page(app, 1),
        Command::PageUp => page(app, -1),
        Command::Top => move_cursor(app, i64::MIN / 2),
        Command::Bottom => move_cursor(app, i64::MAX / 2),
    }
}

/// PgDn (`direction` 1) or PgUp (-1): a screenful of timeline rows.
fn page(app: &mut App, direction: i64) -> Vec<Job> {
    let n = app.timeline_rows() as i64;
    move_cursor(app, direction * n)
}

/// Keys while the help overlay is open: scrolling, and closing it.
fn help_key(app: &mut App, cmd: Command) {
    match cmd {
        Command::Help | Command::Back | Command::Quit => app.help = false,
        Command::Down => app.help_scroll += 1,
        Command::Up => app.help_scroll = app.help_scroll.saturating_sub(1),
        Command::PageDown => app.help_scroll += 10,
        Command::PageUp => app.help_scroll = app.help_scroll.saturating_sub(10),
        Command::Top => app.help_scroll = 0,
        _ => {}
    }
}

/// `?`: the help overlay, from its top.
fn open_help(app: &mut App) -> Vec<Job> {
    app.help = true;
    app.help_scroll = 0;
    Vec::new()
}

/// `/` or `:`: an empty prompt line.
fn open_prompt(app: &mut App, kind: PromptKind) -> Vec<Job> {
    app.prompt = Some(Prompt::new(kind));
    Vec::new()
}
