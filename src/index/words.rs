//! How free text becomes search words, the same when indexing and when querying: runs of letters and digits,
//! lower-cased, words of 40 bytes or more left out, and a GUID kept whole as one word. Logs are full of GUIDs
//! (object ids, request ids, ids inside Graph URIs); split at their hyphens each would cost five words, most of
//! them seen once, and a responder searching for one pastes it whole anyway.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The tokenizer name the schema gives the free-text fields.
pub const TOKENIZER: &str = "harrier_words";

/// Words this long or longer are not indexed (hashes and blobs, never typed into a search).
pub const MAX_WORD: usize = 40;

/// Length of a GUID in its usual 8-4-4-4-12 form.
const GUID_LEN: usize = 36;

/// True when `b` starts with a GUID in its usual 8-4-4-4-12 hex form.
fn starts_with_guid(b: &[u8]) -> bool {
    b.len() >= GUID_LEN
        && b[..GUID_LEN].iter().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// True when `s` could be the beginning of a GUID and reaches past its first hyphen (`d919ba05-46`).
fn is_guid_start(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() > 8
        && b.len() <= GUID_LEN
        && b.iter()
            .enumerate()
            .all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { *c == b'-' } else { c.is_ascii_hexdigit() })
}

/// Byte ranges of the words of `text`, in order, long ones left out.
struct Spans<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for Spans<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        loop {
            let start = self.scan_to(self.pos, false)?;
            let word = &self.text.as_bytes()[start..];
            let after_guid = word.get(GUID_LEN).copied();
            let end = if starts_with_guid(word) && !after_guid.is_some_and(|b| b.is_ascii_alphanumeric()) {
                start + GUID_LEN
            } else {
                self.scan_to(start, true).unwrap_or(self.text.len())
            };
            self.pos = end;
            if end - start < MAX_WORD {
                return Some((start, end));
            }
        }
    }
}

impl Spans<'_> {
    /// The first position at or after `from` whose character is a letter or digit (`inside` false) or is not
    /// one (`inside` true). Logs are nearly all ASCII, so bytes below 128 are tested directly and only other
    /// bytes are decoded as characters.
    fn scan_to(&self, from: usize, inside: bool) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut i = from;
        while i < bytes.len() {
            let b = bytes[i];
            let (word_char, width) = if b < 0x80 {
                (b.is_ascii_alphanumeric(), 1)
            } else {
                let c = self.text[i..].chars().next()?;
                (c.is_alphanumeric(), c.len_utf8())
            };
            if word_char != inside {
                return Some(i);
            }
            i += width;
        }
        None
    }
}

fn spans(text: &str) -> Spans<'_> {
    Spans { text, pos: 0 }
}

