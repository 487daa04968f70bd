//! Everything that can change the App: commands from keys, search-line edits, terminal size, finished jobs.

use crate::case::state::bookmarks::Bookmark;
use crate::case::state::SuppressionPlan;
use crate::index::paging::{KeyedPage, SortKey};
use crate::index::Hit;
use crate::tui::state::casebook::CaseBook;
use crate::tui::state::entity_facts::EntityFacts;
use crate::tui::state::keymap::Command;
use crate::tui::state::overview::OverviewData;
use crate::tui::state::stats::Stats;
use crate::tui::state::timeline::Histogram;

/// One change request. Finished jobs carry the generation they were started with; stale ones are dropped.
#[derive(Debug, Clone)]
pub enum Action {
    /// A bound key.
    Command(Command),
    /// A key typed into the open `/` or `:` line.
    Prompt(PromptKey),
    /// A mouse event.
    Mouse(MouseInput),
    /// The terminal is now this many columns and rows.
    Resize { width: u16, height: u16 },
    /// Counts, ledger and alerts for the overview.
    OverviewLoaded { gen: u64, result: Result<Box<OverviewData>, String> },
    /// A page of timeline rows, and the total when it was asked for.
    PageLoaded { gen: u64, result: Result<(KeyedPage, Option<usize>), String> },
    /// Where `n` (`forward`) or `N` found the next match of the search in a timeline; `None`: nothing matches.
    MatchFound { gen: u64, forward: bool, result: Result<Option<MatchFound>, String> },
    /// The evidence events of the alert detail, by id (`None`: no such event in the index).
    EventsLooked { gen: u64, result: Result<Vec<(String, Option<Hit>)>, String> },
    /// The search history file was written (or why not).
    HistorySaved { result: Result<(), String> },
    /// The histogram strip of a timeline.
    HistogramLoaded { gen: u64, result: Result<Histogram, String> },
    /// The original record of the event in the detail view, pretty-printed.
    RawLoaded { gen: u64, result: Result<String, String> },
    /// The text of a Sigma rule file.
    RuleTextLoaded { gen: u64, result: Result<String, String> },
    /// Counts for an entity page, facet panel or frequency table.
    StatsLoaded { gen: u64, result: Result<Box<Stats>, String> },
    /// What the case's snapshots state about the entity of an entity page.
    EntityFactsLoaded { gen: u64, result: Result<Box<EntityFacts>, String> },
    /// Triage, runbook progress and notes as saved.
    CaseLoaded { result: Result<Box<CaseBook>, String> },
    /// A change of case work was saved (with what to tell the analyst and the case work read again), or why not.
    CaseSaved { result: Result<(String, Box<CaseBook>), String> },
    /// A bookmark was added, removed or annotated through the core: the message and the saved list.
    BookmarksChanged { result: Result<(String, Vec<Bookmark>), String> },
    /// The `case.toml` change a suppression would make.
    SuppressionPlanned { gen: u64, result: Result<Box<SuppressionPlan>, String> },
    /// An export finished: where it went and how many rows it wrote.
    ExportDone { result: Result<(std::path::PathBuf, u64), String> },
    /// `$EDITOR` closed on `notes.md` (or could not start).
    EditorClosed { result: Result<(), String> },
    /// The exercise's replay clock moved (`backwards`: to an earlier time).
    ReplayClockMoved { backwards: bool },
}

/// Keys of a prompt line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKey {
    Char(char),
    Backspace,
    /// Enter: run it.
    Submit,
    /// Esc: close it.
    Cancel,
    /// Up: older history entry.
    Up,
    /// Down: newer history entry.
    Down,
    /// Tab: complete the word.
    Complete,
}

/// Mouse input, in terminal cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseInput {
    ScrollUp,
    ScrollDown,
    /// Left click at column `x`, row `y`.
    Click {
        x: u16,
        y: u16,
    },
    /// A second left click at the same cell soon after the first.
    DoubleClick {
        x: u16,
        y: u16,
    },
}

/// Where the next match of a timeline search is, and the rows around it.
#[derive(Debug, Clone)]
pub struct MatchFound {
    pub row: usize,
    pub key: SortKey,
    /// The search went past the end (or the start) and began again at the other end.
    pub wrapped: bool,
    /// Rows around the match when it was not among the loaded rows.
    pub page: Option<crate::index::paging::KeyedPage>,
}
