//! The shipped cases, read back the way a reader of real exports would: every file parses, the answer key's counts
//! are the records actually written, and each planted story leaves the records its analytic needs.

use flate2::read::GzDecoder;
use harrier::case::CaseConfig;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// A record with top-level keys folded to lower case without spaces (`Session ID` and `sessionId` meet).
#[derive(Debug, Clone)]
struct Record {
    source: String,
    v: Map<String, Value>,
}

fn fold(k: &str) -> String {
    k.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_ascii_lowercase()
}

impl Record {
    fn s(&self, key: &str) -> String {
        match self.v.get(&fold(key)) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        }
    }
    fn raw(&self, key: &str) -> Option<&Value> {
        self.v.get(&fold(key))
    }
    /// A nested field that CSV shapes carry as a JSON string.
    fn nested(&self, key: &str) -> Value {
        match self.raw(key) {
            Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::Null),
            Some(v) => v.clone(),
            None => Value::Null,
        }
    }
}

fn case_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-cases").join(name)
}

fn text_of(path: &Path) -> String {
    let mut bytes = std::fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        GzDecoder::new(&bytes[..]).read_to_end(&mut out).unwrap();
        bytes = out;
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        let units: Vec<u16> = bytes[2..].chunks(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        return String::from_utf16(&units).unwrap();
    }
    let text = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{}: not UTF-8: {e}", path.display()));
    text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text)
}

fn folded(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m.into_iter().map(|(k, v)| (fold(&k), v)).collect(),
        other => panic!("record is not an object: {other}"),
    }
}

/// Unwraps a diagnostic-settings envelope to its properties.
fn unwrap_envelope(v: Value) -> Value {
    if v.get("category").is_some() && v.get("properties").is_some() {
        v["properties"].clone()
    } else {
        v
    }
}

fn read_file(root: &Path, rel: &str, source: &str) -> Vec<Record> {
    let path = root.join(rel);
    let text = text_of(&path);
    let mut values = Vec::new();
    if rel.ends_with(".csv") {
        assert!(text.contains("\r\n"), "{rel}: CSV rows end with CRLF");
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
        for (i, row) in rdr.records().enumerate() {
            let row = row.unwrap();
            assert_eq!(
                row.len(),
                header.len(),
                "{rel} row {}: {} fields for {} columns",
                i + 1,
                row.len(),
                header.len()
            );
            let mut m = Map::new();
            for (h, f) in header.iter().zip(row.iter()) {
                m.insert(h.trim().to_string(), Value::String(f.to_string()));
            }
            if let Some(Value::String(audit)) = m.get("AuditData") {
                let parsed: Value =
                    serde_json::from_str(audit).unwrap_or_else(|e| panic!("{rel} row {}: AuditData: {e}", i + 1));
                values.push(parsed);
            } else {
                values.push(Value::Object(m));
            }
        }
    } else {
        let trimmed = text.trim_start();
        if trimmed.starts_with('[') {
            let arr: Vec<Value> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
            values.extend(arr);
        } else if let Ok(doc) = serde_json::from_str::<Value>(&text) {
            if let Some(Value::Array(items)) = doc.get("value").or_else(|| doc.get("records")) {
                values.extend(items.iter().cloned().map(unwrap_envelope));
            } else {
                values.push(unwrap_envelope(doc));
            }
        } else {
            for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{rel} line {}: {e}", i + 1));
                values.push(unwrap_envelope(v));
            }
        }
    }
    values.into_iter().map(|v| Record { source: source.to_string(), v: folded(v) }).collect()
}

struct Case {
    key: Value,
    config: CaseConfig,
    records: Vec<Record>,
}

