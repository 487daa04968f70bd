//! Moves dates by whole days in every form the exports write them, keeping each one's own layout: ISO 8601
//! (`2025-05-02T00:00:11.6712365Z`, date-only), US (`9/20/2023 4:05:03 AM`, `4/28/2021, 3:05:26.000 PM`),
//! `2025/05/02`, `02.05.2025` and PowerShell's `/Date(1714608000000)/`. Shifting whole days leaves every time of
//! day, offset and fraction untouched, so only the date digits change.

use chrono::{Datelike, Days, NaiveDate};
use regex::bytes::Regex;
use std::io::{self, Read};
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

/// The years every written form can hold (four digits).
const YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// A shifted date found in a text: byte range and new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateEdit {
    pub start: usize,
    pub end: usize,
    pub text: Vec<u8>,
}

/// A date in a text that the shift would carry outside the years its form can write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateOverflow {
    /// Byte range of the date in the text scanned.
    pub start: usize,
    pub end: usize,
    /// The date as written.
    pub text: String,
}

/// The first out-of-range date of a stream and the line (from 1) it stands on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamOverflow {
    pub line: u64,
    pub date: String,
}

/// Shifts dates by a fixed number of days.
#[derive(Debug, Clone, Copy)]
pub struct TimeShift {
    pub days: i64,
}

/// What a date match became: moved (with its new text) or out of range.
enum Found {
    Moved(DateEdit),
    Overflow(DateOverflow),
}

/// What shifting one date gives.
enum Shifted {
    /// Not a date (or a placeholder that stays): leave the text alone.
    Skip,
    Moved(NaiveDate),
    Overflow,
}

fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn num(bytes: &[u8]) -> Option<u32> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

/// .NET's smallest and largest dates, which exports write for "never" or "not set": not dates to move.
fn placeholder(d: NaiveDate) -> bool {
    (d.year(), d.month(), d.day()) == (1, 1, 1) || (d.year(), d.month(), d.day()) == (9999, 12, 31)
}

/// The byte before `i` in `buf`, or `prev` at its start.
fn byte_before(buf: &[u8], i: usize, prev: Option<u8>) -> Option<u8> {
    if i == 0 {
        prev
    } else {
        buf.get(i - 1).copied()
    }
}

impl TimeShift {
    fn shift(&self, d: NaiveDate) -> Option<NaiveDate> {
        if self.days >= 0 {
            d.checked_add_days(Days::new(self.days as u64))
        } else {
            d.checked_sub_days(Days::new(self.days.unsigned_abs()))
        }
    }

    /// Shifts the date `y-mo-d` when it is one, keeping it inside the four-digit years.
    fn shifted(&self, y: u32, mo: u32, d: u32) -> Shifted {
        let Some(date) = i32::try_from(y).ok().and_then(|y| NaiveDate::from_ymd_opt(y, mo, d)) else {
            return Shifted::Skip;
        };
        if placeholder(date) {
            return Shifted::Skip;
        }
        match self.shift(date) {
            Some(n) if YEARS.contains(&n.year()) => Shifted::Moved(n),
            _ => Shifted::Overflow,
        }
    }

    /// Dates in `buf`; `prev` is the byte before `buf` (for boundary checks at its start).
    pub fn edits(&self, buf: &[u8], prev: Option<u8>) -> Vec<DateEdit> {
        let mut out = Vec::new();
        if self.days != 0 {
            self.scan(buf, prev, &mut |f| {
                if let Found::Moved(e) = f {
                    out.push(e);
                }
            });
        }
        out
    }

    /// The dates in `buf` the shift would carry outside the years their form can write (earliest first).
    pub fn overflows(&self, buf: &[u8], prev: Option<u8>) -> Vec<DateOverflow> {
        let mut out = Vec::new();
        if self.days != 0 {
            self.scan(buf, prev, &mut |f| {
                if let Found::Overflow(o) = f {
                    out.push(o);
                }
            });
        }
        out.sort_by_key(|o| o.start);
        out
    }

