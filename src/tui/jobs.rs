//! Index queries and file reads, run off the UI thread. Each job carries the generation it was started
//! with and comes back as an [`Action`]; `update` drops results whose generation is no longer awaited.

use super::action::Action;
use super::alerts;
use super::app::{Histogram, OverviewData, HISTOGRAM_BUCKETS};
use super::bookmarks::{self, Bookmark};
use super::settings::settings;
use super::stats::{tally, Dim, Stats};
use crate::case::{Case, Ledger};
use crate::index::query::ParsedQuery;
use crate::index::{CaseIndex, IndexError};
use crate::model::{Event, Source};
use chrono::{DateTime, Utc};
use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;
use tantivy::collector::DocSetCollector;
use tantivy::{DocAddress, Order};

/// Work the UI asks for.
#[derive(Debug, Clone)]
pub enum Job {
    /// Ledger, alerts file, counts per source and the time span.
    LoadOverview { gen: u64 },
    /// `limit` rows of `query` from row `start`; with the total when `count` is set.
    LoadPage { gen: u64, query: ParsedQuery, start: usize, limit: usize, count: bool },
    /// Counts over the span of `query`.
    LoadHistogram { gen: u64, query: ParsedQuery },
    /// The original record of one event.
    LoadRaw { gen: u64, address: DocAddress },
    /// Span and top values of `dims` over the events of `query` (entity pages, facets, frequency tables).
    LoadStats { gen: u64, query: ParsedQuery, dims: Vec<Dim> },
    /// Replace the saved bookmarks with `list`.
    SaveBookmarks { list: Vec<Bookmark> },
}

impl Job {
    /// Jobs of the same slot replace each other when queued: only the latest runs.
    fn slot(&self) -> u8 {
        match self {
            Job::LoadOverview { .. } => 0,
            Job::LoadPage { .. } => 1,
            Job::LoadHistogram { .. } => 2,
            Job::LoadRaw { .. } => 3,
            Job::LoadStats { .. } => 4,
            Job::SaveBookmarks { .. } => 5,
        }
    }

    /// Counting jobs read many events and run on their own worker so scrolling never waits for them.
    pub fn is_scan(&self) -> bool {
        matches!(self, Job::LoadStats { .. })
    }
}

/// What jobs run against: the case and its index (absent when the case has not been ingested).
pub struct JobContext {
    pub case: Case,
    pub index: Result<CaseIndex, String>,
}

impl JobContext {
    /// Opens the case's index.
    pub fn new(case: Case) -> JobContext {
        let index = if case.is_ingested() {
            CaseIndex::open(&case.index_dir()).map_err(|e| format!("{}: {e}", case.index_dir().display()))
        } else {
            Err(format!("case {} has not been ingested yet (run `harrier ingest`)", case.root.display()))
        };
        JobContext { case, index }
    }

    fn index(&self) -> Result<&CaseIndex, String> {
        self.index.as_ref().map_err(|e| e.clone())
    }
}

/// Runs one job to completion on the calling thread.
pub fn execute(ctx: &JobContext, job: Job) -> Action {
    match job {
        Job::LoadOverview { gen } => Action::OverviewLoaded { gen, result: overview(ctx).map(Box::new) },
        Job::LoadPage { gen, query, start, limit, count } => {
            let result = ctx.index().and_then(|ix| {
                let hits = ix.search(&query, start, limit).map_err(|e| e.to_string())?;
                let total = if count { Some(ix.count(&query).map_err(|e| e.to_string())?) } else { None };
                Ok((hits, total))
            });
            Action::PageLoaded { gen, start, result }
        }
        Job::LoadHistogram { gen, query } => Action::HistogramLoaded {
            gen,
            result: ctx.index().and_then(|ix| histogram(ix, &query).map_err(|e| e.to_string())),
        },
        Job::LoadRaw { gen, address } => {
            let result = ctx.index().and_then(|ix| ix.raw(address).map_err(|e| e.to_string())).map(|b| pretty(&b));
            Action::RawLoaded { gen, result }
        }
        Job::LoadStats { gen, query, dims } => Action::StatsLoaded {
            gen,
            result: ctx.index().and_then(|ix| stats(ix, &query, &dims).map(Box::new).map_err(|e| e.to_string())),
        },
        Job::SaveBookmarks { list } => {
            Action::BookmarksSaved { result: bookmarks::save(&bookmarks::path(&ctx.case), &list) }
        }
    }
}