fn load(name: &str) -> Case {
    let root = case_dir(name);
    let key: Value = serde_json::from_str(&std::fs::read_to_string(root.join("answer-key.json")).unwrap()).unwrap();
    let config = CaseConfig::load(&root.join("case.toml")).unwrap();
    let mut records = Vec::new();
    let mut unique = BTreeSet::new();
    for f in key["files"].as_array().unwrap() {
        let rel = f["path"].as_str().unwrap();
        let source = f["source"].as_str().unwrap();
        let recs = read_file(&root, rel, source);
        assert_eq!(
            recs.len() as u64,
            f["records"].as_u64().unwrap(),
            "{name}/{rel}: answer key count vs records in the file"
        );
        for r in &recs {
            let id = if source == "ual" { r.s("Id") } else { format!("{}:{}", r.s("id"), r.s("Request ID")) };
            let id = if source == "graph" { r.s("requestId") } else { id };
            unique.insert((source.to_string(), id));
        }
        records.extend(recs);
    }
    let total: u64 = key["files"].as_array().unwrap().iter().map(|f| f["records"].as_u64().unwrap()).sum();
    assert_eq!(total, key["totals"]["records"].as_u64().unwrap(), "{name}: totals.records");
    assert_eq!(
        unique.len() as u64,
        key["totals"]["unique_records"].as_u64().unwrap(),
        "{name}: unique records by source and native id"
    );
    assert!(
        total > key["totals"]["unique_records"].as_u64().unwrap(),
        "{name}: overlapping UAL exports must produce duplicates"
    );
    // Every file on disk (other than case metadata) is in the answer key.
    let listed: BTreeSet<String> =
        key["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap().to_string()).collect();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n == ".harrier") {
                continue; // harrier's own state once the case has been opened
            }
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
            if !["answer-key.json", "case.toml", "SCENARIO.md", "exercise.toml"].contains(&rel.as_str()) {
                assert!(listed.contains(&rel), "{name}/{rel} is not in the answer key");
            }
        }
    }
    Case { key, config, records }
}

fn planted<'a>(c: &'a Case, id: &str) -> &'a Value {
    c.key["planted"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("planted item {id} missing"))
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

fn ip_only(s: &str) -> String {
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("").to_string();
    }
    if s.matches(':').count() == 1 {
        return s.split(':').next().unwrap_or("").to_string();
    }
    s.to_string()
}

fn signins(c: &Case) -> impl Iterator<Item = &Record> {
    c.records.iter().filter(|r| r.source.starts_with("signin"))
}

fn upn(r: &Record) -> String {
    let u = r.s("userPrincipalName");
    if u.is_empty() { r.s("Username") } else { u }.to_ascii_lowercase()
}

fn ual<'a>(c: &'a Case, op: &'a str) -> impl Iterator<Item = &'a Record> + 'a {
    c.records.iter().filter(move |r| r.source == "ual" && r.s("Operation") == op)
}

fn param(r: &Record, name: &str) -> String {
    r.raw("Parameters")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().find(|p| p["Name"] == name))
        .and_then(|p| p["Value"].as_str())
        .unwrap_or("")
        .to_string()
}

#[test]
fn gen_demo_case_files_and_entities() {
    let c = load("demo");
    assert_eq!(c.key["planted"].as_array().unwrap().len(), 6);
    for p in c.key["planted"].as_array().unwrap().iter().chain(c.key["lookalikes"].as_array().unwrap()) {
        for u in strs(&p["entities"]["users"]).iter().chain(&strs(&p["entities"]["mailboxes"])) {
            assert_eq!(u, &u.to_ascii_lowercase(), "{}: entities are lower case", p["id"]);
        }
        for ip in strs(&p["entities"]["ips"]) {
            assert!(ip.parse::<std::net::IpAddr>().is_ok(), "{}: {ip} is an IP without port", p["id"]);
        }
        assert!(p["window"]["from"].as_str().unwrap() <= p["window"]["to"].as_str().unwrap());
    }
    // Quirks a reader must handle are present.
    let ual_ips: Vec<String> = c.records.iter().filter(|r| r.source == "ual").map(|r| r.s("ClientIP")).collect();
    assert!(ual_ips.iter().any(|ip| ip.contains('.') && ip.contains(':')), "UAL ClientIP with a port");
    assert!(ual_ips.iter().any(|ip| ip.starts_with('[')), "UAL ClientIP as [IPv6]:port");
    assert!(
        c.records.iter().any(|r| r.source == "ual" && r.s("Operation").ends_with('.')),
        "UAL directory operation with a trailing period"
    );
    assert!(c.records.iter().any(|r| r.source == "ual"
        && r.s("UserId").chars().any(|ch| ch.is_ascii_uppercase())
        && r.s("UserId").contains('@')));
}

#[test]
fn gen_an0534_scripted_client_reads_mail_and_files() {
    let c = load("demo");
    let p = planted(&c, "an0534-scripted-graph");
    let user = &strs(&p["entities"]["users"])[0];
    let s = signins(&c)
        .find(|r| &upn(r) == user && r.s("userAgent").starts_with("python-requests"))
        .expect("scripted sign-in");
    let app = format!("{}{}", s.s("appId"), s.s("Application ID"));
    assert_eq!(app.to_ascii_lowercase(), strs(&p["entities"]["apps"])[0]);
    let uti = s.s("uniqueTokenIdentifier");
    let mail = c
        .records
        .iter()
        .filter(|r| r.source == "graph" && r.s("signInActivityId") == uti && r.s("requestUri").contains("/me/messages"))
        .count();
    assert!(mail >= 20, "{mail} Graph mail reads with the scripted token");
    let downloads =
        ual(&c, "FileDownloaded").filter(|r| r.nested("AppAccessContext")["UniqueTokenId"] == uti.as_str()).count();
    assert!(downloads >= 10, "{downloads} downloads with the scripted token");
}

