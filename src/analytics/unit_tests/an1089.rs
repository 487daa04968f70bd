//! AN1089: bulk listing of users, groups and mail identities through Microsoft Graph.

use super::build::*;
use crate::model::{ActorKind, Event, Severity, Source};

const DAVE: &str = "dave@contoso.example";
/// Microsoft Entra Connect, the directory sync client.
const ENTRA_CONNECT: &str = "cb1056e2-e479-49de-ae31-7812af012ed8";

/// `pages` pages of `/users` selecting mail addresses, then the members of `groups` groups, by `upn` from `start`.
fn enumeration(upn: &str, tag: &str, start: chrono::DateTime<chrono::Utc>, pages: usize, groups: usize) -> Vec<Event> {
    let step = |i: usize| start + chrono::Duration::seconds(5 * i as i64);
    let users = (0..pages).map(|i| {
        let uri = format!("/v1.0/users?$select=displayName,mail&$top=999&$skiptoken=RFNwdAIAAQAA{i:04}");
        graph_get(&format!("{tag}-users-{i}"), step(i), upn, &uri, 100_000)
    });
    let members = (0..groups).map(|g| {
        let uri = format!("/v1.0/groups/0f6a7b3c-1d2e-4f50-8a9b-0c1d2e3f4a{g:02}/members?$select=mail,displayName");
        graph_get(&format!("{tag}-members-{g}"), step(pages + g), upn, &uri, 8_000)
    });
    users.chain(members).collect()
}

/// The planted act: Dave, who never listed the directory, pages through every mail address and expands groups.
fn first_enumeration() -> Vec<Event> {
    let mut events = office_days(DAVE, 10, &[9, 14]);
    events.extend(enumeration(DAVE, "enum", at(10, 13, 0), 30, 8));
    events
}

#[test]
fn fires_on_a_first_ever_bulk_listing_of_mail_addresses() {
    let d = run("AN1089", TENANT_TOML, first_enumeration());
    let a = only_alert(&d);
    assert_eq!(a.analytic, "AN1089");
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.title, "dave@contoso.example enumerated the directory in bulk through Graph");
    reason_with(a, &["38 enumeration request(s) within 60 min"]);
    reason_with(a, &["listed /users and group members within 15 min"]);
    reason_with(a, &["first directory enumeration by dave@contoso.example"]);
    reason_with(a, &["38 request(s) selected mail addresses"]);
    assert_eq!(a.entities.users, vec![DAVE.to_string()]);
    assert_eq!(a.evidence.len(), 38);
    assert_eq!(coverage_of(&d, "AN1089").status, "ok");
}

#[test]
fn a_scripted_client_raises_it_to_critical() {
    let mut events = office_days(DAVE, 10, &[9, 14]);
    events.extend(enumeration(DAVE, "enum", at(10, 13, 0), 30, 8).into_iter().map(|e| e.ua(PYTHON)));
    let d = run("AN1089", TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Critical);
    reason_with(a, &["scripted client: python-requests/2.31.0"]);
}

#[test]
fn a_few_directory_lookups_stay_quiet() {
    let mut events = office_days(DAVE, 10, &[9, 14]);
    events.extend(enumeration(DAVE, "peek", at(10, 13, 0), 5, 2));
    let d = run("AN1089", TENANT_TOML, events);
    assert_quiet(&d);
    assert!(d.suppressions.is_empty(), "below every threshold, nothing to suppress: {:?}", d.suppressions);
}

#[test]
fn a_helpdesk_admin_who_lists_users_every_day_in_the_same_amounts_is_routine() {
    // Listings of a similar size on earlier days (15 pages, under the bulk threshold on their own) make Dave's
    // listing today part of his job.
    let mut events = first_enumeration();
    for day in [3, 6, 8] {
        events.extend(enumeration(DAVE, &format!("daily-{day}"), at(day, 10, 0), 15, 0));
    }
    let d = run("AN1089", TENANT_TOML, events);
    assert_quiet(&d);
    let s = suppression(&d, "baseline: enumeration routine for the principal");
    assert_eq!((s.matched.as_str(), s.count), (DAVE, 1));
}

