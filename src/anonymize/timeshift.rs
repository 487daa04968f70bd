//! Moves dates by whole days in every form the exports write them, keeping each one's own layout: ISO 8601
//! (`2025-05-02T00:00:11.6712365Z`, date-only), US (`9/20/2023 4:05:03 AM`, `4/28/2021, 3:05:26.000 PM`),
//! `2025/05/02`, `02.05.2025` and PowerShell's `/Date(1714608000000)/`. Shifting whole days leaves every time of
//! day, offset and fraction untouched, so only the date digits change.

use chrono::{Datelike, Days, NaiveDate};
use regex::bytes::Regex;
use std::sync::LazyLock;

/// Longest text one date form can span, for the streaming window.
pub const MAX_DATE_LEN: usize = 40;

static ISO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{4})-(\d{2})-(\d{2})").expect("iso date pattern"));
static YMD_SLASH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{4})/(\d{2})/(\d{2})").expect("ymd pattern"));
static US: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{1,2})/(\d{1,2})/(\d{4})").expect("us date pattern"));
static DOTTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{2})\.(\d{2})\.(\d{4})").expect("dotted pattern"));
static MS_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/Date\((-?\d{1,15})((?:[+-]\d{4})?)\)").expect("ms date pattern"));
static COMPACT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)\d{2})(\d{2})(\d{2})(\d{6}|\d{4})?").expect("compact date pattern"));

/// A shifted date found in a text: byte range and new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateEdit {
    pub start: usize,
    pub end: usize,
    pub text: Vec<u8>,
}

/// Shifts dates by a fixed number of days.
#[derive(Debug, Clone, Copy)]
pub struct TimeShift {
    pub days: i64,
}

fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn num(bytes: &[u8]) -> Option<u32> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

impl TimeShift {
    fn shift(&self, d: NaiveDate) -> Option<NaiveDate> {
        if self.days >= 0 {
            d.checked_add_days(Days::new(self.days as u64))
        } else {
            d.checked_sub_days(Days::new(self.days.unsigned_abs()))
        }
    }

    /// Dates in `buf`; `prev` is the byte before `buf` (for boundary checks at its start).
    pub fn edits(&self, buf: &[u8], prev: Option<u8>) -> Vec<DateEdit> {
        let mut out = Vec::new();
        if self.days == 0 {
            return out;
        }
        let before = |i: usize| if i == 0 { prev } else { Some(buf[i - 1]) };
        let after = |i: usize| buf.get(i).copied();
        for c in ISO.captures_iter(buf) {
            let m = c.get(0).map(|m| (m.start(), m.end())).unwrap_or((0, 0));
            if before(m.0).is_some_and(|b| word(b) || b == b'-' || b == b'.' || b == b'/')
                || after(m.1).is_some_and(|b| b.is_ascii_digit() || b == b'-')
            {
                continue;
            }
            let (Some(y), Some(mo), Some(d)) = (num(&c[1]), num(&c[2]), num(&c[3])) else { continue };
            if let Some(n) = NaiveDate::from_ymd_opt(y as i32, mo, d).and_then(|d| self.shift(d)) {
                if (0..=9999).contains(&n.year()) {
                    let text = format!("{:04}-{:02}-{:02}", n.year(), n.month(), n.day()).into_bytes();
                    out.push(DateEdit { start: m.0, end: m.1, text });
                }
            }
        }
        for c in YMD_SLASH.captures_iter(buf) {
            let m = c.get(0).map(|m| (m.start(), m.end())).unwrap_or((0, 0));
            if before(m.0).is_some_and(|b| word(b) || b == b'/') || after(m.1).is_some_and(|b| word(b) || b == b'/') {
                continue;
            }
            let (Some(y), Some(mo), Some(d)) = (num(&c[1]), num(&c[2]), num(&c[3])) else { continue };
            if let Some(n) = NaiveDate::from_ymd_opt(y as i32, mo, d).and_then(|d| self.shift(d)) {
                let text = format!("{:04}/{:02}/{:02}", n.year(), n.month(), n.day()).into_bytes();
                out.push(DateEdit { start: m.0, end: m.1, text });
            }
        }
        for c in US.captures_iter(buf) {
            let m = c.get(0).map(|m| (m.start(), m.end())).unwrap_or((0, 0));
            if before(m.0).is_some_and(|b| word(b) || b == b'/' || b == b'.')
                || after(m.1).is_some_and(|b| word(b) || b == b'/')
            {
                continue;
            }
            let (a, b) = (&c[1], &c[2]);
            let (Some(x), Some(y), Some(year)) = (num(a), num(b), num(&c[3])) else { continue };
            // Month first, as harrier reads them, unless only day-first makes sense.
            let day_first = x > 12 && y <= 12;
            let (mo, d) = if day_first { (y, x) } else { (x, y) };
            let Some(n) = NaiveDate::from_ymd_opt(year as i32, mo, d).and_then(|d| self.shift(d)) else { continue };
            // Zero-padded when either part shows a leading zero (`04/08/2021`), else as short as possible.
            let padded = a.len() == 2 && a[0] == b'0' || b.len() == 2 && b[0] == b'0';
            let pad = |v: u32| if padded { format!("{v:02}") } else { v.to_string() };
            let (first, second) =
                if day_first { (pad(n.day()), pad(n.month())) } else { (pad(n.month()), pad(n.day())) };
            let text = format!("{first}/{second}/{:04}", n.year()).into_bytes();
            out.push(DateEdit { start: m.0, end: m.1, text });
        }
        for c in DOTTED.captures_iter(buf) {
            let m = c.get(0).map(|m| (m.start(), m.end())).unwrap_or((0, 0));
            if before(m.0).is_some_and(|b| word(b) || b == b'.')
                || after(m.1)
                    .is_some_and(|b| word(b) || b == b'.' && after(m.1 + 1).is_some_and(|x| x.is_ascii_digit()))
            {
                continue;
            }
            let (Some(d), Some(mo), Some(y)) = (num(&c[1]), num(&c[2]), num(&c[3])) else { continue };
            if let Some(n) = NaiveDate::from_ymd_opt(y as i32, mo, d).and_then(|d| self.shift(d)) {
                let text = format!("{:02}.{:02}.{:04}", n.day(), n.month(), n.year()).into_bytes();
                out.push(DateEdit { start: m.0, end: m.1, text });
            }
        }
        for c in MS_DATE.captures_iter(buf) {
            let m = c.get(0).map(|m| (m.start(), m.end())).unwrap_or((0, 0));
            let Some(ms) = std::str::from_utf8(&c[1]).ok().and_then(|s| s.parse::<i64>().ok()) else { continue };
            let Some(shifted) = self.days.checked_mul(86_400_000).and_then(|d| ms.checked_add(d)) else { continue };
            let mut text = format!("/Date({shifted}").into_bytes();
            text.extend_from_slice(&c[2]);
            text.push(b')');
            out.push(DateEdit { start: m.0, end: m.1, text });
        }
        out
    }