#[test]
fn gen_an0959_token_replayed_from_vps_without_sign_in_there() {
    let c = load("demo");
    let p = planted(&c, "an0959-token-replay");
    let user = &strs(&p["entities"]["users"])[0];
    let corp: Vec<String> = c.config.allow.expected_ips.iter().map(|n| n.trim_end_matches("/32").to_string()).collect();
    let issued: Vec<&Record> = signins(&c)
        .filter(|r| {
            &upn(r) == user
                && corp.contains(&r.s("ipAddress"))
                && r.s("sessionId") == strs(&p["entities"]["sessions"])[0]
        })
        .collect();
    assert!(issued.len() >= 3, "tokens issued on the corporate network");
    let utis: BTreeSet<String> = issued.iter().map(|r| r.s("uniqueTokenIdentifier")).collect();
    let vps = strs(&p["entities"]["ips"]).into_iter().find(|ip| !corp.contains(ip)).unwrap();
    let ual_replays: Vec<&Record> = c
        .records
        .iter()
        .filter(|r| {
            r.source == "ual"
                && ip_only(&r.s("ClientIP")) == vps
                && r.nested("AppAccessContext")["UniqueTokenId"].as_str().is_some_and(|u| utis.contains(u))
        })
        .collect();
    assert!(ual_replays.iter().any(|r| r.s("Workload") == "SharePoint"), "SharePoint replay");
    assert!(ual_replays.iter().any(|r| r.s("Workload") == "Exchange"), "Exchange replay");
    let graph = c
        .records
        .iter()
        .filter(|r| r.source == "graph" && r.s("ipAddress") == vps && utis.contains(&r.s("signInActivityId")))
        .count();
    assert!(graph >= 3, "Graph rows replaying the token");
    assert!(!signins(&c).any(|r| &upn(r) == user && r.s("ipAddress") == vps), "no sign-in by the victim from the VPS");
    // The VPS is geolocated by the case's own sign-ins (failed sprays against other users), in another country.
    let spray = signins(&c).find(|r| r.s("ipAddress") == vps).expect("a sign-in from the VPS gives its location");
    let loc = format!("{}{}", spray.s("location"), spray.s("Location"));
    assert!(loc.contains("NL"), "VPS located in NL: {loc}");
    // Look-alike: the traveller signs in interactively where the tokens are used.
    let la = c.key["lookalikes"].as_array().unwrap().iter().find(|l| l["id"] == "la-an0959-traveller").unwrap();
    let hotel = &strs(&la["entities"]["ips"])[0];
    assert!(signins(&c).any(|r| upn(r) == strs(&la["entities"]["users"])[0]
        && &r.s("ipAddress") == hotel
        && r.source == "signin_interactive"));
}

#[test]
fn gen_an1089_paged_mail_enumeration_burst() {
    let c = load("demo");
    let p = planted(&c, "an1089-mail-enumeration");
    let session = &strs(&p["entities"]["sessions"])[0];
    let rows: Vec<&Record> = c.records.iter().filter(|r| r.source == "graph" && &r.s("sessionId") == session).collect();
    let pages: Vec<&&Record> = rows
        .iter()
        .filter(|r| r.s("requestUri").starts_with("https://graph.microsoft.com/v1.0/users?$select=mail&$top=999"))
        .collect();
    assert!(pages.len() >= 20, "{} /users pages", pages.len());
    assert!(pages.iter().filter(|r| r.s("requestUri").contains("$skiptoken=")).count() >= 19);
    assert!(rows.iter().filter(|r| r.s("requestUri").contains("/members")).count() >= 5, "group member expansion");
    let from = p["window"]["from"].as_str().unwrap();
    let to = p["window"]["to"].as_str().unwrap();
    let span = chrono::DateTime::parse_from_rfc3339(to).unwrap() - chrono::DateTime::parse_from_rfc3339(from).unwrap();
    assert!(span.num_minutes() <= 10, "burst lasts {} minutes", span.num_minutes());
    // Look-alike: the sync account reads the same way every night.
    let la = c.key["lookalikes"].as_array().unwrap().iter().find(|l| l["id"] == "la-an1089-sync-account").unwrap();
    let days: BTreeSet<String> = c
        .records
        .iter()
        .filter(|r| r.source == "graph" && r.s("requestUri").contains("$select=mail,userPrincipalName"))
        .map(|r| r.s("timeGenerated").get(..10).unwrap_or("").to_string() + &r.s("TimeGenerated [UTC]"))
        .collect();
    assert!(days.len() >= 10, "sync reads on {} days", days.len());
    assert!(la["window"]["from"].as_str().unwrap() < p["window"]["from"].as_str().unwrap());
}

