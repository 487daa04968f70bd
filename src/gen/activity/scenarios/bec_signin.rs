//! The pack's sign-in acts: password sprays, MFA fatigue, sign-ins from two places nobody could travel between,
//! device-code phishing and sign-ins Identity Protection scores as risky, each followed the way intruders follow
//! them (mail read with the session they won).

use super::bec_pack::Roles;
use super::bec_steps::{attacker, keyed, net_in, sign_in_as, Material, Named};
use crate::gen::activity::{Day, Token};
use crate::gen::catalog::Catalog;
use crate::gen::records::signin::Risk;
use crate::gen::records::Kind;
use crate::gen::tenant::{Net, Person};
use chrono::{DateTime, Duration, Utc};
use rand::seq::SliceRandom;
use rand::Rng;

/// Entra's reason for a wrong password.
const BAD_PASSWORD: &str = "Invalid username or password or Invalid on-premise username or password.";

/// The key entry of a plant against `p` from `net`.
fn plant_key(day: &mut Day, from: usize, id: &str, analytic: &'static str, text: &str, p: &Person, net: &Net) {
    let named = Named { users: vec![&p.upn], ips: vec![net.ip.to_string()], mailboxes: vec![] };
    keyed(day, from, true, id, analytic, text, named, "low");
}

/// Mail read through Graph with a token the intruder holds.
fn graph_mail(day: &mut Day, start: DateTime<Utc>, p: &Person, tok: &Token, net: &Net, pages: usize) {
    let ua = Catalog::get().ua("python-requests");
    let mut ts = start;
    for i in 0..pages {
        ts += Duration::seconds(day.rng.random_range(5..40));
        let uri = format!("https://graph.microsoft.com/v1.0/me/messages?$top=50&$skip={}", i * 50);
        let bytes = day.rng.random_range(40_000..160_000);
        day.graph_user(ts, p, tok, net, ua, "GET", uri, bytes, "Mail.Read User.Read offline_access");
    }
}

/// Passwords tried against many accounts from one address, in a burst (0) or slowly over the night (1), or in a
/// burst rotating over four addresses of one hosting network (2), until one works for the victim.
pub fn password_spray(day: &mut Day, r: &Roles, v: usize) {
    let t = day.t;
    let p = &r.victim;
    let net = if v == 2 { net_in(day, &Material::get().spray_places) } else { attacker(day) };
    let from = day.out.len();
    let mut targets: Vec<Person> = t.people.iter().take(10).cloned().collect();
    targets.push(t.dormant.clone());
    targets.shuffle(&mut day.rng);
    targets.truncate(if v == 1 { 11 } else { 8 });
    targets.push(p.clone());
    let ua = Catalog::get().ua("forged-chrome");
    let mut ts = day.between(if v == 1 { 0.5 } else { 1.0 }, if v == 1 { 6.0 } else { 20.0 });
    let pool: Vec<Net> = (0..if v == 2 { 4 } else { 1 }).map(|i| sibling(&net, i)).collect();
    for (k, who) in targets.iter().enumerate() {
        let net = &pool[k % pool.len()];
        for _ in 0..day.rng.random_range(1..=2) {
            ts += if v != 1 {
                Duration::seconds(day.rng.random_range(20..180))
            } else {
                Duration::minutes(day.rng.random_range(25..55))
            };
            sign_in_as(day, ts, Kind::SignInInteractive, who, net, ua, ("officehome", "officehome"), None, |a| {
                a.error_code = 50126;
                a.failure_reason = BAD_PASSWORD;
            });
        }
    }
    ts += Duration::minutes(day.rng.random_range(2..20));
    sign_in_as(day, ts, Kind::SignInInteractive, p, &net, ua, ("officehome", "officehome"), None, |_| {});
    let how = ["in a burst", "slowly over hours", "in a burst from four addresses of one network"][v.min(2)];
    let text = format!("{} accounts sprayed {how} from {}; {}'s password works", targets.len(), net.ip, p.upn);
    plant_key(day, from, "pack-password-spray", "password-spray", &text, p, &net);
}

/// The `i`-th neighbour of `net`'s address in the same network.
fn sibling(net: &Net, i: u8) -> Net {
    match net.ip {
        std::net::IpAddr::V4(a) => {
            let o = a.octets();
            let last = o[3].wrapping_add(i.wrapping_mul(3));
            Net { ip: std::net::IpAddr::from([o[0], o[1], o[2], last]), place: net.place }
        }
        ip => Net { ip, place: net.place },
    }
}

/// Push after push to the victim's phone with their known password until one is approved: denials (0) or prompts
/// left to time out (1).
pub fn mfa_fatigue(day: &mut Day, r: &Roles, v: usize) {
    let (p, net) = (&r.victim, attacker(day));
    let from = day.out.len();
    let ua = p.device.browser_ua;
    let mut ts = day.between(if v == 0 { 21.0 } else { 5.0 }, if v == 0 { 23.5 } else { 7.0 });
    let detail = if v == 0 {
        "MFA denied; user declined the authentication"
    } else {
        "MFA denied; user did not respond to mobile app notification"
    };
    let prompts = day.rng.random_range(4..=7);
    for _ in 0..prompts {
        sign_in_as(day, ts, Kind::SignInInteractive, p, &net, ua, ("officehome", "officehome"), None, |a| {
            a.error_code = 500121;
            a.failure_reason = "Authentication failed during strong authentication request.";
            a.failure_detail = Some(detail);
        });
        ts += Duration::seconds(day.rng.random_range(60..300));
    }
    let tok = sign_in_as(day, ts, Kind::SignInInteractive, p, &net, ua, ("officehome", "officehome"), None, |_| {});
    let exo = sign_in_as(
        day,
        ts + Duration::seconds(30),
        Kind::SignInNonInteractive,
        p,
        &net,
        ua,
        ("owa", "graph"),
        Some(&tok.session_id),
        |_| {},
    );
    graph_mail(day, ts + Duration::minutes(1), p, &exo, &net, 6);
    let text = format!("{prompts} MFA prompts pushed to {} from {} until one was approved", p.upn, net.place.country);
    plant_key(day, from, "pack-mfa-fatigue", "mfa-fatigue", &text, p, &net);
}

