//! The workbench TUI: one [`App`](app::App) state changed only by [`Action`](action::Action)s in
//! [`update`](update::update), pure [`views`], index queries on worker threads ([`jobs`]).

pub mod action;
pub mod alerts;
pub mod app;
pub mod bench;
pub mod bookmarks;
pub mod casebook;
pub mod casejobs;
pub mod clipboard;
pub mod columns;
pub mod editor;
pub mod entity;
pub mod exercise;
pub mod fields;
pub mod headless;
pub mod history;
pub mod jobs;
pub mod keymap;
pub mod prompt;
pub mod settings;
pub mod stats;
pub mod theme;
pub mod update;
pub mod views;

use crate::case::Case;
use action::{Action, MouseInput, PromptKey};
use app::App;
use crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
    MouseButton, MouseEventKind,
};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use keymap::Keymap;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use theme::Theme;
use views::Ui;

/// Two clicks on one cell within this time are a double click.
const DOUBLE_CLICK: Duration = Duration::from_millis(400);

/// Sends each job to its worker: counting jobs to their own, so paging never waits behind them.
pub(crate) struct Workers {
    quick: crossbeam_channel::Sender<jobs::Job>,
    scan: crossbeam_channel::Sender<jobs::Job>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Workers {
    /// Starts the two worker threads on `ctx`; finished jobs come back on the receiver as actions.
    pub(crate) fn spawn(ctx: Arc<jobs::JobContext>) -> (Workers, crossbeam_channel::Receiver<Action>) {
        let (quick_tx, quick_rx) = crossbeam_channel::unbounded();
        let (scan_tx, scan_rx) = crossbeam_channel::unbounded();
        let (res_tx, res_rx) = crossbeam_channel::unbounded();
        let quick = jobs::spawn_worker(ctx.clone(), quick_rx, res_tx.clone());
        let scan = jobs::spawn_worker(ctx, scan_rx, res_tx);
        (Workers { quick: quick_tx, scan: scan_tx, threads: vec![quick, scan] }, res_rx)
    }

    /// Closes the queues and waits for the workers to finish what they run.
    pub(crate) fn join(self) {
        let Workers { quick, scan, threads } = self;
        drop(quick);
        drop(scan);
        for t in threads {
            let _ = t.join();
        }
    }

    pub(crate) fn send(&self, job: jobs::Job) -> anyhow::Result<()> {
        if job.is_scan() {
            self.scan.send(job)?;
        } else {
            self.quick.send(job)?;
        }
        Ok(())
    }
}

/// Opens the workbench on `case` in the current terminal and runs until the user quits.
/// The terminal is restored on return, on error and on panic.
pub fn run(case: Case, env: crate::runenv::RunEnv) -> anyhow::Result<()> {
    run_with(jobs::JobContext::new(case, env))
}

/// Like [`run`] over a prepared job context (an exercise limits what its index shows).
pub fn run_with(ctx: jobs::JobContext) -> anyhow::Result<()> {
    run_inner(ctx, None)
}

/// The workbench with the exercise pane, over an index the pane limits to the replay clock.
pub fn run_exercise(ctx: jobs::JobContext, pane: exercise::ExercisePane) -> anyhow::Result<()> {
    run_inner(ctx, Some(pane))
}

fn run_inner(ctx: jobs::JobContext, mut pane: Option<exercise::ExercisePane>) -> anyhow::Result<()> {
    let keymap = Keymap::load(ctx.env.config_file("keymap.toml").as_deref())?;
    let theme = Theme::load(ctx.env.config_file("theme.toml").as_deref(), ctx.env.colour)?;
    let tz = ctx.case.config.timezone();
    let mut app = App::new(ctx.case.name(), tz);
    app.env = ctx.env.clone();

    let state = crate::case::state::CaseState::of(&ctx.case, &ctx.env);
    let ctx = Arc::new(ctx);
    if let Some(p) = pane.as_mut() {
        p.attach(ctx.clone());
    }
    let (workers, res_rx) = Workers::spawn(ctx);

    install_panic_hook();
    enable_raw_mode()?;
    let mut stdout = std::io::stdout();
    if let Err(e) = execute!(stdout, EnterAlternateScreen) {
        restore();
        return Err(e.into());
    }
    let result = (|| -> anyhow::Result<()> {
        let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
        let ui = Ui { theme, keymap };
        let size = terminal.size()?;
        update::update(&mut app, Action::Resize { width: size.width, height: size.height });
        for j in update::start(&mut app) {
            workers.send(j)?;
        }
        event_loop(&mut terminal, &mut app, &ui, &workers, &res_rx, &state, pane.as_mut())
    })();
    restore();
    workers.join();
    result
}

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<std::io::Stdout>>,
    app: &mut App,
    ui: &Ui,
    workers: &Workers,
    results: &crossbeam_channel::Receiver<Action>,
    state: &crate::case::state::CaseState,
    mut pane: Option<&mut exercise::ExercisePane>,
) -> anyhow::Result<()> {
    let mut dirty = true;
    let mut last_draw = std::time::Instant::now();
    let mut last_tick = std::time::Instant::now();
    let mut mouse_on = false;
    let mut last_click: Option<(u16, u16, std::time::Instant)> = None;
    while !app.quit {
        if app.mouse != mouse_on {
            if app.mouse {
                execute!(std::io::stdout(), EnableMouseCapture)?;
            } else {
                execute!(std::io::stdout(), DisableMouseCapture)?;
            }
            mouse_on = app.mouse;
        }
        if let Some(text) = app.clipboard.take() {
            let mut out = std::io::stdout();
            out.write_all(clipboard::osc52(&text).as_bytes())?;
            out.flush()?;
        }
        let mut actions: Vec<Action> = Vec::new();
        if std::mem::take(&mut app.edit_notes) {
            let result = editor::edit_notes(state, app.env.editor.as_deref());
            mouse_on = false;
            terminal.clear()?;
            actions.push(Action::EditorClosed { result });
            dirty = true;
        }
        // An export reports progress through shared counters: redraw a few times a second while it runs.
        if app.export.is_some() && last_draw.elapsed() >= Duration::from_millis(250) {
            dirty = true;
        }
        if dirty {
            terminal.draw(|f| {
                views::draw(f, app, ui);
                if let Some(p) = pane.as_deref() {
                    let body = ratatui::layout::Rect { y: 1, height: f.area().height.saturating_sub(2), ..f.area() };
                    views::exercise::draw(f, body, p, ui, app.tz, app.env.exercise_clock.now());
                }
            })?;
            dirty = false;
            last_draw = std::time::Instant::now();
        }
        actions.extend(results.try_iter());
        if event::poll(Duration::from_millis(if actions.is_empty() { 30 } else { 0 }))? {
            match event::read()? {
                TermEvent::Key(k) if k.kind != KeyEventKind::Release => {
                    let outcome = match pane.as_deref_mut() {
                        Some(p) if app.prompt.is_none() => p.on_key(&k, app.env.exercise_clock.now()),
                        _ => exercise::PaneOutcome::Ignored,
                    };
                    if outcome != exercise::PaneOutcome::Ignored {
                        dirty = true;
                        for j in exercise_reload(app, outcome) {
                            workers.send(j)?;
                        }
                    } else if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
                        app.quit = true;
                    } else if let Some(a) = key_action(app, ui, &k) {
                        actions.push(a);
                    }
                }
                TermEvent::Mouse(m) => {
                    let input = match m.kind {
                        MouseEventKind::ScrollDown => Some(MouseInput::ScrollDown),
                        MouseEventKind::ScrollUp => Some(MouseInput::ScrollUp),
                        MouseEventKind::Down(MouseButton::Left) => {
                            let (x, y) = (m.column, m.row);
                            let now = std::time::Instant::now();
                            let double =
                                last_click.is_some_and(|(px, py, at)| (px, py) == (x, y) && now - at < DOUBLE_CLICK);
                            last_click = if double { None } else { Some((x, y, now)) };
                            Some(if double { MouseInput::DoubleClick { x, y } } else { MouseInput::Click { x, y } })
                        }
                        _ => None,
                    };
                    actions.extend(input.map(Action::Mouse));
                }
                TermEvent::Resize(width, height) => actions.push(Action::Resize { width, height }),
                _ => {}
            }
        }
        if let Some(p) = pane.as_deref_mut() {
            if last_tick.elapsed() >= Duration::from_secs(1) {
                last_tick = std::time::Instant::now();
                let outcome = p.tick(app.env.exercise_clock.now());
                for j in exercise_reload(app, outcome) {
                    workers.send(j)?;
                }
                // The clock line moves every second while it runs.
                dirty |= outcome != exercise::PaneOutcome::Ignored || p.session.clock.is_running();
            }
        }
        for a in actions {
            dirty = true;
            for j in update::update(app, a) {
                workers.send(j)?;
            }
        }
    }
    Ok(())
}

