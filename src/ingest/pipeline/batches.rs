//! A file's records travel in batches from a reader thread to the parsers; the receiving end numbers them and takes
//! a CSV file's header row.

use super::read::Container;
use crate::ingest::readers::csv_records::{clean_header, parse_fields};
use crate::ingest::readers::RawRecord;

/// Records read, parsed and normalized together.
const BATCH: usize = 2048;

/// A file's raw records as its reader cuts them.
pub(super) type RecordStream = Box<dyn Iterator<Item = std::io::Result<RawRecord>> + Send>;

/// The channel that carries batches of raw records from the reader thread.
pub(super) type BatchReceiver = crossbeam_channel::Receiver<std::io::Result<Vec<RawRecord>>>;

/// How reading a file ended, beyond its records: a read error part way, or the finding that it is no log.
#[derive(Default)]
pub(super) struct ReadEnd {
    /// The read error that stopped the file part way, for its ledger notes.
    pub(super) read_error: Option<String>,
    /// Why the file is not a log after all.
    pub(super) unsupported: Option<String>,
}

/// The consuming end of a file's reader: numbers records and takes a CSV file's header.
pub(super) struct BatchSource {
    rx: BatchReceiver,
    container: Container,
    record_no: u64,
    /// A CSV file's column names, each with whether its header marks it `[UTC]`.
    pub(super) headers: Option<Vec<(String, bool)>>,
    /// The CSV header row as found in the file, stored with each row's original.
    pub(super) header_raw: Vec<u8>,
    read_error: Option<String>,
    unsupported: Option<String>,
}

impl BatchSource {
    /// Receives the batches of a file laid out as `container`.
    pub(super) fn new(rx: BatchReceiver, container: Container) -> BatchSource {
        BatchSource {
            rx,
            container,
            record_no: 0,
            headers: None,
            header_raw: Vec::new(),
            read_error: None,
            unsupported: None,
        }
    }

    /// The next numbered batch; `None` when the file is done, failed, or is not a log.
    pub(super) fn next_batch(&mut self) -> Option<Vec<(u64, RawRecord)>> {
        loop {
            let raw = match self.rx.recv() {
                Ok(Ok(raw)) => raw,
                Ok(Err(e)) => {
                    self.read_error = Some(format!("read error after record {}: {e}", self.record_no));
                    return None;
                }
                Err(_) => return None,
            };
            let mut batch = Vec::with_capacity(raw.len());
            for rec in raw {
                if self.container == Container::Csv && self.headers.is_none() {
                    if rec.bytes.starts_with(b"#TYPE") {
                        continue;
                    }
                    match parse_fields(&rec.bytes) {
                        Ok(h) if h.len() >= 2 => {
                            self.headers =
                                Some(h.iter().map(|x| (clean_header(x), x.trim().ends_with("[UTC]"))).collect());
                            self.header_raw = rec.bytes.clone();
                        }
                        _ => {
                            self.unsupported = Some("text that is neither JSON nor CSV with a header row".into());
                            return None;
                        }
                    }
                    continue;
                }
                self.record_no += 1;
                batch.push((self.record_no, rec));
            }
            if !batch.is_empty() {
                return Some(batch);
            }
        }
    }

    /// How the reading ended, once no batch comes any more.
    pub(super) fn end(&mut self) -> ReadEnd {
        ReadEnd { read_error: self.read_error.take(), unsupported: self.unsupported.take() }
    }
}

/// Sends a file's records in batches until it ends, fails, or the receiver stops listening.
pub(super) fn read_batches(mut records: RecordStream, tx: &crossbeam_channel::Sender<std::io::Result<Vec<RawRecord>>>) {
    loop {
        let mut batch = Vec::with_capacity(BATCH);
        let mut failed = None;
        while batch.len() < BATCH {
            match records.next() {
                Some(Ok(rec)) => batch.push(rec),
                Some(Err(e)) => {
                    failed = Some(e);
                    break;
                }
                None => break,
            }
        }
        let done = batch.len() < BATCH;
        if !batch.is_empty() && tx.send(Ok(batch)).is_err() {
            return;
        }
        if let Some(e) = failed {
            let _ = tx.send(Err(e));
            return;
        }
        if done {
            return;
        }
    }
}