#[test]
fn gen_an1350_partner_chain_has_three_stages_with_one_partner() {
    let c = load("demo");
    let p = planted(&c, "an1350-partner-chain");
    let add = c
        .records
        .iter()
        .find(|r| r.source == "entra_audit" && r.s("activityDisplayName") == "Add partner to company")
        .expect("stage 1 audit");
    let partner = add.raw("targetResources").unwrap()[0]["id"].as_str().unwrap().to_string();
    assert!(!c.config.allow.trusted_partner_tenants.contains(&partner), "the partner is not trusted");
    assert!(ual(&c, "Add partner to company.").any(|r| r.s("ObjectId") == partner), "UAL mirror with trailing period");
    let tech = strs(&p["entities"]["users"]).into_iter().find(|u| u.starts_with("user_")).unwrap();
    let tech_signins: Vec<&Record> = signins(&c).filter(|r| upn(r) == tech).collect();
    assert!(tech_signins.len() >= 2);
    for s in &tech_signins {
        assert_eq!(s.s("crossTenantAccessType"), "serviceProvider");
        assert_eq!(s.s("homeTenantId"), partner);
    }
    let grant =
        ual(&c, "Add-MailboxPermission").find(|r| r.s("UserId").to_ascii_lowercase() == tech).expect("stage 2 grant");
    assert_eq!(grant.s("UserType"), "9");
    assert_eq!(param(grant, "AccessRights"), "FullAccess");
    let mailbox = param(grant, "Identity").to_ascii_lowercase();
    assert_eq!(vec![mailbox.clone()], strs(&p["entities"]["mailboxes"]));
    let reads: Vec<&Record> =
        ual(&c, "MailItemsAccessed").filter(|r| r.s("UserId").to_ascii_lowercase() == tech).collect();
    assert!(reads.len() >= 5, "stage 3 reads");
    let partner_ips = strs(&p["entities"]["ips"]);
    for r in reads {
        assert_eq!(r.s("LogonType"), "6");
        assert_eq!(r.s("MailboxOwnerUPN"), mailbox);
        assert!(partner_ips.contains(&r.s("ClientIPAddress")));
    }
    // Look-alike: the trusted partner works on an allowlisted mailbox.
    let la = c.key["lookalikes"].as_array().unwrap().iter().find(|l| l["id"] == "la-an1350-trusted-partner").unwrap();
    let la_mbx = &strs(&la["entities"]["mailboxes"])[0];
    assert!(c.config.allow.delegate_mailboxes.contains(la_mbx));
    let la_tech = &strs(&la["entities"]["users"])[0];
    let trusted = signins(&c).find(|r| &upn(r) == la_tech).unwrap().s("homeTenantId");
    assert!(c.config.allow.trusted_partner_tenants.contains(&trusted));
}

