//! The workbench in exercise mode: the case index limited to what the replay clock shows, and the alerts the
//! analytics raise over that slice instead of the saved ones.

use super::alerts::AlertsState;
use super::jobs::JobContext;
use crate::analytics::{detect, DetectContext};
use crate::case::Case;
use crate::exercise::{Exercise, Session};
use crate::index::CaseIndex;
use chrono::Utc;

/// Opens the workbench on `case` showing only what `session` has revealed of `exercise`.
pub fn run(case: Case, exercise: Exercise, session: Session, facilitator: bool) -> anyhow::Result<()> {
    let ctx = JobContext::new(case);
    let ix = ctx.index.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = Utc::now();
    ix.set_visibility(Some(session.visibility(&exercise, now)));
    let pos = session.position(now);
    eprintln!("{}: replay clock at {}", exercise.exercise.title, pos.to_rfc3339());
    if facilitator {
        if let Some(i) = session.next_inject(&exercise, now) {
            eprintln!("next inject {} at {}: {}", i.id, i.at.to_rfc3339(), crate::cli::sanitize::clean(&i.message));
        }
    }
    super::run_with(ctx)
}

/// The alerts the analytics raise over the events the index currently shows.
pub fn visible_alerts(case: &Case, ix: &CaseIndex) -> AlertsState {
    let ctx = DetectContext { config: case.config.clone(), only: Vec::new() };
    match detect(ix, &ctx) {
        Ok(d) => {
            // The queue reads alerts in their saved JSON form.
            let parsed: Result<Vec<super::alerts::Alert>, _> =
                d.alerts.iter().map(|a| serde_json::to_value(a).and_then(serde_json::from_value)).collect();
            match parsed {
                Ok(mut alerts) => {
                    super::alerts::sort(&mut alerts);
                    AlertsState::Loaded(alerts)
                }
                Err(e) => AlertsState::Unreadable(e.to_string()),
            }
        }
        Err(e) => AlertsState::Unreadable(e.to_string()),
    }
}
