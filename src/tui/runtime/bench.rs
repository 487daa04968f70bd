//! `harrier bench-tui`: the workbench's responsiveness on a real case, measured. The real App, its real
//! worker threads and the real views draw into an off-screen terminal while a scripted tour presses keys;
//! for each key it records the time to the next frame and the time until the frame shows the query's
//! result. Nothing is written to the case: saving jobs (bookmarks, search history) are not run.

use super::context::JobContext;
use super::workers::Workers;
use crate::case::Case;
use crate::tui::state::app::App;
use crate::tui::state::keymap::{Command, Keymap};
use crate::tui::state::view::View;
use crate::tui::update::action::{Action, PromptKey};
use crate::tui::update::job::Job;
use crate::tui::update::{start, update};
use crate::tui::views::theme::Theme;
use crate::tui::views::{draw, Ui};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long one step may take to settle before the run gives up on it.
const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// One key of the tour.
#[derive(Debug, Clone, Copy)]
enum Step {
    Key(Command),
    Char(char),
    Submit,
}

/// The figures of one key press.
#[derive(Debug, Clone, Serialize)]
pub struct StepTiming {
    /// The key, as a responder would name it.
    pub key: String,
    /// The screen after it (its breadcrumb).
    pub screen: String,
    /// Key to the next frame drawn, ms.
    pub frame_ms: f64,
    /// Key to the frame that shows the result of the queries it started, ms (equal to `frame_ms` when it
    /// started none).
    pub settled_ms: f64,
    /// The first frame said it was loading (or counting, or looking up) while the result was on its way.
    pub loading_shown: bool,
}

/// What `bench-tui` reports.
#[derive(Debug, Clone, Serialize)]
pub struct TuiBenchReport {
    pub case: String,
    pub events: u64,
    pub terminal: String,
    /// `release`, or `dev` for a build with debug assertions.
    pub profile: String,
    /// Start (before the index is opened) to the first frame drawn, ms.
    pub first_frame_ms: f64,
    /// Start to the first frame showing the loaded overview, ms.
    pub overview_ms: f64,
    pub steps: Vec<StepTiming>,
    pub frame_median_ms: f64,
    pub frame_max_ms: f64,
    pub settled_median_ms: f64,
    pub settled_max_ms: f64,
    /// Steps whose next frame took over 50 ms without showing a loading state.
    pub slow_without_loading: usize,
    pub peak_rss_mb: Option<f64>,
}

/// Runs the tour on `case` at `width`×`height`, searching for `search` on the way.
pub fn run(case: Case, width: u16, height: u16, search: &str) -> anyhow::Result<TuiBenchReport> {
    let t0 = Instant::now();
    let ui = Ui { theme: Theme::defaults(false), keymap: Keymap::defaults() };
    let name = case.name();
    let tz = case.config.timezone();
    let ctx = Arc::new(JobContext::new(case, crate::runenv::RunEnv::default()));
    let events = ctx.index.as_ref().map(|ix| ix.num_events()).unwrap_or(0);
    let (workers, results) = Workers::spawn(ctx);
    let mut term = Terminal::new(TestBackend::new(width, height))?;
    let mut app = App::new(name.clone(), tz);
    update(&mut app, Action::Resize { width, height });
    let jobs = start(&mut app);
    send(&workers, jobs)?;
    term.draw(|f| draw(f, &app, &ui))?;
    let first_frame_ms = ms(t0);
    settle(&mut app, &ui, &mut term, &workers, &results)?;
    let overview_ms = ms(t0);

    let mut steps = Vec::new();
    for (label, step) in tour(&app, search) {
        let t = Instant::now();
        let action = match step {
            Step::Key(c) => Action::Command(c),
            Step::Char(c) => Action::Prompt(PromptKey::Char(c)),
            Step::Submit => Action::Prompt(PromptKey::Submit),
        };
        let jobs = update(&mut app, action);
        send(&workers, jobs)?;
        term.draw(|f| draw(f, &app, &ui))?;
        let frame_ms = ms(t);
        let loading_shown = busy(&app) && shows_loading(term.backend());
        settle(&mut app, &ui, &mut term, &workers, &results)?;
        steps.push(StepTiming {
            key: label,
            screen: app.top().crumb(),
            frame_ms,
            settled_ms: ms(t).max(frame_ms),
            loading_shown,
        });
    }
    workers.join();
    let (frame_median_ms, frame_max_ms) = median_max(steps.iter().map(|s| s.frame_ms));
    let (settled_median_ms, settled_max_ms) = median_max(steps.iter().map(|s| s.settled_ms));
    let slow_without_loading = steps.iter().filter(|s| s.frame_ms > 50.0 && !s.loading_shown).count();
    Ok(TuiBenchReport {
        case: name,
        events,
        terminal: format!("{width}x{height}"),
        profile: if cfg!(debug_assertions) { "dev" } else { "release" }.into(),
        first_frame_ms,
        overview_ms,
        steps,
        frame_median_ms,
        frame_max_ms,
        settled_median_ms,
        settled_max_ms,
        slow_without_loading,
        peak_rss_mb: crate::cli::bench::peak_rss_mb(),
    })
}

