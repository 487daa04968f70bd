//! The steps the business-email-compromise pack and its twins are built of: the pack's material from
//! `assets/gen/bec_pack.toml`, an intruder's address, sign-ins with their extras, directory audit records, mailbox
//! deletions and answer-key entries.

use super::actions::record_key;
use crate::gen::activity::{ual_actor, user_ref, Day, Token};
use crate::gen::catalog::Catalog;
use crate::gen::ids;
use crate::gen::key::Entities;
use crate::gen::records::audit::{directory_audit, target, AuditArgs, Initiator};
use crate::gen::records::mail_item::{item_deletion, ItemDeletion};
use crate::gen::records::signin::SignInArgs;
use crate::gen::records::{Kind, Workload};
use crate::gen::tenant::{Net, Person, Tenant};
use chrono::{DateTime, Duration, Utc};
use rand::seq::IndexedRandom;
use rand::Rng;
use serde::Deserialize;
use serde_json::Value;
use std::sync::OnceLock;

/// The lists plants pick from (see `assets/gen/bec_pack.toml`).
#[derive(Debug, Deserialize, Default)]
pub struct Material {
    /// Places intruders sign in and act from.
    pub attacker_places: Vec<String>,
    /// Hosting networks a rotating sprayer uses, and nothing else.
    pub spray_places: Vec<String>,
    /// Places far from the tenant, for sign-ins nobody could travel to.
    pub far_places: Vec<String>,
    /// Outside mail domains mail is forwarded to.
    pub forward_domains: Vec<String>,
    /// Local parts of those addresses.
    pub forward_locals: Vec<String>,
    /// Inbox rule names chosen to be overlooked.
    pub rule_names: Vec<String>,
    /// Watched words of rules, `;`-separated.
    pub rule_words: Vec<String>,
    /// Folders rules hide mail in.
    pub hiding_folders: Vec<String>,
    /// Names of the apps people are led to consent to.
    pub consent_apps: Vec<String>,
    /// Outside domains mail flow rules copy to.
    pub transport_domains: Vec<String>,
    /// The partner domain case.toml allows forwarding to.
    pub approved_partner_domain: String,
    /// Subjects of the messages intruders delete.
    pub deleted_subjects: Vec<String>,
}

impl Material {
    /// The embedded material (empty lists if the asset does not parse, which a unit test rules out).
    pub fn get() -> &'static Material {
        static M: OnceLock<Material> = OnceLock::new();
        M.get_or_init(|| toml::from_str(include_str!("../../../../assets/gen/bec_pack.toml")).unwrap_or_default())
    }
}

/// One entry of `list` picked with the day's randomness (empty for an empty list).
pub fn one(day: &mut Day, list: &[String]) -> String {
    list.choose(&mut day.rng).cloned().unwrap_or_default()
}

/// An address in one of `places` (keys of places.txt) that no one in the tenant uses.
pub fn net_in(day: &mut Day, places: &[String]) -> Net {
    let place = one(day, places);
    let ip = format!("192.0.2.{}", day.rng.random_range(10..250));
    Net::new(&ip, &place)
}

/// Where `p` usually works from: the office they are in on most weekdays, else home (as the baseline places them).
pub fn usual_net(t: &Tenant, p: &Person) -> Net {
    let office = p.office_days.iter().filter(|d| **d).count();
    match t.corp.get(p.id.as_bytes().first().copied().unwrap_or(0) as usize % 2) {
        Some(corp) if office >= 3 => corp.clone(),
        _ => p.home.clone(),
    }
}

/// An intruder's address: a hosting provider or a home line abroad.
pub fn attacker(day: &mut Day) -> Net {
    net_in(day, &Material::get().attacker_places)
}

/// An outside mail address an intruder has mail sent to.
pub fn outside_address(day: &mut Day) -> String {
    let m = Material::get();
    format!("{}@{}", one(day, &m.forward_locals), one(day, &m.forward_domains))
}

/// A user sign-in of `p` from `net`, adjusted by `adjust` (error code, client, protocol, risk) before it is written.
#[allow(clippy::too_many_arguments)]
pub fn sign_in_as<'a>(
    day: &mut Day,
    ts: DateTime<Utc>,
    kind: Kind,
    p: &'a Person,
    net: &'a Net,
    ua: &'a str,
    apps: (&str, &str),
    session: Option<&str>,
    adjust: impl FnOnce(&mut SignInArgs<'a>),
) -> Token {
    let cat = Catalog::get();
    let ids_ = day.signin_ids(session);
    let mut a = SignInArgs::user(ts, kind, ids_, user_ref(p), cat.app(apps.0), cat.app(apps.1), net, ua);
    a.mfa = kind == Kind::SignInInteractive;
    adjust(&mut a);
    if a.error_code != 0 {
        a.mfa = false;
    }
    day.sign_in(&a)
}

