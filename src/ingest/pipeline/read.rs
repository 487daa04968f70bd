//! Reading one file: open it and tell its layout from its first bytes, read its records on a reader thread while
//! batches are parsed and consumed, and settle its ledger entry.

use super::batches::{read_batches, BatchSource, ReadEnd, RecordStream};
use super::parse::{not_a_log, BatchParser, ParsedBatch};
use super::sniff::sniff_snapshot;
use super::tally::FileTally;
use super::Run;
use crate::ingest::decode::looks_binary;
use crate::ingest::discover::SourceFile;
use crate::ingest::ledger::FileEntry;
use crate::ingest::normalize::FileHints;
use crate::ingest::open::{open_text_tapped, peek_head, HashTap};
use crate::ingest::readers::csv_records::CsvRecords;
use crate::ingest::readers::json_records::{detect_layout, JsonLayout, JsonRecords};
use crate::ingest::readers::RawRecord;
use crate::model::Source;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// How a file's records are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Container {
    Json(JsonLayout),
    Csv,
}

/// A file opened for reading: its records, how they are laid out, and the ledger's name for its format.
struct OpenedFile {
    records: RecordStream,
    container: Container,
    format: String,
}

impl Run<'_> {
    /// Reads every record of `f` into the index and fills in its ledger entry. `tap` hashes the file on the way.
    pub(super) fn read_file(&mut self, f: &SourceFile, entry: &mut FileEntry, tap: Option<&HashTap>) {
        let Some(mut opened) = open_records(f, tap, self.progress.bytes_done.clone(), entry) else { return };
        let (shape, looked_at) = sniff_snapshot(&mut opened.records, opened.container);
        let records: RecordStream = Box::new(looked_at.into_iter().chain(opened.records));
        if let Some(shape) = shape {
            return self.read_snapshot(f, shape, records, opened.container, entry);
        }
        opened.records = records;
        let hints = FileHints { portal_signin_source: portal_source(&f.rel) };
        let parser = BatchParser { rel: &f.rel, container: opened.container, hints: &hints };
        let mut tally = FileTally::default();
        let end = self.read_records(opened.records, &parser, entry, &mut tally);
        match end.unsupported {
            Some(reason) => set_aside_as_unsupported(entry, reason),
            None => tally.settle(entry, opened.format, end.read_error),
        }
    }

    /// Runs the reader thread and takes its batches: each batch is parsed while the one before it is consumed.
    fn read_records(
        &mut self,
        records: RecordStream,
        parser: &BatchParser,
        entry: &mut FileEntry,
        tally: &mut FileTally,
    ) -> ReadEnd {
        std::thread::scope(|scope| {
            // Reading and splitting records runs ahead on its own thread, a couple of batches at most.
            let (tx, rx) = crossbeam_channel::bounded::<std::io::Result<Vec<RawRecord>>>(2);
            scope.spawn(move || read_batches(records, &tx));

            let mut src = BatchSource::new(rx, parser.container);
            let Some(first) = src.next_batch() else { return src.end() };
            let parsed = parser.parse(first, src.headers.as_deref(), &src.header_raw);
            if let Some(reason) = not_a_log(&parsed) {
                return ReadEnd { read_error: None, unsupported: Some(reason) };
            }
            self.consume_while_parsing(&mut src, parser, parsed, entry, tally);
            src.end()
        })
    }

    /// Consumes `parsed` while the next batch is parsed, until the file's batches run out.
    fn consume_while_parsing(
        &mut self,
        src: &mut BatchSource,
        parser: &BatchParser,
        mut parsed: ParsedBatch,
        entry: &mut FileEntry,
        tally: &mut FileTally,
    ) {
        loop {
            // The next batch is parsed while this one is de-duplicated, enriched and indexed.
            let next = src.next_batch();
            let hdrs = src.headers.as_deref();
            let header_raw = &src.header_raw;
            let (next_parsed, ()) =
                rayon::join(|| next.map(|b| parser.parse(b, hdrs, header_raw)), || self.consume(parsed, entry, tally));
            match next_parsed {
                Some(p) => parsed = p,
                None => break,
            }
        }
    }
}

/// Opens `f` and tells its layout from its first bytes. `None` when there is nothing to read: the entry then says
/// why (unreadable, empty, binary).
fn open_records(
    f: &SourceFile,
    tap: Option<&HashTap>,
    bytes_done: Arc<AtomicU64>,
    entry: &mut FileEntry,
) -> Option<OpenedFile> {
    let opened = open_text_tapped(f, tap, Some(bytes_done))
        .and_then(|(reader, enc, gz)| peek_head(reader, 64 * 1024).map(|(head, reader)| (head, reader, enc, gz)));
    let (head, reader, enc, gz) = match opened {
        Ok(x) => x,
        Err(e) => {
            entry.format = "unsupported".into();
            entry.reason = Some(format!("cannot read: {e}"));
            return None;
        }
    };
    let first = head.iter().copied().find(|b| !b.is_ascii_whitespace());
    let (container, shape) = match first {
        None => {
            entry.format = "empty".into();
            entry.notes.push("the file holds no records".into());
            return None;
        }
        Some(_) if looks_binary(&head[..head.len().min(8192)]) => {
            entry.format = "unsupported".into();
            entry.reason = Some("binary content, not a text export".into());
            return None;
        }
        Some(b @ (b'[' | b'{')) => {
            let layout = detect_layout(&head);
            (Container::Json(layout), json_shape(layout, b))
        }
        Some(_) => (Container::Csv, "csv"),
    };
    let format = format!("{shape}{}/{}", if gz { "+gzip" } else { "" }, enc.label());
    let records: RecordStream = match container {
        Container::Json(layout) => Box::new(JsonRecords::new(reader, layout)),
        Container::Csv => Box::new(CsvRecords::new(reader)),
    };
    Some(OpenedFile { records, container, format })
}

/// The ledger's name for a JSON file's shape, from its layout and first byte.
fn json_shape(layout: JsonLayout, first: u8) -> &'static str {
    match layout {
        JsonLayout::Lines => "json-lines",
        JsonLayout::Stream if first == b'[' => "json-array",
        JsonLayout::Stream => "json",
    }
}

/// Marks a file that turned out not to be a log: its counts and errors are dropped with it.
fn set_aside_as_unsupported(entry: &mut FileEntry, reason: String) {
    entry.format = "unsupported".into();
    entry.reason = Some(reason);
    entry.records = 0;
    entry.indexed = 0;
    entry.duplicates = 0;
    entry.rejected = 0;
    entry.errors.clear();
}

/// Sign-in type implied by an Entra portal download's file name.
fn portal_source(rel: &str) -> Option<Source> {
    let name = rel.rsplit(['/', '!']).next().unwrap_or(rel).to_ascii_lowercase();
    if name.starts_with("noninteractivesignins") {
        Some(Source::SigninNoninteractive)
    } else if name.starts_with("applicationsignins") {
        Some(Source::SigninSp)
    } else if name.starts_with("msisignins") {
        Some(Source::SigninMi)
    } else if name.starts_with("interactivesignins") {
        Some(Source::SigninInteractive)
    } else {
        None
    }
}
