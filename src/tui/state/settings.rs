//! Workbench defaults and the `:` command catalogue, read from `assets/tui.toml` and `assets/commands.toml`.

use serde::Deserialize;
use std::sync::OnceLock;

const DEFAULTS: &str = include_str!("../../../assets/tui.toml");
const COMMANDS: &str = include_str!("../../../assets/commands.toml");

/// Numbers the workbench starts with.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub around: AroundSettings,
    pub stats: StatsSettings,
    pub history: HistorySettings,
    pub evidence: EvidenceSettings,
}

/// "Around this event" defaults.
#[derive(Debug, Clone, Deserialize)]
pub struct AroundSettings {
    pub minutes: i64,
}

/// Bounds of the counting jobs behind entity pages, facets and frequency tables.
#[derive(Debug, Clone, Deserialize)]
pub struct StatsSettings {
    pub scan_limit: usize,
    pub keep_top: usize,
}

/// Search-line history bounds.
#[derive(Debug, Clone, Deserialize)]
pub struct HistorySettings {
    pub searches: usize,
}

/// Bounds of the evidence lookup behind the alert detail.
#[derive(Debug, Clone, Deserialize)]
pub struct EvidenceSettings {
    pub lookup_limit: usize,
}

/// One `:` command as the catalogue describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct CommandSpec {
    pub name: String,
    #[serde(default)]
    pub args: String,
    pub help: String,
}

#[derive(Deserialize)]
struct CommandFile {
    command: Vec<CommandSpec>,
}

/// The built-in settings.
pub fn settings() -> &'static Settings {
    static S: OnceLock<Settings> = OnceLock::new();
    S.get_or_init(|| toml::from_str(DEFAULTS).expect("assets/tui.toml is valid"))
}

/// The `:` commands, in catalogue order.
pub fn commands() -> &'static [CommandSpec] {
    static C: OnceLock<Vec<CommandSpec>> = OnceLock::new();
    C.get_or_init(|| toml::from_str::<CommandFile>(COMMANDS).expect("assets/commands.toml is valid").command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_parse_with_sane_bounds() {
        let s = settings();
        assert!(s.around.minutes > 0 && s.stats.scan_limit >= 1000 && s.stats.keep_top >= 10);
        let names: Vec<&str> = commands().iter().map(|c| c.name.as_str()).collect();
        for needed in ["user", "ip", "session", "mailbox", "app", "search", "around", "alerts", "overview", "q"] {
            assert!(names.contains(&needed), "{needed} missing from assets/commands.toml");
        }
    }
}
