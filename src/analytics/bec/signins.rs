//! What the sign-in detections share: which sign-in records count (one per sign-in, whichever log holds it),
//! whose sign-ins are left out by the case's allow lists, how a sign-in's place and time read in a reason, and
//! what a session or token went on to reach.

use crate::analytics::allow::{names_of, AllowList};
use crate::analytics::common::{ip_in, utc, Cx, Findings};
use crate::analytics::store::profile::Feat;
use crate::analytics::store::strings::Sym;
use crate::analytics::store::touch::{flags, Touch, TouchKind};
use crate::model::{ActorKind, Source};
use ipnet::IpNet;
use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::collections::BTreeSet;

/// True for the principals the sign-in detections judge: people (members, guests, partners' staff).
pub fn is_person(t: &Touch) -> bool {
    matches!(t.actor_kind, ActorKind::User | ActorKind::Guest | ActorKind::Partner)
}

/// The sign-in records of people, in time order, each sign-in once: the Entra sign-in logs, and the Unified
/// Audit Log's copies (`UserLoggedIn`, `UserLoginFailed`) only on days no Entra user sign-in log covers.
pub fn attempts<'a>(cx: &Cx<'a>) -> Vec<&'a Touch> {
    cx.store
        .touches
        .iter()
        .filter(|t| is_person(t))
        .filter(|t| match t.kind {
            TouchKind::SignIn => matches!(t.source, Source::SigninInteractive | Source::SigninNoninteractive),
            TouchKind::UalSignIn => !cx.store.user_signins_logged_on(cx.day_of(t)),
            _ => false,
        })
        .collect()
}

/// True when the case holds any sign-in record of people, from the Entra logs or the UAL's copies.
pub fn any_signins(cx: &Cx) -> bool {
    [Source::SigninInteractive, Source::SigninNoninteractive].iter().any(|s| cx.store.has_source(*s))
        || cx.store.touches.iter().any(|t| t.kind == TouchKind::UalSignIn)
}

/// True when the case holds Entra sign-in logs of people (the UAL's copies lack protocol, client and risk).
pub fn entra_signins(cx: &Cx) -> bool {
    [Source::SigninInteractive, Source::SigninNoninteractive].iter().any(|s| cx.store.has_source(*s))
}

/// The coverage note when the case holds no sign-in of people at all.
pub fn note_missing_signins(cx: &Cx, out: &mut Findings) -> bool {
    if any_signins(cx) {
        return false;
    }
    out.notes.push(
        "the case holds no sign-in of people (Entra interactive or non-interactive sign-in logs, or the UAL's \
         UserLoggedIn/UserLoginFailed): nothing to judge"
            .to_string(),
    );
    true
}

/// The people the case says to leave alone: the detection's `user_allowlist` and `[allow] automation_accounts`.
pub struct UserAllow {
    params: AllowList,
    automation: AllowList,
    /// Each principal's answer, worked out once: a spray or a busy account asks again for every sign-in.
    answers: RefCell<HashMap<Sym, Option<(&'static str, String)>>>,
}

impl UserAllow {
    /// The lists of this detection and case.
    pub fn read(cx: &Cx) -> UserAllow {
        UserAllow {
            params: AllowList::new(cx.params.list("user_allowlist")),
            automation: AllowList::new(&cx.config.allow.automation_accounts),
            answers: RefCell::default(),
        }
    }

    /// The rule and the name that allow `actor`, matched against every name the case knows it by.
    pub fn matched(&self, cx: &Cx, actor: Sym) -> Option<(&'static str, String)> {
        if let Some(known) = self.answers.borrow().get(&actor) {
            return known.clone();
        }
        let answer = self.answer(cx, actor);
        self.answers.borrow_mut().insert(actor, answer.clone());
        answer
    }

