//! Learns the identifying values of a case: every address, name, domain, tenant id, IP, device, subject, file and
//! site its records and metadata hold.

use super::keep::{key_in, KeepRules};
use super::records::read_records;
use crate::enrich::ip::parse_ip;
use crate::ingest::discover::SourceFile;
use crate::model::{ActorKind, Event};
use regex::Regex;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::IpAddr;
use std::path::Path;
use std::sync::LazyLock;

/// Deepest nesting followed (JSON inside JSON strings inside JSON…).
const MAX_DEPTH: u32 = 48;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+#'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+").expect("email pattern compiles")
});
static SP_HOST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b([a-z0-9-]+)\.sharepoint\.com\b").expect("host pattern compiles"));
static SITE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)(?:^|/)(?:sites|teams)/([^/?#"\\]+)"#).expect("site pattern compiles"));
static PERSONAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)/personal/([a-z0-9][a-z0-9_.-]*)").expect("personal site pattern compiles"));
static TENANT_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)tenants/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})").unwrap()
});
static GUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$").expect("guid pattern compiles")
});

/// The original values found in a case, by kind. Addresses, domains and ids are lower-case.
#[derive(Debug, Default, Clone)]
pub struct Originals {
    pub emails: BTreeSet<String>,
    /// Customer domains (not Microsoft's, not consumer mail services).
    pub domains: BTreeSet<String>,
    /// Tenant labels of `<label>.onmicrosoft.com` / `<label>.sharepoint.com`.
    pub tenant_labels: BTreeSet<String>,
    pub tenants: BTreeSet<String>,
    /// IP text as written (without port or brackets) → address.
    pub ips: BTreeMap<String, IpAddr>,
    /// CIDR text as written in case metadata.
    pub cidrs: BTreeSet<String>,
    /// Display name → an address seen with it in the same record.
    pub people: BTreeMap<String, Option<String>>,
    pub given_names: BTreeSet<String>,
    pub surnames: BTreeSet<String>,
    pub orgs: BTreeSet<String>,
    pub devices: BTreeSet<String>,
    pub subjects: BTreeSet<String>,
    pub files: BTreeSet<String>,
    pub sites: BTreeSet<String>,
    /// Lower-cased words that are field names, operations, apps or agents: never treated as a name.
    pub protected: HashSet<String>,
    /// Records read per evidence file (relative path).
    pub records: BTreeMap<String, u64>,
    /// Files that could not be read as records, with the reason.
    pub unreadable: Vec<(String, String)>,
    /// OneDrive personal site names (`lidia_contoso_com`, lower-case), resolved to addresses at the end.
    pub personal_sites: BTreeSet<String>,
}

/// Reads the case's evidence files and metadata and returns what they name.
pub fn collect(root: &Path, rules: &KeepRules) -> Originals {
    let mut c = Collector { rules, o: Originals::default(), microsoft_tenants: rules.microsoft_tenants() };
    c.protect_bundled();
    for f in crate::ingest::discover::discover(root).into_iter().filter(|f| f.set_aside.is_none()) {
        c.file(&f);
    }
    for name in ["case.toml", "exercise.toml"] {
        if !super::inside_case(root, &root.join(name)) {
            continue;
        }
        if let Some(v) =
            std::fs::read_to_string(root.join(name)).ok().and_then(|t| toml::from_str::<toml::Value>(&t).ok())
        {
            if let Ok(json) = serde_json::to_value(v) {
                c.metadata(&json);
            }
        }
    }
    let key = root.join("answer-key.json");
    if let Some(v) = Some(&key)
        .filter(|k| super::inside_case(root, k))
        .and_then(|k| std::fs::read(k).ok())
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
    {
        c.value("", &v, 0, false);
    }
    for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
        if name.ends_with(".md") && super::inside_case(root, &entry.path()) {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                c.free_text(&text);
            }
        }
    }
    c.finish()
}

struct Collector<'a> {
    rules: &'a KeepRules,
    o: Originals,
    microsoft_tenants: HashSet<String>,
}

