//! Cuts JSON text into records: bare arrays, `{"value":[…]}` / `{"records":[…]}` wrappers, JSON lines and
//! concatenated objects, in one pass with bounded memory.

mod scanner;

use super::{RawProblem, RawRecord, MAX_RECORD_BYTES};
use scanner::Scanner;
use std::io::{self, BufRead};

/// How records are laid out in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonLayout {
    /// One record per line; a bad line never disturbs the next.
    Lines,
    /// Records are values nested in arrays or wrapper objects, possibly across many lines.
    Stream,
}

/// Array keys of wrapper objects whose elements are records.
const WRAPPER_KEYS: [&[u8]; 4] = [b"value", b"records", b"Records", b"Value"];

/// Iterator over the raw records of one JSON file.
pub struct JsonRecords<R: BufRead> {
    reader: R,
    layout: JsonLayout,
    line: u64,
    done: bool,
    /// Notes about the file as a whole (e.g. it ends before its closing bracket).
    pub notes: Vec<String>,
    scan: Scanner,
}

impl<R: BufRead> JsonRecords<R> {
    /// Reads records laid out as `layout`.
    pub fn new(reader: R, layout: JsonLayout) -> Self {
        JsonRecords { reader, layout, line: 1, done: false, notes: Vec::new(), scan: Scanner::default() }
    }

    fn next_line_record(&mut self) -> io::Result<Option<RawRecord>> {
        loop {
            let start_line = self.line;
            let mut buf = Vec::new();
            let mut size: u64 = 0;
            let mut saw_any = false;
            loop {
                let chunk = self.reader.fill_buf()?;
                if chunk.is_empty() {
                    break;
                }
                saw_any = true;
                match memchr::memchr(b'\n', chunk) {
                    Some(pos) => {
                        if buf.len() + pos <= MAX_RECORD_BYTES {
                            buf.extend_from_slice(&chunk[..pos]);
                        }
                        size += pos as u64;
                        self.reader.consume(pos + 1);
                        self.line += 1;
                        break;
                    }
                    None => {
                        let n = chunk.len();
                        if buf.len() + n <= MAX_RECORD_BYTES {
                            buf.extend_from_slice(chunk);
                        }
                        size += n as u64;
                        self.reader.consume(n);
                    }
                }
            }
            if !saw_any {
                return Ok(None);
            }
            if size as usize > MAX_RECORD_BYTES {
                return Ok(Some(RawRecord {
                    bytes: Vec::new(),
                    line: start_line,
                    problem: Some(RawProblem::Oversized(size)),
                }));
            }
            let trimmed = trim_ascii(&buf);
            if trimmed.is_empty() {
                continue;
            }
            let bytes = if trimmed.len() == buf.len() { buf } else { trimmed.to_vec() };
            return Ok(Some(RawRecord { bytes, line: start_line, problem: None }));
        }
    }

    fn next_stream_record(&mut self) -> io::Result<Option<RawRecord>> {
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                return Ok(self.finish());
            }
            let n = chunk.len();
            let mut consumed = n;
            let mut out = None;
            for (i, &b) in chunk.iter().enumerate() {
                if let Some(rec) = self.scan.step(b, self.line) {
                    out = Some(rec);
                    consumed = i + 1;
                    if b == b'\n' {
                        self.line += 1;
                    }
                    break;
                }
                if b == b'\n' {
                    self.line += 1;
                }
            }
            self.reader.consume(consumed);
            if out.is_some() {
                return Ok(out);
            }
        }
    }

    /// The end of the input: the record it cut short, if any, and a note when arrays or objects were left open.
    fn finish(&mut self) -> Option<RawRecord> {
        if let Some(rec) = self.scan.finish_record(self.line) {
            return Some(rec);
        }
        if self.scan.abandon_open_containers() {
            self.notes.push(format!(
                "the file ends before its closing bracket (at line {}): the export looks truncated",
                self.line
            ));
        }
        None
    }
}