    /// Reports every date form found in `buf`.
    fn scan(&self, buf: &[u8], prev: Option<u8>, found: &mut dyn FnMut(Found)) {
        self.scan_iso(buf, prev, found);
        self.scan_ymd_slash(buf, prev, found);
        self.scan_us(buf, prev, found);
        self.scan_dotted(buf, prev, found);
        self.scan_ms_date(buf, found);
    }

    /// Reports a match at `start..end` as moved (rendered by `render`) or out of range.
    fn report(
        &self,
        buf: &[u8],
        (start, end): (usize, usize),
        (y, mo, d): (u32, u32, u32),
        render: impl FnOnce(NaiveDate) -> Vec<u8>,
        found: &mut dyn FnMut(Found),
    ) {
        match self.shifted(y, mo, d) {
            Shifted::Skip => {}
            Shifted::Moved(n) => found(Found::Moved(DateEdit { start, end, text: render(n) })),
            Shifted::Overflow => found(Found::Overflow(DateOverflow {
                start,
                end,
                text: String::from_utf8_lossy(&buf[start..end]).into_owned(),
            })),
        }
    }

    fn scan_iso(&self, buf: &[u8], prev: Option<u8>, found: &mut dyn FnMut(Found)) {
        for c in ISO.captures_iter(buf) {
            let Some(m) = c.get(0).map(|m| (m.start(), m.end())) else { continue };
            if byte_before(buf, m.0, prev).is_some_and(|b| word(b) || b == b'-' || b == b'.' || b == b'/')
                || buf.get(m.1).is_some_and(|b| b.is_ascii_digit() || *b == b'-')
            {
                continue;
            }
            let (Some(y), Some(mo), Some(d)) = (num(&c[1]), num(&c[2]), num(&c[3])) else { continue };
            let render = |n: NaiveDate| format!("{:04}-{:02}-{:02}", n.year(), n.month(), n.day()).into_bytes();
            self.report(buf, m, (y, mo, d), render, found);
        }
    }

    fn scan_ymd_slash(&self, buf: &[u8], prev: Option<u8>, found: &mut dyn FnMut(Found)) {
        for c in YMD_SLASH.captures_iter(buf) {
            let Some(m) = c.get(0).map(|m| (m.start(), m.end())) else { continue };
            if byte_before(buf, m.0, prev).is_some_and(|b| word(b) || b == b'/')
                || buf.get(m.1).is_some_and(|b| word(*b) || *b == b'/')
            {
                continue;
            }
            let (Some(y), Some(mo), Some(d)) = (num(&c[1]), num(&c[2]), num(&c[3])) else { continue };
            let render = |n: NaiveDate| format!("{:04}/{:02}/{:02}", n.year(), n.month(), n.day()).into_bytes();
            self.report(buf, m, (y, mo, d), render, found);
        }
    }

    fn scan_us(&self, buf: &[u8], prev: Option<u8>, found: &mut dyn FnMut(Found)) {
        for c in US.captures_iter(buf) {
            let Some(m) = c.get(0).map(|m| (m.start(), m.end())) else { continue };
            if byte_before(buf, m.0, prev).is_some_and(|b| word(b) || b == b'/' || b == b'.')
                || buf.get(m.1).is_some_and(|b| word(*b) || *b == b'/')
            {
                continue;
            }
            let (a, b) = (&c[1], &c[2]);
            let (Some(x), Some(y), Some(year)) = (num(a), num(b), num(&c[3])) else { continue };
            // Month first, as harrier reads them, unless only day-first makes sense.
            let day_first = x > 12 && y <= 12;
            let (mo, d) = if day_first { (y, x) } else { (x, y) };
            // Zero-padded when either part shows a leading zero (`04/08/2021`), else as short as possible.
            let padded = a.len() == 2 && a[0] == b'0' || b.len() == 2 && b[0] == b'0';
            let render = |n: NaiveDate| {
                let pad = |v: u32| if padded { format!("{v:02}") } else { v.to_string() };
                let (first, second) =
                    if day_first { (pad(n.day()), pad(n.month())) } else { (pad(n.month()), pad(n.day())) };
                format!("{first}/{second}/{:04}", n.year()).into_bytes()
            };
            self.report(buf, m, (year, mo, d), render, found);
        }
    }

