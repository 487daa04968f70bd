//! AN0959, token replay: tokens issued on the corporate network are replayed from a VPS, after a password spray
//! from the same address.

use super::actions::{file_ops, mail_reads, record_key};
use crate::gen::activity::{ual_actor, user_ref, Day, Token};
use crate::gen::catalog::Catalog;
use crate::gen::context::Addresses;
use crate::gen::key::Entities;
use crate::gen::records::signin::SignInArgs;
use crate::gen::records::Kind;
use crate::gen::tenant::{Net, Person};
use chrono::Duration;
use rand::Rng;

/// AN0959: tokens issued on the corporate network are replayed against SharePoint, Exchange and Graph from a VPS.
pub fn an0959(day: &mut Day) {
    let t = day.t;
    let p = t.people[t.cast.replay_victim].clone();
    // The classic replay comes from the VPS that sprayed passwords earlier (so sign-ins place it); the variant
    // comes from an address that never signs in, which nothing in the case places.
    let unplaced = match t.context.addresses {
        Addresses::Classic => t.variant("an0959-replay-address", 2) == 1,
        Addresses::SignedIn => false,
        Addresses::Unseen => true,
    };
    let vps =
        if unplaced { Net::new("203.0.113.201", "amsterdam-vps") } else { Net::new("203.0.113.200", "amsterdam-vps") };
    if !unplaced {
        password_spray(day, &vps);
    }
    let from = day.out.len();
    let corp = t.corp[0].clone();
    let CorporateTokens { browser, s, exo, spo, graph } = corporate_tokens(day, &p, &corp);
    replay_tokens(day, &p, &vps, &exo, &spo, &graph);
    let entities = Entities {
        users: vec![p.upn.clone()],
        ips: vec![vps.ip.to_string(), corp.ip.to_string()],
        sessions: vec![s],
        mailboxes: vec![p.upn.clone()],
        apps: vec![browser.app.id.to_string(), exo.app.id.to_string()],
    };
    record_key(
        day,
        from,
        true,
        "an0959-token-replay",
        "AN0959",
        &if unplaced {
            format!(
                "Tokens issued to {} on the corporate network are replayed from {}, an address no sign-in places",
                p.upn, vps.ip
            )
        } else {
            format!(
                "Tokens issued to {} on the corporate network are replayed from a VPS in {} (AS{})",
                p.upn, vps.place.country, vps.place.asn
            )
        },
        entities,
        "medium",
    );
}

/// Password spraying from the VPS against three other accounts earlier that day.
fn password_spray(day: &mut Day, vps: &Net) {
    let cat = Catalog::get();
    let t = day.t;
    for k in 0..3 {
        let victim = t.people[(t.cast.replay_victim + 3 + k) % t.people.len()].clone();
        let ts = day.between(5.0 + k as f64 * 0.1, 5.1 + k as f64 * 0.1);
        let ids = day.signin_ids(None);
        let mut a = SignInArgs::user(
            ts,
            Kind::SignInInteractive,
            ids,
            user_ref(&victim),
            cat.app("officehome"),
            cat.app("officehome"),
            vps,
            cat.ua("forged-chrome"),
        );
        a.error_code = 50126;
        a.failure_reason = "Invalid username or password or Invalid on-premise username or password.";
        day.sign_in(&a);
    }
}

/// The victim's morning on the corporate network: the browser sign-in and the tokens issued on its session.
struct CorporateTokens {
    browser: Token,
    s: String,
    exo: Token,
    spo: Token,
    graph: Token,
}

/// Signs the victim in from `corp` and refreshes Exchange, SharePoint and Graph tokens on the same session.
fn corporate_tokens(day: &mut Day, p: &Person, corp: &Net) -> CorporateTokens {
    let login = day.between(8.4, 8.7);
    let browser = day.user_sign_in(
        login,
        Kind::SignInInteractive,
        p,
        None,
        "officehome",
        "officehome",
        corp,
        p.device.browser_ua,
        true,
    );
    let s = browser.session_id.clone();
    let exo = day.user_sign_in(
        login + Duration::seconds(70),
        Kind::SignInNonInteractive,
        p,
        Some(&s),
        "owa",
        "exchange",
        corp,
        p.device.browser_ua,
        true,
    );
    let spo = day.user_sign_in(
        login + Duration::seconds(130),
        Kind::SignInNonInteractive,
        p,
        Some(&s),
        "officehome",
        "sharepoint",
        corp,
        p.device.browser_ua,
        true,
    );
    let graph = day.user_sign_in(
        login + Duration::seconds(150),
        Kind::SignInNonInteractive,
        p,
        Some(&s),
        "officehome",
        "graph",
        corp,
        p.device.browser_ua,
        true,
    );
    CorporateTokens { browser, s, exo, spo, graph }
}

/// In the afternoon the stolen tokens are used from the VPS: SharePoint downloads, mail reads and Graph calls.
fn replay_tokens(day: &mut Day, p: &Person, vps: &Net, exo: &Token, spo: &Token, graph: &Token) {
    let replay = day.between(13.5, 14.0);
    let ua = p.device.browser_ua;
    file_ops(day, replay, 12, p, spo, vps, ua, "FileDownloaded");
    mail_reads(
        day,
        replay + Duration::minutes(3),
        90,
        6,
        &ual_actor(p, false),
        p,
        vps,
        0,
        false,
        "Client=OWA;Action=ViaProxy",
        exo.app.id,
        Some(exo),
        8..=20,
    );
    let mut ts = replay + Duration::minutes(6);
    for uri in [
        "https://graph.microsoft.com/v1.0/me/drive/recent",
        "https://graph.microsoft.com/v1.0/me/messages?$top=25",
        "https://graph.microsoft.com/v1.0/sites?search=finance",
        "https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages?$top=50",
        "https://graph.microsoft.com/v1.0/me/drive/root/children",
        "https://graph.microsoft.com/v1.0/me/people",
    ] {
        ts += Duration::seconds(day.rng.random_range(10..50));
        let bytes = day.rng.random_range(3_000..60_000);
        day.graph_user(
            ts,
            p,
            graph,
            vps,
            ua,
            "GET",
            uri.to_string(),
            bytes,
            "Files.ReadWrite.All Mail.ReadWrite Sites.Read.All",
        );
    }
}
