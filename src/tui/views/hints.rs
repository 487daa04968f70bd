//! The hint bar: the keys of what is on screen, then search, help and quit, as many as fit.

use super::Ui;
use crate::tui::state::keymap::Command;
use crate::tui::state::{App, View};
use ratatui::text::{Line, Span};

/// The hint bar for a terminal `width` columns wide.
pub(super) fn line<'a>(width: u16, app: &App, ui: &Ui) -> Line<'a> {
    let piece = |cmd: Command, label: &str| (format!(" {} ", ui.keymap.key_of(cmd)), format!("{label} "));
    let cells = |(k, l): &(String, String)| k.chars().count() + l.chars().count();
    // The view's own keys first, as many as fit beside help and quit (or back), which always show.
    let keys: Vec<(Command, &str)> =
        view_keys(app).iter().copied().filter(|(c, _)| applies(app, *c)).chain(common_keys(app)).collect();
    let always = |cmd: Command| matches!(cmd, Command::Help | Command::Quit);
    let reserved: usize = keys.iter().filter(|(c, _)| always(*c)).map(|(c, l)| cells(&piece(*c, l))).sum();
    let mut budget = (width as usize).saturating_sub(reserved);
    let mut pieces = Vec::new();
    for (cmd, label) in &keys {
        let p = piece(*cmd, label);
        if always(*cmd) {
            pieces.push(p);
            continue;
        }
        if cells(&p) <= budget {
            budget -= cells(&p);
            pieces.push(p);
        }
    }
    let mut spans = Vec::new();
    for (k, l) in pieces {
        spans.push(Span::styled(k, ui.theme.style("key")));
        spans.push(Span::styled(l, ui.theme.style("hint")));
    }
    Line::from(spans)
}

/// False for a key that does nothing on this screen: `V` shows a rule's YAML only on a Sigma alert.
fn applies(app: &App, cmd: Command) -> bool {
    match (cmd, app.top()) {
        (Command::RuleYaml, View::AlertDetail { alert_id, .. }) => {
            app.alert(alert_id).and_then(|a| a.rule.as_ref()).is_some_and(|r| r.is_sigma())
        }
        _ => true,
    }
}

/// The keys of what has them: the detail overlay, the focused facet panel, else the view on top.
fn view_keys(app: &App) -> &'static [(Command, &'static str)] {
    let facets_focused = matches!(app.top(), View::Timeline(t) if t.facets.as_ref().is_some_and(|f| f.focused));
    if app.detail.is_some() {
        &[
            (Command::Back, "close"),
            (Command::Entity, "entity"),
            (Command::Pivot, "timeline"),
            (Command::Around, "around"),
            (Command::Copy, "copy"),
            (Command::Bookmark, "mark"),
        ]
    } else if facets_focused {
        &[
            (Command::Open, "narrow"),
            (Command::Entity, "entity"),
            (Command::Frequency, "all values"),
            (Command::Facets, "rows"),
            (Command::Back, "close"),
        ]
    } else {
        match app.top() {
            View::Overview { .. } => &[
                (Command::ScreenAlerts, "alerts"),
                (Command::ScreenTimeline, "timeline"),
                (Command::ScreenBookmarks, "bookmarks"),
                (Command::CommandLine, "command"),
            ],
            View::Alerts { .. } => &[
                (Command::Open, "open"),
                (Command::Triage, "triage"),
                (Command::FilterSeverity, "severity"),
                (Command::FilterStatus, "status"),
                (Command::FilterAnalytic, "analytic"),
                (Command::GroupIncidents, "incidents"),
                (Command::Entity, "entity"),
            ],
            View::AlertDetail { step: Some(_), .. } => &[
                (Command::TickStep, "tick"),
                (Command::Open, "pivot"),
                (Command::Annotate, "note"),
                (Command::Triage, "triage"),
                (Command::Runbook, "entities"),
            ],
            View::AlertDetail { .. } => &[
                (Command::Open, "open"),
                (Command::Runbook, "runbook"),
                (Command::Triage, "triage"),
                (Command::Entity, "entity"),
                (Command::Copy, "copy"),
                (Command::RuleYaml, "rule"),
            ],
            View::Notes { .. } => &[(Command::CommandLine, "command (:note TEXT)"), (Command::EditNotes, "$EDITOR")],
            View::Timeline(_) => &[
                (Command::Open, "detail"),
                (Command::Entity, "entity"),
                (Command::Pivot, "timeline"),
                (Command::ColumnRight, "column"),
                (Command::Facets, "facets"),
                (Command::Frequency, "freq"),
                (Command::Around, "±"),
                (Command::Bookmark, "mark"),
            ],
            View::Entity(_) => &[
                (Command::Open, "narrow/open"),
                (Command::Pivot, "its timeline"),
                (Command::Entity, "entity"),
                (Command::Frequency, "all values"),
                (Command::Copy, "copy"),
            ],
            View::Frequency(_) => &[(Command::Open, "narrow"), (Command::Entity, "entity"), (Command::Copy, "copy")],
            View::Bookmarks { .. } => &[
                (Command::Open, "open event"),
                (Command::Bookmark, "remove"),
                (Command::Annotate, "tags/comment"),
                (Command::Copy, "copy id"),
            ],
        }
    }
}

/// The keys every screen has: the next search match where there is a table, search, help, and back or quit.
fn common_keys(app: &App) -> Vec<(Command, &'static str)> {
    let quit = if app.stack.len() > 1 || app.detail.is_some() { "back" } else { "quit" };
    let next = if app.last_search.is_some() && !matches!(app.top(), View::Overview { .. }) && app.detail.is_none() {
        vec![(Command::NextMatch, "next match")]
    } else {
        Vec::new()
    };
    next.into_iter().chain([(Command::Search, "search"), (Command::Help, "help"), (Command::Quit, quit)]).collect()
}
