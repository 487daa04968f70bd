//! Runbook pivots against alert entities, and rejection of malformed runbooks.

use harrier::runbook::{self, AlertEntities, EntityKind, Expand, Phase, Pivot, ResolvedPivot, Runbook};

fn sample_entities() -> AlertEntities {
    AlertEntities {
        users: vec!["alice@contoso.example".into(), "bob@contoso.example".into()],
        ips: vec!["203.0.113.7".into()],
        sessions: vec!["0a1b2c3d-0000-4000-8000-000000000001".into()],
        mailboxes: vec!["ceo@contoso.example".into()],
        apps: vec!["Microsoft Graph Command Line Tools".into()],
    }
}

#[test]
fn entity_pivot_yields_one_timeline_per_value() {
    let pivot = Pivot::entity(EntityKind::User, "{alert.users}").unwrap();
    assert_eq!(
        pivot.resolve(&sample_entities()),
        vec![
            ResolvedPivot::Entity { kind: EntityKind::User, value: "alice@contoso.example".into() },
            ResolvedPivot::Entity { kind: EntityKind::User, value: "bob@contoso.example".into() },
        ]
    );
    let first = pivot.with_expand(Expand::First).resolve(&sample_entities());
    assert_eq!(first, vec![ResolvedPivot::Entity { kind: EntityKind::User, value: "alice@contoso.example".into() }]);
}

#[test]
fn search_pivot_fills_and_quotes_values() {
    let pivot = Pivot::search("op:MailItemsAccessed mailbox:{alert.mailboxes} app:{alert.apps}").unwrap();
    assert_eq!(
        pivot.resolve(&sample_entities()),
        vec![ResolvedPivot::Search {
            query: "op:MailItemsAccessed mailbox:ceo@contoso.example app:\"Microsoft Graph Command Line Tools\"".into()
        }]
    );
}

#[test]
fn missing_entity_yields_no_pivot_instead_of_a_broken_query() {
    let pivot = Pivot::search("op:Add-MailboxPermission mailbox:{alert.mailboxes}").unwrap();
    let no_mailbox = AlertEntities { mailboxes: vec![], ..sample_entities() };
    assert!(pivot.resolve(&no_mailbox).is_empty());
    let blank = AlertEntities { mailboxes: vec!["  ".into(), "\u{7}".into()], ..sample_entities() };
    assert!(pivot.resolve(&blank).is_empty());
    let ip = Pivot::entity(EntityKind::Ip, "{alert.ips}").unwrap();
    assert!(ip.resolve(&AlertEntities::default()).is_empty());
}

#[test]
fn query_without_placeholders_always_resolves_once() {
    let pivot = Pivot::search("op:\"Add partner to company\" source:entra_audit").unwrap();
    assert_eq!(
        pivot.resolve(&AlertEntities::default()),
        vec![ResolvedPivot::Search { query: "op:\"Add partner to company\" source:entra_audit".into() }]
    );
}