impl<R: BufRead> Iterator for JsonRecords<R> {
    type Item = io::Result<RawRecord>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = match self.layout {
            JsonLayout::Lines => self.next_line_record(),
            JsonLayout::Stream => self.next_stream_record(),
        };
        match r {
            Ok(Some(rec)) => Some(Ok(rec)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map(|p| p + 1).unwrap_or(start);
    &b[start..end]
}

/// Decides between line and stream layout from the first bytes of a JSON file: JSON lines when the first
/// record is an object that ends on its first line and the next line starts another object.
pub fn detect_layout(head: &[u8]) -> JsonLayout {
    let start = head.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(head.len());
    let text = &head[start..];
    if !text.starts_with(b"{") {
        return JsonLayout::Stream;
    }
    let nl = memchr::memchr(b'\n', text).unwrap_or(text.len());
    let first = trim_ascii(&text[..nl]);
    if !first.ends_with(b"}") || is_wrapper_object(first) {
        return JsonLayout::Stream;
    }
    if serde_json::from_slice::<serde_json::Value>(first).is_ok() {
        let rest = trim_ascii(&text[nl.min(text.len())..]);
        if rest.is_empty() || rest.starts_with(b"{") {
            return JsonLayout::Lines;
        }
    }
    JsonLayout::Stream
}

fn is_wrapper_object(line: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(line)
        .ok()
        .and_then(|v| {
            v.as_object().map(|m| m.iter().any(|(k, v)| WRAPPER_KEYS.contains(&k.as_bytes()) && v.is_array()))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str, layout: JsonLayout) -> (Vec<String>, Vec<Option<RawProblem>>, Vec<u64>) {
        let mut it = JsonRecords::new(io::Cursor::new(text.as_bytes().to_vec()), layout);
        let mut out = (Vec::new(), Vec::new(), Vec::new());
        for r in it.by_ref() {
            let r = r.unwrap();
            out.0.push(String::from_utf8(r.bytes).unwrap());
            out.1.push(r.problem);
            out.2.push(r.line);
        }
        out
    }

    #[test]
    fn bare_pretty_array() {
        let (r, p, lines) = records("[\n  {\"a\": \"x]}\"},\n  {\"b\": [1,2,{\"c\":3}]}\n]\n", JsonLayout::Stream);
        assert_eq!(r, vec!["{\"a\": \"x]}\"}", "{\"b\": [1,2,{\"c\":3}]}"]);
        assert!(p.iter().all(|x| x.is_none()));
        assert_eq!(lines, vec![2, 3]);
    }

    #[test]
    fn value_wrapper_with_leading_and_trailing_keys() {
        let text = r#"{"@odata.context":"https://graph/$metadata#auditLogs/signIns","value":[{"id":"1","value":[9]},{"id":"2"}],"@odata.nextLink":"x"}"#;
        let (r, _, _) = records(text, JsonLayout::Stream);
        assert_eq!(r, vec![r#"{"id":"1","value":[9]}"#, r#"{"id":"2"}"#]);
    }

    #[test]
    fn records_wrapper_and_concatenated_objects() {
        let text = "{\"records\":[{\"a\":1},{\"a\":2}]}\n{\"records\":[{\"a\":3}]}\n{\n \"x\": 1\n}\n";
        let (r, _, _) = records(text, JsonLayout::Stream);
        assert_eq!(r, vec!["{\"a\":1}", "{\"a\":2}", "{\"a\":3}", "{\n \"x\": 1\n}"]);
    }

    #[test]
    fn json_lines_isolate_bad_lines() {
        let text = "{\"a\":1}\n{\"a\": \"broken\n{\"a\":3}\n\n";
        let (r, _, lines) = records(text, JsonLayout::Lines);
        assert_eq!(r, vec!["{\"a\":1}", "{\"a\": \"broken", "{\"a\":3}"]);
        assert_eq!(lines, vec![1, 2, 3]);
    }

    #[test]
    fn truncated_array_reports_last_record() {
        let (r, p, _) = records("[{\"a\":1},{\"a\":", JsonLayout::Stream);
        assert_eq!(r[0], "{\"a\":1}");
        assert_eq!(p[1], Some(RawProblem::Truncated));
    }

    #[test]
    fn scalars_in_array_are_records() {
        let (r, _, _) = records("[1, \"two\", {\"a\":3}]", JsonLayout::Stream);
        assert_eq!(r, vec!["1", "\"two\"", "{\"a\":3}"]);
    }

    #[test]
    fn oversized_line_is_flagged_not_buffered() {
        let big = format!("{{\"a\":\"{}\"}}\n{{\"b\":1}}\n", "x".repeat(MAX_RECORD_BYTES + 10));
        let (r, p, _) = records(&big, JsonLayout::Lines);
        assert!(matches!(p[0], Some(RawProblem::Oversized(_))));
        assert_eq!(r[1], "{\"b\":1}");
    }

    #[test]
    fn layout_detection() {
        assert_eq!(detect_layout(b"{\"a\":1}\n{\"a\":2}\n"), JsonLayout::Lines);
        assert_eq!(detect_layout(b"{\"a\":1}\n"), JsonLayout::Lines);
        assert_eq!(detect_layout(b"[{\"a\":1}]"), JsonLayout::Stream);
        assert_eq!(detect_layout(b"{\n  \"a\": 1\n}"), JsonLayout::Stream);
        assert_eq!(detect_layout(b"{\"records\":[{\"a\":1}]}\n{\"records\":[]}\n"), JsonLayout::Stream);
    }
}
