//! Editing the case notes in `$EDITOR`: the terminal is handed over (raw mode and the alternate screen left),
//! the editor works on a copy in the state folder, and the result is saved through the core (lock and activity
//! log) when it changed; the terminal is taken back whatever happened (mouse reporting is turned back on by the
//! event loop).

use crate::case::state::CaseState;
use crossterm::event::DisableMouseCapture;
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};

/// Runs the editor command (`$VISUAL` or `$EDITOR`) on the notes and saves them when they changed.
pub fn edit_notes(state: &CaseState, editor: Option<&str>) -> Result<(), String> {
    let editor = editor.ok_or("$EDITOR is not set")?;
    let mut words = editor.split_whitespace();
    let program = words.next().ok_or("$EDITOR is empty")?.to_string();
    let args: Vec<String> = words.map(str::to_string).collect();
    let before = state.notes().map_err(|e| e.to_string())?;
    let copy = state.dir().join("notes.md.edit");
    std::fs::write(&copy, &before).map_err(|e| format!("{}: {e}", copy.display()))?;
    let _ = disable_raw_mode();
    let _ = execute!(std::io::stdout(), DisableMouseCapture, LeaveAlternateScreen, crossterm::cursor::Show);
    let status = std::process::Command::new(&program).args(&args).arg(&copy).status();
    let _ = execute!(std::io::stdout(), EnterAlternateScreen);
    let _ = enable_raw_mode();
    let outcome = match status {
        Ok(s) if s.success() => {
            let after = std::fs::read_to_string(&copy).map_err(|e| format!("{}: {e}", copy.display()))?;
            if after != before {
                state.set_notes(&after).map_err(|e| e.to_string())
            } else {
                Ok(())
            }
        }
        Ok(s) => Err(format!("{program} exited with {s}; notes left as they were")),
        Err(e) => Err(format!("{program} could not start: {e}")),
    };
    let _ = std::fs::remove_file(&copy);
    outcome
}
