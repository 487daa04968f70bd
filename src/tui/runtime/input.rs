//! Terminal input as the workbench reads it: a key press as a prompt edit or a bound command, a mouse event as a
//! wheel step, a click or a double click.

use crate::tui::state::App;
use crate::tui::update::action::{Action, MouseInput, PromptKey};
use crate::tui::views::Ui;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use std::time::{Duration, Instant};

/// Two clicks on one cell within this time are a double click.
const DOUBLE_CLICK: Duration = Duration::from_millis(400);

/// What a key press means now: an edit of the prompt line while it is open, else a bound command.
pub(super) fn key_action(app: &App, ui: &Ui, k: &KeyEvent) -> Option<Action> {
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

/// True for Ctrl-C, which quits whatever has the keys.
pub(super) fn is_interrupt(k: &KeyEvent) -> bool {
    k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL)
}

/// Remembers the last click, so a second one on the same cell soon after is a double click.
#[derive(Debug, Default)]
pub(super) struct Clicks {
    last: Option<(u16, u16, Instant)>,
}

impl Clicks {
    /// The mouse input an event is, if the workbench uses it.
    pub(super) fn input(&mut self, m: &MouseEvent) -> Option<MouseInput> {
        match m.kind {
            MouseEventKind::ScrollDown => Some(MouseInput::ScrollDown),
            MouseEventKind::ScrollUp => Some(MouseInput::ScrollUp),
            MouseEventKind::Down(MouseButton::Left) => {
                let (x, y) = (m.column, m.row);
                let now = Instant::now();
                let double = self.last.is_some_and(|(px, py, at)| (px, py) == (x, y) && now - at < DOUBLE_CLICK);
                self.last = if double { None } else { Some((x, y, now)) };
                Some(if double { MouseInput::DoubleClick { x, y } } else { MouseInput::Click { x, y } })
            }
            _ => None,
        }
    }
}
