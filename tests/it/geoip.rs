//! GeoIP databases at ingest: ip-location-db CSV (addresses and `-num` integers, IPv4 and IPv6) and `.mmdb` in both
//! the ip-location-db and the MaxMind layouts fill the country and ASN the logs left out; databases are found on the
//! command line, in `case.toml` and in the config folder; the ledger says which one answered; bad files are errors
//! naming the file and line, never a panic.

use crate::common::mmdb_writer::{self, map, text, Value};
use crate::common::query;
use harrier::case::{Case, Ledger};
use harrier::enrich::geo::csv_db::{CsvDb, Numbers, CSV_MAX};
use harrier::enrich::geo::GeoKind;
use harrier::ingest::{ingest, IngestOptions, IngestProgress};
use harrier::model::Event;
use proptest::prelude::*;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

/// A Graph sign-in from `ip`; with `located`, the log gives the place itself (DE, AS 64999).
fn signin(n: u32, ip: &str, located: bool) -> serde_json::Value {
    let mut s = serde_json::json!({
        "id": format!("66ea54eb-6301-4ee5-be62-ff5a759b{n:04}"), "createdDateTime": format!("2025-03-04T09:{n:02}:45Z"),
        "userPrincipalName": "debrab@contoso.onmicrosoft.com", "userId": "8ad2f1e4-0000-4000-8000-000000000001",
        "appId": "00000003-0000-0ff1-ce00-000000000000", "appDisplayName": "Office 365 SharePoint Online",
        "ipAddress": ip, "isInteractive": true, "userAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/120.0",
        "uniqueTokenIdentifier": format!("Ab12Cd34Ef56Gh78Ij{n:04}"), "correlationId": "c0ffee00-0000-4000-8000-000000000000",
        "status": {"errorCode": 0}, "signInEventTypes": ["interactiveUser"]
    });
    if located {
        s["location"] = serde_json::json!({"city": "Berlin", "countryOrRegion": "DE"});
        s["autonomousSystemNumber"] = serde_json::json!(64999);
    }
    s
}

/// A case folder of sign-ins, one per `(ip, located)`.
fn case_with(dir: &Path, ips: &[(&str, bool)]) -> PathBuf {
    let case = dir.join("case");
    std::fs::create_dir_all(&case).unwrap();
    let value: Vec<_> = ips.iter().enumerate().map(|(i, (ip, located))| signin(i as u32 + 1, ip, *located)).collect();
    let page = serde_json::json!({"@odata.context": "x", "value": value});
    std::fs::write(case.join("signins.json"), page.to_string()).unwrap();
    case
}

fn ingest_with(case: &Path, geoip: &[PathBuf]) -> (Case, Result<Ledger, harrier::ingest::IngestError>) {
    let case = Case::open(case, None).unwrap();
    let opts = IngestOptions { geoip: geoip.to_vec(), ..IngestOptions::default() };
    let ledger = ingest(&case, &opts, &IngestProgress::default());
    (case, ledger)
}

fn by_ip(case: &Case, ip: &str) -> Event {
    let events = query(case, "source:signin_interactive");
    events.into_iter().find(|e| e.net.ip == Some(ip.parse().unwrap())).unwrap_or_else(|| panic!("no event from {ip}"))
}

fn place(e: &Event) -> (Option<&str>, Option<&str>, Option<u32>) {
    (e.net.country.as_deref(), e.net.city.as_deref(), e.net.asn)
}

fn v4(s: &str) -> u32 {
    s.parse::<Ipv4Addr>().unwrap().into()
}

fn v6(s: &str) -> u128 {
    s.parse::<Ipv6Addr>().unwrap().into()
}

