//! Snapshots feed the detections: a malicious inbox rule or outside forwarding that a snapshot records is raised
//! even when the audit record of its creation is outside the collected days, citing the snapshot file and record.

use crate::common::*;
use harrier::analytics::Alert;
use harrier::case::Case;
use std::path::Path;

/// Ingests `dir` and runs every detection over it.
fn detect(dir: &Path) -> Vec<Alert> {
    let (case, _) = ingest_dir(dir);
    let case = Case::open(&case.root, None).unwrap();
    harrier::case::detection::detect_and_save(&case, Vec::new(), chrono::Utc::now(), &[]).unwrap().alerts
}

fn titled<'a>(alerts: &'a [Alert], title: &str) -> &'a Alert {
    let titles: Vec<&str> = alerts.iter().map(|a| a.title.as_str()).collect();
    alerts.iter().find(|a| a.title == title).unwrap_or_else(|| panic!("no '{title}' in {titles:#?}"))
}

#[test]
fn rules_and_forwarding_of_hand_written_snapshots_raise_alerts_naming_file_and_record() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("20250430-MailboxRules.csv"),
        "\"UserName\",\"RuleName\",\"Enabled\",\"Priority\",\"ForwardTo\",\"RedirectTo\",\"MoveToFolder\",\
         \"DeleteMessage\",\"MarkAsRead\",\"SubjectContainsWords\",\"IsHidden\"\n\
         \"ann@contoso.example\",\"Team\",\"True\",\"1\",\"bob@contoso.example\",,,\"False\",\"False\",,\"False\"\n\
         \"ann@contoso.example\",\".\",\"True\",\"2\",,,\"RSS Feeds\",\"False\",\"True\",\"invoice\",\"False\"\n\
         \"bob@contoso.example\",\"x\",\"True\",\"1\",\"\"\"Drop\"\" [SMTP:drop@mail.example]\",,,\"True\",\"False\",,\"True\"\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("Get-Mailbox.csv"),
        "\"UserPrincipalName\",\"ForwardingAddress\",\"ForwardingSmtpAddress\",\"DeliverToMailboxAndForward\"\n\
         \"ann@contoso.example\",\"\",\"smtp:ann.home@mail.example\",\"False\"\n\
         \"bob@contoso.example\",\"\",\"smtp:ap@partner.example\",\"True\"\n\
         \"cy@contoso.example\",\"\",\"\",\"False\"\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("case.toml"),
        "[tenant]\ndomains = [\"contoso.example\"]\n[analytics.mail-forwarding]\nallowed_forward_domains = [\"partner.example\"]\n",
    )
    .unwrap();
    let alerts = detect(tmp.path());
    let rules: Vec<&Alert> = alerts.iter().filter(|a| a.analytic == "inbox-rule").collect();
    assert_eq!(rules.len(), 2, "{:#?}", rules.iter().map(|a| &a.title).collect::<Vec<_>>());
    let dot = titled(&alerts, "Inbox rule '.' on ann@contoso.example hides incoming mail");
    assert!(
        dot.reasons.iter().any(|r| r.contains("snapshot 20250430-MailboxRules.csv record 2")),
        "{:#?}",
        dot.reasons
    );
    let hidden = titled(&alerts, "Inbox rule 'x' on bob@contoso.example forwards mail outside the tenant and hides it");
    assert!(hidden.reasons.iter().any(|r| r.contains("-IncludeHidden")), "{:#?}", hidden.reasons);
    assert_eq!(hidden.severity.to_string(), "critical");
    let fwd: Vec<&Alert> = alerts.iter().filter(|a| a.analytic == "mail-forwarding").collect();
    assert_eq!(fwd.len(), 1, "the partner domain is allowed");
    assert_eq!(fwd[0].title, "Mail of ann@contoso.example forwarded to ann.home@mail.example outside the tenant");
    assert!(fwd[0].reasons.iter().any(|r| r.contains("Get-Mailbox.csv record 1")), "{:#?}", fwd[0].reasons);
}

