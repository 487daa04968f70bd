//! The pack's mailbox acts: inbox rules, forwarding, audit switched off, bulk reading, deletion sprees and legacy
//! protocols turned on, each in the ways intruders do them, from an address of their own.

use super::actions::{cmdlet, mail_reads};
use super::bec_pack::Roles;
use super::bec_steps::{attacker, deletions, directory, keyed, one, outside_address, sign_in_as, Material, Named};
use crate::gen::activity::{ual_actor, Day};
use crate::gen::catalog::Catalog;
use crate::gen::records::audit::target;
use crate::gen::records::ip_with_port;
use crate::gen::records::mailbox_rule::{inbox_rule_update, RuleUpdate};
use crate::gen::records::ual::{self, AdminCmdlet};
use crate::gen::records::{Kind, Workload};
use crate::gen::tenant::{Net, Person};
use chrono::{DateTime, Duration, Utc};
use rand::Rng;

/// An Exchange cmdlet run with `p`'s account from `net`.
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

/// The key entry of a plant on `p`'s mailbox from `net`.
fn plant_key(day: &mut Day, from: usize, id: &str, analytic: &'static str, text: &str, p: &Person, net: &Net) {
    let named = Named { users: vec![&p.upn], ips: vec![net.ip.to_string()], mailboxes: vec![&p.upn] };
    keyed(day, from, true, id, analytic, text, named, "medium");
}

/// An inbox rule that hides payment mail in a folder nobody opens (0), deletes warnings about the account through a
/// changed rule (1), forwards every message outside (2), or the same saved by a mail client rather than a cmdlet:
/// Outlook over MAPI hiding bank mail (3) or a script through Graph's messageRules forwarding and deleting (4).
pub fn inbox_rule(day: &mut Day, r: &Roles, v: usize) {
    let m = Material::get();
    let (p, net) = (&r.victim, attacker(day));
    let from = day.out.len();
    let ts = day.between(6.0, 22.0);
    let name = one(day, &m.rule_names);
    let words = one(day, &m.rule_words);
    if v >= 3 {
        client_rule(day, ts, p, &net, (&name, &words), v == 4);
        let how = if v == 3 { "saved from Outlook, hides" } else { "created through Graph, forwards and deletes" };
        let text = format!("An inbox rule on {}'s mailbox, {how} mail from {}", p.upn, net.place.country);
        plant_key(day, from, "pack-inbox-rule", "inbox-rule", &text, p, &net);
        return;
    }
    let (op, mut params, how) = match v {
        0 => (
            "New-InboxRule",
            vec![
                ("SubjectOrBodyContainsWords", words),
                ("MoveToFolder", one(day, &m.hiding_folders)),
                ("MarkAsRead", "True".into()),
                ("StopProcessingRules", "True".into()),
            ],
            "moves payment mail to a folder nobody opens",
        ),
        1 => (
            "Set-InboxRule",
            vec![("SubjectContainsWords", words), ("DeleteMessage", "True".into())],
            "was changed to delete mail about payments or warnings",
        ),
        _ => ("New-InboxRule", vec![("ForwardTo", outside_address(day))], "forwards every message outside"),
    };
    params.insert(0, ("Name", name.clone()));
    let object = format!("{}\\{}", p.display, name);
    if op == "Set-InboxRule" {
        params.insert(0, ("Identity", object.clone()));
    }
    run_as(day, ts, p, &net, op, object, params);
    let text = format!("An inbox rule on {}'s mailbox, set from {}, {how}", p.upn, net.place.country);
    plant_key(day, from, "pack-inbox-rule", "inbox-rule", &text, p, &net);
}

/// A rule saved by a client: Outlook over MAPI moving watched mail to a hiding folder, or (`graph`) a script
/// posting to Graph's messageRules a rule that forwards outside and deletes, which the mailbox audit records as
/// `UpdateInboxRules` either way. `rule` is the name and the watched words (`;`-separated).
fn client_rule(day: &mut Day, ts: DateTime<Utc>, p: &Person, net: &Net, rule: (&str, &str), graph: bool) {
    let m = Material::get();
    let words: Vec<String> = rule.1.split(';').map(|w| format!("'{w}'")).collect();
    let condition = format!("SubjectOrBodyContainsWords({})", words.join(", "));
    let (actions, client) = if graph {
        let cat = Catalog::get();
        let ua = cat.ua("python-requests");
        let tok = sign_in_as(
            day,
            ts - Duration::minutes(2),
            Kind::SignInNonInteractive,
            p,
            net,
            ua,
            ("graph-cli", "graph"),
            None,
            |a| {
                a.scopes = "MailboxSettings.ReadWrite Mail.Read";
            },
        );
        let uri = "https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messageRules".to_string();
        day.graph_user(ts, p, &tok, net, ua, "POST", uri, 0, "MailboxSettings.ReadWrite Mail.Read");
        (format!("ForwardTo({}); Delete", outside_address(day)), "Client=REST;Client=RESTSystem;;")
    } else {
        (format!("MoveToFolder('{}'); MarkAsRead", one(day, &m.hiding_folders)), "Client=MSExchangeRPC")
    };
    let (id, port, session, rule_id) = (day.guid(), day.port(), day.guid(), day.guid());
    let v = inbox_rule_update(
        day.t,
        &RuleUpdate {
            ts: ts + Duration::seconds(1),
            id,
            actor: ual_actor(p, false),
            mailbox: p,
            ip: &net.ip,
            port,
            client_info: client,
            session_id: &session,
            rule_id,
            name: rule.0,
            condition: &condition,
            actions: &actions,
        },
    );
    day.push(ts + Duration::seconds(1), Kind::Ual(Workload::Exchange), v);
}

