//! Rewrites text: every original value becomes its replacement and every date moves by the shift, in one pass
//! over a byte stream with bounded memory. Values are also found in the forms the exports escape them to: JSON
//! (`\"`, `\\`, `\u00e9`, PowerShell's `\u0027`), JSON inside JSON, and CSV's doubled quotes around `AuditData`.
//! A match counts only where it stands on its own (`10.0.0.1` is not replaced inside `10.0.0.12`).

use super::alias::after_x500_id;
use super::mapping::{Boundary, Mapping, ValueKind};
use super::timeshift::{TimeShift, MAX_DATE_LEN};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::collections::{BTreeMap, HashSet};
use std::io::{self, Read, Write};

/// Bytes read per step (at least; more when patterns are long).
const CHUNK: usize = 1 << 20;

/// How many values of each kind were replaced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub by_kind: BTreeMap<ValueKind, u64>,
}

impl Tally {
    /// Adds another tally's counts.
    pub fn add(&mut self, other: &Tally) {
        for (k, v) in &other.by_kind {
            *self.by_kind.entry(*k).or_insert(0) += v;
        }
    }
}

#[derive(Debug, Clone)]
struct Entry {
    replacement: Vec<u8>,
    kind: ValueKind,
    boundary: Boundary,
    /// Matched without regard to case (so a lower-case match asks for a lower-case replacement).
    ci: bool,
    check_start: bool,
    check_end: bool,
}

/// Patterns gathered for one automaton, without duplicates.
#[derive(Default)]
struct PatternGroup {
    patterns: Vec<Vec<u8>>,
    entries: Vec<Entry>,
    seen: HashSet<Vec<u8>>,
}

/// One automaton and what each of its patterns stands for.
struct Matcher {
    ac: AhoCorasick,
    entries: Vec<Entry>,
}

/// The text rewriter for one mapping and shift.
pub struct Replacer {
    matchers: Vec<Matcher>,
    shift: TimeShift,
    window: usize,
}

struct Edit {
    start: usize,
    end: usize,
    text: Vec<u8>,
    kind: ValueKind,
    /// How to write the replacement's letters, following the match.
    case: LetterCase,
}

/// The letter case a replacement is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LetterCase {
    /// As the mapping has it.
    Keep,
    /// The match was all upper-case (`BOB@X`): so is the replacement.
    Upper,
    /// The match was all lower-case while the original is not (`lidia holloway`): so is the replacement.
    Lower,
}

impl Replacer {
    /// Builds the automatons for `mapping`, shifting dates by `shift_days`.
    pub fn new(mapping: &Mapping, shift_days: i64) -> Self {
        let mut groups: [PatternGroup; 2] = Default::default();
        let mut longest = 0;
        for p in &mapping.pairs {
            let g = &mut groups[usize::from(p.case_insensitive)];
            for (o, r) in variants(&p.original, &p.replacement) {
                let key = if p.case_insensitive { o.to_ascii_lowercase() } else { o.clone() };
                if o.is_empty() || !g.seen.insert(key) {
                    continue;
                }
                longest = longest.max(o.len());
                let entry = Entry {
                    check_start: o.first().is_some_and(|b| edge_char(*b, p.boundary)),
                    check_end: o.last().is_some_and(|b| edge_char(*b, p.boundary)),
                    replacement: r,
                    kind: p.kind,
                    boundary: p.boundary,
                    ci: p.case_insensitive,
                };
                g.patterns.push(o);
                g.entries.push(entry);
            }
        }
        let mut matchers = Vec::new();
        for (i, PatternGroup { patterns, entries, .. }) in groups.into_iter().enumerate() {
            if patterns.is_empty() {
                continue;
            }
            let built = AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(i == 1)
                .build(&patterns);
            if let Ok(ac) = built {
                matchers.push(Matcher { ac, entries });
            }
        }
        Replacer { matchers, shift: TimeShift { days: shift_days }, window: longest + MAX_DATE_LEN + 16 }
    }

