//! Local time in the case zone: day numbers, hour-of-week buckets and the tenant's working window.

use crate::config::HoursSection;
use chrono::{DateTime, Datelike, NaiveTime, Timelike, Utc, Weekday};
use chrono_tz::Tz;

/// Days since 1970-01-01 of the local calendar date in the case zone (so "a day" is a local working day).
pub type Day = i32;

/// Converts UTC instants to local days and hour-of-week buckets, and knows the configured working window.
#[derive(Debug, Clone)]
pub struct Clock {
    pub tz: Tz,
    work_days: Vec<Weekday>,
    start: NaiveTime,
    end: NaiveTime,
}

/// Monday 00:00–00:59 is bucket 0, Sunday 23:00–23:59 is bucket 167.
pub fn hour_of_week(weekday: Weekday, hour: u32) -> usize {
    weekday.num_days_from_monday() as usize * 24 + hour.min(23) as usize
}

impl Clock {
    /// A clock for `tz` with the `[hours]` working window.
    pub fn new(tz: Tz, hours: &HoursSection) -> Clock {
        let (start, end) = hours.window();
        Clock { tz, work_days: hours.weekdays(), start, end }
    }

    /// The local calendar day of `ts`.
    pub fn day(&self, ts: DateTime<Utc>) -> Day {
        let d = ts.with_timezone(&self.tz).date_naive();
        d.num_days_from_ce() - 719_163
    }