#[test]
fn gen_an1107_impersonation_and_full_access_as_app() {
    let c = load("demo");
    let imp = planted(&c, "an1107-impersonation");
    let users = strs(&imp["entities"]["users"]);
    let assignment = ual(&c, "New-ManagementRoleAssignment")
        .find(|r| param(r, "Role") == "ApplicationImpersonation")
        .expect("impersonation assignment");
    let grantee = param(assignment, "User").to_ascii_lowercase();
    assert!(users.contains(&grantee));
    assert!(
        !signins(&c).any(|r| upn(r) == grantee && r.s("ipAddress") != strs(&imp["entities"]["ips"])[0]),
        "the grantee was dormant before"
    );
    let ts = chrono::NaiveDateTime::parse_from_str(&assignment.s("CreationTime"), "%Y-%m-%dT%H:%M:%S").unwrap();
    let local = ts.and_utc().with_timezone(&c.config.timezone());
    assert!(chrono::Timelike::hour(&local) < 6, "assigned at night ({local})");
    let fa = planted(&c, "an1107-full-access-as-app");
    let app = &strs(&fa["entities"]["apps"])[0];
    let grant = c
        .records
        .iter()
        .find(|r| {
            r.source == "entra_audit" && r.s("activityDisplayName") == "Add app role assignment to service principal"
        })
        .expect("app role grant");
    let targets = grant.nested("targetResources");
    assert_eq!(targets[0]["displayName"], "Office 365 Exchange Online");
    let props: BTreeMap<String, String> = targets[0]["modifiedProperties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["displayName"].as_str().unwrap().to_string(),
                p["newValue"].as_str().unwrap().trim_matches('"').to_string(),
            )
        })
        .collect();
    assert_eq!(props["AppRole.Value"], "full_access_as_app");
    assert_eq!(props["AppRole.Id"], "dc890d15-9560-4a4c-9b7f-a736ec74ec40");
    assert_eq!(&props["ServicePrincipal.AppId"], app);
    assert!(
        c.records.iter().any(|r| r.source == "entra_audit"
            && r.s("activityDisplayName") == "Add service principal"
            && r.s("activityDateTime") < grant.s("activityDateTime")),
        "the service principal is new"
    );
    assert!(ual(&c, "Add app role assignment to service principal.").count() >= 1);
    assert!(ual(&c, "MailItemsAccessed").any(|r| &r.s("AppId") == app), "the app uses its access");
    // Look-alikes: system and helpdesk grants.
    assert!(ual(&c, "Add-MailboxPermission").any(|r| r.s("UserId").starts_with("NT AUTHORITY\\SYSTEM")));
    let hd = c.key["lookalikes"].as_array().unwrap().iter().find(|l| l["id"] == "la-an1107-helpdesk-grant").unwrap();
    assert!(c.config.allow.delegate_mailboxes.contains(&strs(&hd["entities"]["mailboxes"])[0]));
}

#[test]
fn gen_bec_story_links_phish_replay_rule_reads_enumeration_and_delegation() {
    let c = load("bec");
    let ids: Vec<String> =
        c.key["planted"].as_array().unwrap().iter().map(|p| p["analytic"].as_str().unwrap().to_string()).collect();
    for a in ["AN0959", "AN0534", "AN1089", "AN1107"] {
        assert!(ids.contains(&a.to_string()), "BEC covers {a}");
    }
    let replay = planted(&c, "bec-session-replay");
    let user = &strs(&replay["entities"]["users"])[0];
    let session = &strs(&replay["entities"]["sessions"])[0];
    let phish = signins(&c)
        .find(|r| &upn(r) == user && &r.s("sessionId") == session && r.source == "signin_interactive")
        .expect("phished sign-in");
    let proxy = phish.s("ipAddress");
    let utis: BTreeSet<String> =
        signins(&c).filter(|r| &r.s("sessionId") == session).map(|r| r.s("uniqueTokenIdentifier")).collect();
    let rule = ual(&c, "New-InboxRule").next().expect("inbox rule");
    assert_eq!(param(rule, "MoveToFolder"), "RSS Subscriptions");
    let attacker = ip_only(&rule.s("ClientIP"));
    assert_ne!(attacker, proxy);
    assert!(ual(&c, "MailItemsAccessed").any(|r| r.s("ClientIPAddress") == attacker
        && r.nested("AppAccessContext")["UniqueTokenId"].as_str().is_some_and(|u| utis.contains(u))));
    assert!(ual(&c, "Send").any(|r| ip_only(&r.s("ClientIP")) == attacker));
    assert!(ual(&c, "Add-MailboxFolderPermission").any(|r| param(r, "User") == "Default"));
    assert!(
        c.records
            .iter()
            .filter(|r| r.source == "graph"
                && r.s("ipAddress") == attacker
                && r.s("requestUri").contains("$select=mail"))
            .count()
            >= 20
    );
}

#[test]
fn gen_quiet_case_has_no_incident_but_keeps_look_alikes() {
    let c = load("quiet");
    assert!(c.key["planted"].as_array().unwrap().is_empty());
    assert!(c.key["lookalikes"].as_array().unwrap().len() >= 5);
    let scripted: Vec<String> =
        signins(&c).filter(|r| r.s("userAgent").starts_with("python-requests")).map(upn).collect();
    assert!(!scripted.is_empty(), "the approved automation runs");
    assert!(
        scripted.iter().all(|u| c.config.is_automation_account(u)),
        "only the automation account uses scripts: {scripted:?}"
    );
    assert!(!ual(&c, "New-ManagementRoleAssignment").any(|_| true));
}
