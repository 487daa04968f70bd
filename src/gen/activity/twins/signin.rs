//! Twins of the sign-in plants: a mistyped password, a prompt denied by mistake, a VPN and a mobile carrier far from
//! home, a device-code habit and risk that was low or dismissed.

use crate::gen::activity::scenarios::{keyed, sign_in_as, usual_net, Named, Roles};
use crate::gen::activity::Day;
use crate::gen::catalog::Catalog;
use crate::gen::records::signin::Risk;
use crate::gen::records::Kind;
use crate::gen::tenant::Net;
use chrono::Duration;
use rand::Rng;

/// Entra's reason for a wrong password.
const BAD_PASSWORD: &str = "Invalid username or password or Invalid on-premise username or password.";

/// The key entry of a twin naming `users`.
fn twin_key(day: &mut Day, from: usize, id: &str, analytic: &'static str, text: &str, users: Vec<&str>) {
    let named = Named { users, ips: vec![], mailboxes: vec![] };
    keyed(day, from, false, id, analytic, text, named, "low");
}

/// A person mistypes their password twice where they work, then gets it right; another's phone keeps trying an old
/// password for an hour after a reset, from where its owner works.
pub fn password_spray(day: &mut Day, r: &Roles, _last: bool) {
    let from = day.out.len();
    let p = &r.victim;
    let net = usual_net(day.t, p);
    let mut ts = day.between(8.0, 10.0);
    let ua = p.device.browser_ua;
    for _ in 0..2 {
        sign_in_as(day, ts, Kind::SignInInteractive, p, &net, ua, ("officehome", "officehome"), None, |a| {
            a.error_code = 50126;
            a.failure_reason = BAD_PASSWORD;
        });
        ts += Duration::seconds(day.rng.random_range(15..60));
    }
    sign_in_as(day, ts, Kind::SignInInteractive, p, &net, ua, ("officehome", "officehome"), None, |_| {});
    twin_key(
        day,
        from,
        "twin-password-spray-typo",
        "password-spray",
        &format!("{} mistypes their password twice", p.upn),
        vec![&p.upn],
    );
    let from = day.out.len();
    let o = &r.other;
    let net = usual_net(day.t, o);
    let mut ts = day.between(9.0, 11.0);
    let ua = Catalog::get().ua("outlook-ios");
    for _ in 0..12 {
        sign_in_as(day, ts, Kind::SignInNonInteractive, o, &net, ua, ("outlook-mobile", "exchange"), None, |a| {
            a.error_code = 50126;
            a.failure_reason = BAD_PASSWORD;
        });
        ts += Duration::seconds(day.rng.random_range(200..400));
    }
    let text = format!("{}'s phone keeps trying the old password from where they work after a reset", o.upn);
    twin_key(day, from, "twin-password-spray-stale-phone", "password-spray", &text, vec![&o.upn]);
}

/// A person denies one prompt by mistake and approves the next; another, with no signal on their phone, lets three
/// prompts time out before one gets through; both where they usually work.
pub fn mfa_fatigue(day: &mut Day, r: &Roles, _last: bool) {
    let cases = [
        (
            &r.victim,
            1,
            "MFA denied; user declined the authentication",
            "twin-mfa-fatigue-mistake",
            "denies one prompt by mistake",
        ),
        (
            &r.other,
            3,
            "MFA denied; user did not respond to mobile app notification",
            "twin-mfa-fatigue-no-signal",
            "lets three prompts time out where they work, then approves one",
        ),
    ];
    for (p, fails, detail, id, what) in cases {
        let from = day.out.len();
        let net = usual_net(day.t, p);
        let mut ts = day.between(8.0, 10.0);
        let ua = p.device.browser_ua;
        for _ in 0..fails {
            sign_in_as(day, ts, Kind::SignInInteractive, p, &net, ua, ("officehome", "officehome"), None, |a| {
                a.error_code = 500121;
                a.failure_reason = "Authentication failed during strong authentication request.";
                a.failure_detail = Some(detail);
            });
            ts += Duration::seconds(day.rng.random_range(70..200));
        }
        sign_in_as(day, ts, Kind::SignInInteractive, p, &net, ua, ("officehome", "officehome"), None, |_| {});
        twin_key(day, from, id, "mfa-fatigue", &format!("{} {what}", p.upn), vec![&p.upn]);
    }
}