/// Two successful sign-ins of the victim an ocean apart within the hour: home first, then the intruder abroad (0),
/// or the intruder first and the victim at home soon after (1).
pub fn impossible_travel(day: &mut Day, r: &Roles, v: usize) {
    let p = &r.victim;
    let far = net_in(day, &Material::get().far_places);
    let from = day.out.len();
    let t0 = day.between(8.0, 17.0);
    let gap = Duration::minutes(day.rng.random_range(25..90));
    let (home_ts, far_ts) = if v == 0 { (t0, t0 + gap) } else { (t0 + gap, t0) };
    let home = p.home.clone();
    let ua = p.device.browser_ua;
    sign_in_as(day, home_ts, Kind::SignInInteractive, p, &home, ua, ("officehome", "officehome"), None, |a| {
        a.device = Some(&p.device);
    });
    let tok = sign_in_as(day, far_ts, Kind::SignInInteractive, p, &far, ua, ("owa", "exchange"), None, |_| {});
    graph_mail(day, far_ts + Duration::minutes(2), p, &tok, &far, 3);
    let text = format!("{} signs in from home and from {} within {} minutes", p.upn, far.place.city, gap.num_minutes());
    plant_key(day, from, "pack-impossible-travel", "impossible-travel", &text, p, &far);
}

/// Device-code phishing: the victim types the intruder's code and the intruder's program reads mail with the
/// tokens, from its own address (0), or the intruder's host completes the flow and refreshes it (1).
pub fn device_code(day: &mut Day, r: &Roles, v: usize) {
    let (p, net) = (&r.victim, attacker(day));
    let from = day.out.len();
    let ts = day.between(8.0, 18.0);
    let ua = p.device.browser_ua;
    let first = if v == 0 { p.home.clone() } else { net.clone() };
    let tok = sign_in_as(day, ts, Kind::SignInInteractive, p, &first, ua, ("office", "graph"), None, |a| {
        a.protocol = "deviceCode";
        a.client_app_used = "Mobile Apps and Desktop clients";
    });
    let later = ts + Duration::minutes(day.rng.random_range(3..20));
    let refresh = sign_in_as(
        day,
        later,
        Kind::SignInNonInteractive,
        p,
        &net,
        ua,
        ("office", "graph"),
        Some(&tok.session_id),
        |a| {
            a.transfer = "deviceCodeFlow";
        },
    );
    graph_mail(day, later + Duration::seconds(30), p, &refresh, &net, 8);
    let text =
        format!("{} completes a device-code sign-in; the intruder's program reads their mail from {}", p.upn, net.ip);
    plant_key(day, from, "pack-device-code", "device-code", &text, p, &net);
}

/// Sign-ins Identity Protection scores: an interactive sign-in with unfamiliar properties from an anonymising
/// address, whose session's later sign-ins carry the user's high risk while mail is read (0), or a stolen refresh
/// token replayed from the intruder's host, flagged as an anomalous token (1).
pub fn risky_sign_in(day: &mut Day, r: &Roles, v: usize) {
    let (p, net) = (&r.victim, attacker(day));
    let from = day.out.len();
    let ts = day.between(6.0, 22.0);
    let ua = p.device.browser_ua;
    let (first, session) = if v == 0 {
        let risk = Risk {
            during: "high",
            aggregated: "high",
            state: "atRisk",
            detail: "none",
            events: &["unfamiliarFeatures", "anonymizedIPAddress"],
        };
        let tok = sign_in_as(day, ts, Kind::SignInInteractive, p, &net, ua, ("officehome", "officehome"), None, |a| {
            a.risk = Some(risk)
        });
        (risk, Some(tok.session_id))
    } else {
        let risk = Risk {
            during: "medium",
            aggregated: "medium",
            state: "atRisk",
            detail: "none",
            events: &["anomalousToken"],
        };
        (risk, None)
    };
    let later = ts + Duration::minutes(day.rng.random_range(1..10));
    let follow = Risk {
        during: if v == 0 { "none" } else { first.during },
        events: if v == 0 { &[] } else { first.events },
        ..first
    };
    let tok =
        sign_in_as(day, later, Kind::SignInNonInteractive, p, &net, ua, ("owa", "graph"), session.as_deref(), |a| {
            a.risk = Some(follow)
        });
    graph_mail(day, later + Duration::minutes(1), p, &tok, &net, 4);
    let text = format!(
        "{}'s sign-ins from {} are scored {} risk ({})",
        p.upn,
        net.place.country,
        first.aggregated,
        first.events.join(", ")
    );
    plant_key(day, from, "pack-risky-sign-in", "risky-sign-in", &text, p, &net);
}
