//! Snapshot exports (inbox rules, risk, roles, app permissions, users, security alerts) are read as facts: each
//! file is in the ledger with its format and a count of facts, nothing is indexed, and the facts file answers for
//! mailboxes, users and apps. Real Microsoft-Extractor-Suite output is reached through `shared.rs`; the shapes no
//! real file shows are hand-written in `tests/fixtures/snapshots/`.

use crate::common::*;
use harrier::case::Case;
use harrier::facts::{Facts, RoleHold, SnapshotKind, TakenFrom};
use harrier::ingest::{ingest, IngestOptions};
use std::path::Path;

/// The real invictus export folder copied into `dest`, or `None` (skipped) without the shared material.
fn invictus(test: &str, dest: &Path) -> Option<()> {
    let real = crate::shared::real_fixtures(test)?;
    copy_tree(&real.join("invictus-extractor-suite-output"), dest);
    Some(())
}

/// The hand-written snapshot fixtures copied into `dest`.
fn hand_written(dest: &Path) {
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshots"), dest);
}

#[test]
fn every_real_snapshot_file_is_in_the_ledger_as_facts_and_nothing_of_it_is_indexed() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(()) = invictus("every_real_snapshot_file_is_in_the_ledger_as_facts", tmp.path()) else { return };
    let (case, ledger) = ingest_dir(tmp.path());
    let expect = [
        ("Rules/MailboxRules.csv", "mailbox_rules_snapshot", 110),
        ("OAuthPermissions/21042025121726-OAuthPermissions.csv", "app_permissions_snapshot", 508),
        ("Roles/202504301647-All-Roles.csv", "role_members_snapshot", 12),
        ("Roles/202504301647-PIM-Assignments.csv", "pim_assignments_snapshot", 17),
        ("Admins/Merged/202504301059-All-Administrators.csv", "role_members_snapshot", 10),
        ("RiskyEvents/202504220931-RiskyDetections.csv", "risk_detections_snapshot", 58),
        ("RiskyEvents/202504220931-RiskyUsers.csv", "risky_users_snapshot", 98),
        ("Users/202504290950-Users.csv", "users_snapshot", 206),
        ("SecurityAlerts/202504290919-SecurityAlerts.csv", "security_alerts_snapshot", 23),
    ];
    for (path, format, n) in expect {
        let f = file(&ledger, path);
        assert_eq!((f.format.as_str(), f.records, f.facts), (format, n, n), "{path}: {f:?}");
        assert_eq!((f.indexed, f.duplicates, f.rejected), (0, 0, 0), "{path}: {:?}", f.errors);
        assert!(f.is_snapshot() && f.source.is_empty() && f.reason.is_none(), "{path}");
    }
    assert!(ledger.files.iter().all(|f| f.format != "unsupported"), "no file of the export is set aside");
    assert_eq!(ledger.totals.facts, 1042);
    assert_eq!(ledger.totals.indexed, 645, "the logs beside the snapshots are indexed as before");
    assert_eq!(query(&case, "").len(), 645, "no fact became an event");
    let json = serde_json::to_value(&ledger).unwrap();
    let rules = json["files"].as_array().unwrap().iter().find(|f| f["format"] == "mailbox_rules_snapshot").unwrap();
    assert_eq!((rules["facts"].as_u64(), rules["records"].as_u64()), (Some(110), Some(110)));
    assert!(json["files"][1].get("facts").is_none(), "a log file's entry reads as before: {}", json["files"][1]);
    assert_eq!(json["totals"]["facts"], 1042);

    let facts = Facts::load(&case.facts_path()).unwrap();
    assert_eq!(facts.snapshots().len(), 9);
    let roles = facts.snapshots().iter().find(|s| s.path.ends_with("All-Roles.csv")).unwrap();
    let taken = roles.taken.as_ref().unwrap();
    assert_eq!((taken.at.to_string().as_str(), taken.from), ("2025-04-30 16:47:00", TakenFrom::FileName));
    let oauth = facts.snapshots().iter().find(|s| s.kind == SnapshotKind::AppPermissions).unwrap();
    assert_eq!(oauth.taken.as_ref().unwrap().at.to_string(), "2025-04-21 12:17:26", "a day-first stamp");
}

