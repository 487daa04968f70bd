//! The primitives of the stored-event encoding: numbers as 7-bit-clean variable-length groups and strings as a
//! length followed by their bytes. Every byte a number writes is below 0x80 and every string is copied whole, so an
//! encoded event is valid UTF-8 and tantivy stores it as text (one copy on read, where a byte field is read byte by
//! byte).

/// Bits of payload in one number byte; the next bit up says that another byte follows.
const GROUP_BITS: u32 = 6;
const MORE: u8 = 1 << GROUP_BITS;
const PAYLOAD: u8 = MORE - 1;
/// Bytes a `u64` can take: 64 bits in 6-bit groups.
const MAX_GROUPS: usize = 11;

/// Why an encoded event could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stored event byte {at}: {what}")]
pub struct WireError {
    pub at: usize,
    pub what: &'static str,
}

/// Builds an encoded event.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
}

impl Writer {
    /// A writer with room for about `bytes` bytes.
    pub fn with_capacity(bytes: usize) -> Writer {
        Writer { out: String::with_capacity(bytes) }
    }

    /// The encoded text.
    pub fn finish(self) -> String {
        self.out
    }

    /// Writes the marker that tells this encoding from the JSON older indexes hold.
    pub fn marker(&mut self, m: char) {
        self.out.push(m);
    }

    /// An unsigned number.
    pub fn uint(&mut self, mut v: u64) {
        loop {
            let group = (v & PAYLOAD as u64) as u8;
            v >>= GROUP_BITS;
            if v == 0 {
                self.out.push(group as char);
                return;
            }
            self.out.push((group | MORE) as char);
        }
    }

    /// A signed number, zig-zag folded so that small negatives stay short.
    pub fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    /// A string: its length in bytes, then the bytes.
    pub fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.out.push_str(s);
    }

    /// An optional string: 0 for none, else its length plus one and the bytes.
    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.uint(0),
            Some(s) => {
                self.uint(s.len() as u64 + 1);
                self.out.push_str(s);
            }
        }
    }

    /// An optional number: 0 for none, else 1 and the number.
    pub fn opt_uint(&mut self, v: Option<u64>) {
        match v {
            None => self.uint(0),
            Some(v) => {
                self.uint(1);
                self.uint(v);
            }
        }
    }

    /// An optional flag: 0 none, 1 false, 2 true.
    pub fn opt_bool(&mut self, v: Option<bool>) {
        self.uint(match v {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        });
    }
}

