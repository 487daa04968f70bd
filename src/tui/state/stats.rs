//! Counting the values of a pivot's events: the numbers behind entity pages, the facet panel and
//! frequency tables. Pure: the worker feeds it events, views read the result.

use super::entity::EntityKind;
use crate::index::query::{Clause, ParsedQuery};
use crate::model::Event;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// A field of an event that values are counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dim {
    User,
    Ip,
    Country,
    Asn,
    App,
    Operation,
    UserAgent,
    Session,
    Mailbox,
    Source,
    Result,
    Target,
    /// Calendar day in UTC.
    Day,
}

/// How picking a counted value narrows a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Narrow {
    /// Add this clause.
    Clause(Clause),
    /// Keep only this time window (micros, inclusive).
    Window(i64, i64),
}

impl Dim {
    /// Section heading.
    pub fn title(self) -> &'static str {
        match self {
            Dim::User => "Users",
            Dim::Ip => "IP addresses",
            Dim::Country => "Countries",
            Dim::Asn => "ASNs",
            Dim::App => "Apps",
            Dim::Operation => "Operations",
            Dim::UserAgent => "User agents",
            Dim::Session => "Sessions",
            Dim::Mailbox => "Mailboxes",
            Dim::Source => "Sources",
            Dim::Result => "Results",
            Dim::Target => "Targets",
            Dim::Day => "Days (UTC)",
        }
    }

    /// The value `e` has for this field, as shown and counted.
    pub fn value(self, e: &Event) -> Option<String> {
        let v = match self {
            Dim::User => EntityKind::User.of_event(e),
            Dim::Ip => EntityKind::Ip.of_event(e),
            Dim::Session => EntityKind::Session.of_event(e),
            Dim::Mailbox => EntityKind::Mailbox.of_event(e),
            Dim::Country => e.net.country.clone(),
            Dim::Asn => e.net.asn.map(|a| format!("AS{a}")),
            Dim::App => e.app_name.clone().or_else(|| e.app_id.clone()),
            Dim::Operation => Some(e.operation.clone()),
            Dim::UserAgent => e.user_agent.clone(),
            Dim::Source => e.source.map(|s| s.as_str().to_string()),
            Dim::Result => Some(e.result.as_str().to_string()),
            Dim::Target => Some(e.target_label()),
            Dim::Day => e.ts.map(|t| t.format("%Y-%m-%d").to_string()),
        };
        v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
    }

    /// The entity kind whose page a value of this field opens.
    pub fn entity(self) -> Option<EntityKind> {
        match self {
            Dim::User => Some(EntityKind::User),
            Dim::Ip => Some(EntityKind::Ip),
            Dim::Session => Some(EntityKind::Session),
            Dim::Mailbox => Some(EntityKind::Mailbox),
            Dim::App => Some(EntityKind::App),
            _ => None,
        }
    }

    /// How to keep only the events with `value`; `None` when the index cannot search this field.
    pub fn narrow(self, value: &str) -> Option<Narrow> {
        if self == Dim::Day {
            let day = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
            let start = day.and_hms_opt(0, 0, 0)?.and_utc().timestamp_micros();
            return Some(Narrow::Window(start, start + 86_400_000_000 - 1));
        }
        let field = self.field()?;
        Some(Narrow::Clause(Clause { field: Some(field.into()), value: value.into(), negated: false, prefix: false }))
    }

    /// The query field this dimension filters (`None` for those the index cannot search by value).
    pub fn field(self) -> Option<&'static str> {
        Some(match self {
            Dim::User => "user",
            Dim::Ip => "ip",
            Dim::Session => "session",
            Dim::Mailbox => "mailbox",
            Dim::Country => "country",
            Dim::App => "app",
            Dim::Operation => "op",
            Dim::UserAgent => "ua",
            Dim::Source => "source",
            Dim::Result => "result",
            Dim::Asn | Dim::Target | Dim::Day => return None,
        })
    }
}

