//! The tantivy schema: one keyword fast field per pivot, time as a fast i64, full text, and the stored
//! normalized event plus the original record.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};

/// Handles to every field, resolved once.
#[derive(Debug, Clone)]
pub struct Fields {
    pub id: Field,
    pub dkey: Field,
    pub file_id: Field,
    pub ts: Field,
    pub source: Field,
    pub op: Field,
    pub user: Field,
    pub actor_kind: Field,
    pub ip: Field,
    pub session: Field,
    pub token: Field,
    pub mailbox: Field,
    pub app: Field,
    pub country: Field,
    pub ua_class: Field,
    pub result: Field,
    pub ua: Field,
    pub text: Field,
    pub event: Field,
    pub raw: Field,
    /// The original record when it is not valid UTF-8 (kept byte for byte).
    pub raw_bytes: Field,
}

/// Keyword fields a query may name, with the index field behind each (`user:` → `user`).
pub const KEYWORD_FIELDS: &[&str] = &[
    "id", "source", "op", "user", "kind", "ip", "session", "token", "mailbox", "app", "country", "ua_class", "result",
];

/// Builds the schema and the field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // No field norms anywhere: every query is ordered by time, never scored, and norms cost ingest a write per
    // field per event.
    let kw = {
        let exact = STRING.get_indexing_options().cloned().unwrap_or_default().set_fieldnorms(false);
        STRING.set_indexing_options(exact) | FAST
    };
    // Time is read and range-filtered through its fast column only; a term per distinct microsecond would cost
    // ingest a dictionary entry per event and no query uses it.
    let ua_indexing = STRING.get_indexing_options().cloned().unwrap_or_default().set_fieldnorms(false);
    let num = NumericOptions::default().set_fast();
    let text_opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(super::words::TOKENIZER)
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    let fields = Fields {
        // A 64-bit hash of the event id in a fast column, not in the term dictionary: ids are unique per event,
        // so a dictionary entry per event cost ingest more than any other field, while a lookup scans the column
        // in a millisecond or two. Lookups hash the id they are given and check the stored event.
        id: b.add_u64_field("id", FAST),
        dkey: b.add_u64_field("dkey", FAST),
        file_id: b.add_u64_field("file_id", FAST | INDEXED),
        ts: b.add_i64_field("ts", num),
        source: b.add_text_field("source", kw.clone()),
        op: b.add_text_field("op", kw.clone()),
        user: b.add_text_field("user", kw.clone()),
        actor_kind: b.add_text_field("kind", kw.clone()),
        ip: b.add_text_field("ip", kw.clone()),
        session: b.add_text_field("session", kw.clone()),
        token: b.add_text_field("token", kw.clone()),
        mailbox: b.add_text_field("mailbox", kw.clone()),
        app: b.add_text_field("app", kw.clone()),
        country: b.add_text_field("country", kw.clone()),
        ua_class: b.add_text_field("ua_class", kw.clone()),
        result: b.add_text_field("result", kw),
        // The user agent as one term (its words joined by single spaces), not as a posting per word: a UA runs to
        // a dozen words or more while a case holds a few hundred distinct UAs, so `ua:` queries match words
        // against that short dictionary instead of every event paying for a dozen postings.
        ua: b.add_text_field("ua", STRING.set_indexing_options(ua_indexing)),
        text: b.add_text_field("text", text_opts),
        // The event in its compact encoding (`codec`), which is valid UTF-8 so that it can be stored as text:
        // tantivy reads a stored string in one copy, a stored byte field one byte at a time.
        event: b.add_text_field("event", STORED),
        raw: b.add_text_field("raw", STORED),
        raw_bytes: b.add_bytes_field("raw_bytes", STORED),
    };
    (b.build(), fields)
}

/// Resolves the handles of an existing index's schema.
pub fn fields_of(schema: &Schema) -> tantivy::Result<Fields> {
    let f = |n: &str| schema.get_field(n);
    Ok(Fields {
        id: f("id")?,
        dkey: f("dkey")?,
        file_id: f("file_id")?,
        ts: f("ts")?,
        source: f("source")?,
        op: f("op")?,
        user: f("user")?,
        actor_kind: f("kind")?,
        ip: f("ip")?,
        session: f("session")?,
        token: f("token")?,
        mailbox: f("mailbox")?,
        app: f("app")?,
        country: f("country")?,
        ua_class: f("ua_class")?,
        result: f("result")?,
        ua: f("ua")?,
        text: f("text")?,
        event: f("event")?,
        raw: f("raw")?,
        raw_bytes: f("raw_bytes")?,
    })
}

/// The indexed form of an event id (see the `id` field).
pub fn id_key(id: &str) -> u64 {
    let h = blake3::hash(id.trim().as_bytes());
    u64::from_le_bytes(h.as_bytes()[..8].try_into().unwrap_or([0; 8]))
}

/// The id of the stored `event` field in every index this schema builds, for readers that pick it out of a stored
/// document without the schema at hand.
pub fn event_field() -> Field {
    static EVENT: std::sync::OnceLock<Field> = std::sync::OnceLock::new();
    *EVENT.get_or_init(|| build().1.event)
}
