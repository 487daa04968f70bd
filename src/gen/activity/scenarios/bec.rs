//! The business-email-compromise story, which touches four analytics in one victim's day.

use super::actions::{cmdlet, enumeration_burst, mail_reads, record_key, scripted_reads};
use crate::gen::activity::{ual_actor, user_ref, Day, Token};
use crate::gen::catalog::Catalog;
use crate::gen::ids;
use crate::gen::key::Entities;
use crate::gen::records::ip_with_port;
use crate::gen::records::signin::SignInArgs;
use crate::gen::records::ual;
use crate::gen::records::{Kind, Workload};
use crate::gen::tenant::{Net, Person};
use chrono::{DateTime, Duration, Utc};

/// The business-email-compromise story: adversary-in-the-middle phish, token theft, inbox rule, mail read,
/// enumeration, folder delegation and a fraudulent payment mail.
pub fn bec(day: &mut Day) {
    let t = day.t;
    let story = Story {
        p: t.people[t.cast.bec_victim].clone(),
        proxy: Net::new("203.0.113.210", "frankfurt-vps"),
        attacker: Net::new("203.0.113.220", "lagos"),
    };
    let (t1, s) = session_replay(day, &story);
    let t2 = t1 + Duration::minutes(70);
    let gtok = scripted_graph(day, &story, &s, t2);
    let t3 = t2 + Duration::minutes(40);
    enumeration(day, &story, &s, &gtok, t3);
    inbox_delegation(day, &story, s, t3 + Duration::minutes(25));
}

/// Who and where: the victim, the phishing proxy that relays their sign-in, and the attacker's own host.
struct Story {
    p: Person,
    proxy: Net,
    attacker: Net,
}

/// Steps 1 and 2 with their key entry. Returns when the attacker starts using the session, and its id.
fn session_replay(day: &mut Day, story: &Story) -> (DateTime<Utc>, String) {
    let Story { p, proxy, attacker } = story;
    let from = day.out.len();
    let (ts, s, exo) = phished_sign_in(day, story);
    let t1 = ts + Duration::minutes(45);
    use_stolen_session(day, story, &s, &exo, t1);
    record_key(
        day,
        from,
        true,
        "bec-session-replay",
        "AN0959",
        &format!("{}'s session, captured by a phishing proxy in {}, is replayed from {} to read mail, hide replies and send a payment change", p.upn, proxy.place.country, attacker.place.country),
        Entities {
            users: vec![p.upn.clone()],
            ips: vec![proxy.ip.to_string(), attacker.ip.to_string()],
            sessions: vec![s.clone()],
            mailboxes: vec![p.upn.clone()],
            apps: vec![exo.app.id.to_string()],
        },
        "medium",
    );
    (t1, s)
}

/// Step 1: the phishing proxy relays the victim's sign-in (MFA satisfied) and keeps the session. Returns the
/// sign-in time, the session id and the Exchange token issued on it.
fn phished_sign_in(day: &mut Day, story: &Story) -> (DateTime<Utc>, String, Token) {
    let t = day.t;
    let Story { p, proxy, .. } = story;
    let ua = p.device.browser_ua;
    let ts = day.between(9.2, 9.4);
    let phish = day.user_sign_in(ts, Kind::SignInInteractive, p, None, "officehome", "officehome", proxy, ua, false);
    let s = phish.session_id.clone();
    let v = ual::sts_logon(
        t,
        ts,
        &phish.request_id,
        &phish.correlation_id,
        &ual_actor(p, true),
        &proxy.ip,
        phish.app.id,
        phish.resource.id,
        ua,
        p.device.os,
        p.device.browser,
        &s,
        0,
    );
    day.push(ts, Kind::Ual(Workload::AzureActiveDirectory), v);
    let exo = day.user_sign_in(
        ts + Duration::seconds(50),
        Kind::SignInNonInteractive,
        p,
        Some(&s),
        "owa",
        "exchange",
        proxy,
        ua,
        false,
    );
    (ts, s, exo)
}

