//! Pivots: timelines and entity pages of whatever is selected, narrowing by a counted value, the facet
//! panel, frequency tables and "around this event".

use super::fetch::refresh_top;
use super::navigation::{focused_event, open_alert, push_view};
use crate::index::query::ParsedQuery;
use crate::text::sanitize::cell;
use crate::time::format::show;
use crate::tui::state::alerts::alert_items;
use crate::tui::state::app::App;
use crate::tui::state::columns::Column;
use crate::tui::state::entity::{EntityKind, EntityRef};
use crate::tui::state::entity_page::{entity_items, EntityView};
use crate::tui::state::facets::{facet_items, FacetPanel, Item};
use crate::tui::state::fields::{entity_value, fields};
use crate::tui::state::frequency::FrequencyView;
use crate::tui::state::loadable::Loadable;
use crate::tui::state::stats::{narrowed, Dim, Narrow};
use crate::tui::state::timeline::TimelineView;
use crate::tui::state::view::View;
use crate::tui::update::job::Job;

/// What the cursor is on, in whatever view is on top.
#[derive(Debug, Default)]
pub(super) struct Selected {
    /// The text `y` copies.
    pub value: Option<String>,
    /// The entity `e` and `p` open.
    pub entity: Option<EntityRef>,
    /// A counted value Enter narrows by.
    pub narrow: Option<(Dim, String)>,
    /// An alert Enter opens.
    pub alert: Option<String>,
}

/// What is selected now.
pub(super) fn selected(app: &App) -> Selected {
    let value_of = |d: Dim, v: &str| Selected {
        value: Some(v.to_string()),
        entity: d.entity().and_then(|k| EntityRef::new(k, v)),
        narrow: Some((d, v.to_string())),
        alert: None,
    };
    let item_sel = |item: Option<&Item>| match item {
        Some(Item::Value(d, v, _)) => value_of(*d, v),
        Some(Item::Alert(id)) => Selected { value: Some(id.clone()), alert: Some(id.clone()), ..Selected::default() },
        Some(Item::Fact(text)) => Selected { value: Some(text.clone()), ..Selected::default() },
        None => Selected::default(),
    };
    if let Some(d) = &app.detail {
        let e = &d.hit.event;
        let list = fields(e, app.tz);
        let Some(f) = list.get(d.cursor) else { return Selected::default() };
        return Selected {
            value: Some(f.value.clone()),
            entity: entity_value(e, f).and_then(|(k, v)| EntityRef::new(k, &v)),
            ..Selected::default()
        };
    }
    match app.top() {
        View::Timeline(t) => match &t.facets {
            Some(f) if f.focused => item_sel(facet_items(f).get(f.cursor)),
            _ => {
                let Some(e) = t.current() else { return Selected::default() };
                let col = Column::ALL[t.column.min(Column::ALL.len() - 1)];
                let value = match col {
                    Column::Time => e.ts.map(|ts| ts.to_rfc3339()).unwrap_or_default(),
                    _ => col.value(e, app.tz),
                };
                Selected {
                    value: Some(value).filter(|v| !v.is_empty()),
                    entity: col.entity(e).and_then(|k| EntityRef::of_event(k, e)),
                    ..Selected::default()
                }
            }
        },
        View::Entity(v) => item_sel(entity_items(v, app.alerts()).get(v.cursor)),
        View::Frequency(f) => {
            let row = f.data.value().and_then(|s| s.dims.first()).and_then(|t| t.values.get(f.cursor));
            row.map(|(v, _)| value_of(f.dim, v)).unwrap_or_default()
        }
        View::AlertDetail { alert_id, cursor, .. } => {
            let Some((field, value)) = app.alert(alert_id).and_then(|a| alert_items(a).get(*cursor).cloned()) else {
                return Selected::default();
            };
            Selected {
                entity: EntityKind::from_field(field).and_then(|k| EntityRef::new(k, &value)),
                value: Some(value),
                ..Selected::default()
            }
        }
        View::Alerts { cursor } => match app.filtered_alerts().get(*cursor) {
            Some(a) => Selected {
                value: Some(a.id.clone()),
                entity: a
                    .entities
                    .pivots()
                    .into_iter()
                    .find_map(|(f, v)| EntityKind::from_field(f).and_then(|k| EntityRef::new(k, &v))),
                alert: Some(a.id.clone()),
                ..Selected::default()
            },
            None => Selected::default(),
        },
        View::Bookmarks { cursor } => match app.bookmarks.get(*cursor) {
            Some(b) => Selected {
                value: Some(b.event_id.clone()),
                entity: EntityRef::new(EntityKind::User, &b.actor),
                ..Selected::default()
            },
            None => Selected::default(),
        },
        View::Overview { .. } | View::Notes { .. } => Selected::default(),
    }
}

