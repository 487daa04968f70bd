//! What the case's MFA and authentication-method reports say about a person whose sign-in methods changed: the
//! methods they held when the report was taken, and whether they had any MFA at all. A person with no MFA who
//! registers a method is the moment an intruder holding only the password makes the account theirs.

use super::identity_context::Note;
use super::snapshot_cite::cite;
use crate::analytics::alert::AlertBuilder;
use crate::analytics::common::Cx;

/// A firm note when a report shows the person with no MFA registered and they added a method themselves.
pub(super) fn first_factor_note(cx: &Cx, user: &str) -> Option<Note> {
    let seen = cx.facts.auth_methods_of(user).into_iter().find(|m| m.fact.mfa_registered.is_some())?;
    seen.fact.without_mfa().then(|| Note {
        text: format!(
            "{} shows {user} with no MFA method registered ({}): the method added now is the account's first \
             factor beyond the password, and whoever registered it can pass MFA from now on",
            cite(seen.snapshot, None),
            seen.fact.summary()
        ),
        firm: true,
    })
}

/// The person's MFA state and methods as each report states them, as reasons.
pub(super) fn describe(cx: &Cx, b: &mut AlertBuilder, user: &str) {
    for m in cx.facts.auth_methods_of(user) {
        b.reason(format!("{user} per the {} report ({}): {}", m.fact.report, cite(m.snapshot, None), m.fact.summary()));
    }
}
