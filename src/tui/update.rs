//! The only place the App changes: an action in, the jobs to start out. No I/O here.

use super::action::Action;
use super::app::{alert_items, App, EventDetail, SearchLine, TimelineView, View, PAGE_SIZE};
use super::jobs::Job;
use super::keymap::Command;
use crate::cli::sanitize::cell;
use crate::index::query::ParsedQuery;
use crate::model::{Event, Severity};

/// How far "around this event" reaches on each side.
pub const AROUND_MINUTES: i64 = 15;

/// Applies `action` to `app` and returns the jobs it needs.
pub fn update(app: &mut App, action: Action) -> Vec<Job> {
    match action {
        Action::Command(cmd) => command(app, cmd),
        Action::SearchChar(c) => {
            if let Some(s) = app.search.as_mut() {
                s.text.push(c);
                s.error = None;
            }
            Vec::new()
        }
        Action::SearchBackspace => {
            if let Some(s) = app.search.as_mut() {
                s.text.pop();
                s.error = None;
            }
            Vec::new()
        }
        Action::SearchCancel => {
            app.search = None;
            Vec::new()
        }
        Action::SearchSubmit => submit_search(app),
        Action::Resize { width, height } => {
            app.width = width;
            app.height = height;
            let rows = app.timeline_rows();
            if let Some(View::Timeline(t)) = app.stack.last_mut() {
                keep_visible(t, rows);
            }
            Vec::new()
        }
        Action::OverviewLoaded { gen, result } => {
            if app.overview_pending == Some(gen) {
                app.overview_pending = None;
                match result {
                    Ok(o) => app.overview = Some(*o),
                    Err(e) => app.overview_error = Some(e),
                }
            }
            Vec::new()
        }
        Action::PageLoaded { gen, start, result } => {
            let rows = app.timeline_rows();
            if let Some(t) = timeline_awaiting(app, |t| t.pending.is_some_and(|(g, _)| g == gen)) {
                t.pending = None;
                match result {
                    Ok((hits, total)) => {
                        if total.is_some() {
                            t.total = total;
                        }
                        t.page = Some(super::app::Page { start, hits });
                        t.error = None;
                        keep_visible(t, rows);
                    }
                    Err(e) => t.error = Some(e),
                }
            }
            Vec::new()
        }
        Action::HistogramLoaded { gen, result } => {
            if let Some(t) = timeline_awaiting(app, |t| t.hist_pending == Some(gen)) {
                t.hist_pending = None;
                match result {
                    Ok(h) => t.histogram = Some(h),
                    Err(e) => t.error = Some(e),
                }
            }
            Vec::new()
        }
        Action::RawLoaded { gen, result } => {
            if let Some(d) = app.detail.as_mut().filter(|d| d.pending == gen) {
                d.raw = Some(result);
            }
            Vec::new()
        }
    }
}

/// The first job of a session: load the overview.
pub fn start(app: &mut App) -> Vec<Job> {
    let gen = app.next_gen();
    app.overview_pending = Some(gen);
    vec![Job::LoadOverview { gen }]
}

fn timeline_awaiting(app: &mut App, pred: impl Fn(&TimelineView) -> bool) -> Option<&mut TimelineView> {
    app.stack.iter_mut().rev().find_map(|v| match v {
        View::Timeline(t) if pred(t) => Some(t.as_mut()),
        _ => None,
    })
}