/// Pushes a timeline for `query` and asks for its first page and histogram.
pub fn open_timeline(app: &mut App, title: String, query: ParsedQuery) -> Vec<Job> {
    push_view(app, View::Timeline(Box::new(TimelineView::new(cell(&title, 80), query))));
    refresh_top(app)
}

/// Pushes the entity page of `entity` and asks for its counts.
pub fn open_entity(app: &mut App, entity: EntityRef) -> Vec<Job> {
    push_view(app, View::Entity(Box::new(EntityView::new(entity))));
    refresh_top(app)
}

/// A timeline of the one event with this id, its detail opened as soon as it loads.
pub(super) fn open_event_by_id(app: &mut App, id: &str) -> Vec<Job> {
    let jobs = open_timeline(app, format!("event {id}"), ParsedQuery::pivot("id", id));
    if let Some(View::Timeline(t)) = app.stack.last_mut() {
        t.auto_open = true;
    }
    jobs
}

/// `u` `i` `s` `a`: the timeline of the focused event's user, IP, session or app.
pub(super) fn pivot_row(app: &mut App, kind: EntityKind) -> Vec<Job> {
    let Some(ev) = focused_event(app) else { return Vec::new() };
    match EntityRef::of_event(kind, &ev) {
        Some(r) => open_timeline(app, r.label(), r.query()),
        None => {
            app.warn(format!("this event has no {}", kind.field()));
            Vec::new()
        }
    }
}

/// `e`: the entity page of the selected cell, field or value. On a timeline cell that holds no entity, the
/// row's user.
pub(super) fn entity_of_selection(app: &mut App) -> Vec<Job> {
    let sel = selected(app);
    let fallback = focused_event(app).and_then(|e| EntityRef::of_event(EntityKind::User, &e));
    match sel.entity.or(fallback) {
        Some(r) => open_entity(app, r),
        None => {
            app.warn("nothing selected here is a user, IP, session, mailbox or app");
            Vec::new()
        }
    }
}

/// `p`: the timeline of the selected entity; on an entity page, of the page's entity.
pub(super) fn timeline_of_selection(app: &mut App) -> Vec<Job> {
    if app.detail.is_none() {
        if let View::Entity(v) = app.top() {
            let r = v.entity.clone();
            return open_timeline(app, r.label(), r.query());
        }
    }
    let sel = selected(app);
    let fallback = focused_event(app).and_then(|e| EntityRef::of_event(EntityKind::User, &e));
    match sel.entity.or(fallback) {
        Some(r) => open_timeline(app, r.label(), r.query()),
        None => {
            app.warn("nothing selected here is a user, IP, session, mailbox or app");
            Vec::new()
        }
    }
}

