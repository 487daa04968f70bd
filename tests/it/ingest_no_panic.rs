//! Property tests: no input makes the readers, parsers or normalizers panic.

use harrier::ingest::normalize::{classify, normalize, parse_time, FileHints, LazyMap};
use harrier::ingest::readers::csv_records::{parse_fields, CsvRecords};
use harrier::ingest::readers::json_records::{detect_layout, JsonLayout, JsonRecords};
use harrier::model::Origin;
use proptest::prelude::*;

fn json_fragment() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "\\",
        "\"value\"",
        "\"records\"",
        "\n",
        " ",
        "1",
        "true",
        "null",
        "\"CreationTime\"",
        "\"2025-01-01T00:00:00\"",
        "\"Operation\"",
        "\"RecordType\"",
        "\u{feff}",
        "\u{1b}[31m",
        "é",
    ]);
    prop::collection::vec(atoms, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn json_reader_never_panics(text in json_fragment(), bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        for input in [text.as_bytes().to_vec(), bytes] {
            for layout in [JsonLayout::Lines, JsonLayout::Stream, detect_layout(&input)] {
                let recs = JsonRecords::new(std::io::Cursor::new(input.clone()), layout);
                for r in recs.take(1000) {
                    let _ = r;
                }
            }
        }
    }

    #[test]
    fn csv_reader_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        for r in CsvRecords::new(std::io::Cursor::new(bytes)).take(1000).flatten() {
            let _ = parse_fields(&r.bytes);
        }
    }

    #[test]
    fn time_parser_never_panics(s in ".{0,40}", n in any::<i64>()) {
        let _ = parse_time(&s, false);
        let _ = parse_time(&format!("/Date({n})/"), true);
        let _ = parse_time(&format!("{}/{}/{} {}:{}:{} PM", n % 40, n % 13, n % 3000, n % 30, n % 70, n % 70), false);
    }

    #[test]
    fn normalizers_never_panic(keys in prop::collection::vec(prop::sample::select(vec![
        "CreationTime", "Operation", "RecordType", "Workload", "UserId", "UserType", "ClientIP", "AuditData",
        "createdDateTime", "ipAddress", "appId", "id", "userPrincipalName", "status", "location", "Type",
        "activityDisplayName", "initiatedBy", "targetResources", "requestUri", "requestMethod", "properties", "category",
        "Parameters", "AppAccessContext", "Folders", "LogonType", "OfficeWorkload", "TimeGenerated", "SignInActivityId",
    ]), 0..12), values in prop::collection::vec(prop::sample::select(vec![
        serde_json::json!(""), serde_json::json!("<null>"), serde_json::json!(null), serde_json::json!(5),
        serde_json::json!("2025-13-45T99:99:99"), serde_json::json!("9/20/2023 4:05:03 AM"), serde_json::json!("[2001:db8::1]:443"),
        serde_json::json!({"Name": "x"}), serde_json::json!([{"Name": "SessionId", "Value": 3}]), serde_json::json!("{not json"),
        serde_json::json!("SignInLogs"), serde_json::json!("SigninLogs"), serde_json::json!({"errorCode": "x"}),
        serde_json::json!({"user": {"ipAddress": 7}}), serde_json::json!([{"FolderItems": 3}]), serde_json::json!(-1),
    ]), 0..12)) {
        let mut map = serde_json::Map::new();
        for (k, v) in keys.iter().zip(values.iter().cycle()) {
            map.insert(k.to_string(), v.clone());
        }
        let text = serde_json::Value::Object(map).to_string();
        let record = LazyMap::from_json_str(&text).unwrap();
        if let Some(kind) = classify(&record) {
            let _ = normalize(kind, &record, b"raw", Origin::default(), &FileHints::default());
        }
    }
}

