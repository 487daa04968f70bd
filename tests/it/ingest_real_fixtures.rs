//! Every real export under shared/fixtures/real ingests completely: counts asserted, nothing rejected.

use crate::common::*;
use crate::shared::{copy_benign_sets, real_fixtures};
use harrier::model::{ActorKind, Source};

#[test]
fn real_fixtures_ingest_with_counts_and_no_rejections() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(()) = copy_benign_sets("real_fixtures_ingest_with_counts_and_no_rejections", tmp.path()) else { return };
    let (case, ledger) = ingest_dir(tmp.path());

    let expect = [
        ("EntraID/20250502-Auditlogs/20250502131826-AuditLogs.json", 123, "entra_audit"),
        ("servicePrincipal/20250502132320-servicePrincipal-SignInLogs.json", 494, "signin_sp"),
        ("managedIdentity/20250502132321-managedIdentity-SignInLogs.json", 28, "signin_mi"),
        ("test-activitylogs-raw.log", 6, "graph"),
        ("AuditLogs_Hunting.csv", 5, "entra_audit"),
        ("disable_accounts.csv", 4, "signin_interactive"),
        ("office_activity.csv", 266, "ual_exchange,ual_sharepoint,ual_teams"),
        ("office_activity_inbox_rule.csv", 2, "ual_exchange"),
        ("sign-in_adelete.csv", 56, "signin_interactive"),
    ];
    for (path, records, source) in expect {
        let f = file(&ledger, path);
        assert_eq!(f.records, records, "{path}: {f:?}");
        assert_eq!(f.rejected, 0, "{path}: {:?}", f.errors);
        assert_eq!(f.indexed + f.duplicates, records, "{path}");
        assert_eq!(f.source, source, "{path}");
    }
    // The Elastic fixture repeats one request verbatim: it is counted once.
    assert_eq!(file(&ledger, "test-activitylogs-raw.log").duplicates, 1);
    // A query summary is listed as unsupported, with a reason; snapshot exports (users, permissions, rules…) are
    // read as facts (`facts_snapshots.rs`), never indexed.
    let f = file(&ledger, "signinLogs.csv");
    assert_eq!(f.format, "unsupported");
    assert!(f.reason.as_deref().is_some_and(|r| r.contains("match no supported log")), "{:?}", f.reason);
    for path in ["Users/202504290950-Users.csv", "OAuthPermissions.csv", "MailboxRules.csv"] {
        let f = file(&ledger, path);
        assert!(f.is_snapshot() && f.indexed == 0 && f.facts == f.records, "{path}: {f:?}");
    }
    assert_eq!(ledger.totals.rejected, 0);
    assert_eq!(ledger.totals.records, 984 + ledger.totals.facts, "log records, and the snapshots' rows");
    assert_eq!(ledger.totals.facts, 1042);
    assert_eq!(ledger.totals.indexed, 983);

    // Encodings and shapes are named in the ledger.
    assert_eq!(file(&ledger, "20250502131826-AuditLogs.json").format, "json-array/utf-8-bom");
    assert_eq!(file(&ledger, "test-activitylogs-raw.log").format, "json-lines/utf-8");
    // `[UTC]` columns are not an assumption; records without any time are noted, not dropped.
    assert!(file(&ledger, "sign-in_adelete.csv").notes.is_empty());
    assert!(file(&ledger, "AuditLogs_Hunting.csv").notes.iter().any(|n| n.contains("no time")));

    // Normalized fields, spot-checked.
    let sp = query(&case, "source:signin_sp");
    assert_eq!(sp.len(), 494);
    assert!(sp.iter().all(|e| e.actor.kind == ActorKind::Sp && e.user_agent.is_none()));
    let petra: Vec<_> = sp.iter().filter(|e| e.actor.display_name.as_deref() == Some("Petra Forwarder")).collect();
    assert!(!petra.is_empty());
    assert_eq!(petra[0].net.country.as_deref(), Some("US"));

    let adele = query(&case, "user:adelev@m365x816222.onmicrosoft.com source:signin_interactive");
    assert!(!adele.is_empty());
    assert!(adele.iter().all(|e| e.source == Some(Source::SigninInteractive)));
    assert_eq!(adele[0].net.country.as_deref(), Some("IL"));
    // The Log Analytics export has Identity Protection's columns (empty or not): risk is known, not unknown.
    let from_la = adele.iter().filter(|e| e.origin.file.ends_with("sign-in_adelete.csv"));
    assert!(
        from_la.clone().count() > 0 && from_la.clone().all(|e| e.signin.as_ref().is_some_and(|s| !s.no_risk_fields))
    );

    // OfficeActivity rows from the same IP learn the sign-in's country.
    let spo = query(&case, "ip:175.45.176.99 source:ual_sharepoint");
    assert!(!spo.is_empty());
    assert!(spo.iter().all(|e| e.net.country.as_deref() == Some("IL")));

    // The inbox rule keeps its parameters and the IP without brackets and port.
    let rules: Vec<_> = query(&case, "op:new-inboxrule")
        .into_iter()
        .filter(|e| e.origin.file.ends_with("office_activity_inbox_rule.csv"))
        .collect();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].param("StopProcessingRules"), Some("True"));
    assert!(rules.iter().all(|e| e.net.ip.is_some_and(|ip| ip.is_ipv6())));
    assert!(rules.iter().all(|e| e.net.port.is_some()));

    // Graph activity rows: method + path as operation, token id from signInActivityId.
    let graph = query(&case, "source:graph");
    assert_eq!(graph.len(), 5);
    assert!(graph.iter().any(|e| e.operation == "GET /v1.0/directoryroles"));
    assert!(graph.iter().any(|e| e.user_agent.as_deref() == Some("python-requests/2.27.1")
        && e.ua_class == harrier::model::UaClass::Scripting));
    // Service principals with empty user agents are classed as such, not as scripts.
    assert!(sp.iter().all(|e| e.ua_class == harrier::model::UaClass::Empty));
    // Azure Portal sign-ins keep their name; ids alone get one from the catalogue.
    assert!(adele.iter().any(|e| e.resource_name.as_deref() == Some("Windows Azure Service Management API")));
}