/// One person turns on a commercial VPN with an exit abroad; another's phone signs in over a mobile carrier whose
/// addresses geolocate to a hub across the country.
pub fn impossible_travel(day: &mut Day, r: &Roles, _last: bool) {
    for (who, place, id) in [
        (&r.victim, "nordvpn-ams", "twin-impossible-travel-vpn"),
        (&r.other, "mobile-seattle", "twin-impossible-travel-carrier"),
    ] {
        let from = day.out.len();
        let ts = day.between(8.0, 16.0);
        let far = Net::new(&format!("192.0.2.{}", day.rng.random_range(10..250)), place);
        let ua = who.device.browser_ua;
        sign_in_as(day, ts, Kind::SignInInteractive, who, &who.home, ua, ("officehome", "officehome"), None, |_| {});
        let later = ts + Duration::minutes(day.rng.random_range(20..50));
        let app =
            if place.starts_with("mobile") { ("outlook-mobile", "exchange") } else { ("officehome", "officehome") };
        let ua2 = if place.starts_with("mobile") { Catalog::get().ua("outlook-ios") } else { ua };
        sign_in_as(day, later, Kind::SignInInteractive, who, &far, ua2, app, None, |_| {});
        let text = format!("{} signs in from home and from {} (not where they are)", who.upn, far.place.city);
        twin_key(day, from, id, "impossible-travel", &text, vec![&who.upn]);
    }
}

/// The administrator signs in to a command-line tool with a device code day after day from the office; by the last
/// day the habit is known.
pub fn device_code(day: &mut Day, r: &Roles, last: bool) {
    let from = day.out.len();
    let admin = &r.admin;
    let ts = day.between(9.5, 15.5);
    let corp = day.t.corp[0].clone();
    let ua = Catalog::get().ua("powershell");
    sign_in_as(day, ts, Kind::SignInInteractive, admin, &corp, ua, ("azure-powershell", "azure-mgmt"), None, |a| {
        a.protocol = "deviceCode";
        a.client_app_used = "Mobile Apps and Desktop clients";
    });
    if !last {
        return;
    }
    let text = format!("{} uses the device-code flow for a command-line tool every day", admin.upn);
    twin_key(day, from, "twin-device-code-habit", "device-code", &text, vec![&admin.upn]);
}

/// A sign-in scored low risk, and one whose risk an administrator dismissed.
pub fn risky_sign_in(day: &mut Day, r: &Roles, _last: bool) {
    let cases = [
        (
            &r.victim,
            Risk { during: "low", aggregated: "low", state: "atRisk", detail: "none", events: &["unfamiliarFeatures"] },
            "twin-risky-sign-in-low",
        ),
        (
            &r.other,
            Risk {
                during: "medium",
                aggregated: "medium",
                state: "dismissed",
                detail: "adminDismissedAllRiskForUser",
                events: &["unfamiliarFeatures"],
            },
            "twin-risky-sign-in-dismissed",
        ),
    ];
    for (who, risk, id) in cases {
        let from = day.out.len();
        let ts = day.between(8.0, 16.0);
        let net = usual_net(day.t, who);
        let ua = who.device.browser_ua;
        let tok =
            sign_in_as(day, ts, Kind::SignInInteractive, who, &net, ua, ("officehome", "officehome"), None, |a| {
                a.risk = Some(risk);
            });
        let later = ts + Duration::minutes(day.rng.random_range(2..30));
        sign_in_as(
            day,
            later,
            Kind::SignInNonInteractive,
            who,
            &net,
            ua,
            ("owa", "exchange"),
            Some(&tok.session_id),
            |a| {
                a.risk = Some(Risk { during: "none", events: &[], ..risk });
            },
        );
        let text =
            format!("{}'s sign-in from where they work is scored {} risk ({})", who.upn, risk.during, risk.state);
        twin_key(day, from, id, "risky-sign-in", &text, vec![&who.upn]);
    }
}
