//! `harrier rules test`: one rule file over a whole case, every match with the values the rule read, so a rule
//! can be written and tried in minutes.

use super::load::{load_rules, RuleSet, SourceSpec};
use super::run::{Hit, SigmaRun};
use super::SigmaError;
use crate::config::SigmaSection;
use crate::model::Event;
use std::path::Path;

/// Events evaluated at a time.
const BATCH: usize = 4096;

/// What one rule file did over a case.
#[derive(Debug)]
pub struct Trial {
    pub rules: RuleSet,
    pub hits: Vec<Hit>,
    pub events: u64,
}

/// Runs the rules of one file over `events` with the case's `[sigma]` settings.
pub fn trial<I, E>(rule: &Path, settings: &SigmaSection, events: I) -> Result<Trial, SigmaError>
where
    I: IntoIterator<Item = Result<Event, E>>,
{
    let rules = load_rules(&[SourceSpec { path: rule.to_path_buf(), optional: false }], settings)?;
    if rules.loaded.is_empty() {
        return Ok(Trial { rules, hits: Vec::new(), events: 0 });
    }
    let run = SigmaRun::compile(rules)?.keeping_every_match();
    let mut batch = Vec::with_capacity(BATCH);
    let mut count = 0u64;
    for ev in events.into_iter().flatten() {
        count += 1;
        batch.push(ev);
        if batch.len() == BATCH {
            run.evaluate_batch(&batch);
            batch.clear();
        }
    }
    run.evaluate_batch(&batch);
    let done = run.finish();
    Ok(Trial { rules: done.rules, hits: done.every, events: count })
}