/// Country and ASN files of both families, one of each in the `-num` form, named as the project names them.
fn write_csv_databases(dir: &Path) -> Vec<PathBuf> {
    let files = [
        ("geo-whois-asn-country-ipv4.csv", "198.18.0.0,198.18.255.255,FR\n203.0.113.0,203.0.113.255,NL\n".to_string()),
        (
            "geo-whois-asn-country-ipv6-num.csv",
            format!("{},{},JP\n", v6("2001:db8:1::"), v6("2001:db8:1:ffff:ffff:ffff:ffff:ffff")),
        ),
        (
            "asn-ipv4-num.csv",
            format!("{},{},64501,\"Example Transit, Inc.\"\n", v4("203.0.113.0"), v4("203.0.113.127")),
        ),
        ("asn-ipv6.csv", "2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,64502,EXAMPLE-V6\n".to_string()),
    ];
    files
        .into_iter()
        .map(|(name, body)| {
            let p = dir.join(name);
            std::fs::write(&p, body).unwrap();
            p
        })
        .collect()
}

#[test]
fn csv_databases_fill_country_and_asn_for_ipv4_and_ipv6() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_with(
        tmp.path(),
        &[("203.0.113.5", false), ("2001:db8:1::5", false), ("203.0.113.200", true), ("198.51.100.7", false)],
    );
    let dbs = write_csv_databases(tmp.path());
    let (case, ledger) = ingest_with(&case, &dbs);
    assert_eq!(ledger.unwrap().totals.indexed, 4);
    assert_eq!(place(&by_ip(&case, "203.0.113.5")), (Some("NL"), None, Some(64501)), "dotted IPv4 and IPv4-num");
    assert_eq!(place(&by_ip(&case, "2001:db8:1::5")), (Some("JP"), None, Some(64502)), "IPv6-num and dotted IPv6");
    assert_eq!(place(&by_ip(&case, "203.0.113.200")), (Some("DE"), Some("Berlin"), Some(64999)), "the log wins");
    assert_eq!(place(&by_ip(&case, "198.51.100.7")), (None, None, None), "in no database");
    assert_eq!(query(&case, "country:NL").len(), 1, "the filled country is searchable");
}

#[test]
fn the_ledger_names_the_database_that_answered() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_with(tmp.path(), &[("203.0.113.5", false), ("203.0.113.6", false), ("2001:db8:1::5", false)]);
    let dbs = write_csv_databases(tmp.path());
    let (case_open, ledger) = ingest_with(&case, &dbs);
    let ledger = ledger.unwrap();
    let json = serde_json::to_value(&ledger).unwrap();
    assert_eq!(
        json["geoip"],
        serde_json::json!([
            {"file": "geo-whois-asn-country-ipv4.csv", "kind": "country", "events": 2},
            {"file": "geo-whois-asn-country-ipv6-num.csv", "kind": "country", "events": 1},
            {"file": "asn-ipv4-num.csv", "kind": "asn", "events": 2},
            {"file": "asn-ipv6.csv", "kind": "asn", "events": 1},
        ])
    );
    assert_eq!(json["files"][0]["geoip"]["geo-whois-asn-country-ipv4.csv"], 2);
    for key in ["records", "indexed", "duplicates", "rejected"] {
        assert_eq!(json["totals"][key], json["files"][0][key], "the contract fields stay: {key}");
    }
    // The saved ledger is the same, and an unchanged re-run keeps the account of the run that read the file.
    assert_eq!(Ledger::load(&case_open.ledger_path()), ledger);
    let (_, again) = ingest_with(&case, &[]);
    let mut again = again.unwrap().geoip;
    let mut before = ledger.geoip.clone();
    again.sort_by(|a, b| a.file.cmp(&b.file));
    before.sort_by(|a, b| a.file.cmp(&b.file));
    assert_eq!(again, before, "databases not opened again are still named, with their kind");
}

