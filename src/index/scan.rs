//! Reading every stored event: the pass the analytics and the exports make over a whole case.
//!
//! Documents are decoded in parallel in fixed-size chunks and handed over in index order, so a consumer sees the
//! same sequence on every run while decompression and decoding use every core. Only the stored event is read: the
//! original record, stored after it, is never decoded. The store pages a scan has passed are given back as it goes
//! (see [`super::resident`]).

use super::resident::MappedStore;
use super::schema::event_field;
use super::IndexError;
use crate::model::Event;
use crossbeam_channel::{bounded, Receiver};
use rayon::prelude::*;
use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::OwnedValue;
use tantivy::{DocId, Searcher, SegmentReader};

/// Documents decoded by one task. Decoded events are large (every string owned), and the windows in flight hold
/// about four times `WINDOW_CHUNKS` chunks: 8192 documents per chunk kept some 130,000 events, 200 MB, in memory
/// while a million-event case was scanned; 1024 keep 16,000 and scan as fast.
const CHUNK_DOCS: u32 = 1024;
/// Chunks decoded side by side before they are handed over.
const WINDOW_CHUNKS: usize = 4;
/// Windows waiting for the consumer; bounds memory to a few thousand events.
const QUEUE_WINDOWS: usize = 2;

/// The stored event of a document, read without deserializing the fields stored after it.
pub(crate) struct StoredEvent(pub Option<String>);

impl DocumentDeserialize for StoredEvent {
    fn deserialize<'de, D>(mut deserializer: D) -> Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        let wanted = event_field();
        while let Some((field, value)) = deserializer.next_field::<OwnedValue>()? {
            if field == wanted {
                return Ok(StoredEvent(match value {
                    OwnedValue::Str(s) => Some(s),
                    OwnedValue::Bytes(b) => String::from_utf8(b).ok(),
                    _ => None,
                }));
            }
        }
        Ok(StoredEvent(None))
    }
}

impl StoredEvent {
    /// Decodes the stored event (see [`super::codec`]).
    pub(crate) fn parse(self) -> Result<Event, IndexError> {
        let text = self.0.ok_or_else(|| IndexError::Corrupt("document has no stored event".into()))?;
        super::codec::decode(&text).map_err(IndexError::Corrupt)
    }
}

/// One unit of decoding work: a range of documents of one segment.
#[derive(Clone)]
struct Chunk {
    segment: SegmentReader,
    /// The segment's place in the searcher.
    ordinal: usize,
    docs: std::ops::Range<DocId>,
}

fn decode(chunk: &Chunk) -> Vec<Result<Event, IndexError>> {
    let store = match chunk.segment.get_store_reader(2) {
        Ok(s) => s,
        Err(source) => return vec![Err(IndexError::Io { path: "doc store".into(), source })],
    };
    let alive = chunk.segment.alive_bitset();
    let mut out = Vec::with_capacity(chunk.docs.len());
    for doc in chunk.docs.clone() {
        if alive.is_some_and(|a| !a.is_alive(doc)) {
            continue;
        }
        out.push(store.get::<StoredEvent>(doc).map_err(IndexError::Tantivy).and_then(StoredEvent::parse));
    }
    out
}

fn chunks_of(searcher: &Searcher) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    for (ordinal, seg) in searcher.segment_readers().iter().enumerate() {
        let mut start = 0;
        while start < seg.max_doc() {
            let end = (start + CHUNK_DOCS).min(seg.max_doc());
            chunks.push(Chunk { segment: seg.clone(), ordinal, docs: start..end });
            start = end;
        }
    }
    chunks
}

/// Every event of a searcher, segment by segment, decoded on a background thread pool (see the module docs).
/// Dropping the iterator stops the decoding.
pub struct EventScan {
    rx: Receiver<Vec<Vec<Result<Event, IndexError>>>>,
    window: std::vec::IntoIter<Vec<Result<Event, IndexError>>>,
    chunk: std::vec::IntoIter<Result<Event, IndexError>>,
    visibility: Option<super::Visibility>,
}

impl EventScan {
    /// Starts decoding every live document of `searcher`, keeping only what `visibility` shows.
    pub fn start(searcher: Searcher, visibility: Option<super::Visibility>) -> EventScan {
        let (tx, rx) = bounded(QUEUE_WINDOWS);
        std::thread::spawn(move || {
            let chunks = chunks_of(&searcher);
            let mut stores: Vec<Option<MappedStore>> =
                searcher.segment_readers().iter().map(|seg| MappedStore::of(&searcher, seg)).collect();
            for window in chunks.chunks(WINDOW_CHUNKS) {
                let decoded: Vec<_> = window.par_iter().map(decode).collect();
                for c in window {
                    if let Some(store) = stores.get_mut(c.ordinal).and_then(Option::as_mut) {
                        store.release_before(c.docs.end as f64 / c.segment.max_doc().max(1) as f64);
                    }
                }
                if tx.send(decoded).is_err() {
                    return;
                }
            }
        });
        EventScan { rx, window: Vec::new().into_iter(), chunk: Vec::new().into_iter(), visibility }
    }
}

impl Iterator for EventScan {
    type Item = Result<Event, IndexError>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(e) = self.chunk.next() {
                if let (Ok(ev), Some(v)) = (&e, &self.visibility) {
                    if !v.admits(ev) {
                        continue;
                    }
                }
                return Some(e);
            }
            if let Some(c) = self.window.next() {
                self.chunk = c.into_iter();
                continue;
            }
            self.window = self.rx.recv().ok()?.into_iter();
        }
    }
}
