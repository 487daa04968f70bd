//! What is unusual about the person granting access at the moment of the grant: the hour, the country, the
//! network, or an address nothing places.
//!
//! An hour is never unusual inside the case's working hours. Outside them the actor's own hours decide when the
//! baseline holds enough presence; the same hour (±1 h) is pooled over the working week or the weekend, so a few
//! weeks of history are not mistaken for a gap. With a thin baseline the tenant's sign-in hours decide, and
//! without those the working hours alone. A place is judged only when the actor's history is long enough, except
//! an address with no location that the actor never used, which is new whatever the history.

use super::{Granted, Settings};
use crate::analytics::clock::pooled_share;
use crate::analytics::common::{ip_in, ip_of, Cx};
use crate::analytics::store::profile::{Feat, Profile};

/// Reasons the actor's hour or place is unusual. `enough` says the actor's history is long enough to judge their
/// own hours and places; `profile` is their baseline, however thin.
pub(super) fn anomalies(
    cx: &Cx,
    settings: &Settings,
    x: &Granted,
    profile: Option<&Profile>,
    enough: bool,
) -> Vec<String> {
    let ev = x.ev;
    let agent = ev.user_agent.as_deref().or_else(|| ev.param("User-Agent")).unwrap_or("").to_ascii_lowercase();
    let expected_agent = !agent.is_empty() && settings.uas.iter().any(|u| agent.contains(u.as_str()));
    let mut out = Vec::new();
    if !expected_agent {
        out.extend(unusual_hour(cx, x, profile, enough));
    }
    if let Some(pr) = profile.filter(|_| enough) {
        out.extend(unusual_country(cx, settings, x, pr));
        out.extend(unusual_network(cx, x, pr));
    }
    out.extend(unplaced_address(cx, x, profile));
    out
}

/// The grant's hour, judged outside working hours only: by the actor's own pooled hours, else the tenant's, else
/// the working hours alone (saying how thin the baseline is). `enough` says the actor's history is long enough.
fn unusual_hour(cx: &Cx, x: &Granted, profile: Option<&Profile>, enough: bool) -> Option<String> {
    let clock = &cx.store.clock;
    if clock.in_working_hours(x.ts) {
        return None;
    }
    let p = cx.params;
    let min_share = p.float("hour_bucket_min_share");
    let min_events = p.int("min_hour_events").max(1) as u64;
    let bucket = clock.how(x.ts);
    let when = format!("{}, outside working hours ({})", clock.describe(x.ts), clock.window_text());
    let own = profile.map(|pr| pr.how_histogram(x.from, x.to));
    let own_total: u64 = own.map(|h| h.iter().map(|&c| c as u64).sum()).unwrap_or(0);
    if let Some(hist) = own.filter(|_| enough && own_total >= min_events) {
        let share = pooled_share(&hist, bucket);
        return (share < min_share).then(|| {
            format!(
                "{} acted at {when}; that hour (±1 h, {}) held {:.1}% of their {own_total} audited actions and \
                 interactive sign-ins in the {} days before",
                x.actor,
                if bucket / 24 < 5 { "weekdays" } else { "weekends" },
                share * 100.0,
                x.to - x.from
            )
        });
    }
    let days = profile.map(|pr| pr.history_days(x.day)).unwrap_or(0);
    let thin = format!("baseline thin ({days} days, {own_total} audited actions and interactive sign-ins)");
    let tenant = cx.store.tenant_histogram();
    let tenant_total: u64 = tenant.iter().map(|&c| c as u64).sum();
    if tenant_total >= min_events {
        let share = pooled_share(&tenant, bucket);
        return (share < min_share).then(|| {
            format!(
                "{} acted at {when}; {thin}, so the tenant's hours decide: {:.1}% of its {tenant_total} \
                 interactive sign-ins fall in that hour",
                x.actor,
                share * 100.0
            )
        });
    }
    Some(format!("{} acted at {when}; {thin}, and the tenant's sign-ins are too few to judge the hour", x.actor))
}

/// A country the actor was seen in on fewer than `min_country_days` days of their history.
fn unusual_country(cx: &Cx, settings: &Settings, x: &Granted, pr: &Profile) -> Option<String> {
    let c = x.ev.net.country.as_deref()?;
    if settings.countries.iter().any(|k| k.eq_ignore_ascii_case(c)) {
        return None;
    }
    let sym = cx.store.strings.lookup(c).unwrap_or(0);
    let days = pr.days_with(Feat::Country, sym, x.from, x.to);
    (days < cx.params.int("min_country_days").max(0) as usize)
        .then(|| format!("{} acted from {c}, seen on {days} day(s) of their history", x.actor))
}

/// A network (ASN) the actor was seen on on fewer than `min_network_days` days of their history.
fn unusual_network(cx: &Cx, x: &Granted, pr: &Profile) -> Option<String> {
    let asn = x.ev.net.asn.filter(|a| *a != 0)?;
    if ip_of(x.ev).is_some_and(|ip| ip_in(&cx.config.expected_networks(), &ip)) {
        return None;
    }
    let sym = cx.store.strings.lookup(&asn.to_string()).unwrap_or(0);
    let days = pr.days_with(Feat::Asn, sym, x.from, x.to);
    (days < cx.params.int("min_network_days").max(0) as usize)
        .then(|| format!("{} acted from network AS{asn}, seen on {days} day(s) of their history", x.actor))
}

/// An address with no country that the actor never acted from before: unknown is not home.
fn unplaced_address(cx: &Cx, x: &Granted, pr: Option<&Profile>) -> Option<String> {
    if x.ev.net.country.is_some() {
        return None;
    }
    let ip = ip_of(x.ev)?;
    if ip_in(&cx.config.expected_networks(), &ip) {
        return None;
    }
    let sym = cx.store.strings.lookup(&ip).unwrap_or(0);
    let used = pr.map(|p| p.days_with(Feat::Ip, sym, x.from, x.to)).unwrap_or(0);
    (used == 0).then(|| {
        format!(
            "location unknown for {ip}: {} never acted from it in the {} days before, no sign-in in the case \
             places it and there is no GeoIP entry",
            x.actor,
            x.to - x.from
        )
    })
}