/// Reads an encoded event from the front.
pub struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `text`.
    pub fn new(text: &'a str) -> Reader<'a> {
        Reader { text, at: 0 }
    }

    fn fail<T>(&self, what: &'static str) -> Result<T, WireError> {
        Err(self.error(what))
    }

    /// An error at the current position, for a value that was read whole but means nothing.
    pub fn error(&self, what: &'static str) -> WireError {
        WireError { at: self.at, what }
    }

    /// True when every byte has been read.
    pub fn at_end(&self) -> bool {
        self.at == self.text.len()
    }

    /// Reads the marker character written by [`Writer::marker`].
    pub fn marker(&mut self, m: char) -> Result<(), WireError> {
        if self.text[self.at..].starts_with(m) {
            self.at += m.len_utf8();
            Ok(())
        } else {
            self.fail("not an encoded event")
        }
    }

    /// An unsigned number.
    pub fn uint(&mut self) -> Result<u64, WireError> {
        let bytes = self.text.as_bytes();
        let mut v: u64 = 0;
        for i in 0..MAX_GROUPS {
            let Some(&b) = bytes.get(self.at) else { return self.fail("ends inside a number") };
            if b >= 0x80 {
                return self.fail("not a number byte");
            }
            self.at += 1;
            let group = (b & PAYLOAD) as u64;
            let shift = i as u32 * GROUP_BITS;
            if shift >= 64 || (shift > 0 && group >> (64 - shift) != 0) {
                return self.fail("number wider than 64 bits");
            }
            v |= group << shift;
            if b & MORE == 0 {
                return Ok(v);
            }
        }
        self.fail("number wider than 64 bits")
    }

    /// A signed number.
    pub fn int(&mut self) -> Result<i64, WireError> {
        let u = self.uint()?;
        Ok(((u >> 1) as i64) ^ -((u & 1) as i64))
    }

    /// A number that must fit `T`.
    pub fn small<T: TryFrom<u64>>(&mut self) -> Result<T, WireError> {
        let v = self.uint()?;
        T::try_from(v).or_else(|_| self.fail("number out of range"))
    }

    fn bytes_of(&mut self, len: u64) -> Result<&'a str, WireError> {
        let end = usize::try_from(len).ok().and_then(|l| self.at.checked_add(l));
        match end.and_then(|end| self.text.get(self.at..end).map(|s| (s, end))) {
            Some((s, end)) => {
                self.at = end;
                Ok(s)
            }
            None => self.fail("string runs past the end or splits a character"),
        }
    }

    /// A string.
    pub fn str(&mut self) -> Result<String, WireError> {
        let len = self.uint()?;
        Ok(self.bytes_of(len)?.to_owned())
    }

    /// An optional string.
    pub fn opt_str(&mut self) -> Result<Option<String>, WireError> {
        match self.uint()? {
            0 => Ok(None),
            n => Ok(Some(self.bytes_of(n - 1)?.to_owned())),
        }
    }

    /// An optional number.
    pub fn opt_uint(&mut self) -> Result<Option<u64>, WireError> {
        match self.uint()? {
            0 => Ok(None),
            1 => Ok(Some(self.uint()?)),
            _ => self.fail("bad optional number tag"),
        }
    }

    /// An optional flag.
    pub fn opt_bool(&mut self) -> Result<Option<bool>, WireError> {
        match self.uint()? {
            0 => Ok(None),
            1 => Ok(Some(false)),
            2 => Ok(Some(true)),
            _ => self.fail("bad flag"),
        }
    }

    /// A count of items that follow, each at least one byte long, so a forged count cannot reserve more than the
    /// text could hold.
    pub fn count(&mut self) -> Result<usize, WireError> {
        let n = self.uint()?;
        let left = (self.text.len() - self.at) as u64;
        if n > left {
            return self.fail("count larger than what follows");
        }
        Ok(n as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_stay_seven_bit() {
        let mut w = Writer::default();
        let values = [0u64, 1, 63, 64, 4095, 4096, u32::MAX as u64, u64::MAX - 1, u64::MAX];
        for v in values {
            w.uint(v);
        }
        let signed = [0i64, -1, 1, i64::MIN, i64::MAX, -1_000_000];
        for v in signed {
            w.int(v);
        }
        let text = w.finish();
        assert!(text.bytes().all(|b| b < 0x80));
        let mut r = Reader::new(&text);
        for v in values {
            assert_eq!(r.uint().unwrap(), v);
        }
        for v in signed {
            assert_eq!(r.int().unwrap(), v);
        }
        assert!(r.at_end());
    }

    #[test]
    fn strings_and_options_round_trip() {
        let mut w = Writer::default();
        w.str("héllo ✓");
        w.opt_str(None);
        w.opt_str(Some(""));
        w.opt_uint(None);
        w.opt_uint(Some(0));
        w.opt_uint(Some(u64::MAX));
        w.opt_bool(Some(false));
        let text = w.finish();
        let mut r = Reader::new(&text);
        assert_eq!(r.str().unwrap(), "héllo ✓");
        assert_eq!(r.opt_str().unwrap(), None);
        assert_eq!(r.opt_str().unwrap(), Some(String::new()));
        assert_eq!(r.opt_uint().unwrap(), None);
        assert_eq!(r.opt_uint().unwrap(), Some(0));
        assert_eq!(r.opt_uint().unwrap(), Some(u64::MAX));
        assert_eq!(r.opt_bool().unwrap(), Some(false));
        assert!(r.at_end());
    }

    #[test]
    fn damaged_input_is_an_error_not_a_panic() {
        // A length past the end, a length splitting a character, an endless number, a number past 64 bits.
        for bad in
            ["\u{5}ab", "\u{1}é", "\u{7f}\u{7f}", "\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{3f}"]
        {
            let mut r = Reader::new(bad);
            assert!(r.str().is_err(), "{bad:?}");
        }
        let mut r = Reader::new("é");
        assert!(r.uint().is_err());
        let mut r = Reader::new("\u{3f}");
        assert!(r.count().is_err());
    }
}
