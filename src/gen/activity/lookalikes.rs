//! Benign activity that resembles the planted attacks and must not alert: approved automation, a traveller, the
//! directory sync account's daily reads, a trusted partner's helpdesk work, system and helpdesk mailbox grants.

use super::scenarios::{
    cmdlet, enumeration_burst, full_access_parameters, mail_reads, record_key, technician_actor, technician_sign_in,
};
use super::{ual_actor, Day};
use crate::gen::catalog::Catalog;
use crate::gen::clock;
use crate::gen::key::Entities;
use crate::gen::records::ip_with_port;
use crate::gen::records::ual::UalActor;
use crate::gen::records::Kind;
use crate::gen::tenant::{Net, Person};
use chrono::{Datelike, Duration, Weekday};
use rand::Rng;

/// The traveller's hotel network (AN0959 look-alike).
pub fn travel_net() -> Net {
    Net::new("203.0.113.90", "london")
}

/// The approved reporting script: python-requests from the corporate network every working morning (AN0534).
pub fn automation(day: &mut Day) {
    if !clock::is_workday(day.date) {
        return;
    }
    let cat = Catalog::get();
    let t = day.t;
    let from = day.out.len();
    let svc = t.automation.clone();
    let ap = shared_person(day, 1);
    let net = t.corp[2].clone();
    let ua = cat.ua("python-requests");
    let ts = day.between(6.4, 6.6);
    let tok = day.user_sign_in(ts, Kind::SignInNonInteractive, &svc, None, "graph-cli", "graph", &net, ua, false);
    for k in 0..3 {
        let uri = format!("https://graph.microsoft.com/v1.0/users/{}/messages?$top=100&$skip={}&$select=subject,from,receivedDateTime,hasAttachments", ap.upn, k * 100);
        let bytes = day.rng.random_range(40_000..120_000);
        day.graph_user(
            ts + Duration::seconds(20 + 15 * k as i64),
            &svc,
            &tok,
            &net,
            ua,
            "GET",
            uri,
            bytes,
            "Mail.Read.Shared User.Read",
        );
    }
    mail_reads(
        day,
        ts + Duration::seconds(30),
        60,
        1,
        &ual_actor(&svc, false),
        &ap,
        &net,
        2,
        false,
        "Client=REST;Client=RESTSystem;;",
        cat.app("graph").id,
        Some(&tok),
        20..=60,
    );
    record_key(
        day,
        from,
        false,
        "la-an0534-automation",
        "AN0534",
        &format!("{} is an approved reporting script (listed in case.toml) reading the shared {} mailbox with python-requests from the corporate network", svc.upn, ap.upn),
        Entities { users: vec![svc.upn.clone()], ips: vec![net.ip.to_string()], sessions: vec![], mailboxes: vec![ap.upn.clone()], apps: vec![cat.app("graph-cli").id.into()] },
        "low",
    );
}

/// A shared mailbox as a `Person` (for mailbox fields).
pub fn shared_person(day: &Day, i: usize) -> Person {
    let t = day.t;
    let m = &t.shared[i % t.shared.len()];
    let mut p = t.sync_account.clone();
    p.upn = m.upn.clone();
    p.upn_cased = m.upn.clone();
    p.display = m.display.clone();
    p.mailbox_guid = m.guid.clone();
    p.id = m.guid.clone();
    p
}

/// Records the traveller's interactive sign-ins abroad (the activity itself comes from the baseline).
pub fn traveller_key(day: &mut Day, from: usize) {
    let t = day.t;
    let p = &t.people[t.cast.traveller];
    let net = travel_net();
    let entities = Entities { users: vec![p.upn.clone()], ips: vec![net.ip.to_string()], ..Entities::default() };
    record_key(
        day,
        from,
        false,
        "la-an0959-traveller",
        "AN0959",
        &format!(
            "{} travels to {} and signs in interactively there before using SharePoint and Exchange",
            p.upn, net.place.city
        ),
        entities,
        "low",
    );
}

/// The directory sync account reads every user's mail address every night (AN1089).
pub fn sync_reads(day: &mut Day) {
    let cat = Catalog::get();
    let t = day.t;
    let from = day.out.len();
    let svc = t.sync_account.clone();
    let net = t.corp[2].clone();
    let ts = day.between(2.1, 2.3);
    let ua = cat.ua("aadconnect");
    let tok = day.user_sign_in(ts, Kind::SignInNonInteractive, &svc, None, "aadconnect", "graph", &net, ua, false);
    enumeration_burst(
        day,
        ts + Duration::seconds(10),
        &svc,
        &tok,
        &net,
        ua,
        22,
        3,
        "mail,userPrincipalName,proxyAddresses",
    );
    record_key(
        day,
        from,
        false,
        "la-an1089-sync-account",
        "AN1089",
        &format!("{} pages through /users and group members every night: its normal job", svc.upn),
        Entities {
            users: vec![svc.upn.clone()],
            ips: vec![net.ip.to_string()],
            apps: vec![cat.app("aadconnect").id.into()],
            ..Entities::default()
        },
        "low",
    );
}

