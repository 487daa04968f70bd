//! The compact facts one pass over the events leaves behind: interned strings, per-principal baselines,
//! a compact record ("touch") per sign-in and data access, and per-source day counts for coverage.
//!
//! Nothing here keeps a whole `Event`; a million events fit in well under a gigabyte.

use super::catalog;
use super::clock::{Clock, Day};
use super::graph::{self, GraphClass};
use crate::model::{ActorKind, Event, EventResult, Source, UaClass};
use chrono::{DateTime, TimeZone, Utc};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// An interned string; 0 is "none".
pub type Sym = u32;

/// Interns strings so that baselines and touches hold 4-byte handles. A million-event case interns half a million
/// strings (mostly token and session ids), so each is kept once, in one text buffer, and found by its hash.
#[derive(Debug, Default)]
pub struct Interner {
    /// The symbol of each string by a 64-bit hash of it.
    by_hash: HashMap<u64, Sym>,
    /// Strings whose hash an earlier, different string already holds (all but never; handled all the same).
    collided: HashMap<Box<str>, Sym>,
    /// Every string, one after another.
    text: String,
    /// Where each symbol's string ends in `text`; it starts where the previous one ends.
    ends: Vec<usize>,
}

fn text_hash(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    s.hash(&mut h);
    h.finish()
}

impl Interner {
    /// A new interner where symbol 0 is the empty string.
    pub fn new() -> Interner {
        let mut i = Interner::default();
        i.ends.push(0);
        i.by_hash.insert(text_hash(""), 0);
        i
    }

    /// The symbol of `s`, adding it on first sight.
    pub fn intern(&mut self, s: &str) -> Sym {
        let h = text_hash(s);
        let known = self.by_hash.get(&h).copied();
        match known {
            Some(x) if self.name(x) == s => return x,
            Some(_) => {
                if let Some(&x) = self.collided.get(s) {
                    return x;
                }
            }
            None => {}
        }
        let id = self.ends.len() as Sym;
        self.text.push_str(s);
        self.ends.push(self.text.len());
        if known.is_some() {
            self.collided.insert(s.into(), id);
        } else {
            self.by_hash.insert(h, id);
        }
        id
    }

    /// The symbol of `s` if it was ever interned.
    pub fn lookup(&self, s: &str) -> Option<Sym> {
        match self.by_hash.get(&text_hash(s)) {
            Some(&x) if self.name(x) == s => Some(x),
            Some(_) => self.collided.get(s).copied(),
            None => None,
        }
    }

    /// The string of a symbol.
    pub fn name(&self, s: Sym) -> &str {
        let i = s as usize;
        match self.ends.get(i) {
            Some(&end) => &self.text[if i == 0 { 0 } else { self.ends[i - 1] }..end],
            None => "",
        }
    }

