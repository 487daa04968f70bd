//! The run environment: everything harrier takes from the process around it (the clock, the analyst's name,
//! colour, the editor, the config and data folders). It is read once, at the edge, by [`RunEnv::from_process`];
//! every layer below takes a `&RunEnv`, so tests fix "now" or the analyst without touching the process.

use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// Longest analyst name kept (longer names are cut).
const MAX_ANALYST_CHARS: usize = 64;

/// Where "now" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The wall clock.
    System,
    /// A fixed instant (reproducible runs and tests).
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// The current instant by this clock.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => *t,
        }
    }
}

/// What one run of harrier knows about its surroundings.
#[derive(Debug, Clone)]
pub struct RunEnv {
    /// "Now" for everything recorded: activity, bookmarks, locks, the `generated` time of detections.
    pub clock: Clock,
    /// "Now" for an exercise's schedule (`HARRIER_EXERCISE_NOW` pins it for rehearsals and tests).
    pub exercise_clock: Clock,
    /// The `generated at` time written into reports; `SOURCE_DATE_EPOCH` pins it for reproducible reports.
    pub report_time: Result<DateTime<Utc>, String>,
    /// The time zone named by `--tz`, not yet checked (the case's own zone applies when absent).
    pub tz: Option<String>,
    /// Who is acting, for the activity log and triage records.
    pub analyst: String,
    /// Whether output may be coloured (`NO_COLOR` turns it off).
    pub colour: bool,
    /// The command that edits a text file (`$VISUAL`, else `$EDITOR`), when one is set.
    pub editor: Option<String>,
    /// Where the user's settings live (keymap, theme), when the platform has such a folder.
    pub config_dir: Option<PathBuf>,
    /// Where harrier keeps machine-wide data (the machine key, state for read-only cases).
    pub data_dir: Option<PathBuf>,
}

impl Default for RunEnv {
    /// A neutral environment: the wall clock, analyst "analyst", colour on, no editor and no folders.
    fn default() -> Self {
        RunEnv {
            clock: Clock::System,
            exercise_clock: Clock::System,
            report_time: Ok(Utc::now()),
            tz: None,
            analyst: "analyst".into(),
            colour: true,
            editor: None,
            config_dir: None,
            data_dir: None,
        }
    }
}

impl RunEnv {
    /// Reads the process environment once; the only place below `main` that does.
    pub fn from_process(tz: Option<String>) -> RunEnv {
        let var = |name: &str| std::env::var(name).ok();
        let dirs = directories::ProjectDirs::from("", "", "harrier");
        RunEnv {
            clock: Clock::System,
            exercise_clock: var("HARRIER_EXERCISE_NOW")
                .and_then(|v| DateTime::parse_from_rfc3339(v.trim()).ok())
                .map_or(Clock::System, |t| Clock::Fixed(t.with_timezone(&Utc))),
            report_time: report_time(var("SOURCE_DATE_EPOCH")),
            tz,
            analyst: analyst_name([var("USER"), var("USERNAME")]),
            colour: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            editor: [var("VISUAL"), var("EDITOR")].into_iter().flatten().find(|e| !e.trim().is_empty()),
            config_dir: dirs.as_ref().map(|d| d.config_dir().to_path_buf()),
            data_dir: dirs.as_ref().map(|d| d.data_dir().to_path_buf()),
        }
    }

    /// The same environment with every clock stopped at `now` (tests and reproducible runs).
    pub fn at(mut self, now: DateTime<Utc>) -> RunEnv {
        self.clock = Clock::Fixed(now);
        self.exercise_clock = Clock::Fixed(now);
        self.report_time = Ok(now);
        self
    }

    /// The same environment acting as `analyst`.
    pub fn acting_as(mut self, analyst: &str) -> RunEnv {
        self.analyst = clean_analyst(analyst);
        self
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The user's settings file `name` (for example `keymap.toml`), when there is a config folder.
    pub fn config_file(&self, name: &str) -> Option<PathBuf> {
        self.config_dir.as_ref().map(|d| d.join(name))
    }
}

/// `SOURCE_DATE_EPOCH` as a time, the wall clock when unset, or why it cannot be read.
fn report_time(epoch: Option<String>) -> Result<DateTime<Utc>, String> {
    match epoch {
        None => Ok(Utc::now()),
        Some(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .ok_or_else(|| format!("SOURCE_DATE_EPOCH '{v}' is not a Unix time in seconds")),
    }
}

/// The first usable name among the candidates, else "analyst".
fn analyst_name(candidates: [Option<String>; 2]) -> String {
    candidates
        .into_iter()
        .flatten()
        .map(|v| clean_analyst(&v))
        .find(|v| v != "analyst")
        .unwrap_or_else(|| "analyst".to_string())
}

/// A name safe to record: trimmed, without control characters, bounded; "analyst" when nothing is left.
pub fn clean_analyst(s: &str) -> String {
    let s: String = s.trim().chars().filter(|c| !c.is_control()).take(MAX_ANALYST_CHARS).collect();
    if s.is_empty() {
        "analyst".to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_source_date_epoch_is_reported_not_ignored() {
        assert!(report_time(Some("yesterday".into())).unwrap_err().contains("SOURCE_DATE_EPOCH 'yesterday'"));
        assert_eq!(report_time(Some(" 0 ".into())).unwrap(), DateTime::from_timestamp(0, 0).unwrap());
    }

    #[test]
    fn the_analyst_is_the_first_clean_name() {
        assert_eq!(analyst_name([Some("  \u{1b}[31mana ".into()), Some("bo".into())]), "[31mana");
        assert_eq!(analyst_name([Some("".into()), Some("bo".into())]), "bo");
        assert_eq!(analyst_name([None, None]), "analyst");
    }

    #[test]
    fn a_fixed_clock_stops_every_clock() {
        let t = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let env = RunEnv::default().at(t);
        assert_eq!((env.now(), env.exercise_clock.now(), env.report_time.clone().unwrap()), (t, t, t));
    }
}
