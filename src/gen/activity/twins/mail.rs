//! Twins of the mailbox plants: rules, forwarding, audit settings, reading, deleting and protocol settings that
//! people and administrators change every week.

use crate::gen::activity::scenarios::{cmdlet, deletions, keyed, mail_reads, sign_in_as, Material, Named, Roles};
use crate::gen::activity::{ual_actor, Day};
use crate::gen::catalog::Catalog;
use crate::gen::records::{ip_with_port, Kind};
use crate::gen::tenant::{Net, Person};
use chrono::{DateTime, Duration, Utc};
use rand::Rng;

/// An Exchange cmdlet by `p` from `net`.
fn run_as(
    day: &mut Day,
    ts: DateTime<Utc>,
    p: &Person,
    net: &Net,
    op: &str,
    object: String,
    params: Vec<(&str, String)>,
) {
    let (port, session) = (day.port(), day.guid());
    cmdlet(day, ts, ual_actor(p, true), ip_with_port(&net.ip, port), op, object, params, false, &session);
}

/// The key entry of a twin naming `users`.
fn twin_key(day: &mut Day, from: usize, id: &str, analytic: &'static str, text: &str, users: Vec<&str>) {
    let named = Named { users, ips: vec![], mailboxes: vec![] };
    keyed(day, from, false, id, analytic, text, named, "low");
}

/// A person's own tidy-up rule filing newsletters, and an administrator's rule forwarding to the approved partner.
pub fn inbox_rule(day: &mut Day, r: &Roles, _last: bool) {
    let from = day.out.len();
    let p = &r.victim;
    let ts = day.between(9.0, 16.0);
    let params = vec![
        ("Name", "Newsletters".to_string()),
        ("FromAddressContainsWords", "newsletter;digest".into()),
        ("MoveToFolder", "Newsletters".into()),
        ("StopProcessingRules", "False".into()),
    ];
    run_as(day, ts, p, &p.home, "New-InboxRule", format!("{}\\Newsletters", p.display), params);
    twin_key(
        day,
        from,
        "twin-inbox-rule-filing",
        "inbox-rule",
        &format!("{} files newsletters into a folder of their own", p.upn),
        vec![&p.upn],
    );
    let from = day.out.len();
    let (o, corp) = (&r.other, day.t.corp[0].clone());
    let dest = format!("orders@{}", Material::get().approved_partner_domain);
    let params = vec![
        ("Name", "Partner orders".to_string()),
        ("SubjectContainsWords", "purchase order".into()),
        ("ForwardTo", dest.clone()),
    ];
    run_as(
        day,
        ts + Duration::minutes(40),
        o,
        &corp,
        "New-InboxRule",
        format!("{}\\Partner orders", o.display),
        params,
    );
    let text = format!("{} forwards purchase orders to {dest}, a domain the case allows", o.upn);
    twin_key(day, from, "twin-inbox-rule-partner", "inbox-rule", &text, vec![&o.upn]);
}

/// An administrator forwards a mailbox to the approved partner domain from the office in working hours.
pub fn mail_forwarding(day: &mut Day, r: &Roles, _last: bool) {
    let from = day.out.len();
    let (p, admin, corp) = (&r.victim, &r.admin, day.t.corp[0].clone());
    let ts = day.between(9.0, 16.0);
    let dest = format!("{}@{}", p.upn.split('@').next().unwrap_or("user"), Material::get().approved_partner_domain);
    let params = vec![
        ("Identity", p.upn.clone()),
        ("ForwardingSmtpAddress", format!("smtp:{dest}")),
        ("DeliverToMailboxAndForward", "True".into()),
    ];
    run_as(day, ts, admin, &corp, "Set-Mailbox", p.upn.clone(), params);
    let text = format!("{} forwards {}'s mail to the approved partner domain", admin.upn, p.upn);
    twin_key(day, from, "twin-mail-forwarding-partner", "mail-forwarding", &text, vec![&p.upn]);
}

/// An administrator turns auditing on and lengthens its retention for a mailbox.
pub fn audit_tampering(day: &mut Day, r: &Roles, _last: bool) {
    let from = day.out.len();
    let (p, admin, corp) = (&r.victim, &r.admin, day.t.corp[0].clone());
    let ts = day.between(9.0, 16.0);
    let params =
        vec![("Identity", p.upn.clone()), ("AuditEnabled", "True".into()), ("AuditLogAgeLimit", "180.00:00:00".into())];
    run_as(day, ts, admin, &corp, "Set-Mailbox", p.upn.clone(), params);
    let text = format!("{} lengthens {}'s mailbox audit retention", admin.upn, p.upn);
    twin_key(day, from, "twin-audit-tampering-retention", "audit-tampering", &text, vec![&p.upn]);
}

/// A busy person reads a lot of mail over the working day, never much within one hour.
pub fn mass_mail_access(day: &mut Day, r: &Roles, _last: bool) {
    let from = day.out.len();
    let p = &r.victim;
    let start = day.between(8.0, 9.0);
    let owa = Catalog::get().app("owa").id;
    mail_reads(
        day,
        start,
        720,
        40,
        &ual_actor(p, false),
        p,
        &p.home,
        0,
        false,
        "Client=OWA;Action=ViaProxy",
        owa,
        None,
        3..=7,
    );
    twin_key(
        day,
        from,
        "twin-mass-mail-access-busy-day",
        "mass-mail-access",
        &format!("{} reads mail steadily all day", p.upn),
        vec![&p.upn],
    );
}

/// A person clears out old mail at their desk: a few dozen messages over an hour.
pub fn mass_deletion(day: &mut Day, r: &Roles, _last: bool) {
    let from = day.out.len();
    let p = &r.victim;
    let start = day.between(9.0, 16.0);
    let n = day.rng.random_range(12..25);
    let session = day.guid();
    deletions(day, start, n, 120, "MoveToDeletedItems", p, p, &p.home, &session);
    twin_key(
        day,
        from,
        "twin-mass-deletion-cleanup",
        "mass-deletion",
        &format!("{} clears out old mail", p.upn),
        vec![&p.upn],
    );
}

/// An administrator turns POP and IMAP off for a mailbox, and the reporting account sends over SMTP AUTH from the
/// office.
pub fn legacy_protocol(day: &mut Day, r: &Roles, _last: bool) {
    let from = day.out.len();
    let (p, admin, corp) = (&r.victim, &r.admin, day.t.corp[0].clone());
    let ts = day.between(9.0, 16.0);
    let params = vec![("Identity", p.upn.clone()), ("PopEnabled", "False".into()), ("ImapEnabled", "False".into())];
    run_as(day, ts, admin, &corp, "Set-CASMailbox", p.upn.clone(), params);
    twin_key(
        day,
        from,
        "twin-legacy-protocol-off",
        "legacy-protocol",
        &format!("{} turns POP and IMAP off for {}", admin.upn, p.upn),
        vec![&p.upn],
    );
    let from = day.out.len();
    let svc = day.t.automation.clone();
    let office = day.t.corp[2].clone();
    sign_in_as(
        day,
        ts + Duration::minutes(30),
        Kind::SignInInteractive,
        &svc,
        &office,
        "",
        ("exchange", "exchange"),
        None,
        |a| {
            a.client_app_used = "Authenticated SMTP";
            a.mfa = false;
        },
    );
    twin_key(
        day,
        from,
        "twin-legacy-protocol-scanner",
        "legacy-protocol",
        "The reporting account sends mail over SMTP AUTH from the office",
        vec![&svc.upn],
    );
}