/// After the replay clock moved: reload the overview and alerts; going back also closes the views opened since,
/// which could show events now beyond the clock.
fn exercise_reload(app: &mut App, outcome: exercise::PaneOutcome) -> Vec<jobs::Job> {
    match outcome {
        exercise::PaneOutcome::ClockMoved { backwards } => {
            if backwards {
                app.stack.truncate(1);
                app.forward.clear();
                app.detail = None;
            }
            update::start(app)
        }
        _ => Vec::new(),
    }
}

/// What a key press means now: an edit of the prompt line while it is open, else a bound command.
fn key_action(app: &App, ui: &Ui, k: &KeyEvent) -> Option<Action> {
    if app.prompt.is_some() {
        let key = match k.code {
            KeyCode::Enter => PromptKey::Submit,
            KeyCode::Esc => PromptKey::Cancel,
            KeyCode::Backspace => PromptKey::Backspace,
            KeyCode::Up => PromptKey::Up,
            KeyCode::Down => PromptKey::Down,
            KeyCode::Tab => PromptKey::Complete,
            KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => PromptKey::Char(c),
            _ => return None,
        };
        return Some(Action::Prompt(key));
    }
    ui.keymap.command(k).map(Action::Command)
}

fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(std::io::stdout(), DisableMouseCapture, LeaveAlternateScreen, crossterm::cursor::Show);
}

/// Restores the terminal before the previous panic hook prints, so the message is readable.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