    fn scan_dotted(&self, buf: &[u8], prev: Option<u8>, found: &mut dyn FnMut(Found)) {
        for c in DOTTED.captures_iter(buf) {
            let Some(m) = c.get(0).map(|m| (m.start(), m.end())) else { continue };
            let after = |i: usize| buf.get(i).copied();
            if byte_before(buf, m.0, prev).is_some_and(|b| word(b) || b == b'.')
                || after(m.1)
                    .is_some_and(|b| word(b) || b == b'.' && after(m.1 + 1).is_some_and(|x| x.is_ascii_digit()))
            {
                continue;
            }
            let (Some(d), Some(mo), Some(y)) = (num(&c[1]), num(&c[2]), num(&c[3])) else { continue };
            let render = |n: NaiveDate| format!("{:02}.{:02}.{:04}", n.day(), n.month(), n.year()).into_bytes();
            self.report(buf, m, (y, mo, d), render, found);
        }
    }

    fn scan_ms_date(&self, buf: &[u8], found: &mut dyn FnMut(Found)) {
        for c in MS_DATE.captures_iter(buf) {
            let Some(m) = c.get(0).map(|m| (m.start(), m.end())) else { continue };
            let Some(ms) = std::str::from_utf8(&c[1]).ok().and_then(|s| s.parse::<i64>().ok()) else { continue };
            let Some(date) = chrono::DateTime::from_timestamp_millis(ms).map(|t| t.date_naive()) else { continue };
            if placeholder(date) {
                continue;
            }
            let shifted = self.days.checked_mul(86_400_000).and_then(|d| ms.checked_add(d));
            let in_range = shifted
                .and_then(chrono::DateTime::from_timestamp_millis)
                .is_some_and(|t| YEARS.contains(&t.date_naive().year()));
            match shifted.filter(|_| in_range) {
                Some(shifted) => {
                    let mut text = format!("/Date({shifted}").into_bytes();
                    text.extend_from_slice(&c[2]);
                    text.push(b')');
                    found(Found::Moved(DateEdit { start: m.0, end: m.1, text }));
                }
                None => found(Found::Overflow(DateOverflow {
                    start: m.0,
                    end: m.1,
                    text: String::from_utf8_lossy(&buf[m.0..m.1]).into_owned(),
                })),
            }
        }
    }

    /// Also shifts compact `yyyyMMdd[HHmm[ss]]` stamps, which only file names use.
    pub fn name_edits(&self, name: &[u8]) -> Vec<DateEdit> {
        let (edits, _) = self.name_scan(name);
        edits
    }

    /// The dates in a file name the shift would carry out of range, compact stamps included.
    pub fn name_overflows(&self, name: &[u8]) -> Vec<DateOverflow> {
        let (_, overflows) = self.name_scan(name);
        overflows
    }

    fn name_scan(&self, name: &[u8]) -> (Vec<DateEdit>, Vec<DateOverflow>) {
        let (mut edits, mut overflows) = (Vec::new(), Vec::new());
        if self.days == 0 {
            return (edits, overflows);
        }
        self.scan(name, None, &mut |f| match f {
            Found::Moved(e) => edits.push(e),
            Found::Overflow(o) => overflows.push(o),
        });
        for c in COMPACT.captures_iter(name) {
            let Some(m) = c.get(0).map(|m| (m.start(), m.end())) else { continue };
            if (m.0 > 0 && name[m.0 - 1].is_ascii_digit()) || name.get(m.1).is_some_and(|b| b.is_ascii_digit()) {
                continue;
            }
            let taken = |s: usize, e: usize| s < m.1 && m.0 < e;
            if edits.iter().any(|e| taken(e.start, e.end)) || overflows.iter().any(|o| taken(o.start, o.end)) {
                continue;
            }
            let (Some(y), Some(mo), Some(d)) = (num(&c[1]), num(&c[2]), num(&c[3])) else { continue };
            let time = c.get(4).map(|t| t.as_bytes().to_vec()).unwrap_or_default();
            let render = |n: NaiveDate| {
                let mut text = format!("{:04}{:02}{:02}", n.year(), n.month(), n.day()).into_bytes();
                text.extend_from_slice(&time);
                text
            };
            self.report(name, m, (y, mo, d), render, &mut |f| match f {
                Found::Moved(e) => edits.push(e),
                Found::Overflow(o) => overflows.push(o),
            });
        }
        overflows.sort_by_key(|o| o.start);
        (edits, overflows)
    }

