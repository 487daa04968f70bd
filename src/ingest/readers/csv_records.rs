//! Cuts CSV text into records (quoted fields may span lines) with bounded memory, and parses one record.

use super::{RawProblem, RawRecord, MAX_RECORD_BYTES};
use std::io::{self, BufRead};

/// Iterator over the raw records (header included) of one CSV file.
pub struct CsvRecords<R: BufRead> {
    reader: R,
    line: u64,
    done: bool,
}

impl<R: BufRead> CsvRecords<R> {
    /// Reads records from `reader`.
    pub fn new(reader: R) -> Self {
        CsvRecords { reader, line: 1, done: false }
    }

    fn read_record(&mut self) -> io::Result<Option<RawRecord>> {
        loop {
            let start = self.line;
            let mut buf = Vec::new();
            let mut size: u64 = 0;
            let mut in_quote = false;
            let mut any = false;
            'outer: loop {
                let chunk = self.reader.fill_buf()?;
                if chunk.is_empty() {
                    break;
                }
                any = true;
                let mut i = 0;
                while i < chunk.len() {
                    // Jump to the next quote or newline: everything between is plain field text.
                    let next = memchr::memchr2(b'"', b'\n', &chunk[i..]).map(|p| p + i);
                    match next {
                        None => {
                            extend_bounded(&mut buf, &chunk[i..], &mut size);
                            let n = chunk.len();
                            self.reader.consume(n);
                            continue 'outer;
                        }
                        Some(p) => {
                            extend_bounded(&mut buf, &chunk[i..=p], &mut size);
                            if chunk[p] == b'"' {
                                in_quote = !in_quote;
                            } else {
                                self.line += 1;
                                if !in_quote {
                                    self.reader.consume(p + 1);
                                    break 'outer;
                                }
                            }
                            i = p + 1;
                        }
                    }
                }
                let n = chunk.len();
                self.reader.consume(n);
            }
            if !any {
                return Ok(None);
            }
            if size as usize > MAX_RECORD_BYTES {
                return Ok(Some(RawRecord {
                    bytes: Vec::new(),
                    line: start,
                    problem: Some(RawProblem::Oversized(size)),
                }));
            }
            while matches!(buf.last(), Some(b'\n' | b'\r')) {
                buf.pop();
            }
            if buf.is_empty() {
                continue;
            }
            let problem = if in_quote { Some(RawProblem::Truncated) } else { None };
            return Ok(Some(RawRecord { bytes: buf, line: start, problem }));
        }
    }
}

fn extend_bounded(buf: &mut Vec<u8>, part: &[u8], size: &mut u64) {
    *size += part.len() as u64;
    if buf.len() + part.len() <= MAX_RECORD_BYTES {
        buf.extend_from_slice(part);
    }
}

impl<R: BufRead> Iterator for CsvRecords<R> {
    type Item = io::Result<RawRecord>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.read_record() {
            Ok(Some(r)) => Some(Ok(r)),
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

/// Splits one CSV record into its fields (RFC 4180 quoting; `""` inside quotes is a quote).
pub fn parse_fields(record: &[u8]) -> Result<Vec<String>, String> {
    thread_local! {
        // One parser per thread: building one per record costs more than parsing the record.
        static PARSER: std::cell::RefCell<csv_core::Reader> = std::cell::RefCell::new(csv_core::Reader::new());
    }
    PARSER.with(|p| {
        let mut parser = p.borrow_mut();
        parser.reset();
        split_record(&mut parser, record)
    })
}

fn split_record(parser: &mut csv_core::Reader, record: &[u8]) -> Result<Vec<String>, String> {
    use csv_core::ReadFieldResult;
    let mut out = Vec::new();
    let mut field: Vec<u8> = Vec::with_capacity(64);
    let mut buf = [0u8; 4096];
    let mut input = record;
    loop {
        let (result, read, written) = parser.read_field(input, &mut buf);
        input = &input[read..];
        field.extend_from_slice(&buf[..written]);
        match result {
            ReadFieldResult::InputEmpty => {
                if input.is_empty() {
                    // Signal the end of input so the last field is finished.
                    let (result, _, written) = parser.read_field(&[], &mut buf);
                    field.extend_from_slice(&buf[..written]);
                    if let ReadFieldResult::Field { .. } = result {
                        push_field(&mut out, &mut field)?;
                    }
                    return Ok(out);
                }
            }
            ReadFieldResult::OutputFull => {}
            ReadFieldResult::Field { record_end } => {
                push_field(&mut out, &mut field)?;
                if record_end {
                    return Ok(out);
                }
            }
            ReadFieldResult::End => return Ok(out),
        }
    }
}

fn push_field(out: &mut Vec<String>, field: &mut Vec<u8>) -> Result<(), String> {
    match String::from_utf8(std::mem::take(field)) {
        Ok(s) => {
            out.push(s);
            Ok(())
        }
        Err(e) => Err(format!("invalid UTF-8 in column {} at byte {}", out.len() + 1, e.utf8_error().valid_up_to())),
    }
}

/// Normalizes a header cell: trims, folds inner whitespace, drops a ` [UTC]` suffix.
pub fn clean_header(h: &str) -> String {
    let h = h.trim().trim_start_matches('\u{feff}');
    let h = h.strip_suffix("[UTC]").map(str::trim_end).unwrap_or(h);
    h.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_newlines_and_crlf() {
        let text = "a,b\r\n1,\"x\r\ny\"\r\n2,\"he said \"\"hi\"\"\"\r\n";
        let recs: Vec<_> = CsvRecords::new(io::Cursor::new(text.as_bytes())).map(|r| r.unwrap()).collect();
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[1].line, 2);
        assert_eq!(recs[2].line, 4);
        assert_eq!(parse_fields(&recs[1].bytes).unwrap(), vec!["1", "x\r\ny"]);
        assert_eq!(parse_fields(&recs[2].bytes).unwrap(), vec!["2", "he said \"hi\""]);
    }

    #[test]
    fn unterminated_quote_is_truncated() {
        let recs: Vec<_> = CsvRecords::new(io::Cursor::new(&b"a,b\n1,\"open"[..])).map(|r| r.unwrap()).collect();
        assert_eq!(recs[1].problem, Some(RawProblem::Truncated));
    }

    #[test]
    fn invalid_utf8_names_column() {
        let err = parse_fields(b"ok,\xff\xfe").unwrap_err();
        assert!(err.contains("column 2"), "{err}");
    }

    #[test]
    fn header_cleanup() {
        assert_eq!(clean_header("TimeGenerated [UTC]"), "TimeGenerated");
        assert_eq!(clean_header(" Autonomous system  number"), "Autonomous system number");
        assert_eq!(clean_header("Application ID "), "Application ID");
    }

    proptest::proptest! {
        /// The per-thread parser splits a record exactly as the csv crate's reader does.
        #[test]
        fn parse_fields_agrees_with_csv_reader(text in "[a-c,\"\r\n ]{0,40}") {
            let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
            let mut rec = csv::StringRecord::new();
            let expected: Vec<String> = match rdr.read_record(&mut rec) {
                Ok(true) => rec.iter().map(|f| f.to_string()).collect(),
                _ => Vec::new(),
            };
            proptest::prop_assert_eq!(parse_fields(text.as_bytes()).unwrap(), expected);
        }
    }
}
