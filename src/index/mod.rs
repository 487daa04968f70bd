//! The case index: tantivy over normalized events, with pivots, time ordering and the stored originals.

pub mod codec;
pub mod document;
pub mod metadata;
pub mod paging;
pub mod query;
mod resident;
pub mod scan;
pub mod schema;
pub mod stream;
pub mod visibility;
pub mod words;

use crate::model::Event;
use paging::SortKey;
use query::ParsedQuery;
pub use scan::EventScan;
use schema::Fields;
use std::collections::HashMap;
use std::path::Path;
use tantivy::collector::sort_key::{ComparatorEnum, SortByStaticFastValue};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::store::Compressor;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Index, IndexReader, IndexSettings, IndexWriter, Order, ReloadPolicy, TantivyDocument};
pub use visibility::Visibility;

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
    #[error(transparent)]
    Metadata(#[from] metadata::MetadataError),
}

/// Documents whose id hashes [`CaseIndex::by_ids`] reads from the column per call.
const ID_SCAN_BLOCK: usize = 4096;

/// One event read back from the index.
#[derive(Debug, Clone)]
pub struct Hit {
    pub event: Event,
    pub address: DocAddress,
    /// Its place in the time order, for keyset paging.
    pub key: SortKey,
}

/// An open case index.
pub struct CaseIndex {
    index: Index,
    reader: IndexReader,
    /// Field handles.
    pub fields: Fields,
    /// In an exercise: the slice of the case every query and scan is limited to.
    visibility: std::sync::RwLock<Option<Visibility>>,
}

impl CaseIndex {
    /// Opens the index in `dir`, creating an empty one when there is none.
    pub fn open_or_create(dir: &Path) -> Result<CaseIndex, IndexError> {
        std::fs::create_dir_all(dir).map_err(|source| IndexError::Io { path: dir.display().to_string(), source })?;
        metadata::check_index_metadata(dir)?;
        let index = if dir.join("meta.json").exists() {
            Index::open_in_dir(dir)?
        } else {
            let (schema, _) = schema::build();
            let settings = IndexSettings {
                docstore_compression: Compressor::Lz4,
                // LZ4 rather than zstd level 1: on a million events (2.4 GB of exports) the index grows from 0.16x
                // to 0.25x of the input, but a whole-case detect pass spends 14% less CPU (zstd also set up a fresh
                // context, probing the CPU, for every block), ingest 16% less, and a cold timeline page reads
                // faster. 128 KB blocks keep the per-block overhead low while a 200-row page stays a few ms.
                docstore_blocksize: 128 * 1024,
                ..IndexSettings::default()
            };
            Index::builder().schema(schema).settings(settings).create_in_dir(dir)?
        };
        CaseIndex::wrap(index)
    }

    /// Registers what the schema names and takes a reader.
    fn wrap(index: Index) -> Result<CaseIndex, IndexError> {
        index.tokenizers().register(words::TOKENIZER, TextAnalyzer::from(words::WordTokenizer::default()));
        let fields = schema::fields_of(&index.schema())?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(CaseIndex { index, reader, fields, visibility: Default::default() })
    }

    /// Opens an existing index read-only.
    pub fn open(dir: &Path) -> Result<CaseIndex, IndexError> {
        metadata::check_index_metadata(dir)?;
        let index = Index::open_in_dir(dir)?;
        CaseIndex::wrap(index)
    }

    /// Limits every later query and scan to what `visibility` shows (`None`: the whole case).
    /// Takes `&self` so a shared index follows a replay clock as it advances.
    pub fn set_visibility(&self, visibility: Option<Visibility>) {
        *self.visibility.write().unwrap_or_else(|e| e.into_inner()) = visibility;
    }

