//! The terminal itself: raw mode and the alternate screen, restored on every way out; mouse reporting; the
//! clipboard through OSC 52.

use crate::tui::update::clipboard::osc52;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use std::io::Write;

/// Raw mode and the alternate screen; on failure the terminal is restored before the error returns.
pub(super) fn enter() -> anyhow::Result<()> {
    enable_raw_mode()?;
    if let Err(e) = execute!(std::io::stdout(), EnterAlternateScreen) {
        restore();
        return Err(e.into());
    }
    Ok(())
}

/// Leaves raw mode, mouse reporting and the alternate screen, and shows the cursor.
pub(super) fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(std::io::stdout(), DisableMouseCapture, LeaveAlternateScreen, crossterm::cursor::Show);
}

/// Restores the terminal before the previous panic hook prints, so the message is readable.
pub(super) fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Turns mouse reporting on or off.
pub(super) fn set_mouse_capture(on: bool) -> anyhow::Result<()> {
    if on {
        execute!(std::io::stdout(), EnableMouseCapture)?;
    } else {
        execute!(std::io::stdout(), DisableMouseCapture)?;
    }
    Ok(())
}

/// Puts `text` (already sanitized) on the system clipboard through the terminal.
pub(super) fn copy_to_clipboard(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout();
    out.write_all(osc52(text).as_bytes())?;
    out.flush()?;
    Ok(())
}
