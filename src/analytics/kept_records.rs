//! Which audit records the pass keeps whole for the detections that read them, and the UAL copies it then drops.

use super::catalog::{self, OpList};
use super::common::{actor_of, op_name};
use super::params::AnalyticMeta;
use crate::model::{Event, Source};
use rustc_hash::FxHashMap as HashMap;
use std::collections::HashSet;

/// Bound on audit records kept whole; beyond it the rest are counted in coverage (grants are rare in real tenants).
pub const MAX_AUDITS: usize = 200_000;

/// Bound on remembered operation names, so a case of random operations cannot grow the memo without end.
const MAX_OPERATIONS: usize = 100_000;

/// Decides, once per operation name as written, whether its records are kept whole: the catalogue's grant and trust
/// operations, and those the selected detections name in their `[records]`.
pub struct Keeper {
    wanted: HashSet<String>,
    answers: HashMap<Box<str>, bool>,
}

impl Keeper {
    /// A keeper for the operations of these detections.
    pub fn new<'a>(metas: impl Iterator<Item = &'a AnalyticMeta>) -> Keeper {
        Keeper { wanted: metas.flat_map(|m| m.operations.iter().cloned()).collect(), answers: HashMap::default() }
    }

    /// True for an audit record some detection may need in full.
    pub fn keeps(&mut self, ev: &Event) -> bool {
        let Some(src) = ev.source else { return false };
        if !matches!(
            src,
            Source::EntraAudit | Source::UalAzureAd | Source::UalExchange | Source::UalOther | Source::UalSharepoint
        ) {
            return false;
        }
        if src == Source::UalExchange && ev.mailbox.as_ref().is_some_and(|m| m.item_count.is_some()) {
            return false;
        }
        if let Some(&known) = self.answers.get(ev.operation.as_str()) {
            return known;
        }
        let op = op_name(ev);
        let keep = self.wanted.contains(&op) || OpList::ALL.iter().any(|l| catalog::is_operation(*l, &op));
        if self.answers.len() < MAX_OPERATIONS {
            self.answers.insert(ev.operation.as_str().into(), keep);
        }
        keep
    }
}

/// The UAL carries a copy of each Entra audit record (`Add partner to company.`); when the case holds both, the
/// Entra record is kept and the copy dropped so one change is one finding.
pub fn drop_ual_copies(audits: &mut Vec<Event>) {
    let entra: Vec<(i64, String, String)> = audits
        .iter()
        .filter(|e| e.source == Some(Source::EntraAudit))
        .map(|e| (e.ts.map(|t| t.timestamp()).unwrap_or(0), op_name(e), actor_of(e)))
        .collect();
    if entra.is_empty() {
        return;
    }
    audits.retain(|e| {
        if e.source != Some(Source::UalAzureAd) {
            return true;
        }
        let (ts, op, actor) = (e.ts.map(|t| t.timestamp()).unwrap_or(0), op_name(e), actor_of(e));
        !entra.iter().any(|(t, o, a)| (t - ts).abs() <= 300 && *o == op && *a == actor)
    });
}