fn command(app: &mut App, cmd: Command) -> Vec<Job> {
    app.status = None;
    if app.help {
        if matches!(cmd, Command::Help | Command::Back | Command::Quit) {
            app.help = false;
        }
        return Vec::new();
    }
    match cmd {
        Command::Help => {
            app.help = true;
            Vec::new()
        }
        Command::Quit | Command::Back => {
            if app.detail.take().is_some() {
                return Vec::new();
            }
            if app.stack.len() > 1 {
                app.stack.pop();
                return refresh_top(app);
            }
            if cmd == Command::Quit {
                app.quit = true;
            }
            Vec::new()
        }
        Command::Search | Command::ScreenSearch => {
            app.search = Some(SearchLine::default());
            Vec::new()
        }
        Command::ScreenOverview => {
            app.detail = None;
            app.stack.truncate(1);
            Vec::new()
        }
        Command::ScreenAlerts => {
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
        Command::ScreenTimeline => {
            app.detail = None;
            match app.stack.iter().rposition(|v| matches!(v, View::Timeline(_))) {
                Some(i) => {
                    app.stack.truncate(i + 1);
                    refresh_top(app)
                }
                None => open_timeline(app, "All events".into(), ParsedQuery::default()),
            }
        }
        Command::FilterSeverity => {
            if matches!(app.top(), View::Alerts { .. }) {
                app.filter.min_severity = match app.filter.min_severity {
                    None | Some(Severity::Low) => Some(Severity::Medium),
                    Some(Severity::Medium) => Some(Severity::High),
                    Some(Severity::High) => Some(Severity::Critical),
                    Some(Severity::Critical) => None,
                };
                set_cursor(app, 0);
            }
            Vec::new()
        }
        Command::FilterAnalytic => {
            if matches!(app.top(), View::Alerts { .. }) {
                let mut ids: Vec<String> = app.alerts().iter().map(|a| a.analytic.clone()).collect();
                ids.sort();
                ids.dedup();
                app.filter.analytic = match &app.filter.analytic {
                    None => ids.first().cloned(),
                    Some(cur) => ids.iter().skip_while(|i| *i != cur).nth(1).cloned(),
                };
                set_cursor(app, 0);
            }
            Vec::new()
        }
        Command::Open => open(app),
        Command::PivotUser => pivot_from_row(app, "user", |e| e.actor.upn.clone().or_else(|| e.actor.id.clone())),
        Command::PivotIp => pivot_from_row(app, "ip", |e| e.net.ip.map(|i| i.to_string())),
        Command::PivotSession => pivot_from_row(app, "session", |e| e.session_id.clone()),
        Command::PivotApp => pivot_from_row(app, "app", |e| e.app_id.clone().or_else(|| e.app_name.clone())),
        Command::Around => around(app),
        Command::Down => move_cursor(app, 1),
        Command::Up => move_cursor(app, -1),
        Command::PageDown => {
            let n = app.timeline_rows() as i64;
            move_cursor(app, n)
        }
        Command::PageUp => {
            let n = app.timeline_rows() as i64;
            move_cursor(app, -n)
        }
        Command::Top => move_cursor(app, i64::MIN / 2),
        Command::Bottom => move_cursor(app, i64::MAX / 2),
    }
}

fn submit_search(app: &mut App) -> Vec<Job> {
    let Some(line) = app.search.as_mut() else { return Vec::new() };
    match ParsedQuery::parse(&line.text) {
        Ok(q) => {
            let text = line.text.trim().to_string();
            app.search = None;
            app.detail = None;
            let title = if text.is_empty() { "All events".to_string() } else { format!("search: {}", cell(&text, 40)) };
            open_timeline(app, title, q)
        }
        Err(e) => {
            line.error = Some(e.to_string());
            Vec::new()
        }
    }
}

/// Pushes a timeline for `query` and asks for its first page and histogram.
pub fn open_timeline(app: &mut App, title: String, query: ParsedQuery) -> Vec<Job> {
    app.detail = None;
    app.stack.push(View::Timeline(Box::new(TimelineView::new(title, query))));
    refresh_top(app)
}

/// Asks for whatever the top timeline is missing: the page under its cursor, its histogram.
fn refresh_top(app: &mut App) -> Vec<Job> {
    let mut jobs = Vec::new();
    let gen_page = app.next_gen();
    let gen_hist = app.next_gen();
    let Some(View::Timeline(t)) = app.stack.last_mut() else { return jobs };
    jobs.extend(ensure_page(t, gen_page));
    if t.histogram.is_none() && t.hist_pending.is_none() {
        t.hist_pending = Some(gen_hist);
        jobs.push(Job::LoadHistogram { gen: gen_hist, query: t.query.clone() });
    }
    jobs
}

/// Requests the page around the cursor when it is neither loaded nor on its way.
fn ensure_page(t: &mut TimelineView, gen: u64) -> Option<Job> {
    if t.hit(t.cursor).is_some() {
        return None;
    }
    if let Some(total) = t.total {
        if t.cursor >= total {
            return None;
        }
    }
    if t.pending.is_some_and(|(_, s)| (s..s + PAGE_SIZE).contains(&t.cursor)) {
        return None;
    }
    let start = t.cursor.saturating_sub(PAGE_SIZE / 2);
    t.pending = Some((gen, start));
    Some(Job::LoadPage { gen, query: t.query.clone(), start, limit: PAGE_SIZE, count: t.total.is_none() })
}

fn keep_visible(t: &mut TimelineView, rows: usize) {
    if t.cursor < t.top {
        t.top = t.cursor;
    } else if t.cursor >= t.top + rows {
        t.top = t.cursor + 1 - rows;
    }
}

fn set_cursor(app: &mut App, value: usize) {
    match app.stack.last_mut() {
        Some(View::Alerts { cursor }) | Some(View::AlertDetail { cursor, .. }) => *cursor = value,
        Some(View::Overview { scroll }) => *scroll = value,
        _ => {}
    }
}

fn move_cursor(app: &mut App, delta: i64) -> Vec<Job> {
    if let Some(d) = app.detail.as_mut() {
        d.scroll = clamp_add(d.scroll, delta, usize::MAX / 4);
        return Vec::new();
    }
    let rows = app.timeline_rows();
    let alerts_len = app.filtered_alerts().len();
    let detail_len = match app.top() {
        View::AlertDetail { alert_id, .. } => app.alert(alert_id).map(|a| alert_items(a).len()).unwrap_or(0),
        _ => 0,
    };
    let gen = app.next_gen();
    match app.stack.last_mut() {
        Some(View::Overview { scroll }) => *scroll = clamp_add(*scroll, delta, 10_000),
        Some(View::Alerts { cursor }) => *cursor = clamp_add(*cursor, delta, alerts_len.saturating_sub(1)),
        Some(View::AlertDetail { cursor, .. }) => *cursor = clamp_add(*cursor, delta, detail_len.saturating_sub(1)),
        Some(View::Timeline(t)) => {
            let Some(total) = t.total else { return Vec::new() };
            t.cursor = clamp_add(t.cursor, delta, total.saturating_sub(1));
            keep_visible(t, rows);
            return ensure_page(t, gen).into_iter().collect();
        }
        None => {}
    }
    Vec::new()
}

fn clamp_add(v: usize, delta: i64, max: usize) -> usize {
    let n = (v as i64).saturating_add(delta).max(0) as usize;
    n.min(max)
}

fn open(app: &mut App) -> Vec<Job> {
    match app.top().clone() {
        View::Overview { .. } => command(app, Command::ScreenAlerts),
        View::Alerts { cursor } => {
            let Some(id) = app.filtered_alerts().get(cursor).map(|a| a.id.clone()) else { return Vec::new() };
            app.stack.push(View::AlertDetail { alert_id: id, cursor: 0 });
            Vec::new()
        }
        View::AlertDetail { alert_id, cursor } => {
            let Some(item) = app.alert(&alert_id).and_then(|a| alert_items(a).get(cursor).cloned()) else {
                return Vec::new();
            };
            let (field, value) = item;
            open_timeline(app, format!("{field}:{}", cell(&value, 40)), ParsedQuery::pivot(field, &value))
        }
        View::Timeline(t) => {
            if app.detail.is_some() {
                return Vec::new();
            }
            let Some(hit) = t.hit(t.cursor).cloned() else { return Vec::new() };
            let gen = app.next_gen();
            let address = hit.address;
            app.detail = Some(EventDetail { hit, raw: None, pending: gen, scroll: 0 });
            vec![Job::LoadRaw { gen, address }]
        }
    }
}

/// The event a row command acts on: the detail overlay's, else the timeline row under the cursor.
fn focused_event(app: &App) -> Option<Event> {
    if let Some(d) = &app.detail {
        return Some(d.hit.event.clone());
    }
    match app.top() {
        View::Timeline(t) => t.current().cloned(),
        _ => None,
    }
}

fn pivot_from_row(app: &mut App, field: &'static str, pick: impl Fn(&Event) -> Option<String>) -> Vec<Job> {
    let Some(ev) = focused_event(app) else { return Vec::new() };
    match pick(&ev).filter(|v| !v.trim().is_empty()) {
        Some(v) => open_timeline(app, format!("{field}:{}", cell(&v, 40)), ParsedQuery::pivot(field, &v)),
        None => {
            app.status = Some(format!("this event has no {field}"));
            Vec::new()
        }
    }
}

fn around(app: &mut App) -> Vec<Job> {
    let Some(ev) = focused_event(app) else { return Vec::new() };
    let (Some(ts), Some(user)) = (ev.ts, ev.actor.upn.clone().or_else(|| ev.actor.id.clone())) else {
        app.status = Some("this event has no time or no user".into());
        return Vec::new();
    };
    let mut q = ParsedQuery::pivot("user", &user);
    let reach = AROUND_MINUTES * 60 * 1_000_000;
    q.from_us = Some(ts.timestamp_micros() - reach);
    q.to_us = Some(ts.timestamp_micros() + reach);
    let when = crate::cli::timefmt::show(Some(ts), app.tz);
    open_timeline(app, format!("±{AROUND_MINUTES}m {when} {}", cell(&user, 30)), q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::query::ParsedQuery;

    fn app_with_timeline() -> (App, u64) {
        let mut app = App::new("case".into(), chrono_tz::UTC);
        let jobs = open_timeline(&mut app, "all".into(), ParsedQuery::default());
        assert_eq!(jobs.len(), 2, "a page and a histogram are requested");
        let gen = match &jobs[0] {
            Job::LoadPage { gen, start: 0, count: true, .. } => *gen,
            other => panic!("unexpected first job {other:?}"),
        };
        (app, gen)
    }

    fn timeline(app: &App) -> &TimelineView {
        match app.top() {
            View::Timeline(t) => t,
            _ => panic!("top is not a timeline"),
        }
    }

    #[test]
    fn stale_page_results_are_dropped() {
        let (mut app, gen) = app_with_timeline();
        // A result for an older generation changes nothing.
        update(&mut app, Action::PageLoaded { gen: gen - 1, start: 0, result: Ok((Vec::new(), Some(7))) });
        assert_eq!(timeline(&app).total, None);
        assert!(timeline(&app).pending.is_some());
        update(&mut app, Action::PageLoaded { gen, start: 0, result: Ok((Vec::new(), Some(7))) });
        assert_eq!(timeline(&app).total, Some(7));
        assert!(timeline(&app).pending.is_none());
        // Applying the same generation again is stale too.
        update(&mut app, Action::PageLoaded { gen, start: 0, result: Ok((Vec::new(), Some(99))) });
        assert_eq!(timeline(&app).total, Some(7));
    }

    #[test]
    fn moving_past_the_loaded_page_requests_the_page_around_the_cursor() {
        let (mut app, gen) = app_with_timeline();
        update(&mut app, Action::PageLoaded { gen, start: 0, result: Ok((Vec::new(), Some(10_000))) });
        let jobs = update(&mut app, Action::Command(Command::Bottom));
        assert_eq!(timeline(&app).cursor, 9_999);
        match jobs.as_slice() {
            [Job::LoadPage { start, limit, count: false, .. }] => {
                assert_eq!(*start, 9_999 - PAGE_SIZE / 2);
                assert_eq!(*limit, PAGE_SIZE);
            }
            other => panic!("expected one page job, got {other:?}"),
        }
        // While that page is on its way, moving inside its range asks for nothing more.
        assert!(update(&mut app, Action::Command(Command::Up)).is_empty());
    }

    #[test]
    fn esc_restores_the_cursor_and_q_quits_only_from_the_root() {
        let mut app = App::new("case".into(), chrono_tz::UTC);
        update(&mut app, Action::Command(Command::ScreenAlerts));
        if let Some(View::Alerts { cursor }) = app.stack.last_mut() {
            *cursor = 2;
        }
        open_timeline(&mut app, "user:x".into(), ParsedQuery::pivot("user", "x"));
        assert_eq!(app.stack.len(), 3);
        update(&mut app, Action::Command(Command::Back));
        assert!(matches!(app.top(), View::Alerts { cursor: 2 }));
        update(&mut app, Action::Command(Command::Quit));
        assert!(!app.quit && app.stack.len() == 1);
        update(&mut app, Action::Command(Command::Back));
        assert!(!app.quit, "Esc never quits");
        update(&mut app, Action::Command(Command::Quit));
        assert!(app.quit);
    }

    #[test]
    fn bad_query_stays_open_with_the_error() {
        let mut app = App::new("case".into(), chrono_tz::UTC);
        update(&mut app, Action::Command(Command::Search));
        for c in "colour:red".chars() {
            update(&mut app, Action::SearchChar(c));
        }
        assert!(update(&mut app, Action::SearchSubmit).is_empty());
        assert!(app.search.as_ref().and_then(|s| s.error.as_deref()).is_some_and(|e| e.contains("colour")));
        assert_eq!(app.stack.len(), 1);
    }
}
