use super::*;
use crate::model::{Actor, Device, GraphRequest, MailboxAccess, ModifiedProperty, Network, Origin, SignInInfo, Target};
use proptest::prelude::*;

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

/// An event with every field set, nested ones included.
fn full_event() -> Event {
    Event {
        id: "evt-1".into(),
        ts: DateTime::<Utc>::from_timestamp(1_714_000_000, 123_456_789),
        source: Some(Source::UalAzureAd),
        operation: "Add member to role.".into(),
        result: EventResult::Failure,
        result_detail: s("50126"),
        actor: Actor {
            upn: s("ana@contoso.com"),
            id: s("0f0e"),
            display_name: s("Ana Ñúñez ✓"),
            kind: ActorKind::Partner,
            home_tenant: s("t-2"),
        },
        tenant_id: s("t-1"),
        app_id: s("app"),
        app_name: s("Graph Explorer"),
        resource_id: s("res"),
        resource_name: s("Microsoft Graph"),
        net: Network {
            ip: Some("2001:db8::1".parse().unwrap()),
            port: Some(443),
            country: s("NL"),
            city: s("Amsterdam"),
            asn: Some(u32::MAX),
            latitude: Some(-52.37),
            longitude: Some(4.89),
            located_by: s("dbip-city"),
        },
        user_agent: s("python-requests/2.31"),
        ua_class: UaClass::Scripting,
        device: Device {
            id: s("dev"),
            name: s("LAPTOP"),
            os: s("Windows"),
            browser: s("Edge"),
            managed: Some(false),
            compliant: Some(true),
        },
        session_id: s("sess"),
        token_id: s("tok"),
        correlation_id: s("corr"),
        signin: Some(SignInInfo {
            interactive: Some(true),
            auth_protocol: s("deviceCode"),
            cross_tenant_access_type: s("b2bCollaboration"),
            credential_type: s("password"),
            client_app: s("Browser"),
            incoming_token_type: s("primaryRefreshToken"),
            error_code: Some(-7),
            risk_level: s("high"),
            risk_level_aggregated: s("medium"),
            risk_state: s("atRisk"),
            risk_detail: s("none"),
            risk_event_types: vec!["unfamiliarFeatures".into(), "anonymizedIPAddress".into()],
            status_detail: s("MFA denied"),
            auth_requirement: s("multiFactorAuthentication"),
            original_transfer_method: s("deviceCodeFlow"),
            no_risk_fields: true,
        }),
        params: vec![("Identity".into(), "ana".into()), ("".into(), "".into())],
        targets: vec![Target {
            kind: s("User"),
            id: s("t"),
            upn: s("bob@contoso.com"),
            name: s("Bob"),
            modified: vec![ModifiedProperty { name: "Role".into(), old: None, new: s("Global Administrator") }],
        }],
        http: Some(GraphRequest {
            method: "GET".into(),
            uri: "/v1.0/users?$top=999".into(),
            uri_template: s("/v1.0/users"),
            status: Some(200),
            bytes: Some(u64::MAX),
            scopes: s("User.Read.All"),
            roles: s("Mail.Read"),
        }),
        mailbox: Some(MailboxAccess {
            mailbox: s("ceo@contoso.com"),
            logon_type: Some(2),
            item_count: Some(0),
            client_info: s("Client=REST"),
            external_access: Some(true),
        }),
        origin: Origin { file: "UAL/part 1.csv".into(), record: 42, line: Some(43) },
    }
}

#[test]
fn a_full_event_round_trips_and_is_smaller_than_json() {
    let ev = full_event();
    let text = encode(&ev);
    assert_eq!(decode(&text).unwrap(), ev);
    let json = serde_json::to_string(&ev).unwrap();
    assert!(text.len() * 2 < json.len(), "{} vs {}", text.len(), json.len());
    // An empty event too.
    assert_eq!(decode(&encode(&Event::default())).unwrap(), Event::default());
}

#[test]
fn every_variant_of_every_vocabulary_round_trips() {
    let mut ev = Event::default();
    for src in Source::ALL {
        ev.source = Some(src);
        assert_eq!(decode(&encode(&ev)).unwrap().source, Some(src));
    }
    use ActorKind::*;
    for kind in [User, Sp, Mi, Partner, System, Guest, Anonymous] {
        ev.actor.kind = kind;
        assert_eq!(decode(&encode(&ev)).unwrap().actor.kind, kind);
    }
    use UaClass::*;
    for class in [Browser, OfficeClient, Mobile, Scripting, Powershell, Offensive, MicrosoftService, Empty, Other] {
        ev.ua_class = class;
        assert_eq!(decode(&encode(&ev)).unwrap().ua_class, class);
    }
    for result in [EventResult::Success, EventResult::Failure, EventResult::Unknown] {
        ev.result = result;
        assert_eq!(decode(&encode(&ev)).unwrap().result, result);
    }
    ev.net.ip = Some("203.0.113.9".parse().unwrap());
    assert_eq!(decode(&encode(&ev)).unwrap().net.ip, ev.net.ip);
}

#[test]
fn events_stored_as_json_by_earlier_versions_still_read() {
    let ev = full_event();
    assert_eq!(decode(&serde_json::to_string(&ev).unwrap()).unwrap(), ev);
}

#[test]
fn every_cut_of_an_encoded_event_is_an_error() {
    let text = encode(&full_event());
    for end in 0..text.len() {
        if let Some(cut) = text.get(..end) {
            assert!(decode(cut).is_err(), "cut at {end}");
        }
    }
    assert!(decode(&format!("{text}x")).unwrap_err().contains("after its last field"));
    assert!(decode("E\u{1}").unwrap_err().contains("--rebuild"), "an older encoding asks for a rebuild");
    assert!(decode("E\u{3}").unwrap_err().contains("--rebuild"), "a newer encoding asks for a rebuild");
}

proptest! {
    #[test]
    fn any_text_decodes_or_fails_without_panic(t in "E\\PC{0,200}") {
        let _ = decode(&t);
    }

    #[test]
    fn any_strings_and_numbers_round_trip(
        id in "\\PC{0,40}",
        op in "\\PC{0,40}",
        params in proptest::collection::vec(("\\PC{0,10}", "\\PC{0,30}"), 0..5),
        secs in -8_000_000_000i64..8_000_000_000,
        nanos in 0u32..1_000_000_000,
        record in any::<u64>(),
        code in any::<i64>(),
    ) {
        let mut ev = full_event();
        ev.id = id;
        ev.operation = op;
        ev.params = params;
        ev.ts = DateTime::<Utc>::from_timestamp(secs, nanos);
        ev.origin.record = record;
        ev.signin.as_mut().unwrap().error_code = Some(code);
        prop_assert_eq!(decode(&encode(&ev)).unwrap(), ev);
    }
}