/// Column names of every snapshot shape, and a few of no shape.
const SNAPSHOT_COLUMNS: [&str; 34] = [
    "UserName",
    "RuleName",
    "Enabled",
    "Priority",
    "ForwardTo",
    "RedirectTo",
    "DeleteMessage",
    "MarkAsRead",
    "From",
    "HasAttachment",
    "ForwardingSmtpAddress",
    "DeliverToMailboxAndForward",
    "RiskEventType",
    "DetectedDateTime",
    "RiskLevel",
    "RiskState",
    "RiskLastUpdatedDateTime",
    "UserPrincipalName",
    "Id",
    "Location",
    "RoleName",
    "AssignmentType",
    "AssignmentStatus",
    "Role",
    "UserId",
    "PermissionType",
    "AppId",
    "Permission",
    "ConsentType",
    "scope",
    "Title",
    "Severity",
    "AccountEnabled",
    "Evidence",
];

fn snapshot_value() -> impl Strategy<Value = String> {
    let odd = prop::sample::select(vec![
        "",
        "True",
        "perhaps",
        "1/1/0001 12:00:00 AM",
        "13/45/2025 99:99:99 PM",
        "\"a\" [SMTP:",
        "[EX:/o=x] ]",
        "[",
        "{\"city\":[1,{\"x\":null}]}",
        "[{\"userPrincipalName\":5}]",
        "-9223372036854775809",
        "é\u{1b}[31m",
        "a@b@c",
        "@",
        "x@y.example/null",
        "\u{feff}",
        "smtp:",
        "null",
        "<null>",
    ]);
    prop_oneof![odd.prop_map(str::to_string), ".{0,30}"]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// No record of any snapshot shape, however broken, makes reading it panic.
    #[test]
    fn snapshot_records_never_panic(
        shape in 0usize..20,
        columns in prop::collection::vec(prop::sample::select(SNAPSHOT_COLUMNS.to_vec()), 0..20),
        cells in prop::collection::vec(snapshot_value(), 0..22),
        json in json_fragment(),
    ) {
        use harrier::ingest::snapshot::{catalogue::shapes, read_record, RecordText, TimeNotes};
        let shape = &shapes()[shape % shapes().len()];
        let headers: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        let notes = TimeNotes::default();
        let _ = read_record(shape, RecordText::Csv { headers: &headers, cells: cells.clone() }, &notes);
        let _ = read_record(shape, RecordText::Json(&json), &notes);
        let object: serde_json::Map<String, serde_json::Value> =
            headers.iter().cloned().zip(cells.iter().map(|c| serde_json::json!(c))).collect();
        let _ = read_record(shape, RecordText::Json(&serde_json::Value::Object(object).to_string()), &notes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A file that starts like a snapshot and then holds anything is read to the end without a panic, and every
    /// record it holds is a fact or a rejection.
    #[test]
    fn snapshot_files_never_panic_the_ingest(
        header in prop::sample::select(vec![
            "\"UserName\",\"RuleName\",\"ForwardTo\",\"RedirectTo\",\"DeleteMessage\"\n",
            "Id,RiskLevel,RiskState,RiskLastUpdatedDateTime,UserPrincipalName\r\n",
            "{\"value\":[{\"clientId\":\"c\",\"consentType\":\"Principal\",\"resourceId\":\"r\",\"scope\":\"a b\"}",
        ]),
        body in prop::collection::vec(any::<u8>(), 0..400),
        text in prop::collection::vec(snapshot_value(), 0..12),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = header.as_bytes().to_vec();
        bytes.extend(text.join(",").as_bytes());
        bytes.push(b'\n');
        bytes.extend(body);
        std::fs::write(dir.path().join("snapshot.csv"), bytes).unwrap();
        let (_, ledger) = crate::common::ingest_dir(dir.path());
        for f in &ledger.files {
            if f.is_snapshot() {
                prop_assert!(f.rejected <= f.records && f.facts >= f.records - f.rejected, "{f:?}");
                prop_assert_eq!(f.indexed, 0);
            }
        }
    }
}
