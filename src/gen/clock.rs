//! Time: local working days in the tenant's zone, and the date forms each export writes.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;

/// The UTC instant of a local wall-clock time (a time skipped by a DST jump moves forward an hour).
pub fn at_local(tz: Tz, date: NaiveDate, secs_of_day: u32) -> DateTime<Utc> {
    let secs = secs_of_day.min(86_399);
    let t = NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap_or_default();
    let local = date.and_time(t);
    match tz.from_local_datetime(&local).earliest() {
        Some(dt) => dt.with_timezone(&Utc),
        None => tz
            .from_local_datetime(&(local + Duration::hours(1)))
            .earliest()
            .map(|dt| dt.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&local)),
    }
}

/// True on Monday–Friday.
pub fn is_workday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn iso_base(ts: DateTime<Utc>) -> String {
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", ts.year(), ts.month(), ts.day(), ts.hour(), ts.minute(), ts.second())
}

/// `2026-03-02T14:05:11Z` (sign-ins).
pub fn iso_secs(ts: DateTime<Utc>) -> String {
    let mut s = iso_base(ts);
    s.push('Z');
    s
}

/// `2026-03-02T14:05:11.1234567Z` (audit, Graph activity, diagnostic envelopes).
pub fn iso_7(ts: DateTime<Utc>) -> String {
    format!("{}.{:07}Z", iso_base(ts), ts.nanosecond() % 1_000_000_000 / 100)
}

/// `2026-03-02T14:05:11` (UAL `CreationTime`: UTC without a zone).
pub fn iso_no_zone(ts: DateTime<Utc>) -> String {
    iso_base(ts)
}

/// `3/2/2026, 2:05:11.123 PM` (Log Analytics UI CSV export, UTC).
pub fn log_analytics(ts: DateTime<Utc>) -> String {
    let (pm, h12) = ts.hour12();
    format!(
        "{}/{}/{}, {}:{:02}:{:02}.{:03} {}",
        ts.month(),
        ts.day(),
        ts.year(),
        h12,
        ts.minute(),
        ts.second(),
        ts.nanosecond() / 1_000_000,
        if pm { "PM" } else { "AM" }
    )
}

/// `3/2/2026 2:05:11 PM` (PowerShell `Export-Csv` of a DateTime, en-US).
pub fn us_datetime(ts: DateTime<Utc>) -> String {
    let (pm, h12) = ts.hour12();
    format!(
        "{}/{}/{} {}:{:02}:{:02} {}",
        ts.month(),
        ts.day(),
        ts.year(),
        h12,
        ts.minute(),
        ts.second(),
        if pm { "PM" } else { "AM" }
    )
}

/// `2026-03-02` for file names.
pub fn file_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_forms_match_real_exports() {
        let ts = Utc.with_ymd_and_hms(2021, 4, 28, 15, 5, 26).unwrap();
        assert_eq!(log_analytics(ts), "4/28/2021, 3:05:26.000 PM");
        assert_eq!(us_datetime(ts), "4/28/2021 3:05:26 PM");
        assert_eq!(iso_no_zone(ts), "2021-04-28T15:05:26");
        assert_eq!(iso_7(ts + Duration::nanoseconds(123_456_700)), "2021-04-28T15:05:26.1234567Z");
        let midnight = Utc.with_ymd_and_hms(2021, 4, 28, 0, 1, 2).unwrap();
        assert_eq!(log_analytics(midnight), "4/28/2021, 12:01:02.000 AM");
    }

    #[test]
    fn local_times_convert_through_dst() {
        let tz: Tz = "America/Chicago".parse().unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(iso_secs(at_local(tz, d, 9 * 3600)), "2026-03-02T15:00:00Z");
        // 2026-03-08 02:30 does not exist in Chicago; it moves to 03:30 CDT.
        let gap = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        assert_eq!(iso_secs(at_local(tz, gap, 2 * 3600 + 1800)), "2026-03-08T08:30:00Z");
    }
}
