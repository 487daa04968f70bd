//! Keyset paging over the time order: a page is asked for relative to an event already seen (its time and
//! dedupe key), not by an offset, so the last page of a ten-million-row timeline costs what the first does.

use super::query::ParsedQuery;
use super::schema::Fields;
use super::{CaseIndex, Hit, IndexError};
use std::ops::Bound;
use tantivy::query::{AllQuery, BooleanQuery, ExistsQuery, Occur, Query, RangeQuery};
use tantivy::{Order, Term};

/// Where an event sits in the time order: its time (micros since the epoch; events without a time come
/// last) and its dedupe key as the tie-break. Ordering of this type is the timeline's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SortKey {
    pub ts: Option<i64>,
    pub dkey: u64,
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let rank = |k: &SortKey| (k.ts.is_none(), k.ts.unwrap_or(0), k.dkey);
        rank(self).cmp(&rank(other))
    }
}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Which rows of a timeline to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageAt {
    /// The first rows.
    First,
    /// The rows right after the event at row `row` whose key is `key`.
    After { row: usize, key: SortKey },
    /// The rows right before the event at row `row` whose key is `key`.
    Before { row: usize, key: SortKey },
    /// The last rows.
    Last,
    /// Rows on both sides of the event at row `row` whose key is `key`, that event included.
    Around { row: usize, key: SortKey },
    /// From row `start`, counted from the top; costs grow with `start`, so only for jumps with no known
    /// event nearby.
    Offset(usize),
}

/// A fetched page: `hits[0]` is row `start` of the timeline.
#[derive(Debug, Clone)]
pub struct KeyedPage {
    pub start: usize,
    pub hits: Vec<Hit>,
}

impl CaseIndex {
    /// `limit` rows of `q` at `at`, in time order. `total` (the count of `q`) is needed only for
    /// [`PageAt::Last`]; it is computed when not given.
    pub fn page(
        &self,
        q: &ParsedQuery,
        at: PageAt,
        limit: usize,
        total: Option<usize>,
    ) -> Result<KeyedPage, IndexError> {
        let limit = limit.max(1);
        Ok(match at {
            PageAt::First => KeyedPage { start: 0, hits: self.beyond(q, None, limit, Order::Asc)? },
            PageAt::After { row, key } => {
                KeyedPage { start: row + 1, hits: self.beyond(q, Some(key), limit, Order::Asc)? }
            }
            PageAt::Before { row, key } => {
                let mut hits = self.beyond(q, Some(key), limit, Order::Desc)?;
                hits.reverse();
                KeyedPage { start: row.saturating_sub(hits.len()), hits }
            }
            PageAt::Last => {
                let total = match total {
                    Some(t) => t,
                    None => self.count(q)?,
                };
                let mut hits = self.beyond(q, None, limit, Order::Desc)?;
                hits.reverse();
                KeyedPage { start: total.saturating_sub(hits.len()), hits }
            }
            PageAt::Around { row, key } => {
                let half = limit / 2;
                let mut hits = self.beyond(q, Some(key), half.max(1), Order::Desc)?;
                hits.reverse();
                let start = row.saturating_sub(hits.len());
                let mut tail = self.at_or_after(q, key, limit - hits.len().min(limit - 1))?;
                hits.append(&mut tail);
                KeyedPage { start, hits }
            }
            PageAt::Offset(start) => KeyedPage { start, hits: self.search(q, start, limit)? },
        })
    }

    /// The first event of `q` strictly after (`Order::Asc`) or before (`Order::Desc`) `key`, or the first
    /// (last) of all when `key` is `None`.
    pub fn next_of(&self, q: &ParsedQuery, key: Option<SortKey>, order: Order) -> Result<Option<Hit>, IndexError> {
        Ok(self.beyond(q, key, 1, order)?.into_iter().next())
    }