/// The scripted tour: overview → alerts → first alert → its first entity's timeline → PgDn ×20 → G → g →
/// all events (`/` Enter) → PgDn ×20 → G → PgUp → g → `/` search → `n` → facets → frequency table → back ×3 → entity page → back. Without alerts it starts from
/// the all-events timeline.
fn tour(app: &App, search: &str) -> Vec<(String, Step)> {
    let mut t: Vec<(String, Step)> = Vec::new();
    let key = |c: Command, label: &str| (label.to_string(), Step::Key(c));
    if app.alerts().is_empty() {
        t.push(key(Command::ScreenTimeline, "3 (all events)"));
    } else {
        t.push(key(Command::ScreenAlerts, "2 (alerts)"));
        t.push(key(Command::Open, "Enter (first alert)"));
        t.push(key(Command::Open, "Enter (first entity's timeline)"));
    }
    for i in 1..=20 {
        t.push(key(Command::PageDown, &format!("PgDn {i}")));
    }
    t.push(key(Command::Bottom, "G"));
    t.push(key(Command::Top, "g"));
    // The whole case as one timeline: paging through every event.
    t.push(key(Command::Search, "/"));
    t.push(("Enter (all events)".into(), Step::Submit));
    for i in 1..=20 {
        t.push(key(Command::PageDown, &format!("PgDn {i} (all events)")));
    }
    t.push(key(Command::Bottom, "G (all events)"));
    t.push(key(Command::PageUp, "PgUp (all events)"));
    t.push(key(Command::Top, "g (all events)"));
    t.push(key(Command::Back, "Esc"));
    t.push(key(Command::Search, "/"));
    for c in search.chars() {
        t.push((format!("type '{c}'"), Step::Char(c)));
    }
    t.push(("Enter (search)".into(), Step::Submit));
    t.push(key(Command::Back, "Esc (back to the timeline)"));
    t.push(key(Command::NextMatch, "n"));
    t.push(key(Command::NextMatch, "n"));
    t.push(key(Command::PrevMatch, "N"));
    t.push(key(Command::Facets, "Tab (facets)"));
    t.push(key(Command::Frequency, "Shift-F (frequency)"));
    t.push(key(Command::Back, "Esc"));
    t.push(key(Command::Back, "Esc"));
    t.push(key(Command::Back, "Esc"));
    t.push(key(Command::Open, "Enter"));
    t.push(key(Command::Entity, "e (entity page)"));
    t.push(key(Command::Back, "Esc"));
    t
}

/// Sends jobs to the workers, leaving out those that would write to the case.
fn send(workers: &Workers, jobs: Vec<Job>) -> anyhow::Result<()> {
    for j in jobs {
        if !matches!(j, Job::Case(_) | Job::SaveHistory { .. }) {
            workers.send(j)?;
        }
    }
    Ok(())
}

/// Applies finished jobs and draws, until the screen on top has everything it asked for.
fn settle(
    app: &mut App,
    ui: &Ui,
    term: &mut Terminal<TestBackend>,
    workers: &Workers,
    results: &crossbeam_channel::Receiver<Action>,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + STEP_TIMEOUT;
    while busy(app) {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(first) = results.recv_timeout(left) else {
            anyhow::bail!("no result within {} s on {}", STEP_TIMEOUT.as_secs(), app.top().crumb());
        };
        for a in std::iter::once(first).chain(results.try_iter().collect::<Vec<_>>()) {
            let jobs = update(app, a);
            send(workers, jobs)?;
        }
        term.draw(|f| draw(f, app, ui))?;
    }
    Ok(())
}

/// True while the screen on top waits for a query.
fn busy(app: &App) -> bool {
    if app.overview.is_loading() || app.match_step.is_loading() {
        return true;
    }
    if matches!(app.top(), View::AlertDetail { .. }) && app.evidence_lookup.is_loading() {
        return true;
    }
    if app.detail.as_ref().is_some_and(|d| d.raw.is_loading()) {
        return true;
    }
    match app.top() {
        View::Timeline(t) => {
            t.error().is_none()
                && (t.total.is_none()
                    || t.page.is_loading()
                    || t.histogram.is_loading()
                    || t.facets.as_ref().is_some_and(|f| f.data.is_loading()))
        }
        View::Entity(e) => e.data.is_loading(),
        View::Frequency(f) => f.data.is_loading(),
        _ => false,
    }
}

/// True when the frame on `backend` tells the user something is on its way.
fn shows_loading(backend: &TestBackend) -> bool {
    let text: String = backend.buffer().content().iter().map(|c| c.symbol()).collect();
    ["loading", "counting", "looking"].iter().any(|w| text.contains(w))
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn median_max(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let mut v: Vec<f64> = values.collect();
    if v.is_empty() {
        return (0.0, 0.0);
    }
    v.sort_by(|a, b| a.total_cmp(b));
    (v[v.len() / 2], v[v.len() - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_max_of_step_times() {
        assert_eq!(median_max([3.0, 1.0, 2.0].into_iter()), (2.0, 3.0));
        assert_eq!(median_max(std::iter::empty()), (0.0, 0.0));
    }
}
