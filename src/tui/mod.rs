//! The workbench TUI: one [`App`](app::App) state changed only by [`Action`](action::Action)s in
//! [`update`](update::update), pure [`views`], index queries on a worker thread ([`jobs`]).

pub mod action;
pub mod alerts;
pub mod app;
pub mod headless;
pub mod jobs;
pub mod keymap;
pub mod theme;
pub mod update;
pub mod views;

use crate::case::Case;
use action::Action;
use app::App;
use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use keymap::Keymap;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::time::Duration;
use theme::Theme;
use views::Ui;

/// Opens the workbench on `case` in the current terminal and runs until the user quits.
/// The terminal is restored on return, on error and on panic.
pub fn run(case: Case) -> anyhow::Result<()> {
    let keymap = Keymap::load(keymap::user_path("keymap.toml").as_deref())?;
    let theme = Theme::load(keymap::user_path("theme.toml").as_deref())?;
    let tz = case.config.timezone();
    let mut app = App::new(case.name(), tz);

    let (job_tx, job_rx) = crossbeam_channel::unbounded();
    let (res_tx, res_rx) = crossbeam_channel::unbounded();
    let worker = jobs::spawn_worker(jobs::JobContext::new(case), job_rx, res_tx);

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
            job_tx.send(j)?;
        }
        event_loop(&mut terminal, &mut app, &ui, &job_tx, &res_rx)
    })();
    restore();
    drop(job_tx);
    let _ = worker.join();
    result
}

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<std::io::Stdout>>,
    app: &mut App,
    ui: &Ui,
    jobs: &crossbeam_channel::Sender<jobs::Job>,
    results: &crossbeam_channel::Receiver<Action>,
) -> anyhow::Result<()> {
    let mut dirty = true;
    while !app.quit {
        if dirty {
            terminal.draw(|f| views::draw(f, app, ui))?;
            dirty = false;
        }
        let mut actions: Vec<Action> = results.try_iter().collect();
        if event::poll(Duration::from_millis(if actions.is_empty() { 30 } else { 0 }))? {
            match event::read()? {
                TermEvent::Key(k) if k.kind != KeyEventKind::Release => {
                    if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
                        app.quit = true;
                    } else if let Some(a) = key_action(app, ui, &k) {
                        actions.push(a);
                    }
                }
                TermEvent::Resize(width, height) => actions.push(Action::Resize { width, height }),
                _ => {}
            }
        }
        for a in actions {
            dirty = true;
            for j in update::update(app, a) {
                jobs.send(j)?;
            }
        }
    }
    Ok(())
}

/// What a key press means now: text for the search line while it is open, else a bound command.
fn key_action(app: &App, ui: &Ui, k: &KeyEvent) -> Option<Action> {
    if app.search.is_some() {
        return match k.code {
            KeyCode::Enter => Some(Action::SearchSubmit),
            KeyCode::Esc => Some(Action::SearchCancel),
            KeyCode::Backspace => Some(Action::SearchBackspace),
            KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => Some(Action::SearchChar(c)),
            _ => None,
        };
    }
    ui.keymap.command(k).map(Action::Command)
}

fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(std::io::stdout(), LeaveAlternateScreen, crossterm::cursor::Show);
}

/// Restores the terminal before the previous panic hook prints, so the message is readable.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
