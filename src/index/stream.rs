//! Reading every event a query matches, in time order, one page at a time, with the original record: for exports
//! of any size. Memory holds one page, whatever the number of rows.
//!
//! Pages follow the (time, dedupe key) order of the index by keyset: each page asks for events at or after the
//! last time seen, skipping the ones of that very instant already returned. Events without a time come last, read
//! segment by segment.

use super::query::ParsedQuery;
use super::{time_order, CaseIndex, IndexError};
use crate::model::Event;
use std::collections::VecDeque;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, EnableScoring, ExistsQuery, Occur, Query, RangeQuery, Weight};
use tantivy::{DocAddress, DocSet, Order, Searcher, TantivyDocument, Term, TERMINATED};

/// Rows fetched per page.
pub const PAGE_ROWS: usize = 2000;

/// One event with the record it was read from.
#[derive(Debug, Clone)]
pub struct StreamedEvent {
    pub event: Event,
    /// The original record, verbatim.
    pub raw: Vec<u8>,
}

/// Iterator over every event of a query (see [`CaseIndex::stream`]).
pub struct EventStream {
    searcher: Searcher,
    fields: super::schema::Fields,
    query: ParsedQuery,
    visibility: Option<super::Visibility>,
    page_rows: usize,
    /// Addresses to read, with the time (micros) of timed events.
    page: VecDeque<(DocAddress, Option<i64>)>,
    /// Time (micros) of the last event returned, and how many returned events share it.
    last_ts: Option<i64>,
    same_ts: usize,
    timed_done: bool,
    /// Untimed events: the weight, the segment being read and the next doc in it.
    untimed: Option<Box<dyn Weight>>,
    segment: usize,
    next_doc: u32,
    untimed_done: bool,
}

impl CaseIndex {
    /// Every event matching `q` (its time window included), oldest first, then those without a time.
    pub fn stream(&self, q: &ParsedQuery) -> EventStream {
        self.stream_paged(q, PAGE_ROWS)
    }

    /// Like [`stream`](Self::stream) with a chosen page size (at least one row).
    pub fn stream_paged(&self, q: &ParsedQuery, page_rows: usize) -> EventStream {
        EventStream {
            page_rows: page_rows.max(1),
            searcher: self.reader.searcher(),
            fields: self.fields.clone(),
            query: q.clone(),
            visibility: self.visibility(),
            page: VecDeque::new(),
            last_ts: None,
            same_ts: 0,
            timed_done: false,
            untimed: None,
            segment: 0,
            next_doc: 0,
            untimed_done: q.from_us.is_some() || q.to_us.is_some(),
        }
    }
}

impl EventStream {
    /// The query of the stream, limited to what the visibility shows.
    fn base_query(&self) -> Box<dyn Query> {
        super::Visibility::restrict(self.visibility.as_ref(), &self.fields, self.query.to_query(&self.fields))
    }

    fn load(&self, address: DocAddress) -> Result<StreamedEvent, IndexError> {
        let doc: TantivyDocument = self.searcher.doc(address)?;
        let event = super::document::stored_event(&self.fields, &doc)?;
        Ok(StreamedEvent { event, raw: super::document::stored_raw(&self.fields, &doc) })
    }

    /// Fetches the next page of timed events.
    fn next_timed_page(&mut self) -> Result<(), IndexError> {
        let base = self.base_query();
        let mut q = self.query.clone();
        if let Some(t) = self.last_ts {
            q.from_us = Some(q.from_us.map_or(t, |f| f.max(t)));
        }
        use std::ops::Bound;
        let lo = q.from_us.map_or(Bound::Unbounded, |v| Bound::Included(Term::from_field_i64(self.fields.ts, v)));
        let hi = q.to_us.map_or(Bound::Unbounded, |v| Bound::Included(Term::from_field_i64(self.fields.ts, v)));
        let mut parts: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, base), (Occur::Must, Box::new(ExistsQuery::new("ts".to_string(), false)))];
        // tantivy refuses a range with no bound at all.
        if q.from_us.is_some() || q.to_us.is_some() {
            parts.push((Occur::Must, Box::new(RangeQuery::new(lo, hi))));
        }
        let query = BooleanQuery::new(parts);
        let collector = TopDocs::with_limit(self.page_rows).and_offset(self.same_ts).order_by(time_order(Order::Asc));
        let docs = self.searcher.search(&query, &collector)?;
        if docs.is_empty() {
            self.timed_done = true;
        }
        self.page.extend(docs.into_iter().map(|(key, a)| (a, key.0)));
        Ok(())
    }

    /// Fetches up to a page of events without a time.
    fn next_untimed_page(&mut self) -> Result<(), IndexError> {
        if self.untimed.is_none() {
            let query = BooleanQuery::new(vec![
                (Occur::Must, self.base_query()),
                (Occur::MustNot, Box::new(ExistsQuery::new("ts".to_string(), false)) as Box<dyn Query>),
            ]);
            self.untimed = Some(query.weight(EnableScoring::disabled_from_searcher(&self.searcher))?);
        }
        let Some(weight) = self.untimed.as_ref() else { return Ok(()) };
        while self.page.len() < self.page_rows {
            let Some(seg) = self.searcher.segment_readers().get(self.segment) else {
                self.untimed_done = true;
                break;
            };
            let mut scorer = weight.scorer(seg, 1.0)?;
            let mut doc = if self.next_doc == 0 { scorer.doc() } else { scorer.seek(self.next_doc) };
            while doc != TERMINATED && self.page.len() < self.page_rows {
                if seg.alive_bitset().is_none_or(|a| a.is_alive(doc)) {
                    self.page.push_back((DocAddress::new(self.segment as u32, doc), None));
                }
                doc = scorer.advance();
            }
            if doc == TERMINATED {
                self.segment += 1;
                self.next_doc = 0;
            } else {
                self.next_doc = doc;
            }
        }
        Ok(())
    }
}

impl Iterator for EventStream {
    type Item = Result<StreamedEvent, IndexError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((address, ts)) = self.page.pop_front() {
                // The keyset advances on the index's own time, so an unreadable event is passed, not re-read.
                if ts.is_some() {
                    if ts == self.last_ts {
                        self.same_ts += 1;
                    } else {
                        self.last_ts = ts;
                        self.same_ts = 1;
                    }
                }
                return Some(self.load(address));
            }
            let fetched = if !self.timed_done {
                self.next_timed_page()
            } else if !self.untimed_done {
                self.next_untimed_page()
            } else {
                return None;
            };
            if let Err(e) = fetched {
                self.timed_done = true;
                self.untimed_done = true;
                return Some(Err(e));
            }
            if self.page.is_empty() && self.timed_done && self.untimed_done {
                return None;
            }
        }
    }
}
