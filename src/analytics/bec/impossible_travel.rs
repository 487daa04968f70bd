//! impossible-travel: successive successful sign-ins of one person from places too far apart for the time
//! between them.
//!
//! Each person's successful interactive sign-ins (each once, whichever log holds it) are placed: at the
//! coordinates the sign-in record or a GeoIP city database gave the address, with `city_radius_km` of slack;
//! else at the centre of its country from `assets/analytics/country_places.txt`, with the country's radius as
//! slack; else not at all ("location unknown"). Consecutive placed sign-ins from different addresses are compared: the great-circle
//! distance less both slacks is the least distance the person covered, and above `min_distance_km` at a speed
//! over `max_speed_kmh` the hop is impossible. Sign-ins that could not be placed never break the chain (the
//! next placed one is compared with the last placed one) and are named in the reason and the coverage notes.
//!
//! Addresses that do not say where the person is are look-alikes: a hop to or from a listed VPN, proxy or
//! privacy-relay network (`vpn_proxy_asns`) or the company's VPN egress (`vpn_egress_ips`) is suppressed and
//! counted, and those sign-ins never anchor the chain; a listed mobile carrier (`mobile_asns`) is placed by its
//! country only. (Office egress in `[allow] expected_ips` is a fixed place and stays a good anchor.) Impossible
//! hops of one person on one day are one alert, medium, raised by a country the person never used (with enough
//! history), a hosting network (`hosting_asns`) and mail or file access in the session of the suspect end.

use super::signins::{self, list_some, span, when, UserAllow};
use crate::analytics::alert::AlertBuilder;
use crate::analytics::clock::Day;
use crate::analytics::common::{raise, utc, Cx, Findings};
use crate::analytics::store::strings::Sym;
use crate::analytics::store::touch::{flags, Touch, TouchKind};
use crate::model::Severity;
use ipnet::IpNet;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// Mean radius of the Earth (km).
const EARTH_KM: f64 = 6371.0;

/// A country's centre and radius, from the bundled table.
struct CountryPlace {
    name: String,
    lat: f64,
    lon: f64,
    radius_km: f64,
}

/// The bundled country table, read once.
fn countries() -> &'static HashMap<String, CountryPlace> {
    static TABLE: OnceLock<HashMap<String, CountryPlace>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("../../../assets/analytics/country_places.txt")
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .filter_map(|l| {
                let f: Vec<&str> = l.split('|').map(str::trim).collect();
                let place = CountryPlace {
                    name: f.get(1)?.to_string(),
                    lat: f.get(2)?.parse().ok()?,
                    lon: f.get(3)?.parse().ok()?,
                    radius_km: f.get(4)?.parse().ok()?,
                };
                Some((f[0].to_ascii_uppercase(), place))
            })
            .collect()
    })
}

/// Where a sign-in was placed, how precisely, and how to say so.
#[derive(Clone)]
struct Located {
    lat: f64,
    lon: f64,
    slack_km: f64,
    /// `Amsterdam, NL` or `GB`.
    short: String,
    /// How the place was found: the record's coordinates, or a country's centre.
    how: String,
}

/// The thresholds and lists this detection reads.
struct Settings {
    max_speed: f64,
    min_distance: f64,
    city_radius: f64,
    noninteractive: bool,
    vpn: Vec<(u32, String)>,
    mobile: Vec<(u32, String)>,
    hosting: Vec<(u32, String)>,
    followon_window: i64,
    vpn_nets: Vec<IpNet>,
    users: UserAllow,
}

impl Settings {
    fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        Settings {
            max_speed: p.float("max_speed_kmh").max(1.0),
            min_distance: p.float("min_distance_km").max(0.0),
            city_radius: p.float("city_radius_km").max(0.0),
            noninteractive: p.flag("include_noninteractive"),
            vpn: signins::asn_list(cx, "vpn_proxy_asns"),
            mobile: signins::asn_list(cx, "mobile_asns"),
            hosting: signins::asn_list(cx, "hosting_asns"),
            followon_window: p.int("followon_window_min").max(1) * 60,
            vpn_nets: p.list("vpn_egress_ips").iter().filter_map(|n| crate::config::parse_net(n)).collect(),
            users: UserAllow::read(cx),
        }
    }
}

/// The name a list gives an ASN, if it lists it.
fn listed(list: &[(u32, String)], asn: u32) -> Option<&str> {
    list.iter().find(|(n, _)| *n == asn && asn != 0).map(|(_, name)| name.as_str())
}

