//! mass-mail-access: an account reading far more mail in a short time than it ever has.

use super::build::*;
use crate::model::{ActorKind, Event, Severity};

const ID: &str = "mass-mail-access";
const CAROL: &str = "carol@contoso.example";
const BACKUP_APP: &str = "7d3e1f2a-6b5c-4d4e-9f8a-1b2c3d4e5f60";

/// Ten office days for Carol, each with two small reads of her own mailbox (10 and 12 items).
fn usual_days() -> Vec<Event> {
    let mut events = office_days(CAROL, 10, &[9, 14]);
    for d in 0..10 {
        events.push(mail_read(&format!("r-{d}-a"), at(d, 9, 30), CAROL, CAROL, 10));
        events.push(mail_read(&format!("r-{d}-b"), at(d, 14, 30), CAROL, CAROL, 12));
    }
    events
}

/// `n` reads of `items` each, two minutes apart from 10:00 on day 10, of `mailbox`, from `place`.
fn burst(n: u32, items: u64, mailbox: &str, place: Place) -> Vec<Event> {
    (0..n)
        .map(|i| mail_read(&format!("b-{mailbox}-{i}"), at(10, 10, 2 * i), CAROL, mailbox, items).via(place))
        .collect()
}

#[test]
fn fires_on_a_burst_far_above_the_accounts_usual_peak() {
    let mut events = usual_days();
    events.extend(burst(10, 20, CAROL, CORP));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Medium);
    assert_eq!(a.title, "carol@contoso.example read 200 mail items in 18 minutes");
    reason_with(a, &["10 MailItemsAccessed record(s) with 200 item(s)", "in 1 mailbox(es): carol@contoso.example"]);
    reason_with(
        a,
        &["17 times carol@contoso.example's usual busiest 60-minute window (12 items, the median over 10 other day"],
    );
    assert!(a.baseline_insufficient.is_none());
    assert_eq!(a.evidence.len(), 10);
    assert_eq!(a.entities.users, vec![CAROL.to_string()]);
}

#[test]
fn a_new_country_makes_it_high_and_other_peoples_mailboxes_too_critical() {
    let mut events = usual_days();
    events.extend(burst(10, 20, CAROL, VPS));
    let a = only_alert(&run(ID, TENANT_TOML, events)).clone();
    assert_eq!(a.severity, Severity::High);
    reason_with(&a, &["read from NL, a country carol@contoso.example was not seen in on any other day in the case"]);

    let mut events = usual_days();
    for mb in ["cfo@contoso.example", "ceo@contoso.example", "payroll@contoso.example"] {
        events.extend(burst(4, 15, mb, VPS));
    }
    let a = only_alert(&run(ID, TENANT_TOML, events)).clone();
    assert_eq!(a.severity, Severity::Critical);
    reason_with(&a, &["read 3 other people's mailboxes"]);
    assert_eq!(a.entities.mailboxes.len(), 3);
}

#[test]
fn the_days_after_count_too_and_a_few_days_of_attacker_reading_do_not_become_normal() {
    // The case starts on the day of the burst; the days after it show Carol's usual pace.
    let mut events: Vec<Event> = usual_days().into_iter().filter(|e| e.ts > Some(at(5, 0, 0))).collect();
    events.extend((0..10).map(|i| mail_read(&format!("early-{i}"), at(4, 10, 2 * i), CAROL, CAROL, 20)));
    let a = only_alert(&run(ID, TENANT_TOML, events)).clone();
    assert!(a.baseline_insufficient.is_none(), "{:?}", a.reasons);
    // Two days of heavy reading among ten ordinary ones: both stand out.
    let mut events = usual_days();
    for d in [4, 5] {
        events.extend((0..10).map(|i| mail_read(&format!("x-{d}-{i}"), at(d, 11, 2 * i), CAROL, CAROL, 20)));
    }
    assert_eq!(run(ID, TENANT_TOML, events).alerts.len(), 2);
}

#[test]
fn with_a_thin_history_the_burst_is_raised_on_volume_and_capped() {
    let mut events = office_days(CAROL, 2, &[9]);
    events.push(mail_read("r0", at(1, 9, 30), CAROL, CAROL, 10));
    let late: Vec<Event> =
        (0..10).map(|i| mail_read(&format!("b{i}"), at(2, 10, 2 * i), CAROL, CAROL, 20).via(VPS)).collect();
    events.extend(late);
    let a = only_alert(&run(ID, TENANT_TOML, events)).clone();
    assert_eq!(a.severity, Severity::Medium);
    assert!(a.baseline_insufficient.is_some(), "{:?}", a.reasons);
    reason_with(&a, &["baseline insufficient"]);
}

#[test]
fn heavy_readers_at_their_usual_pace_and_small_bursts_stay_quiet() {
    // Carol always reads about 150 items in her first hour; 200 today is not far above it.
    let mut events = office_days(CAROL, 10, &[9, 14]);
    for d in 0..10 {
        for i in 0..10 {
            events.push(mail_read(&format!("h-{d}-{i}"), at(d, 10, 2 * i), CAROL, CAROL, 15));
        }
    }
    events.extend(burst(10, 20, CAROL, CORP));
    assert_quiet(&run(ID, TENANT_TOML, events));
    // Below min_items, whatever the baseline.
    let mut events = usual_days();
    events.extend(burst(4, 20, CAROL, CORP));
    assert_quiet(&run(ID, TENANT_TOML, events));
}

#[test]
fn approved_backup_apps_and_accounts_are_counted_by_any_name() {
    let app_reads: Vec<Event> = (0..12)
        .map(|i| {
            mail_read(&format!("app-{i}"), at(3, 1, i), "backup", &format!("user{i}@contoso.example"), 50)
                .kind(ActorKind::Sp)
                .app(BACKUP_APP)
        })
        .collect();
    let d = run(ID, TENANT_TOML, app_reads.clone());
    let a = only_alert(&d);
    assert!(a.title.starts_with(&format!("app:{BACKUP_APP} read 600 mail items")), "{}", a.title);
    for entry in [BACKUP_APP, &format!("app:{BACKUP_APP}")] {
        let toml = format!("{TENANT_TOML}[analytics.mass-mail-access]\nactor_allowlist = [\"{entry}\"]\n");
        let d = run(ID, &toml, app_reads.clone());
        assert_quiet(&d);
        assert_eq!(suppression(&d, "actor_allowlist or allow.automation_accounts").count, 1, "{entry}");
    }
    let mut events = usual_days();
    events.extend(burst(10, 20, CAROL, CORP));
    let toml = format!("{TENANT_TOML}[allow]\nautomation_accounts = [\"Carol@Contoso.example\"]\n");
    assert_quiet(&run(ID, &toml, events));
}

#[test]
fn coverage_says_mail_reading_cannot_be_seen_without_the_mailbox_audit() {
    let d = run(ID, TENANT_TOML, office_days(CAROL, 2, &[9]));
    let c = coverage_of(&d, ID);
    assert_eq!(c.status, "blind");
    assert!(c.notes.iter().any(|n| n.contains("mail reading (MailItemsAccessed) cannot be seen")), "{:?}", c.notes);
}
