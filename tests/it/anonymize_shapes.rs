//! `harrier anonymize` keeps every wrapping of a file (UTF-16 with its BOM, UTF-8 BOM, CRLF, gzip, zip with
//! anonymised member names), finds values inside CSV `AuditData`, never writes into the case, refuses a used
//! output folder, and writes the secret mapping only when asked.

use crate::common::anon::{
    decoded_texts, leaks, leaks_decoded, originals, secrets, secrets_wide, unescaped, x500_leaks,
};
use crate::common::ingest_dir;
use harrier::anonymize::{anonymize, AnonymizeError, Options};
use std::io::{Read, Write};
use std::path::Path;

const SIGNIN: &str = r#"{"id":"66ea54eb-6301-4ee5-be62-ff5a759b0100","createdDateTime":"2025-03-04T09:12:45.6712365Z","userPrincipalName":"DebraB@Contoso.OnMicrosoft.com","userDisplayName":"Debra Berger","userId":"8ad2f1e4-0000-4000-8000-000000000001","appId":"00000003-0000-0ff1-ce00-000000000000","appDisplayName":"Office 365 SharePoint Online","ipAddress":"203.0.113.5","isInteractive":true,"userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/120.0","sessionId":"5c1e9b7a-1111-2222-3333-444455556666","uniqueTokenIdentifier":"Ab12Cd34Ef56Gh78Ij90kl","correlationId":"c0ffee00-0000-4000-8000-000000000000","homeTenantId":"11111111-2222-3333-4444-555555555555","location":{"city":"Chicago","state":"Illinois","countryOrRegion":"US"},"deviceDetail":{"displayName":"DESKTOP-DEBRA01"},"status":{"errorCode":0}}"#;

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn ual(id: &str) -> serde_json::Value {
    serde_json::json!({"CreationTime": "2025-03-04T10:00:00", "Id": id, "Operation": "MailItemsAccessed",
        "RecordType": 50, "Workload": "Exchange", "UserId": "CFO@Northwind.example", "UserType": 0,
        "ClientIPAddress": "[2001:db8:5::17]:443", "MailboxOwnerUPN": "cfo@northwind.example", "LogonType": 0,
        "OrganizationId": "11111111-2222-3333-4444-555555555555", "OperationCount": 3,
        "Item": {"Subject": "Wire \"urgent\" – Q3 payroll"}})
}

/// A case with one file per wrapping.
fn build_case(dir: &Path) {
    let mut utf16 = vec![0xFF, 0xFE];
    for u in format!("[\r\n{SIGNIN}\r\n]").encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    write(dir, "ps/signins.json", &utf16);
    let mut csv = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    csv.write_record(["CreationDate", "UserIds", "Operations", "AuditData"]).unwrap();
    csv.write_record(["3/4/2025 10:00:00 AM", "cfo@northwind.example", "MailItemsAccessed", &ual("a1").to_string()])
        .unwrap();
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend(csv.into_inner().unwrap());
    write(dir, "ual/classic.csv", &bom);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(format!("{}\n", ual("b2")).as_bytes()).unwrap();
    write(dir, "ual/mgmt.jsonl.gz", &gz.finish().unwrap());
    let mut zbuf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut zbuf);
        z.start_file("cfo@northwind.example/ual.jsonl", zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(format!("{}\n", ual("c3")).as_bytes()).unwrap();
        z.finish().unwrap();
    }
    write(dir, "collection.zip", zbuf.get_ref());
    write(dir, "case.toml", b"[tenant]\nid = \"11111111-2222-3333-4444-555555555555\"\ndomains = [\"northwind.example\"]\n[allow]\nexpected_ips = [\"203.0.113.0/24\"]\n");
}

