//! The facts API over hand-built snapshots: newer snapshots win, every name of a mailbox or user finds its facts.

use super::*;
use chrono::{NaiveDateTime, TimeZone, Utc};

fn snap(path: &str, kind: SnapshotKind, taken: Option<&str>, facts: Vec<Fact>) -> SnapshotFacts {
    let taken = taken
        .map(|t| Taken { at: NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M").unwrap(), from: TakenFrom::FileName });
    SnapshotFacts { snapshot: Snapshot { path: path.into(), kind, taken }, facts }
}

fn rule(mailbox: &str, name: &str, priority: i64, forward: &[&str]) -> Fact {
    Fact::InboxRule(InboxRule {
        mailbox: mailbox.into(),
        name: name.into(),
        priority: Some(priority),
        actions: RuleActions { forward_to: forward.iter().map(|s| s.to_string()).collect(), ..RuleActions::default() },
        ..InboxRule::default()
    })
}

fn facts(snapshots: Vec<SnapshotFacts>) -> Facts {
    Facts::from_file(FactsFile { version: FACTS_VERSION, snapshots })
}

#[test]
fn the_newest_rules_snapshot_states_a_mailboxs_rules() {
    let f = facts(vec![
        snap(
            "new.csv",
            SnapshotKind::MailboxRules,
            Some("2025-05-01 10:00"),
            vec![rule("ceo@contoso.example", "b", 2, &[]), rule("ceo@contoso.example", "a", 1, &["x@evil.example"])],
        ),
        snap(
            "old.csv",
            SnapshotKind::MailboxRules,
            Some("2025-04-01 10:00"),
            vec![rule("ceo@contoso.example", "gone", 1, &[]), rule("cfo@contoso.example", "keep", 1, &[])],
        ),
    ]);
    let names: Vec<&str> = f.rules_of("CEO@Contoso.example").iter().map(|r| r.fact.name.as_str()).collect();
    assert_eq!(names, ["a", "b"], "the older snapshot's rules of the same mailbox are replaced, priority order");
    assert_eq!(f.rules_of("ceo")[0].snapshot.path, "new.csv", "a bare alias is the same mailbox");
    let path = "NAMPR.prod.outlook.com/Microsoft Exchange Hosted Organizations/contoso.example/cfo";
    assert_eq!(f.rules_of(path)[0].fact.name, "keep", "a mailbox only the older snapshot names keeps its rules");
    assert_eq!(f.mailbox_rules().len(), 3);
    assert!(f.rules_of("ceo")[0].fact.forwards());
    assert!(f.rules_of("nobody@contoso.example").is_empty());
    assert_eq!(f.snapshots().iter().map(|s| s.path.as_str()).collect::<Vec<_>>(), ["old.csv", "new.csv"]);
}

#[test]
fn a_users_risk_detections_roles_and_alerts_are_found_by_upn_or_object_id() {
    let at = |d: u32| Some(Utc.with_ymd_and_hms(2025, 4, d, 8, 0, 0).unwrap());
    let risk = |level: &str, day: u32| {
        Fact::UserRisk(UserRisk {
            upn: Some("jo@contoso.example".into()),
            user_id: Some("id-jo".into()),
            level: level.into(),
            state: "atRisk".into(),
            last_updated: at(day),
            ..UserRisk::default()
        })
    };
    let f = facts(vec![
        snap("risk.csv", SnapshotKind::RiskyUsers, None, vec![risk("high", 3), risk("low", 1)]),
        snap(
            "det.csv",
            SnapshotKind::RiskDetections,
            None,
            vec![Fact::RiskDetection(RiskDetection {
                id: "d1".into(),
                user_id: Some("ID-JO".into()),
                event_type: "unlikelyTravel".into(),
                ip: Some("203.0.113.5".into()),
                detected_at: at(2),
                ..RiskDetection::default()
            })],
        ),
        snap(
            "pim.csv",
            SnapshotKind::PimAssignments,
            None,
            vec![
                Fact::Role(RoleAssignment {
                    upn: Some("Jo@Contoso.example".into()),
                    role: "Exchange Administrator".into(),
                    hold: RoleHold::PimEligible,
                    ..RoleAssignment::default()
                }),
                Fact::Role(RoleAssignment {
                    upn: Some("reader@contoso.example".into()),
                    role: "Global Reader".into(),
                    ..RoleAssignment::default()
                }),
            ],
        ),
        snap(
            "alerts.csv",
            SnapshotKind::SecurityAlerts,
            None,
            vec![Fact::SecurityAlert(SecurityAlert {
                id: "a1".into(),
                title: "Atypical travel".into(),
                users: vec!["jo@contoso.example".into()],
                ..SecurityAlert::default()
            })],
        ),
    ]);
    let r = f.user_risk("JO@contoso.example").unwrap();
    assert_eq!((r.fact.level.as_str(), r.snapshot.path.as_str()), ("high", "risk.csv"), "the latest update wins");
    assert!(r.fact.at_risk());
    assert_eq!(f.user_risk("id-jo").unwrap().fact.level, "high");
    // The detection names only the object id; the risk links it to the UPN.
    assert_eq!(f.risk_detections_of("jo@contoso.example").len(), 1);
    assert_eq!(f.risk_detections_from("203.0.113.5")[0].fact.id, "d1");
    assert!(f.is_admin("jo@contoso.example"), "an eligible Exchange Administrator is an admin");
    assert!(!f.is_admin("reader@contoso.example"), "a reader is not");
    assert_eq!(f.roles_of("reader@contoso.example").len(), 1);
    assert_eq!(f.alerts_naming("jo@contoso.example")[0].fact.title, "Atypical travel");
    assert!(f.user_risk("nobody@contoso.example").is_none() && f.roles_of("nobody").is_empty());
}

#[test]
fn apps_forwarding_and_the_user_inventory() {
    let grant = |perm: &str| {
        Fact::AppPermission(AppPermission {
            app_id: Some("0f1e2d3c-0000-4000-8000-000000000001".into()),
            app_name: Some("Mail Helper".into()),
            permission_type: "Delegated".into(),
            permission: perm.into(),
            consent_type: Some("Principal".into()),
            principal_name: Some("Jo".into()),
            ..AppPermission::default()
        })
    };
    let f = facts(vec![
        snap(
            "apps.csv",
            SnapshotKind::AppPermissions,
            None,
            vec![grant("Mail.Read"), grant("Mail.Read"), grant("openid")],
        ),
        snap(
            "mbx.csv",
            SnapshotKind::MailboxForwarding,
            None,
            vec![
                Fact::Forwarding(Forwarding {
                    mailbox: "ceo@contoso.example".into(),
                    smtp_address: Some("ceo.home@mail.example".into()),
                    deliver_and_forward: Some(false),
                    ..Forwarding::default()
                }),
                Fact::Forwarding(Forwarding { mailbox: "cfo@contoso.example".into(), ..Forwarding::default() }),
            ],
        ),
        snap(
            "users.csv",
            SnapshotKind::Users,
            None,
            vec![Fact::User(UserRecord {
                upn: "jo@contoso.example".into(),
                user_id: Some("id-jo".into()),
                enabled: Some(false),
                ..UserRecord::default()
            })],
        ),
    ]);
    assert_eq!(f.app_permissions().len(), 2, "one grant stated twice is one grant");
    assert_eq!(f.permissions_of("mail helper").len(), 2);
    assert_eq!(f.permissions_of("0F1E2D3C-0000-4000-8000-000000000001").len(), 2);
    assert_eq!(f.permissions_of("Mail Helper")[0].fact.consent_summary(), "consented by Jo");
    assert_eq!(f.forwarding().len(), 1, "a mailbox without forwarding is recorded but not listed");
    let fw = f.forwarding_of("CEO@contoso.example").unwrap().fact;
    assert_eq!(fw.summary(), "forwards to ceo.home@mail.example (no copy stays in the mailbox)");
    assert!(!f.forwarding_of("cfo").unwrap().fact.is_set());
    assert_eq!(f.user("ID-JO").unwrap().fact.enabled, Some(false));
    assert!(f.user("other@contoso.example").is_none());
    assert!(!f.is_empty() && Facts::default().is_empty());
}

#[test]
fn rule_actions_read_as_words() {
    let actions = RuleActions {
        forward_to: vec!["a@x.example".into()],
        redirect_to: vec!["b@y.example".into()],
        move_to_folder: Some("RSS Feeds".into()),
        mark_as_read: true,
        ..RuleActions::default()
    };
    assert_eq!(actions.summary(), "forward to a@x.example · redirect to b@y.example · move to RSS Feeds · mark read");
    assert_eq!(actions.recipients().collect::<Vec<_>>(), ["a@x.example", "b@y.example"]);
    assert_eq!(RuleActions::default().summary(), "no action that moves, forwards or deletes");
}