/// Enter on a counted value (facet, entity page, frequency table): the timeline narrowed by it. Enter on a
/// related alert opens the alert.
pub(super) fn narrow_by_selection(app: &mut App) -> Vec<Job> {
    let sel = selected(app);
    if let Some(id) = sel.alert {
        return open_alert(app, id);
    }
    let Some((dim, value)) = sel.narrow else { return Vec::new() };
    let (title, query) = match app.top() {
        View::Timeline(t) => (t.title.clone(), t.query.clone()),
        View::Entity(v) => (v.entity.label(), v.entity.query()),
        View::Frequency(f) => (f.of_title.clone(), f.query.clone()),
        _ => return Vec::new(),
    };
    match dim.narrow(&value) {
        Some(n) => {
            let what = match &n {
                Narrow::Clause(c) => format!("{}:{}", c.field.as_deref().unwrap_or(""), value),
                Narrow::Window(..) => format!("day {value} UTC"),
            };
            open_timeline(app, format!("{title} + {what}"), narrowed(&query, &n))
        }
        None => match sel.entity {
            Some(r) => open_entity(app, r),
            None => {
                app.warn(format!("{} are not searchable; narrow by an IP or app instead", dim.title()));
                Vec::new()
            }
        },
    }
}

/// Tab on a timeline: open the facet panel with the keys in it, or move the keys between rows and panel.
pub(super) fn toggle_facets(app: &mut App) -> Vec<Job> {
    if app.detail.is_some() {
        return Vec::new();
    }
    let Some(View::Timeline(t)) = app.stack.last_mut() else { return Vec::new() };
    match t.facets.as_mut() {
        Some(f) => {
            f.focused = !f.focused;
            Vec::new()
        }
        None => {
            t.facets = Some(FacetPanel { focused: true, ..FacetPanel::default() });
            refresh_top(app)
        }
    }
}

/// `F`: the frequency table of the column under the cursor (or of the selected value's field).
pub(super) fn frequency(app: &mut App) -> Vec<Job> {
    if app.detail.is_some() {
        return Vec::new();
    }
    let sel = selected(app);
    let (of_title, query, dim) = match app.top() {
        View::Timeline(t) => {
            let dim = match (&t.facets, sel.narrow) {
                (Some(f), Some((d, _))) if f.focused => d,
                _ => Column::ALL[t.column.min(Column::ALL.len() - 1)].dim(),
            };
            (t.title.clone(), t.query.clone(), dim)
        }
        View::Entity(v) => match sel.narrow {
            Some((d, _)) => (v.entity.label(), v.entity.query(), d),
            None => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    push_view(app, View::Frequency(Box::new(FrequencyView { of_title, query, dim, data: Loadable::Idle, cursor: 0 })));
    refresh_top(app)
}

/// `t`: events of the same user (or the session or IP under the detail cursor) within ± the around window.
pub(super) fn around(app: &mut App) -> Vec<Job> {
    let Some(ev) = focused_event(app) else {
        app.warn("select an event first (a timeline row or an open event)");
        return Vec::new();
    };
    let Some(ts) = ev.ts else {
        app.warn("this event has no time");
        return Vec::new();
    };
    let chosen = app.detail.as_ref().and_then(|d| {
        let list = fields(&ev, app.tz);
        let f = list.get(d.cursor)?;
        entity_value(&ev, f)
            .filter(|(k, _)| matches!(k, EntityKind::User | EntityKind::Session | EntityKind::Ip))
            .and_then(|(k, v)| EntityRef::new(k, &v))
    });
    let entity = chosen.or_else(|| {
        [EntityKind::User, EntityKind::Session, EntityKind::Ip].into_iter().find_map(|k| EntityRef::of_event(k, &ev))
    });
    let Some(entity) = entity else {
        app.warn("this event has no user, session or IP");
        return Vec::new();
    };
    let minutes = app.around_minutes;
    let mut q = entity.query();
    let reach = minutes * 60 * 1_000_000;
    q.from_us = Some(ts.timestamp_micros() - reach);
    q.to_us = Some(ts.timestamp_micros() + reach);
    let when = show(Some(ts), app.tz);
    open_timeline(app, format!("±{minutes}m {when} {}", entity.label()), q)
}
