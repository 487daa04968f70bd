//! password-spray: sprays (fast, slow, across a network), guessing and MFA probing, and their look-alikes.

use super::build::*;
use super::signin_build::*;
use crate::model::{Event, Severity};

const ID: &str = "password-spray";

/// Ten people of the tenant.
fn people() -> Vec<String> {
    (0..10).map(|i| format!("user{i}@contoso.example")).collect()
}

/// A week of office days for everyone, so each has addresses and networks of their own.
fn history() -> Vec<Event> {
    people().iter().flat_map(|u| office_days(u, 7, &[9])).collect()
}

/// `n` people failing with a wrong password from `place`, `gap_s` seconds apart, starting on day 7 at 03:00.
fn spray(n: usize, place: Place, gap_s: i64) -> Vec<Event> {
    people()
        .iter()
        .take(n)
        .enumerate()
        .map(|(i, u)| {
            let ts = at(7, 3, 0) + chrono::Duration::seconds(gap_s * i as i64);
            attempt(&format!("spray-{i}"), ts, u, place, 50126, BAD_PASSWORD).ua(PYTHON)
        })
        .collect()
}

#[test]
fn fires_on_a_burst_spray_and_a_success_from_the_same_address_is_critical() {
    let mut events = history();
    events.extend(spray(6, VPS, 20));
    events.push(attempt("hit", at(7, 3, 5), "user9@contoso.example", VPS, 0, "").ua(PYTHON).session("s-hit"));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Critical);
    assert!(
        a.title.contains("Password spray from 203.0.113.200") && a.title.contains("6 accounts failed"),
        "{}",
        a.title
    );
    assert!(a.title.contains("user9@contoso.example signed in"), "{}", a.title);
    reason_with(a, &["6 credential failure(s) against 6 account(s) from 203.0.113.200 (NL, AS14061)"]);
    reason_with(a, &["errors: 50126 (Invalid username or password", "×6"]);
    reason_with(a, &["6 accounts within 60 min (threshold 5)"]);
    reason_with(a, &["user9@contoso.example signed in successfully from 203.0.113.200", "after the first failure"]);
    assert_eq!(a.entities.ips, vec![VPS.ip.to_string()]);
    assert_eq!(a.entities.users.len(), 7);
    assert_eq!(a.entities.sessions, vec!["s-hit".to_string()]);
    assert!(a.evidence.contains(&"spray-0".to_string()) && a.evidence.contains(&"hit".to_string()));
    assert_eq!(a.techniques, vec!["T1110.003", "T1110.001"]);
}

#[test]
fn an_accepted_password_makes_it_high_and_failures_alone_medium() {
    let mut events = history();
    events.extend(spray(5, VPS, 30));
    let quiet_spray = run(ID, TENANT_TOML, events.clone());
    assert_eq!(only_alert(&quiet_spray).severity, Severity::Medium);
    events.push(attempt("mfa", at(7, 3, 4), "user8@contoso.example", VPS, 50074, "Strong Authentication is required."));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    reason_with(a, &["user8@contoso.example's password was accepted", "50074"]);
}

#[test]
fn legacy_clients_raise_a_spray() {
    let mut events = history();
    events.extend(
        spray(5, VPS, 30).into_iter().map(|e| with_signin(e, |s| s.client_app = Some("Authenticated SMTP".into()))),
    );
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    reason_with(a, &["5 attempt(s) used legacy clients (Authenticated SMTP)", "never ask for MFA"]);
}

#[test]
fn a_slow_spray_over_many_hours_is_found() {
    let mut events = history();
    // One account every two hours: never five within an hour, ten within a day.
    events.extend(spray(10, VPS, 2 * 3600));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    reason_with(a, &["a slow spray: 10 accounts over 18 h 0 min", "threshold 10"]);
}

#[test]
fn a_spray_spread_over_a_networks_addresses_is_one_alert() {
    let mut events = history();
    for (i, mut e) in spray(6, VPS, 40).into_iter().enumerate() {
        e.net.ip = format!("203.0.113.{}", 200 + i).parse().ok();
        events.push(e);
    }
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert!(a.title.contains("from 6 addresses in AS14061"), "{}", a.title);
    assert_eq!(a.entities.ips.len(), 6);
}

#[test]
fn the_uals_logon_copies_are_enough_when_no_sign_in_log_was_exported() {
    let events: Vec<Event> = people()
        .iter()
        .take(6)
        .enumerate()
        .map(|(i, u)| ual_logon(&format!("u{i}"), at(7, 3, i as u32), u, VPS, 50126, "InvalidUserNameOrPassword"))
        .collect();
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    reason_with(a, &["errors: 50126 (InvalidUserNameOrPassword) ×6"]);
    reason_with(a, &["seen in the Unified Audit Log (UserLoginFailed)"]);
    // Without an error number the LogonError alone reads as a wrong password.
    let events: Vec<Event> = people()
        .iter()
        .take(6)
        .enumerate()
        .map(|(i, u)| {
            let mut e = ual_logon(&format!("u{i}"), at(7, 3, i as u32), u, VPS, 1, "InvalidUserNameOrPassword");
            e.signin = None;
            e
        })
        .collect();
    assert_eq!(run(ID, TENANT_TOML, events).alerts.len(), 1);
}