#[test]
fn hostile_entity_values_cannot_break_out_of_their_term() {
    let pivot = Pivot::search("user:{alert.users} op:Send").unwrap();
    let entities = AlertEntities { users: vec!["x\" op:Anything \u{1b}[2J".into()], ..AlertEntities::default() };
    let resolved = pivot.resolve(&entities);
    assert_eq!(resolved, vec![ResolvedPivot::Search { query: r#"user:"x\" op:Anything [2J" op:Send"#.into() }]);
}

#[test]
fn many_values_are_bounded() {
    let pivot = Pivot::search("user:{alert.users} ip:{alert.ips}").unwrap();
    let entities = AlertEntities {
        users: (0..100).map(|i| format!("u{i}@contoso.example")).collect(),
        ips: (0..100).map(|i| format!("192.0.2.{i}")).collect(),
        ..AlertEntities::default()
    };
    let resolved = pivot.resolve(&entities);
    assert_eq!(resolved.len(), runbook::MAX_RESOLVED_PIVOTS);
    assert_eq!(resolved[0], ResolvedPivot::Search { query: "user:u0@contoso.example ip:192.0.2.0".into() });
}

#[test]
fn every_shipped_pivot_resolves_against_full_entities() {
    for rb in runbook::all() {
        for (_, step) in rb.steps() {
            let Some(pivot) = &step.pivot else { continue };
            let resolved = pivot.resolve(&sample_entities());
            assert!(!resolved.is_empty(), "{}/{}: {}", rb.id(), step.id, pivot.template());
            for r in &resolved {
                let text = r.as_query();
                assert!(!text.contains("{alert."), "{}/{}: unfilled {text}", rb.id(), step.id);
            }
        }
    }
}

#[test]
fn pivots_serialize_back_to_their_runbook_form() {
    let search = Pivot::search("op:\"Add member to role\" user:{alert.users}").unwrap().with_expand(Expand::First);
    assert_eq!(
        serde_json::to_value(&search).unwrap(),
        serde_json::json!({"query": "op:\"Add member to role\" user:{alert.users}", "expand": "first"})
    );
    let entity = Pivot::entity(EntityKind::Mailbox, "{alert.mailboxes}").unwrap();
    assert_eq!(
        serde_json::to_value(&entity).unwrap(),
        serde_json::json!({"kind": "mailbox", "value": "{alert.mailboxes}"})
    );
    let back: Pivot = serde_json::from_value(serde_json::to_value(&search).unwrap()).unwrap();
    assert_eq!(back, search);
}

#[test]
fn entities_deserialize_from_detect_json() {
    let json = r#"{"users":["alice@contoso.example"],"ips":["203.0.113.7"],"sessions":[],"mailboxes":[],"apps":[]}"#;
    let entities: AlertEntities = serde_json::from_str(json).unwrap();
    assert_eq!(entities.users, vec!["alice@contoso.example"]);
    let partial: AlertEntities = serde_json::from_str(r#"{"ips":["203.0.113.7"]}"#).unwrap();
    assert!(partial.users.is_empty());
}

const MINIMAL: &str = r#"
title = "T"
analytic = "an0001"
summary = "S"
[[triage]]
id = "a"
title = "A"
detail = "D"
pivot = { kind = "ip", value = "{alert.ips}" }
[[scoping]]
id = "b"
title = "B"
detail = "D"
pivot = { query = "op:MailItemsAccessed mailbox:{alert.mailboxes}", expand = "first" }
[[containment]]
id = "c"
title = "C"
detail = "D"
[[eradication]]
id = "d"
title = "D"
detail = "D"
[[recovery]]
id = "e"
title = "E"
detail = "D"
[[evidence]]
id = "f"
title = "F"
detail = "D"
"#;

#[test]
fn minimal_runbook_loads() {
    let rb = Runbook::from_toml("test", MINIMAL).unwrap();
    assert_eq!(rb.analytic(), Some("AN0001"));
    assert_eq!(rb.step_count(), 6);
    assert_eq!(rb.step("b").unwrap().0, Phase::Scoping);
    assert_eq!(rb.phase(Phase::Scoping)[0].pivot.as_ref().unwrap().expand(), Expand::First);
}

fn load_error(text: &str) -> String {
    Runbook::from_toml("test", text).unwrap_err().to_string()
}

#[test]
fn unknown_keys_are_rejected_by_name() {
    let top = MINIMAL.replacen("summary = \"S\"", "summary = \"S\"\nseverity = \"high\"", 1);
    let err = load_error(&top);
    assert!(err.contains("severity") && err.contains("runbook test"), "{err}");

    let step = MINIMAL.replacen("id = \"c\"", "id = \"c\"\nowner = \"soc\"", 1);
    let err = load_error(&step);
    assert!(err.contains("owner"), "{err}");

    let pivot = MINIMAL.replacen("value = \"{alert.ips}\"", "value = \"{alert.ips}\", limit = 5", 1);
    let err = load_error(&pivot);
    assert!(err.contains("limit"), "{err}");
}

#[test]
fn bad_pivots_are_rejected_with_the_reason() {
    let cases = [
        ("mailbox:{alert.mailboxes}", "mbx:{alert.mailboxes}", "mbx"),
        ("mailbox:{alert.mailboxes}", "mailbox:{alert.mailbox}", "{alert.mailbox}"),
        ("op:MailItemsAccessed", "source:exchange", "exchange"),
    ];
    for (from, to, named) in cases {
        let err = load_error(&MINIMAL.replacen(from, to, 1));
        assert!(err.contains(named), "{to}: {err}");
    }
    let both = MINIMAL.replacen("value = \"{alert.ips}\"", "value = \"{alert.ips}\", query = \"ip:1.2.3.4\"", 1);
    assert!(load_error(&both).contains("not both"));
    let kind = MINIMAL.replacen("kind = \"ip\"", "kind = \"device\"", 1);
    assert!(load_error(&kind).contains("device"));
}

#[test]
fn structural_mistakes_are_rejected() {
    let dup = MINIMAL.replacen("id = \"c\"", "id = \"a\"", 1);
    assert!(load_error(&dup).contains("step `a`"));

    let missing_phase = MINIMAL.replacen("[[recovery]]\nid = \"e\"\ntitle = \"E\"\ndetail = \"D\"\n", "", 1);
    assert!(load_error(&missing_phase).contains("recovery"));

    let bad_id = MINIMAL.replacen("id = \"d\"", "id = \"Erad Step\"", 1);
    assert!(load_error(&bad_id).contains("Erad Step"));

    let empty_detail = MINIMAL.replacen("title = \"E\"\ndetail = \"D\"", "title = \"E\"\ndetail = \"  \"", 1);
    assert!(load_error(&empty_detail).contains("detail"));

    let bad_analytic = MINIMAL.replacen("an0001", "T1550", 1);
    assert!(load_error(&bad_analytic).contains("T1550"));
}
