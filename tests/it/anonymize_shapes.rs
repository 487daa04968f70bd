//! `harrier anonymize` keeps every wrapping of a file (UTF-16 with its BOM, UTF-8 BOM, CRLF, gzip, zip with
//! anonymised member names), finds values inside CSV `AuditData`, never writes into the case, refuses a used
//! output folder, and writes the secret mapping only when asked.

use crate::common::anon::{decoded_texts, leaks, originals, secrets};
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
