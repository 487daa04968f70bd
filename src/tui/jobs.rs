//! Index queries and file reads, run off the UI thread. Each job carries the generation it was started
//! with and comes back as an [`Action`]; `update` drops results whose generation is no longer awaited.

use super::action::Action;
use super::alerts;
use super::app::{Histogram, OverviewData, HISTOGRAM_BUCKETS};
use super::bookmarks;
use super::history;
use super::settings::settings;
use super::stats::{tally, Dim, Stats};
use crate::case::{Case, Ledger};
use crate::index::paging::{PageAt, SortKey};
use crate::index::query::ParsedQuery;
use crate::index::{CaseIndex, Hit, IndexError};
use crate::model::{Event, Source};
use chrono::{DateTime, Utc};
use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;
use tantivy::collector::DocSetCollector;
use tantivy::query::EnableScoring;
use tantivy::{DocAddress, Order};

/// Work the UI asks for.
#[derive(Debug, Clone)]
pub enum Job {
    /// Ledger, alerts file, counts per source and the time span.
    LoadOverview { gen: u64 },
    /// `limit` rows of `query` at `at` (keyset paging); with the total when `total` is not known yet.
    LoadPage { gen: u64, query: ParsedQuery, at: PageAt, limit: usize, total: Option<usize> },
    /// The next (`forward`) or previous event of `query` that also matches `search`, from the event `from`
    /// (the cursor's), wrapping at the ends; with the rows around it unless its row is in `loaded`.
    FindMatch {
        gen: u64,
        query: ParsedQuery,
        search: ParsedQuery,
        from: Option<SortKey>,
        forward: bool,
        loaded: std::ops::Range<usize>,
    },
    /// Time, source, operation, actor and IP of each event id (alert evidence), in one batch.
    LookupEvents { gen: u64, ids: Vec<String> },
    /// Counts over the span of `query`.
    LoadHistogram { gen: u64, query: ParsedQuery },
    /// The original record of one event.
    LoadRaw { gen: u64, address: DocAddress },
    /// Span and top values of `dims` over the events of `query` (entity pages, facets, frequency tables).
    LoadStats { gen: u64, query: ParsedQuery, dims: Vec<Dim> },
    /// Replace the saved search history with `list`.
    SaveHistory { list: Vec<String> },
    /// A write of case work, or an export.
    Case(super::casejobs::CaseJob),
}

impl Job {
    /// Jobs of the same slot replace each other when queued: only the latest runs. Writes of case work have
    /// none: every one of them runs, in order.
    fn slot(&self) -> Option<u8> {
        Some(match self {
            Job::LoadOverview { .. } => 0,
            Job::LoadPage { .. } => 1,
            Job::LoadHistogram { .. } => 2,
            Job::LoadRaw { .. } => 3,
            Job::LoadStats { .. } => 4,
            Job::FindMatch { .. } => 6,
            Job::LookupEvents { .. } => 7,
            Job::SaveHistory { .. } => 8,
            Job::Case(_) => return None,
        })
    }

    /// Counting jobs and exports read many events and run on their own worker so scrolling never waits for them.
    pub fn is_scan(&self) -> bool {
        matches!(self, Job::LoadStats { .. } | Job::Case(super::casejobs::CaseJob::Export { .. }))
    }
}

/// What jobs run against: the case and its index (absent when the case has not been ingested).
pub struct JobContext {
    pub case: Case,
    pub index: Result<CaseIndex, String>,
    /// The run's clock, analyst and settings, for work that records or stamps anything.
    pub env: crate::runenv::RunEnv,
}

impl JobContext {
    /// Opens the case's index.
    pub fn new(case: Case, env: crate::runenv::RunEnv) -> JobContext {
        let index = if case.is_ingested() {
            CaseIndex::open(&case.index_dir()).map_err(|e| format!("{}: {e}", case.index_dir().display()))
        } else {
            Err(format!("case {} has not been ingested yet (run `harrier ingest`)", case.root.display()))
        };
        JobContext { case, index, env }
    }

    fn index(&self) -> Result<&CaseIndex, String> {
        self.index.as_ref().map_err(|e| e.clone())
    }
}