    /// The first date of the UTF-8 text in `r` that the shift would carry out of range, with its line; reads
    /// the stream in bounded pieces.
    pub fn first_overflow(&self, r: &mut dyn Read) -> io::Result<Option<StreamOverflow>> {
        if self.days == 0 {
            return Ok(None);
        }
        let window = MAX_DATE_LEN + 16;
        let chunk = 1 << 20;
        let mut buf: Vec<u8> = Vec::with_capacity(chunk + window);
        let mut block = vec![0u8; 64 * 1024];
        let (mut prev, mut line, mut eof) = (None, 1u64, false);
        loop {
            while !eof && buf.len() < chunk + window {
                match r.read(&mut block) {
                    Ok(0) => eof = true,
                    Ok(n) => buf.extend_from_slice(&block[..n]),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            let limit = if eof { buf.len() } else { buf.len().saturating_sub(window) };
            if let Some(o) = self.overflows(&buf, prev).into_iter().find(|o| o.start < limit) {
                let line = line + newlines(&buf[..o.start]);
                return Ok(Some(StreamOverflow { line, date: o.text }));
            }
            line += newlines(&buf[..limit]);
            if limit > 0 {
                prev = Some(buf[limit - 1]);
            }
            buf.drain(..limit);
            if eof {
                return Ok(None);
            }
        }
    }
}

fn newlines(b: &[u8]) -> u64 {
    b.iter().filter(|&&c| c == b'\n').count() as u64
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

    #[test]
    fn dates_carried_past_year_9999_are_reported_not_kept() {
        let shift = TimeShift { days: 36_500 };
        let text = b"{\"a\":\"2025-05-02T00:00:00Z\"}\n{\"a\":\"9950-06-01T10:00:00Z\",\"b\":\"6/1/9950\"}\n";
        let o = shift.overflows(text, None);
        assert_eq!(o.len(), 2, "{o:?}");
        assert_eq!(o[0].text, "9950-06-01");
        assert_eq!(shift.edits(text, None).len(), 1);
        let found = shift.first_overflow(&mut &text[..]).unwrap().unwrap();
        assert_eq!(found, StreamOverflow { line: 2, date: "9950-06-01".into() });
        assert!(TimeShift { days: -36_500 }.first_overflow(&mut &b"x 0050-01-02 y"[..]).unwrap().is_some());
        assert!(TimeShift { days: 7 }.first_overflow(&mut &text[..]).unwrap().is_none());
        let huge = TimeShift { days: i64::MAX };
        assert_eq!(huge.overflows(b"2025-05-02 /Date(1714608000000)/ 02.05.2025 2025/05/02", None).len(), 4);
        assert_eq!(huge.name_overflows(b"20250502131826-AuditLogs.json").len(), 1);
        assert_eq!(TimeShift { days: i64::MIN }.overflows(b"9/20/2023", None).len(), 1);
    }

    #[test]
    fn dotnet_placeholders_stay() {
        for s in ["0001-01-01T00:00:00Z", "1/1/0001 12:00:00 AM", "9999-12-31T23:59:59Z", "12/31/9999 11:59:59 PM"] {
            assert_eq!(apply(s, 7), s);
            assert_eq!(apply(s, -7), s);
            assert!(TimeShift { days: 36_500 }.overflows(s.as_bytes(), None).is_empty(), "{s}");
        }
    }

    #[test]
    fn stream_scan_counts_lines_across_pieces() {
        let mut text = "2025-01-01 x\n".repeat(200_000).into_bytes();
        text.extend_from_slice(b"last 9999-01-01\n");
        let found = TimeShift { days: 400 }.first_overflow(&mut &text[..]).unwrap().unwrap();
        assert_eq!(found.line, 200_001);
    }
}