/// Counts `dims` over the events of `q`: all of them up to the scan limit, else the latest ones.
/// Reads documents in storage order when it reads all, so the compressed store is decoded once per block.
pub fn stats(ix: &CaseIndex, q: &ParsedQuery, dims: &[Dim]) -> Result<Stats, IndexError> {
    let limit = settings().stats.scan_limit;
    let total = ix.count(q)?;
    let (first, last) = span(ix, q)?.unzip();
    let events: Vec<Event> = if total <= limit {
        let searcher = ix.searcher();
        let mut docs: Vec<DocAddress> = searcher.search(&ix.to_query(q), &DocSetCollector)?.into_iter().collect();
        docs.sort();
        let mut out = Vec::with_capacity(docs.len());
        for addr in docs {
            out.push(ix.event_at(&searcher, addr)?);
        }
        out
    } else {
        ix.search_ordered(q, 0, limit, Order::Desc)?.into_iter().map(|h| h.event).collect()
    };
    let dims = tally(&events, dims, settings().stats.keep_top);
    Ok(Stats { total, scanned: events.len(), first, last, dims })
}

fn overview(ctx: &JobContext) -> Result<OverviewData, String> {
    let ledger = Ledger::load(&ctx.case.ledger_path());
    let alerts = alerts::load(&ctx.case.alerts_path());
    let bookmarks = bookmarks::load(&bookmarks::path(&ctx.case));
    let ix = ctx.index()?;
    let mut per_source = Vec::new();
    for s in Source::ALL {
        let n = ix.count(&ParsedQuery::pivot("source", s.as_str())).map_err(|e| e.to_string())?;
        if n > 0 {
            per_source.push((s, n));
        }
    }
    let all = ParsedQuery::default();
    let total = ix.count(&all).map_err(|e| e.to_string())?;
    let (first, last) = span(ix, &all).map_err(|e| e.to_string())?.unzip();
    Ok(OverviewData { ledger, per_source, total, first, last, alerts, bookmarks })
}

/// First and last time of a set of events.
type TimeSpan = (DateTime<Utc>, DateTime<Utc>);

/// Earliest and latest time among the events of `q` (events without a time are skipped).
fn span(ix: &CaseIndex, q: &ParsedQuery) -> Result<Option<TimeSpan>, IndexError> {
    let edge = |order| -> Result<Option<DateTime<Utc>>, IndexError> {
        Ok(ix.search_ordered(q, 0, 32, order)?.into_iter().find_map(|h| h.event.ts))
    };
    Ok(edge(Order::Asc)?.zip(edge(Order::Desc)?))
}

fn histogram(ix: &CaseIndex, q: &ParsedQuery) -> Result<Histogram, IndexError> {
    let Some((from, to)) = span(ix, q)? else {
        return Ok(Histogram { from: DateTime::UNIX_EPOCH, to: DateTime::UNIX_EPOCH, buckets: Vec::new() });
    };
    let lo = from.timestamp_micros();
    let hi = to.timestamp_micros();
    let width = ((hi - lo) / HISTOGRAM_BUCKETS as i64).max(1) + 1;
    let mut buckets = Vec::with_capacity(HISTOGRAM_BUCKETS);
    let mut start = lo;
    while start <= hi && buckets.len() < HISTOGRAM_BUCKETS {
        let mut bq = q.clone();
        bq.from_us = Some(q.from_us.map_or(start, |f| f.max(start)));
        bq.to_us = Some(q.to_us.map_or(start + width - 1, |t| t.min(start + width - 1)));
        buckets.push(ix.count(&bq)? as u64);
        start += width;
    }
    Ok(Histogram { from, to, buckets })
}

/// The original record as readable text: indented JSON when it is JSON, else the text itself.
pub fn pretty(bytes: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(v) => serde_json::to_string_pretty(&v).unwrap_or_default(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// A worker thread: takes jobs, keeps only the latest of each kind when several are queued, sends results back.
pub fn spawn_worker(ctx: Arc<JobContext>, jobs: Receiver<Job>, results: Sender<Action>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while let Ok(first) = jobs.recv() {
            let mut batch = vec![first];
            batch.extend(jobs.try_iter());
            let mut latest: Vec<Job> = Vec::new();
            for job in batch {
                latest.retain(|j| j.slot() != job.slot());
                latest.push(job);
            }
            for job in latest {
                if results.send(execute(&ctx, job)).is_err() {
                    return;
                }
            }
        }
    })
}
