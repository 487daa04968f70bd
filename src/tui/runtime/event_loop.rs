//! The event loop. Each turn brings the terminal in line with the state (mouse reporting, the clipboard, the
//! notes editor), draws when something changed, reads at most one input, follows the exercise clock, and hands
//! what arrived to `update`, queueing the jobs it asks for.

use super::exercise::{ExercisePane, PaneOutcome};
use super::input::{is_interrupt, key_action, Clicks};
use super::workers::Workers;
use super::{editor, terminal};
use crate::case::state::CaseState;
use crate::tui::state::App;
use crate::tui::update::action::Action;
use crate::tui::update::job::Job;
use crate::tui::update::update;
use crate::tui::views::{self, Ui};
use crossbeam_channel::Receiver;
use crossterm::event::{self, Event as TermEvent, KeyEvent, KeyEventKind};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use std::time::{Duration, Instant};

/// The terminal the workbench draws on.
type Screen = Terminal<CrosstermBackend<std::io::Stdout>>;

/// How long a turn waits for input when nothing else is waiting.
const IDLE_POLL: Duration = Duration::from_millis(30);
/// How often the hint bar's export progress is redrawn while an export runs.
const EXPORT_REDRAW: Duration = Duration::from_millis(250);
/// How often the exercise clock is followed.
const CLOCK_TICK: Duration = Duration::from_secs(1);

/// What the loop keeps from one turn to the next.
struct Turns {
    /// Something changed since the last frame.
    dirty: bool,
    last_draw: Instant,
    last_tick: Instant,
    /// Mouse reporting is on in the terminal.
    mouse_on: bool,
    clicks: Clicks,
}

/// Runs until the App says quit.
pub(super) fn event_loop(
    screen: &mut Screen,
    app: &mut App,
    ui: &Ui,
    workers: &Workers,
    results: &Receiver<Action>,
    state: &CaseState,
    mut pane: Option<&mut ExercisePane>,
) -> anyhow::Result<()> {
    let mut turns = Turns {
        dirty: true,
        last_draw: Instant::now(),
        last_tick: Instant::now(),
        mouse_on: false,
        clicks: Clicks::default(),
    };
    while !app.quit {
        turns.sync_terminal(app)?;
        let mut actions = turns.hand_notes_to_editor(screen, app, state)?;
        turns.draw_if_changed(screen, app, ui, pane.as_deref())?;
        actions.extend(results.try_iter());
        let wait = if actions.is_empty() { IDLE_POLL } else { Duration::ZERO };
        if event::poll(wait)? {
            actions.extend(turns.on_input(event::read()?, app, ui, workers, pane.as_deref_mut())?);
        }
        if let Some(p) = pane.as_deref_mut() {
            turns.follow_clock(app, p, workers)?;
        }
        turns.apply(app, actions, workers)?;
    }
    Ok(())
}

impl Turns {
    /// Mouse reporting as the App wants it, and the text it asked to copy.
    fn sync_terminal(&mut self, app: &mut App) -> anyhow::Result<()> {
        if app.mouse != self.mouse_on {
            terminal::set_mouse_capture(app.mouse)?;
            self.mouse_on = app.mouse;
        }
        if let Some(text) = app.clipboard.take() {
            terminal::copy_to_clipboard(&text)?;
        }
        Ok(())
    }

    /// Runs `$EDITOR` on the notes when the App asked for it; the answer is the action that reports how it went.
    fn hand_notes_to_editor(
        &mut self,
        screen: &mut Screen,
        app: &mut App,
        state: &CaseState,
    ) -> anyhow::Result<Vec<Action>> {
        if !std::mem::take(&mut app.edit_notes) {
            return Ok(Vec::new());
        }
        let result = editor::edit_notes(state, app.env.editor.as_deref());
        self.mouse_on = false;
        screen.clear()?;
        self.dirty = true;
        Ok(vec![Action::EditorClosed { result }])
    }

