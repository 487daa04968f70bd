//! legacy-protocol: POP, IMAP and other password-only protocols turned on, or used to sign in.

use super::build::*;
use crate::model::{ActorKind, Event, Severity, SignInInfo};

const ADMIN: &str = "admin@contoso.example";
const BARBARA: &str = "barbara@contoso.example";

fn enable(id: &str, params: &[(&str, &str)]) -> Event {
    let mut all = vec![("Identity", BARBARA)];
    all.extend_from_slice(params);
    cmdlet(id, at(3, 10, 0), ADMIN, "Set-CASMailbox", &all)
}

fn legacy_sign_in(id: &str, hour: u32, client: &str, place: Place) -> Event {
    let mut e = sign_in(id, at(4, hour, 0), BARBARA, false).via(place);
    e.signin = Some(SignInInfo { interactive: Some(false), client_app: Some(client.into()), ..Default::default() });
    e
}

#[test]
fn pop_and_imap_turned_on_is_high_and_names_the_switches() {
    let d = run(
        "legacy-protocol",
        TENANT_TOML,
        vec![enable("cas", &[("PopEnabled", "True"), ("ImapEnabled", "True"), ("OWAEnabled", "True")])],
    );
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.title, format!("PopEnabled, ImapEnabled enabled on {BARBARA} by {ADMIN}"));
    reason_with(a, &["never asking for MFA"]);
    assert_eq!(a.entities.mailboxes, vec![BARBARA.to_string()]);
}

#[test]
fn ews_alone_is_medium_and_turning_protocols_off_is_nothing() {
    let d = run("legacy-protocol", TENANT_TOML, vec![enable("ews", &[("EwsEnabled", "$true")])]);
    assert_eq!(only_alert(&d).severity, Severity::Medium);
    let off = enable("off", &[("PopEnabled", "False"), ("ImapEnabled", "$false"), ("OWAEnabled", "True")]);
    assert_quiet(&run("legacy-protocol", TENANT_TOML, vec![off]));
}

#[test]
fn smtp_auth_turned_on_counts() {
    let d = run("legacy-protocol", TENANT_TOML, vec![enable("smtp", &[("SmtpClientAuthenticationDisabled", "False")])]);
    reason_with(only_alert(&d), &["SMTP AUTH turned on"]);
}

#[test]
fn allow_lists_and_system_actors_are_counted() {
    let toml = format!("{TENANT_TOML}[analytics.legacy-protocol]\nmailbox_allowlist = [\"BARBARA@contoso.example\"]\n");
    let d = run("legacy-protocol", &toml, vec![enable("cas", &[("PopEnabled", "True")])]);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "mailbox_allowlist").count, 1);
    let system = enable("sys", &[("PopEnabled", "True")]).kind(ActorKind::System);
    let d = run("legacy-protocol", TENANT_TOML, vec![system]);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "system actor").count, 1);
}

#[test]
fn successful_legacy_sign_ins_alert_once_per_person_and_day() {
    let events = vec![
        legacy_sign_in("imap-1", 2, "IMAP4", VPS),
        legacy_sign_in("imap-2", 3, "IMAP4", VPS),
        legacy_sign_in("modern", 9, "Browser", CORP),
    ];
    let d = run("legacy-protocol", TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.title, format!("{BARBARA}: 2 successful sign-in(s) over legacy clients (IMAP4)"));
    reason_with(a, &["the password alone was enough", "203.0.113.200"]);
    assert_eq!(a.evidence, vec!["imap-1".to_string(), "imap-2".to_string()]);
}

#[test]
fn a_scanner_on_the_office_network_is_expected() {
    let toml = format!("{TENANT_TOML}[allow]\nexpected_ips = [\"198.51.100.0/24\"]\n");
    let d = run("legacy-protocol", &toml, vec![legacy_sign_in("scan", 10, "Authenticated SMTP", CORP)]);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "allow.expected_ips").count, 1);
}

#[test]
fn coverage_says_what_cannot_be_seen() {
    let events: Vec<Event> = vec![legacy_sign_in("imap-1", 2, "IMAP4", VPS)];
    let d = run("legacy-protocol", TENANT_TOML, events);
    let c = coverage_of(&d, "legacy-protocol");
    assert!(c.notes.iter().any(|n| n.starts_with("no Exchange admin records")), "{:?}", c.notes);
    let only_ual = vec![enable("cas", &[("PopEnabled", "True")])];
    let c2 = run("legacy-protocol", TENANT_TOML, only_ual);
    assert!(coverage_of(&c2, "legacy-protocol").notes.iter().any(|n| n.starts_with("no Entra sign-in logs")));
}
