//! Reading every stored event: the pass the analytics and the exports make over a whole case.
//!
//! One thread reads the stored events segment by segment, block by block (each block decompressed once, no document
//! looked up on its own), into fixed-size chunks; the chunks are decoded in parallel and handed over in index
//! order, so a consumer sees the same sequence on every run while decoding uses every core. Only the stored event
//! is read: the original record, stored after it, is never decoded. The store pages a scan has passed are given
//! back as it goes (see [`super::resident`]).

use super::resident::MappedStore;
use super::schema::event_field;
use super::IndexError;
use crate::model::Event;
use crossbeam_channel::{bounded, Receiver, Sender};
use rayon::prelude::*;
use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::OwnedValue;
use tantivy::Searcher;

/// Documents decoded by one task. Decoded events are large (every string owned), and the windows in flight hold
/// about four times `WINDOW_CHUNKS` chunks: 8192 documents per chunk kept some 130,000 events, 200 MB, in memory
/// while a million-event case was scanned; 1024 keep 16,000 and scan as fast.
const CHUNK_DOCS: usize = 1024;
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

/// A stored event as read, before it is decoded.
type Read = Result<StoredEvent, IndexError>;

/// Reads every live document's stored event, segment by segment and block by block (each block is decompressed
/// once and no document is looked up on its own), and sends them on in windows of chunks. The store pages behind
/// the reader are given back as it goes.
fn read_all(searcher: &Searcher, tx: &Sender<Vec<Vec<Read>>>) {
    let mut window: Vec<Vec<Read>> = Vec::with_capacity(WINDOW_CHUNKS);
    let mut chunk: Vec<Read> = Vec::with_capacity(CHUNK_DOCS);
    for segment in searcher.segment_readers() {
        let store = match segment.get_store_reader(0) {
            Ok(s) => s,
            Err(source) => {
                chunk.push(Err(IndexError::Io { path: "doc store".into(), source }));
                continue;
            }
        };
        let mut mapped = MappedStore::of(searcher, segment);
        let live = segment.num_docs().max(1) as f64;
        for (n, doc) in store.iter::<StoredEvent>(segment.alive_bitset()).enumerate() {
            chunk.push(doc.map_err(IndexError::Tantivy));
            if chunk.len() < CHUNK_DOCS {
                continue;
            }
            window.push(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_DOCS)));
            if window.len() == WINDOW_CHUNKS {
                if let Some(m) = mapped.as_mut() {
                    m.release_before(n as f64 / live);
                }
                if tx.send(std::mem::replace(&mut window, Vec::with_capacity(WINDOW_CHUNKS))).is_err() {
                    return;
                }
            }
        }
        if let Some(m) = mapped.as_mut() {
            m.release_before(1.0);
        }
    }
    if !chunk.is_empty() {
        window.push(chunk);
    }
    if !window.is_empty() {
        let _ = tx.send(window);
    }
}

/// Decodes a window's chunks side by side.
fn decode(window: Vec<Vec<Read>>) -> Vec<Vec<Result<Event, IndexError>>> {
    window.into_par_iter().map(|chunk| chunk.into_iter().map(|r| r.and_then(StoredEvent::parse)).collect()).collect()
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
        let (read_tx, read_rx) = bounded(QUEUE_WINDOWS);
        let (tx, rx) = bounded(QUEUE_WINDOWS);
        let spawn =
            |name: &str, work: Box<dyn FnOnce() + Send>| std::thread::Builder::new().name(name.into()).spawn(work);
        let started = spawn("scan-read", Box::new(move || read_all(&searcher, &read_tx))).and_then(|_| {
            spawn(
                "scan-decode",
                Box::new(move || {
                    for window in read_rx {
                        if tx.send(decode(window)).is_err() {
                            return;
                        }
                    }
                }),
            )
        });
        // A scan that could not start says so as its one item rather than looking like an empty case.
        let failed: Vec<_> = started
            .err()
            .map(|source| Err(IndexError::Io { path: "event scan thread".into(), source }))
            .into_iter()
            .collect();
        EventScan { rx, window: Vec::new().into_iter(), chunk: failed.into_iter(), visibility }
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
