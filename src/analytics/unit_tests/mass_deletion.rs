//! mass-deletion: an account deleting far more mail in a short time than it usually does.

use super::build::*;
use crate::model::{ActorKind, Event, MailboxAccess, Severity, Source};

const ID: &str = "mass-deletion";
const CAROL: &str = "carol@contoso.example";
const CAROL_OID: &str = "5f0e8c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b";

/// A deletion record (`op`) by `upn` in `mailbox` with Exchange logon type `logon`, from the office.
fn deletion(id: &str, ts: chrono::DateTime<chrono::Utc>, upn: &str, op: &str, mailbox: &str, logon: u8) -> Event {
    let mut e = event(id, ts, Source::UalExchange, op).by(upn).via(CORP);
    e.actor.id = Some(CAROL_OID.to_string());
    e.mailbox =
        Some(MailboxAccess { mailbox: Some(mailbox.to_string()), logon_type: Some(logon), ..Default::default() });
    e
}

/// Ten office days on which Carol moves two messages to Deleted Items.
fn usual_days() -> Vec<Event> {
    let mut events = office_days(CAROL, 10, &[9, 14]);
    for d in 0..10 {
        for (i, h) in [9, 15].into_iter().enumerate() {
            events.push(deletion(&format!("u-{d}-{i}"), at(d, h, 20), CAROL, "MoveToDeletedItems", CAROL, 0));
        }
    }
    events
}

/// `n` deletions of `op` thirty seconds apart from 18:00 on day 10, in `mailbox` with `logon`, from `place`.
fn spree(n: i64, op: &str, mailbox: &str, logon: u8, place: Place) -> Vec<Event> {
    (0..n)
        .map(|i| {
            let ts = at(10, 18, 0) + chrono::Duration::seconds(30 * i);
            deletion(&format!("d-{op}-{mailbox}-{i}"), ts, CAROL, op, mailbox, logon).via(place)
        })
        .collect()
}

#[test]
fn fires_on_a_deletion_spree_far_above_the_usual_pace() {
    let mut events = usual_days();
    events.extend(spree(60, "MoveToDeletedItems", CAROL, 0, CORP));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Medium);
    assert_eq!(a.title, "carol@contoso.example deleted mail 60 times in 29 minutes");
    reason_with(a, &["60 deletion record(s) (60 MoveToDeletedItems)", "one record can list many items"]);
    reason_with(a, &["60 times carol@contoso.example's usual busiest 60-minute window (1 deletion records"]);
    assert_eq!(a.evidence.len(), 60);
    assert_eq!(a.techniques, vec!["T1070.008".to_string(), "T1485".to_string(), "T1531".to_string()]);
}

#[test]
fn purging_from_a_new_country_is_critical_and_other_peoples_mailboxes_raise_it() {
    let mut events = usual_days();
    events.extend(spree(60, "HardDelete", CAROL, 0, VPS));
    let a = only_alert(&run(ID, TENANT_TOML, events)).clone();
    assert_eq!(a.severity, Severity::Critical);
    reason_with(&a, &["60 of the records are HardDelete"]);
    reason_with(&a, &["deleted from NL, a country carol@contoso.example was not seen in on any other day"]);

    let mut events = usual_days();
    events.extend(spree(60, "SoftDelete", "cfo@contoso.example", 2, CORP));
    let a = only_alert(&run(ID, TENANT_TOML, events)).clone();
    assert_eq!(a.severity, Severity::High);
    reason_with(&a, &["deleted mail in other people's mailboxes: cfo@contoso.example"]);
}

#[test]
fn with_a_thin_history_the_spree_is_raised_on_volume_and_capped() {
    let mut events = office_days(CAROL, 2, &[9]);
    events.extend(spree(60, "HardDelete", CAROL, 0, VPS));
    let a = only_alert(&run(ID, TENANT_TOML, events)).clone();
    assert_eq!(a.severity, Severity::Medium);
    assert!(a.baseline_insufficient.is_some());
}

#[test]
fn retention_regular_cleaners_and_small_clean_ups_stay_quiet() {
    // Retention deleting on Exchange's own logon.
    let mut events = usual_days();
    events.extend(spree(80, "HardDelete", CAROL, 4, CORP));
    let d = run(ID, TENANT_TOML, events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "Exchange transport or system-service logon").count, 80);
    // Someone who clears about fifty messages every evening.
    let mut events = office_days(CAROL, 10, &[9]);
    for day in 0..10 {
        for i in 0..50 {
            let ts = at(day, 18, 0) + chrono::Duration::seconds(30 * i);
            events.push(deletion(&format!("c-{day}-{i}"), ts, CAROL, "MoveToDeletedItems", CAROL, 0));
        }
    }
    events.extend(spree(60, "MoveToDeletedItems", CAROL, 0, CORP));
    assert_quiet(&run(ID, TENANT_TOML, events));
    // Below min_records.
    let mut events = usual_days();
    events.extend(spree(20, "MoveToDeletedItems", CAROL, 0, CORP));
    assert_quiet(&run(ID, TENANT_TOML, events));
}

#[test]
fn allow_lists_hold_by_any_name_and_system_actors_are_counted() {
    let mut events = usual_days();
    events.extend(spree(60, "HardDelete", CAROL, 0, CORP));
    for entry in [CAROL_OID, "CAROL@contoso.example"] {
        let toml = format!("{TENANT_TOML}[analytics.mass-deletion]\nactor_allowlist = [\"{entry}\"]\n");
        let d = run(ID, &toml, events.clone());
        assert_quiet(&d);
        assert_eq!(suppression(&d, "actor_allowlist or allow.automation_accounts").count, 1, "{entry}");
    }
    let system: Vec<Event> = spree(60, "HardDelete", CAROL, 0, CORP)
        .into_iter()
        .map(|e| e.by("NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)").kind(ActorKind::System))
        .collect();
    let d = run(ID, TENANT_TOML, system);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "system actor").count, 60);
}

#[test]
fn coverage_says_deletion_cannot_be_seen_without_the_mailbox_audit() {
    let d = run(ID, TENANT_TOML, office_days(CAROL, 2, &[9]));
    let c = coverage_of(&d, ID);
    assert_eq!(c.status, "blind");
    assert!(c.notes.iter().any(|n| n.contains("mail deletion (SoftDelete, HardDelete")), "{:?}", c.notes);
}

#[test]
fn many_users_deleted_by_one_account_in_minutes_is_high() {
    let admin = "stinger@contoso.example";
    let mut events: Vec<crate::model::Event> = (0..10)
        .map(|i| {
            audit(
                &format!("del-{i}"),
                at(5, 10, 0) + chrono::Duration::seconds(4 * i),
                admin,
                "Delete user.",
                &format!("user{i}@contoso.example"),
                &[],
            )
        })
        .collect();
    // A leaver removed now and then is not a burst.
    events.push(audit("leaver", at(2, 9, 0), admin, "Delete user.", "old@contoso.example", &[]));
    let d = run("mass-deletion", TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, crate::model::Severity::High);
    assert_eq!(a.title, format!("{admin} deleted 10 directory objects in 1 min"));
    reason_with(a, &["10 × Delete user"]);
    assert!(!a.evidence.contains(&"leaver".to_string()));
}
