//! Sigma rules over a case: the SigmaHQ set loads or is listed with a reason, and each mapping path (Graph and
//! Log Analytics sign-ins, a diagnostic-envelope audit record, UAL cmdlets from the API and from a Purview CSV,
//! risk detections, a correlation over a time window) fires on the record it describes and nowhere else.

use crate::common::*;
use crate::shared::shared_path;
use harrier::analytics::sigma::{load_rules, SourceSpec};
use harrier::config::SigmaSection;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sigma")
}

fn spec(p: &Path) -> Vec<SourceSpec> {
    vec![SourceSpec { path: p.to_path_buf(), optional: false }]
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

#[test]
fn every_sigmahq_rule_parses_and_is_loaded_or_listed_with_a_reason() {
    let Some(dir) = shared_path("sigma", "every_sigmahq_rule_parses_and_is_loaded_or_listed_with_a_reason") else {
        return;
    };
    let set = load_rules(&spec(&dir), &SigmaSection::default()).unwrap();
    let total = set.loaded.len() + set.skipped.len();
    assert_eq!(total, 152, "every rule file is loaded or listed");
    let unparsed: Vec<_> = set.skipped.iter().filter(|s| s.reason.starts_with("does not parse")).collect();
    assert!(unparsed.is_empty(), "{unparsed:#?}");
    let placeholder: Vec<_> = set.skipped.iter().filter(|s| s.reason.contains("placeholder")).collect();
    assert_eq!(placeholder.len(), 7, "the rules-placeholder folder");
    assert!(placeholder.iter().all(|s| s.path.contains("rules-placeholder")));
    let unfed = set.skipped.len() - placeholder.len();
    let evaluable = set.loaded.iter().filter(|r| r.unmapped.is_empty()).count();
    let rest = set.loaded.len();
    let pct = 100.0 * evaluable as f64 / rest as f64;
    println!(
        "sigmahq: {total} rules parsed; {} placeholder rules skipped; {unfed} on logsources harrier cannot feed; \
         {evaluable} of the {rest} feedable rules evaluable against mapped fields ({pct:.1}%)",
        placeholder.len()
    );
    for r in set.loaded.iter().filter(|r| !r.unmapped.is_empty()) {
        println!("  {} misses {}", r.info.title, r.unmapped.join(", "));
    }
    for s in set.skipped.iter().filter(|s| !s.reason.contains("placeholder")) {
        assert!(s.reason.contains("cannot be fed"), "{s:?}");
    }
    assert!(pct >= 90.0, "only {pct:.1}% evaluable");
}

#[test]
fn placeholder_rules_load_when_the_case_gives_their_values() {
    let Some(dir) = shared_path("sigma/rules-placeholder", "placeholder_rules_load_when_the_case_gives_their_values")
    else {
        return;
    };
    let empty = load_rules(&spec(&dir), &SigmaSection::default()).unwrap();
    assert!(empty.loaded.is_empty());
    let mut names = std::collections::BTreeSet::new();
    for s in &empty.skipped {
        for part in s.reason.split('%').skip(1).step_by(2) {
            names.insert(part.to_string());
        }
    }
    let mut settings = SigmaSection::default();
    for n in names {
        settings.placeholders.insert(n, vec!["value".into()]);
    }
    let full = load_rules(&spec(&dir), &settings).unwrap();
    assert_eq!(full.loaded.len(), 7, "{:#?}", full.skipped);
}

fn signin(id: &str, minute: u32, user: &str, error: i64, ua: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "createdDateTime": format!("2025-03-04T09:{minute:02}:00Z"),
        "userPrincipalName": user, "ipAddress": "203.0.113.5", "isInteractive": true, "userAgent": ua,
        "appId": "00000003-0000-0000-c000-000000000000", "status": {"errorCode": error}})
}

