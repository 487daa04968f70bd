//! Hand-made exports for each shape and quirk: the same facts normalize the same whatever the shape,
//! ids link across sources, overlapping exports dedupe, and bad input is rejected with a reason.

use crate::common::*;
use std::io::Write;
use std::path::Path;

const SIGNIN_GRAPH: &str = r#"{"id":"66ea54eb-6301-4ee5-be62-ff5a759b0100","createdDateTime":"2025-03-04T09:12:45.6712365Z","userPrincipalName":"DebraB@Contoso.OnMicrosoft.com","userId":"8ad2f1e4-0000-4000-8000-000000000001","appId":"00000003-0000-0ff1-ce00-000000000000","appDisplayName":"Office 365 SharePoint Online","ipAddress":"203.0.113.5","isInteractive":true,"userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/120.0","sessionId":"5c1e9b7a-1111-2222-3333-444455556666","uniqueTokenIdentifier":"Ab12Cd34Ef56Gh78Ij90kl","correlationId":"c0ffee00-0000-4000-8000-000000000000","autonomousSystemNumber":64500,"location":{"city":"Chicago","state":"Illinois","countryOrRegion":"US"},"status":{"errorCode":0},"signInEventTypes":["interactiveUser"]}"#;

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn signin_la_json() -> String {
    let la = serde_json::json!({
        "TimeGenerated": "2025-03-04T09:12:46Z", "CreatedDateTime": "2025-03-04T09:12:45.6712365Z",
        "Id": "66ea54eb-6301-4ee5-be62-ff5a759b0100", "UserPrincipalName": "debrab@contoso.onmicrosoft.com",
        "UserId": "8ad2f1e4-0000-4000-8000-000000000001", "AppId": "00000003-0000-0ff1-ce00-000000000000",
        "AppDisplayName": "Office 365 SharePoint Online", "IPAddress": "203.0.113.5", "IsInteractive": true,
        "UserAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/120.0", "SessionId": "5c1e9b7a-1111-2222-3333-444455556666",
        "UniqueTokenIdentifier": "Ab12Cd34Ef56Gh78Ij90kl", "CorrelationId": "c0ffee00-0000-4000-8000-000000000000",
        "AutonomousSystemNumber": 64500, "ResultType": "0",
        "LocationDetails": "{\"city\":\"Chicago\",\"state\":\"Illinois\",\"countryOrRegion\":\"US\"}",
        "Type": "SigninLogs"
    });
    format!("[{la}]")
}

fn signin_diag_line() -> String {
    let props: serde_json::Value = serde_json::from_str(SIGNIN_GRAPH).unwrap();
    serde_json::json!({"time": "2025-03-04T09:12:46Z", "resourceId": "/tenants/x/providers/Microsoft.aadiam",
        "operationName": "Sign-in activity", "category": "SignInLogs", "tenantId": "11111111-2222-3333-4444-555555555555",
        "callerIpAddress": "203.0.113.5", "correlationId": "c0ffee00-0000-4000-8000-000000000000", "properties": props})
    .to_string()
}

#[test]
fn same_signin_in_three_shapes_normalizes_the_same() {
    let mut events = Vec::new();
    for (name, body) in [
        ("graph.json", format!("{{\"@odata.context\":\"x\",\"value\":[{SIGNIN_GRAPH}]}}")),
        ("la.json", signin_la_json()),
        ("diag.json", format!("{}\n", signin_diag_line())),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), name, body.as_bytes());
        let (case, ledger) = ingest_dir(tmp.path());
        assert_eq!(ledger.totals.indexed, 1, "{name}: {ledger:?}");
        let mut e = query(&case, "source:signin_interactive").remove(0);
        e.origin = Default::default();
        events.push((name, e));
    }
    let (_, first) = &events[0];
    assert_eq!(first.actor.upn.as_deref(), Some("debrab@contoso.onmicrosoft.com"));
    // None of the three records carries a risk field: their risk is unknown, which is not "no risk".
    assert!(first.signin.as_ref().is_some_and(|s| s.no_risk_fields));
    assert_eq!(first.net.country.as_deref(), Some("US"));
    assert_eq!(first.net.asn, Some(64500));
    assert_eq!(first.session_id.as_deref(), Some("5c1e9b7a-1111-2222-3333-444455556666"));
    for (name, e) in &events[1..] {
        let mut a = first.clone();
        let mut b = e.clone();
        // The tenant id comes only with the diagnostic envelope.
        a.tenant_id = None;
        b.tenant_id = None;
        assert_eq!(a, b, "{name} differs from the Graph shape");
    }
}