/// Every message forwarded outside: by the mailbox's own setting (0), by a mail flow rule copying or redirecting
/// it (1), or through a mail contact made for the outside address (2).
pub fn mail_forwarding(day: &mut Day, r: &Roles, v: usize) {
    let (p, net) = (&r.victim, attacker(day));
    let from = day.out.len();
    let ts = day.between(6.0, 22.0);
    let m = Material::get();
    let dest = if v == 1 {
        format!("{}@{}", one(day, &m.forward_locals), one(day, &m.transport_domains))
    } else {
        outside_address(day)
    };
    let keep = if day.rng.random_bool(0.5) { "True" } else { "False" };
    if v == 2 {
        let contact = format!("{} (external)", p.display);
        let params = vec![("Name", contact.clone()), ("ExternalEmailAddress", format!("SMTP:{dest}"))];
        run_as(day, ts - Duration::minutes(3), p, &net, "New-MailContact", contact.clone(), params);
        let params = vec![
            ("Identity", p.upn.clone()),
            ("ForwardingAddress", contact),
            ("DeliverToMailboxAndForward", keep.into()),
        ];
        run_as(day, ts, p, &net, "Set-Mailbox", p.upn.clone(), params);
        let text =
            format!("With {}'s account, a mail contact for {dest} is made and the mailbox forwards to it", p.upn);
        plant_key(day, from, "pack-mail-forwarding", "mail-forwarding", &text, p, &net);
        return;
    }
    let (op, object, params, how) = if v == 0 {
        let params = vec![
            ("Identity", p.upn.clone()),
            ("ForwardingSmtpAddress", format!("smtp:{dest}")),
            ("DeliverToMailboxAndForward", keep.into()),
        ];
        ("Set-Mailbox", p.upn.clone(), params, "the mailbox forwards to")
    } else {
        let params = vec![
            ("Name", "Journal copy".into()),
            ("SentToScope", "InOrganization".into()),
            (if day.rng.random_bool(0.5) { "BlindCopyTo" } else { "RedirectMessageTo" }, dest.clone()),
        ];
        ("New-TransportRule", "Journal copy".into(), params, "a mail flow rule copies or redirects internal mail to")
    };
    run_as(day, ts, p, &net, op, object, params);
    let text = format!("With {}'s account, {how} {dest}", p.upn);
    plant_key(day, from, "pack-mail-forwarding", "mail-forwarding", &text, p, &net);
}

/// Records switched off: another mailbox's auditing (0), the unified audit log (1), or auditing bypassed for the
/// intruder's own account (2).
pub fn audit_tampering(day: &mut Day, r: &Roles, v: usize) {
    let (p, net) = (&r.victim, attacker(day));
    let from = day.out.len();
    let ts = day.between(6.0, 22.0);
    let (op, object, params) = match v {
        0 => (
            "Set-Mailbox",
            r.other.upn.clone(),
            vec![("Identity", r.other.upn.clone()), ("AuditEnabled", "False".into())],
        ),
        1 => (
            "Set-AdminAuditLogConfig",
            "Admin Audit Log Settings".into(),
            vec![("UnifiedAuditLogIngestionEnabled", "False".into())],
        ),
        _ => (
            "Set-MailboxAuditBypassAssociation",
            p.upn.clone(),
            vec![("Identity", p.upn.clone()), ("AuditBypassEnabled", "True".into())],
        ),
    };
    run_as(day, ts, p, &net, op, object, params);
    let text =
        format!("{}'s account runs {op} from {} to stop the records an investigation needs", p.upn, net.place.country);
    plant_key(day, from, "pack-audit-tampering", "audit-tampering", &text, p, &net);
}

/// Mail taken in bulk with `p`'s account: its own mailbox read through a stolen session (0), three colleagues'
/// mailboxes it holds rights on read (1), or every mailbox searched for payment mail and the results exported
/// (2), which leaves no MailItemsAccessed record.
pub fn mass_mail_access(day: &mut Day, r: &Roles, v: usize) {
    let t = day.t;
    let (p, net) = (&r.victim, attacker(day));
    let from = day.out.len();
    let start = day.between(6.0, 21.0);
    if v == 2 {
        compliance_export(day, start, p, &net);
        let text = format!("{}'s account exports every mailbox's payment mail through a compliance search", p.upn);
        plant_key(day, from, "pack-mass-mail-access", "mass-mail-access", &text, p, &net);
        return;
    }
    let owa = Catalog::get().app("owa").id;
    let actor = ual_actor(p, false);
    let mut targets = vec![p.clone()];
    if v == 1 {
        let k = day.rng.random_range(0..t.people.len());
        targets = vec![r.other.clone(), t.people[k].clone(), t.people[t.cast.cfo].clone()];
    }
    let logon = if v == 1 { 2 } else { 0 };
    for (i, mb) in targets.iter().enumerate() {
        let at = start + Duration::minutes(12 * i as i64);
        let count = if v == 1 { 12 } else { 30 };
        mail_reads(
            day,
            at,
            50,
            count,
            &actor,
            mb,
            &net,
            logon,
            false,
            "Client=OWA;Action=ViaProxy",
            owa,
            None,
            10..=20,
        );
    }
    let text = format!("{}'s account reads hundreds of messages within the hour from {}", p.upn, net.place.country);
    plant_key(day, from, "pack-mass-mail-access", "mass-mail-access", &text, p, &net);
}