/// Where the sign-in was, as precisely as the case allows; `None` when the location is unknown.
fn locate(cx: &Cx, s: &Settings, t: &Touch) -> Option<Located> {
    let country = cx.s(t.country).to_ascii_uppercase();
    let mobile = listed(&s.mobile, t.asn);
    if let (Some(p), None) = (cx.store.place_of(t.ip), mobile) {
        let city = cx.s(p.city);
        let short = match (city.is_empty(), country.is_empty()) {
            (false, false) => format!("{city}, {country}"),
            (false, true) => city.to_string(),
            _ => country.clone(),
        };
        let (lat, lon) = (p.latitude as f64, p.longitude as f64);
        let from = match p.by {
            0 => "the sign-in record".to_string(),
            by => format!("GeoIP database {}", cx.s(by)),
        };
        let how = format!("{lat:.2}, {lon:.2} from {from}, ±{:.0} km", s.city_radius);
        return Some(Located { lat, lon, slack_km: s.city_radius, short, how });
    }
    let c = countries().get(&country)?;
    let how = match mobile {
        Some(name) => format!(
            "centre of {} ({:.2}, {:.2}), ±{:.0} km: AS{} ({name}) is a mobile carrier, placed by country only",
            c.name, c.lat, c.lon, c.radius_km, t.asn
        ),
        None => format!(
            "centre of {} ({:.2}, {:.2}), ±{:.0} km: the record names only the country",
            c.name, c.lat, c.lon, c.radius_km
        ),
    };
    Some(Located { lat: c.lat, lon: c.lon, slack_km: c.radius_km, short: country, how })
}

/// Great-circle distance (km).
fn haversine(a: &Located, b: &Located) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_KM * h.sqrt().min(1.0).asin()
}

/// One impossible hop between two placed sign-ins.
struct Hop<'a> {
    a: &'a Touch,
    b: &'a Touch,
    la: Located,
    lb: Located,
    /// The least distance covered (km).
    km: f64,
    /// Unplaced sign-ins between the two.
    unknown_between: usize,
}

impl Hop<'_> {
    /// Speed (km/h) over the hop; infinite for sign-ins at the same second.
    fn speed(&self) -> f64 {
        let h = (self.b.ts - self.a.ts) as f64 / 3600.0;
        if h <= 0.0 {
            f64::INFINITY
        } else {
            self.km / h
        }
    }
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    if signins::note_missing_signins(cx, &mut out) {
        return out;
    }
    let s = Settings::read(cx);
    let mut by_actor: BTreeMap<Sym, Vec<&Touch>> = BTreeMap::new();
    for t in signins::attempts(cx) {
        if t.has(flags::SUCCESS) && (s.noninteractive || t.kind == TouchKind::UalSignIn || t.has(flags::INTERACTIVE)) {
            by_actor.entry(t.actor).or_default().push(t);
        }
    }
    let (mut unknown, mut total) = (0usize, 0usize);
    for (actor, list) in by_actor {
        total += list.len();
        if let Some((rule, matched)) = s.users.matched(cx, actor) {
            out.suppressions.add(&cx.meta.id, rule, &matched, &list[0].id);
            continue;
        }
        let (hops, n) = hops(cx, &s, &list, &mut out);
        unknown += n;
        let mut by_day: BTreeMap<Day, Vec<Hop>> = BTreeMap::new();
        for h in hops {
            by_day.entry(cx.day_of(h.b)).or_default().push(h);
        }
        for (day, hops) in by_day {
            out.alerts.push(alert(cx, &s, actor, day, &hops));
        }
    }
    if unknown > 0 {
        out.notes.push(format!(
            "{unknown} of {total} successful sign-in(s) had no coordinates and no country (location unknown): \
             travel to or from them could not be judged"
        ));
    }
    out
}

/// The impossible hops in one person's time-ordered sign-ins, and how many sign-ins could not be placed.
fn hops<'a>(cx: &Cx, s: &Settings, list: &[&'a Touch], out: &mut Findings) -> (Vec<Hop<'a>>, usize) {
    let mut found = Vec::new();
    let (mut prev, mut between, mut unknown): (Option<(&Touch, Located)>, usize, usize) = (None, 0, 0);
    for &t in list {
        let Some(loc) = locate(cx, s, t) else {
            between += 1;
            unknown += 1;
            continue;
        };
        let unplaceable = listed(&s.vpn, t.asn).is_some() || signins::from_expected(cx, &s.vpn_nets, t);
        if let Some((p, pl)) = &prev {
            if p.ip != t.ip {
                let km = (haversine(pl, &loc) - pl.slack_km - loc.slack_km).max(0.0);
                let hop = Hop { a: p, b: t, la: pl.clone(), lb: loc.clone(), km, unknown_between: between };
                if km >= s.min_distance && hop.speed() > s.max_speed {
                    if unplaceable {
                        let (rule, matched) = match listed(&s.vpn, t.asn) {
                            Some(_) => ("look-alike: VPN or proxy network", format!("AS{}", t.asn)),
                            None => ("vpn_egress_ips", cx.s(t.ip).to_string()),
                        };
                        out.suppressions.add(&cx.meta.id, rule, &matched, &t.id);
                    } else {
                        found.push(hop);
                    }
                }
            }
        }
        // A VPN exit says nothing of where the person is: it anchors nothing.
        if !unplaceable {
            prev = Some((t, loc));
            between = 0;
        }
    }
    (found, unknown)
}