/// Step 2: the stolen session is used from the attacker's own host: inbox rule, mail reads, payment mail.
fn use_stolen_session(day: &mut Day, story: &Story, s: &str, exo: &Token, t1: DateTime<Utc>) {
    let t = day.t;
    let Story { p, attacker, .. } = story;
    let port = day.port();
    cmdlet(
        day,
        t1,
        ual_actor(p, true),
        ip_with_port(&attacker.ip, port),
        "New-InboxRule",
        format!("{}\\..", p.display),
        vec![
            ("Name", "..".into()),
            ("SubjectOrBodyContainsWords", "invoice;payment;remittance;wire;bank".into()),
            ("MoveToFolder", "RSS Subscriptions".into()),
            ("MarkAsRead", "True".into()),
            ("StopProcessingRules", "True".into()),
        ],
        false,
        s,
    );
    mail_reads(
        day,
        t1 + Duration::minutes(5),
        120,
        10,
        &ual_actor(p, false),
        p,
        attacker,
        0,
        false,
        "Client=OWA;Action=ViaProxy",
        exo.app.id,
        Some(exo),
        6..=25,
    );
    let send_ts = t1 + Duration::hours(4);
    let mid = ids::message_id(&mut day.rng, &t.exchange_server());
    let id = day.guid();
    let port = day.port();
    let v = ual::send(
        t,
        send_ts,
        &id,
        &ual_actor(p, true),
        &attacker.ip,
        port,
        &p.mailbox_guid,
        "Updated remittance details",
        &mid,
        "Client=OWA;Action=ViaProxy",
        Some(&exo.context()),
    );
    day.push(send_ts, Kind::Ual(Workload::Exchange), v);
}

/// Step 3: the refresh token is redeemed for the Graph command-line client and used from a script; returns that
/// token.
fn scripted_graph(day: &mut Day, story: &Story, s: &str, t2: DateTime<Utc>) -> Token {
    let cat = Catalog::get();
    let Story { p, attacker, .. } = story;
    let from = day.out.len();
    let pyua = cat.ua("python-requests");
    let ids_ = day.signin_ids(Some(s));
    let mut a = SignInArgs::user(
        t2,
        Kind::SignInNonInteractive,
        ids_,
        user_ref(p),
        cat.app("graph-cli"),
        cat.app("graph"),
        attacker,
        pyua,
    );
    a.scopes = "Mail.Read User.ReadBasic.All GroupMember.Read.All";
    let gtok = day.sign_in(&a);
    scripted_reads(day, p, &gtok, attacker, pyua, t2 + Duration::minutes(1), 20, 4);
    record_key(
        day,
        from,
        true,
        "bec-scripted-graph",
        "AN0534",
        &format!("python-requests with {}'s stolen refresh token reads the mailbox through Graph", p.upn),
        Entities {
            users: vec![p.upn.clone()],
            ips: vec![attacker.ip.to_string()],
            sessions: vec![s.to_string()],
            mailboxes: vec![p.upn.clone()],
            apps: vec![cat.app("graph-cli").id.to_string()],
        },
        "high",
    );
    gtok
}

/// Step 4: enumeration of every mail address for the next wave.
fn enumeration(day: &mut Day, story: &Story, s: &str, gtok: &Token, t3: DateTime<Utc>) {
    let cat = Catalog::get();
    let Story { p, attacker, .. } = story;
    let pyua = cat.ua("python-requests");
    let from = day.out.len();
    enumeration_burst(day, t3, p, gtok, attacker, pyua, 24, 6, "mail,displayName");
    record_key(
        day,
        from,
        true,
        "bec-enumeration",
        "AN1089",
        &format!("{}'s stolen token pages through all users' mail addresses and group members", p.upn),
        Entities {
            users: vec![p.upn.clone()],
            ips: vec![attacker.ip.to_string()],
            sessions: vec![s.to_string()],
            mailboxes: vec![],
            apps: vec![cat.app("graph-cli").id.to_string()],
        },
        "medium",
    );
}

/// Step 5: the inbox is shared with everyone in the organisation so the attacker keeps reading after a reset.
fn inbox_delegation(day: &mut Day, story: &Story, s: String, t4: DateTime<Utc>) {
    let Story { p, attacker, .. } = story;
    let from = day.out.len();
    let port = day.port();
    cmdlet(
        day,
        t4,
        ual_actor(p, true),
        ip_with_port(&attacker.ip, port),
        "Add-MailboxFolderPermission",
        format!("{}:\\Inbox", p.upn_cased),
        vec![
            ("Identity", format!("{}:\\Inbox", p.upn_cased)),
            ("User", "Default".into()),
            ("AccessRights", "Reviewer".into()),
        ],
        false,
        &s,
    );
    record_key(
        day,
        from,
        true,
        "bec-inbox-delegation",
        "AN1107",
        &format!("Reviewer rights on {}'s Inbox granted to Default from the attacker's host", p.upn),
        Entities {
            users: vec![p.upn.clone()],
            ips: vec![attacker.ip.to_string()],
            sessions: vec![s],
            mailboxes: vec![p.upn.clone()],
            apps: vec![],
        },
        "medium",
    );
}
