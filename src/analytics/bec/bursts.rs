//! Bursts of one kind of mailbox activity (reading, deleting): each principal's busiest window per local day, and
//! the same principal's busiest windows on its other days, which make its usual pace.

use crate::analytics::clock::Day;
use crate::analytics::common::Cx;
use crate::analytics::store::profile::{Feat, Profile};
use crate::analytics::store::strings::Sym;
use crate::analytics::store::touch::{Touch, TouchKind};
use std::collections::{BTreeMap, BTreeSet};

/// Touches of one kind grouped by principal and local day, each group in time order.
pub type ByDay<'a> = BTreeMap<(Sym, Day), Vec<&'a Touch>>;

/// The busiest window of one principal on one day, and what it adds up to.
pub struct Burst<'a> {
    pub actor: Sym,
    pub day: Day,
    pub touches: Vec<&'a Touch>,
    pub total: u64,
}

/// Every touch of `kind` by a known principal, grouped by principal and local day.
pub fn by_actor_and_day<'a>(cx: &Cx<'a>, kind: TouchKind) -> ByDay<'a> {
    let mut out: ByDay = BTreeMap::new();
    for t in &cx.store.touches {
        if t.kind == kind && t.actor != 0 {
            out.entry((t.actor, cx.day_of(t))).or_default().push(t);
        }
    }
    out
}

/// The window of `width` seconds whose touches add up to the most by `weight`, among `touches` (in time order).
pub fn peak<'a>(actor: Sym, day: Day, touches: &[&'a Touch], width: i64, weight: fn(&Touch) -> u64) -> Burst<'a> {
    let (mut best, mut range) = (0u64, (0usize, 0usize));
    let (mut start, mut sum) = (0usize, 0u64);
    for (end, t) in touches.iter().enumerate() {
        sum += weight(t);
        while t.ts - touches[start].ts > width {
            sum -= weight(touches[start]);
            start += 1;
        }
        if sum > best {
            best = sum;
            range = (start, end + 1);
        }
    }
    Burst { actor, day, touches: touches[range.0..range.1].to_vec(), total: best }
}

/// The busiest window's total on each of the principal's other days, up to `days` either side, sorted.
pub fn other_peaks(all: &ByDay, b: &Burst, days: Day, width: i64, weight: fn(&Touch) -> u64) -> Vec<u64> {
    let mut peaks: Vec<u64> = all
        .range((b.actor, b.day - days)..=(b.actor, b.day + days))
        .filter(|((_, d), _)| *d != b.day)
        .map(|((a, d), ts)| peak(*a, *d, ts, width, weight).total)
        .collect();
    peaks.sort_unstable();
    peaks
}

/// A principal's usual pace beside one burst: its busiest window on its other days in the lookback.
pub struct Pace {
    /// Other days with activity of the kind.
    pub days: usize,
    /// The median of those days' busiest windows.
    pub usual: u64,
    /// The highest of them.
    pub highest: u64,
    /// Enough other days (`min_baseline_days`) to know the pace.
    pub enough: bool,
}

/// The principal's usual pace beside `burst`, read with the detection's `window_minutes`, `lookback_days` and
/// `min_baseline_days`; `None` when the pace is known and the burst stays under `baseline_ratio` times it.
pub fn beyond_usual_pace(cx: &Cx, all: &ByDay, burst: &Burst, weight: fn(&Touch) -> u64) -> Option<Pace> {
    let p = cx.params;
    let width = p.int("window_minutes").max(1) * 60;
    let peaks = other_peaks(all, burst, p.int("lookback_days").max(1) as Day, width, weight);
    let pace = Pace {
        days: peaks.len(),
        usual: median(&peaks),
        highest: peaks.last().copied().unwrap_or(0),
        enough: peaks.len() >= p.int("min_baseline_days").max(1) as usize,
    };
    let within = (burst.total as f64) < p.float("baseline_ratio").max(1.0) * pace.usual as f64;
    (!pace.enough || !within).then_some(pace)
}

/// The median of sorted peaks (0 when there are none).
pub fn median(peaks: &[u64]) -> u64 {
    peaks.get(peaks.len() / 2).copied().unwrap_or(0)
}

/// Countries of the burst that the principal was not seen in on any other day within `days` either side.
pub fn new_countries<'a>(cx: &Cx<'a>, b: &Burst, days: Day) -> Vec<&'a str> {
    let profile = cx.store.profile(b.actor);
    let seen = |p: &Profile, c: Sym| {
        p.days_with(Feat::Country, c, b.day - days, b.day) + p.days_with(Feat::Country, c, b.day + 1, b.day + days + 1)
    };
    let countries: BTreeSet<Sym> = b.touches.iter().map(|t| t.country).filter(|c| *c != 0).collect();
    countries.into_iter().filter(|c| profile.map(|p| seen(p, *c)).unwrap_or(0) == 0).map(|c| cx.store.s(c)).collect()
}

/// The mailboxes of the burst, by name.
pub fn mailboxes<'a>(cx: &Cx<'a>, b: &Burst) -> BTreeSet<&'a str> {
    b.touches.iter().map(|t| cx.store.s(t.mailbox)).filter(|m| !m.is_empty()).collect()
}

/// Minutes from the first to the last touch of the burst, at least 1.
pub fn minutes(b: &Burst) -> i64 {
    match (b.touches.first(), b.touches.last()) {
        (Some(f), Some(l)) => ((l.ts - f.ts) / 60).max(1),
        _ => 1,
    }
}