#[test]
fn reingest_skips_unchanged_files_and_rebuild_reads_all() {
    let Some(fixtures) = real_fixtures("reingest_skips_unchanged_files_and_rebuild_reads_all") else { return };
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixtures.join("sentinel-training-lab-telemetry"), tmp.path());
    let (case, first) = ingest_dir(tmp.path());
    let (_, second) = ingest_dir(tmp.path());
    assert_eq!(first.totals, second.totals);
    assert_eq!(query(&case, "source:signin_interactive").len(), 60);
    let opts = harrier::ingest::IngestOptions { rebuild: true, ..Default::default() };
    let third = harrier::ingest::ingest(&case, &opts, &Default::default()).unwrap();
    assert_eq!(third.totals, first.totals);
    assert_eq!(query(&case, "source:signin_interactive").len(), 60);
}

/// A GUID pasted into the search box finds its event in any letter case, and so does its beginning with `*`,
/// whether cut at a hyphen or inside the first group.
#[test]
fn free_text_finds_a_guid_whole_or_by_its_start() {
    let Some(fixtures) = real_fixtures("free_text_finds_a_guid_whole_or_by_its_start") else { return };
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixtures.join("invictus-extractor-suite-output"), tmp.path());
    let (case, _) = ingest_dir(tmp.path());
    let is_guid = |s: &String| s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    let all = query(&case, "");
    let (event, guid) = all
        .iter()
        .find_map(|e| e.targets.iter().filter_map(|t| t.id.clone()).find(is_guid).map(|g| (e, g)))
        .expect("an audit record with a target object id");
    for q in [guid.to_uppercase(), format!("{}*", &guid[..13]), format!("{}*", &guid[..6])] {
        let hits = query(&case, &q);
        assert!(hits.iter().any(|h| h.id == event.id), "{q} misses {}", event.id);
        assert!(hits.len() < all.len(), "{q} matches everything");
    }
}

/// A Purview logon record reads as failed when its error says so, even where `ResultStatus` says "Success";
/// sources have one name in JSON and in queries.
#[test]
fn failed_logons_read_as_failures_whatever_their_status_says() {
    let Some(real) = crate::shared::real_fixtures("failed_logons_read_as_failures_whatever_their_status_says") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let spray = "blueteam0ps-det-eng-samples/dataset/t1110.003_o365spray_reporting.json";
    let marked_success = "appomni-emm-m365-ual/products/microsoft_365/event_examples/azure_ad/\
                          authentication_account_login_failure.json";
    for (i, f) in [spray, marked_success].iter().enumerate() {
        std::fs::copy(real.join(f), tmp.path().join(format!("{i}.json"))).unwrap();
    }
    let (case, _) = ingest_dir(tmp.path());
    let failed = query(&case, "op:userloginfailed");
    // Six distinct failures in the spray (each recorded twice), one marked "Success" by Purview.
    assert_eq!(failed.len(), 7);
    assert!(failed.iter().any(|e| e.result_detail.as_deref() == Some("UserStrongAuthClientAuthNRequiredInterrupt")));
    assert!(
        failed.iter().all(|e| e.result == harrier::model::EventResult::Failure),
        "a UserLoginFailed reads as success"
    );
    assert!(failed.iter().all(|e| e.result_detail.is_some()));
    let by_source = query(&case, "source:ual_azuread");
    assert!(by_source.len() >= failed.len());
    let json = serde_json::to_value(by_source[0].source).unwrap();
    assert_eq!(json, "ual_azuread");
}

/// A mailbox named by its Exchange object path is the same mailbox as its address: a pivot on the address finds
/// the inbox rules whose records name only the path.
#[test]
fn a_pivot_on_an_address_finds_records_naming_the_mailbox_by_object_path() {
    let Some(real) =
        crate::shared::real_fixtures("a_pivot_on_an_address_finds_records_naming_the_mailbox_by_object_path")
    else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let f = "office_activity_inbox_rule.csv";
    std::fs::copy(real.join("sentinel-training-lab-telemetry").join(f), tmp.path().join(f)).unwrap();
    let (case, _) = ingest_dir(tmp.path());
    for form in ["AdeleV@M365x816222.OnMicrosoft.com", "adelev", "/o=ExchangeLabs/ou=x/cn=Recipients/cn=AdeleV"] {
        let hits = query(&case, &format!("mailbox:\"{form}\" op:new-inboxrule"));
        assert_eq!(hits.len(), 2, "{form}");
    }
    assert!(query(&case, "mailbox:\"johns@m365x816222.onmicrosoft.com\" op:new-inboxrule").is_empty());
}