#[test]
fn the_real_snapshots_answer_for_mailboxes_users_and_apps() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(()) = invictus("the_real_snapshots_answer_for_mailboxes_users_and_apps", tmp.path()) else { return };
    let (case, _) = ingest_dir(tmp.path());
    let facts = Facts::load(&case.facts_path()).unwrap();

    // Inbox rules, checked by hand against Rules/MailboxRules.csv.
    assert_eq!(facts.mailbox_rules().len(), 110);
    let rules = facts.rules_of("JacksonE@bonacu.onmicrosoft.com");
    let names: Vec<&str> = rules.iter().map(|r| r.fact.name.as_str()).collect();
    assert_eq!(names, ["forward", "Mark unsubscribe as spam", "Remove Newsletters", "Weekly Reports Backup"]);
    let fwd = rules[0].fact;
    assert_eq!(fwd.actions.forward_to, ["law1234567890@protonmail.com"]);
    assert!(fwd.actions.delete && !fwd.actions.mark_as_read && fwd.enabled == Some(true));
    assert_eq!(fwd.conditions[0].test, "SubjectContainsWords");
    assert_eq!(fwd.conditions[0].value, "invoice, payment, project, money");
    assert_eq!(rules[3].fact.actions.forward_to, ["Patricia Davis"], "an Exchange recipient keeps its name");
    let davis = facts.rules_of("davism");
    let pay = davis.iter().find(|r| r.fact.name == "pay slip").unwrap().fact;
    assert_eq!(pay.actions.redirect_to, ["marydavis@gmail.com"]);
    let forwarding: Vec<_> = facts.mailbox_rules().into_iter().filter(|r| r.fact.forwards()).collect();
    assert_eq!(forwarding.len(), 20, "rules that forward or redirect");

    // A user's risk, detections and roles.
    let risk = facts.user_risk("jthomas@bonacu.onmicrosoft.com").unwrap();
    assert_eq!((risk.fact.level.as_str(), risk.fact.state.as_str()), ("medium", "atRisk"));
    assert_eq!(risk.fact.last_updated.unwrap().to_rfc3339(), "2025-04-16T20:44:21+00:00");
    assert_eq!(facts.user_risk("48e06c3e-2adf-4964-abcd-66a8b57b6091").unwrap().fact.level, "medium");
    assert_eq!(facts.risky_users().len(), 98);
    let detections = facts.risk_detections_of("jthomas@bonacu.onmicrosoft.com");
    assert_eq!(detections.len(), 17);
    assert_eq!(detections[0].fact.event_type, "anonymizedIPAddress");
    assert_eq!(detections[0].fact.ip.as_deref(), Some("194.110.115.55"));
    assert_eq!(facts.risk_detections_from("154.47.16.50").len(), 6);
    let roles: Vec<(String, RoleHold)> =
        facts.roles_of("jthomas@bonacu.onmicrosoft.com").iter().map(|r| (r.fact.role.clone(), r.fact.hold)).collect();
    assert!(roles.contains(&("Exchange Administrator".into(), RoleHold::PimActive)), "{roles:?}");
    assert!(roles.contains(&("Application Administrator".into(), RoleHold::Member)), "{roles:?}");
    assert!(facts.is_admin("jthomas@bonacu.onmicrosoft.com"));
    assert!(!facts.is_admin("testuserjoey@bonacu.onmicrosoft.com"), "a Global Reader is no administrator");
    assert_eq!(facts.roles_of("testuserjoey@bonacu.onmicrosoft.com")[0].fact.role, "Global Reader");

    // The user inventory, app permissions and security alerts.
    let user = facts.user("jthomas@bonacu.onmicrosoft.com").unwrap().fact;
    assert_eq!((user.enabled, user.job_title.as_deref()), (Some(true), Some("Operations Engineer")));
    assert_eq!(facts.app_permissions().len(), 508);
    let joey = facts.permissions_of("GraphJoey");
    assert!(joey.len() == 46 && joey.iter().all(|p| p.fact.app_name.as_deref() == Some("GraphJoey")));
    let by_id = facts.permissions_of(joey[0].fact.app_id.as_deref().unwrap());
    assert_eq!(by_id.len(), joey.len(), "an app is found by its id as by its name");
    assert_eq!(facts.security_alerts().len(), 23);
    let brucon = facts.alerts_naming("brucon04@bonacu.onmicrosoft.com");
    assert_eq!(brucon.len(), 1, "the one alert whose AffectedUser names a user");
}

