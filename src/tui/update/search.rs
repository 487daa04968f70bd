//! `n` and `N`: the next or previous row of the table on screen that matches the last `/` search. On a
//! timeline the index finds it (beyond the loaded rows too); lists held in memory are searched here.

use super::cursor::{keep_visible, set_line};
use crate::index::query::{Clause, ParsedQuery};
use crate::text::sanitize::cell;
use crate::tui::state::alerts::{alert_items, Alert};
use crate::tui::state::app::App;
use crate::tui::state::entity_page::entity_items;
use crate::tui::state::evidence::Evidence;
use crate::tui::state::facets::Item;
use crate::tui::state::loadable::Loadable;
use crate::tui::state::timeline::Page;
use crate::tui::state::view::View;
use crate::tui::update::action::MatchFound;
use crate::tui::update::job::Job;

/// `n` (`forward`) or `N`.
pub(super) fn step(app: &mut App, forward: bool) -> Vec<Job> {
    let Some(last) = app.last_search.clone() else {
        app.warn("no search yet: / searches, then n and N find the next and previous matching row");
        return Vec::new();
    };
    if app.detail.is_some() || app.help {
        return Vec::new();
    }
    let label = cell(&last.text, 40);
    if let View::Timeline(t) = app.top() {
        if t.facets.as_ref().is_some_and(|f| f.focused) {
            return local_step(app, forward, &last.query, &label);
        }
        let Some(from) = t.hit(t.cursor).map(|h| h.key) else {
            if t.total == Some(0) {
                app.warn(format!("no rows here match '{label}'"));
            } else {
                app.notice("rows still loading; try again");
            }
            return Vec::new();
        };
        let loaded = t.loaded_rows();
        let query = t.query.clone();
        let gen = app.next_gen();
        app.match_step.ask(gen);
        app.notice(format!("looking for '{label}'…"));
        return vec![Job::FindMatch { gen, query, search: last.query, from: Some(from), forward, loaded }];
    }
    local_step(app, forward, &last.query, &label)
}

/// Applies a timeline match found by the index.
pub(super) fn found(app: &mut App, gen: u64, forward: bool, result: Result<Option<MatchFound>, String>) -> Vec<Job> {
    if !app.match_step.awaits(gen) {
        return Vec::new();
    }
    app.match_step.take_request();
    let label = app.last_search.as_ref().map(|s| cell(&s.text, 40)).unwrap_or_default();
    let rows = app.timeline_rows();
    let Some(View::Timeline(t)) = app.stack.last_mut() else { return Vec::new() };
    match result {
        Err(e) => app.warn(format!("search failed: {e}")),
        Ok(None) => app.warn(format!("no rows here match '{label}'")),
        Ok(Some(m)) => {
            if let Some(page) = m.page {
                t.page = Loadable::Ready(Page { start: page.start, hits: page.hits });
            }
            t.cursor = m.row;
            keep_visible(t, rows);
            let of = t.total.map(|n| format!(" of {n}")).unwrap_or_default();
            let row = m.row + 1;
            match (m.wrapped, forward) {
                (true, true) => {
                    app.notice(format!("'{label}': hit the bottom, continued from the top (row {row}{of})"))
                }
                (true, false) => {
                    app.notice(format!("'{label}': hit the top, continued from the bottom (row {row}{of})"))
                }
                (false, _) => app.notice(format!("'{label}': row {row}{of}")),
            }
        }
    }
    Vec::new()
}