    /// The limit set by [`set_visibility`](Self::set_visibility).
    pub fn visibility(&self) -> Option<Visibility> {
        self.visibility.read().unwrap_or_else(|e| e.into_inner()).clone()
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

    /// The value of a keyword field (`user`, `ip`, …) among those `keep` accepts that the most events carry,
    /// with that count (deleted events included): the heaviest pivot of a case, for benchmarks.
    pub fn busiest(&self, field: &str, keep: impl Fn(&str) -> bool) -> Result<Option<(String, u64)>, IndexError> {
        let searcher = self.reader.searcher();
        let field = self.index.schema().get_field(field)?;
        let mut counts: HashMap<Vec<u8>, u64> = HashMap::new();
        for seg in searcher.segment_readers() {
            let inverted = seg.inverted_index(field)?;
            let mut terms = inverted.terms().stream().map_err(tantivy::TantivyError::from)?;
            while let Some((term, info)) = terms.next() {
                if std::str::from_utf8(term).is_ok_and(&keep) {
                    *counts.entry(term.to_vec()).or_default() += u64::from(info.doc_freq);
                }
            }
        }
        Ok(counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|(t, n)| (String::from_utf8_lossy(&t).into_owned(), n)))
    }

    /// De-duplication keys already indexed, with the file each came from.
    pub fn dedupe_keys(&self) -> Result<rustc_hash::FxHashMap<u64, u64>, IndexError> {
        let searcher = self.reader.searcher();
        let mut out = rustc_hash::FxHashMap::default();
        out.reserve(searcher.num_docs() as usize);
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
        let query = self.to_query(q);
        let collector = TopDocs::with_limit(limit.max(1)).and_offset(offset).order_by(time_order(order));
        let docs = searcher.search(&query, &collector)?;
        docs.into_iter().map(|(k, addr)| self.load(&searcher, addr, k)).collect()
    }

    /// The first `limit` events of `query` along the timeline order (`Asc`), or the last ones from the end
    /// backwards (`Desc`: the exact reverse, events without a time first).
    fn top(&self, query: &dyn Query, limit: usize, order: Order) -> Result<Vec<Hit>, IndexError> {
        let searcher = self.reader.searcher();
        let sort = match order {
            Order::Asc => time_order(Order::Asc),
            Order::Desc => {
                let (ts, dkey) = time_order(Order::Desc);
                ((ts.0, ComparatorEnum::NaturalNoneHigher), dkey)
            }
        };
        let collector = TopDocs::with_limit(limit.max(1)).order_by(sort);
        let docs = searcher.search(query, &collector)?;
        docs.into_iter().map(|(k, addr)| self.load(&searcher, addr, k)).collect()
    }

    /// Number of events matching `q`.
    pub fn count(&self, q: &ParsedQuery) -> Result<usize, IndexError> {
        let searcher = self.reader.searcher();
        Ok(searcher.search(&self.to_query(q), &Count)?)
    }

    /// All events with this event id (ids can repeat across sources).
    pub fn by_id(&self, id: &str) -> Result<Vec<Hit>, IndexError> {
        let searcher = self.reader.searcher();
        let q = query::id_query(&self.fields, id);
        let q = Visibility::restrict(self.visibility().as_ref(), &self.fields, Box::new(q));
        let docs = searcher.search(&q, &TopDocs::with_limit(16).order_by(time_order(Order::Asc)))?;
        let hits: Result<Vec<Hit>, IndexError> = docs.into_iter().map(|(k, a)| self.load(&searcher, a, k)).collect();
        // The index holds a hash of the id; the stored event settles it.
        Ok(hits?.into_iter().filter(|h| h.event.id == id.trim()).collect())
    }