/// The trusted partner's helpdesk work on the allowlisted helpdesk mailbox (AN1350), and its weekly check-ins.
pub fn trusted_partner(day: &mut Day, helpdesk_work: bool) {
    let t = day.t;
    let partner = t.trusted_partner.clone();
    let net = partner.ips[0].clone();
    let from = day.out.len();
    if day.date.weekday() == Weekday::Tue && !helpdesk_work {
        let ts = day.between(10.0, 15.0);
        technician_sign_in(day, &partner, ts, &net, "azure-portal", "azure-mgmt", true);
        return;
    }
    if !helpdesk_work {
        return;
    }
    let mbx = shared_person(day, 0);
    let ts = day.between(10.0, 11.0);
    let tok = technician_sign_in(day, &partner, ts, &net, "exo-rest-ps", "exchange", true);
    let port = day.port();
    cmdlet(
        day,
        ts + Duration::minutes(4),
        technician_actor(&partner),
        ip_with_port(&net.ip, port),
        "Add-MailboxPermission",
        mbx.display.clone(),
        full_access_parameters(mbx.upn.clone(), partner.technician_upn.clone(), false),
        true,
        &tok.session_id,
    );
    let owa = technician_sign_in(day, &partner, ts + Duration::minutes(20), &net, "owa", "exchange", true);
    mail_reads(
        day,
        ts + Duration::minutes(22),
        90,
        2,
        &technician_actor(&partner),
        &mbx,
        &net,
        6,
        true,
        "Client=OWA;Action=ViaProxy",
        owa.app.id,
        Some(&owa),
        3..=8,
    );
    record_key(
        day,
        from,
        false,
        "la-an1350-trusted-partner",
        "AN1350",
        &format!(
            "Trusted partner {} ({}, in case.toml) takes FullAccess to the allowlisted {} mailbox in business hours",
            partner.name, partner.tenant_id, mbx.upn
        ),
        Entities {
            users: vec![partner.technician_upn.clone()],
            ips: vec![net.ip.to_string()],
            sessions: vec![tok.session_id.clone(), owa.session_id.clone()],
            mailboxes: vec![mbx.upn.clone()],
            apps: vec![],
        },
        "low",
    );
}

/// Exchange's own service account maintaining the discovery mailbox every Monday (AN1107 system actor).
pub fn system_grant(day: &mut Day) {
    if day.date.weekday() != Weekday::Mon {
        return;
    }
    let from = day.out.len();
    let ts = day.between(3.0, 4.0);
    let actor = UalActor {
        user_id: "NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)",
        user_key: "NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)".into(),
        user_type: 3,
        object_id: "",
    };
    let mbx = "DiscoverySearchMailbox{D919BA05-46A6-415f-80AD-7E09334BB852}";
    cmdlet(
        day,
        ts,
        actor,
        String::new(),
        "Add-MailboxPermission",
        mbx.into(),
        full_access_parameters(mbx.into(), "Discovery Management".into(), false),
        false,
        "",
    );
    record_key(
        day,
        from,
        false,
        "la-an1107-system-grant",
        "AN1107",
        "Exchange's service host re-grants FullAccess on the discovery search mailbox every Monday",
        Entities { users: vec!["nt authority\\system (microsoft.exchange.servicehost)".into()], ..Entities::default() },
        "low",
    );
}

/// The service desk grants an active finance user FullAccess to the accounts-payable mailbox in business hours.
pub fn helpdesk_grant(day: &mut Day) {
    let t = day.t;
    let from = day.out.len();
    let hd = t.people[t.cast.helpdesk[0]].clone();
    let grantee = t.people[t.cast.finance].clone();
    let mbx = shared_person(day, 1);
    let net = t.corp[1].clone();
    let ts = day.between(10.0, 15.0);
    let tok = day.user_sign_in(
        ts - Duration::minutes(3),
        Kind::SignInInteractive,
        &hd,
        None,
        "exo-rest-ps",
        "exchange",
        &net,
        Catalog::get().ua("exo-powershell"),
        true,
    );
    let port = day.port();
    cmdlet(
        day,
        ts,
        UalActor { user_type: 2, ..ual_actor(&hd, true) },
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
        "la-an1107-helpdesk-grant",
        "AN1107",
        &format!(
            "{} (service desk) grants active user {} FullAccess to {} during business hours from the office",
            hd.upn, grantee.upn, mbx.upn
        ),
        Entities {
            users: vec![hd.upn.clone(), grantee.upn.clone()],
            ips: vec![net.ip.to_string()],
            sessions: vec![tok.session_id.clone()],
            mailboxes: vec![mbx.upn.clone()],
            apps: vec![],
        },
        "low",
    );
}