#[test]
fn graph_json_log_analytics_and_get_mailbox_shapes_are_read_as_facts() {
    let tmp = tempfile::tempdir().unwrap();
    hand_written(tmp.path());
    let (case, ledger) = ingest_dir(tmp.path());
    let formats = [
        ("graph-risky-users.json", "risky_users_snapshot", 2),
        ("graph-risk-detections.json", "risk_detections_snapshot", 1),
        ("la-aaduserriskevents.jsonl", "risk_detections_snapshot", 1),
        ("la-aadriskyusers.csv", "risky_users_snapshot", 2),
        ("graph-alerts-v2.json", "security_alerts_snapshot", 1),
        ("graph-oauth2-grants.json", "app_permissions_snapshot", 4),
        ("get-mailbox.csv", "mailbox_forwarding_snapshot", 2),
    ];
    for (path, format, facts) in formats {
        let f = file(&ledger, path);
        assert_eq!((f.format.as_str(), f.facts, f.rejected), (format, facts, 0), "{path}: {:?}", f.errors);
    }
    let facts = Facts::load(&case.facts_path()).unwrap();
    let risk = facts.user_risk("jo@contoso.example").unwrap().fact;
    assert_eq!((risk.level.as_str(), risk.user_id.as_deref()), ("high", Some("5d1bb3c4-10b3-4d2c-9a51-0a4c0f3e7a01")));
    let deleted = facts.user_risk("7a2b9c1d-0000-4000-8000-00000000abcd").unwrap().fact;
    assert_eq!((deleted.upn.as_deref(), deleted.deleted), (None, Some(true)), "a deleted user is kept by its id");
    let sam = facts.user_risk("sam@contoso.example").unwrap().fact;
    assert_eq!(sam.state, "dismissed", "of a Log Analytics table of risk changes, the latest is the user's risk");
    let detections = facts.risk_detections_of("jo@contoso.example");
    let places: Vec<(&str, Option<&str>)> =
        detections.iter().map(|d| (d.fact.event_type.as_str(), d.fact.country.as_deref())).collect();
    assert_eq!(places, [("anonymizedIPAddress", Some("NG")), ("unlikelyTravel", Some("NG"))]);
    assert_eq!(detections[1].fact.city.as_deref(), Some("Lagos"), "the nested location is read");
    let alert = facts.alerts_naming("jo@contoso.example");
    assert_eq!(alert[0].fact.title, "Suspicious email forwarding activity");
    assert_eq!(alert[0].fact.provider.as_deref(), Some("microsoftDefenderForOffice365"));
    let grants = facts.permissions_of("3c2b1a09-8f7e-4d6c-9b5a-1234567890ab");
    let scopes: Vec<&str> = grants.iter().map(|g| g.fact.permission.as_str()).collect();
    assert_eq!(scopes, ["Mail.Read", "Mail.Send", "offline_access", "openid"]);
    assert!(grants.iter().all(|g| g.fact.permission_type == "Delegated"));
    let fw = facts.forwarding_of("jo@contoso.example").unwrap().fact;
    assert_eq!((fw.smtp_address.as_deref(), fw.deliver_and_forward), (Some("jo.backup@mail.example"), Some(false)));
    assert_eq!(facts.forwarding().len(), 1, "a mailbox without forwarding is not listed as forwarding");
}