    /// The events of each of `ids` (oldest first, in the order of `ids`), found in one pass over the id column,
    /// so resolving an alert's hundreds of evidence ids costs about what resolving one does.
    pub fn by_ids(&self, ids: &[String]) -> Result<Vec<Vec<Hit>>, IndexError> {
        let mut wanted: rustc_hash::FxHashMap<u64, Vec<usize>> = rustc_hash::FxHashMap::default();
        for (i, id) in ids.iter().enumerate() {
            wanted.entry(schema::id_key(id)).or_default().push(i);
        }
        let searcher = self.reader.searcher();
        let visibility = self.visibility();
        let mut out: Vec<Vec<Hit>> = vec![Vec::new(); ids.len()];
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            let ff = seg.fast_fields();
            let (id, ts, dkey) = (ff.u64("id")?, ff.i64("ts")?, ff.u64("dkey")?);
            let alive = seg.alive_bitset();
            // The column is read a block of documents at a time: one call per block instead of one per document.
            let mut docs: Vec<u32> = Vec::with_capacity(ID_SCAN_BLOCK);
            let mut hashes: Vec<Option<u64>> = vec![None; ID_SCAN_BLOCK];
            let mut start = 0;
            while start < seg.max_doc() {
                let end = seg.max_doc().min(start + ID_SCAN_BLOCK as u32);
                docs.clear();
                docs.extend(start..end);
                let hashes = &mut hashes[..docs.len()];
                hashes.fill(None);
                id.first_vals(&docs, hashes);
                start = end;
                for (&doc, hash) in docs.iter().zip(hashes.iter()) {
                    let Some(slots) = hash.and_then(|h| wanted.get(&h)) else { continue };
                    if alive.is_some_and(|a| !a.is_alive(doc)) {
                        continue;
                    }
                    let address = DocAddress::new(ord as u32, doc);
                    let hit = self.load(&searcher, address, (ts.first(doc), dkey.first(doc)))?;
                    if visibility.as_ref().is_some_and(|v| !v.admits(&hit.event)) {
                        continue;
                    }
                    // The column holds a hash of the id; the stored event settles it.
                    for &i in slots {
                        if hit.event.id == ids[i].trim() {
                            out[i].push(hit.clone());
                        }
                    }
                }
            }
        }
        for hits in &mut out {
            hits.sort_by_key(|h| h.key);
        }
        Ok(out)
    }

    /// The original record of an event, verbatim.
    pub fn raw(&self, address: DocAddress) -> Result<Vec<u8>, IndexError> {
        let searcher = self.reader.searcher();
        let doc: TantivyDocument = searcher.doc(address)?;
        Ok(document::stored_raw(&self.fields, &doc))
    }

    /// The stored event at `address`, without reading its original record.
    pub fn event_at(&self, searcher: &tantivy::Searcher, address: DocAddress) -> Result<Event, IndexError> {
        searcher.doc::<scan::StoredEvent>(address)?.parse()
    }

    fn load(&self, searcher: &tantivy::Searcher, address: DocAddress, key: TimeKey) -> Result<Hit, IndexError> {
        let event = self.event_at(searcher, address)?;
        Ok(Hit { event, address, key: SortKey { ts: key.0, dkey: key.1.unwrap_or(0) } })
    }

    /// Every event, segment by segment, in no particular order; for analytics and exports that read all.
    /// Streams: memory stays flat however large the case.
    pub fn scan(&self) -> EventScan {
        EventScan::start(self.reader.searcher(), self.visibility())
    }

    /// Runs any tantivy query (used by facet and histogram helpers).
    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// Builds the tantivy query for a parsed query, limited to what the visibility shows.
    pub fn to_query(&self, q: &ParsedQuery) -> Box<dyn Query> {
        Visibility::restrict(self.visibility().as_ref(), &self.fields, q.to_query(&self.fields))
    }
}

/// The sort values tantivy returns for [`time_order`].
type TimeKey = (Option<i64>, Option<u64>);

/// How [`time_order`] sorts.
type TimeOrder = ((SortByStaticFastValue<i64>, ComparatorEnum), (SortByStaticFastValue<u64>, ComparatorEnum));

/// Time order with the dedupe key as tie-break, so events in the same instant always come back in the same
/// order whatever segment layout parallel ingest produced. Events without a time come last either way.
fn time_order(order: Order) -> TimeOrder {
    ((SortByStaticFastValue::for_field("ts"), order.into()), (SortByStaticFastValue::for_field("dkey"), order.into()))
}