    /// Number of symbols, the empty string's included.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True before [`Interner::new`] has added the empty string.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// Touch positions grouped by a symbol (session, token or actor), each group in time order: an offset per symbol
/// and a position per touch, where a map of small vectors cost some fifty bytes per token id.
#[derive(Debug, Default)]
struct Groups {
    /// Where each symbol's positions start in `items`; one more entry than symbols.
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Groups {
    /// Groups the positions in `keyed` (symbol, position; positions ascending) by symbol, for `symbols` symbols.
    fn build(symbols: usize, keyed: impl Iterator<Item = (Sym, u32)> + Clone) -> Groups {
        let mut starts = vec![0u32; symbols + 1];
        for (s, _) in keyed.clone() {
            starts[s as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut items = vec![0u32; starts[symbols] as usize];
        for (s, pos) in keyed {
            items[next[s as usize] as usize] = pos;
            next[s as usize] += 1;
        }
        Groups { starts, items }
    }

    /// The positions of one symbol.
    fn get(&self, s: Sym) -> &[u32] {
        let i = s as usize;
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Every symbol that has positions, with them.
    fn iter(&self) -> impl Iterator<Item = (Sym, &[u32])> {
        (0..self.starts.len().saturating_sub(1)).map(|i| (i as Sym, self.get(i as Sym))).filter(|(_, v)| !v.is_empty())
    }
}

/// A sorted set of local day numbers.
#[derive(Debug, Default, Clone)]
pub struct DaySet(Vec<Day>);

impl DaySet {
    /// Adds a day.
    pub fn insert(&mut self, d: Day) {
        if self.0.last().is_some_and(|&l| l == d) {
            return;
        }
        if let Err(pos) = self.0.binary_search(&d) {
            self.0.insert(pos, d);
        }
    }
    /// Days in `[from, to)`.
    pub fn count_in(&self, from: Day, to: Day) -> usize {
        let a = self.0.partition_point(|&d| d < from);
        let b = self.0.partition_point(|&d| d < to);
        b.saturating_sub(a)
    }
    /// The latest day before `d`.
    pub fn last_before(&self, d: Day) -> Option<Day> {
        let i = self.0.partition_point(|&x| x < d);
        if i == 0 {
            None
        } else {
            Some(self.0[i - 1])
        }
    }
    /// The first day.
    pub fn first(&self) -> Option<Day> {
        self.0.first().copied()
    }
    /// Number of days.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The kinds of facts a baseline remembers per principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Feat {
    Country,
    Asn,
    UaFamily,
    UaClass,
    ClientApp,
    GraphTemplate,
    InteractiveCountry,
    InteractiveAsn,
    Enumeration,
    Ip,
}

/// What the case says about one principal (user, service principal/app, or the tenant).
#[derive(Debug, Default)]
pub struct Profile {
    pub first_ts: i64,
    pub last_ts: i64,
    /// Days with any activity by the principal.
    pub active: DaySet,
    /// Days with a successful sign-in or an audited operation performed by the principal.
    pub signin_days: DaySet,
    pub features: HashMap<(Feat, Sym), DaySet>,
    /// Presence hours (interactive sign-ins and audited operations) per local day.
    pub hours: BTreeMap<Day, [u16; 24]>,
    pub kind: Option<ActorKind>,
    pub ua_classes_seen: u16,
}

impl Profile {
    /// Distinct days in `[from, to)` on which feature `(f, v)` was seen.
    pub fn days_with(&self, f: Feat, v: Sym, from: Day, to: Day) -> usize {
        self.features.get(&(f, v)).map(|d| d.count_in(from, to)).unwrap_or(0)
    }

    /// The feature values of kind `f` seen on at least `min_days` days in `[from, to)`.
    pub fn values_of(&self, f: Feat, from: Day, to: Day, min_days: usize) -> Vec<Sym> {
        let mut v: Vec<Sym> = self
            .features
            .iter()
            .filter(|((k, _), d)| *k == f && d.count_in(from, to) >= min_days.max(1))
            .map(|((_, s), _)| *s)
            .collect();
        v.sort();
        v
    }

    /// Hour-of-week histogram of presence over `[from, to)`.
    pub fn how_histogram(&self, from: Day, to: Day) -> [u32; 168] {
        let mut h = [0u32; 168];
        for (d, hours) in self.hours.range(from..to) {
            let base = Clock::weekday_of(*d).num_days_from_monday() as usize * 24;
            for (i, c) in hours.iter().enumerate() {
                h[base + i] += *c as u32;
            }
        }
        h
    }

    /// Days of history the case holds for the principal before `day` (from first sight).
    pub fn history_days(&self, day: Day) -> i32 {
        match self.active.first() {
            Some(f) if f < day => day - f,
            _ => 0,
        }
    }
}

/// What a touch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TouchKind {
    SignIn,
    MailRead,
    MailboxLogin,
    MailSend,
    FileRead,
    FileDownload,
    GraphMail,
    GraphFile,
    GraphEnum,
    GraphOther,
    /// Other workload activity by a principal from an address (kept for session and network reasoning).
    Activity,
}

impl TouchKind {
    /// True for reading mail or files.
    pub fn is_data_access(self) -> bool {
        matches!(
            self,
            TouchKind::MailRead
                | TouchKind::FileRead
                | TouchKind::FileDownload
                | TouchKind::GraphMail
                | TouchKind::GraphFile
        )
    }
}

/// Flag bits on a touch.
pub mod flags {
    pub const SUCCESS: u16 = 1;
    pub const INTERACTIVE: u16 = 2;
    pub const UNMANAGED: u16 = 4;
    pub const SERVICE_PROVIDER: u16 = 8;
    pub const PAGED: u16 = 16;
    pub const EMAIL_SELECT: u16 = 32;
    pub const DEVICE_CODE_OR_ROPC: u16 = 64;
    pub const EXTERNAL_ACCESS: u16 = 128;
}

/// A compact record of one sign-in, Graph request or workload access.
#[derive(Debug, Clone)]
pub struct Touch {
    pub ts: i64,
    pub id: Box<str>,
    pub kind: TouchKind,
    pub source: Source,
    pub actor: Sym,
    pub actor_kind: ActorKind,
    pub home_tenant: Sym,
    pub session: Sym,
    pub token: Sym,
    pub ip: Sym,
    pub asn: u32,
    pub country: Sym,
    pub ua_class: UaClass,
    pub ua: Sym,
    pub ua_family: Sym,
    pub app: Sym,
    pub resource: Sym,
    pub mailbox: Sym,
    pub logon_type: u8,
    pub items: u32,
    pub bytes: u64,
    pub status: u16,
    pub template: Sym,
    /// Group whose members were listed (enumeration) or the auth protocol (sign-ins).
    pub detail: Sym,
    pub flags: u16,
}

impl Touch {
    /// The UTC time.
    pub fn time(&self) -> DateTime<Utc> {
        Utc.timestamp_opt(self.ts, 0).single().unwrap_or_default()
    }
    /// True when a flag bit is set.
    pub fn has(&self, f: u16) -> bool {
        self.flags & f != 0
    }
}

/// Events per source per local day, for the coverage section.
#[derive(Debug, Default)]
pub struct SourceDays {
    pub days: BTreeMap<Source, BTreeMap<Day, u64>>,
    pub without_time: u64,
}

/// The principal key an event's actor is baselined under: the UPN for people, `app:<id>` for app-only actors.
pub fn principal_key(ev: &Event) -> Option<String> {
    match ev.actor.kind {
        ActorKind::Sp | ActorKind::Mi => {
            ev.app_id.as_deref().or(ev.actor.id.as_deref()).map(|a| format!("app:{}", a.to_ascii_lowercase()))
        }
        ActorKind::Anonymous => None,
        _ => {
            ev.actor.upn.as_deref().filter(|s| !s.is_empty()).or(ev.actor.id.as_deref()).map(|s| s.to_ascii_lowercase())
        }
    }
}

/// Everything the single pass keeps.
#[derive(Debug)]
pub struct Store {
    pub clock: Clock,
    pub strings: Interner,
    pub profiles: HashMap<Sym, Profile>,
    /// For tenant prevalence: feature → principals that used it.
    pub prevalence: HashMap<(Feat, Sym), Vec<Sym>>,
    pub touches: Vec<Touch>,
    pub sources: SourceDays,
    pub events: u64,
    /// Tenant interactive sign-ins per local weekday and hour.
    pub tenant_hours: [[u32; 24]; 7],
    ua_cache: HashMap<Box<str>, (Sym, Sym, UaClass)>,
    by_session: Groups,
    by_token: Groups,
    by_actor: Groups,
    /// The first and last local day of the case.
    pub span: Option<(Day, Day)>,
}

const MAX_UA_LEN: usize = 256;

fn is_signin(source: Source) -> bool {
    source.is_signin()
}

impl Store {
    /// An empty store reading time through `clock`.
    pub fn new(clock: Clock) -> Store {
        Store {
            clock,
            strings: Interner::new(),
            profiles: HashMap::default(),
            prevalence: HashMap::default(),
            touches: Vec::new(),
            sources: SourceDays::default(),
            events: 0,
            tenant_hours: [[0; 24]; 7],
            ua_cache: HashMap::default(),
            by_session: Groups::default(),
            by_token: Groups::default(),
            by_actor: Groups::default(),
            span: None,
        }
    }

    fn ua_info(&mut self, ua: &str) -> (Sym, Sym, UaClass) {
        if let Some(v) = self.ua_cache.get(ua) {
            return *v;
        }
        let short: String = ua.chars().take(MAX_UA_LEN).collect();
        let raw = self.strings.intern(&short);
        let fam = catalog::ua_family(ua);
        let fam = self.strings.intern(&fam);
        let class = catalog::classify_user_agent(ua);
        if self.ua_cache.len() < 200_000 {
            self.ua_cache.insert(ua.into(), (raw, fam, class));
        }
        (raw, fam, class)
    }

    fn sym_opt(&mut self, s: Option<&str>) -> Sym {
        match s {
            Some(v) if !v.is_empty() => self.strings.intern(v),
            _ => 0,
        }
    }

    /// Takes in one event: coverage, baselines, and a touch when it is a sign-in or an access.
    pub fn observe(&mut self, ev: &Event) {
        self.events += 1;
        let Some(ts) = ev.ts else {
            self.sources.without_time += 1;
            return;
        };
        let day = self.clock.day(ts);
        self.span = Some(match self.span {
            None => (day, day),
            Some((a, b)) => (a.min(day), b.max(day)),
        });
        if let Some(src) = ev.source {
            *self.sources.days.entry(src).or_default().entry(day).or_default() += 1;
        }
        let Some(source) = ev.source else { return };
        let Some(pkey) = principal_key(ev) else { return };
        let actor = self.strings.intern(&pkey);
        let ua_text = ev.user_agent.as_deref().unwrap_or("");
        let (ua, ua_family, ua_class) = if ua_text.is_empty() { (0, 0, ev.ua_class) } else { self.ua_info(ua_text) };
        // Ingest's class wins when it set one; ours fills the gap.
        let ua_class = if ev.ua_class != UaClass::Empty || ua_text.is_empty() { ev.ua_class } else { ua_class };
        let success = ev.result != EventResult::Failure;
        let signin = is_signin(source);
        let interactive =
            signin && ev.signin.as_ref().and_then(|s| s.interactive).unwrap_or(source == Source::SigninInteractive);
        let country = self.sym_opt(ev.net.country.as_deref().map(|c| c.trim()).filter(|c| !c.is_empty()));
        let ip_text = ev.net.ip.map(|ip| canonical_ip(&ip));
        let ip = self.sym_opt(ip_text.as_deref());
        let asn = ev.net.asn.unwrap_or(0);
        let app = self.sym_opt(ev.app_id.as_deref());
        let audited = matches!(source, Source::EntraAudit | Source::UalAzureAd)
            || source == Source::UalExchange && ev.mailbox.is_none();

        // One classification of the Graph request serves the baseline and the touch.
        let shape = ev.http.as_ref().map(|h| graph::shape(&h.method, &h.uri));

        // Baseline.
        if success {
            let unix = ts.timestamp();
            let hour = self.clock.hour(ts) as usize;
            let country_v = country;
            let asn_sym = if asn != 0 { self.strings.intern(&asn.to_string()) } else { 0 };
            let class_sym = self.strings.intern(ua_class.as_str());
            let template = match &shape {
                Some(s) => self.strings.intern(&s.template),
                None => 0,
            };
            let p = self.profiles.entry(actor).or_default();
            if p.first_ts == 0 || unix < p.first_ts {
                p.first_ts = unix;
            }
            p.last_ts = p.last_ts.max(unix);
            p.kind.get_or_insert(ev.actor.kind);
            p.active.insert(day);
            if signin || audited {
                p.signin_days.insert(day);
            }
            if interactive || audited {
                let e = p.hours.entry(day).or_insert([0; 24]);
                e[hour] = e[hour].saturating_add(1);
            }
            let add = |p: &mut Profile, f: Feat, v: Sym| {
                if v != 0 {
                    p.features.entry((f, v)).or_default().insert(day);
                }
            };
            add(p, Feat::Country, country_v);
            add(p, Feat::Asn, asn_sym);
            add(p, Feat::UaFamily, ua_family);
            add(p, Feat::UaClass, class_sym);
            add(p, Feat::Ip, ip);
            if signin {
                add(p, Feat::ClientApp, app);
            }
            if interactive {
                add(p, Feat::InteractiveCountry, country_v);
                add(p, Feat::InteractiveAsn, asn_sym);
            }
            if let Some(s) = &shape {
                add(p, Feat::GraphTemplate, template);
                if s.class == GraphClass::Enumeration {
                    add(p, Feat::Enumeration, 1);
                }
            }
            for (f, v) in [(Feat::Country, country_v), (Feat::Asn, asn_sym), (Feat::UaFamily, ua_family)] {
                if v != 0 {
                    let users = self.prevalence.entry((f, v)).or_default();
                    if users.len() < 64 && !users.contains(&actor) {
                        users.push(actor);
                    }
                }
            }
            if interactive && matches!(ev.actor.kind, ActorKind::User | ActorKind::Guest) {
                let l = ts.with_timezone(&self.clock.tz);
                let wd = chrono::Datelike::weekday(&l).num_days_from_monday() as usize;
                self.tenant_hours[wd][hour] += 1;
            }
        }

        // Touch.
        let Some(kind) = touch_kind(ev, source, shape.as_ref()) else { return };
        let mut fl = 0u16;
        if success {
            fl |= flags::SUCCESS;
        }
        if interactive {
            fl |= flags::INTERACTIVE;
        }
        if ev.device.managed == Some(false) || (signin && ev.device.managed.is_none() && ev.device.id.is_none()) {
            fl |= flags::UNMANAGED;
        }
        if let Some(si) = &ev.signin {
            if si.cross_tenant_access_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("serviceProvider")) {
                fl |= flags::SERVICE_PROVIDER;
            }
            if si.auth_protocol.as_deref().is_some_and(|p| {
                let p = p.to_ascii_lowercase();
                p == "devicecode" || p == "ropc"
            }) {
                fl |= flags::DEVICE_CODE_OR_ROPC;
            }
        }
        if ev.actor.kind == ActorKind::Partner {
            fl |= flags::SERVICE_PROVIDER;
        }
        let (mut template, mut detail, mut status, mut bytes) = (0, 0, 0u16, 0u64);
        if let (Some(h), Some(s)) = (&ev.http, &shape) {
            template = self.strings.intern(&s.template);
            if let Some(g) = &s.expanded {
                detail = self.strings.intern(g);
            }
            if s.paged {
                fl |= flags::PAGED;
            }
            if s.email_select {
                fl |= flags::EMAIL_SELECT;
            }
            status = h.status.unwrap_or(0);
            bytes = h.bytes.unwrap_or(0);
        } else if signin {
            detail = self.sym_opt(ev.signin.as_ref().and_then(|s| s.auth_protocol.as_deref()));
        }
        let (mut mailbox, mut logon_type, mut items) = (0, u8::MAX, 1u32);
        if let Some(m) = &ev.mailbox {
            mailbox = self.sym_opt(m.mailbox.as_deref());
            logon_type = m.logon_type.unwrap_or(u8::MAX);
            items = m.item_count.map(|c| c.min(u32::MAX as u64) as u32).unwrap_or(1).max(1);
            if m.external_access == Some(true) {
                fl |= flags::EXTERNAL_ACCESS;
            }
        }
        let session = self.sym_opt(ev.session_id.as_deref());
        let token = self.sym_opt(ev.token_id.as_deref().map(|t| t.trim_end_matches('=')));
        let home_tenant = self.sym_opt(ev.actor.home_tenant.as_deref());
        let resource = self.sym_opt(ev.resource_id.as_deref());
        self.touches.push(Touch {
            ts: ts.timestamp(),
            id: ev.id.as_str().into(),
            kind,
            source,
            actor,
            actor_kind: ev.actor.kind,
            home_tenant,
            session,
            token,
            ip,
            asn,
            country,
            ua_class,
            ua,
            ua_family,
            app,
            resource,
            mailbox,
            logon_type,
            items,
            bytes,
            status,
            template,
            detail,
            flags: fl,
        });
    }

    /// Sorts touches by time and builds the session, token and actor indexes.
    pub fn finish(&mut self) {
        self.touches.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.id.cmp(&b.id)));
        self.ua_cache = HashMap::default();
        let symbols = self.strings.len();
        let positions = || self.touches.iter().enumerate().map(|(i, t)| (t, i as u32));
        self.by_session =
            Groups::build(symbols, positions().filter(|(t, _)| t.session != 0).map(|(t, i)| (t.session, i)));
        self.by_token = Groups::build(symbols, positions().filter(|(t, _)| t.token != 0).map(|(t, i)| (t.token, i)));
        self.by_actor = Groups::build(symbols, positions().map(|(t, i)| (t.actor, i)));
    }