fn tree_hash(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for f in walk(dir) {
        out.push((f.strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(&f).unwrap()));
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn every_wrapping_is_kept_and_values_inside_audit_data_are_replaced() {
    let case = tempfile::tempdir().unwrap();
    build_case(case.path());
    let before = tree_hash(case.path());
    let secrets = secrets(&originals(case.path()));
    for must in
        ["cfo@northwind.example", "debrab@contoso.onmicrosoft.com", "debra berger", "203.0.113.5", "2001:db8:5::17"]
    {
        assert!(secrets.iter().any(|(_, s)| s == must), "{must} not learned: {secrets:?}");
    }
    let out = tempfile::tempdir().unwrap();
    let mapping = tempfile::tempdir().unwrap();
    let map_file = mapping.path().join("map.json");
    let opts = Options { shift_days: 7, seed: 3, mapping: Some(map_file.clone()) };
    let report = anonymize(case.path(), out.path(), &opts).unwrap();
    assert_eq!(report.written(), 5, "{}", report.summary());
    assert_eq!(tree_hash(case.path()), before, "the case folder was changed");

    let found = leaks(&decoded_texts(out.path()), &secrets);
    assert!(found.is_empty(), "{}", found.join("\n"));
    let texts = decoded_texts(out.path());
    assert!(
        !texts.iter().any(|(_, t)| t.contains("q3 payroll") || t.contains("desktop-debra01")),
        "subject or device left"
    );

    let ps = std::fs::read(out.path().join("ps/signins.json")).unwrap();
    assert_eq!(&ps[..2], &[0xFF, 0xFE], "UTF-16 BOM kept");
    let text = encoding_rs::UTF_16LE.decode(&ps[2..]).0.into_owned();
    assert!(text.starts_with("[\r\n{") && text.contains("2025-03-11T09:12:45.6712365Z"), "{text}");
    let csv = std::fs::read(out.path().join("ual/classic.csv")).unwrap();
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]));
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.matches("\r\n").count(), 2);
    assert!(
        csv.contains("3/11/2025 10:00:00 AM") && csv.contains(r#"""CreationTime"":""2025-03-11T10:00:00"""#),
        "{csv}"
    );
    let gz = std::fs::read(out.path().join("ual/mgmt.jsonl.gz")).unwrap();
    assert_eq!(&gz[..2], &[0x1f, 0x8b]);
    let mut z = zip::ZipArchive::new(std::fs::File::open(out.path().join("collection.zip")).unwrap()).unwrap();
    let name = z.by_index(0).unwrap().name().to_string();
    assert!(name.ends_with("/ual.jsonl") && !name.contains("northwind"), "{name}");
    let mut member = String::new();
    z.by_index(0).unwrap().read_to_string(&mut member).unwrap();
    assert!(member.ends_with('\n') && !member.contains("northwind"));

    // The expected network in case.toml follows its addresses.
    let toml = std::fs::read_to_string(out.path().join("case.toml")).unwrap();
    assert!(!toml.contains("203.0.113.0/24") && toml.contains("/24"), "{toml}");

    let (_, a) = ingest_dir(case.path());
    let (case_b, b) = ingest_dir(out.path());
    assert_eq!(
        (a.totals.records, a.totals.indexed, a.totals.rejected),
        (b.totals.records, b.totals.indexed, b.totals.rejected)
    );
    assert_eq!(b.totals.indexed, 4);
    let formats = |l: &harrier::case::Ledger| {
        let mut v: Vec<String> = l.files.iter().map(|f| f.format.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(formats(&a), formats(&b));
    // The sign-in kept its place; the mapped IP sits in the mapped expected network.
    assert!(case_b
        .config
        .is_expected_ip(&crate::common::query(&case_b, "source:signin_interactive")[0].net.ip.unwrap()));

    // The mapping file is the only place originals appear, and ANONYMIZED.md holds counts, not values.
    let map = std::fs::read_to_string(&map_file).unwrap().to_lowercase();
    assert!(map.contains("cfo@northwind.example"));
    let md = std::fs::read_to_string(out.path().join("ANONYMIZED.md")).unwrap().to_lowercase();
    assert!(md.contains("7 day") && !md.contains("northwind") && !md.contains("203.0.113.5"), "{md}");
}

#[test]
fn output_must_be_new_and_outside_the_case() {
    let case = tempfile::tempdir().unwrap();
    build_case(case.path());
    let used = tempfile::tempdir().unwrap();
    std::fs::write(used.path().join("x"), b"x").unwrap();
    let opts = Options::default();
    assert!(matches!(anonymize(case.path(), used.path(), &opts), Err(AnonymizeError::OutNotEmpty(_))));
    let inside = case.path().join("anon");
    assert!(matches!(anonymize(case.path(), &inside, &opts), Err(AnonymizeError::OutInsideCase(_))));
    assert!(!inside.exists());
    let missing = case.path().join("nope");
    let out = tempfile::tempdir().unwrap();
    assert!(matches!(anonymize(&missing, out.path(), &opts), Err(AnonymizeError::NoCase(_))));
    let secret = out.path().join("fresh").join("map.json");
    let opts = Options { mapping: Some(secret), ..Options::default() };
    assert!(matches!(
        anonymize(case.path(), &out.path().join("fresh"), &opts),
        Err(AnonymizeError::MappingPlacement(_))
    ));
}

#[test]
fn no_mapping_file_unless_asked_and_same_seed_same_output() {
    let case = tempfile::tempdir().unwrap();
    build_case(case.path());
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    anonymize(case.path(), a.path(), &Options { seed: 9, ..Options::default() }).unwrap();
    anonymize(case.path(), b.path(), &Options { seed: 9, ..Options::default() }).unwrap();
    let strip = |v: Vec<(String, Vec<u8>)>| v.into_iter().filter(|(p, _)| !p.ends_with(".md")).collect::<Vec<_>>();
    assert_eq!(strip(tree_hash(a.path())), strip(tree_hash(b.path())));
    assert!(!walk(a.path()).iter().any(|p| p.to_string_lossy().contains("map")));
}

/// A case whose second file holds, on its third line, a date the shift would carry past year 9999.
fn case_near_the_end_of_time(dir: &Path) {
    let rec = |t: &str| format!("{{\"CreationTime\":\"{t}\",\"UserId\":\"cfo@northwind.example\"}}\n");
    write(dir, "ual/a.jsonl", rec("2025-03-04T10:00:00").as_bytes());
    let b = [rec("2025-03-04T10:00:00"), rec("9990-06-01T10:00:00"), rec("0050-01-02T10:00:00")].concat();
    write(dir, "ual/b.jsonl", b.as_bytes());
}

#[test]
fn a_shift_past_the_representable_dates_fails_before_writing() {
    let case = tempfile::tempdir().unwrap();
    case_near_the_end_of_time(case.path());
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("anon");
    let map = parent.path().join("map.json");
    let run =
        |days: i64| anonymize(case.path(), &out, &Options { shift_days: days, seed: 1, mapping: Some(map.clone()) });
    let err = run(36_500).unwrap_err();
    let AnonymizeError::DateOutOfRange { file, line, date, shift_days } = &err else { panic!("{err}") };
    assert_eq!((file.as_str(), *line, date.as_str(), *shift_days), ("ual/b.jsonl", Some(2), "9990-06-01", 36_500));
    assert!(err.to_string().contains("ual/b.jsonl line 2"), "{err}");
    assert!(!out.exists() && !map.exists(), "something was written");

    // Back 100 years from year 50 leaves the four-digit years too; a shift no date can take fails at the first.
    let err = run(-36_500).unwrap_err();
    assert!(matches!(&err, AnonymizeError::DateOutOfRange { line: Some(3), .. }), "{err}");
    let err = run(i64::MAX).unwrap_err();
    assert!(matches!(&err, AnonymizeError::DateOutOfRange { line: Some(1), .. }), "{err}");
    assert!(err.to_string().contains("ual/a.jsonl line 1"), "{err}");
    // An empty output folder that already exists stays empty.
    std::fs::create_dir(&out).unwrap();
    assert!(run(36_500).is_err());
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    std::fs::remove_dir(&out).unwrap();
    // A shift every date can take works.
    run(1000).unwrap();
    let text = std::fs::read_to_string(out.join("ual/b.jsonl")).unwrap();
    assert!(text.contains("\"2027-11-29T10:00:00") && text.contains("\"9993-02-25T10:00:00"), "{text}");
}

#[test]
fn out_of_range_dates_are_found_inside_gzip_zip_utf16_and_names() {
    let make = |rel: &str, bytes: Vec<u8>| {
        let case = tempfile::tempdir().unwrap();
        write(case.path(), "ok.json", b"{\"t\":\"2025-01-01T00:00:00Z\"}\n");
        write(case.path(), rel, &bytes);
        case
    };
    let line2 = b"{\"t\":\"2025-01-01T00:00:00Z\"}\n{\"t\":\"12/2/9999 1:00:00 PM\"}\n".to_vec();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&line2).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in String::from_utf8_lossy(&line2).encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let mut zbuf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut zbuf);
        z.start_file("inner/log.json", zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(&line2).unwrap();
        z.finish().unwrap();
    }
    let cases = [
        ("x/log.json.gz", gz.finish().unwrap(), "x/log.json.gz", Some(2)),
        ("x/ps.json", utf16, "x/ps.json", Some(2)),
        ("x/c.zip", zbuf.into_inner(), "x/c.zip!inner/log.json", Some(2)),
        ("x/export_9999-12-01.json", b"{}".to_vec(), "x/export_9999-12-01.json", None),
    ];
    for (rel, bytes, want_file, want_line) in cases {
        let case = make(rel, bytes);
        let out = tempfile::tempdir().unwrap();
        let err = anonymize(case.path(), out.path(), &Options { shift_days: 400, ..Options::default() }).unwrap_err();
        let AnonymizeError::DateOutOfRange { file, line, .. } = &err else { panic!("{rel}: {err}") };
        assert_eq!((file.as_str(), *line), (want_file, want_line), "{err}");
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0, "{rel}: output written");
    }
}

