//! `mail-forwarding`: mail leaving the tenant without anyone sending it, by either road Exchange offers: a mailbox's
//! own forwarding setting (`Set-Mailbox -ForwardingSmtpAddress/-ForwardingAddress`) or a mail flow rule that copies
//! or redirects the organisation's mail (`New-/Set-TransportRule`). Forwarding inbox rules are judged by
//! `inbox-rule`, which names the outside address too.

use super::{mailbox_forwarding, transport_rule};
use crate::analytics::common::{Cx, Findings};

/// Runs both halves and keeps one set of findings.
pub fn run(cx: &Cx) -> Findings {
    let mut out = mailbox_forwarding::run(cx);
    let rules = transport_rule::run(cx);
    out.alerts.extend(rules.alerts);
    out.suppressions.merge(rules.suppressions);
    for n in rules.notes {
        if !out.notes.contains(&n) {
            out.notes.push(n);
        }
    }
    out
}
