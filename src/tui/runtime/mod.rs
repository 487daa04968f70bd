//! The runtime: the terminal, input, the worker threads that run jobs and the event loop that feeds their results
//! and the user's keys to `update` and draws with `views`; also the workbench driven without a terminal (tests,
//! `bench-tui`) and the exercise pane, which acts on the session files. Everything that touches the terminal,
//! files, the index or the clock is here.

pub mod bench;
pub mod casejobs;
pub mod context;
pub mod editor;
mod event_loop;
pub mod exercise;
pub mod headless;
mod input;
pub mod jobs;
pub mod queries;
pub mod saved_alerts;
pub mod search_history;
mod terminal;
pub(crate) mod workers;

use crate::case::state::CaseState;
use crate::case::Case;
use crate::runenv::RunEnv;
use crate::tui::state::keymap::Keymap;
use crate::tui::state::App;
use crate::tui::update::action::Action;
use crate::tui::update::{start, update};
use crate::tui::views::theme::Theme;
use crate::tui::views::Ui;
use context::JobContext;
use exercise::ExercisePane;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::sync::Arc;
use workers::Workers;

/// Opens the workbench on `case` in the current terminal and runs until the user quits.
/// The terminal is restored on return, on error and on panic.
pub fn run(case: Case, env: RunEnv) -> anyhow::Result<()> {
    run_with(JobContext::new(case, env))
}

/// Like [`run`] over a prepared job context (an exercise limits what its index shows).
pub fn run_with(ctx: JobContext) -> anyhow::Result<()> {
    run_inner(ctx, None)
}

/// The workbench with the exercise pane, over an index the pane limits to the replay clock.
pub fn run_exercise(ctx: JobContext, pane: ExercisePane) -> anyhow::Result<()> {
    run_inner(ctx, Some(pane))
}

/// The text and name of a user settings file in the config folder, when it exists (size-capped).
fn user_file(path: Option<std::path::PathBuf>) -> anyhow::Result<Option<(String, String)>> {
    let Some(p) = path.filter(|p| p.exists()) else { return Ok(None) };
    let name = p.display().to_string();
    let text = crate::case::bounded::read_text(&p, crate::case::bounded::SETTINGS_MAX)
        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    Ok(Some((text, name)))
}

fn run_inner(ctx: JobContext, mut pane: Option<ExercisePane>) -> anyhow::Result<()> {
    let keymap_file = user_file(ctx.env.config_file("keymap.toml"))?;
    let keymap = Keymap::with_user(keymap_file.as_ref().map(|(t, n)| (t.as_str(), n.as_str())))?;
    let theme_file = user_file(ctx.env.config_file("theme.toml"))?;
    let theme = Theme::with_user(theme_file.as_ref().map(|(t, n)| (t.as_str(), n.as_str())), ctx.env.colour)?;
    let tz = ctx.case.config.timezone();
    let mut app = App::new(ctx.case.name(), tz);
    app.env = ctx.env.clone();

    let state = CaseState::of(&ctx.case, &ctx.env);
    let ctx = Arc::new(ctx);
    if let Some(p) = pane.as_mut() {
        p.attach(ctx.clone());
    }
    let (workers, res_rx) = Workers::spawn(ctx);

    terminal::install_panic_hook();
    terminal::enter()?;
    let result = (|| -> anyhow::Result<()> {
        let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
        let ui = Ui { theme, keymap };
        let size = terminal.size()?;
        update(&mut app, Action::Resize { width: size.width, height: size.height });
        for j in start(&mut app) {
            workers.send(j)?;
        }
        event_loop::event_loop(&mut terminal, &mut app, &ui, &workers, &res_rx, &state, pane.as_mut())
    })();
    terminal::restore();
    workers.join();
    result
}