#[test]
fn shift_days_beyond_a_hundred_years_is_a_usage_error() {
    let case = tempfile::tempdir().unwrap();
    case_near_the_end_of_time(case.path());
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("anon");
    let run = |days: &str| {
        assert_cmd::Command::cargo_bin("harrier")
            .unwrap()
            .arg("anonymize")
            .arg(case.path())
            .arg(&out)
            .arg(format!("--shift-days={days}"))
            .output()
            .unwrap()
    };
    for days in ["36501", "-36501", "99999999999"] {
        let o = run(days);
        assert_eq!(o.status.code(), Some(2), "{days}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stderr).contains("--shift-days"));
    }
    // Inside the range, the date near the edge is still refused by name, with nothing written.
    let o = run("36500");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("ual/b.jsonl line 2") && err.contains("9990-06-01"), "{err}");
    assert!(!out.exists());
}

const TENANT: &str = "7c1f2e3d-4b5a-4c6d-8e7f-901234567890";

/// One UAL record naming Lidia Holloway (`lidia@fabrikamltd.com`, alias `lidia`) in every composite form the
/// exports use.
fn composite_record(id: &str) -> serde_json::Value {
    let path = "NAMPR01A001.prod.outlook.com/Microsoft Exchange Hosted Organizations/fabrikamltd.onmicrosoft.com";
    serde_json::json!({
        "CreationTime": "2025-03-04T10:00:00", "Id": id, "Operation": "New-InboxRule", "RecordType": 1,
        "Workload": "Exchange", "UserId": "lidia@fabrikamltd.com", "UserType": 2, "ClientIP": "198.51.100.23:51234",
        "OrganizationId": TENANT, "UserDisplayName": "Lidia Holloway",
        "ObjectId": format!("{path}/lidia\\Move to RSS"),
        "Parameters": [
            {"Name": "Mailbox", "Value": format!("{path}/LIDIA")},
            {"Name": "DomainController", "Value": "CN=lidia,OU=fabrikamltd.onmicrosoft.com,OU=Microsoft Exchange Hosted Organizations,DC=NAMPR01A001,DC=PROD,DC=OUTLOOK,DC=COM"},
            {"Name": "From", "Value": "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=5219bb11dd8540a1b7898cfe7509e02a-Lidia"},
            {"Name": "Share", "Value": "\\\\198.51.100.23\\home$\\lidia and \\\\fs01.fabrikamltd.com\\Lidia"},
            {"Name": "Note", "Value": "al fresco lunch with Al on the tenant"},
            {"Name": "Delegate", "Value": format!("{path}/Support\\Escalate; CN=support,OU=Users; /o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0f7204523c84455bb4111f614af6d18e-support")},
            {"Name": "Reply", "Value": "support@fabrikamltd.com: ask support at https://security.microsoft.com for info"},
        ],
        "SiteUrl": "https://fabrikamltd-my.sharepoint.com/personal/lidia_fabrikamltd_com/",
        "ObjectUrl": "https://login.microsoftonline.com/7C1F2E3D-4B5A-4C6D-8E7F-901234567890/oauth2?login_hint=lidia%40fabrikamltd.com&ip=198.51.100.23",
        "Target": "https%3A%2F%2Ffabrikamltd-my.sharepoint.com%2Fpersonal%2Flidia_fabrikamltd_com%2FDocuments",
        "ExtendedProperties": serde_json::json!([
            {"Name": "Owner", "Value": "lidia"},
            {"Name": "Who", "Value": "UserName=lidia;Domain=FABRIKAMLTD;Ip=198.51.100.23;Tenant=7c1f2e3d-4b5a-4c6d-8e7f-901234567890"},
        ]).to_string(),
        "Comment": "lidia's rule (Lidia Holloway, lidia holloway) forwards to al@fabrikamltd.com from 198.51.100.23",
    })
}