    /// Draws the App (and the exercise pane over it) when something changed, or when a running export's
    /// progress is due.
    fn draw_if_changed(
        &mut self,
        screen: &mut Screen,
        app: &App,
        ui: &Ui,
        pane: Option<&ExercisePane>,
    ) -> anyhow::Result<()> {
        // An export reports progress through shared counters: redraw a few times a second while it runs.
        if app.export.is_loading() && self.last_draw.elapsed() >= EXPORT_REDRAW {
            self.dirty = true;
        }
        if !self.dirty {
            return Ok(());
        }
        screen.draw(|f| {
            views::draw(f, app, ui);
            if let Some(p) = pane {
                let body = Rect { y: 1, height: f.area().height.saturating_sub(2), ..f.area() };
                views::exercise::draw(f, body, p, ui, app.tz, app.env.exercise_clock.now());
            }
        })?;
        self.dirty = false;
        self.last_draw = Instant::now();
        Ok(())
    }

    /// One terminal event: a key (the exercise pane's first when it takes it), a mouse event or a new size.
    fn on_input(
        &mut self,
        input: TermEvent,
        app: &mut App,
        ui: &Ui,
        workers: &Workers,
        pane: Option<&mut ExercisePane>,
    ) -> anyhow::Result<Vec<Action>> {
        Ok(match input {
            TermEvent::Key(k) if k.kind != KeyEventKind::Release => self.on_key(&k, app, ui, workers, pane)?,
            TermEvent::Mouse(m) => self.clicks.input(&m).map(Action::Mouse).into_iter().collect(),
            TermEvent::Resize(width, height) => vec![Action::Resize { width, height }],
            _ => Vec::new(),
        })
    }

    fn on_key(
        &mut self,
        k: &KeyEvent,
        app: &mut App,
        ui: &Ui,
        workers: &Workers,
        pane: Option<&mut ExercisePane>,
    ) -> anyhow::Result<Vec<Action>> {
        let outcome = match pane {
            Some(p) if app.prompt.is_none() => p.on_key(k, app.env.exercise_clock.now()),
            _ => PaneOutcome::Ignored,
        };
        if outcome != PaneOutcome::Ignored {
            self.dirty = true;
            send(workers, clock_moved(app, outcome))?;
            return Ok(Vec::new());
        }
        if is_interrupt(k) {
            app.quit = true;
            return Ok(Vec::new());
        }
        Ok(key_action(app, ui, k).into_iter().collect())
    }

    /// Once a second, follows the exercise clock; while it runs the clock line moves, so the screen is redrawn.
    fn follow_clock(&mut self, app: &mut App, pane: &mut ExercisePane, workers: &Workers) -> anyhow::Result<()> {
        if self.last_tick.elapsed() < CLOCK_TICK {
            return Ok(());
        }
        self.last_tick = Instant::now();
        let outcome = pane.tick(app.env.exercise_clock.now());
        send(workers, clock_moved(app, outcome))?;
        self.dirty |= outcome != PaneOutcome::Ignored || pane.session.clock.is_running();
        Ok(())
    }

    /// Hands each action to `update` and queues the jobs it asks for.
    fn apply(&mut self, app: &mut App, actions: Vec<Action>, workers: &Workers) -> anyhow::Result<()> {
        for a in actions {
            self.dirty = true;
            send(workers, update(app, a))?;
        }
        Ok(())
    }
}

/// After the replay clock moved, what `update` makes of it; nothing when it did not move.
fn clock_moved(app: &mut App, outcome: PaneOutcome) -> Vec<Job> {
    match outcome {
        PaneOutcome::ClockMoved { backwards } => update(app, Action::ReplayClockMoved { backwards }),
        _ => Vec::new(),
    }
}

fn send(workers: &Workers, jobs: Vec<Job>) -> anyhow::Result<()> {
    for j in jobs {
        workers.send(j)?;
    }
    Ok(())
}