#[test]
fn mistyped_passwords_in_the_office_and_a_small_burst_stay_quiet() {
    // Benign twin: six people mistype their password on arrival and get it right forty seconds later.
    let mut events = history();
    for (i, u) in people().iter().take(6).enumerate() {
        let ts = at(7, 9, i as u32);
        events.push(attempt(&format!("typo-{i}"), ts, u, CORP, 50126, BAD_PASSWORD));
        events.push(attempt(&format!("ok-{i}"), ts + chrono::Duration::seconds(40), u, CORP, 0, ""));
    }
    assert_quiet(&run(ID, TENANT_TOML, events));
    // Four accounts are below the threshold.
    let mut events = history();
    events.extend(spray(4, VPS, 20));
    assert_quiet(&run(ID, TENANT_TOML, events));
}

#[test]
fn guessing_one_account_from_a_new_address_fires_and_its_own_network_is_quiet() {
    let mut events = history();
    for i in 0..12 {
        let ts = at(7, 3, i);
        events.push(attempt(&format!("g{i}"), ts, "user0@contoso.example", VPS, 50126, BAD_PASSWORD));
    }
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert!(a.title.starts_with("Password guessing against user0@contoso.example from 203.0.113.200"), "{}", a.title);
    reason_with(a, &["12 credential failure(s) against 1 account(s)"]);
    reason_with(a, &["never signed in from 203.0.113.200 or its network"]);
    // Benign twin: a phone with a stale password hammering from the office network the user always uses.
    let mut events = history();
    for i in 0..12 {
        let ts = at(7, 3, i);
        let e = attempt(&format!("g{i}"), ts, "user0@contoso.example", CORP, 50126, BAD_PASSWORD);
        events.push(e);
    }
    let d = run(ID, TENANT_TOML, events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "baseline: the account's own address or network").matched, "user0@contoso.example");
}

/// One account signed in as `uas` a few seconds apart from `place`, the last succeeding.
fn probe(uas: &[&str], place: Place) -> Vec<Event> {
    uas.iter()
        .enumerate()
        .map(|(i, ua)| {
            let ts = at(7, 12, 2) + chrono::Duration::seconds(3 * i as i64);
            let code = if i + 1 == uas.len() { 0 } else { 50140 };
            attempt(&format!("p{i}"), ts, "user1@contoso.example", place, code, "Keep me signed in interrupt").ua(ua)
        })
        .collect()
}

const ANDROID: &str = "Mozilla/5.0 (Linux; Android 6.0; Nexus 5 Build/MRA58N) AppleWebKit/537.36 Chrome/71.0 Mobile";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
const MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/601.7.7 Safari/601.7.7";
const LINUX: &str = "Mozilla/5.0 (X11; Ubuntu; Linux i686; rv:24.0) Gecko/20100101 Firefox/24.0";
const WINPHONE: &str = "Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; iPhone) like Gecko";

#[test]
fn probing_one_account_as_many_platforms_fires_and_a_laptop_and_phone_do_not() {
    let mut events = history();
    events.extend(probe(&[ANDROID, IPHONE, MAC, LINUX, WINPHONE, CHROME], VPS));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    assert!(
        a.title.starts_with("MFA coverage probing of user1@contoso.example: 6 sign-ins as 6 platforms"),
        "{}",
        a.title
    );
    reason_with(a, &["Android, Linux, Windows, Windows Phone, iOS, macOS"]);
    reason_with(a, &["the password worked on 6 of them"]);
    // Benign twin: the laptop and the phone in the same minutes.
    let mut events = history();
    events.extend(probe(&[CHROME, IPHONE, CHROME, IPHONE], CORP));
    assert_quiet(&run(ID, TENANT_TOML, events));
}

#[test]
fn expected_addresses_and_allowlisted_accounts_are_suppressed_and_counted() {
    let mut events = history();
    events.extend(spray(6, VPS, 20));
    let d = run(ID, &format!("{TENANT_TOML}[allow]\nexpected_ips = [\"203.0.113.0/24\"]\n"), events.clone());
    assert_quiet(&d);
    assert_eq!(suppression(&d, "allow.expected_ips").matched, VPS.ip);
    // Two of the six accounts are service accounts with a stale password: one listed by UPN in the case, one by
    // its object id in the detection's list. Four accounts are left, below the threshold.
    events.push(with_object_id(sign_in("svc-ok", at(6, 9, 0), "user1@contoso.example", true), "obj-user1"));
    let toml = format!(
        "{TENANT_TOML}[allow]\nautomation_accounts = [\"User0@Contoso.example\"]\n\
         [analytics.password-spray]\nuser_allowlist = [\"OBJ-USER1\"]\n"
    );
    let d = run(ID, &toml, events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "allow.automation_accounts").matched, "user0@contoso.example");
    assert_eq!(suppression(&d, "user_allowlist").matched, "obj-user1");
}

#[test]
fn says_so_when_the_case_holds_no_sign_ins() {
    let d =
        run(ID, TENANT_TOML, vec![mail_read("m", at(1, 9, 0), "user0@contoso.example", "user0@contoso.example", 3)]);
    assert_quiet(&d);
    let cov = coverage_of(&d, ID);
    assert_eq!(cov.status, "blind");
    assert!(cov.notes.iter().any(|n| n.contains("no sign-in of people")), "{:?}", cov.notes);
}