    fn answer(&self, cx: &Cx, actor: Sym) -> Option<(&'static str, String)> {
        let names = names_of(cx, actor);
        if let Some(m) = self.params.matched(&names) {
            return Some(("user_allowlist", m.to_ascii_lowercase()));
        }
        self.automation.matched(&names).map(|m| ("allow.automation_accounts", m.to_ascii_lowercase()))
    }
}

/// Expected networks: `[allow] expected_ips` and the detection's `expected_ips` parameter.
pub fn expected(cx: &Cx) -> Vec<IpNet> {
    cx.expected_nets("expected_ips")
}

/// True when the touch's address lies in `nets`.
pub fn from_expected(cx: &Cx, nets: &[IpNet], t: &Touch) -> bool {
    let ip = cx.s(t.ip);
    !ip.is_empty() && ip_in(nets, ip)
}

/// Integer codes of a list parameter (`["50126", "50053"]`); entries that are not numbers are ignored.
pub fn codes(cx: &Cx, param: &str) -> Vec<u32> {
    cx.params.list(param).iter().filter_map(|s| s.trim().parse().ok()).collect()
}

/// A list parameter, trimmed and lower-cased.
pub fn words(cx: &Cx, param: &str) -> Vec<String> {
    cx.params.lower(param).into_iter().filter(|s| !s.is_empty()).collect()
}

/// ASNs of a list parameter written `AS13335 Cloudflare WARP` (or `13335`), with the name after the number.
pub fn asn_list(cx: &Cx, param: &str) -> Vec<(u32, String)> {
    cx.params
        .list(param)
        .iter()
        .filter_map(|s| {
            let s = s.trim();
            let s = s.strip_prefix("AS").or_else(|| s.strip_prefix("as")).unwrap_or(s);
            let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
            let n: u32 = digits.parse().ok()?;
            Some((n, s[digits.len()..].trim().to_string()))
        })
        .collect()
}

/// `203.0.113.5 (NL, AS14061)`: the address with what the case knows of its country and network.
pub fn where_text(cx: &Cx, t: &Touch) -> String {
    let ip = if t.ip == 0 { "(no address)" } else { cx.s(t.ip) };
    match (cx.s(t.country), t.asn) {
        ("", 0) => ip.to_string(),
        (c, 0) => format!("{ip} ({c})"),
        ("", a) => format!("{ip} (AS{a})"),
        (c, a) => format!("{ip} ({c}, AS{a})"),
    }
}

/// A UTC time for reasons: `2023-07-12 12:38:39 UTC`.
pub fn when(ts: i64) -> String {
    utc(ts).format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// A span of seconds for reasons: `11 s`, `14 min`, `3 h 5 min`, `2 d 4 h`.
pub fn span(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..=119 => format!("{s} s"),
        120..=5_399 => format!("{} min", (s + 30) / 60),
        5_400..=172_799 => format!("{} h {} min", s / 3600, (s % 3600) / 60),
        _ => format!("{} d {} h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// `a, b, c and 4 more`.
pub fn list_some(items: &[String], max: usize) -> String {
    if items.len() <= max {
        items.join(", ")
    } else {
        format!("{} and {} more", items[..max].join(", "), items.len() - max)
    }
}

/// The error code and failure reason of a sign-in, for reasons: `50126 (Invalid username or password)`.
pub fn error_text(cx: &Cx, t: &Touch) -> String {
    let reason = cx.s(t.reason);
    match (t.error, reason.is_empty()) {
        (0, true) => "failure".to_string(),
        (0, false) => reason.to_string(),
        (c, true) => c.to_string(),
        (c, false) => {
            let r = reason.strip_prefix(&format!("{c}: ")).unwrap_or(reason);
            if r == c.to_string() {
                c.to_string()
            } else {
                format!("{c} ({r})")
            }
        }
    }
}

/// True when the user signed in successfully from `ip` on at least `min_days` days before `day` (in the lookback).
pub fn usual_ip(cx: &Cx, actor: Sym, ip: Sym, day: i32, min_days: usize) -> bool {
    let (from, to) = cx.lookback(day);
    ip != 0 && cx.store.profile(actor).is_some_and(|p| p.days_with(Feat::Ip, ip, from, to) >= min_days.max(1))
}

/// True when the user signed in successfully from network `asn` on at least one day in the lookback before `day`.
pub fn usual_asn(cx: &Cx, actor: Sym, asn: u32, day: i32) -> bool {
    if asn == 0 {
        return false;
    }
    let (from, to) = cx.lookback(day);
    let Some(sym) = cx.store.strings.lookup(&asn.to_string()) else { return false };
    cx.store.profile(actor).is_some_and(|p| p.days_with(Feat::Asn, sym, from, to) >= 1)
}

/// The days in the lookback before `day` on which the user acted from `country`; `None` when the country is
/// unknown.
pub fn country_days(cx: &Cx, actor: Sym, country: Sym, day: i32) -> Option<usize> {
    if country == 0 {
        return None;
    }
    let (from, to) = cx.lookback(day);
    Some(cx.store.profile(actor).map(|p| p.days_with(Feat::Country, country, from, to)).unwrap_or(0))
}

/// What a session or token went on to reach after a sign-in: mail, files, Graph and further sign-ins.
#[derive(Default)]
pub struct FollowOn<'a> {
    pub mail_items: u64,
    /// Graph requests reaching mail, files or the directory.
    pub graph_calls: u64,
    /// Other Graph requests (profile, settings).
    pub other_calls: u64,
    pub file_reads: u64,
    pub mailboxes: BTreeSet<Sym>,
    /// Addresses other than the sign-ins' own that used the session or token.
    pub other_ips: BTreeSet<Sym>,
    pub touches: Vec<&'a Touch>,
}

impl FollowOn<'_> {
    /// True when mail, files or Graph data were reached.
    pub fn reached_data(&self) -> bool {
        self.mail_items + self.graph_calls + self.file_reads > 0
    }

    /// `12 mail item(s) read, 3 Graph mail/file/directory request(s), 1 other Graph request(s), 0 file
    /// read(s)/download(s)`.
    pub fn text(&self) -> String {
        format!(
            "{} mail item(s) read, {} Graph mail/file/directory request(s), {} other Graph request(s), {} file \
             read(s)/download(s)",
            self.mail_items, self.graph_calls, self.other_calls, self.file_reads
        )
    }
}

/// The touches of `actor` in `[from, to]` that share a session or token with `signins` (the sign-ins themselves
/// left out).
pub fn follow_on<'a>(cx: &Cx<'a>, actor: Sym, signins: &[&Touch], from: i64, to: i64) -> FollowOn<'a> {
    let sessions: BTreeSet<Sym> = signins.iter().map(|t| t.session).filter(|s| *s != 0).collect();
    let tokens: BTreeSet<Sym> = signins.iter().map(|t| t.token).filter(|s| *s != 0).collect();
    let own_ips: BTreeSet<Sym> = signins.iter().map(|t| t.ip).filter(|s| *s != 0).collect();
    let ids: BTreeSet<&str> = signins.iter().map(|t| &*t.id).collect();
    let mut f = FollowOn::default();
    for t in cx.store.by_between(actor, from, to) {
        if ids.contains(&*t.id) {
            continue;
        }
        let linked = (t.session != 0 && sessions.contains(&t.session)) || (t.token != 0 && tokens.contains(&t.token));
        if !linked {
            continue;
        }
        match t.kind {
            TouchKind::MailRead => f.mail_items += t.items as u64,
            TouchKind::GraphMail | TouchKind::GraphFile | TouchKind::GraphEnum => f.graph_calls += 1,
            TouchKind::GraphOther => f.other_calls += 1,
            TouchKind::FileRead | TouchKind::FileDownload => f.file_reads += 1,
            _ => {}
        }
        if t.mailbox != 0 {
            f.mailboxes.insert(t.mailbox);
        }
        if t.ip != 0 && !own_ips.contains(&t.ip) && (t.has(flags::SUCCESS) || t.kind.is_data_access()) {
            f.other_ips.insert(t.ip);
        }
        f.touches.push(t);
    }
    f
}