/// The next matching line of an in-memory list: alerts, alert detail, entity page, facets, frequency table,
/// bookmarks.
fn local_step(app: &mut App, forward: bool, query: &ParsedQuery, label: &str) -> Vec<Job> {
    let rows: Vec<Vec<(Option<&'static str>, String)>> = match app.top() {
        View::Alerts { .. } => app.filtered_alerts().into_iter().map(alert_fields).collect(),
        View::AlertDetail { alert_id, .. } => match app.alert(alert_id) {
            Some(a) => alert_items(a)
                .into_iter()
                .map(|(field, value)| {
                    let mut f = vec![(Some(field), value.clone())];
                    if let (true, Evidence::Found(h)) = (field == "id", app.evidence_of(&value)) {
                        f.extend(event_fields(&h.event));
                    }
                    f
                })
                .collect(),
            None => Vec::new(),
        },
        View::Entity(e) => entity_items(e, app.alerts()).iter().map(|i| item_fields(app, i)).collect(),
        View::Timeline(t) => match &t.facets {
            Some(f) => crate::tui::state::facets::facet_items(f).iter().map(|i| item_fields(app, i)).collect(),
            None => Vec::new(),
        },
        View::Frequency(f) => f
            .data
            .value()
            .and_then(|s| s.dims.first())
            .map(|t| t.values.iter().map(|(v, _)| vec![(f.dim.field(), v.clone())]).collect())
            .unwrap_or_default(),
        View::Bookmarks { .. } => app
            .bookmarks
            .iter()
            .map(|b| {
                vec![
                    (Some("id"), b.event_id.clone()),
                    (Some("op"), b.operation.clone()),
                    (Some("user"), b.actor.clone()),
                    (Some("ip"), b.ip.clone()),
                    (Some("source"), b.source.clone()),
                ]
            })
            .collect(),
        View::Notes { .. } => app.case_book().notes.lines().map(|l| vec![(None, l.to_string())]).collect(),
        View::Overview { .. } => {
            app.notice("n and N find search matches in tables: alerts, timelines, entity pages");
            return Vec::new();
        }
    };
    let cursor = current_line(app);
    let n = rows.len();
    let hit = (1..=n).find_map(|d| {
        let i = if forward { (cursor + d) % n } else { (cursor + n * 2 - d) % n };
        row_matches(query, &rows[i]).then_some((i, if forward { i <= cursor } else { i >= cursor }))
    });
    match hit {
        None => app.warn(format!("no rows here match '{label}'")),
        Some((i, wrapped)) => {
            set_line(app, i);
            match (wrapped, forward) {
                (true, true) => app.notice(format!("'{label}': hit the bottom, continued from the top")),
                (true, false) => app.notice(format!("'{label}': hit the top, continued from the bottom")),
                (false, _) => app.notice(format!("'{label}': line {} of {n}", i + 1)),
            }
        }
    }
    Vec::new()
}

/// The line selected in the view on top (on a timeline, the facet panel's).
pub(super) fn current_line(app: &App) -> usize {
    match app.top() {
        View::Alerts { cursor } | View::AlertDetail { cursor, .. } | View::Bookmarks { cursor } => *cursor,
        View::Entity(e) => e.cursor,
        View::Frequency(f) => f.cursor,
        View::Timeline(t) => t.facets.as_ref().map_or(0, |f| f.cursor),
        View::Overview { scroll } | View::Notes { scroll } => *scroll,
    }
}

fn item_fields(app: &App, item: &Item) -> Vec<(Option<&'static str>, String)> {
    match item {
        Item::Value(d, v, _) => vec![(d.field(), v.clone())],
        Item::Alert(id) => app.alert(id).map(alert_fields).unwrap_or_else(|| vec![(Some("id"), id.clone())]),
        Item::Fact(text) => vec![(None, text.clone())],
    }
}

fn alert_fields(a: &Alert) -> Vec<(Option<&'static str>, String)> {
    let mut f: Vec<(Option<&'static str>, String)> = vec![
        (Some("id"), a.id.clone()),
        (None, a.analytic.clone()),
        (None, a.title.clone()),
        (None, a.severity.as_str().to_string()),
    ];
    f.extend(a.entities.pivots().into_iter().map(|(k, v)| (Some(k), v)));
    f.extend(a.entities.app_names.values().map(|n| (Some("app"), n.clone())));
    f.extend(a.reasons.iter().map(|r| (None, r.clone())));
    f
}

fn event_fields(e: &crate::model::Event) -> Vec<(Option<&'static str>, String)> {
    let mut f = vec![(Some("op"), e.operation.clone()), (Some("user"), e.actor_label().to_string())];
    f.extend(e.source.map(|s| (Some("source"), s.as_str().to_string())));
    f.extend(e.net.ip.map(|ip| (Some("ip"), ip.to_string())));
    f.extend(e.net.country.clone().map(|c| (Some("country"), c)));
    f.extend(e.app_name.clone().or(e.app_id.clone()).map(|a| (Some("app"), a)));
    f
}

/// True when every clause of `q` holds for a row given as (query field, value) pairs: a field clause looks
/// at values of that field, a bare word at all of them; case is ignored and a value need only contain it.
fn row_matches(q: &ParsedQuery, row: &[(Option<&'static str>, String)]) -> bool {
    !q.clauses.is_empty() && q.clauses.iter().all(|c| clause_holds(c, row) != c.negated)
}

fn clause_holds(c: &Clause, row: &[(Option<&'static str>, String)]) -> bool {
    let want = c.value.to_lowercase();
    row.iter()
        .filter(|(f, _)| c.field.is_none() || c.field.as_deref() == *f)
        .any(|(_, v)| v.to_lowercase().contains(&want))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_match_by_field_word_and_negation() {
        let row = vec![(Some("user"), "Adele@contoso.com".to_string()), (None, "Inbox rule created".to_string())];
        let q = |s: &str| ParsedQuery::parse(s).unwrap();
        assert!(row_matches(&q("user:adele"), &row));
        assert!(row_matches(&q("inbox"), &row));
        assert!(!row_matches(&q("ip:203.0.113.7"), &row));
        assert!(!row_matches(&q("inbox -user:adele"), &row));
        assert!(!row_matches(&q(""), &row));
    }
}
