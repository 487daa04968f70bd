//! mail-forwarding, from a mailbox snapshot (`Get-Mailbox` as exported): a mailbox whose own forwarding was set when
//! the snapshot was taken is judged as a `Set-Mailbox` change would be (an outside destination, an unplaced
//! directory recipient, no copy kept), so forwarding set before the collected days is still found. Forwarding the
//! audit log also shows being set joins that destination's alert.

use super::mail_dest::mailbox_label;
use super::mailbox_forwarding::{explain_destination, place, plural_mailboxes, Dest, Settings};
use super::snapshot_cite::{cite, taken_at};
use crate::analytics::alert::AlertBuilder;
use crate::analytics::common::{raise, Cx, Findings};
use crate::facts::{Forwarding, Seen};
use crate::model::Severity;
use std::collections::{BTreeMap, BTreeSet};

/// One mailbox's forwarding as a snapshot states it, with the parameter that names the destination.
pub(super) struct Standing<'f> {
    seen: Seen<'f, Forwarding>,
    param: &'static str,
}

/// The snapshots' forwarding worth an alert, by destination. Forwarding that stays home, goes to an allowed domain
/// or is set on an allow-listed mailbox is counted as a suppression.
pub(super) fn judge_all<'f>(cx: &Cx<'f>, s: &Settings, out: &mut Findings) -> BTreeMap<Dest, Vec<Standing<'f>>> {
    let mut by_dest: BTreeMap<Dest, Vec<Standing<'f>>> = BTreeMap::new();
    for seen in cx.facts.forwarding() {
        let f = seen.fact;
        let example = cite(seen.snapshot, f.row);
        let label = mailbox_label(&f.mailbox);
        if let Some(m) = s.mailboxes.matched(&[f.mailbox.as_str(), label.as_str()]) {
            out.suppressions.add(&cx.meta.id, "mailbox_allowlist", m, &example);
            continue;
        }
        let values =
            [("ForwardingSmtpAddress", f.smtp_address.as_deref()), ("ForwardingAddress", f.recipient.as_deref())];
        for (param, value) in values {
            let Some(value) = value.filter(|v| !v.trim().is_empty()) else { continue };
            match place(cx, s, value) {
                Ok(dest) => by_dest.entry(dest).or_default().push(Standing { seen, param }),
                Err((rule, matched)) => out.suppressions.add(&cx.meta.id, rule, &matched, &example),
            }
        }
    }
    by_dest
}

/// The alert of a destination that only snapshots show mail forwarded to.
pub(super) fn alert(cx: &Cx, s: &Settings, dest: &Dest, set: &[Standing]) -> AlertBuilder {
    let mailboxes: BTreeSet<String> = set.iter().map(|f| mailbox_label(&f.seen.fact.mailbox)).collect();
    let list: Vec<&str> = mailboxes.iter().map(String::as_str).collect();
    let title = match dest {
        Dest::Outside(a) => format!("Mail of {} forwarded to {a} outside the tenant", plural_mailboxes(&list)),
        Dest::Unplaced(r) => {
            format!("Mail of {} forwarded to directory recipient '{r}', which the case cannot place", list.join(", "))
        }
    };
    let base = if matches!(dest, Dest::Outside(_)) { Severity::High } else { Severity::Medium };
    let mut b = cx.alert(title, base);
    b.key.push(dest.text().to_ascii_lowercase());
    b.reason(format!(
        "forwarding set before the case's audit records begin, or set without a record in them: only the snapshot \
         shows it ({} mailbox{})",
        set.len(),
        if set.len() == 1 { "" } else { "es" }
    ));
    describe(&mut b, dest, set);
    explain_destination(s, &mut b, dest);
    if mailboxes.len() >= s.shared_min {
        b.reason(format!("{} mailboxes forward to the same destination: {}", mailboxes.len(), list.join(", ")));
        b.at_least(Severity::Critical);
    }
    if no_copy(set) {
        b.reason("DeliverToMailboxAndForward is False: the owner keeps no copy of the forwarded mail");
        b.alert.severity = raise(b.alert.severity);
    }
    b
}

/// Adds the snapshots' word to the alert of `Set-Mailbox` changes to the same destination.
pub(super) fn still_in_place(b: &mut AlertBuilder, set: &[Standing]) {
    for f in set {
        b.reason(format!(
            "{} still forwards there in {}",
            mailbox_label(&f.seen.fact.mailbox),
            cite(f.seen.snapshot, f.seen.fact.row)
        ));
    }
    if no_copy(set) {
        b.reason("the snapshot shows DeliverToMailboxAndForward False: the owner keeps no copy of the forwarded mail");
        b.at_least(Severity::Critical);
    }
}

/// True when a snapshot shows a mailbox forwarding without keeping a copy.
fn no_copy(set: &[Standing]) -> bool {
    set.iter().any(|f| f.seen.fact.deliver_and_forward == Some(false))
}

/// One reason, the mailbox entity and the snapshot's time for each mailbox forwarded to the destination.
fn describe(b: &mut AlertBuilder, dest: &Dest, set: &[Standing]) {
    for f in set {
        let label = mailbox_label(&f.seen.fact.mailbox);
        b.reason(format!("{} of {label} is {} in {}", f.param, dest.text(), cite(f.seen.snapshot, f.seen.fact.row)));
        if let Some(ts) = taken_at(f.seen.snapshot) {
            b.seen_at(ts);
        }
        let e = b.entities();
        if label.contains('@') {
            e.user(&label);
        }
        e.mailbox(&f.seen.fact.mailbox);
    }
}
