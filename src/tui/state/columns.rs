//! The columns of a timeline: their widths at a given terminal width, the value each shows, and what a
//! cell under the column cursor means for entity pages, frequency tables and copying.

use super::entity::EntityKind;
use super::stats::Dim;
use crate::model::Event;
use crate::time::format::show;
use chrono_tz::Tz;

/// One timeline column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Time,
    Source,
    Operation,
    Actor,
    Ip,
    Country,
    App,
    Target,
    Result,
}

impl Column {
    /// Every column, left to right.
    pub const ALL: [Column; 9] = [
        Column::Time,
        Column::Source,
        Column::Operation,
        Column::Actor,
        Column::Ip,
        Column::Country,
        Column::App,
        Column::Target,
        Column::Result,
    ];

    /// Header text.
    pub fn name(self) -> &'static str {
        match self {
            Column::Time => "TIME",
            Column::Source => "SOURCE",
            Column::Operation => "OPERATION",
            Column::Actor => "ACTOR",
            Column::Ip => "IP",
            Column::Country => "CC",
            Column::App => "APP",
            Column::Target => "TARGET",
            Column::Result => "RESULT",
        }
    }

    /// The counted field behind this column (a frequency table of it).
    pub fn dim(self) -> Dim {
        match self {
            Column::Time => Dim::Day,
            Column::Source => Dim::Source,
            Column::Operation => Dim::Operation,
            Column::Actor => Dim::User,
            Column::Ip => Dim::Ip,
            Column::Country => Dim::Country,
            Column::App => Dim::App,
            Column::Target => Dim::Target,
            Column::Result => Dim::Result,
        }
    }

    /// The entity a cell of this column holds for `e`: the actor, IP, app, or a target mailbox.
    pub fn entity(self, e: &Event) -> Option<EntityKind> {
        match self {
            Column::Actor => Some(EntityKind::User),
            Column::Ip => Some(EntityKind::Ip),
            Column::App => Some(EntityKind::App),
            Column::Target if e.mailbox.as_ref().is_some_and(|m| m.mailbox.is_some()) => Some(EntityKind::Mailbox),
            _ => None,
        }
        .filter(|k| k.of_event(e).is_some())
    }

    /// The whole value of this column for `e` (cells cut it to fit; copying takes it whole).
    pub fn value(self, e: &Event, tz: Tz) -> String {
        match self {
            Column::Time => show(e.ts, tz),
            Column::Source => e.source.map(|s| s.short()).unwrap_or("").to_string(),
            Column::Operation => e.operation.clone(),
            Column::Actor => e.actor_label().to_string(),
            Column::Ip => e.net.ip.map(|i| i.to_string()).unwrap_or_default(),
            Column::Country => e.net.country.clone().unwrap_or_default(),
            Column::App => e.app_label().to_string(),
            Column::Target => e.target_label(),
            Column::Result => e.result.as_str().to_string(),
        }
    }
}

/// Column widths (0 = hidden) for a table `w` cells wide, in [`Column::ALL`] order. The first cell of every
/// row is a one-character bookmark mark, not counted here.
pub fn widths(w: u16) -> [u16; 9] {
    let w = w.saturating_sub(2);
    // Fixed widths plus one space between columns; the target column takes what is left.
    if w >= 150 {
        [23, 9, 24, 28, 16, 2, 18, w - 135, 7]
    } else if w >= 118 {
        [23, 9, 20, 24, 15, 2, 0, w - 107, 7]
    } else if w >= 100 {
        [23, 0, 20, 24, 15, 2, 0, w - 89, 0]
    } else {
        let rest = w.saturating_sub(18 + 15 + 4);
        let op = rest / 2;
        [18, 0, op, rest - op, 15, 0, 0, 0, 0]
    }
}

/// Indexes (into [`Column::ALL`]) of the columns shown at width `w`.
pub fn visible(w: u16) -> Vec<usize> {
    let ws = widths(w);
    (0..Column::ALL.len()).filter(|i| ws[*i] > 0).collect()
}
