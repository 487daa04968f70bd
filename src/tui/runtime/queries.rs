//! The index queries behind the screens: the overview's counts, pages of a timeline, the next search match,
//! evidence lookups, counts of field values and the histogram strip.

use super::context::JobContext;
use super::{saved_alerts, search_history};
use crate::case::state::bookmarks;
use crate::case::Ledger;
use crate::index::paging::{PageAt, SortKey};
use crate::index::query::ParsedQuery;
use crate::index::{CaseIndex, Hit, IndexError};
use crate::model::{Event, Source};
use crate::tui::state::overview::OverviewData;
use crate::tui::state::settings::settings;
use crate::tui::state::stats::{tally, Dim, Stats};
use crate::tui::state::timeline::{Histogram, HISTOGRAM_BUCKETS, PAGE_SIZE};
use crate::tui::update::action::MatchFound;
use chrono::{DateTime, Utc};
use tantivy::collector::DocSetCollector;
use tantivy::query::EnableScoring;
use tantivy::{DocAddress, Order};

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
        Some(ix.page(query, PageAt::Around { row, key: hit.key }, PAGE_SIZE, None)?)
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

/// Counts per source, the time span, the ledger, and the saved alerts (in an exercise, those the analytics raise
/// over what the index shows), bookmarks and searches.
pub fn overview(ctx: &JobContext) -> Result<OverviewData, String> {
    let ledger = Ledger::load(&ctx.case.ledger_path());
    // In an exercise the alerts are raised over what the replay shows; the saved run's coverage is the whole case's.
    let (alerts, coverage_gaps) = match ctx.index.as_ref().ok().filter(|ix| ix.visibility().is_some()) {
        Some(ix) => (super::exercise::visible_alerts(&ctx.case, ix, ctx.env.now()), Vec::new()),
        None => saved_alerts::load_with_gaps(&ctx.case.alerts_path()),
    };
    let bookmarks = bookmarks::load(&bookmarks::path(&ctx.case));
    let history = search_history::load(&search_history::path(&ctx.case), settings().history.searches);
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
    Ok(OverviewData { ledger, per_source, total, first, last, alerts, coverage_gaps, bookmarks, history })
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
pub fn histogram(ix: &CaseIndex, q: &ParsedQuery) -> Result<Histogram, IndexError> {
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