#[test]
fn mmdb_in_the_ip_location_db_and_maxmind_layouts() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_with(tmp.path(), &[("203.0.113.5", false), ("2001:db8:1::5", false), ("192.0.2.9", false)]);
    let write = |name: &str, bytes: Vec<u8>| {
        let p = tmp.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let country = write(
        "geolite2-country-ipv4.mmdb",
        mmdb_writer::build("country ipv4", 4, &[("203.0.113.0", 24, map(vec![("country_code", text("NL"))]))]),
    );
    let asn_record = |n: u32, org: &str| {
        map(vec![("autonomous_system_number", Value::U32(n)), ("autonomous_system_organization", text(org))])
    };
    let asn =
        write("asn-ipv6.mmdb", mmdb_writer::build("asn ipv6", 6, &[("2001:db8::", 32, asn_record(64502, "EXAMPLE"))]));
    let city = write(
        "GeoLite2-City.mmdb",
        mmdb_writer::build(
            "GeoLite2-City",
            6,
            &[
                (
                    "2001:db8:1::",
                    48,
                    map(vec![
                        ("city", map(vec![("names", map(vec![("de", text("Tokio")), ("en", text("Tokyo"))]))])),
                        ("country", map(vec![("iso_code", text("JP")), ("names", map(vec![("en", text("Japan"))]))])),
                    ]),
                ),
                ("192.0.2.0", 24, map(vec![("country", map(vec![("iso_code", text("US"))]))])),
            ],
        ),
    );
    let maxmind_asn =
        write("GeoLite2-ASN.mmdb", mmdb_writer::build("GeoLite2-ASN", 6, &[("192.0.2.0", 24, asn_record(64496, "X"))]));
    let (case, ledger) = ingest_with(&case, &[country, asn, city, maxmind_asn]);
    let ledger = ledger.unwrap();
    assert_eq!(place(&by_ip(&case, "203.0.113.5")), (Some("NL"), None, None));
    assert_eq!(place(&by_ip(&case, "2001:db8:1::5")), (Some("JP"), Some("Tokyo"), Some(64502)));
    assert_eq!(place(&by_ip(&case, "192.0.2.9")), (Some("US"), None, Some(64496)), "IPv4 in an IPv6 tree");
    let kinds: Vec<(&str, GeoKind, u64)> = ledger.geoip.iter().map(|u| (u.file.as_str(), u.kind, u.events)).collect();
    assert_eq!(
        kinds,
        vec![
            ("geolite2-country-ipv4.mmdb", GeoKind::Country, 1),
            ("asn-ipv6.mmdb", GeoKind::Asn, 1),
            ("GeoLite2-City.mmdb", GeoKind::City, 2),
            ("GeoLite2-ASN.mmdb", GeoKind::Asn, 1),
        ]
    );
}

#[test]
fn a_malformed_csv_line_is_an_error_naming_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_with(tmp.path(), &[("203.0.113.5", false)]);
    let bad = tmp.path().join("dbip-country-ipv4.csv");
    std::fs::write(&bad, "1.0.0.0,1.0.0.255,AU\n\"1.0.1.0\",1.0.1.300,CN\n").unwrap();
    let (_, result) = ingest_with(&case, &[bad]);
    let err = result.unwrap_err().to_string();
    assert!(err.contains("dbip-country-ipv4.csv") && err.contains("line 2") && err.contains("1.0.1.300"), "{err}");
}

#[test]
fn an_oversized_csv_is_refused_with_its_size_and_the_cap() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_with(tmp.path(), &[("203.0.113.5", false)]);
    let big = tmp.path().join("huge-country-ipv4.csv");
    std::fs::File::create(&big).unwrap().set_len(CSV_MAX + 1).unwrap();
    let (_, result) = ingest_with(&case, &[big]);
    let err = result.unwrap_err().to_string();
    assert!(err.contains("huge-country-ipv4.csv") && err.contains(&(CSV_MAX + 1).to_string()), "{err}");
    assert!(err.contains(&CSV_MAX.to_string()), "{err}");
    let (_, result) = ingest_with(&case, &[tmp.path().to_path_buf()]);
    assert!(result.unwrap_err().to_string().contains("not a regular file"));
}