    /// Also shifts compact `yyyyMMdd[HHmm[ss]]` stamps, which only file names use.
    pub fn name_edits(&self, name: &[u8]) -> Vec<DateEdit> {
        let mut out = self.edits(name, None);
        if self.days == 0 {
            return out;
        }
        for c in COMPACT.captures_iter(name) {
            let m = c.get(0).map(|m| (m.start(), m.end())).unwrap_or((0, 0));
            if (m.0 > 0 && name[m.0 - 1].is_ascii_digit()) || name.get(m.1).is_some_and(|b| b.is_ascii_digit()) {
                continue;
            }
            if out.iter().any(|e| e.start < m.1 && m.0 < e.end) {
                continue;
            }
            let (Some(y), Some(mo), Some(d)) = (num(&c[1]), num(&c[2]), num(&c[3])) else { continue };
            if let Some(n) = NaiveDate::from_ymd_opt(y as i32, mo, d).and_then(|d| self.shift(d)) {
                let mut text = format!("{:04}{:02}{:02}", n.year(), n.month(), n.day()).into_bytes();
                text.extend_from_slice(c.get(4).map(|t| t.as_bytes()).unwrap_or(b""));
                out.push(DateEdit { start: m.0, end: m.1, text });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(s: &str, days: i64) -> String {
        let shift = TimeShift { days };
        let mut edits = shift.edits(s.as_bytes(), None);
        edits.sort_by_key(|e| e.start);
        let mut out = Vec::new();
        let mut pos = 0;
        for e in edits {
            if e.start >= pos {
                out.extend_from_slice(&s.as_bytes()[pos..e.start]);
                out.extend_from_slice(&e.text);
                pos = e.end;
            }
        }
        out.extend_from_slice(&s.as_bytes()[pos..]);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_form_keeps_its_layout() {
        assert_eq!(apply("\"2025-05-02T00:00:11.6712365Z\"", 7), "\"2025-05-09T00:00:11.6712365Z\"");
        assert_eq!(apply("2024-02-28T10:00:00+02:00", 2), "2024-03-01T10:00:00+02:00");
        assert_eq!(apply("CreationTime\":\"2026-03-02T09:56:26\"", -7), "CreationTime\":\"2026-02-23T09:56:26\"");
        assert_eq!(apply("9/20/2023 4:05:03 AM", 14), "10/4/2023 4:05:03 AM");
        assert_eq!(apply("4/28/2021, 3:05:26.000 PM", 3), "5/1/2021, 3:05:26.000 PM");
        assert_eq!(apply("04/08/2021 3:05 PM", 1), "04/09/2021 3:05 PM");
        assert_eq!(apply("25/12/2024 10:00", 7), "1/1/2025 10:00");
        assert_eq!(apply("25/12/2024 10:00", 10), "4/1/2025 10:00");
        assert_eq!(apply("02.05.2025 13:18:26", 1), "03.05.2025 13:18:26");
        assert_eq!(apply("\"\\/Date(1714608000000)\\/\"", 1), "\"\\/Date(1714694400000)\\/\"");
        assert_eq!(
            apply("InteractiveSignIns_2026-03-09_2026-03-15.csv", 7),
            "InteractiveSignIns_2026-03-16_2026-03-22.csv"
        );
    }

    #[test]
    fn ids_and_versions_are_left_alone() {
        for s in ["2f9244df-2026-03-02", "v12026-03-02", "15.20.8466.020", "a1234-12-12", "2026-13-45", "1.2.2024.5"] {
            assert_eq!(apply(s, 7), s);
        }
    }

    #[test]
    fn compact_stamps_in_names() {
        let shift = TimeShift { days: 7 };
        let e = shift.name_edits(b"20250502131826-AuditLogs.json");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].text, b"20250509131826");
        assert!(shift.name_edits(b"12345678901234567.json").is_empty());
    }
}
