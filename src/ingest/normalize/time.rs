//! Parses every date form real exports use into UTC, saying when a zone had to be assumed.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// What was assumed to read a timestamp, recorded in the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeAssumption {
    /// The text carried its zone (or the column is documented as UTC).
    None,
    /// No zone in the text; read as UTC.
    NoZoneReadAsUtc,
    /// A day/month order that could be either; read as US month/day.
    AmbiguousDayMonth,
}

/// Parses a timestamp. `utc_documented` is true when the field or column is documented as UTC
/// (UAL `CreationTime`, a `[UTC]` column), so a missing zone is not an assumption.
pub fn parse_time(raw: &str, utc_documented: bool) -> Option<(DateTime<Utc>, TimeAssumption)> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    let zone_note = if utc_documented { TimeAssumption::None } else { TimeAssumption::NoZoneReadAsUtc };
    if let Some(ms) = s.strip_prefix("/Date(").and_then(|r| r.strip_suffix(")/")) {
        let digits: String = ms.chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
        let v: i64 = digits.parse().ok()?;
        return Utc.timestamp_millis_opt(v).single().map(|t| (t, TimeAssumption::None));
    }
    if s.as_bytes().first().is_some_and(|b| b.is_ascii_digit()) && s.len() >= 10 && s.as_bytes()[4] == b'-' {
        return parse_iso(s, zone_note);
    }
    parse_locale(s, zone_note)
}

fn parse_iso(s: &str, zone_note: TimeAssumption) -> Option<(DateTime<Utc>, TimeAssumption)> {
    let t = s.replacen(' ', "T", 1);
    if let Ok(dt) = DateTime::parse_from_rfc3339(&t) {
        return in_range(dt.with_timezone(&Utc)).map(|d| (d, TimeAssumption::None));
    }
    // Offsets without a colon (+0000) and trailing " UTC".
    if let Ok(dt) = DateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return in_range(dt.with_timezone(&Utc)).map(|d| (d, TimeAssumption::None));
    }
    let bare = t.trim_end_matches(" UTC").trim_end_matches("UTC");
    let explicit_utc = bare.len() != t.len();
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d"] {
        let parsed = if fmt == "%Y-%m-%d" {
            NaiveDate::parse_from_str(bare, fmt).ok().and_then(|d| d.and_hms_opt(0, 0, 0))
        } else {
            NaiveDateTime::parse_from_str(bare, fmt).ok()
        };
        if let Some(n) = parsed {
            let note = if explicit_utc { TimeAssumption::None } else { zone_note };
            return in_range(Utc.from_utc_datetime(&n)).map(|d| (d, note));
        }
    }
    None
}

/// `9/20/2023 4:05:03 AM`, `4/28/2021, 3:05:26.000 PM`, `20/09/2023 16:05:03`, `20.09.2023 16:05`.
fn parse_locale(s: &str, zone_note: TimeAssumption) -> Option<(DateTime<Utc>, TimeAssumption)> {
    let s = s.replace(',', "");
    let (s, zone_note) = match s.trim_end().strip_suffix("UTC") {
        Some(rest) => (rest.trim_end().to_string(), TimeAssumption::None),
        None => (s, zone_note),
    };
    let mut parts = s.split_whitespace();
    let date = parts.next()?;
    let time = parts.next().unwrap_or("00:00:00");
    let ampm = parts.next().map(|x| x.to_ascii_uppercase());
    let sep = if date.contains('/') {
        '/'
    } else if date.contains('.') {
        '.'
    } else {
        '-'
    };
    let nums: Vec<&str> = date.split(sep).collect();
    if nums.len() != 3 {
        return None;
    }
    let a: u32 = nums[0].parse().ok()?;
    let b: u32 = nums[1].parse().ok()?;
    let mut y: i32 = nums[2].parse().ok()?;
    if nums[2].len() == 2 {
        y += 2000;
    }
    let mut note = zone_note;
    let (month, day) = if sep == '.' || a > 12 {
        (b, a)
    } else if b > 12 || a == b {
        (a, b)
    } else {
        if ampm.is_none() {
            note = TimeAssumption::AmbiguousDayMonth;
        }
        (a, b)
    };
    let tparts: Vec<&str> = time.split(':').collect();
    if tparts.len() < 2 {
        return None;
    }
    let mut h: u32 = tparts[0].parse().ok()?;
    let m: u32 = tparts[1].parse().ok()?;
    let (sec, nanos) = match tparts.get(2) {
        Some(sv) => {
            let mut it = sv.splitn(2, '.');
            let whole: u32 = it.next()?.parse().ok()?;
            let frac = it.next().unwrap_or("");
            let mut nanos = 0u32;
            for (i, c) in frac.chars().take(9).enumerate() {
                nanos += c.to_digit(10)? * 10u32.pow(8 - i as u32);
            }
            (whole, nanos)
        }
        None => (0, 0),
    };
    match ampm.as_deref() {
        Some("PM") if h < 12 => h += 12,
        Some("AM") if h == 12 => h = 0,
        Some("AM") | Some("PM") | None => {}
        Some(_) => return None,
    }
    let n = NaiveDate::from_ymd_opt(y, month, day)?.and_hms_nano_opt(h, m, sec, nanos)?;
    in_range(Utc.from_utc_datetime(&n)).map(|d| (d, note))
}

