//! What a view asks the workers for: the page under a timeline's cursor, its histogram, the counts and snapshot
//! facts of an entity page, the counts of a facet panel or frequency table, and an alert's evidence events.

use crate::index::paging::PageAt;
use crate::index::query::ParsedQuery;
use crate::tui::state::entity_page::entity_dims;
use crate::tui::state::evidence::EvidenceRequest;
use crate::tui::state::facets::facet_dims;
use crate::tui::state::loadable::Loadable;
use crate::tui::state::settings::settings;
use crate::tui::state::stats::{Dim, Stats};
use crate::tui::state::timeline::{PageRequest, TimelineView, PAGE_SIZE};
use crate::tui::state::{App, View};
use crate::tui::update::job::Job;

/// Makes sure the view on top has its data: the page under a timeline's cursor, its histogram, counts.
/// Requests again what may have been dropped while the view was not on top.
pub(super) fn refresh_top(app: &mut App) -> Vec<Job> {
    let mut jobs = Vec::new();
    let gen_page = app.next_gen();
    let gen_hist = app.next_gen();
    let gen_stats = app.next_gen();
    let gen_facts = app.next_gen();
    if let View::AlertDetail { alert_id, .. } = app.top() {
        let wanted: Vec<String> = app
            .alert(alert_id)
            .map(|a| a.evidence.iter().take(settings().evidence.lookup_limit).cloned().collect())
            .unwrap_or_default();
        let missing: Vec<String> = wanted.into_iter().filter(|id| !app.evidence.contains_key(id)).collect();
        let asked = app.evidence_lookup.request().is_some_and(|r| r.ids == missing);
        if !missing.is_empty() && !asked {
            let gen = app.next_gen();
            app.evidence_lookup.ask(EvidenceRequest { generation: gen, ids: missing.clone() });
            jobs.push(Job::LookupEvents { gen, ids: missing });
        }
    }
    match app.stack.last_mut() {
        Some(View::Timeline(t)) => {
            if t.hit(t.cursor).is_none() {
                t.page.forget();
            }
            jobs.extend(ensure_page(t, gen_page));
            if t.histogram.value().is_none() {
                t.histogram.ask(gen_hist);
                jobs.push(Job::LoadHistogram { gen: gen_hist, query: t.query.clone() });
            }
            if let Some(f) = t.facets.as_mut() {
                jobs.extend(request_stats(&mut f.data, gen_stats, &t.query, facet_dims(&t.query)));
            }
        }
        Some(View::Entity(e)) => {
            let dims = entity_dims(e.entity.kind).to_vec();
            jobs.extend(request_stats(&mut e.data, gen_stats, &e.entity.query(), dims));
            // Asked again unless settled: a queued request is dropped when a newer one of its kind replaces it.
            if !e.facts.is_settled() {
                e.facts.ask(gen_facts);
                jobs.push(Job::LoadEntityFacts { gen: gen_facts, entity: e.entity.clone() });
            }
        }
        Some(View::Frequency(f)) => jobs.extend(request_stats(&mut f.data, gen_stats, &f.query, vec![f.dim])),
        _ => {}
    }
    jobs
}

/// A counting job for `slot` unless it already has its numbers (or an error).
fn request_stats(slot: &mut Loadable<Stats>, gen: u64, query: &ParsedQuery, dims: Vec<Dim>) -> Option<Job> {
    if slot.is_settled() {
        return None;
    }
    slot.ask(gen);
    Some(Job::LoadStats { gen, query: query.clone(), dims })
}

/// Requests the page around the cursor when it is neither loaded nor on its way.
pub(super) fn ensure_page(t: &mut TimelineView, gen: u64) -> Option<Job> {
    if t.hit(t.cursor).is_some() {
        return None;
    }
    if let Some(total) = t.total {
        if t.cursor >= total {
            return None;
        }
    }
    if t.page.request().is_some_and(|r| (r.start..r.start + PAGE_SIZE).contains(&t.cursor)) {
        return None;
    }
    let (at, start) = page_for(t);
    t.page.ask(PageRequest { generation: gen, start });
    Some(Job::LoadPage { gen, query: t.query.clone(), at, limit: PAGE_SIZE, total: t.total })
}

/// Which page holds the cursor, and the row it will start at: the first or last rows near the ends, else
/// the rows after (or before) a loaded event near the cursor, so no request pays for skipping rows.
/// Only a jump far from every loaded row falls back to counting rows from the top.
fn page_for(t: &TimelineView) -> (PageAt, usize) {
    let c = t.cursor;
    let half = PAGE_SIZE / 2;
    let Some(total) = t.total else { return (PageAt::First, 0) };
    if c < half {
        return (PageAt::First, 0);
    }
    if c + half >= total {
        return (PageAt::Last, total.saturating_sub(PAGE_SIZE));
    }
    if let Some(p) = t.page.value().filter(|p| !p.hits.is_empty()) {
        let end = p.start + p.hits.len();
        if c >= end && c < end + PAGE_SIZE {
            let row = (c - half).clamp(p.start, end - 1);
            return (PageAt::After { row, key: p.hits[row - p.start].key }, row + 1);
        }
        if c < p.start && c + PAGE_SIZE > p.start {
            let row = (c + half).clamp(p.start, end - 1);
            return (PageAt::Before { row, key: p.hits[row - p.start].key }, row.saturating_sub(PAGE_SIZE));
        }
    }
    (PageAt::Offset(c - half), c - half)
}