#[test]
fn session_and_token_link_signin_ual_and_graph() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "signins/graph.json", format!("[{SIGNIN_GRAPH}]").as_bytes());
    let ual = serde_json::json!({"CreationTime": "2025-03-04T09:20:00", "Id": "aaaaaaaa-0000-4000-8000-000000000001",
        "Operation": "FileDownloaded", "RecordType": 6, "Workload": "SharePoint", "UserId": "debrab@contoso.onmicrosoft.com",
        "UserType": 0, "ClientIP": "198.51.100.77:51234", "UserAgent": "python-requests/2.31.0",
        "AppAccessContext": {"AADSessionId": "5c1e9b7a-1111-2222-3333-444455556666", "UniqueTokenId": "Ab12Cd34Ef56Gh78Ij90kl"}});
    write(tmp.path(), "ual/mgmt.jsonl", format!("{ual}\n").as_bytes());
    let graph = serde_json::json!({"TimeGenerated": "2025-03-04T09:21:00Z", "RequestId": "bbbbbbbb-0000-4000-8000-000000000002",
        "RequestMethod": "GET", "RequestUri": "https://graph.microsoft.com/v1.0/me/messages?$top=50", "ResponseStatusCode": 200,
        "UserId": "8ad2f1e4-0000-4000-8000-000000000001", "IPAddress": "198.51.100.77", "SessionId": "5c1e9b7a-1111-2222-3333-444455556666",
        "SignInActivityId": "Ab12Cd34Ef56Gh78Ij90kl", "UserAgent": "python-requests/2.31.0", "Type": "MicrosoftGraphActivityLogs"});
    write(tmp.path(), "graph/la.json", format!("[{graph}]").as_bytes());
    let (case, ledger) = ingest_dir(tmp.path());
    assert_eq!(ledger.totals.indexed, 3);
    let by_session = query(&case, "session:5C1E9B7A-1111-2222-3333-444455556666");
    assert_eq!(by_session.len(), 3, "{by_session:?}");
    let by_token = query(&case, "token:Ab12Cd34Ef56Gh78Ij90kl");
    assert_eq!(by_token.len(), 3);
    // Graph rows carry only the user object id; the UPN is learned from the sign-in.
    let graph_row = by_token.iter().find(|e| e.source == Some(harrier::model::Source::Graph)).unwrap();
    assert_eq!(graph_row.actor.upn.as_deref(), Some("debrab@contoso.onmicrosoft.com"));
    // The user timeline holds all three.
    assert_eq!(query(&case, "user:debrab@contoso.onmicrosoft.com").len(), 3);
    // `ua:` matches whole words of the user agent, in any order and case, a trailing `*` a word's start.
    for (q, n) in [
        ("ua:python", 2),
        ("ua:PYTHON-requests", 2),
        (r#"ua:"requests python""#, 2),
        ("ua:pyth*", 2),
        ("ua:pyth", 0),
        ("ua:requests/2.31*", 2),
        (r#"ua:"windows nt""#, 1),
        ("ua:edg/12*", 1),
        ("ua:64", 0),
        ("-ua:python", 1),
        ("ua:python user:debrab@contoso.onmicrosoft.com -source:graph", 1),
    ] {
        assert_eq!(query(&case, q).len(), n, "{q}");
    }
    // UAL's `CreationTime` is UTC by definition: no assumption noted.
    assert!(file(&ledger, "mgmt.jsonl").notes.is_empty());
}

fn ual_record(id: &str, minute: u32) -> serde_json::Value {
    serde_json::json!({"CreationTime": format!("2025-03-04T10:{minute:02}:00"), "Id": id, "Operation": "MailItemsAccessed",
        "RecordType": 50, "Workload": "Exchange", "UserId": "CFO@Northwind.example", "UserType": 0, "ClientIPAddress": "203.0.113.9",
        "MailboxOwnerUPN": "cfo@northwind.example", "LogonType": 0, "OperationCount": 3})
}

fn purview_csv(records: &[serde_json::Value]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    w.write_record([
        "RecordId",
        "CreationDate",
        "RecordType",
        "Operation",
        "UserId",
        "AuditData",
        "AssociatedAdminUnits",
        "AssociatedAdminUnitsNames",
    ])
    .unwrap();
    for r in records {
        w.write_record([
            r["Id"].as_str().unwrap(),
            "2025-03-04T10:00:00.0000000Z",
            "ExchangeItemAggregated",
            "MailItemsAccessed",
            "cfo@northwind.example",
            &r.to_string(),
            "",
            "",
        ])
        .unwrap();
    }
    let mut out = vec![0xEF, 0xBB, 0xBF];
    out.extend(w.into_inner().unwrap());
    out
}

#[test]
fn overlapping_ual_exports_give_each_record_once() {
    let tmp = tempfile::tempdir().unwrap();
    let a: Vec<_> = (0..10).map(|i| ual_record(&format!("00000000-0000-4000-8000-0000000000{i:02}"), i)).collect();
    let b: Vec<_> = (5..15).map(|i| ual_record(&format!("00000000-0000-4000-8000-0000000000{i:02}"), i)).collect();
    write(tmp.path(), "purview/week1.csv", &purview_csv(&a));
    let lines: String = b.iter().map(|r| format!("{r}\n")).collect();
    write(tmp.path(), "mgmt/week1b.jsonl", lines.as_bytes());
    let (case, ledger) = ingest_dir(tmp.path());
    assert_eq!(ledger.totals.records, 20);
    assert_eq!(ledger.totals.indexed, 15);
    assert_eq!(ledger.totals.duplicates, 5);
    assert_eq!(query(&case, "mailbox:cfo@northwind.example").len(), 15);
}

#[test]
fn utf16_gzip_and_zip_are_read_transparently() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!("[{SIGNIN_GRAPH}]");
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    write(tmp.path(), "a/utf16.json", &utf16);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(format!("{}\n", ual_record("11111111-0000-4000-8000-000000000001", 1)).as_bytes()).unwrap();
    write(tmp.path(), "b/ual.jsonl.gz", &gz.finish().unwrap());
    let mut zbuf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut zbuf);
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("export/ual.jsonl", opts).unwrap();
        z.write_all(format!("{}\n", ual_record("22222222-0000-4000-8000-000000000002", 2)).as_bytes()).unwrap();
        z.start_file("export/README.md", opts).unwrap();
        z.write_all(b"notes").unwrap();
        z.finish().unwrap();
    }
    write(tmp.path(), "c/collection.zip", zbuf.get_ref());
    let (_, ledger) = ingest_dir(tmp.path());
    assert_eq!(ledger.totals.indexed, 3, "{ledger:#?}");
    assert_eq!(file(&ledger, "utf16.json").format, "json-array/utf-16le");
    assert_eq!(file(&ledger, "ual.jsonl.gz").format, "json-lines+gzip/utf-8");
    assert_eq!(file(&ledger, "collection.zip!export/ual.jsonl").indexed, 1);
    assert!(!ledger.files.iter().any(|f| f.path.ends_with("README.md")));
    assert_ledger_hashes_are_the_files(tmp.path(), &ledger);
}

