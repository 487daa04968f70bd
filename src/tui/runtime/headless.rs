//! Driving the workbench without a terminal: actions in, jobs run at once on the calling thread,
//! frames rendered to any backend. Tests and scripted runs use this.

use super::context::JobContext;
use super::jobs::execute;
use crate::case::Case;
use crate::tui::state::app::App;
use crate::tui::state::keymap::{Command, Keymap};
use crate::tui::update::action::{Action, PromptKey};
use crate::tui::update::{start, update};
use crate::tui::views::theme::Theme;
use crate::tui::views::{draw, Ui};
use chrono_tz::Tz;
use ratatui::backend::Backend;
use ratatui::Terminal;

/// An App with its jobs run synchronously.
pub struct Headless {
    pub app: App,
    pub ui: Ui,
    ctx: JobContext,
}

impl Headless {
    /// Opens `case` with display zone `tz`, the default keymap and the given theme, and loads the overview.
    pub fn new(case: Case, tz: Tz, theme: Theme) -> Headless {
        let app = App::new(case.name(), tz);
        let mut h = Headless {
            app,
            ui: Ui { theme, keymap: Keymap::defaults() },
            ctx: JobContext::new(case, crate::runenv::RunEnv::default()),
        };
        let jobs = start(&mut h.app);
        for j in jobs {
            let a = execute(&h.ctx, j);
            h.send(a);
        }
        h
    }

    /// Applies an action and every job it leads to.
    pub fn send(&mut self, action: Action) {
        let mut queue = vec![action];
        while let Some(a) = queue.pop() {
            for job in update(&mut self.app, a) {
                queue.push(execute(&self.ctx, job));
            }
        }
    }

    /// Applies a bound command.
    pub fn cmd(&mut self, c: Command) {
        self.send(Action::Command(c));
    }

    /// Types text into the search line and submits it.
    pub fn search(&mut self, text: &str) {
        self.cmd(Command::Search);
        self.type_and_submit(text);
    }

    /// Types a `:` command line and submits it.
    pub fn command_line(&mut self, text: &str) {
        self.cmd(Command::CommandLine);
        self.type_and_submit(text);
    }

    fn type_and_submit(&mut self, text: &str) {
        for c in text.chars() {
            self.send(Action::Prompt(PromptKey::Char(c)));
        }
        self.send(Action::Prompt(PromptKey::Submit));
    }

    /// Draws the current state on `terminal`, telling the App its size first.
    pub fn render<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> Result<(), B::Error> {
        let size = terminal.size()?;
        if (size.width, size.height) != (self.app.width, self.app.height) {
            self.send(Action::Resize { width: size.width, height: size.height });
        }
        terminal.draw(|f| draw(f, &self.app, &self.ui))?;
        Ok(())
    }
}
