//! Running one job: index queries and file reads and writes, off the UI thread. Each job comes back as an
//! [`Action`] carrying the generation it was started with; `update` drops results no longer awaited.

use super::context::JobContext;
use super::queries::{find_match, histogram, lookup, overview, pretty, stats};
use super::search_history;
use crate::tui::state::entity_facts::entity_facts;
use crate::tui::update::action::Action;
use crate::tui::update::job::Job;

/// Largest rule file shown.
const RULE_CAP: u64 = 1 << 20;

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
        Job::SaveHistory { list } => {
            Action::HistorySaved { result: search_history::save(&search_history::path(&ctx.case), &list) }
        }
        Job::LoadHistogram { gen, query } => Action::HistogramLoaded {
            gen,
            result: ctx.index().and_then(|ix| histogram(ix, &query).map_err(|e| e.to_string())),
        },
        Job::LoadRaw { gen, address } => {
            let result = ctx.index().and_then(|ix| ix.raw(address).map_err(|e| e.to_string())).map(|b| pretty(&b));
            Action::RawLoaded { gen, result }
        }
        Job::LoadRuleText { gen, path } => Action::RuleTextLoaded {
            gen,
            result: crate::files::bounded::read_text(&path, RULE_CAP).map_err(|e| e.to_string()),
        },
        Job::LoadStats { gen, query, dims } => Action::StatsLoaded {
            gen,
            result: ctx.index().and_then(|ix| stats(ix, &query, &dims).map(Box::new).map_err(|e| e.to_string())),
        },
        Job::LoadEntityFacts { gen, entity } => {
            Action::EntityFactsLoaded { gen, result: ctx.facts().map(|facts| Box::new(entity_facts(&facts, &entity))) }
        }
        Job::Case(job) => super::casejobs::execute(ctx, job),
    }
}