/// A directory audit record by the person `actor` from `ip`.
#[allow(clippy::too_many_arguments)]
pub fn directory(
    day: &mut Day,
    ts: DateTime<Utc>,
    actor: &Person,
    ip: &str,
    activity: &'static str,
    category: &'static str,
    operation_type: &'static str,
    targets: Vec<Value>,
    additional: Vec<(String, String)>,
) {
    let v = audit_value(day, ts, actor, ip, (activity, category, operation_type), targets, additional);
    day.push(ts, Kind::Audit, v);
}

/// A security-info record (`User registered security info` …) on `user` by `actor`, whose result reason names the
/// method the way Entra writes it (`User registered Authenticator App with Notification and Code`).
pub fn security_info(
    day: &mut Day,
    ts: DateTime<Utc>,
    actor: &Person,
    ip: &str,
    (activity, operation_type): (&'static str, &'static str),
    user: &Person,
    reason: &str,
) {
    let tgt = target(&user.id, Some(&user.display), "User", Some(&user.upn), vec![]);
    let mut v = audit_value(day, ts, actor, ip, (activity, "UserManagement", operation_type), vec![tgt], vec![]);
    v["resultReason"] = Value::String(reason.to_string());
    v["loggedByService"] = Value::String("Authentication Methods".to_string());
    day.push(ts, Kind::Audit, v);
}

/// A directory audit record as Graph returns it, `what` being its activity, category and operation type.
fn audit_value(
    day: &mut Day,
    ts: DateTime<Utc>,
    actor: &Person,
    ip: &str,
    what: (&'static str, &'static str, &'static str),
    targets: Vec<Value>,
    additional: Vec<(String, String)>,
) -> Value {
    let (activity, category, operation_type) = what;
    let corr = day.guid();
    let id = ids::audit_id(&mut day.rng, &corr);
    let mut extra = additional;
    extra.push(("User-Agent".into(), actor.device.browser_ua.into()));
    directory_audit(&AuditArgs {
        ts,
        id,
        correlation_id: corr,
        category,
        activity,
        operation_type,
        service: "Core Directory",
        initiator: Initiator::User { id: actor.id.clone(), upn: actor.upn.clone(), ip: ip.to_string() },
        targets,
        additional: extra,
    })
}

/// `count` deletion records of `operation` by `actor` in `mailbox`, about `gap_s` seconds apart from `start`.
#[allow(clippy::too_many_arguments)]
pub fn deletions(
    day: &mut Day,
    start: DateTime<Utc>,
    count: usize,
    gap_s: i64,
    operation: &str,
    actor: &Person,
    mailbox: &Person,
    net: &Net,
    session: &str,
) {
    let host = day.t.exchange_server();
    let subjects = &Material::get().deleted_subjects;
    for i in 0..count {
        let ts = start + Duration::seconds(gap_s * i as i64 + day.rng.random_range(0..gap_s.max(2) / 2));
        let n = day.rng.random_range(1..=3);
        let items = (0..n).map(|_| (ids::message_id(&mut day.rng, &host), one(day, subjects))).collect();
        let (id, port) = (day.guid(), day.port());
        let v = item_deletion(
            day.t,
            &ItemDeletion {
                ts,
                id,
                operation,
                actor: ual_actor(actor, false),
                mailbox,
                ip: &net.ip,
                port,
                logon_type: if actor.upn == mailbox.upn { 0 } else { 2 },
                client_info: "Client=OWA;Action=ViaProxy",
                session_id: session,
                items,
            },
        );
        day.push(ts, Kind::Ual(Workload::Exchange), v);
    }
}

/// Who a plant or twin names in the answer key.
pub struct Named<'a> {
    /// The people acted on or acting.
    pub users: Vec<&'a str>,
    /// The intruder's addresses.
    pub ips: Vec<String>,
    /// The mailboxes reached.
    pub mailboxes: Vec<&'a str>,
}

/// Appends the answer-key entry of a plant (`planted`) or twin covering the records since `from`.
#[allow(clippy::too_many_arguments)]
pub fn keyed(
    day: &mut Day,
    from: usize,
    planted: bool,
    id: &str,
    analytic: &'static str,
    text: &str,
    named: Named,
    min_severity: &'static str,
) {
    let entities = Entities {
        users: named.users.iter().map(|s| s.to_string()).collect(),
        ips: named.ips,
        sessions: vec![],
        mailboxes: named.mailboxes.iter().map(|s| s.to_string()).collect(),
        apps: vec![],
    };
    record_key(day, from, planted, id, analytic, text, entities, min_severity);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn material_parses_and_names_known_places() {
        let m = Material::get();
        assert!(!m.attacker_places.is_empty() && !m.far_places.is_empty() && !m.consent_apps.is_empty());
        for key in m.attacker_places.iter().chain(&m.far_places).chain(&m.spray_places) {
            assert_eq!(Catalog::get().place(key).key, key.as_str(), "{key} is not in places.txt");
        }
    }
}