/// A compliance search over every mailbox, started and exported, as the Security & Compliance cmdlet log records
/// it (RecordType 18).
fn compliance_export(day: &mut Day, start: DateTime<Utc>, p: &Person, net: &Net) {
    let name = format!("{} review", ["Q1", "Vendor", "Audit", "Legal"][day.rng.random_range(0..4)]);
    let query = "invoice OR payment OR \"bank details\" OR remittance".to_string();
    let steps = [
        (
            "New-ComplianceSearch",
            vec![("Name", name.clone()), ("ExchangeLocation", "All".into()), ("ContentMatchQuery", query)],
        ),
        ("Start-ComplianceSearch", vec![("Identity", name.clone())]),
        (
            "New-ComplianceSearchAction",
            vec![("SearchName", name.clone()), ("Export", "True".into()), ("Format", "FxStream".into())],
        ),
    ];
    let session = day.guid();
    for (i, (op, params)) in steps.into_iter().enumerate() {
        let ts = start + Duration::minutes(if i == 2 { day.rng.random_range(12..30) } else { i as i64 });
        let (id, port) = (day.guid(), day.port());
        let mut v = ual::exchange_admin(
            day.t,
            &AdminCmdlet {
                ts,
                id,
                actor: ual_actor(p, true),
                client_ip: ip_with_port(&net.ip, port),
                operation: op,
                object_id: name.clone(),
                parameters: params,
                external: false,
                app_id: "",
                session_id: &session,
                succeeded: true,
            },
        );
        v["RecordType"] = 18.into();
        v["Workload"] = "SecurityComplianceCenter".into();
        day.push(ts, Kind::Ual(Workload::Exchange), v);
    }
}

/// Mail removed in bulk to cover tracks: moved to Deleted Items (0) or purged (1) in the victim's mailbox, or the
/// directory's users deleted one after another (2).
pub fn mass_deletion(day: &mut Day, r: &Roles, v: usize) {
    let t = day.t;
    let (p, net) = (&r.victim, attacker(day));
    let from = day.out.len();
    let start = day.between(6.0, 21.0);
    let session = day.guid();
    match v {
        0 => deletions(day, start, 60, 25, "MoveToDeletedItems", p, p, &net, &session),
        1 => deletions(day, start, 50, 30, "HardDelete", p, p, &net, &session),
        _ => {
            for i in 0..7 {
                let victim = &t.people[(t.cast.traveller + 1 + i) % t.people.len()];
                let ts = start + Duration::seconds(40 * i as i64 + day.rng.random_range(0..20));
                let tgt = target(&victim.id, None, "User", Some(&victim.upn), vec![]);
                directory(
                    day,
                    ts,
                    p,
                    &net.ip.to_string(),
                    "Delete user",
                    "UserManagement",
                    "Delete",
                    vec![tgt],
                    vec![],
                );
            }
        }
    }
    let text = format!("{}'s account deletes in bulk from {}", p.upn, net.place.country);
    plant_key(day, from, "pack-mass-deletion", "mass-deletion", &text, p, &net);
}

/// A password-only protocol: IMAP or POP turned on for the mailbox (0), or the mailbox signed in to over IMAP or
/// POP (1).
pub fn legacy_protocol(day: &mut Day, r: &Roles, v: usize) {
    let (p, net) = (&r.victim, attacker(day));
    let from = day.out.len();
    let ts = day.between(6.0, 22.0);
    if v == 0 {
        let switch = if day.rng.random_bool(0.5) { "ImapEnabled" } else { "PopEnabled" };
        let params = vec![("Identity", p.upn.clone()), (switch, "True".into())];
        run_as(day, ts, p, &net, "Set-CASMailbox", p.upn.clone(), params);
    } else {
        let client = if day.rng.random_bool(0.5) { "IMAP4" } else { "POP3" };
        sign_in_as(day, ts, Kind::SignInInteractive, p, &net, "", ("exchange", "exchange"), None, |a| {
            a.client_app_used = client;
            a.protocol = "ropc";
            a.mfa = false;
        });
    }
    let text = format!("{}'s mailbox is reached over a password-only protocol from {}", p.upn, net.place.country);
    plant_key(day, from, "pack-legacy-protocol", "legacy-protocol", &text, p, &net);
}