/// Appends `word` lower-cased to `out`.
fn push_lower(out: &mut String, word: &str) {
    if word.is_ascii() {
        let start = out.len();
        out.push_str(word);
        out[start..].make_ascii_lowercase();
    } else {
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// The words of `text` as the index holds them.
pub fn words(text: &str) -> Vec<String> {
    spans(text)
        .map(|(s, e)| {
            let mut w = String::with_capacity(e - s);
            push_lower(&mut w, &text[s..e]);
            w
        })
        .collect()
}

/// Appends the words of `text` to `out`, lower-cased and separated by single spaces, stopping before the word
/// that would take `out` past `max_len` bytes.
pub fn push_joined(out: &mut String, text: &str, max_len: usize) {
    for (s, e) in spans(text) {
        let sep = usize::from(!out.is_empty());
        // Lower-casing can lengthen a non-ASCII word, so its final length is checked after it is written.
        let mark = out.len();
        if sep == 1 {
            out.push(' ');
        }
        push_lower(out, &text[s..e]);
        if out.len() > max_len {
            out.truncate(mark);
            return;
        }
    }
}

/// The words of a query value. With `prefix` (the value ended in `*`), a GUID cut short after its first hyphen
/// at the end stays one word, so `d919ba05-46a6*` finds the whole id.
pub fn query_words(value: &str, prefix: bool) -> Vec<String> {
    if prefix {
        let tail = value
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .map_or(0, |i| i + value[i..].chars().next().map_or(1, char::len_utf8));
        if is_guid_start(&value[tail..]) {
            let mut out = words(&value[..tail]);
            out.push(value[tail..].to_ascii_lowercase());
            return out;
        }
    }
    words(value)
}

/// [`words`] as a tantivy tokenizer, registered on every index this crate opens.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

/// The token stream of [`WordTokenizer`].
pub struct WordStream<'a> {
    text: &'a str,
    spans: Spans<'a>,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream { text, spans: spans(text), token: &mut self.token }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((start, end)) = self.spans.next() else { return false };
        self.token.text.clear();
        push_lower(&mut self.token.text, &self.text[start..end]);
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn streamed(text: &str) -> Vec<String> {
        let mut t = WordTokenizer::default();
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn guids_stay_whole_and_everything_else_splits_on_punctuation() {
        let text = "GET https://graph.microsoft.com/v1.0/users/58D46D36-4e67-4c9d-929c-c92e7eba91b6/messages?$top=5 \
                    DiscoverySearchMailbox{D919BA05-46A6-415f-80AD-7E09334BB852} Zoë";
        let expected = [
            "get",
            "https",
            "graph",
            "microsoft",
            "com",
            "v1",
            "0",
            "users",
            "58d46d36-4e67-4c9d-929c-c92e7eba91b6",
            "messages",
            "top",
            "5",
            "discoverysearchmailbox",
            "d919ba05-46a6-415f-80ad-7e09334bb852",
            "zoë",
        ];
        assert_eq!(words(text), expected);
        assert_eq!(streamed(text), expected);
    }

    #[test]
    fn near_guids_split_as_ordinary_words() {
        // One hex digit too many at the end, a letter outside hex, and a GUID glued to a word in front.
        assert_eq!(words("58d46d36-4e67-4c9d-929c-c92e7eba91b6a").len(), 5);
        assert_eq!(words("58d46d36-4e67-4c9d-929c-c92e7eba91bx").len(), 5);
        assert_eq!(words("x58d46d36-4e67-4c9d-929c-c92e7eba91b6").len(), 5);
        assert_eq!(words("58d46d36-4e67-4c9d-929c-c92e7eba91b6_x"), ["58d46d36-4e67-4c9d-929c-c92e7eba91b6", "x"]);
    }

    #[test]
    fn long_words_are_left_out() {
        let long = "a".repeat(MAX_WORD);
        assert_eq!(words(&format!("keep {long} {}", &long[1..])), ["keep".to_string(), long[1..].to_string()]);
    }

    #[test]
    fn a_cut_guid_at_the_end_of_a_prefix_query_stays_one_word() {
        assert_eq!(query_words("Mailbox d919BA05-46a6", true), ["mailbox", "d919ba05-46a6"]);
        assert_eq!(query_words("d919ba05-46a6", false), ["d919ba05", "46a6"]);
        assert_eq!(query_words("d919ba05", true), ["d919ba05"]);
        assert_eq!(query_words("python-requests", true), ["python", "requests"]);
    }

    /// Word boundaries found one character at a time: what the byte-level scan must always agree with.
    fn spans_by_char(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some(off) = text[pos..].char_indices().find(|(_, c)| c.is_alphanumeric()).map(|(i, _)| i) {
            let start = pos + off;
            let word = &text[start..];
            let after = word.as_bytes().get(GUID_LEN).map(|b| *b as char);
            let len = if starts_with_guid(word.as_bytes()) && !after.is_some_and(|c| c.is_ascii_alphanumeric()) {
                GUID_LEN
            } else {
                word.char_indices().find(|(_, c)| !c.is_alphanumeric()).map_or(word.len(), |(i, _)| i)
            };
            pos = start + len;
            if len < MAX_WORD {
                out.push((start, pos));
            }
        }
        out
    }

    #[test]
    fn joined_words_stop_at_the_length_limit() {
        let mut out = String::new();
        push_joined(&mut out, "Mozilla/5.0 (Windows NT 10.0; Win64) ÉCLAIR", 64);
        assert_eq!(out, "mozilla 5 0 windows nt 10 0 win64 éclair");
        let mut cut = String::new();
        push_joined(&mut cut, "alpha beta gamma", 10);
        assert_eq!(cut, "alpha beta");
    }

    proptest! {
        #[test]
        fn the_byte_scan_finds_the_same_words_as_a_char_scan(text in "(\\PC|[a-f0-9-]{8,40}){0,40}") {
            prop_assert_eq!(spans(&text).collect::<Vec<_>>(), spans_by_char(&text));
        }

        #[test]
        fn the_tokenizer_and_the_word_list_always_agree(text in "\\PC{0,80}") {
            prop_assert_eq!(streamed(&text), words(&text));
        }

        #[test]
        fn words_are_lower_case_runs_of_letters_digits_and_guid_hyphens(text in "[a-zA-Z0-9 {}/-]{0,120}") {
            for w in words(&text) {
                prop_assert!(!w.is_empty() && w.len() < MAX_WORD);
                prop_assert!(w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
                prop_assert!(!w.contains('-') || w.len() == GUID_LEN);
            }
        }
    }
}
