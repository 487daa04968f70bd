//! Moving through the pivot stack: back and forward, opening what is selected, and the event a row command acts
//! on.

use super::casework;
use super::commands::command;
use super::fetch::refresh_top;
use super::pivot::{self, open_timeline};
use super::start;
use crate::index::query::ParsedQuery;
use crate::model::Event;
use crate::tui::state::alerts::alert_items;
use crate::tui::state::detail::EventDetail;
use crate::tui::state::keymap::Command;
use crate::tui::state::loadable::Loadable;
use crate::tui::state::{App, View};
use crate::tui::update::job::Job;

/// Esc, `q` and `[`: close the overlay or panel on top, else go back one view (which `]` can return to).
/// `q` on the overview quits.
pub(super) fn back(app: &mut App, quit: bool) -> Vec<Job> {
    if app.detail.take().is_some() {
        return Vec::new();
    }
    if let Some(View::Timeline(t)) = app.stack.last_mut() {
        if t.facets.as_ref().is_some_and(|f| f.focused) {
            t.facets = None;
            return Vec::new();
        }
    }
    if app.stack.len() > 1 {
        if let Some(v) = app.stack.pop() {
            app.forward.push(v);
        }
        return refresh_top(app);
    }
    if quit {
        app.quit = true;
    }
    Vec::new()
}

/// `]`: return to the view last left with Esc or `[`.
pub(super) fn forward(app: &mut App) -> Vec<Job> {
    match app.forward.pop() {
        Some(v) => {
            app.detail = None;
            app.stack.push(v);
            refresh_top(app)
        }
        None => {
            app.notice("nothing to go forward to");
            Vec::new()
        }
    }
}

/// Pushes the detail of alert `id` and asks for its evidence events.
pub(super) fn open_alert(app: &mut App, id: String) -> Vec<Job> {
    push_view(app, View::AlertDetail { alert_id: id, cursor: 0, step: None });
    refresh_top(app)
}

/// Pushes a new view; the forward history no longer applies.
pub(super) fn push_view(app: &mut App, v: View) {
    app.detail = None;
    app.forward.clear();
    app.stack.push(v);
}

/// Enter: open what is selected in the view on top.
pub(super) fn open(app: &mut App) -> Vec<Job> {
    match app.top().clone() {
        View::Overview { .. } => command(app, Command::ScreenAlerts),
        View::Alerts { cursor } => {
            let Some(id) = app.filtered_alerts().get(cursor).map(|a| a.id.clone()) else { return Vec::new() };
            open_alert(app, id)
        }
        View::AlertDetail { alert_id, step: Some(i), .. } => casework::open_step(app, &alert_id, i),
        View::AlertDetail { alert_id, cursor, .. } => {
            let Some((field, value)) = app.alert(&alert_id).and_then(|a| alert_items(a).get(cursor).cloned()) else {
                return Vec::new();
            };
            if field == "id" {
                return pivot::open_event_by_id(app, &value);
            }
            open_timeline(app, format!("{field}:{value}"), ParsedQuery::pivot(field, &value))
        }
        View::Timeline(t) => {
            if app.detail.is_some() {
                return Vec::new();
            }
            if t.facets.as_ref().is_some_and(|f| f.focused) {
                return pivot::narrow_by_selection(app);
            }
            open_detail(app)
        }
        View::Entity(_) | View::Frequency(_) => pivot::narrow_by_selection(app),
        View::Bookmarks { cursor } => match app.bookmarks.get(cursor).map(|b| b.event_id.clone()) {
            Some(id) => pivot::open_event_by_id(app, &id),
            None => Vec::new(),
        },
        View::Notes { .. } => Vec::new(),
    }
}

/// Opens the detail of the timeline row under the cursor and asks for its original record.
pub(super) fn open_detail(app: &mut App) -> Vec<Job> {
    let Some(hit) = (match app.top() {
        View::Timeline(t) => t.hit(t.cursor).cloned(),
        _ => None,
    }) else {
        return Vec::new();
    };
    let gen = app.next_gen();
    let address = hit.address;
    app.detail = Some(EventDetail { hit, raw: Loadable::loading(gen), cursor: 0, scroll: 0 });
    vec![Job::LoadRaw { gen, address }]
}

/// The event a row command acts on: the detail overlay's, else the timeline row under the cursor.
pub(super) fn focused_event(app: &App) -> Option<Event> {
    if let Some(d) = &app.detail {
        return Some(d.hit.event.clone());
    }
    match app.top() {
        View::Timeline(t) if !t.facets.as_ref().is_some_and(|f| f.focused) => t.current().cloned(),
        _ => None,
    }
}

/// After the replay clock moved: reload the overview and alerts; going back also closes the views opened since,
/// which could show events now beyond the clock.
pub(super) fn clock_moved(app: &mut App, backwards: bool) -> Vec<Job> {
    if backwards {
        app.stack.truncate(1);
        app.forward.clear();
        app.detail = None;
    }
    start(app)
}
