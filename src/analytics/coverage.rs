//! The coverage section: which sources and days the case holds, and which analytics were degraded by gaps.

use super::clock::{Clock, Day};
use super::params::AnalyticMeta;
use super::store::Store;
use crate::model::Source;
use chrono::NaiveDate;
use serde::Serialize;

/// One log source in the case.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SourceCoverage {
    pub source: String,
    pub events: u64,
    pub first_day: String,
    pub last_day: String,
    pub days: usize,
    /// Working days (per `[hours] days`) inside the source's own span with no record of it (at most 60 listed).
    pub missing_days: Vec<String>,
    /// How many such days there are in all.
    pub missing_day_count: usize,
}

/// How much of what an analytic looks for it can see: all of it, part (a source missing or with gaps, or records
/// that lack the fields it reads), or nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sight {
    #[default]
    Full,
    Partial,
    None,
}

impl Sight {
    /// The coverage status word: `ok`, `degraded` or `blind`.
    pub fn status(self) -> &'static str {
        match self {
            Sight::Full => "ok",
            Sight::Partial => "degraded",
            Sight::None => "blind",
        }
    }
}

/// How one analytic fared with the case's sources.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AnalyticCoverage {
    pub analytic: String,
    /// `ok`, `degraded` (a needed source is missing or has gaps) or `blind` (none of the needed sources).
    pub status: String,
    pub sources_present: Vec<String>,
    pub sources_missing: Vec<String>,
    pub notes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params_overridden: Vec<String>,
}

/// What the case holds, per source and day, in the case time zone.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Coverage {
    pub timezone: String,
    pub events: u64,
    pub events_without_time: u64,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub sources: Vec<SourceCoverage>,
    pub analytics: Vec<AnalyticCoverage>,
}

/// `YYYY-MM-DD` of a local day number.
pub fn day_text(d: Day) -> String {
    NaiveDate::from_num_days_from_ce_opt(d + 719_163).map(|n| n.to_string()).unwrap_or_default()
}

impl Coverage {
    /// Summarises the store's per-source days.
    pub fn from_store(store: &Store) -> Coverage {
        let mut c = Coverage {
            timezone: store.clock.tz.name().to_string(),
            events: store.events,
            events_without_time: store.sources.without_time,
            ..Coverage::default()
        };
        let Some((first, last)) = store.span else { return c };
        c.first_day = Some(day_text(first));
        c.last_day = Some(day_text(last));
        for src in Source::ALL {
            let Some(days) = store.sources.days.get(&src) else { continue };
            if days.is_empty() {
                continue;
            }
            let events = days.values().sum();
            let (a, b) = (*days.keys().next().unwrap_or(&first), *days.keys().last().unwrap_or(&last));
            let gaps: Vec<Day> =
                (a..=b).filter(|d| !days.contains_key(d) && store.clock.is_work_day(Clock::weekday_of(*d))).collect();
            let missing: Vec<String> = gaps.iter().take(60).map(|d| day_text(*d)).collect();
            c.sources.push(SourceCoverage {
                source: src.as_str().to_string(),
                events,
                first_day: day_text(a),
                last_day: day_text(b),
                days: days.len(),
                missing_days: missing,
                missing_day_count: gaps.len(),
            });
        }
        c
    }

    /// Judges one analytic against the sources; `notes` and `sight` come from the analytic itself, and its status is
    /// the worse of the two judgements.
    pub fn judge(&mut self, meta: &AnalyticMeta, notes: Vec<String>, sight: Sight, overridden: Vec<String>) {
        let present: Vec<String> =
            meta.sources_needed.iter().filter(|s| self.sources.iter().any(|c| &c.source == *s)).cloned().collect();
        let missing: Vec<String> = meta.sources_needed.iter().filter(|s| !present.contains(s)).cloned().collect();
        let mut notes = notes;
        let mut gaps = false;
        for s in &present {
            if let Some(c) = self.sources.iter().find(|c| &c.source == s) {
                if !c.missing_days.is_empty() {
                    gaps = true;
                    notes.push(format!(
                        "{s} has no records on {} working day(s) between {} and {} (first gap: {})",
                        c.missing_day_count, c.first_day, c.last_day, c.missing_days[0]
                    ));
                }
            }
        }
        let fallback: Vec<&String> =
            meta.sources_fallback.iter().filter(|s| self.sources.iter().any(|c| &c.source == *s)).collect();
        if present.is_empty() && !fallback.is_empty() {
            notes.push(format!(
                "working from {} in place of the missing source(s)",
                fallback.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
        let by_sources = if present.is_empty() && fallback.is_empty() {
            Sight::None
        } else if !missing.is_empty() || gaps {
            Sight::Partial
        } else {
            Sight::Full
        };
        let status = by_sources.max(sight).status();
        if !missing.is_empty() {
            notes.push(format!("missing source(s): {}", missing.join(", ")));
        }
        self.analytics.push(AnalyticCoverage {
            analytic: meta.id.clone(),
            status: status.to_string(),
            sources_present: present,
            sources_missing: missing,
            notes,
            params_overridden: overridden,
        });
    }
}
