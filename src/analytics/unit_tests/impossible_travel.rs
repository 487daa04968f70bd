//! impossible-travel: sign-ins too far apart for the time between them, and the places that only look so.

use super::build::*;
use super::signin_build::*;
use crate::model::{Event, Severity};
use chrono::{DateTime, Utc};

const ID: &str = "impossible-travel";
const ALICE: &str = "alice@contoso.example";

/// A London hotel line.
const LONDON: Place = Place { ip: "192.0.2.80", country: Some("GB"), asn: Some(2856) };
/// A Toronto home line.
const TORONTO: Place = Place { ip: "192.0.2.90", country: Some("CA"), asn: Some(812) };
/// An address of Cloudflare's WARP, which says nothing of where the person is.
const WARP: Place = Place { ip: "104.28.196.199", country: Some("DE"), asn: Some(13335) };
/// A T-Mobile US address, which geolocates to a hub far from the phone.
const PHONE: Place = Place { ip: "172.56.10.10", country: Some("US"), asn: Some(21928) };

/// A successful interactive sign-in of Alice from `place` at `ts`, placed at the coordinates given.
fn at_place(id: &str, ts: DateTime<Utc>, place: Place, city: &str, lat: f64, lon: f64) -> Event {
    located(sign_in(id, ts, ALICE, true).via(place), city, lat, lon)
}

fn chicago(id: &str, ts: DateTime<Utc>) -> Event {
    at_place(id, ts, CORP, "Chicago", 41.88, -87.63)
}

/// Ten office days in Chicago, so day 10 has a trusted baseline.
fn history() -> Vec<Event> {
    let mut events = office_days(ALICE, 10, &[9, 14]);
    events.insert(0, chicago("loc", at(0, 8, 0)));
    events
}

#[test]
fn fires_on_chicago_then_amsterdam_forty_minutes_later_with_the_coordinates_used() {
    let mut events = history();
    events.push(chicago("c", at(10, 9, 0)));
    events.push(at_place("a", at(10, 9, 40), HOTEL, "Amsterdam", 52.37, 4.89).session("s-far"));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    assert!(
        a.title.starts_with("alice@contoso.example: impossible travel from Chicago, US to Amsterdam, NL"),
        "{}",
        a.title
    );
    reason_with(
        a,
        &[
            "from 198.51.100.10 in Chicago, US (41.88, -87.63 from the sign-in record, ±50 km)",
            "from 192.0.2.44 in Amsterdam, NL (52.37, 4.89 from the sign-in record, ±50 km)",
            "km apart in 40 min",
            "(limit 900 km/h)",
        ],
    );
    reason_with(a, &["never signed in from NL in the 30 days before"]);
    assert_eq!(a.entities.ips, vec![HOTEL.ip.to_string(), CORP.ip.to_string()]);
    assert_eq!(a.entities.sessions, vec!["s-far".to_string()]);
    assert_eq!(a.evidence.len(), 2);
}

#[test]
fn a_hosting_network_and_mail_read_in_the_far_session_raise_it() {
    let mut events = history();
    events.push(chicago("c", at(10, 9, 0)));
    events.push(at_place("v", at(10, 9, 40), VPS, "Amsterdam", 52.37, 4.89).session("s-far"));
    events.push(mail_read("m", at(10, 9, 45), ALICE, ALICE, 40).via(VPS).session("s-far"));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Critical);
    reason_with(a, &["hosting network", "AS14061 DigitalOcean"]);
    reason_with(a, &["in the session of the sign-in(s) from 203.0.113.200", "40 mail item(s) read"]);
    assert!(a.evidence.contains(&"m".to_string()));
}

#[test]
fn countries_alone_place_by_their_centres_and_neighbouring_large_countries_stay_quiet() {
    let mut events = history();
    events.push(chicago("c", at(10, 9, 0)));
    events.push(sign_in("l", at(10, 10, 0), ALICE, true).via(LONDON));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    reason_with(a, &["in GB (centre of United Kingdom (54.00, -2.50), ±650 km: the record names only the country)"]);
    // Benign twin: Toronto an hour after Chicago is close, and Canada's centre says nothing closer than that.
    let mut events = history();
    events.push(chicago("c", at(10, 9, 0)));
    events.push(sign_in("t", at(10, 10, 0), ALICE, true).via(TORONTO));
    assert_quiet(&run(ID, TENANT_TOML, events));
}

