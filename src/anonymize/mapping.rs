//! Builds the consistent original → replacement table: one replacement per original value, the same in every
//! file, shape and encoding, chosen from a seeded generator so the same case and seed always give the same output.

use super::alias::{AliasRules, AliasUse};
use super::collect::Originals;
use super::ipmap::IpMapper;
use super::keep::KeepRules;
use super::names::{hex_like, Pools};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;

/// Collision-free IP keys tried before settling for the last one.
const IP_ROUNDS: u32 = 32;

/// The kinds of value replaced, as the summary counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    Upn,
    Domain,
    DisplayName,
    GivenName,
    Surname,
    Organisation,
    TenantId,
    Ip,
    Device,
    Subject,
    File,
    Site,
    Timestamp,
}

impl ValueKind {
    /// Words for the summary.
    pub fn label(self) -> &'static str {
        match self {
            ValueKind::Upn => "user names and mail addresses",
            ValueKind::Domain => "domains",
            ValueKind::DisplayName => "display names",
            ValueKind::GivenName => "given names",
            ValueKind::Surname => "surnames",
            ValueKind::Organisation => "organisation names",
            ValueKind::TenantId => "tenant ids",
            ValueKind::Ip => "IP addresses",
            ValueKind::Device => "device names",
            ValueKind::Subject => "mail subjects",
            ValueKind::File => "file names",
            ValueKind::Site => "SharePoint sites",
            ValueKind::Timestamp => "timestamps shifted",
        }
    }
}

/// What the text around a match must look like for the match to stand for the value (not part of a longer one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boundary {
    Email,
    Domain,
    Ipv4,
    Ipv6,
    Guid,
    Word,
    /// A mailbox alias after an X.500 address's object id (`cn=<32 hex>-alias`).
    X500Alias,
}

/// One original value and its replacement.
#[derive(Debug, Clone)]
pub struct Pair {
    pub kind: ValueKind,
    pub original: String,
    pub replacement: String,
    pub boundary: Boundary,
    /// Matched without regard to ASCII case (addresses, domains, ids).
    pub case_insensitive: bool,
}

/// The whole table.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    pub pairs: Vec<Pair>,
}

impl Mapping {
    /// Distinct originals per kind.
    pub fn distinct(&self) -> BTreeMap<ValueKind, usize> {
        let mut seen: HashSet<(ValueKind, String)> = HashSet::new();
        let mut out = BTreeMap::new();
        for p in &self.pairs {
            if seen.insert((p.kind, p.original.to_lowercase())) {
                *out.entry(p.kind).or_insert(0) += 1;
            }
        }
        out
    }

    /// The table as JSON (kind → original → replacement), for `--mapping`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut by_kind: BTreeMap<ValueKind, BTreeMap<&str, &str>> = BTreeMap::new();
        for p in &self.pairs {
            by_kind.entry(p.kind).or_default().entry(&p.original).or_insert(&p.replacement);
        }
        serde_json::to_value(by_kind).unwrap_or_default()
    }
}

/// Chooses replacements for everything in `o`.
pub fn build(o: &Originals, rules: &KeepRules, seed: u64) -> Mapping {
    let mut b = Builder {
        rules,
        o,
        rng: ChaCha8Rng::seed_from_u64(seed),
        seed,
        pools: Pools::bundled(),
        out: Vec::new(),
        labels: HashMap::new(),
        domains: HashMap::new(),
        people: HashMap::new(),
        used: HashSet::new(),
        locals: HashMap::new(),
    };
    b.avoid_originals();
    b.tenant_labels();
    b.domains();
    b.people();
    b.emails();
    b.aliases();
    b.simple();
    b.tenants();
    b.ips();
    Mapping { pairs: b.out }
}

struct Builder<'a> {
    rules: &'a KeepRules,
    o: &'a Originals,
    rng: ChaCha8Rng,
    seed: u64,
    pools: Pools,
    out: Vec<Pair>,
    /// Original domain label → new label.
    labels: HashMap<String, String>,
    /// Original customer domain → new domain.
    domains: HashMap<String, String>,
    /// Display name → (first, last).
    people: HashMap<String, (String, String)>,
    /// Replacement values handed out (lower-case), so two originals never share one.
    used: HashSet<String>,
    /// Original local part → new local part, so one alias keeps one stand-in across its domains.
    locals: HashMap<String, String>,
}