/// Runs one job to completion on the calling thread.
pub fn execute(ctx: &JobContext, job: Job) -> Action {
    match job {
        Job::LoadOverview { gen } => Action::OverviewLoaded { gen, result: overview(ctx).map(Box::new) },
        Job::LoadPage { gen, query, at, limit, total } => {
            let result = ctx.index().and_then(|ix| {
                let counted = match total {
                    Some(_) => None,
                    None => Some(ix.count(&query).map_err(|e| e.to_string())?),
                };
                let page = ix.page(&query, at, limit, total.or(counted)).map_err(|e| e.to_string())?;
                Ok((page, counted))
            });
            Action::PageLoaded { gen, result }
        }
        Job::FindMatch { gen, query, search, from, forward, loaded } => Action::MatchFound {
            gen,
            forward,
            result: ctx
                .index()
                .and_then(|ix| find_match(ix, &query, &search, from, forward, loaded).map_err(|e| e.to_string())),
        },
        Job::LookupEvents { gen, ids } => {
            Action::EventsLooked { gen, result: ctx.index().and_then(|ix| lookup(ix, &ids).map_err(|e| e.to_string())) }
        }
        Job::SaveHistory { list } => Action::HistorySaved { result: history::save(&history::path(&ctx.case), &list) },
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
        Job::Case(job) => super::casejobs::execute(ctx, job),
    }
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

/// Runs a timeline search step: the events of `query` that match `search` too, the next one after `from`
/// (or before it), wrapping round; `None` when none match at all.
pub fn find_match(
    ix: &CaseIndex,
    query: &ParsedQuery,
    search: &ParsedQuery,
    from: Option<SortKey>,
    forward: bool,
    loaded: std::ops::Range<usize>,
) -> Result<Option<MatchFound>, IndexError> {
    let both = ParsedQuery {
        clauses: query.clauses.iter().chain(search.clauses.iter()).cloned().collect(),
        from_us: query.from_us,
        to_us: query.to_us,
    };
    let order = if forward { Order::Asc } else { Order::Desc };
    let mut wrapped = false;
    let mut hit = ix.next_of(&both, from, order)?;
    if hit.is_none() && from.is_some() {
        wrapped = true;
        hit = ix.next_of(&both, None, order)?;
    }
    let Some(hit) = hit else { return Ok(None) };
    let row = ix.row_of(query, hit.key)?;
    let page = if loaded.contains(&row) {
        None
    } else {
        Some(ix.page(query, PageAt::Around { row, key: hit.key }, super::app::PAGE_SIZE, None)?)
    };
    Ok(Some(MatchFound { row, key: hit.key, wrapped, page }))
}

/// What the alert detail shows of each evidence event id: the first event with that id, or `None` when
/// the index has none (the alert came from another ingest of the case).
pub fn lookup(ix: &CaseIndex, ids: &[String]) -> Result<Vec<(String, Option<Hit>)>, IndexError> {
    let ids = &ids[..ids.len().min(settings().evidence.lookup_limit)];
    let found = ix.by_ids(ids)?;
    Ok(ids.iter().cloned().zip(found.into_iter().map(|hits| hits.into_iter().next())).collect())
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
    let alerts = match ctx.index.as_ref().ok().filter(|ix| ix.visibility().is_some()) {
        Some(ix) => super::exercise::visible_alerts(&ctx.case, ix),
        None => alerts::load(&ctx.case.alerts_path()),
    };
    let bookmarks = bookmarks::load(&bookmarks::path(&ctx.case));
    let history = history::load(&history::path(&ctx.case), settings().history.searches);
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
    Ok(OverviewData { ledger, per_source, total, first, last, alerts, bookmarks, history })
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

/// Counts the events of `q` over equal slices of its span in one pass over the matching documents' times
/// (one query, not one per slice: the cost stays that of a count however many slices there are).
fn histogram(ix: &CaseIndex, q: &ParsedQuery) -> Result<Histogram, IndexError> {
    let Some((from, to)) = span(ix, q)? else {
        return Ok(Histogram { from: DateTime::UNIX_EPOCH, to: DateTime::UNIX_EPOCH, buckets: Vec::new() });
    };
    let lo = from.timestamp_micros();
    let hi = to.timestamp_micros();
    let width = ((hi - lo) / HISTOGRAM_BUCKETS as i64).max(1) + 1;
    let n = (((hi - lo) / width) + 1).clamp(1, HISTOGRAM_BUCKETS as i64) as usize;
    let mut buckets = vec![0u64; n];
    let searcher = ix.searcher();
    let weight = ix.to_query(q).weight(EnableScoring::disabled_from_searcher(&searcher))?;
    for seg in searcher.segment_readers() {
        let Some(ts) = seg.fast_fields().i64("ts").ok() else { continue };
        let alive = seg.alive_bitset();
        weight.for_each_no_score(seg, &mut |docs| {
            for d in docs {
                if alive.is_some_and(|a| !a.is_alive(*d)) {
                    continue;
                }
                if let Some(v) = ts.first(*d) {
                    if (lo..=hi).contains(&v) {
                        let i = (((v - lo) / width) as usize).min(n - 1);
                        buckets[i] += 1;
                    }
                }
            }
        })?;
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
                if job.slot().is_some() {
                    latest.retain(|j| j.slot() != job.slot());
                }
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