#[test]
fn a_traveller_who_flew_overnight_stays_quiet() {
    let mut events = history();
    events.push(chicago("c", at(9, 17, 0)));
    events.push(at_place("l", at(10, 9, 0), LONDON, "London", 51.51, -0.13));
    events.push(at_place("l2", at(10, 14, 0), LONDON, "London", 51.51, -0.13));
    assert_quiet(&run(ID, TENANT_TOML, events));
}

#[test]
fn vpn_exits_company_vpn_egress_and_mobile_carriers_are_look_alikes() {
    let mut events = history();
    events.push(chicago("c", at(10, 9, 0)));
    events.push(at_place("w", at(10, 9, 10), WARP, "Frankfurt", 50.11, 8.68));
    events.push(chicago("c2", at(10, 9, 20)));
    // The phone's carrier places it in Seattle; the carrier is placed by its country only.
    events.push(at_place("p", at(10, 9, 30), PHONE, "Seattle", 47.61, -122.33));
    let d = run(ID, TENANT_TOML, events.clone());
    assert_quiet(&d);
    assert_eq!(suppression(&d, "look-alike: VPN or proxy network").matched, "AS13335");
    // The company's VPN egress, listed by range, is suppressed the same way.
    events.push(at_place("vpn", at(10, 9, 50), HOTEL, "Amsterdam", 52.37, 4.89));
    let d = run(
        ID,
        &format!(
            "{TENANT_TOML}[analytics.impossible-travel]\nvpn_egress_ips = [\"192.0.2.0/28\", \"192.0.2.32/27\"]\n"
        ),
        events,
    );
    assert_quiet(&d);
    assert_eq!(suppression(&d, "vpn_egress_ips").matched, HOTEL.ip);
}

#[test]
fn sign_ins_without_a_location_never_make_a_hop_possible() {
    let mut events = history();
    events.push(chicago("c", at(10, 9, 0)));
    let mut unknown = sign_in("u", at(10, 9, 10), ALICE, true);
    unknown.net = Default::default();
    unknown.net.ip = "192.0.2.200".parse().ok();
    events.push(unknown);
    events.push(at_place("a", at(10, 9, 40), HOTEL, "Amsterdam", 52.37, 4.89));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    reason_with(a, &["1 sign-in(s) between them could not be placed (location unknown)"]);
    let notes = &coverage_of(&d, ID).notes;
    assert!(notes.iter().any(|n| n.contains("location unknown")), "{notes:?}");
}

#[test]
fn a_thin_history_caps_the_alert_at_medium() {
    let events = vec![chicago("c", at(10, 9, 0)), at_place("a", at(10, 9, 40), HOTEL, "Amsterdam", 52.37, 4.89)];
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Medium);
    assert!(a.baseline_insufficient.is_some());
}

#[test]
fn allowlisted_people_are_suppressed_by_display_name_or_upn() {
    let mut events: Vec<Event> = history()
        .into_iter()
        .map(|mut e| {
            e.actor.display_name = Some("Alice Example".into());
            e
        })
        .collect();
    events.push(chicago("c", at(10, 9, 0)));
    events.push(at_place("a", at(10, 9, 40), HOTEL, "Amsterdam", 52.37, 4.89));
    let by_name = format!("{TENANT_TOML}[analytics.impossible-travel]\nuser_allowlist = [\"alice example\"]\n");
    let d = run(ID, &by_name, events.clone());
    assert_quiet(&d);
    assert_eq!(suppression(&d, "user_allowlist").matched, "alice example");
    let d = run(ID, &format!("{TENANT_TOML}[allow]\nautomation_accounts = [\"{ALICE}\"]\n"), events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "allow.automation_accounts").matched, ALICE);
}

#[test]
fn says_so_when_the_case_holds_no_sign_ins() {
    let d = run(ID, TENANT_TOML, vec![mail_read("m", at(1, 9, 0), ALICE, ALICE, 3)]);
    assert!(coverage_of(&d, ID).notes.iter().any(|n| n.contains("no sign-in of people")));
}