/// A new file is hashed while it is read: the ledger must still hold the hash of the file's whole bytes (the
/// archive entry's for zip members), or the next run would read an unchanged file again.
fn assert_ledger_hashes_are_the_files(dir: &Path, ledger: &harrier::case::Ledger) {
    for f in harrier::ingest::discover::discover(dir) {
        let Some(entry) = ledger.files.iter().find(|e| e.path == f.rel) else { continue };
        let whole = harrier::ingest::open::content_hash(&f).unwrap();
        assert_eq!(entry.hash, whole, "{}", f.rel);
    }
}

#[test]
fn bad_input_is_rejected_with_reasons_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let good = ual_record("33333333-0000-4000-8000-000000000001", 1);
    let mut lines = String::new();
    lines.push_str(&format!("{good}\n"));
    lines.push_str("{\"CreationTime\": \"2025-03-04T10:00:00\", \"Id\": broken\n");
    lines.push_str(&format!(
        "{}\n",
        ual_record("33333333-0000-4000-8000-000000000002", 2).to_string().replace("2025-03-04", "9999-03-04")
    ));
    lines.push_str(&format!(
        "{}\n",
        ual_record("33333333-0000-4000-8000-000000000003", 3).to_string().replace("CFO@", "C\\u001b[31mFO@")
    ));
    let mut mixed_bytes = lines.into_bytes();
    // A record with a byte that is not UTF-8 inside a string.
    mixed_bytes.extend_from_slice(b"{\"CreationTime\": \"2025-03-04T10:00:00\", \"UserId\": \"bad\xff@x\"}\n");
    write(tmp.path(), "mixed.jsonl", &mixed_bytes);
    // Wrong column count, invalid UTF-8.
    let mut csvb = purview_csv(&[ual_record("44444444-0000-4000-8000-000000000001", 4)]);
    csvb.extend_from_slice(b"only,three,columns\r\n");
    csvb.extend_from_slice(b"x,2025-03-04T10:00:00Z,y,z,u,\xff\xfe,,\r\n");
    write(tmp.path(), "purview.csv", &csvb);
    // Truncated array, binary junk, a 50 MB single line.
    write(tmp.path(), "trunc.json", format!("[{SIGNIN_GRAPH},{{\"id\":\"cut").as_bytes());
    write(tmp.path(), "junk.bin", &[0u8, 159, 146, 150, 0, 1, 2, 3, 255, 0, 7, 9]);
    let mut big = format!("{}\n", ual_record("55555555-0000-4000-8000-000000000001", 5)).into_bytes();
    big.extend_from_slice(b"{\"Operation\":\"");
    big.extend(std::iter::repeat_n(b'x', 50 * 1024 * 1024));
    big.extend_from_slice(b"\"}\n");
    big.extend_from_slice(format!("{}\n", ual_record("55555555-0000-4000-8000-000000000002", 6)).as_bytes());
    write(tmp.path(), "huge.jsonl", &big);

    let (case, ledger) = ingest_dir(tmp.path());
    let mixed = file(&ledger, "mixed.jsonl");
    assert_eq!((mixed.records, mixed.indexed, mixed.rejected), (5, 2, 3), "{mixed:?}");
    assert!(
        mixed.errors.iter().any(|e| e.contains("record 5 (line 5): invalid UTF-8 at byte 54 of the record")),
        "{:?}",
        mixed.errors
    );
    assert!(mixed.errors.iter().any(|e| e.contains("record 2 (line 2): invalid JSON")), "{:?}", mixed.errors);
    assert!(
        mixed.errors.iter().any(|e| e.contains("record 3") && e.contains("out-of-range time")),
        "{:?}",
        mixed.errors
    );
    let p = file(&ledger, "purview.csv");
    assert_eq!((p.records, p.indexed, p.rejected), (3, 1, 2), "{p:?}");
    assert!(p.errors.iter().any(|e| e.contains("3 columns, the header has 8")));
    assert!(p.errors.iter().any(|e| e.contains("invalid UTF-8 in column 6")));
    let t = file(&ledger, "trunc.json");
    assert_eq!((t.indexed, t.rejected), (1, 1));
    assert!(t.errors[0].contains("ends in the middle"));
    assert_eq!(file(&ledger, "junk.bin").format, "unsupported");
    let h = file(&ledger, "huge.jsonl");
    assert_eq!((h.records, h.indexed, h.rejected), (3, 2, 1));
    assert!(h.errors[0].contains("over the 8 MiB limit"), "{:?}", h.errors);
    // The escape sequence in the user id is stored as data; it is the display layer's job to neutralise it.
    let esc = query(&case, "op:mailitemsaccessed");
    assert!(esc.iter().any(|e| e.actor.upn.as_deref().is_some_and(|u| u.contains('\u{1b}'))));
    assert_eq!(ledger.totals.records, ledger.totals.indexed + ledger.totals.duplicates + ledger.totals.rejected);
    assert_ledger_hashes_are_the_files(tmp.path(), &ledger);
}

