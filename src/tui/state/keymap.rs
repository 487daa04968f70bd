//! Key bindings: named commands bound to keys, defaults in `assets/keymap.toml`, overridable from the
//! config directory. The help overlay is generated from the live map.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

const DEFAULT_KEYMAP: &str = include_str!("../../../assets/keymap.toml");

/// Everything a key can ask for; what it does depends on the screen (see `update`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Quit,
    Back,
    Open,
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Search,
    NextMatch,
    PrevMatch,
    PivotUser,
    PivotIp,
    PivotSession,
    PivotApp,
    Around,
    Entity,
    Pivot,
    Facets,
    Frequency,
    ColumnLeft,
    ColumnRight,
    Copy,
    CopyRow,
    Bookmark,
    HistoryBack,
    HistoryForward,
    CommandLine,
    FilterSeverity,
    FilterAnalytic,
    GroupIncidents,
    ScreenOverview,
    ScreenAlerts,
    ScreenTimeline,
    ScreenSearch,
    ScreenBookmarks,
    ScreenNotes,
    Runbook,
    RuleYaml,
    TickStep,
    Annotate,
    Triage,
    FilterStatus,
    EditNotes,
    Help,
}

/// A key with its modifiers, as written in the keymap file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

/// One binding: a command, its keys as written, and the help line.
#[derive(Debug, Clone)]
pub struct Binding {
    pub command: Command,
    pub keys: Vec<String>,
    pub help: String,
    parsed: Vec<Key>,
}

/// Keymap errors, naming the file and the entry.
#[derive(Debug, thiserror::Error)]
pub enum KeymapError {
    #[error("keymap {file}: {message}")]
    Invalid { file: String, message: String },
}

#[derive(Deserialize)]
struct KeymapFile {
    #[serde(default)]
    bind: Vec<RawBinding>,
}

#[derive(Deserialize)]
struct RawBinding {
    command: Command,
    keys: Vec<String>,
    #[serde(default)]
    help: Option<String>,
}

/// The live keymap.
#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

impl Keymap {
    /// The built-in bindings.
    pub fn defaults() -> Keymap {
        Keymap::parse(DEFAULT_KEYMAP, "assets/keymap.toml").expect("built-in keymap is valid")
    }

    /// Defaults, with the keys of the commands the user's keymap (its text and file name, when there is one)
    /// lists replaced. The runtime reads the file; the keymap only reads text.
    pub fn with_user(user: Option<(&str, &str)>) -> Result<Keymap, KeymapError> {
        let mut map = Keymap::defaults();
        let Some((text, name)) = user else { return Ok(map) };
        let user = Keymap::parse(text, name)?;
        for b in user.bindings {
            match map.bindings.iter_mut().find(|d| d.command == b.command) {
                Some(d) => {
                    d.keys = b.keys;
                    d.parsed = b.parsed;
                    if !b.help.is_empty() {
                        d.help = b.help;
                    }
                }
                None => map.bindings.push(b),
            }
        }
        Ok(map)
    }

    /// Parses a keymap file's text; `name` is used in error messages.
    pub fn parse(text: &str, name: &str) -> Result<Keymap, KeymapError> {
        let file: KeymapFile =
            toml::from_str(text).map_err(|e| KeymapError::Invalid { file: name.into(), message: e.to_string() })?;
        let mut bindings = Vec::new();
        for raw in file.bind {
            let parsed = raw
                .keys
                .iter()
                .map(|k| {
                    parse_key(k).ok_or_else(|| KeymapError::Invalid {
                        file: name.into(),
                        message: format!("'{k}' (command {:?}) is not a key", raw.command),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            bindings.push(Binding { command: raw.command, keys: raw.keys, help: raw.help.unwrap_or_default(), parsed });
        }
        Ok(Keymap { bindings })
    }

    /// The command bound to a key press, if any.
    pub fn command(&self, ev: &KeyEvent) -> Option<Command> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let code = match ev.code {
            KeyCode::Char(c) if !ctrl => KeyCode::Char(c),
            KeyCode::Char(c) => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        self.bindings.iter().find(|b| b.parsed.iter().any(|k| k.code == code && k.ctrl == ctrl)).map(|b| b.command)
    }

    /// The first key of a command as written, for hint bars.
    pub fn key_of(&self, cmd: Command) -> String {
        self.bindings
            .iter()
            .find(|b| b.command == cmd)
            .and_then(|b| b.keys.first().cloned())
            .unwrap_or_else(|| "(unbound)".into())
    }
}

/// Parses `j`, `G`, `ctrl-c`, `shift-tab`, `pgdn`….
pub fn parse_key(s: &str) -> Option<Key> {
    let (ctrl, rest) = match s.strip_prefix("ctrl-") {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (shift, rest) = match rest.strip_prefix("shift-") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let code = match rest {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" if shift => KeyCode::BackTab,
        "tab" => KeyCode::Tab,
        "backspace" => KeyCode::Backspace,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" => KeyCode::PageUp,
        "pgdn" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "space" => KeyCode::Char(' '),
        one if one.chars().count() == 1 => {
            let c = one.chars().next()?;
            KeyCode::Char(if shift {
                c.to_ascii_uppercase()
            } else if ctrl {
                c.to_ascii_lowercase()
            } else {
                c
            })
        }
        _ => return None,
    };
    Some(Key { code, ctrl })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_bind_vim_keys_and_user_file_replaces_keys() {
        let map = Keymap::defaults();
        let j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(map.command(&j), Some(Command::Down));
        let cf = KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL);
        assert_eq!(map.command(&cf), Some(Command::PageDown));
        let map = Keymap::with_user(Some(("[[bind]]\ncommand = \"down\"\nkeys = [\"n\"]\n", "keymap.toml"))).unwrap();
        assert_eq!(map.command(&j), None);
        assert_eq!(map.command(&KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE)), Some(Command::Down));
        let bad = "[[bind]]\ncommand = \"down\"\nkeys = [\"nope-key\"]\n";
        let err = Keymap::with_user(Some((bad, "keymap.toml"))).unwrap_err().to_string();
        assert!(err.contains("keymap.toml") && err.contains("nope-key"), "{err}");
    }
}
