//! The alerts queue's filters: severity, triage status and analytic, each stepped through by its key.

use crate::model::Severity;
use crate::tui::state::alerts::StatusFilter;
use crate::tui::state::{App, View};
use crate::tui::update::job::Job;

/// `s`: the next minimum severity (medium, high, critical, any).
pub(super) fn next_severity(app: &mut App) -> Vec<Job> {
    if matches!(app.top(), View::Alerts { .. }) {
        app.filter.min_severity = match app.filter.min_severity {
            None | Some(Severity::Low) => Some(Severity::Medium),
            Some(Severity::Medium) => Some(Severity::High),
            Some(Severity::High) => Some(Severity::Critical),
            Some(Severity::Critical) => None,
        };
        to_first_row(app);
    }
    Vec::new()
}

/// The next triage status filter.
pub(super) fn next_status(app: &mut App) -> Vec<Job> {
    if matches!(app.top(), View::Alerts { .. }) {
        app.filter.status = StatusFilter::next(app.filter.status);
        to_first_row(app);
    }
    Vec::new()
}

/// The next analytic among the saved alerts', then any.
pub(super) fn next_analytic(app: &mut App) -> Vec<Job> {
    if matches!(app.top(), View::Alerts { .. }) {
        let mut ids: Vec<String> = app.alerts().iter().map(|a| a.analytic.clone()).collect();
        ids.sort();
        ids.dedup();
        app.filter.analytic = match &app.filter.analytic {
            None => ids.first().cloned(),
            Some(cur) => ids.iter().skip_while(|i| *i != cur).nth(1).cloned(),
        };
        to_first_row(app);
    }
    Vec::new()
}

/// `I` on the queue: list alerts incident by incident, or back to one list by severity.
pub(super) fn toggle_incidents(app: &mut App) -> Vec<Job> {
    if matches!(app.top(), View::Alerts { .. }) {
        app.filter.by_incident = !app.filter.by_incident;
        to_first_row(app);
    }
    Vec::new()
}

/// The queue changed: its cursor goes back to the first row.
fn to_first_row(app: &mut App) {
    match app.stack.last_mut() {
        Some(View::Alerts { cursor }) | Some(View::AlertDetail { cursor, .. }) => *cursor = 0,
        Some(View::Overview { scroll }) => *scroll = 0,
        _ => {}
    }
}