    /// Touches sharing a session id, in time order.
    pub fn in_session(&self, s: Sym) -> impl Iterator<Item = &Touch> {
        self.by_session.get(s).iter().map(|&i| &self.touches[i as usize])
    }

    /// Touches sharing a token id, in time order.
    pub fn with_token(&self, t: Sym) -> impl Iterator<Item = &Touch> {
        self.by_token.get(t).iter().map(|&i| &self.touches[i as usize])
    }

    /// Touches by one principal, in time order.
    pub fn by(&self, actor: Sym) -> impl Iterator<Item = &Touch> {
        self.by_actor.get(actor).iter().map(|&i| &self.touches[i as usize])
    }

    /// Touches by one principal within `[from, to]` (unix seconds).
    pub fn by_between(&self, actor: Sym, from: i64, to: i64) -> impl Iterator<Item = &Touch> {
        let idx = self.by_actor.get(actor);
        let start = idx.partition_point(|&i| self.touches[i as usize].ts < from);
        idx[start..].iter().map(|&i| &self.touches[i as usize]).take_while(move |t| t.ts <= to)
    }

    /// All sessions with their touch indexes.
    pub fn sessions(&self) -> impl Iterator<Item = (Sym, &[u32])> {
        self.by_session.iter()
    }

    /// The profile of a principal key (`alice@contoso.com`, `app:<id>`).
    pub fn profile_of(&self, key: &str) -> Option<&Profile> {
        self.strings.lookup(key).and_then(|s| self.profiles.get(&s))
    }