    /// The row of the event with `key` in the timeline of `q`: how many events of `q` come before it.
    pub fn row_of(&self, q: &ParsedQuery, key: SortKey) -> Result<usize, IndexError> {
        let searcher = self.searcher();
        let query = and(self.to_query(q), beyond_query(&self.fields, key, Order::Desc));
        Ok(searcher.search(&query, &tantivy::collector::Count)?)
    }

    /// Up to `limit` events of `q` from `key` on (inclusive), oldest first.
    fn at_or_after(&self, q: &ParsedQuery, key: SortKey, limit: usize) -> Result<Vec<Hit>, IndexError> {
        let before = SortKey { dkey: key.dkey.wrapping_sub(1), ..key };
        if key.dkey == 0 {
            // Nothing sorts before a zero key within its instant: "from this instant on" is exact.
            let query = and(self.to_query(q), at_or_after_instant(&self.fields, key.ts));
            return self.top(&*query, limit, Order::Asc);
        }
        self.beyond(q, Some(before), limit, Order::Asc)
    }

    /// Up to `limit` events of `q` strictly beyond `key` in `order`, in that order.
    fn beyond(
        &self,
        q: &ParsedQuery,
        key: Option<SortKey>,
        limit: usize,
        order: Order,
    ) -> Result<Vec<Hit>, IndexError> {
        let base = self.to_query(q);
        let query = match key {
            Some(k) => and(base, beyond_query(&self.fields, k, order)),
            None => base,
        };
        self.top(&*query, limit, order)
    }
}

fn and(a: Box<dyn Query>, b: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![(Occur::Must, a), (Occur::Must, b)]))
}

fn ts_range(f: &Fields, lo: Bound<i64>, hi: Bound<i64>) -> Box<dyn Query> {
    let term = |v: i64| Term::from_field_i64(f.ts, v);
    Box::new(RangeQuery::new(lo.map(term), hi.map(term)))
}

fn dkey_range(f: &Fields, lo: Bound<u64>, hi: Bound<u64>) -> Box<dyn Query> {
    let term = |v: u64| Term::from_field_u64(f.dkey, v);
    Box::new(RangeQuery::new(lo.map(term), hi.map(term)))
}

fn has_time() -> Box<dyn Query> {
    Box::new(ExistsQuery::new("ts".to_string(), false))
}

fn no_time() -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![(Occur::Must, Box::new(AllQuery)), (Occur::MustNot, has_time())]))
}

fn any_of(parts: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(parts.into_iter().map(|p| (Occur::Should, p)).collect()))
}

fn all_of(parts: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(parts.into_iter().map(|p| (Occur::Must, p)).collect()))
}

/// Events strictly after `key` (`Asc`) or strictly before it (`Desc`) in the time order, where events
/// without a time come after all others.
fn beyond_query(f: &Fields, key: SortKey, order: Order) -> Box<dyn Query> {
    use Bound::{Excluded, Included, Unbounded};
    let k = key.dkey;
    match (order, key.ts) {
        (Order::Asc, Some(t)) => any_of(vec![
            ts_range(f, Excluded(t), Unbounded),
            all_of(vec![ts_range(f, Included(t), Included(t)), dkey_range(f, Excluded(k), Unbounded)]),
            no_time(),
        ]),
        (Order::Asc, None) => all_of(vec![no_time(), dkey_range(f, Excluded(k), Unbounded)]),
        (Order::Desc, Some(t)) => any_of(vec![
            ts_range(f, Unbounded, Excluded(t)),
            all_of(vec![ts_range(f, Included(t), Included(t)), dkey_range(f, Unbounded, Excluded(k))]),
        ]),
        (Order::Desc, None) => any_of(vec![has_time(), all_of(vec![no_time(), dkey_range(f, Unbounded, Excluded(k))])]),
    }
}

/// Events at instant `ts` or later, events without a time included (only those when `ts` is `None`).
fn at_or_after_instant(f: &Fields, ts: Option<i64>) -> Box<dyn Query> {
    match ts {
        Some(t) => any_of(vec![ts_range(f, Bound::Included(t), Bound::Unbounded), no_time()]),
        None => no_time(),
    }
}
