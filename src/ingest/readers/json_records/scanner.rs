//! The byte-by-byte state machine under stream layout: it follows strings, nesting and wrapper keys to tell where
//! each record starts and ends, keeping only the bytes of the record being read.

use super::WRAPPER_KEYS;
use crate::ingest::readers::{RawProblem, RawRecord, MAX_RECORD_BYTES};

/// Where the scan stands in the text: inside a string or not, how deep, and the record being collected.
#[derive(Default)]
pub(super) struct Scanner {
    depth: u32,
    in_str: bool,
    esc: bool,
    /// Depth at which values are records (0: top level, 1: inside a top array, 2: inside a wrapper's array).
    record_depth: u32,
    /// Depth where a wrapper array was opened, to restore `record_depth` when it closes.
    wrapper_open: Option<u32>,
    top_is_array: bool,
    in_record: bool,
    record_is_scalar: bool,
    record_line: u64,
    buf: Vec<u8>,
    size: u64,
    key_buf: Vec<u8>,
    capturing_key: bool,
    last_key: Vec<u8>,
    after_colon: bool,
}

impl Scanner {
    /// Feeds one byte; returns a record when one ends at this byte.
    pub(super) fn step(&mut self, b: u8, line: u64) -> Option<RawRecord> {
        if self.in_str {
            return self.string_byte(b, line);
        }
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => self.end_scalar_or_keep(b, line),
            b'"' => {
                self.open_string(line);
                None
            }
            b'{' | b'[' => {
                self.open_container(b, line);
                None
            }
            b'}' | b']' => self.close_container(b, line),
            b':' => {
                if self.in_record {
                    self.push(b);
                }
                self.after_colon = true;
                None
            }
            b',' => {
                if let Some(rec) = self.end_scalar_or_keep(b, line) {
                    return Some(rec);
                }
                self.after_colon = false;
                None
            }
            _ => {
                self.keep_or_begin_scalar(b, line);
                None
            }
        }
    }

    /// The record the input ended in: a scalar that needed no closing byte, or a truncated record. `None` when the
    /// input ended between records.
    pub(super) fn finish_record(&mut self, line: u64) -> Option<RawRecord> {
        if !self.in_record {
            return None;
        }
        self.in_record = false;
        if self.record_is_scalar && !self.in_str {
            return Some(self.take(line));
        }
        let line = self.record_line;
        self.buf.clear();
        Some(RawRecord { bytes: Vec::new(), line, problem: Some(RawProblem::Truncated) })
    }

    /// Forgets arrays and objects the input never closed; true when there were any.
    pub(super) fn abandon_open_containers(&mut self) -> bool {
        if self.depth == 0 {
            return false;
        }
        self.depth = 0;
        true
    }

    /// A byte inside a string: kept in the record, collected when the string is a key, and the string closed on
    /// an unescaped quote.
    #[inline]
    fn string_byte(&mut self, b: u8, line: u64) -> Option<RawRecord> {
        if self.in_record {
            self.push(b);
        }
        if self.capturing_key && b != b'"' && !self.esc && self.key_buf.len() < 64 {
            self.key_buf.push(b);
        }
        if self.esc {
            self.esc = false;
        } else if b == b'\\' {
            self.esc = true;
        } else if b == b'"' {
            return self.close_string(line);
        }
        None
    }

    /// The closing quote: a key just read becomes the last key, and a string record ends.
    #[inline]
    fn close_string(&mut self, line: u64) -> Option<RawRecord> {
        self.in_str = false;
        if self.capturing_key {
            self.capturing_key = false;
            self.last_key = std::mem::take(&mut self.key_buf);
        }
        if self.in_record && self.record_is_scalar {
            return Some(self.take(line));
        }
        None
    }

    /// An opening quote: a string record may begin, and a key of the top-level object is collected (to spot a
    /// wrapper's array).
    #[inline]
    fn open_string(&mut self, line: u64) {
        self.in_str = true;
        let key_position = self.depth == 1 && !self.top_is_array && !self.after_colon && self.record_depth == 0;
        self.keep_or_begin_scalar(b'"', line);
        if key_position && !self.record_is_scalar {
            self.capturing_key = true;
            self.key_buf.clear();
        }
        self.after_colon = false;
    }

    /// An opening bracket or brace: kept in the record, the start of a record, or the array of a wrapper whose
    /// elements are the records.
    #[inline]
    fn open_container(&mut self, b: u8, line: u64) {
        let wrapper_key = self.opens_wrapper_array(b);
        if self.in_record && wrapper_key && self.record_depth == 0 && !self.record_is_scalar {
            // The top-level object is a wrapper: its array elements are the records.
            self.in_record = false;
            self.buf.clear();
            self.size = 0;
            self.enter_wrapper_array();
        } else if self.in_record {
            self.push(b);
        } else if self.depth == self.record_depth {
            self.open_at_record_depth(b, line);
        } else if wrapper_key {
            self.enter_wrapper_array();
        }
        self.depth += 1;
        self.after_colon = false;
    }

    /// True when `b` opens the array value of a wrapper key (`value`, `records`) of the top-level object.
    #[inline]
    fn opens_wrapper_array(&self, b: u8) -> bool {
        b == b'['
            && self.depth == 1
            && !self.top_is_array
            && self.after_colon
            && WRAPPER_KEYS.contains(&self.last_key.as_slice())
    }

    /// Records are now the elements of the wrapper array being opened.
    #[inline]
    fn enter_wrapper_array(&mut self) {
        self.wrapper_open = Some(self.depth + 1);
        self.record_depth = 2;
    }

    /// A container opening where records sit: a record begins, unless it is the top-level array that holds them.
    #[inline]
    fn open_at_record_depth(&mut self, b: u8, line: u64) {
        if self.depth == 0 {
            self.top_is_array = b == b'[';
            if self.top_is_array {
                self.record_depth = 1;
                return;
            }
        }
        self.begin(line, false);
        self.push(b);
    }

    /// A closing bracket or brace: ends a scalar record before it, or the record it closes.
    #[inline]
    fn close_container(&mut self, b: u8, line: u64) -> Option<RawRecord> {
        if self.in_record && self.record_is_scalar {
            let rec = self.take(line);
            self.close();
            return Some(rec);
        }
        self.close();
        if self.in_record {
            self.push(b);
            if self.depth == self.record_depth {
                return Some(self.take(line));
            }
        }
        None
    }

    /// A separator (white space or comma) ends a scalar record; inside any other record it is kept.
    #[inline]
    fn end_scalar_or_keep(&mut self, b: u8, line: u64) -> Option<RawRecord> {
        if self.in_record {
            if self.record_is_scalar {
                return Some(self.take(line));
            }
            self.push(b);
        }
        None
    }

    /// Keeps a byte of the record being read, or starts a scalar record with it where records sit.
    #[inline]
    fn keep_or_begin_scalar(&mut self, b: u8, line: u64) {
        if self.in_record {
            self.push(b);
        } else if self.depth == self.record_depth {
            self.begin(line, true);
            self.push(b);
        }
    }

    /// Hands over the record just ended (flagged when it outgrew the limit) and clears the buffer.
    fn take(&mut self, _line: u64) -> RawRecord {
        let problem = if self.size as usize > MAX_RECORD_BYTES { Some(RawProblem::Oversized(self.size)) } else { None };
        let bytes = if problem.is_some() { Vec::new() } else { std::mem::take(&mut self.buf) };
        self.buf.clear();
        self.size = 0;
        self.in_record = false;
        self.record_is_scalar = false;
        RawRecord { bytes, line: self.record_line, problem }
    }

    /// Counts a byte of the record and keeps it while the record is under the size limit.
    fn push(&mut self, b: u8) {
        self.size += 1;
        if self.buf.len() < MAX_RECORD_BYTES {
            self.buf.push(b);
        }
    }

    /// Leaves one level of nesting, restoring where records sit when a wrapper array or the top level closes.
    fn close(&mut self) {
        if self.wrapper_open == Some(self.depth) {
            self.wrapper_open = None;
            self.record_depth = if self.top_is_array { 1 } else { 0 };
        }
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 {
            self.top_is_array = false;
            self.record_depth = 0;
            // A top-level object that turned into a wrapper leaves a partial buffer behind.
            if !self.in_record {
                self.buf.clear();
                self.size = 0;
            }
            self.last_key.clear();
        }
    }

    /// Starts a record at `line`: a scalar (ends at the next separator) or an array or object.
    fn begin(&mut self, line: u64, scalar: bool) {
        self.in_record = true;
        self.record_is_scalar = scalar;
        self.record_line = line;
        self.buf.clear();
        self.size = 0;
    }
}