/// Through the command line: `--geoip` first, then `case.toml`, then the config folder, each used, in that order.
#[cfg(target_os = "linux")]
#[test]
fn databases_are_found_on_the_command_line_in_case_toml_and_the_config_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_with(tmp.path(), &[("203.0.113.5", false), ("198.18.0.1", false), ("192.0.2.1", false)]);
    let config_home = tmp.path().join("config");
    let folder = config_home.join("harrier").join("geoip");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::create_dir_all(case.join("geo")).unwrap();
    let given = tmp.path().join("given-country.csv");
    std::fs::write(&given, "203.0.113.0,203.0.113.255,NL\n").unwrap();
    std::fs::write(case.join("geo/case-country.csv"), "203.0.113.0,203.0.113.255,FR\n198.18.0.0,198.18.0.255,FR\n")
        .unwrap();
    std::fs::write(case.join("case.toml"), "[enrich]\ngeoip = [\"geo/case-country.csv\"]\n").unwrap();
    std::fs::write(folder.join("folder-country.csv"), "0.0.0.0,255.255.255.255,US\n").unwrap();
    std::fs::write(folder.join("readme.txt"), "not a database").unwrap();
    let out = assert_cmd::Command::cargo_bin("harrier")
        .unwrap()
        .env("XDG_CONFIG_HOME", &config_home)
        .env("XDG_DATA_HOME", tmp.path().join("data"))
        .args(["-q", "ingest", "--json", "--geoip"])
        .arg(&given)
        .arg(&case)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ledger: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        ledger["geoip"],
        serde_json::json!([
            {"file": "given-country.csv", "kind": "country", "events": 1},
            {"file": "case-country.csv", "kind": "country", "events": 1},
            {"file": "folder-country.csv", "kind": "country", "events": 1},
        ])
    );
    let case = Case::open(&case, None).unwrap();
    assert_eq!(by_ip(&case, "203.0.113.5").net.country.as_deref(), Some("NL"));
    assert_eq!(by_ip(&case, "198.18.0.1").net.country.as_deref(), Some("FR"));
    assert_eq!(by_ip(&case, "192.0.2.1").net.country.as_deref(), Some("US"));

    // A case.toml naming a file that is not there is an error naming it, before anything is indexed.
    std::fs::write(case.root.join("case.toml"), "[enrich]\ngeoip = [\"geo/missing.csv\"]\n").unwrap();
    let out = assert_cmd::Command::cargo_bin("harrier")
        .unwrap()
        .env("XDG_CONFIG_HOME", &config_home)
        .env("XDG_DATA_HOME", tmp.path().join("data"))
        .args(["-q", "ingest", "--rebuild"])
        .arg(&case.root)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("missing.csv"), "{err}");
    let kept = Ledger::load(&case.ledger_path());
    assert_eq!((kept.totals.indexed, kept.geoip.len()), (3, 3), "the failed --rebuild threw nothing away");
}

/// Lines made of the pieces real and broken files are made of.
fn csv_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("1.0.0.0".to_string()),
        Just("255.255.255.255".to_string()),
        Just("::".to_string()),
        Just("2001:db8::".to_string()),
        Just("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff".to_string()),
        Just("16777216".to_string()),
        Just("4294967296".to_string()),
        Just("340282366920938463463374607431768211455".to_string()),
        Just("340282366920938463463374607431768211456".to_string()),
        Just("AU".to_string()),
        Just("AS13335".to_string()),
        Just(String::new()),
        Just("\"".to_string()),
        Just("\u{feff}".to_string()),
        Just("ip_range_start".to_string()),
        "[ -~]{0,12}",
    ];
    let line = prop::collection::vec(piece, 0..11).prop_map(|p| p.join(","));
    (prop::collection::vec(line, 0..12), prop::sample::select(vec!["\n", "\r\n", "\r"]))
        .prop_map(|(l, eol)| l.join(eol))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_csv_input_panics(text in csv_text(), bytes in prop::collection::vec(any::<u8>(), 0..256), which in 0..3usize) {
        let numbers = [Numbers::V4, Numbers::V6, Numbers::Either][which];
        for input in [text.as_bytes(), &bytes[..]] {
            match CsvDb::from_reader(input, "prop.csv", numbers) {
                Ok(db) => {
                    for ip in ["0.0.0.0", "1.0.0.1", "255.255.255.255", "::", "2001:db8::1", "::ffff:1.0.0.1"] {
                        let _ = db.lookup(ip.parse().unwrap());
                    }
                }
                Err(e) => prop_assert!(e.to_string().contains("prop.csv, line "), "{}", e),
            }
        }
    }
}