/// Rejects dates no M365 log can hold (before 2000 or after 2100): they come from corrupt or hostile records.
fn in_range(d: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let y = chrono::Datelike::year(&d);
    (2000..=2100).contains(&y).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> (String, TimeAssumption) {
        let (d, a) = parse_time(s, false).unwrap_or_else(|| panic!("no parse: {s}"));
        (d.to_rfc3339_opts(chrono::SecondsFormat::Micros, true), a)
    }

    #[test]
    fn iso_forms() {
        assert_eq!(p("2025-05-02T00:00:11.6712365Z").0, "2025-05-02T00:00:11.671236Z");
        assert_eq!(p("2025-05-02T02:00:11+02:00").0, "2025-05-02T00:00:11.000000Z");
        assert_eq!(p("2025-05-02T00:00:11"), ("2025-05-02T00:00:11.000000Z".into(), TimeAssumption::NoZoneReadAsUtc));
        assert_eq!(parse_time("2025-05-02T00:00:11", true).unwrap().1, TimeAssumption::None);
        assert_eq!(p("2025-05-02 00:00:11Z").0, "2025-05-02T00:00:11.000000Z");
    }

    #[test]
    fn locale_forms() {
        assert_eq!(p("9/20/2023 4:05:03 AM").0, "2023-09-20T04:05:03.000000Z");
        assert_eq!(p("4/28/2021, 3:05:26.000 PM").0, "2021-04-28T15:05:26.000000Z");
        assert_eq!(p("12/1/2023 12:30:00 AM").0, "2023-12-01T00:30:00.000000Z");
        assert_eq!(p("20/09/2023 16:05:03").0, "2023-09-20T16:05:03.000000Z");
        assert_eq!(p("03/04/2023 16:05:03").1, TimeAssumption::AmbiguousDayMonth);
        assert_eq!(p("20.09.2023 16:05").0, "2023-09-20T16:05:00.000000Z");
        assert_eq!(p("4/28/2021, 3:05:26.000 PM UTC"), ("2021-04-28T15:05:26.000000Z".into(), TimeAssumption::None));
    }

    #[test]
    fn dotnet_json_date() {
        assert_eq!(p("/Date(1714608000000)/").0, "2024-05-02T00:00:00.000000Z");
    }

    #[test]
    fn out_of_range_and_junk() {
        assert!(parse_time("9999-12-31T23:59:59Z", false).is_none());
        assert!(parse_time("0001-01-01T00:00:00Z", false).is_none());
        assert!(parse_time("yesterday", false).is_none());
        assert!(parse_time("13/13/2023 1:00", false).is_none());
        assert!(parse_time("", false).is_none());
    }
}
