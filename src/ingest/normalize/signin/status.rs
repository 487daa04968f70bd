//! Whether a sign-in succeeded: its error code or status word judged by the sign-in outcome rules.

use crate::ingest::normalize::fields::Rec;
use crate::ingest::normalize::outcome::outcomes;
use crate::model::{Event, EventResult};

/// Sets the sign-in's result (and a failure's "code: reason" detail); returns the error code.
pub(super) fn judge(e: &mut Event, r: &Rec) -> Option<i64> {
    let status = r.object(&["status", "Status", "Status_dynamic", "Status_string"]);
    let code =
        status.as_ref().and_then(|s| s.int("errorCode")).or_else(|| r.int(&["ResultType", "Sign-in error code"]));
    let rules = &outcomes().signin;
    let field = |f: &str| r.text(&[f]);
    let reason = status.as_ref().and_then(|s| s.text("failureReason")).or_else(|| rules.detail(&field));
    e.result = match code {
        Some(c) => rules.code(c),
        None => rules.status_word(&field),
    };
    if e.result == EventResult::Failure {
        e.result_detail = Some(match (code, reason) {
            (Some(c), Some(r)) => format!("{c}: {r}"),
            (Some(c), None) => c.to_string(),
            (None, Some(r)) => r,
            (None, None) => "failure".into(),
        });
    }
    code
}