/// A case holding one record for each mapping path, and its look-alikes.
fn mapping_case() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let mut graph: Vec<_> =
        (0..3).map(|i| signin(&format!("g{i}"), i, "alex@contoso.com", 50126, "python-requests/2.31")).collect();
    graph.push(signin("g-ok", 5, "alex@contoso.com", 0, "python-requests/2.31"));
    graph.push(signin("g-browser", 6, "bea@contoso.com", 50126, "Mozilla/5.0"));
    let mut risky = signin("g-risk", 30, "cy@contoso.com", 0, "Mozilla/5.0");
    risky["riskEventTypes_v2"] = serde_json::json!(["anonymizedIPAddress"]);
    graph.push(risky);
    write(tmp.path(), "signins/graph.json", serde_json::to_string(&graph).unwrap().as_bytes());
    let la = "TimeGenerated,Id,UserPrincipalName,IPAddress,IsInteractive,ResultType,ResultDescription,Type\r\n\
              2025-03-04T10:00:00Z,la1,dee@contoso.com,198.51.100.7,true,500121,Authentication failed during strong authentication request.,SigninLogs\r\n\
              2025-03-04T10:05:00Z,la2,dee@contoso.com,198.51.100.7,true,0,,SigninLogs\r\n";
    write(tmp.path(), "signins/la.csv", la.as_bytes());
    let props = |activity: &str, cat: &str| {
        serde_json::json!({"id": format!("Directory_{activity}"), "activityDateTime": "2025-03-04T11:00:00Z",
            "activityDisplayName": activity, "category": cat, "result": "success", "loggedByService": "Core Directory",
            "initiatedBy": {"user": {"userPrincipalName": "admin@contoso.com"}},
            "targetResources": [{"userPrincipalName": "alex@contoso.com", "type": "User"}]})
    };
    let diag = [props("Add member to role", "RoleManagement"), props("Update user", "UserManagement")]
        .iter()
        .map(|p| {
            serde_json::json!({"time": "2025-03-04T11:00:00Z", "operationName": p["activityDisplayName"],
                "category": "AuditLogs", "tenantId": "11111111-2222-3333-4444-555555555555", "properties": p})
            .to_string()
                + "\n"
        })
        .collect::<String>();
    write(tmp.path(), "audit/diag.json", diag.as_bytes());
    let cmdlet = |id: &str, op: &str, params: serde_json::Value| {
        serde_json::json!({"CreationTime": "2025-03-04T12:00:00", "Id": id, "Operation": op, "RecordType": 1,
            "Workload": "Exchange", "UserId": "alex@contoso.com", "UserType": 0, "ClientIP": "203.0.113.5:443",
            "ObjectId": "alex@contoso.com", "Parameters": params, "ResultStatus": "True"})
    };
    let ual = [
        cmdlet(
            "u1",
            "New-InboxRule",
            serde_json::json!([{"Name": "Name", "Value": "x"}, {"Name": "ForwardTo", "Value": "attacker@evil.example"}]),
        ),
        cmdlet(
            "u2",
            "New-InboxRule",
            serde_json::json!([{"Name": "Name", "Value": "tidy"}, {"Name": "MoveToFolder", "Value": "Archive"}]),
        ),
    ];
    write(tmp.path(), "ual/mgmt.jsonl", ual.iter().map(|r| format!("{r}\n")).collect::<String>().as_bytes());
    let set_mailbox = cmdlet(
        "p1",
        "Set-Mailbox",
        serde_json::json!([{"Name": "ForwardingSmtpAddress", "Value": "smtp:drop@evil.example"}]),
    );
    let plain = cmdlet("p2", "Set-Mailbox", serde_json::json!([{"Name": "MaxSendSize", "Value": "35MB"}]));
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    w.write_record(["RecordId", "CreationDate", "RecordType", "Operation", "UserId", "AuditData"]).unwrap();
    for r in [&set_mailbox, &plain] {
        w.write_record([
            r["Id"].as_str().unwrap(),
            "2025-03-04T12:30:00.0000000Z",
            "ExchangeAdmin",
            "Set-Mailbox",
            "alex@contoso.com",
            &r.to_string(),
        ])
        .unwrap();
    }
    write(tmp.path(), "purview/audit.csv", &w.into_inner().unwrap());
    tmp
}