#[test]
fn exports_of_exactly_a_collection_limit_are_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let lines: String = (0..5000)
        .map(|i| format!("{}\n", ual_record(&format!("66666666-0000-4000-8000-{i:012}"), (i % 60) as u32)))
        .collect();
    write(tmp.path(), "limit.jsonl", lines.as_bytes());
    let (_, ledger) = ingest_dir(tmp.path());
    assert!(file(&ledger, "limit.jsonl").notes.iter().any(|n| n.contains("exactly 5000 records")));
}

/// A compressed export cut off in transit: every record before the cut is indexed (across several read batches),
/// and the ledger says where reading stopped.
#[test]
fn truncated_gzip_keeps_the_records_before_the_cut() {
    let tmp = tempfile::tempdir().unwrap();
    let line = signin_diag_line();
    let mut body = String::new();
    for i in 0..5_000 {
        body.push_str(
            &line.replace("66ea54eb-6301-4ee5-be62-ff5a759b0100", &format!("66ea54eb-6301-4ee5-be62-{i:012}")),
        );
        body.push('\n');
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(body.as_bytes()).unwrap();
    let whole = gz.finish().unwrap();
    write(tmp.path(), "SignInLogs.json.gz", &whole[..whole.len() * 3 / 4]);
    let (case, ledger) = ingest_dir(tmp.path());
    let f = file(&ledger, "SignInLogs.json.gz");
    assert!(f.indexed > 2_048 && f.indexed < 5_000, "indexed {} of 5000", f.indexed);
    assert_eq!(f.records, f.indexed + f.rejected, "a record cut in half is rejected, not lost");
    let note = f.notes.iter().find(|n| n.starts_with("read error after record")).expect("a note on the cut");
    assert!(note.contains(&f.records.to_string()), "{note} names the last record read ({})", f.records);
    assert_eq!(query(&case, "source:signin_interactive").len() as u64, f.indexed);
    assert_ledger_hashes_are_the_files(tmp.path(), &ledger);
}

#[test]
fn risk_mfa_detail_coordinates_and_ual_error_numbers_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    // A risky device-code sign-in as Graph returns it, and an MFA denial as Log Analytics stores it (strings).
    let graph = serde_json::json!({"id": "a1", "createdDateTime": "2025-03-04T09:12:45Z",
        "userPrincipalName": "debrab@contoso.onmicrosoft.com", "ipAddress": "203.0.113.5", "isInteractive": true,
        "authenticationProtocol": "deviceCode", "originalTransferMethod": "deviceCodeFlow",
        "authenticationRequirement": "singleFactorAuthentication",
        "location": {"city": "Amsterdam", "countryOrRegion": "NL",
                     "geoCoordinates": {"latitude": 52.37, "longitude": 4.89}},
        "riskLevelDuringSignIn": "high", "riskLevelAggregated": "medium", "riskState": "atRisk",
        "riskDetail": "none", "riskEventTypes_v2": ["unfamiliarFeatures", "anonymizedIPAddress"],
        "status": {"errorCode": 0}});
    write(tmp.path(), "signins/graph.json", format!("[{graph}]").as_bytes());
    let la = serde_json::json!({"TimeGenerated": "2025-03-04T09:20:00Z", "Id": "b2",
        "UserPrincipalName": "debrab@contoso.onmicrosoft.com", "IPAddress": "203.0.113.5", "IsInteractive": true,
        "ResultType": "500121", "ResultDescription": "Authentication failed during strong authentication request.",
        "Status": "{\"errorCode\":500121,\"failureReason\":\"Authentication failed during strong authentication request.\",\"additionalDetails\":\"MFA denied; user declined the authentication\"}",
        "LocationDetails": "{\"city\":\"Amsterdam\",\"countryOrRegion\":\"NL\",\"geoCoordinates\":{\"latitude\":0,\"longitude\":0}}",
        "RiskLevelDuringSignIn": "none", "RiskState": "none", "RiskEventTypes_V2": "[]", "Type": "SigninLogs"});
    write(tmp.path(), "signins/la.json", format!("[{la}]").as_bytes());
    // The UAL's copy of a failed sign-in from the same address keeps ErrorNumber; geography comes from the sign-in.
    let ual = serde_json::json!({"CreationTime": "2025-03-04T09:21:00", "Id": "c3", "Operation": "UserLoginFailed",
        "RecordType": 15, "Workload": "AzureActiveDirectory", "UserId": "alex@contoso.onmicrosoft.com",
        "UserType": 0, "ClientIP": "203.0.113.5", "ErrorNumber": "50126", "LogonError": "InvalidUserNameOrPassword"});
    write(tmp.path(), "ual/mgmt.jsonl", format!("{ual}\n").as_bytes());
    let (case, ledger) = ingest_dir(tmp.path());
    assert_eq!(ledger.totals.indexed, 3, "{ledger:?}");
    let find = |id: &str| {
        ["user:debrab@contoso.onmicrosoft.com", "user:alex@contoso.onmicrosoft.com"]
            .iter()
            .flat_map(|q| query(&case, q))
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("no event {id}"))
    };

    let risky = find("a1");
    let si = risky.signin.as_ref().unwrap();
    assert_eq!(si.risk_level.as_deref(), Some("high"));
    assert_eq!(si.risk_level_aggregated.as_deref(), Some("medium"));
    assert_eq!(si.risk_state.as_deref(), Some("atRisk"));
    assert_eq!(si.risk_detail, None, "`none` is kept as absent");
    assert_eq!(si.risk_event_types, vec!["unfamiliarFeatures", "anonymizedIPAddress"]);
    assert_eq!(si.auth_protocol.as_deref(), Some("deviceCode"));
    assert_eq!(si.original_transfer_method.as_deref(), Some("deviceCodeFlow"));
    assert_eq!(si.auth_requirement.as_deref(), Some("singleFactorAuthentication"));
    assert_eq!((risky.net.latitude, risky.net.longitude), (Some(52.37), Some(4.89)));

    let denied = find("b2");
    let si = denied.signin.as_ref().unwrap();
    assert_eq!(si.error_code, Some(500121));
    assert_eq!(si.status_detail.as_deref(), Some("MFA denied; user declined the authentication"));
    assert_eq!((si.risk_level.as_deref(), si.risk_state.as_deref()), (None, None));
    assert!(si.risk_event_types.is_empty());
    assert_eq!(denied.net.latitude, None, "0, 0 means Entra could not place the address");

    let ual = find("c3");
    assert_eq!(ual.signin.as_ref().and_then(|s| s.error_code), Some(50126));
    assert_eq!(ual.result_detail.as_deref(), Some("InvalidUserNameOrPassword"));
    assert_eq!(ual.net.country.as_deref(), Some("NL"));
    assert_eq!((ual.net.latitude, ual.net.longitude), (Some(52.37), Some(4.89)));
}
