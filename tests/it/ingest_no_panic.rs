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