impl Builder<'_> {
    fn push(&mut self, kind: ValueKind, original: &str, replacement: String, boundary: Boundary, ci: bool) {
        if original.is_empty() || original == replacement {
            return;
        }
        // A domain also stands in OneDrive paths and file names with underscores: `contoso_com`.
        if boundary == Boundary::Domain && original.contains('.') && !original.contains('/') {
            let (o, r) = (underscored(original), underscored(&replacement));
            self.out.push(Pair { kind, original: o, replacement: r, boundary: Boundary::Word, case_insensitive: ci });
        }
        self.out.push(Pair { kind, original: original.to_string(), replacement, boundary, case_insensitive: ci });
    }

    /// Every original word is kept out of the pools, so no replacement reuses a real name.
    fn avoid_originals(&mut self) {
        let mut words: Vec<String> = Vec::new();
        for n in self.o.people.keys().chain(&self.o.given_names).chain(&self.o.surnames).chain(&self.o.orgs) {
            words.extend(n.split_whitespace().map(str::to_lowercase));
        }
        for e in &self.o.emails {
            words.extend(e.split(['@', '.', '_', '-']).map(str::to_string));
        }
        words.extend(self.o.domains.iter().flat_map(|d| d.split('.').map(str::to_string).collect::<Vec<_>>()));
        words.extend(self.o.tenant_labels.iter().cloned());
        words.extend(self.o.subjects.iter().chain(&self.o.files).chain(&self.o.sites).map(|s| s.to_lowercase()));
        self.pools.avoid(words);
    }

    fn label(&mut self, original: &str) -> String {
        if let Some(l) = self.labels.get(original) {
            return l.clone();
        }
        let l = loop {
            let l = self.pools.org_label(&mut self.rng);
            if self.used.insert(format!("label:{l}")) {
                break l;
            }
        };
        self.labels.insert(original.to_string(), l.clone());
        l
    }

    fn tenant_labels(&mut self) {
        let suffixes = self.rules.domains.tenant_suffixes.clone();
        for label in &self.o.tenant_labels {
            let new = self.label(label);
            for s in &suffixes {
                self.push(ValueKind::Domain, &format!("{label}.{s}"), format!("{new}.{s}"), Boundary::Domain, true);
                if s.starts_with("sharepoint") {
                    for tail in ["-my", "-admin"] {
                        let (o, n) = (format!("{label}{tail}.{s}"), format!("{new}{tail}.{s}"));
                        self.push(ValueKind::Domain, &o, n, Boundary::Domain, true);
                    }
                }
            }
            if label.len() >= 4 && !self.o.protected.contains(label) {
                self.push(ValueKind::Domain, label, new, Boundary::Word, true);
            }
        }
    }

    /// Customer domains: a subdomain of another collected domain follows its parent (`mail.contoso.com` →
    /// `mail.<new>`), so only base domains get their own replacement.
    fn domains(&mut self) {
        let all: Vec<String> = self.o.domains.iter().cloned().collect();
        let base = |d: &str| all.iter().any(|p| p != d && d.ends_with(&format!(".{p}")));
        for d in all.iter().filter(|d| !base(d)) {
            let (first, rest) = d.split_once('.').unwrap_or((d, ""));
            let tld = rest.rsplit('.').next().unwrap_or("");
            let rest = if self.rules.domains.reserved_tlds.iter().any(|t| t == tld) { rest } else { "example" };
            let mut label = self.label(first);
            let mut n = 2;
            while !self.used.insert(format!("domain:{label}.{rest}")) {
                label = format!("{}{n}", self.label(first));
                n += 1;
            }
            let new = format!("{label}.{rest}");
            self.domains.insert(d.clone(), new.clone());
            self.push(ValueKind::Domain, d, new.clone(), Boundary::Domain, true);
            if first.len() >= 4 && !self.o.protected.contains(first) && !self.o.tenant_labels.contains(first) {
                let l = self.label(first);
                self.push(ValueKind::Domain, first, l, Boundary::Word, true);
            }
        }
    }

    /// The new domain for an address's domain (customer, subdomain, tenant label or kept).
    fn map_domain(&mut self, d: &str) -> String {
        if let Some(n) = self.domains.get(d) {
            return n.clone();
        }
        if let Some((label, suffix)) = self.rules.tenant_label(d) {
            let (core, tail) = match label.strip_suffix("-my") {
                Some(c) => (c, "-my"),
                None => (label, ""),
            };
            let new = self.label(core);
            return format!("{new}{tail}.{suffix}");
        }
        let parent =
            self.domains.iter().find(|(p, _)| d.ends_with(&format!(".{p}"))).map(|(p, n)| (p.clone(), n.clone()));
        if let Some((p, n)) = parent {
            return format!("{}{n}", &d[..d.len() - p.len()]);
        }
        d.to_string()
    }

    fn people(&mut self) {
        let names: Vec<String> = self.o.people.keys().cloned().collect();
        for dn in names {
            let (first, last) = self.pools.person(&mut self.rng);
            let new = if dn.contains(", ") { format!("{last}, {first}") } else { format!("{first} {last}") };
            let tokens: Vec<&str> = dn.split_whitespace().collect();
            if tokens.len() == 2 && !dn.contains(',') {
                self.token(ValueKind::GivenName, tokens[0], &first);
                self.token(ValueKind::Surname, tokens[1], &last);
            }
            self.people.insert(dn.clone(), (first, last));
            self.push(ValueKind::DisplayName, &dn, new, Boundary::Word, true);
        }
        let given: Vec<String> = self.o.given_names.iter().cloned().collect();
        for g in given {
            if !self.out.iter().any(|p| p.kind == ValueKind::GivenName && p.original == g) {
                let (first, _) = self.pools.person(&mut self.rng);
                self.push(ValueKind::GivenName, &g, first, Boundary::Word, false);
            }
        }
        let surnames: Vec<String> = self.o.surnames.iter().cloned().collect();
        for s in surnames {
            if !self.out.iter().any(|p| p.kind == ValueKind::Surname && p.original == s) {
                let (_, last) = self.pools.person(&mut self.rng);
                self.push(ValueKind::Surname, &s, last, Boundary::Word, false);
            }
        }
    }

    /// A given name or surname that the records list on their own gets the same replacement as in the full name.
    fn token(&mut self, kind: ValueKind, original: &str, new: &str) {
        let listed = match kind {
            ValueKind::GivenName => self.o.given_names.contains(original),
            _ => self.o.surnames.contains(original),
        };
        if listed && !self.out.iter().any(|p| p.kind == kind && p.original == original) {
            self.push(kind, original, new.to_string(), Boundary::Word, false);
        }
    }

    fn emails(&mut self) {
        // Display names seen with an address give that address its person.
        let mut person_of: HashMap<String, (String, String, String)> = HashMap::new();
        for (dn, upn) in &self.o.people {
            if let (Some(u), Some((f, l))) = (upn, self.people.get(dn)) {
                person_of.entry(u.clone()).or_insert((dn.clone(), f.clone(), l.clone()));
            }
        }
        let mut done: HashMap<String, String> = HashMap::new();
        let emails: Vec<String> = self.o.emails.iter().cloned().collect();
        for e in &emails {
            let new = self.map_email(e, &person_of, &mut done);
            self.push(ValueKind::Upn, e, new.clone(), Boundary::Email, true);
            // SharePoint personal sites spell the address with underscores.
            let (o, n) = (underscored(e), underscored(&new));
            self.push(ValueKind::Upn, &o, n, Boundary::Word, true);
        }
    }

    fn map_email(
        &mut self,
        e: &str,
        person_of: &HashMap<String, (String, String, String)>,
        done: &mut HashMap<String, String>,
    ) -> String {
        if let Some(n) = done.get(e) {
            return n.clone();
        }
        let Some((local, domain)) = e.rsplit_once('@') else { return e.to_string() };
        let new_domain = self.map_domain(domain);
        let new_local = if let Some(inner) = local.split("#ext#").next().filter(|_| local.contains("#ext#")) {
            match inner.rsplit_once('_') {
                Some((l, d)) => {
                    let guest = self.map_email(&format!("{l}@{d}"), person_of, done);
                    format!("{}#EXT#", guest.replacen('@', "_", 1))
                }
                None => format!("guest{}#EXT#", done.len()),
            }
        } else if let Some(hex) = local.strip_prefix("user_").filter(|h| h.chars().all(|c| c.is_ascii_hexdigit())) {
            format!("user_{}", hex_like(self.seed, hex))
        } else if let Some(known) = self.locals.get(local) {
            known.clone()
        } else {
            let sep = ['.', '_', '-'].into_iter().find(|c| local.contains(*c));
            let prefix = sep.and_then(|s| local.split_once(s)).map(|(p, _)| p).filter(|p| {
                ["svc", "sync", "admin", "adm", "srv", "app", "noreply", "no", "test", "ext", "sa"].contains(p)
            });
            match (prefix, sep, person_of.get(e)) {
                (Some(p), Some(s), _) => format!("{p}{s}{}", self.pools.word(&mut self.rng)),
                (None, _, Some((_, f, l))) => join_name(f, l, sep),
                (None, _, None) => {
                    let (f, l) = self.pools.person(&mut self.rng);
                    join_name(&f, &l, sep)
                }
                (Some(_), None, _) => self.pools.word(&mut self.rng),
            }
        };
        let mut candidate = format!("{new_local}@{new_domain}");
        let mut n = 2;
        while !self.used.insert(format!("email:{candidate}")) {
            candidate = format!("{new_local}{n}@{new_domain}");
            n += 1;
        }
        if let Some((new_local, _)) = candidate.rsplit_once('@') {
            self.locals.entry(local.to_string()).or_insert_with(|| new_local.to_string());
        }
        done.insert(e.to_string(), candidate.clone());
        candidate
    }

    /// Each address's local part also on its own, for the paths, distinguished names, X.500 addresses and text
    /// that name a mailbox by its alias (`…/contoso.onmicrosoft.com/lidia\Rule`, `CN=lidia,`, `cn=…-lidia`); a
    /// role or common word only in those places (see [`super::alias`]).
    fn aliases(&mut self) {
        let mut locals: Vec<(String, String)> = self.locals.iter().map(|(o, n)| (o.clone(), n.clone())).collect();
        locals.sort();
        let mut domains: Vec<String> = self.o.domains.iter().cloned().collect();
        domains.extend(self.o.tenant_labels.iter().map(|l| format!("{l}.onmicrosoft.com")));
        let rules = AliasRules::new(&self.o.protected);
        let uses: Vec<AliasUse> = locals.iter().map(|(o, _)| rules.alias_use(o)).collect();
        for ((original, new), how) in locals.into_iter().zip(uses) {
            match how {
                AliasUse::Never => {}
                AliasUse::Everywhere => self.push(ValueKind::Upn, &original, new, Boundary::Word, true),
                AliasUse::MailboxPlaces => {
                    for d in &domains {
                        let (o, n) = (format!("{d}/{original}"), format!("{}/{new}", self.map_domain(d)));
                        self.push(ValueKind::Upn, &o, n, Boundary::Domain, true);
                    }
                    let (o, n) = (format!("cn={original},"), format!("cn={new},"));
                    self.push(ValueKind::Upn, &o, n, Boundary::Word, true);
                    self.push(ValueKind::Upn, &original, new, Boundary::X500Alias, true);
                }
            }
        }
    }

    fn simple(&mut self) {
        let orgs: Vec<String> = self.o.orgs.iter().cloned().collect();
        for org in orgs {
            let new = self.unique(|p, r| p.org_name(r));
            self.push(ValueKind::Organisation, &org, new, Boundary::Word, false);
        }
        let devices: Vec<String> = self.o.devices.iter().cloned().collect();
        for d in devices {
            let new = self.unique(|p, r| p.device(&d, r));
            self.push(ValueKind::Device, &d, new, Boundary::Word, false);
        }
        let subjects: Vec<String> = self.o.subjects.iter().cloned().collect();
        for s in subjects {
            let new = self.unique(|p, r| p.subject(&s, r));
            self.push(ValueKind::Subject, &s, new, Boundary::Word, false);
        }
        let files: Vec<String> = self.o.files.iter().cloned().collect();
        for f in files {
            let new = self.unique(|p, r| p.file(&f, r));
            self.push(ValueKind::File, &f, new.clone(), Boundary::Word, false);
            if f.contains(' ') {
                self.push(ValueKind::File, &f.replace(' ', "%20"), new.replace(' ', "%20"), Boundary::Word, false);
            }
        }
        let sites: Vec<String> = self.o.sites.iter().cloned().collect();
        for s in sites {
            let new = self.unique(|p, r| p.site(r));
            for root in ["sites", "teams"] {
                let (o, n) = (format!("{root}/{s}"), format!("{root}/{new}"));
                self.push(ValueKind::Site, &o, n, Boundary::Word, true);
                if s.contains(' ') {
                    let (o, n) = (format!("{root}/{}", s.replace(' ', "%20")), format!("{root}/{new}"));
                    self.push(ValueKind::Site, &o, n, Boundary::Word, true);
                }
            }
        }
    }

    fn unique(&mut self, make: impl Fn(&mut Pools, &mut ChaCha8Rng) -> String) -> String {
        let mut v = make(&mut self.pools, &mut self.rng);
        let mut n = 2;
        let base = v.clone();
        while !self.used.insert(v.to_lowercase()) {
            v = match base.rsplit_once('.') {
                Some((stem, ext)) if !ext.contains(' ') && ext.len() <= 5 => format!("{stem} {n}.{ext}"),
                _ => format!("{base} {n}"),
            };
            n += 1;
        }
        v
    }

    fn tenants(&mut self) {
        let ids: Vec<String> = self.o.tenants.iter().cloned().collect();
        for t in ids {
            let new = guid_like(self.seed, &t);
            self.push(ValueKind::TenantId, &t, new, Boundary::Guid, true);
        }
    }

    /// IPs: the first key under which no original maps onto another original.
    fn ips(&mut self) {
        let originals: HashSet<IpAddr> = self.o.ips.values().copied().collect();
        let blocks = self.rules.ip_blocks();
        let mut mapper = IpMapper::new(self.seed, 0, blocks.clone());
        for round in 0..IP_ROUNDS {
            mapper = IpMapper::new(self.seed, round, blocks.clone());
            if !originals.iter().any(|ip| originals.contains(&mapper.map(*ip))) {
                break;
            }
        }
        for cidr in &self.o.cidrs {
            if let Ok(net) = cidr.parse::<ipnet::IpNet>() {
                let mapped = mapper.map(net.addr());
                let new = match ipnet::IpNet::new(mapped, net.prefix_len()) {
                    Ok(n) if net.addr() == net.network() => n.trunc().to_string(),
                    Ok(n) => n.to_string(),
                    Err(_) => continue,
                };
                self.push(ValueKind::Ip, cidr, new, Boundary::Ipv4, true);
            }
        }
        for (text, ip) in &self.o.ips {
            let new = mapper.map(*ip).to_string();
            let boundary = if ip.is_ipv4() { Boundary::Ipv4 } else { Boundary::Ipv6 };
            self.push(ValueKind::Ip, text, new, boundary, true);
        }
    }
}

fn join_name(first: &str, last: &str, sep: Option<char>) -> String {
    let (f, l) = (first.to_lowercase(), last.to_lowercase());
    match sep {
        Some(s) => format!("{f}{s}{l}"),
        None => format!("{f}{}", l.chars().next().unwrap_or('x')),
    }
}

/// `bob@contoso.com` → `bob_contoso_com`, as SharePoint names personal sites.
fn underscored(email: &str) -> String {
    email.replace(['@', '.'], "_")
}

/// A GUID-shaped replacement derived from the seed and the original.
fn guid_like(seed: u64, original: &str) -> String {
    let h = hex_like(seed, &format!("{original}-guid-0000000000000000"));
    format!("{}-{}-4{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}