#[test]
fn each_mapping_path_fires_on_its_record_and_nowhere_else() {
    let tmp = mapping_case();
    let (case, ledger) = ingest_dir(tmp.path());
    assert_eq!(ledger.totals.indexed, 14, "{ledger:#?}");
    let d =
        harrier::case::detection::detect_and_save(&case, Vec::new(), chrono::Utc::now(), &spec(&fixtures())).unwrap();
    assert_eq!(d.rules.sigma_loaded, 8, "{:#?}", d.rules.sigma_skipped);
    let sigma: Vec<_> = d.alerts.iter().filter(|a| a.analytic.starts_with("sigma:")).collect();
    let by_rule =
        |id: &str| -> Vec<&harrier::analytics::Alert> { sigma.iter().copied().filter(|a| a.rule.id == id).collect() };
    let one = |id: &str, evidence: &[&str]| {
        let found = by_rule(id);
        assert_eq!(found.len(), 1, "{id}: {found:#?}");
        let mut got: Vec<&str> = found[0].evidence.iter().map(String::as_str).collect();
        got.sort();
        let ids: Vec<String> = got.iter().map(|e| e.to_string()).collect();
        assert_eq!(ids.len(), evidence.len(), "{id}: {ids:?}");
        assert_eq!(found[0].rule.author.as_deref(), Some("harrier tests"));
        assert_eq!(found[0].rule.kind, "sigma");
        found[0].clone()
    };
    one("7d0e2f10-0001-4000-8000-00000000a001", &["g0", "g1", "g2"]);
    one("7d0e2f10-0002-4000-8000-00000000a002", &["la1"]);
    one("7d0e2f10-0003-4000-8000-00000000a003", &["add member"]);
    let fwd = one("7d0e2f10-0004-4000-8000-00000000a004", &["u1"]);
    assert!(fwd.entities.users.contains(&"alex@contoso.com".to_string()));
    one("7d0e2f10-0005-4000-8000-00000000a005", &["p1"]);
    one("7d0e2f10-0006-4000-8000-00000000a006", &["g-risk"]);
    let corr = by_rule("7d0e2f10-0008-4000-8000-00000000a008");
    assert_eq!(corr.len(), 1, "the correlation fires once: {sigma:#?}");
    assert_eq!(corr[0].severity, harrier::model::Severity::High);
    assert!(by_rule("7d0e2f10-0007-4000-8000-00000000a007").is_empty(), "a correlation's base rule does not alert");
    assert_eq!(sigma.len(), 7, "{sigma:#?}");
}

/// The SigmaHQ forwarding and inbox-rule hunting rules over each labelled blueteam0ps sample on its own: they fire
/// on the samples whose records show that behaviour, and on no other.
#[test]
fn sigmahq_forwarding_and_inbox_rules_fire_on_the_labelled_samples_that_show_them() {
    let test = "sigmahq_forwarding_and_inbox_rules_fire_on_the_labelled_samples_that_show_them";
    let (Some(rules), Some(data)) = (
        shared_path("sigma/rules-threat-hunting/cloud/m365/audit", test),
        shared_path("fixtures/real/blueteam0ps-det-eng-samples/dataset", test),
    ) else {
        return;
    };
    const FORWARDING: &str = "c726e007-2cd0-4a55-abfb-79730fbedee5";
    const INBOX: &str = "d3577be1-42c9-44a7-b56e-2e8de97349d3";
    let expected: &[(&str, &[&str])] = &[
        ("t1114.003_Forward_Rule_Multi_Users_Same_Forward_dest.json", &[FORWARDING]),
        ("t1114.003_rule_mail_forward_same_dest.json", &[FORWARDING]),
        ("t1114_Set-Mailbox-ForwardSMTPAddress.csv", &[FORWARDING]),
        ("t1564.008_New inbox rule to delete email.csv", &[INBOX]),
        ("t1564.008_Update existing mailbox rule using Set-InboxRule.csv", &[INBOX]),
        ("t1564.008_markasread_delete_all_email.json", &[INBOX]),
        ("t1564.008_rule_mark_as_read_move.json", &[INBOX]),
    ];
    let mut files: Vec<_> = std::fs::read_dir(&data).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let tmp = tempfile::tempdir().unwrap();
        std::fs::copy(&file, tmp.path().join(&name)).unwrap();
        let (case, _) = ingest_dir(tmp.path());
        let d =
            harrier::case::detection::detect_and_save(&case, Vec::new(), chrono::Utc::now(), &spec(&rules)).unwrap();
        let mut fired: Vec<&str> =
            d.alerts.iter().filter(|a| a.rule.kind == "sigma").map(|a| a.rule.id.as_str()).collect();
        fired.sort();
        fired.dedup();
        let want: Vec<&str> = expected.iter().find(|(f, _)| *f == name).map(|(_, r)| r.to_vec()).unwrap_or_default();
        println!("{name}: {fired:?}");
        assert_eq!(fired, want, "{name}");
    }
}