    /// Copies `r` to `w`, rewritten.
    pub fn rewrite(&self, r: &mut dyn Read, w: &mut dyn Write, tally: &mut Tally) -> io::Result<()> {
        let chunk = CHUNK.max(self.window * 4);
        let mut buf: Vec<u8> = Vec::with_capacity(chunk + self.window);
        let mut prev: Option<u8> = None;
        let mut eof = false;
        let mut block = vec![0u8; 64 * 1024];
        loop {
            while !eof && buf.len() < chunk + self.window {
                let n = match r.read(&mut block) {
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                if n == 0 {
                    eof = true;
                } else {
                    buf.extend_from_slice(&block[..n]);
                }
            }
            let limit = if eof { buf.len() } else { buf.len().saturating_sub(self.window) };
            let consumed = self.apply(&buf, prev, limit, w, tally)?;
            if consumed > 0 {
                prev = Some(buf[consumed - 1]);
                buf.drain(..consumed);
            }
            if eof && buf.is_empty() {
                return Ok(());
            }
        }
    }

    /// The rewritten form of a whole text.
    pub fn rewrite_bytes(&self, input: &[u8], tally: &mut Tally) -> Vec<u8> {
        let mut out = Vec::with_capacity(input.len());
        let _ = self.apply(input, None, input.len(), &mut out, tally);
        out
    }

    /// A file or folder name, rewritten; compact `yyyyMMdd` stamps move with the shift too.
    pub fn rewrite_name(&self, name: &str) -> String {
        let bytes = name.as_bytes();
        let mut edits = self.value_edits(bytes, None);
        edits.extend(self.shift.name_edits(bytes).into_iter().map(|d| Edit {
            start: d.start,
            end: d.end,
            text: d.text,
            kind: ValueKind::Timestamp,
            case: LetterCase::Keep,
        }));
        let mut out = Vec::new();
        let mut tally = Tally::default();
        let _ = write_edits(bytes, edits, bytes.len(), &mut out, &mut tally);
        let s = String::from_utf8_lossy(&out).replace(['/', '\\'], "_");
        if s.is_empty() || s == "." || s == ".." {
            name.to_string()
        } else {
            s
        }
    }

    /// Writes the rewritten text of `buf` up to at least `limit` and returns how many input bytes it covered.
    fn apply(
        &self,
        buf: &[u8],
        prev: Option<u8>,
        limit: usize,
        w: &mut dyn Write,
        tally: &mut Tally,
    ) -> io::Result<usize> {
        let mut edits = self.value_edits(buf, prev);
        edits.extend(self.shift.edits(buf, prev).into_iter().map(|d| Edit {
            start: d.start,
            end: d.end,
            text: d.text,
            kind: ValueKind::Timestamp,
            case: LetterCase::Keep,
        }));
        write_edits(buf, edits, limit, w, tally)
    }

    fn value_edits(&self, buf: &[u8], prev: Option<u8>) -> Vec<Edit> {
        let mut out = Vec::new();
        for m in &self.matchers {
            for hit in m.ac.find_overlapping_iter(buf) {
                let Some(e) = m.entries.get(hit.pattern().as_usize()) else { continue };
                let (s, end) = (hit.start(), hit.end());
                if e.check_start && !starts_clear(buf, s, prev, e.boundary) {
                    continue;
                }
                if e.check_end && !ends_clear(buf, end, e.boundary) {
                    continue;
                }
                let matched = &buf[s..end];
                let letters = matched.iter().any(u8::is_ascii_alphabetic);
                let case = if letters
                    && !matched.iter().any(u8::is_ascii_lowercase)
                    && e.replacement.iter().any(u8::is_ascii_lowercase)
                {
                    LetterCase::Upper
                } else if e.ci
                    && letters
                    && !matched.iter().any(u8::is_ascii_uppercase)
                    && e.replacement.iter().any(u8::is_ascii_uppercase)
                {
                    LetterCase::Lower
                } else {
                    LetterCase::Keep
                };
                out.push(Edit { start: s, end, text: e.replacement.clone(), kind: e.kind, case });
            }
        }
        out
    }
}

/// Applies the non-overlapping edits (earliest first, longest first) that start before `limit`; writes the text
/// up to the end of the last one or `limit`, whichever is later, and returns that position.
fn write_edits(
    buf: &[u8],
    mut edits: Vec<Edit>,
    limit: usize,
    w: &mut dyn Write,
    tally: &mut Tally,
) -> io::Result<usize> {
    edits.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut pos = 0;
    for e in edits {
        if e.start >= limit {
            break;
        }
        if e.start < pos {
            continue;
        }
        w.write_all(&buf[pos..e.start])?;
        match e.case {
            LetterCase::Keep => w.write_all(&e.text)?,
            LetterCase::Upper => w.write_all(&e.text.to_ascii_uppercase())?,
            LetterCase::Lower => w.write_all(&e.text.to_ascii_lowercase())?,
        }
        *tally.by_kind.entry(e.kind).or_insert(0) += 1;
        pos = e.end;
    }
    let end = pos.max(limit).min(buf.len());
    w.write_all(&buf[pos..end])?;
    Ok(end)
}

fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// True when the pattern's edge byte `b` is one the boundary rule must guard.
fn edge_char(b: u8, boundary: Boundary) -> bool {
    match boundary {
        Boundary::Ipv4 | Boundary::Ipv6 | Boundary::Guid | Boundary::X500Alias => true,
        _ => word(b),
    }
}

/// True when the text before `i` ends with a JSON escape such as `\n` or `\u0027`, or a URL's `%2F` (so a
/// letter or digit there is not part of the value's word).
fn after_escape(buf: &[u8], i: usize) -> bool {
    if i >= 2 && buf[i - 2] == b'\\' && matches!(buf[i - 1], b'n' | b'r' | b't' | b'b' | b'f') {
        return true;
    }
    // A percent-encoded separator in a URL: `%40contoso.com`, `%2Flidia_contoso_com`.
    if i >= 3 && buf[i - 3] == b'%' && buf[i - 2..i].iter().all(u8::is_ascii_hexdigit) {
        return true;
    }
    i >= 6 && buf[i - 6] == b'\\' && buf[i - 5] == b'u' && buf[i - 4..i].iter().all(u8::is_ascii_hexdigit)
}

fn starts_clear(buf: &[u8], i: usize, prev: Option<u8>, boundary: Boundary) -> bool {
    if boundary == Boundary::X500Alias {
        return after_x500_id(buf, i);
    }
    let Some(p) = (if i == 0 { prev } else { Some(buf[i - 1]) }) else { return true };
    let blocked = match boundary {
        Boundary::Email => word(p) || b"._%+#-".contains(&p),
        Boundary::Domain => word(p) || p == b'-',
        Boundary::Ipv4 => p.is_ascii_alphanumeric() || p == b'.',
        Boundary::Ipv6 => p.is_ascii_hexdigit() || p == b':' || p == b'.',
        Boundary::Guid => p.is_ascii_hexdigit() || p == b'-',
        Boundary::Word | Boundary::X500Alias => word(p),
    };
    !blocked || (word(p) && after_escape(buf, i))
}

fn ends_clear(buf: &[u8], i: usize, boundary: Boundary) -> bool {
    let Some(&n) = buf.get(i) else { return true };
    let next_alnum = buf.get(i + 1).is_some_and(u8::is_ascii_alphanumeric);
    match boundary {
        Boundary::Email | Boundary::Domain => !(word(n) || n == b'-' || n == b'.' && next_alnum),
        Boundary::Ipv4 => !(n.is_ascii_digit() || n == b'.' && buf.get(i + 1).is_some_and(u8::is_ascii_digit)),
        Boundary::Ipv6 => !(n.is_ascii_hexdigit() || n == b':'),
        Boundary::Guid => !(n.is_ascii_hexdigit() || n == b'-'),
        Boundary::Word | Boundary::X500Alias => !word(n),
    }
}

/// The spellings of an original and of its replacement: as is, JSON-escaped (plain, `\u`-escaped as PowerShell
/// and Python write, and escaped twice), and each with CSV's doubled quotes.
fn variants(original: &str, replacement: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let forms: [fn(&str) -> String; 4] =
        [|s| s.to_string(), json_escape, json_escape_ascii, |s| json_escape(&json_escape(s))];
    let mut out: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for f in forms {
        let (o, r) = (f(original), f(replacement));
        if o.contains('"') {
            out.push((o.replace('"', "\"\"").into_bytes(), r.replace('"', "\"\"").into_bytes()));
        }
        out.push((o.into_bytes(), r.into_bytes()));
    }
    if original.contains('@') {
        out.push((original.replace('@', "%40").into_bytes(), replacement.replace('@', "%40").into_bytes()));
        out.push((original.replace('@', "\\u0040").into_bytes(), replacement.replace('@', "\\u0040").into_bytes()));
    }
    // JSON may write `/` as `\/` (paths, URLs and sites in exports).
    if original.contains('/') {
        out.push((original.replace('/', "\\/").into_bytes(), replacement.replace('/', "\\/").into_bytes()));
    }
    // Spaces in URLs.
    if original.contains(' ') {
        out.push((original.replace(' ', "%20").into_bytes(), replacement.replace(' ', "%20").into_bytes()));
    }
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

fn json_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn json_escape_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in json_escape(s).chars() {
        if c.is_ascii() && !matches!(c, '\'' | '<' | '>' | '&') {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anonymize::mapping::Pair;

    fn pair(kind: ValueKind, o: &str, r: &str, boundary: Boundary, ci: bool) -> Pair {
        Pair { kind, original: o.into(), replacement: r.into(), boundary, case_insensitive: ci }
    }

    fn replacer(shift: i64) -> Replacer {
        let mapping = Mapping {
            pairs: vec![
                pair(ValueKind::Ip, "10.0.0.1", "10.9.9.9", Boundary::Ipv4, true),
                pair(ValueKind::Upn, "bob@x", "ann@y", Boundary::Email, true),
                pair(ValueKind::Upn, "bob@contoso.com", "ann@tailspin.example", Boundary::Email, true),
                pair(ValueKind::Domain, "contoso.com", "tailspin.example", Boundary::Domain, true),
                pair(ValueKind::DisplayName, "Bob \"B\" O'Neil", "Ann Lee", Boundary::Word, false),
                pair(ValueKind::DisplayName, "José Ruiz", "Ana Vale", Boundary::Word, false),
                pair(ValueKind::Ip, "2001:db8::1", "2a01:1::5", Boundary::Ipv6, true),
            ],
        };
        Replacer::new(&mapping, shift)
    }

    fn run(r: &Replacer, s: &str) -> String {
        String::from_utf8(r.rewrite_bytes(s.as_bytes(), &mut Tally::default())).unwrap()
    }

    #[test]
    fn boundaries_are_respected() {
        let r = replacer(0);
        assert_eq!(
            run(&r, "10.0.0.1 10.0.0.12 110.0.0.1 10.0.0.1:443 10.0.0.1.5"),
            "10.9.9.9 10.0.0.12 110.0.0.1 10.9.9.9:443 10.0.0.1.5"
        );
        assert_eq!(run(&r, "bob@x bob@xy abob@x BOB@X"), "ann@y bob@xy abob@x ANN@Y");
        assert_eq!(
            run(&r, "mail.contoso.com bob@Contoso.com xcontoso.com contoso.community"),
            "mail.tailspin.example ann@tailspin.example xcontoso.com contoso.community"
        );
        assert_eq!(run(&r, "[2001:db8::1]:443 2001:db8::12"), "[2a01:1::5]:443 2001:db8::12");
    }

    #[test]
    fn escaped_forms_are_found() {
        let r = replacer(0);
        assert_eq!(run(&r, r#"{"n":"Bob \"B\" O'Neil"}"#), r#"{"n":"Ann Lee"}"#);
        assert_eq!(run(&r, r#""{""n"":""Bob \""B\"" O'Neil""}""#), r#""{""n"":""Ann Lee""}""#);
        assert_eq!(run(&r, r#"{"n":"Bob \"B\" O\u0027Neil"}"#), r#"{"n":"Ann Lee"}"#);
        assert_eq!(run(&r, r#"{"n":"Jos\u00e9 Ruiz","m":"Hi\nJosé Ruiz"}"#), r#"{"n":"Ana Vale","m":"Hi\nAna Vale"}"#);
        assert_eq!(run(&r, "/users/bob%40contoso.com/messages"), "/users/ann%40tailspin.example/messages");
    }

    #[test]
    fn streaming_matches_whole_text_at_any_chunking() {
        let r = replacer(7);
        let line =
            "{\"ip\":\"10.0.0.1\",\"u\":\"bob@contoso.com\",\"t\":\"2026-03-02T10:00:00Z\",\"n\":\"José Ruiz\"}\r\n";
        let text: String = line.repeat(40_000);
        let whole = run(&r, &text);
        let mut out = Vec::new();
        let mut tally = Tally::default();
        r.rewrite(&mut text.as_bytes(), &mut out, &mut tally).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), whole);
        assert_eq!(tally.by_kind[&ValueKind::Ip], 40_000);
        assert_eq!(tally.by_kind[&ValueKind::Timestamp], 40_000);
        assert!(whole.starts_with("{\"ip\":\"10.9.9.9\",\"u\":\"ann@tailspin.example\",\"t\":\"2026-03-09T10:00:00Z\""));
    }

    #[test]
    fn names_are_rewritten_without_separators() {
        let r = replacer(7);
        assert_eq!(r.rewrite_name("bob@contoso.com_2026-03-02.csv"), "ann@tailspin.example_2026-03-09.csv");
    }

    #[test]
    fn encoded_and_composite_spellings_are_found() {
        let pairs = vec![
            pair(ValueKind::Upn, "bob@contoso.com", "ann@tailspin.example", Boundary::Email, true),
            pair(ValueKind::Domain, "contoso.com", "tailspin.example", Boundary::Domain, true),
            pair(ValueKind::Upn, "lidia", "ann.lee", Boundary::Word, true),
            pair(ValueKind::Upn, "support", "desk", Boundary::X500Alias, true),
            pair(ValueKind::Site, "sites/Finance", "sites/Blue", Boundary::Word, true),
            pair(ValueKind::DisplayName, "Lidia Holloway", "Ann Lee", Boundary::Word, true),
        ];
        let r = Replacer::new(&Mapping { pairs }, 0);
        assert_eq!(
            run(&r, "hint=bob%40contoso.com&x=%2Fcontoso.com"),
            "hint=ann%40tailspin.example&x=%2Ftailspin.example"
        );
        assert_eq!(run(&r, r#""bob\u0040contoso.com""#), r#""ann\u0040tailspin.example""#);
        assert_eq!(run(&r, r#"/sites\/Finance\/x"#), r#"/sites\/Blue\/x"#);
        assert_eq!(run(&r, "Org/LIDIA\\Rule CN=Lidia,OU=x lidia's"), "Org/ANN.LEE\\Rule CN=ann.lee,OU=x ann.lee's");
        assert_eq!(run(&r, "lidia holloway / Lidia Holloway"), "ann lee / Ann Lee");
        assert_eq!(
            run(&r, "cn=0f7204523c84455bb4111f614af6d18e-support, ask support"),
            "cn=0f7204523c84455bb4111f614af6d18e-desk, ask support"
        );
    }
}