    /// The local weekday of a day number.
    pub fn weekday_of(day: Day) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (day.rem_euclid(7)) as u32 {
            0 => Weekday::Thu,
            1 => Weekday::Fri,
            2 => Weekday::Sat,
            3 => Weekday::Sun,
            4 => Weekday::Mon,
            5 => Weekday::Tue,
            _ => Weekday::Wed,
        }
    }

    /// True when `d` is one of the `[hours]` working weekdays.
    pub fn is_work_day(&self, d: Weekday) -> bool {
        self.work_days.contains(&d)
    }

    /// The local hour (0–23) of `ts`.
    pub fn hour(&self, ts: DateTime<Utc>) -> u32 {
        ts.with_timezone(&self.tz).hour()
    }

    /// The local hour-of-week bucket of `ts`.
    pub fn how(&self, ts: DateTime<Utc>) -> usize {
        let l = ts.with_timezone(&self.tz);
        hour_of_week(l.weekday(), l.hour())
    }

    /// True when `ts` falls inside the configured `[hours]` working window (local time, working day).
    pub fn in_working_hours(&self, ts: DateTime<Utc>) -> bool {
        let l = ts.with_timezone(&self.tz);
        if !self.work_days.contains(&l.weekday()) {
            return false;
        }
        let t = l.time();
        if self.start <= self.end {
            t >= self.start && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// Local time of `ts` as `Tue 02:14 America/Chicago` for reasons.
    pub fn describe(&self, ts: DateTime<Utc>) -> String {
        let l = ts.with_timezone(&self.tz);
        format!("{} {}", l.format("%a %H:%M"), self.tz.name())
    }

    /// The `[hours]` window as text (`Mon–Fri 08:00–18:00`).
    pub fn window_text(&self) -> String {
        let days: Vec<String> = self.work_days.iter().map(|d| format!("{d}")).collect();
        format!("{} {}–{}", days.join(","), self.start.format("%H:%M"), self.end.format("%H:%M"))
    }
}

/// Share of a 168-bucket histogram that falls in `bucket`, smoothed over the neighbouring hours (±1 h).
pub fn smoothed_share(hist: &[u32; 168], bucket: usize) -> f64 {
    let total: u64 = hist.iter().map(|&c| c as u64).sum();
    if total == 0 {
        return 0.0;
    }
    let prev = (bucket + 167) % 168;
    let next = (bucket + 1) % 168;
    let near = hist[prev] as f64 * 0.5 + hist[bucket] as f64 + hist[next] as f64 * 0.5;
    near / total as f64
}

/// Share of a 168-bucket histogram at `bucket`'s hour (±1 h, the neighbours at half weight) on every day of the same
/// kind: Monday to Friday for a weekday bucket, Saturday and Sunday for a weekend one. A few weeks of history leave
/// most single hour-of-week buckets empty; the same hour across the week is a steadier measure of habit.
pub fn pooled_share(hist: &[u32; 168], bucket: usize) -> f64 {
    let total: u64 = hist.iter().map(|&c| c as u64).sum();
    if total == 0 {
        return 0.0;
    }
    let (day, hour) = (bucket.min(167) / 24, bucket.min(167) % 24);
    let days = if day < 5 { 0..5 } else { 5..7 };
    let mut near = 0.0;
    for d in days {
        for (offset, weight) in [(-1i64, 0.5), (0, 1.0), (1, 0.5)] {
            let b = ((d * 24 + hour) as i64 + offset).rem_euclid(168) as usize;
            near += hist[b] as f64 * weight;
        }
    }
    near / total as f64
}

/// The smallest contiguous window of hours (start, length) holding at least `coverage` of the counts of one day.
pub fn smallest_window(hours: &[u32; 24], coverage: f64) -> Option<(u32, u32)> {
    let total: u32 = hours.iter().sum();
    if total == 0 {
        return None;
    }
    let need = (total as f64 * coverage).ceil() as u32;
    for len in 1..=24u32 {
        let mut best: Option<(u32, u32)> = None;
        for start in 0..24u32 {
            let sum: u32 = (0..len).map(|i| hours[((start + i) % 24) as usize]).sum();
            if sum >= need && best.is_none_or(|(_, s)| sum > s) {
                best = Some((start, sum));
            }
        }
        if let Some((start, _)) = best {
            return Some((start, len));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn chicago() -> Clock {
        Clock::new(chrono_tz::America::Chicago, &HoursSection::default())
    }

    #[test]
    fn hour_of_week_follows_the_zone_across_dst() {
        let c = chicago();
        // Winter: UTC-6. Monday 2024-03-04 14:00 UTC is 08:00 local Monday.
        let winter = Utc.with_ymd_and_hms(2024, 3, 4, 14, 0, 0).unwrap();
        assert_eq!(c.how(winter), 8);
        // Summer: UTC-5 after 2024-03-10. Monday 2024-03-11 14:00 UTC is 09:00 local.
        let summer = Utc.with_ymd_and_hms(2024, 3, 11, 14, 0, 0).unwrap();
        assert_eq!(c.how(summer), 9);
        // Sunday 2024-03-10 23:30 local (04:30 UTC Monday) stays Sunday locally.
        let late = Utc.with_ymd_and_hms(2024, 3, 11, 4, 30, 0).unwrap();
        assert_eq!(c.how(late), 6 * 24 + 23);
        assert_eq!(Clock::weekday_of(c.day(late)), Weekday::Sun);
    }

    #[test]
    fn working_hours_use_local_time() {
        let c = chicago();
        assert!(c.in_working_hours(Utc.with_ymd_and_hms(2024, 3, 4, 15, 0, 0).unwrap()));
        assert!(!c.in_working_hours(Utc.with_ymd_and_hms(2024, 3, 4, 8, 0, 0).unwrap()));
        // Saturday noon local.
        assert!(!c.in_working_hours(Utc.with_ymd_and_hms(2024, 3, 9, 18, 0, 0).unwrap()));
        assert!(c.describe(Utc.with_ymd_and_hms(2024, 3, 4, 8, 0, 0).unwrap()).contains("America/Chicago"));
    }

    #[test]
    fn day_numbers_and_weekdays_agree() {
        let c = Clock::new(chrono_tz::UTC, &HoursSection::default());
        let d = c.day(Utc.with_ymd_and_hms(1970, 1, 1, 12, 0, 0).unwrap());
        assert_eq!(d, 0);
        assert_eq!(Clock::weekday_of(d), Weekday::Thu);
        let d2 = c.day(Utc.with_ymd_and_hms(2025, 5, 5, 0, 0, 0).unwrap());
        assert_eq!(Clock::weekday_of(d2), Weekday::Mon);
    }

    #[test]
    fn rarity_share_is_smoothed() {
        let mut h = [0u32; 168];
        h[9] = 50;
        h[10] = 50;
        assert!(smoothed_share(&h, 9) > 0.5);
        assert!((smoothed_share(&h, 11) - 0.25).abs() < 1e-9);
        assert_eq!(smoothed_share(&h, 100), 0.0);
        assert_eq!(smoothed_share(&[0; 168], 3), 0.0);
    }

    #[test]
    fn pooled_share_reads_the_same_hour_across_the_week() {
        let mut h = [0u32; 168];
        // Tuesdays and Thursdays at 09:00 only: a Monday 09:00 grant is still in the habit.
        h[24 + 9] = 10;
        h[3 * 24 + 9] = 10;
        assert!((pooled_share(&h, 9) - 1.0).abs() < 1e-9);
        assert!((pooled_share(&h, 10) - 0.5).abs() < 1e-9);
        assert_eq!(pooled_share(&h, 3), 0.0);
        // Weekend hours pool with the weekend only.
        assert_eq!(pooled_share(&h, 5 * 24 + 9), 0.0);
        assert_eq!(pooled_share(&[0; 168], 9), 0.0);
    }

    #[test]
    fn smallest_window_covers_ninety_percent() {
        let mut h = [0u32; 24];
        for (i, slot) in h.iter_mut().enumerate().take(17).skip(8) {
            *slot = 10 + i as u32;
        }
        h[2] = 1;
        let (start, len) = smallest_window(&h, 0.9).unwrap();
        assert!(start >= 8 && start + len <= 17, "{start} {len}");
        assert_eq!(smallest_window(&[0; 24], 0.9), None);
    }
}
