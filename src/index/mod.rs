//! The case index: tantivy over normalized events, with pivots, time ordering and the stored originals.

pub mod document;
pub mod query;
pub mod schema;
pub mod stream;

use crate::model::Event;
use query::ParsedQuery;
use schema::Fields;
use std::collections::HashMap;
use std::path::Path;
use tantivy::collector::sort_key::SortByStaticFastValue;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{DocAddress, Index, IndexReader, IndexSettings, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term};

/// Index errors.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("index directory {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Query(#[from] query::QueryError),
    #[error("stored event is unreadable: {0}")]
    Corrupt(String),
}

/// One event read back from the index.
#[derive(Debug, Clone)]
pub struct Hit {
    pub event: Event,
    pub address: DocAddress,
}

/// An open case index.
pub struct CaseIndex {
    index: Index,
    reader: IndexReader,
    /// Field handles.
    pub fields: Fields,
}

impl CaseIndex {
    /// Opens the index in `dir`, creating an empty one when there is none.
    pub fn open_or_create(dir: &Path) -> Result<CaseIndex, IndexError> {
        std::fs::create_dir_all(dir).map_err(|source| IndexError::Io { path: dir.display().to_string(), source })?;
        let index = if dir.join("meta.json").exists() {
            Index::open_in_dir(dir)?
        } else {
            let (schema, _) = schema::build();
            let settings = IndexSettings {
                docstore_compression: Compressor::Zstd(ZstdCompressor { compression_level: Some(3) }),
                docstore_blocksize: 64 * 1024,
                ..IndexSettings::default()
            };
            Index::builder().schema(schema).settings(settings).create_in_dir(dir)?
        };
        let fields = schema::fields_of(&index.schema())?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(CaseIndex { index, reader, fields })
    }

    /// Opens an existing index read-only.
    pub fn open(dir: &Path) -> Result<CaseIndex, IndexError> {
        let index = Index::open_in_dir(dir)?;
        let fields = schema::fields_of(&index.schema())?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(CaseIndex { index, reader, fields })
    }

    /// A writer with `threads` indexing threads and a memory budget in bytes.
    pub fn writer(&self, threads: usize, heap_bytes: usize) -> Result<IndexWriter, IndexError> {
        Ok(self.index.writer_with_num_threads(threads.max(1), heap_bytes)?)
    }

    /// Picks up what a writer committed.
    pub fn reload(&self) -> Result<(), IndexError> {
        Ok(self.reader.reload()?)
    }

    /// Number of indexed events.
    pub fn num_events(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// De-duplication keys already indexed, with the file each came from.
    pub fn dedupe_keys(&self) -> Result<HashMap<u64, u64>, IndexError> {
        let searcher = self.reader.searcher();
        let mut out = HashMap::with_capacity(searcher.num_docs() as usize);
        for seg in searcher.segment_readers() {
            let ff = seg.fast_fields();
            let dkey = ff.u64("dkey")?;
            let file = ff.u64("file_id")?;
            let alive = seg.alive_bitset();
            for doc in 0..seg.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                if let (Some(k), Some(fid)) = (dkey.first(doc), file.first(doc)) {
                    out.insert(k, fid);
                }
            }
        }
        Ok(out)
    }

    /// Events matching `q`, oldest first, skipping `offset` and returning at most `limit`.
    pub fn search(&self, q: &ParsedQuery, offset: usize, limit: usize) -> Result<Vec<Hit>, IndexError> {
        self.search_ordered(q, offset, limit, Order::Asc)
    }

    /// Like [`search`](Self::search) with a chosen time order.
    pub fn search_ordered(
        &self,
        q: &ParsedQuery,
        offset: usize,
        limit: usize,
        order: Order,
    ) -> Result<Vec<Hit>, IndexError> {
        let searcher = self.reader.searcher();
        let query = q.to_query(&self.fields);
        let collector = TopDocs::with_limit(limit.max(1)).and_offset(offset).order_by(time_order(order));
        let docs = searcher.search(&query, &collector)?;
        docs.into_iter().map(|(_, addr)| self.load(&searcher, addr)).collect()
    }