/// `query` with `narrow` applied.
pub fn narrowed(query: &ParsedQuery, narrow: &Narrow) -> ParsedQuery {
    let mut q = query.clone();
    match narrow {
        Narrow::Clause(c) => q.clauses.push(c.clone()),
        Narrow::Window(lo, hi) => {
            q.from_us = Some(q.from_us.map_or(*lo, |f| f.max(*lo)));
            q.to_us = Some(q.to_us.map_or(*hi, |t| t.min(*hi)));
        }
    }
    q
}

/// The values of one field, most frequent first.
#[derive(Debug, Clone, PartialEq)]
pub struct TopValues {
    pub dim: Dim,
    /// (value, events), at most `keep_top` of them.
    pub values: Vec<(String, u64)>,
    /// How many different values there were.
    pub distinct: usize,
    /// Events without a value for this field.
    pub missing: u64,
}

/// Counts over (up to a bound of) a pivot's events.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// Events matching the pivot.
    pub total: usize,
    /// Events counted (the latest `scanned` when fewer than `total`).
    pub scanned: usize,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    pub dims: Vec<TopValues>,
}

impl Stats {
    /// The counts of one field, if it was asked for.
    pub fn dim(&self, d: Dim) -> Option<&TopValues> {
        self.dims.iter().find(|t| t.dim == d)
    }
}

/// Tallies `dims` over `events`, keeping the `keep_top` most frequent values of each (ties by value).
pub fn tally<'a>(events: impl IntoIterator<Item = &'a Event>, dims: &[Dim], keep_top: usize) -> Vec<TopValues> {
    let mut maps: Vec<(HashMap<String, u64>, u64)> = dims.iter().map(|_| (HashMap::new(), 0)).collect();
    for e in events {
        for (d, (map, missing)) in dims.iter().zip(maps.iter_mut()) {
            match d.value(e) {
                Some(v) => *map.entry(v).or_insert(0) += 1,
                None => *missing += 1,
            }
        }
    }
    dims.iter()
        .zip(maps)
        .map(|(d, (map, missing))| {
            let distinct = map.len();
            let mut values: Vec<(String, u64)> = map.into_iter().collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            values.truncate(keep_top);
            TopValues { dim: *d, values, distinct, missing }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(ip: &str, app: Option<&str>, op: &str) -> Event {
        let mut e = Event { operation: op.into(), app_name: app.map(String::from), ..Event::default() };
        e.net.ip = ip.parse().ok();
        e
    }

    #[test]
    fn tally_orders_by_count_then_value_and_counts_missing() {
        let events =
            [ev("10.0.0.2", Some("Outlook"), "A"), ev("10.0.0.1", None, "A"), ev("10.0.0.1", Some("Outlook"), "B")];
        let t = tally(&events, &[Dim::Ip, Dim::App, Dim::Operation], 1);
        assert_eq!(t[0].values, vec![("10.0.0.1".to_string(), 2)]);
        assert_eq!(t[0].distinct, 2);
        assert_eq!(t[1].missing, 1);
        assert_eq!(t[2].values[0], ("A".to_string(), 2));
    }

    #[test]
    fn narrowing_adds_a_clause_or_a_day_window() {
        let base = ParsedQuery::pivot("user", "x");
        let q = narrowed(&base, &Dim::Ip.narrow("10.0.0.1").unwrap());
        assert_eq!(q.clauses.len(), 2);
        assert_eq!(q.clauses[1].field.as_deref(), Some("ip"));
        let q = narrowed(&base, &Dim::Day.narrow("2025-05-02").unwrap());
        assert_eq!(q.to_us.unwrap() - q.from_us.unwrap(), 86_400_000_000 - 1);
        assert!(Dim::Asn.narrow("AS1").is_none());
        assert_eq!(Dim::Operation.field(), Some("op"));
    }
}