    /// The profile behind a symbol.
    pub fn profile(&self, s: Sym) -> Option<&Profile> {
        self.profiles.get(&s)
    }

    /// Number of distinct principals that used a feature value anywhere in the case.
    pub fn prevalence_of(&self, f: Feat, v: Sym, except: Sym) -> usize {
        self.prevalence.get(&(f, v)).map(|u| u.iter().filter(|&&x| x != except).count()).unwrap_or(0)
    }

    /// True when the case holds any event of `source`.
    pub fn has_source(&self, source: Source) -> bool {
        self.sources.days.get(&source).is_some_and(|d| !d.is_empty())
    }

    /// The string of a symbol.
    pub fn s(&self, sym: Sym) -> &str {
        self.strings.name(sym)
    }
}

/// The address without port, IPv4-mapped IPv6 shown as IPv4.
pub fn canonical_ip(ip: &IpAddr) -> String {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => v6.to_string(),
        },
        IpAddr::V4(v4) => v4.to_string(),
    }
}

fn touch_kind(ev: &Event, source: Source, shape: Option<&graph::GraphShape>) -> Option<TouchKind> {
    if source.is_signin() {
        return Some(TouchKind::SignIn);
    }
    if let Some(s) = shape {
        return Some(match s.class {
            GraphClass::Mail => TouchKind::GraphMail,
            GraphClass::File => TouchKind::GraphFile,
            GraphClass::Enumeration => TouchKind::GraphEnum,
            GraphClass::Other => TouchKind::GraphOther,
        });
    }
    let op = ev.operation.as_str();
    match op {
        "MailItemsAccessed" => return Some(TouchKind::MailRead),
        "MailboxLogin" => return Some(TouchKind::MailboxLogin),
        "Send" | "SendAs" | "SendOnBehalf" => return Some(TouchKind::MailSend),
        "FileDownloaded" | "FileSyncDownloadedFull" | "FileSyncDownloadedPartial" => {
            return Some(TouchKind::FileDownload)
        }
        "FileAccessed" | "FileAccessedExtended" | "FilePreviewed" => return Some(TouchKind::FileRead),
        _ => {}
    }
    if source.is_ual() && ev.net.ip.is_some() && (ev.session_id.is_some() || ev.token_id.is_some()) {
        return Some(TouchKind::Activity);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_sets_count_ranges() {
        let mut d = DaySet::default();
        for x in [5, 1, 3, 3, 9] {
            d.insert(x);
        }
        assert_eq!(d.len(), 4);
        assert_eq!(d.count_in(1, 5), 2);
        assert_eq!(d.count_in(0, 100), 4);
        assert_eq!(d.last_before(5), Some(3));
        assert_eq!(d.last_before(1), None);
    }

    #[test]
    fn interner_round_trips() {
        let mut i = Interner::new();
        let a = i.intern("alice");
        assert_eq!(i.intern("alice"), a);
        assert_eq!(i.name(a), "alice");
        assert_eq!(i.name(0), "");
        assert_eq!(i.intern(""), 0);
        assert_eq!(i.lookup("bob"), None);
        let words: Vec<String> = (0..10_000).map(|n| format!("token-{n}")).collect();
        let syms: Vec<Sym> = words.iter().map(|w| i.intern(w)).collect();
        for (w, &s) in words.iter().zip(&syms) {
            assert_eq!(i.intern(w), s);
            assert_eq!((i.name(s), i.lookup(w)), (w.as_str(), Some(s)));
        }
        assert_eq!(i.len(), 10_002);
        assert_eq!(i.name(99_999), "");
    }

    #[test]
    fn interner_tells_apart_strings_whose_hashes_collide() {
        let mut i = Interner::new();
        let a = i.intern("alice");
        // Make "mallory" hash to alice's entry, as a real 64-bit collision would.
        let forged = text_hash("mallory");
        i.by_hash.remove(&forged);
        i.by_hash.insert(forged, a);
        let m = i.intern("mallory");
        assert_ne!(m, a);
        assert_eq!((i.name(m), i.name(a)), ("mallory", "alice"));
        assert_eq!(i.intern("mallory"), m);
        assert_eq!((i.lookup("mallory"), i.lookup("alice")), (Some(m), Some(a)));
    }

    #[test]
    fn groups_keep_each_symbols_positions_in_order() {
        let keyed = [(2, 0), (1, 1), (2, 2), (5, 3), (2, 4)];
        let g = Groups::build(6, keyed.iter().copied());
        assert_eq!(g.get(2), &[0, 2, 4]);
        assert_eq!((g.get(1), g.get(5), g.get(0), g.get(99)), (&[1][..], &[3][..], &[][..], &[][..]));
        let all: Vec<(Sym, Vec<u32>)> = g.iter().map(|(s, v)| (s, v.to_vec())).collect();
        assert_eq!(all, vec![(1, vec![1]), (2, vec![0, 2, 4]), (5, vec![3])]);
    }

    #[test]
    fn mapped_addresses_print_as_ipv4() {
        let ip: IpAddr = "::ffff:203.0.113.5".parse().unwrap();
        assert_eq!(canonical_ip(&ip), "203.0.113.5");
    }
}