impl Collector<'_> {
    fn protect_bundled(&mut self) {
        let apps: toml::Value = toml::from_str(include_str!("../../assets/enrich/first_party_apps.toml"))
            .unwrap_or(toml::Value::Table(Default::default()));
        if let Some(t) = apps.get("apps").and_then(|a| a.as_table()) {
            for name in t.values().filter_map(|v| v.as_str()) {
                self.o.protected.insert(name.to_lowercase());
            }
        }
        for f in self.rules.fields.standard_folders.iter().chain(&self.rules.fields.keep_names) {
            self.o.protected.insert(f.to_lowercase());
        }
    }

    fn file(&mut self, f: &SourceFile) {
        let mut events: Vec<Event> = Vec::new();
        let mut maps: u64 = 0;
        let read = {
            let mut visit = |map: &Map<String, Value>, ev: Option<&Event>| {
                maps += 1;
                self.object("", map, 0, false);
                if let Some(e) = ev {
                    events.push(e.clone());
                }
                if events.len() >= 4096 {
                    for e in events.drain(..) {
                        self.event(&e);
                    }
                }
            };
            read_records(f, &mut visit)
        };
        for e in &events {
            self.event(e);
        }
        if let Some(p) = read.problem {
            self.o.unreadable.push((f.rel.clone(), p));
        }
        self.o.records.insert(f.rel.clone(), read.records);
    }

    fn event(&mut self, e: &Event) {
        for s in [&e.app_name, &e.resource_name, &e.user_agent].into_iter().flatten() {
            self.o.protected.insert(s.to_lowercase());
        }
        self.o.protected.insert(e.operation.to_lowercase());
        if let Some(u) = &e.actor.upn {
            self.text_values(u);
        }
        if matches!(e.actor.kind, ActorKind::User | ActorKind::Guest | ActorKind::Partner) {
            if let Some(d) = &e.actor.display_name {
                self.person(d, e.actor.upn.as_deref());
            }
        }
        for t in &e.targets {
            if t.kind.as_deref().is_some_and(|k| key_in(k, &self.rules.fields.person_target_types)) {
                if let Some(n) = &t.name {
                    self.person(n, t.upn.as_deref());
                }
            }
            if let Some(u) = &t.upn {
                self.text_values(u);
            }
        }
        if let Some(m) = e.mailbox.as_ref().and_then(|m| m.mailbox.as_deref()) {
            self.text_values(m);
        }
        if let Some(ip) = e.net.ip {
            self.o.ips.entry(ip.to_string()).or_insert(ip);
        }
        if let Some(d) = &e.device.name {
            self.named(d, Kind::Device);
        }
        for t in [&e.tenant_id, &e.actor.home_tenant].into_iter().flatten() {
            self.tenant(t);
        }
    }

    fn metadata(&mut self, v: &Value) {
        let Some(t) = v.as_object() else { return };
        if let Some(id) = v.pointer("/tenant/id").and_then(Value::as_str) {
            self.tenant(id);
        }
        for d in v.pointer("/tenant/domains").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
        {
            self.domain(&d.to_ascii_lowercase());
        }
        for p in v.pointer("/allow/trusted_partner_tenants").and_then(Value::as_array).into_iter().flatten() {
            if let Some(s) = p.as_str() {
                self.tenant(s);
            }
        }
        let cidrs = v
            .pointer("/allow/expected_ips")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(v.get("networks").and_then(Value::as_array).into_iter().flatten().filter_map(|n| n.get("cidr")));
        for c in cidrs.filter_map(Value::as_str) {
            match c.split_once('/') {
                Some((addr, _)) if c.parse::<ipnet::IpNet>().is_ok() => {
                    self.o.cidrs.insert(c.to_string());
                    self.ip_text(addr);
                }
                _ => self.ip_text(c),
            }
        }
        self.object("", t, 0, true);
    }

    /// Free text (scenario notes): addresses only.
    fn free_text(&mut self, text: &str) {
        for m in EMAIL.find_iter(text) {
            self.email(m.as_str());
        }
    }

    fn value(&mut self, key: &str, v: &Value, depth: u32, in_pair: bool) {
        if depth > MAX_DEPTH {
            return;
        }
        match v {
            Value::Object(m) => self.object(key, m, depth + 1, in_pair),
            Value::Array(a) => a.iter().for_each(|x| self.value(key, x, depth + 1, in_pair)),
            Value::String(s) => self.string(key, s, depth, in_pair),
            _ => {}
        }
    }

    fn object(&mut self, parent: &str, m: &Map<String, Value>, depth: u32, in_pair: bool) {
        let get = |keys: &[&str]| keys.iter().find_map(|k| m.get(*k).and_then(Value::as_str)).map(str::trim);
        let upn = get(&["userPrincipalName", "UserPrincipalName"]);
        let kind = get(&["type", "Type"]);
        if let Some(dn) = get(&["displayName", "DisplayName"]).filter(|d| !d.is_empty()) {
            let f = &self.rules.fields;
            if key_in(parent, &f.device_objects) {
                self.named(dn, Kind::Device);
            } else if upn.is_some() || kind.is_some_and(|k| key_in(k, &f.person_target_types)) {
                self.person(dn, upn);
            } else if kind.is_some_and(|k| key_in(k, &f.org_target_types)) {
                self.named(dn, Kind::Org);
            }
        }
        // `{Name, Value}` pairs: the value is read under its name, but never taken for a display name.
        if let (Some(name), Some(val)) = (get(&["Name", "name"]), m.get("Value").or_else(|| m.get("value"))) {
            self.o.protected.insert(name.to_lowercase());
            self.value(name, val, depth, true);
        }
        for (k, v) in m {
            self.o.protected.insert(k.to_lowercase());
            self.value(k, v, depth, in_pair);
        }
    }

    fn string(&mut self, key: &str, s: &str, depth: u32, in_pair: bool) {
        let t = s.trim();
        if t.is_empty() {
            return;
        }
        if (t.starts_with('{') || t.starts_with('[')) && t.len() > 1 {
            if let Ok(inner) = serde_json::from_str::<Value>(t) {
                self.value(key, &inner, depth + 1, in_pair);
                return;
            }
        }
        let f = &self.rules.fields;
        if !in_pair && key_in(key, &f.display_names) {
            self.person(t, None);
        } else if key_in(key, &f.given_names) {
            self.named(t, Kind::Given);
        } else if key_in(key, &f.surnames) {
            self.named(t, Kind::Surname);
        } else if key_in(key, &f.devices) {
            self.named(t, Kind::Device);
        } else if key_in(key, &f.subjects) {
            self.named(t, Kind::Subject);
        } else if key_in(key, &f.files) {
            self.named(t, Kind::File);
        } else if key_in(key, &f.org_names) {
            if t.contains('.') && !t.contains(' ') {
                self.domain(&t.to_ascii_lowercase());
            } else {
                self.named(t, Kind::Org);
            }
        } else if key_in(key, &f.tenant_ids) {
            self.tenant(t);
        }
        self.text_values(t);
    }

    /// Addresses, IPs, SharePoint hosts, sites and tenant paths anywhere in a text value.
    fn text_values(&mut self, t: &str) {
        if t.contains('@') {
            for m in EMAIL.find_iter(t) {
                self.email(m.as_str());
            }
        }
        if t.contains("%40") {
            let decoded = percent_decoded(t);
            for m in EMAIL.find_iter(&decoded) {
                self.email(m.as_str());
            }
        }
        if t.contains("personal/") {
            for c in PERSONAL.captures_iter(t) {
                self.o.personal_sites.insert(c[1].to_ascii_lowercase());
            }
        }
        if t.len() <= 64 {
            self.ip_text(t);
        }
        if t.len() <= 4096 && t.contains([',', ';', ' ', '=']) {
            for part in t.split([',', ';', ' ', '=']).filter(|p| p.len() <= 64) {
                self.ip_text(part);
            }
        }
        if t.contains("sharepoint") {
            for c in SP_HOST.captures_iter(t) {
                let label = c[1].to_ascii_lowercase();
                let label = label.strip_suffix("-my").or_else(|| label.strip_suffix("-admin")).unwrap_or(&label);
                self.o.tenant_labels.insert(label.to_string());
            }
        }
        if t.contains("sites/") || t.contains("teams/") {
            let sites: Vec<String> = SITE.captures_iter(t).map(|c| c[1].to_string()).collect();
            for s in sites {
                self.named(&s, Kind::Site);
            }
        }
        if t.contains("tenants/") {
            let ids: Vec<String> = TENANT_PATH.captures_iter(t).map(|c| c[1].to_string()).collect();
            for id in ids {
                self.tenant(&id);
            }
        }
    }

    fn ip_text(&mut self, raw: &str) {
        let s = raw.trim().trim_matches(|c| c == '"' || c == '\'');
        if s.len() < 3 || !s.bytes().any(|b| b == b'.' || b == b':') {
            return;
        }
        let Some((ip, _)) = parse_ip(s) else { return };
        // The address as written, without port, brackets or zone.
        let literal = if let Some(inner) = s.strip_prefix('[') {
            inner.split(']').next().unwrap_or(inner)
        } else if s.matches(':').count() == 1 && s.contains('.') {
            s.split(':').next().unwrap_or(s)
        } else {
            s.split('%').next().unwrap_or(s)
        };
        match ip {
            IpAddr::V4(v4) => {
                // `::ffff:198.51.100.7` holds the IPv4 text, which is what gets replaced.
                let tail = literal.rsplit(':').next().unwrap_or(literal);
                self.o.ips.entry(tail.to_string()).or_insert(IpAddr::V4(v4));
            }
            IpAddr::V6(_) => {
                self.o.ips.entry(literal.to_ascii_lowercase()).or_insert(ip);
            }
        }
    }

    fn email(&mut self, raw: &str) {
        let e = raw.trim_matches(|c: char| c == '.' || c == '\'' || c == '-').to_ascii_lowercase();
        let Some((local, domain)) = e.rsplit_once('@') else { return };
        if local.is_empty() || self.rules.is_service_domain(domain) && self.rules.tenant_label(domain).is_none() {
            return;
        }
        // A guest's own address is inside its local part: `bob_fabrikam.com#ext#@contoso.onmicrosoft.com`.
        if let Some(inner) = local.split("#ext#").next().filter(|_| local.contains("#ext#")) {
            if let Some((l, d)) = inner.rsplit_once('_') {
                self.email(&format!("{l}@{d}"));
            }
        }
        self.domain(domain);
        self.o.emails.insert(e.clone());
    }

    fn domain(&mut self, d: &str) {
        let d = d.trim().trim_end_matches('.');
        if d.is_empty() || !d.contains('.') {
            return;
        }
        if let Some((label, _)) = self.rules.tenant_label(d) {
            let label = label.strip_suffix("-my").or_else(|| label.strip_suffix("-admin")).unwrap_or(label);
            self.o.tenant_labels.insert(label.to_string());
            return;
        }
        if self.rules.is_service_domain(d) || self.rules.is_consumer_domain(d) {
            return;
        }
        self.o.domains.insert(d.to_string());
    }

    fn tenant(&mut self, raw: &str) {
        let t = raw.trim().to_ascii_lowercase();
        if GUID.is_match(&t) && !self.microsoft_tenants.contains(&t) && t != "00000000-0000-0000-0000-000000000000" {
            self.o.tenants.insert(t);
        }
    }

    fn person(&mut self, name: &str, upn: Option<&str>) {
        let n = name.trim();
        if n.contains('@') {
            self.text_values(n);
            return;
        }
        if let Some(prefix) = self.rules.fields.org_suffixes.iter().find_map(|s| n.strip_suffix(s.as_str())) {
            self.named(prefix, Kind::Org);
            return;
        }
        if !self.acceptable(n) {
            return;
        }
        let upn = upn.map(|u| u.trim().to_ascii_lowercase()).filter(|u| u.contains('@'));
        let slot = self.o.people.entry(n.to_string()).or_default();
        if slot.is_none() {
            *slot = upn;
        }
    }

    fn named(&mut self, value: &str, kind: Kind) {
        let v = value.trim();
        if !self.acceptable(v) {
            return;
        }
        let set = match kind {
            Kind::Given => &mut self.o.given_names,
            Kind::Surname => &mut self.o.surnames,
            Kind::Device => &mut self.o.devices,
            Kind::Subject => &mut self.o.subjects,
            Kind::File => &mut self.o.files,
            Kind::Org => &mut self.o.orgs,
            Kind::Site => &mut self.o.sites,
        };
        set.insert(v.to_string());
    }

    /// A value worth replacing: long enough, not an id or number, not an address.
    fn acceptable(&self, v: &str) -> bool {
        v.chars().count() >= 3
            && v.len() <= 400
            && v.chars().any(char::is_alphabetic)
            && !GUID.is_match(v)
            && !v.contains('\n')
            && !v.eq_ignore_ascii_case("null")
            && !v.starts_with('<')
    }

    fn finish(mut self) -> Originals {
        let protected = std::mem::take(&mut self.o.protected);
        let keep = |s: &String| !protected.contains(&s.to_lowercase());
        self.o.people.retain(|k, _| keep(k));
        for set in [
            &mut self.o.given_names,
            &mut self.o.surnames,
            &mut self.o.orgs,
            &mut self.o.devices,
            &mut self.o.sites,
            &mut self.o.subjects,
            &mut self.o.files,
        ] {
            set.retain(keep);
        }
        self.o.tenant_labels.retain(|l| l.len() >= 2);
        self.o.protected = protected;
        self.personal_owners();
        self.o
    }

    /// A OneDrive site `lidia_contoso_com` names `lidia@contoso.com` when `contoso.com` is a domain of the case:
    /// learned as an address (with the underscores the site name keeps) unless a known address spells it.
    fn personal_owners(&mut self) {
        let mut domains: Vec<String> = self.o.domains.iter().cloned().collect();
        for l in &self.o.tenant_labels {
            domains.push(format!("{l}.onmicrosoft.com"));
        }
        let spelled: HashSet<String> = self.o.emails.iter().map(|e| e.replace(['@', '.'], "_")).collect();
        let sites: Vec<String> = self.o.personal_sites.iter().cloned().collect();
        for site in sites {
            if spelled.contains(&site) {
                continue;
            }
            let owner = domains.iter().find_map(|d| {
                let local = site.strip_suffix(&d.replace('.', "_"))?.strip_suffix('_')?;
                (!local.is_empty()).then(|| format!("{local}@{d}"))
            });
            if let Some(e) = owner {
                self.o.emails.insert(e);
            }
        }
    }
}

/// `%40` → `@` and every other `%XX` of an ASCII character decoded; anything else kept.
fn percent_decoded(t: &str) -> String {
    let b = t.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(c) if b[i] == b'%' && c.is_ascii() => {
                out.push(c);
                i += 3;
            }
            _ => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Clone, Copy)]
enum Kind {
    Given,
    Surname,
    Device,
    Subject,
    File,
    Org,
    Site,
}
