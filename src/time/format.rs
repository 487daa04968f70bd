//! Display of UTC timestamps in the chosen zone, always with the zone shown.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Formats `t` in `tz` as `2025-05-02 09:19:09 CDT`.
pub fn show(t: Option<DateTime<Utc>>, tz: Tz) -> String {
    match t {
        Some(t) => t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S %Z").to_string(),
        None => "(no time)".into(),
    }
}

/// Parses a `--from` / `--to` bound: RFC 3339, or a date / date-time read in `tz`.
pub fn parse_bound(s: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    use chrono::{NaiveDate, NaiveDateTime, TimeZone};
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Ok(d.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return tz
                .from_local_datetime(&n)
                .earliest()
                .map(|d| d.with_timezone(&Utc))
                .ok_or_else(|| format!("'{s}' does not exist in {tz}"));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let n = d.and_hms_opt(0, 0, 0).unwrap_or_default();
        return tz
            .from_local_datetime(&n)
            .earliest()
            .map(|d| d.with_timezone(&Utc))
            .ok_or_else(|| format!("'{s}' does not exist in {tz}"));
    }
    Err(format!("'{s}' is not a time (use 2025-05-02, '2025-05-02 14:00' or RFC 3339)"))
}