#[test]
fn a_malformed_row_is_an_error_naming_the_file_and_row_and_the_others_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    hand_written(tmp.path());
    let (case, ledger) = ingest_dir(tmp.path());
    let f = file(&ledger, "mailbox-rules-malformed.csv");
    assert_eq!((f.format.as_str(), f.records, f.facts, f.rejected), ("mailbox_rules_snapshot", 5, 2, 3));
    assert_eq!(
        f.errors,
        [
            "mailbox-rules-malformed.csv row 2 (line 3): the row has 4 columns, the header has 10",
            "mailbox-rules-malformed.csv row 3 (line 4): Enabled is 'perhaps', not True or False",
            "mailbox-rules-malformed.csv row 4 (line 5): UserName is empty",
        ]
    );
    let facts = Facts::load(&case.facts_path()).unwrap();
    let hide = facts.rules_of("sam@contoso.example");
    assert_eq!(hide[0].fact.actions.summary(), "move to RSS Feeds · mark read");
}

#[test]
fn facts_are_kept_for_unchanged_files_replaced_when_a_file_changes_and_dropped_with_it() {
    let tmp = tempfile::tempdir().unwrap();
    hand_written(tmp.path());
    let (case, first) = ingest_dir(tmp.path());
    let before = std::fs::read(case.facts_path()).unwrap();
    let (_, second) = ingest_dir(tmp.path());
    assert_eq!(first, second, "nothing changed, nothing is read again");
    assert_eq!(std::fs::read(case.facts_path()).unwrap(), before, "the facts of unchanged files are kept as they were");

    // The mailbox export changes: its facts are read again; then it goes, and its facts with it.
    let mbx = tmp.path().join("get-mailbox.csv");
    let text = std::fs::read_to_string(&mbx).unwrap().replace("smtp:jo.backup@mail.example", "");
    std::fs::write(&mbx, text).unwrap();
    ingest_dir(tmp.path());
    let facts = Facts::load(&case.facts_path()).unwrap();
    assert!(!facts.forwarding_of("jo@contoso.example").unwrap().fact.is_set(), "the newer state replaces the older");
    std::fs::remove_file(&mbx).unwrap();
    let (_, ledger) = ingest_dir(tmp.path());
    assert!(ledger.files.iter().all(|f| !f.path.ends_with("get-mailbox.csv")));
    assert!(Facts::load(&case.facts_path()).unwrap().forwarding_of("jo@contoso.example").is_none());

    // Facts lost from the state folder are read again from the unchanged files.
    std::fs::remove_file(case.facts_path()).unwrap();
    ingest_dir(tmp.path());
    assert!(Facts::load(&case.facts_path()).unwrap().user_risk("jo@contoso.example").is_some());
    // A rebuild reads everything again.
    let again = ingest(&case, &IngestOptions { rebuild: true, ..Default::default() }, &Default::default()).unwrap();
    assert_eq!(again.totals.facts, ledger.totals.facts);
}

#[test]
fn a_case_of_snapshots_only_opens_and_detection_runs_over_its_facts() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshots/graph-risky-users.json"),
        tmp.path().join("risky.json"),
    )
    .unwrap();
    let (case, ledger) = ingest_dir(tmp.path());
    assert!(ledger.has_logs(), "a snapshot is evidence: the case opens");
    let case = Case::open(&case.root, None).unwrap();
    let d = harrier::case::detection::detect_and_save(&case, Vec::new(), chrono::Utc::now(), &[]).unwrap();
    assert!(d.alerts.is_empty());
}

#[test]
fn detection_reads_the_facts_file_and_says_when_it_cannot() {
    let tmp = tempfile::tempdir().unwrap();
    hand_written(tmp.path());
    let (case, _) = ingest_dir(tmp.path());
    std::fs::write(case.facts_path(), b"{\"version\": 1, \"snapshots\": [oops").unwrap();
    let err = harrier::case::detection::detect_and_save(&case, Vec::new(), chrono::Utc::now(), &[]).unwrap_err();
    assert!(err.to_string().contains("facts.json"), "{err}");
}