    /// Number of events matching `q`.
    pub fn count(&self, q: &ParsedQuery) -> Result<usize, IndexError> {
        let searcher = self.reader.searcher();
        Ok(searcher.search(&q.to_query(&self.fields), &Count)?)
    }

    /// All events with this event id (ids can repeat across sources).
    pub fn by_id(&self, id: &str) -> Result<Vec<Hit>, IndexError> {
        let searcher = self.reader.searcher();
        let q = TermQuery::new(Term::from_field_text(self.fields.id, id), IndexRecordOption::Basic);
        let docs = searcher.search(&q, &TopDocs::with_limit(16).order_by(time_order(Order::Asc)))?;
        docs.into_iter().map(|(_, a)| self.load(&searcher, a)).collect()
    }

    /// The original record of an event, verbatim.
    pub fn raw(&self, address: DocAddress) -> Result<Vec<u8>, IndexError> {
        let searcher = self.reader.searcher();
        let doc: TantivyDocument = searcher.doc(address)?;
        Ok(doc.get_first(self.fields.raw).and_then(|v| v.as_bytes().map(|b| b.to_vec())).unwrap_or_default())
    }

    fn load(&self, searcher: &tantivy::Searcher, address: DocAddress) -> Result<Hit, IndexError> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let bytes = doc.get_first(self.fields.event).and_then(|v| v.as_bytes()).unwrap_or_default();
        let event: Event = serde_json::from_slice(bytes).map_err(|e| IndexError::Corrupt(e.to_string()))?;
        Ok(Hit { event, address })
    }

    /// Every event, segment by segment, in no particular order; for analytics and exports that read all.
    /// Streams: memory stays flat however large the case.
    pub fn scan(&self) -> EventScan {
        EventScan { searcher: self.reader.searcher(), field: self.fields.event, segment: 0, doc: 0, store: None }
    }

    /// Runs any tantivy query (used by facet and histogram helpers).
    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// Builds the tantivy query for a parsed query.
    pub fn to_query(&self, q: &ParsedQuery) -> Box<dyn Query> {
        q.to_query(&self.fields)
    }
}

/// Time order with the dedupe key as tie-break, so events in the same instant always come back in the same
/// order whatever segment layout parallel ingest produced.
fn time_order(order: Order) -> ((SortByStaticFastValue<i64>, Order), (SortByStaticFastValue<u64>, Order)) {
    ((SortByStaticFastValue::for_field("ts"), order), (SortByStaticFastValue::for_field("dkey"), order))
}

/// Streaming iterator over every stored event (see [`CaseIndex::scan`]).
pub struct EventScan {
    searcher: tantivy::Searcher,
    field: tantivy::schema::Field,
    segment: usize,
    doc: u32,
    store: Option<tantivy::store::StoreReader>,
}

impl Iterator for EventScan {
    type Item = Result<Event, IndexError>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let segs = self.searcher.segment_readers();
            let seg = segs.get(self.segment)?;
            if self.doc >= seg.max_doc() {
                self.segment += 1;
                self.doc = 0;
                self.store = None;
                continue;
            }
            let doc = self.doc;
            self.doc += 1;
            if seg.alive_bitset().is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            if self.store.is_none() {
                match seg.get_store_reader(16) {
                    Ok(s) => self.store = Some(s),
                    Err(e) => {
                        self.segment += 1;
                        self.doc = 0;
                        return Some(Err(IndexError::Io { path: "doc store".into(), source: e }));
                    }
                }
            }
            let store = self.store.as_ref()?;
            let d: TantivyDocument = match store.get(doc) {
                Ok(d) => d,
                Err(e) => return Some(Err(IndexError::Tantivy(e))),
            };
            let bytes = d.get_first(self.field).and_then(|v| v.as_bytes()).unwrap_or_default();
            return Some(serde_json::from_slice::<Event>(bytes).map_err(|e| IndexError::Corrupt(e.to_string())));
        }
    }
}