/// A case holding the composite record as JSON lines, with the address written `\u0040`, and inside CSV's
/// `AuditData`.
fn composite_case(dir: &Path) {
    let jsonl = format!("{}\n", composite_record("j1")).replace("al@fabrikamltd.com", "al\\u0040fabrikamltd.com");
    write(dir, "ual/composite.jsonl", jsonl.as_bytes());
    let mut csv = csv::WriterBuilder::new().from_writer(Vec::new());
    csv.write_record(["CreationDate", "UserIds", "Operations", "AuditData"]).unwrap();
    let audit = composite_record("c1").to_string();
    csv.write_record(["3/4/2025 10:00:00 AM", "lidia@fabrikamltd.com", "New-InboxRule", &audit]).unwrap();
    write(dir, "ual/composite.csv", &csv.into_inner().unwrap());
}

#[test]
fn identities_inside_composite_values_are_replaced() {
    let case = tempfile::tempdir().unwrap();
    composite_case(case.path());
    let o = originals(case.path());
    for must in ["lidia@fabrikamltd.com", "al@fabrikamltd.com", "support@fabrikamltd.com"] {
        assert!(o.emails.contains(must), "{must} not learned: {:?}", o.emails);
    }
    assert!(o.tenants.contains(TENANT) && o.ips.contains_key("198.51.100.23"), "{o:?}");
    let out = tempfile::tempdir().unwrap();
    anonymize(case.path(), out.path(), &Options { shift_days: 7, seed: 5, mapping: None }).unwrap();
    let texts = decoded_texts(out.path());
    let mut found = leaks_decoded(&texts, &secrets_wide(&o));
    found.extend(x500_leaks(&texts, &o));
    assert!(found.is_empty(), "{}", found.join("\n"));
    for (file, text) in &texts {
        if file.ends_with(".md") {
            continue;
        }
        let plain = unescaped(text);
        for gone in
            ["lidia", "holloway", "fabrikamltd", TENANT, "198.51.100.23", "/support\\", "cn=support,", "-support"]
        {
            assert!(!plain.contains(gone), "{gone} left in {file}:\n{plain}");
        }
        // Microsoft's own names stay, and so do short words that happen to be an alias.
        for kept in [
            "nampr01a001.prod.outlook.com/microsoft exchange hosted organizations/",
            ".onmicrosoft.com/",
            "\\move to rss",
            ",ou=microsoft exchange hosted organizations,dc=nampr01a001,dc=prod,dc=outlook,dc=com",
            "/o=exchangelabs/ou=exchange administrative group (fydibohf23spdlt)/cn=recipients/cn=5219bb11dd8540a1b7898cfe7509e02a-",
            "-my.sharepoint.com/personal/",
            "https://login.microsoftonline.com/",
            "al fresco lunch with al on the tenant",
            ": ask support at https://security.microsoft.com for info",
        ] {
            assert!(plain.contains(kept), "{kept} lost in {file}:\n{plain}");
        }
    }
}