#[test]
fn the_real_mailbox_rules_snapshot_raises_its_forwarding_and_hiding_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(real) = crate::shared::real_fixtures("the_real_mailbox_rules_snapshot_raises") else { return };
    copy_tree(&real.join("invictus-extractor-suite-output"), tmp.path());
    let alerts = detect(tmp.path());
    let fwd = titled(
        &alerts,
        "Inbox rule 'forward' on jacksone@bonacu.onmicrosoft.com forwards mail outside the tenant and hides it",
    );
    assert_eq!(fwd.severity.to_string(), "critical");
    assert!(fwd.reasons.iter().any(|r| r.contains("snapshot MailboxRules.csv record")), "{:#?}", fwd.reasons);
    titled(&alerts, "Inbox rule 'pay slip' on davism@bonacu.onmicrosoft.com forwards mail outside the tenant");
    let dot = titled(&alerts, "Inbox rule '.' on sarahr27@bonacu.onmicrosoft.com hides incoming mail");
    assert!(dot.reasons.iter().any(|r| r.contains("'phishing'")), "{:#?}", dot.reasons);
    let inside = alerts.iter().filter(|a| a.analytic == "inbox-rule").any(|a| a.title.contains("Legal Capture"));
    assert!(!inside, "a rule forwarding to the tenant's own legal hold mailbox stays quiet");
}

#[test]
fn suppressing_a_snapshot_alert_allows_the_partner_domain_and_the_alert_is_gone() {
    use harrier::analytics::saved::SavedDetection;
    use harrier::case::state::{suppress, CaseState};
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("MailboxRules.csv"),
        "\"UserName\",\"RuleName\",\"Enabled\",\"ForwardTo\",\"RedirectTo\",\"DeleteMessage\"\n\
         \"ann@contoso.example\",\"AP\",\"True\",\"\"\"AP\"\" [SMTP:ap@partner.example]\",,\"False\"\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("case.toml"), "[tenant]\ndomains = [\"contoso.example\"]\n").unwrap();
    let (case, _) = ingest_dir(tmp.path());
    let case = Case::open(&case.root, None).unwrap();
    let d = harrier::case::detection::detect_and_save(&case, Vec::new(), chrono::Utc::now(), &[]).unwrap();
    let saved = SavedDetection::from_detection(&d);
    let alert = saved.alerts.iter().find(|a| a.analytic == "inbox-rule").expect("the snapshot rule is raised");
    let plan = suppress::plan_suppression(&case, alert).unwrap();
    assert_eq!(plan.changes[0].describe(), "[analytics.inbox-rule] allowed_forward_domains += partner.example");
    CaseState::of(&case, &harrier::runenv::RunEnv::default()).apply_suppression(&plan).unwrap();
    let case = Case::open(&case.root, None).unwrap();
    let again = harrier::case::detection::detect_and_save(&case, Vec::new(), chrono::Utc::now(), &[]).unwrap();
    assert!(again.alerts.iter().all(|a| a.analytic != "inbox-rule"), "the rule to the partner is allowed now");
    assert!(again
        .suppressions
        .iter()
        .any(|s| s.rule == "allowed_forward_domains" && s.matched == "ap@partner.example"));
}

#[test]
fn a_rule_of_a_json_rules_export_is_raised_like_a_csv_one() {
    let tmp = tempfile::tempdir().unwrap();
    let json = serde_json::json!([{
        "UserName": "dee@contoso.example", "RuleName": "Statements", "Enabled": true, "Priority": 1,
        "ForwardTo": null, "RedirectTo": ["\"Dee\" [SMTP:dee.private@mail.example]"], "ForwardAsAttachmentTo": null,
        "MoveToFolder": "RSS Subscriptions", "DeleteMessage": false, "MarkAsRead": true,
        "SubjectContainsWords": ["bank details"], "Description": "If the message: …"
    }]);
    std::fs::write(tmp.path().join("MailboxRules.json"), format!("\u{feff}{json:#}")).unwrap();
    std::fs::write(tmp.path().join("case.toml"), "[tenant]\ndomains = [\"contoso.example\"]\n").unwrap();
    let alerts = detect(tmp.path());
    let a =
        titled(&alerts, "Inbox rule 'Statements' on dee@contoso.example forwards mail outside the tenant and hides it");
    assert_eq!(a.severity.to_string(), "critical");
    let reasons = a.reasons.join("\n");
    assert!(reasons.contains("dee.private@mail.example (RedirectTo)"), "{reasons}");
    assert!(reasons.contains("'bank details' (SubjectContainsWords)"), "{reasons}");
    assert!(reasons.contains("snapshot MailboxRules.json record 1"), "{reasons}");
}