/// The alert for one person's impossible hops on one day.
fn alert(cx: &Cx, s: &Settings, actor: Sym, day: Day, hops: &[Hop]) -> AlertBuilder {
    let user = cx.s(actor).to_string();
    let h0 = &hops[0];
    let mut b = cx.alert(
        format!(
            "{user}: impossible travel from {} to {} (at least {:.0} km in {})",
            h0.la.short,
            h0.lb.short,
            h0.km,
            span(h0.b.ts - h0.a.ts)
        ),
        Severity::Medium,
    );
    let enough_history = cx.check_history(&mut b, actor, day);
    b.key.push(user.clone());
    b.key.push(h0.b.ts.to_string());
    for h in hops {
        describe_hop(cx, s, &mut b, h);
    }
    b.alert.severity = severity(cx, s, &mut b, actor, hops, enough_history);
    b.entities().user(&user);
    for h in hops {
        for t in [h.a, h.b] {
            b.entities().ip(cx.s(t.ip));
            b.entities().session(cx.s(t.session));
            b.entities().app(cx.s(t.app), None);
            b.evidence(&t.id, utc(t.ts));
        }
    }
    b
}

/// The reason for one hop: both ends, how each was placed, the least distance and the speed.
fn describe_hop(cx: &Cx, s: &Settings, b: &mut AlertBuilder, h: &Hop) {
    let speed = h.speed();
    let speed_text = if speed.is_finite() { format!("{speed:.0} km/h") } else { "at the same second".to_string() };
    b.reason(format!(
        "{} from {} in {} ({}), then {} from {} in {} ({}): at least {:.0} km apart in {}, {speed_text} (limit {:.0} km/h)",
        when(h.a.ts),
        cx.s(h.a.ip),
        h.la.short,
        h.la.how,
        when(h.b.ts),
        cx.s(h.b.ip),
        h.lb.short,
        h.lb.how,
        h.km,
        span(h.b.ts - h.a.ts),
        s.max_speed
    ));
    if h.unknown_between > 0 {
        b.reason(format!("{} sign-in(s) between them could not be placed (location unknown)", h.unknown_between));
    }
}

/// The ends of the hops that look like the intruder's: those in a country the person never used, else those from
/// an address the person never used, else the later ends.
fn suspect_ends<'a>(cx: &Cx, actor: Sym, hops: &[Hop<'a>], day: Day) -> Vec<&'a Touch> {
    let ends: Vec<&Touch> = hops.iter().flat_map(|h| [h.a, h.b]).collect();
    let new_country: Vec<&Touch> =
        ends.iter().copied().filter(|t| signins::country_days(cx, actor, t.country, day) == Some(0)).collect();
    if !new_country.is_empty() {
        return new_country;
    }
    let new_ip: Vec<&Touch> = ends.iter().copied().filter(|t| !signins::usual_ip(cx, actor, t.ip, day, 1)).collect();
    if !new_ip.is_empty() {
        return new_ip;
    }
    hops.iter().map(|h| h.b).collect()
}

/// Medium; a country the person never used (with enough history) makes it high, a hosting network and data
/// reached in the suspect end's session raise it.
fn severity(cx: &Cx, s: &Settings, b: &mut AlertBuilder, actor: Sym, hops: &[Hop], enough_history: bool) -> Severity {
    let user = cx.s(actor);
    let mut sev = Severity::Medium;
    let day = cx.day_of(hops[0].a);
    let (from, to) = cx.lookback(day);
    let mut new_countries: Vec<&str> = hops
        .iter()
        .flat_map(|h| [h.a, h.b])
        .filter(|t| signins::country_days(cx, actor, t.country, day) == Some(0))
        .map(|t| cx.s(t.country))
        .collect();
    new_countries.sort_unstable();
    new_countries.dedup();
    if !new_countries.is_empty() {
        b.reason(format!("{user} never signed in from {} in the {} days before", new_countries.join(", "), to - from));
        if enough_history {
            sev = Severity::High;
        }
    }
    let hosting: Vec<String> = hops
        .iter()
        .flat_map(|h| [h.a, h.b])
        .filter_map(|t| listed(&s.hosting, t.asn).map(|n| format!("{} (AS{} {n})", cx.s(t.ip), t.asn)))
        .collect();
    if !hosting.is_empty() {
        sev = raise(sev);
        b.reason(format!("from a hosting network, where attackers rent servers: {}", list_some(&hosting, 3)));
    }
    let suspects = suspect_ends(cx, actor, hops, day);
    let (first, last) = (suspects.iter().map(|t| t.ts).min(), suspects.iter().map(|t| t.ts).max());
    let follow = signins::follow_on(cx, actor, &suspects, first.unwrap_or(0), last.unwrap_or(0) + s.followon_window);
    if follow.reached_data() {
        sev = raise(sev);
        let ips: Vec<&str> = suspects.iter().map(|t| cx.s(t.ip)).collect();
        b.reason(format!(
            "in the session of the sign-in(s) from {} within {} min: {}",
            ips.join(", "),
            s.followon_window / 60,
            follow.text()
        ));
        for t in &follow.touches {
            b.evidence(&t.id, utc(t.ts));
        }
    }
    sev
}
