//! The number keys: straight to the overview, the alerts queue, the last timeline or the bookmarks, keeping the
//! views on the way there.

use super::fetch::refresh_top;
use super::navigation::push_view;
use super::pivot::open_timeline;
use crate::index::query::ParsedQuery;
use crate::tui::state::{App, View};
use crate::tui::update::job::Job;

/// `1`: back to the overview.
pub(super) fn overview(app: &mut App) -> Vec<Job> {
    app.detail = None;
    app.stack.truncate(1);
    Vec::new()
}

/// `2`: back to the alerts queue, or the queue over the overview.
pub(super) fn alerts(app: &mut App) -> Vec<Job> {
    app.detail = None;
    match app.stack.iter().position(|v| matches!(v, View::Alerts { .. })) {
        Some(i) => app.stack.truncate(i + 1),
        None => {
            app.stack.truncate(1);
            app.stack.push(View::Alerts { cursor: 0 });
        }
    }
    Vec::new()
}

/// `3`: back to the last timeline opened, or a timeline of every event.
pub(super) fn timeline(app: &mut App) -> Vec<Job> {
    app.detail = None;
    match app.stack.iter().rposition(|v| matches!(v, View::Timeline(_))) {
        Some(i) => {
            app.stack.truncate(i + 1);
            refresh_top(app)
        }
        None => open_timeline(app, "All events".into(), ParsedQuery::default()),
    }
}

/// `5`: the bookmarks.
pub(super) fn bookmarks(app: &mut App) -> Vec<Job> {
    app.detail = None;
    if !matches!(app.top(), View::Bookmarks { .. }) {
        push_view(app, View::Bookmarks { cursor: 0 });
    }
    Vec::new()
}
