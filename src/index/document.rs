//! Turns an [`Event`] into a tantivy document: what is indexed for each pivot and what is stored.

use super::schema::Fields;
use super::IndexError;
use crate::model::Event;
use tantivy::schema::Value;
use tantivy::TantivyDocument;

/// Lower-cases a keyword value so pivots match regardless of the case a source used.
pub fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// The original record as it was read: text when it is valid UTF-8 (checked once, as it is read), else its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Original {
    Text(String),
    Bytes(Vec<u8>),
}

impl Original {
    /// The record byte for byte.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Original::Text(t) => t.as_bytes(),
            Original::Bytes(b) => b,
        }
    }
}

impl From<Vec<u8>> for Original {
    fn from(bytes: Vec<u8>) -> Original {
        match String::from_utf8(bytes) {
            Ok(text) => Original::Text(text),
            Err(e) => Original::Bytes(e.into_bytes()),
        }
    }
}

/// Builds the document for one event. `raw` is the original record, kept verbatim.
pub fn to_document(f: &Fields, e: &Event, raw: &Original, dkey: u64, file_id: u64) -> TantivyDocument {
    let stored = super::codec::encode(e);
    let text = full_text(e);
    // Sized once: the stored texts dominate, and growing the buffer field by field costs a copy each time.
    let mut d = TantivyDocument::with_capacity(raw.as_bytes().len() + stored.len() + text.len() + 1024);
    d.add_u64(f.id, super::schema::id_key(&e.id));
    d.add_u64(f.dkey, dkey);
    d.add_u64(f.file_id, file_id);
    if let Some(ts) = e.ts {
        d.add_i64(f.ts, ts.timestamp_micros());
    }
    if let Some(s) = e.source {
        d.add_text(f.source, s.as_str());
    }
    d.add_text(f.op, key(&e.operation));
    let mut users: Vec<String> = Vec::with_capacity(3);
    for u in [&e.actor.upn, &e.actor.id].into_iter().flatten() {
        let k = key(u);
        if !k.is_empty() && !users.contains(&k) {
            users.push(k);
        }
    }
    for u in &users {
        d.add_text(f.user, u);
    }
    d.add_text(f.actor_kind, e.actor.kind.as_str());
    if let Some(ip) = e.net.ip {
        d.add_text(f.ip, ip.to_string());
    }
    if let Some(s) = &e.session_id {
        d.add_text(f.session, key(s));
    }
    if let Some(t) = &e.token_id {
        d.add_text(f.token, t.trim());
    }
    if let Some(m) = e.mailbox.as_ref().and_then(|m| m.mailbox.as_deref()) {
        for k in crate::model::mailbox::mailbox_keys(m) {
            d.add_text(f.mailbox, k);
        }
    }
    for a in [&e.app_id, &e.app_name].into_iter().flatten() {
        d.add_text(f.app, key(a));
    }
    if let Some(c) = &e.net.country {
        d.add_text(f.country, key(c));
    }
    d.add_text(f.ua_class, e.ua_class.as_str());
    d.add_text(f.result, e.result.as_str());
    if let Some(ua) = e.user_agent.as_deref().map(ua_term).filter(|t| !t.is_empty()) {
        d.add_text(f.ua, ua);
    }
    d.add_text(f.text, text);
    // The event goes before the original record: readers that need only the event stop before the record.
    d.add_text(f.event, &stored);
    match raw {
        Original::Text(text) => d.add_text(f.raw, text),
        Original::Bytes(bytes) => d.add_bytes(f.raw_bytes, bytes),
    }
    d
}

/// Longest user-agent term indexed, in bytes; words past it are not found by `ua:` (the record keeps them all).
const MAX_UA_TERM: usize = 2048;

/// The indexed form of a user agent: its search words joined by single spaces, cut at a word boundary.
pub fn ua_term(ua: &str) -> String {
    let mut out = String::with_capacity(ua.len().min(MAX_UA_TERM));
    super::words::push_joined(&mut out, ua, MAX_UA_TERM);
    out
}

/// Everything a free-text search should find an event by.
fn full_text(e: &Event) -> String {
    let mut s = String::with_capacity(256);
    let mut push = |v: &str| {
        if !v.is_empty() {
            s.push_str(v);
            s.push(' ');
        }
    };
    push(&e.operation);
    push(e.actor_label());
    if let Some(d) = &e.actor.display_name {
        push(d);
    }
    if let Some(ip) = e.net.ip {
        push(&ip.to_string());
    }
    push(e.app_label());
    if let Some(r) = &e.resource_name {
        push(r);
    }
    if let Some(r) = &e.result_detail {
        push(r);
    }
    if let Some(h) = &e.http {
        push(&h.uri);
    }
    if let Some(c) = &e.net.city {
        push(c);
    }
    for t in &e.targets {
        for v in [&t.upn, &t.name, &t.id].into_iter().flatten() {
            push(v);
        }
    }
    for (_, v) in e.params.iter().take(64) {
        if v.len() <= 512 {
            push(v);
        }
    }
    s
}

/// The normalized event stored in a document read whole.
pub fn stored_event(f: &Fields, doc: &TantivyDocument) -> Result<Event, IndexError> {
    let text = doc.get_first(f.event).and_then(|v| v.as_str()).unwrap_or_default();
    super::codec::decode(text).map_err(IndexError::Corrupt)
}

/// The original record stored in a document read whole, byte for byte.
pub fn stored_raw(f: &Fields, doc: &TantivyDocument) -> Vec<u8> {
    if let Some(text) = doc.get_first(f.raw).and_then(|v| v.as_str()) {
        return text.as_bytes().to_vec();
    }
    doc.get_first(f.raw_bytes).and_then(|v| v.as_bytes().map(|b| b.to_vec())).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ua_term_is_the_words_joined_and_bounded() {
        assert_eq!(ua_term("Mozilla/5.0 (Windows NT 10.0; Win64)"), "mozilla 5 0 windows nt 10 0 win64");
        assert_eq!(ua_term("  ;;; "), "");
        let huge = "word ".repeat(10_000);
        let t = ua_term(&huge);
        assert!(t.len() <= MAX_UA_TERM && t.len() > MAX_UA_TERM - 8, "{}", t.len());
        assert!(t.ends_with("word") && !t.contains("  "));
    }
}
