//! Weekly habits of the acts' actors, smaller acts of the same kind in the weeks before: the enumerating account
//! lists a page or two of the directory, the scripted-access victim runs Graph PowerShell, the replay victim signs
//! in from their phone's network, the admin delegates a shared mailbox to a colleague, the trusted partner does
//! helpdesk work. The planted act must still stand out against them.

use super::lookalikes::{shared_person, trusted_partner};
use super::scenarios::{cmdlet, enumeration_burst, full_access_parameters, record_key};
use super::schedule::habit_due;
use super::{ual_actor, Day, Plan};
use crate::gen::catalog::Catalog;
use crate::gen::key::Entities;
use crate::gen::records::ip_with_port;
use crate::gen::records::ual::UalActor;
use crate::gen::records::Kind;
use crate::gen::tenant::Net;
use chrono::Duration;
use rand::Rng;

/// The replay victim's phone network: same city and country as home, another carrier.
pub fn phone_net() -> Net {
    Net::new("198.51.100.241", "mobile")
}

/// Which acts the case plants, so only their actors get habits.
#[derive(Debug, Clone, Copy)]
pub struct Planted {
    pub an0534: bool,
    pub an0959: bool,
    pub an1089: bool,
    pub an1350: bool,
    pub an1107: bool,
}

/// The habits due on this day.
pub fn habits_day(day: &mut Day, plan: &Plan, planted: Planted) {
    let i = day.index;
    if planted.an1089 && habit_due(i, plan.an1089) {
        small_listing(day);
    }
    if planted.an0534 && habit_due(i, plan.an0534) {
        graph_powershell(day);
    }
    if planted.an0959 && habit_due(i, plan.an0959) {
        phone_sign_in(day);
    }
    if planted.an1107 && habit_due(i, plan.an1107) {
        admin_delegation(day);
    }
    if planted.an1350 && habit_due(i, plan.an1350) {
        trusted_partner(day, true);
    }
}

/// AN1089: the enumerating account lists six pages of users and expands two groups from home in the afternoon.
fn small_listing(day: &mut Day) {
    let t = day.t;
    let p = t.people[t.cast.enum_actor].clone();
    let net = p.home.clone();
    let ts = day.between(14.0, 15.0);
    let ua = p.device.browser_ua;
    let tok = day.user_sign_in(ts, Kind::SignInNonInteractive, &p, None, "office", "graph", &net, ua, true);
    enumeration_burst(day, ts + Duration::seconds(30), &p, &tok, &net, ua, 6, 2, "displayName,mail");
}

/// AN0534: the victim reads a few of their own messages with Graph PowerShell from home.
fn graph_powershell(day: &mut Day) {
    let cat = Catalog::get();
    let t = day.t;
    let p = t.people[t.cast.script_victim].clone();
    let net = p.home.clone();
    let ua = cat.ua("graph-sdk-ps");
    let ts = day.between(16.0, 17.0);
    let tok = day.user_sign_in(ts, Kind::SignInInteractive, &p, None, "graph-cli", "graph", &net, ua, true);
    for k in 0..3i64 {
        let uri = "https://graph.microsoft.com/v1.0/me/messages?$top=10&$select=subject,receivedDateTime".to_string();
        let bytes = day.rng.random_range(4_000..12_000);
        day.graph_user(
            ts + Duration::seconds(40 + 20 * k),
            &p,
            &tok,
            &net,
            ua,
            "GET",
            uri,
            bytes,
            "Mail.Read User.Read",
        );
    }
}

/// AN0959: the victim signs in from their phone's network in the evening and opens mail.
fn phone_sign_in(day: &mut Day) {
    let cat = Catalog::get();
    let t = day.t;
    let p = t.people[t.cast.replay_victim].clone();
    let net = phone_net();
    let ua = cat.ua("outlook-ios");
    let ts = day.between(19.0, 20.0);
    let tok = day.user_sign_in(ts, Kind::SignInInteractive, &p, None, "outlook-mobile", "exchange", &net, ua, true);
    let later = ts + Duration::minutes(2);
    day.user_sign_in(
        later,
        Kind::SignInNonInteractive,
        &p,
        Some(&tok.session_id),
        "outlook-mobile",
        "graph",
        &net,
        ua,
        true,
    );
}

/// AN1107: the admin gives a colleague FullAccess to the reception mailbox from the office during the day.
fn admin_delegation(day: &mut Day) {
    let t = day.t;
    let from = day.out.len();
    let admin = t.people[t.cast.admin].clone();
    let grantee = t.people[t.cast.finance].clone();
    let mbx = shared_person(day, 2);
    let net = t.corp[0].clone();
    let ts = day.between(10.0, 15.0);
    let ua = Catalog::get().ua("exo-powershell");
    let tok = day.user_sign_in(ts, Kind::SignInInteractive, &admin, None, "exo-rest-ps", "exchange", &net, ua, true);
    let port = day.port();
    cmdlet(
        day,
        ts + Duration::minutes(3),
        UalActor { user_type: 2, ..ual_actor(&admin, true) },
        ip_with_port(&net.ip, port),
        "Add-MailboxPermission",
        mbx.display.clone(),
        full_access_parameters(mbx.upn.clone(), grantee.upn_cased.clone(), true),
        false,
        &tok.session_id,
    );
    record_key(
        day,
        from,
        false,
        "la-an1107-admin-delegation-habit",
        "AN1107",
        &format!(
            "{} gives active user {} FullAccess to {} from the office in the day, as every week",
            admin.upn, grantee.upn, mbx.upn
        ),
        Entities {
            users: vec![admin.upn.clone(), grantee.upn.clone()],
            ips: vec![net.ip.to_string()],
            sessions: vec![tok.session_id.clone()],
            mailboxes: vec![mbx.upn.clone()],
            apps: vec![],
        },
        "low",
    );
}