/// A UAL `UserLoggedIn` record of `upn` from `ip` at `time`, carrying no place of its own.
fn ual_login(n: u32, upn: &str, ip: &str, time: &str) -> serde_json::Value {
    serde_json::json!({
        "CreationTime": time, "Id": format!("5b1f0c2e-0d4c-4f7a-9c1e-00000000{n:04}"), "Operation": "UserLoggedIn",
        "OrganizationId": "b4a7e5c2-0000-4000-8000-000000000000", "RecordType": 15, "ResultStatus": "Success",
        "UserKey": "10032001A1B2C3D4", "UserType": 0, "Version": 1, "Workload": "AzureActiveDirectory",
        "ClientIP": ip, "ObjectId": "00000003-0000-0ff1-ce00-000000000000", "UserId": upn,
        "AzureActiveDirectoryEventType": 1,
        "ExtendedProperties": [{"Name": "UserAgent", "Value": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/120.0"}],
        "ApplicationId": "4765445b-32c6-49b0-83e6-1d93765276ca"
    })
}

/// A city CSV in the ip-location-db layout: Chicago, Sydney, a VPN exit in Singapore and a mobile carrier in Perth.
fn city_csv(dir: &Path) -> PathBuf {
    let p = dir.join("dbip-city-ipv4.csv");
    std::fs::write(
        &p,
        "198.51.100.0,198.51.100.255,US,Illinois,,Chicago,60601,41.8781,-87.6298,America/Chicago\n\
         203.0.113.0,203.0.113.127,AU,New South Wales,,Sydney,2000,-33.8688,151.2093,Australia/Sydney\n\
         203.0.113.128,203.0.113.191,SG,,,Singapore,,1.3521,103.8198,Asia/Singapore\n\
         203.0.113.192,203.0.113.255,AU,Western Australia,,Perth,6000,-31.9523,115.8613,Australia/Perth\n",
    )
    .unwrap();
    p
}

/// An ASN CSV naming the VPN exit and the mobile carrier's networks.
fn asn_csv(dir: &Path) -> PathBuf {
    let p = dir.join("asn-ipv4.csv");
    std::fs::write(&p, "203.0.113.128,203.0.113.191,9009,M247\n203.0.113.192,203.0.113.255,1221,Telstra\n").unwrap();
    p
}

#[test]
fn a_city_csv_gives_coordinates_that_the_ledger_counts_and_the_record_keeps_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_with(tmp.path(), &[("198.51.100.7", false), ("203.0.113.9", true)]);
    let (case, ledger) = ingest_with(&case, &[city_csv(tmp.path())]);
    let ledger = ledger.unwrap();
    let chicago = by_ip(&case, "198.51.100.7");
    assert_eq!(place(&chicago), (Some("US"), Some("Chicago"), None));
    assert_eq!((chicago.net.latitude, chicago.net.longitude), (Some(41.8781), Some(-87.6298)));
    assert_eq!(chicago.net.located_by.as_deref(), Some("dbip-city-ipv4.csv"));
    let berlin = by_ip(&case, "203.0.113.9");
    assert_eq!(place(&berlin), (Some("DE"), Some("Berlin"), Some(64999)), "the log's own place stays");
    assert!(berlin.net.latitude.is_none(), "no coordinates from a database that places the address elsewhere");
    let uses: Vec<(&str, GeoKind, u64)> = ledger.geoip.iter().map(|u| (u.file.as_str(), u.kind, u.events)).collect();
    assert_eq!(uses, vec![("dbip-city-ipv4.csv", GeoKind::City, 1)]);
}

#[test]
fn a_maxmind_city_mmdb_gives_coordinates_too() {
    let tmp = tempfile::tempdir().unwrap();
    let case = case_with(tmp.path(), &[("192.0.2.9", false)]);
    let record = map(vec![
        ("city", map(vec![("names", map(vec![("en", text("Lagos"))]))])),
        ("country", map(vec![("iso_code", text("NG"))])),
        ("location", map(vec![("latitude", Value::Double(6.4541)), ("longitude", Value::Double(3.3947))])),
    ]);
    let db = tmp.path().join("GeoLite2-City.mmdb");
    std::fs::write(&db, mmdb_writer::build("GeoLite2-City", 4, &[("192.0.2.0", 24, record)])).unwrap();
    let (case, ledger) = ingest_with(&case, &[db]);
    ledger.unwrap();
    let e = by_ip(&case, "192.0.2.9");
    assert_eq!((e.net.country.as_deref(), e.net.latitude, e.net.longitude), (Some("NG"), Some(6.4541), Some(3.3947)));
}

#[test]
fn impossible_travel_works_on_a_ual_only_case_placed_by_a_city_database() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case");
    std::fs::create_dir_all(&case).unwrap();
    let upn = "debrab@contoso.onmicrosoft.com";
    let records = [
        ual_login(1, upn, "198.51.100.7", "2025-03-04T09:00:00"),
        ual_login(2, upn, "203.0.113.9", "2025-03-04T11:00:00"),
        ual_login(3, "sam@contoso.onmicrosoft.com", "198.51.100.8", "2025-03-04T09:00:00"),
        ual_login(4, "sam@contoso.onmicrosoft.com", "203.0.113.140", "2025-03-04T10:00:00"),
        ual_login(5, "kim@contoso.onmicrosoft.com", "198.51.100.9", "2025-03-04T09:00:00"),
        ual_login(6, "kim@contoso.onmicrosoft.com", "203.0.113.200", "2025-03-04T13:00:00"),
    ];
    std::fs::write(case.join("ual.json"), serde_json::Value::Array(records.to_vec()).to_string()).unwrap();
    let toml = "[analytics.impossible-travel]\nvpn_proxy_asns = [\"9009 M247\"]\nmobile_asns = [\"1221 Telstra\"]\n";
    std::fs::write(case.join("case.toml"), toml).unwrap();
    let (case, ledger) = ingest_with(&case, &[city_csv(tmp.path()), asn_csv(tmp.path())]);
    ledger.unwrap();
    let case = Case::open(&case.root, None).unwrap();
    let d = harrier::case::detection::detect_and_save(&case, Vec::new(), chrono::Utc::now(), &[]).unwrap();
    let travel: Vec<_> = d.alerts.iter().filter(|a| a.analytic == "impossible-travel").collect();
    let titles: Vec<&str> = travel.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(travel.len(), 2, "{titles:?}");
    assert!(!titles.iter().any(|t| t.starts_with("sam@")), "a hop to a VPN exit is a look-alike: {titles:?}");
    let vpn = d.suppressions.iter().find(|s| s.analytic == "impossible-travel" && s.matched == "AS9009");
    assert!(vpn.is_some(), "the VPN hop is counted: {:?}", d.suppressions);
    let debra = travel.iter().find(|a| a.title.starts_with(upn)).unwrap();
    assert!(debra.title.contains("from Chicago, US to Sydney, AU"), "{titles:?}");
    let reasons = debra.reasons.join("\n");
    assert!(reasons.contains("41.88, -87.63 from GeoIP database dbip-city-ipv4.csv"), "{reasons}");
    let kim = travel.iter().find(|a| a.title.starts_with("kim@")).unwrap();
    assert!(kim.title.contains("to AU ("), "a mobile carrier is placed by its country, not its city: {titles:?}");
    assert!(kim.reasons.join("\n").contains("mobile carrier, placed by country only"), "{:#?}", kim.reasons);
}
