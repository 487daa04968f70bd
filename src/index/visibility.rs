//! What an exercise lets the team see: events up to the replay clock, from the log sources already collected.
//!
//! The index applies a [`Visibility`] to every query it builds and to every scan, so search, timelines, pivots,
//! histograms, facets and the analytics all see the same slice of the case. Events without a time are hidden.

use super::schema::Fields;
use crate::model::Event;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::ops::Bound;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

/// An upper time bound (inclusive) and, optionally, the only log sources shown (index names: `graph`,
/// `signin_interactive`, …; `None` shows every source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visibility {
    pub until: DateTime<Utc>,
    pub sources: Option<BTreeSet<String>>,
}

impl Visibility {
    /// Everything up to `until`, from every source.
    pub fn until(until: DateTime<Utc>) -> Visibility {
        Visibility { until, sources: None }
    }

    /// Whether an event is visible.
    pub fn admits(&self, event: &Event) -> bool {
        let Some(ts) = event.ts else { return false };
        if ts > self.until {
            return false;
        }
        match (&self.sources, event.source) {
            (None, _) => true,
            (Some(allowed), Some(s)) => allowed.contains(s.as_str()),
            (Some(_), None) => false,
        }
    }

    /// The tantivy query matching exactly the visible events.
    pub fn query(&self, f: &Fields) -> Box<dyn Query> {
        let hi = Term::from_field_i64(f.ts, self.until.timestamp_micros());
        let mut parts: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(RangeQuery::new(Bound::Unbounded, Bound::Included(hi))))];
        if let Some(allowed) = &self.sources {
            let any: Vec<(Occur, Box<dyn Query>)> = allowed
                .iter()
                .map(|s| -> (Occur, Box<dyn Query>) {
                    let term = Term::from_field_text(f.source, s);
                    (Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic)))
                })
                .collect();
            // No allowed source at all: nothing is visible (an empty Should clause would match nothing anyway,
            // but say so plainly).
            if any.is_empty() {
                return Box::new(tantivy::query::EmptyQuery);
            }
            parts.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        Box::new(BooleanQuery::new(parts))
    }

    /// `base` restricted to what `vis` shows (unchanged when there is no restriction).
    pub fn restrict(vis: Option<&Visibility>, f: &Fields, base: Box<dyn Query>) -> Box<dyn Query> {
        match vis {
            None => base,
            Some(v) => Box::new(BooleanQuery::new(vec![(Occur::Must, base), (Occur::Must, v.query(f))])),
        }
    }
}