#[test]
fn a_small_habit_never_hides_a_burst_many_times_its_size() {
    // Three lookups now and then do not make 38 in three minutes routine.
    let mut events = first_enumeration();
    for day in [3, 6, 8] {
        events.extend(enumeration(DAVE, &format!("daily-{day}"), at(day, 10, 0), 3, 0));
    }
    let d = run("AN1089", TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    reason_with(
        a,
        &["38 listing request(s) in 3 min; dave@contoso.example's busiest hour in the 30 days before had 3"],
    );
}

#[test]
fn a_routine_size_from_a_new_country_and_client_is_not_routine() {
    let mut events = office_days(DAVE, 10, &[9, 14]);
    for day in [3, 6, 8] {
        events.extend(enumeration(DAVE, &format!("daily-{day}"), at(day, 10, 0), 15, 0));
    }
    events.extend(enumeration(DAVE, "away", at(10, 13, 0), 30, 8).into_iter().map(|e| e.via(VPS).ua(PYTHON)));
    let d = run("AN1089", TENANT_TOML, events);
    let a = only_alert(&d);
    reason_with(
        a,
        &["new for dave@contoso.example:", "country NL", "network AS14061", "client python-requests/2.31.0"],
    );
    assert_eq!(a.severity, Severity::Critical);
}

#[test]
fn a_thin_baseline_says_so_instead_of_comparing() {
    let events = enumeration(DAVE, "enum", at(10, 13, 0), 30, 8);
    let d = run("AN1089", TENANT_TOML, events);
    reason_with(only_alert(&d), &["38 listing request(s) in 3 min; baseline thin (0 days) for dave@contoso.example"]);
}

#[test]
fn directory_sync_is_suppressed_and_counted() {
    let sync: Vec<Event> = enumeration("", "sync", at(10, 2, 0), 40, 0)
        .into_iter()
        .map(|mut e| {
            e.actor.upn = None;
            e.kind(ActorKind::Sp).app(ENTRA_CONNECT)
        })
        .collect();
    let d = run("AN1089", TENANT_TOML, sync);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "directory sync app").matched, format!("app:{ENTRA_CONNECT}"));
}

#[test]
fn the_case_admin_allowlist_suppresses_and_counts() {
    let toml = format!("{TENANT_TOML}[analytics.AN1089]\nadmin_allowlist = [\"Dave@contoso.example\"]\n");
    let d = run("AN1089", &toml, first_enumeration());
    assert_quiet(&d);
    let s = suppression(&d, "admin_allowlist");
    assert_eq!((s.analytic.as_str(), s.matched.as_str(), s.count), ("AN1089", DAVE, 1));
    assert_eq!(s.examples, vec!["enum-users-0".to_string()]);
}

#[test]
fn expected_ips_only_decide_whether_the_network_is_called_unexpected() {
    let outside = format!("{TENANT_TOML}[allow]\nexpected_ips = [\"192.0.2.0/24\"]\n");
    let d = run("AN1089", &outside, first_enumeration());
    reason_with(only_alert(&d), &["from outside the expected networks"]);
    let inside = format!("{TENANT_TOML}[allow]\nexpected_ips = [\"198.51.100.0/24\"]\n");
    let d = run("AN1089", &inside, first_enumeration());
    let a = only_alert(&d);
    assert!(!a.reasons.iter().any(|r| r.contains("expected networks")), "{:?}", a.reasons);
}

#[test]
fn approved_automation_accounts_are_suppressed_and_counted() {
    let svc = "svc-report@contoso.example";
    let toml = format!("{TENANT_TOML}[allow]\nautomation_accounts = [\"{svc}\"]\n");
    let events: Vec<Event> = (0..10)
        .flat_map(|day| enumeration(svc, &format!("report-{day}"), at(day, 6, 0), 25, 0))
        .map(|e| e.ua(PYTHON))
        .collect();
    let d = run("AN1089", &toml, events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "allow.automation_accounts").matched, svc);
}

#[test]
fn coverage_is_blind_without_graph_activity_logs() {
    let events: Vec<Event> = first_enumeration().into_iter().filter(|e| e.source != Some(Source::Graph)).collect();
    let d = run("AN1089", TENANT_TOML, events);
    assert_quiet(&d);
    let c = coverage_of(&d, "AN1089");
    assert_eq!(c.status, "blind");
    assert_eq!(c.sources_missing, vec!["graph".to_string()]);
    assert!(c.notes.iter().any(|n| n.starts_with("no Microsoft Graph activity logs in the case")), "{:?}", c.notes);
}
