//! The ingest run: discover → sniff → read in batches (on a reader thread) → parse and normalize in parallel →
//! enrich, de-duplicate and index in order (while the next batch is parsed) → ledger.

use super::discover::{discover, SourceFile};
use super::ledger::{FileEntry, Ledger};
use super::normalize::lazy::{raw_kind, FieldValue, LazyMap, ObjectError};
use super::normalize::{classify, normalize, FileHints, Normalized, TimeAssumption};
use super::open::{content_hash, open_text, open_text_tapped, peek_head, HashTap};
use super::readers::csv_records::{clean_header, parse_fields, CsvRecords};
use super::readers::json_records::{detect_layout, JsonLayout, JsonRecords};
use super::readers::RawRecord;
use crate::enrich::learned::Learned;
use crate::enrich::mmdb::GeoDb;
use crate::files::atomic::write_atomic;
use crate::index::document::{to_document, Original};
use crate::index::CaseIndex;
use crate::model::{Origin, Source};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Memory the index writer may fill before it writes a segment. Fewer, larger segments mean the terms that recur
/// across segments (users, addresses, apps, words) are written fewer times: a million events make two segments
/// instead of four, ingest is about 8% faster and peak memory grows by about 130 MB.
const WRITER_MEMORY: usize = 1024 * 1024 * 1024;

/// Records read, parsed and normalized together.
const BATCH: usize = 2048;

/// Record counts at which collection tools stop; an export of exactly this size was probably cut short.
const TRUNCATION_SIZES: [u64; 4] = [5_000, 10_000, 50_000, 100_000];

/// Ingest errors that stop the run (per-record and per-file problems go to the ledger instead).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
    #[error("index write failed: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("cannot write case state {path}: {source}")]
    State {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    GeoIp(String),
}

/// What the caller can choose.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Throw away the index and read everything again.
    pub rebuild: bool,
    /// User-supplied MaxMind databases.
    pub geoip: Vec<PathBuf>,
}

/// Live counters a progress bar or the TUI samples while ingest runs.
#[derive(Debug, Default)]
pub struct IngestProgress {
    pub files_total: AtomicU64,
    pub files_done: AtomicU64,
    pub bytes_total: AtomicU64,
    /// Bytes of the case's files read so far, counted as they are read (a 2 GB export moves the bar while it is
    /// being read, not only when it is done).
    pub bytes_done: Arc<AtomicU64>,
    pub records: AtomicU64,
    pub current: Mutex<String>,
}

/// How a file's records are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Json(JsonLayout),
    Csv,
}

struct Run<'a> {
    index: &'a CaseIndex,
    writer: tantivy::IndexWriter,
    seen: FxHashMap<u64, u64>,
    learned: Learned,
    geo: GeoDb,
    progress: &'a IngestProgress,
}

/// Where ingest reads evidence and keeps what it builds. The case layer implements it; ingest sits below the case
/// and knows only these places.
pub trait IngestTarget {
    /// The evidence folder.
    fn root(&self) -> &Path;
    /// The index folder.
    fn index_dir(&self) -> PathBuf;
    /// The saved ledger.
    fn ledger_path(&self) -> PathBuf;
    /// Facts learned at ingest (IP geography, user ids → UPNs).
    fn learned_path(&self) -> PathBuf;
    /// True when what is kept must be thrown away and built again.
    fn needs_rebuild(&self) -> bool;
    /// Records that the state now matches this version and machine.
    fn mark_built(&self) -> std::io::Result<()>;
}

/// Ingests every evidence file of `case` into its index and returns the ledger (also saved in the state).
pub fn ingest(
    case: &impl IngestTarget,
    opts: &IngestOptions,
    progress: &IngestProgress,
) -> Result<Ledger, IngestError> {
    let state_err = |path: &std::path::Path| {
        let path = path.display().to_string();
        move |source| IngestError::State { path, source }
    };
    let rebuild = opts.rebuild || case.needs_rebuild();
    if rebuild {
        for p in [case.index_dir()] {
            if p.exists() {
                std::fs::remove_dir_all(&p).map_err(state_err(&p))?;
            }
        }
        let _ = std::fs::remove_file(case.ledger_path());
        let _ = std::fs::remove_file(case.learned_path());
    }
    let previous = if rebuild { Ledger::default() } else { Ledger::load(&case.ledger_path()) };
    let learned: Learned =
        std::fs::read(case.learned_path()).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    let geo = GeoDb::open(&opts.geoip).map_err(IngestError::GeoIp)?;
    let index = CaseIndex::open_or_create(&case.index_dir())?;
    let writer = index.writer(2, WRITER_MEMORY)?;
    let seen = index.dedupe_keys()?;
    let mut run = Run { index: &index, writer, seen, learned, geo, progress };

    let mut files = discover(case.root());
    progress.files_total.store(files.len() as u64, Ordering::Relaxed);
    progress.bytes_total.store(files.iter().map(|f| f.bytes).sum(), Ordering::Relaxed);

    // Sign-ins first, so that what they teach (IP geography, user ids) enriches every other source.
    let mut prio: HashMap<String, u8> = HashMap::new();
    for f in &files {
        prio.insert(f.rel.clone(), sniff_priority(f));
    }
    files.sort_by_key(|f| (prio.get(&f.rel).copied().unwrap_or(1), f.rel.clone()));

    let prev_by_path: HashMap<&str, &FileEntry> = previous.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let current: BTreeSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
    let mut ledger = Ledger::default();

    // Files gone since the last run: their events go too.
    for old in &previous.files {
        if !current.contains(old.path.as_str()) {
            run.forget_file(old.file_id);
        }
    }

    for f in &files {
        *progress.current.lock().unwrap_or_else(|e| e.into_inner()) = f.rel.clone();
        if let Some(reason) = &f.set_aside {
            let path = f.rel.clone();
            let reason = Some(reason.clone());
            ledger.files.push(FileEntry { path, format: "unsupported".into(), reason, ..FileEntry::default() });
            progress.files_done.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        // A file seen before is hashed first to tell whether it changed; a new one is hashed while it is read.
        let seen_before = prev_by_path.get(f.rel.as_str());
        let hash = if seen_before.is_some() { content_hash(f).unwrap_or_default() } else { String::new() };
        if let Some(old) = seen_before {
            if !hash.is_empty() && old.hash == hash {
                ledger.files.push((*old).clone());
                progress.files_done.fetch_add(1, Ordering::Relaxed);
                progress.bytes_done.fetch_add(f.bytes, Ordering::Relaxed);
                continue;
            }
            run.forget_file(old.file_id);
        }
        let mut entry =
            FileEntry { path: f.rel.clone(), hash, bytes: f.bytes, file_id: file_id(&f.rel), ..FileEntry::default() };
        let tap = entry.hash.is_empty().then(HashTap::default);
        let before = progress.bytes_done.load(Ordering::Relaxed);
        run.read_file(f, &mut entry, tap.as_ref());
        // Settled to the file's size: reading may have stopped early, and an archive entry's size is its own.
        progress.bytes_done.store(before + f.bytes, Ordering::Relaxed);
        if let Some(tap) = tap {
            entry.hash = tap.finish().or_else(|| content_hash(f).ok()).unwrap_or_default();
        }
        entry.finish();
        ledger.files.push(entry);
        progress.files_done.fetch_add(1, Ordering::Relaxed);
    }

    run.writer.commit()?;
    run.writer.wait_merging_threads()?;
    index.reload()?;
    ledger.files.sort_by(|a, b| a.path.cmp(&b.path));
    ledger.recompute();
    let ledger_bytes = serde_json::to_vec_pretty(&ledger).unwrap_or_default();
    write_atomic(&case.ledger_path(), &ledger_bytes).map_err(state_err(&case.ledger_path()))?;
    let learned_bytes = serde_json::to_vec(&run.learned).unwrap_or_default();
    write_atomic(&case.learned_path(), &learned_bytes).map_err(state_err(&case.learned_path()))?;
    case.mark_built().map_err(state_err(&case.index_dir()))?;
    Ok(ledger)
}

/// A stable id for a file path, stored with each event so a changed file's events can be replaced.
pub fn file_id(rel: &str) -> u64 {
    let h = blake3::hash(rel.as_bytes());
    u64::from_le_bytes(h.as_bytes()[..8].try_into().unwrap_or([0; 8]))
}

fn dedupe_key(source: Option<Source>, native: &str) -> u64 {
    let mut h = blake3::Hasher::new();
    h.update(source.map(|s| s.as_str()).unwrap_or("").as_bytes());
    h.update(&[0]);
    h.update(native.as_bytes());
    u64::from_le_bytes(h.finalize().as_bytes()[..8].try_into().unwrap_or([0; 8]))
}

fn sniff_priority(f: &SourceFile) -> u8 {
    if f.set_aside.is_some() {
        return 1;
    }
    let Ok((r, _, _)) = open_text(f) else { return 1 };
    let Ok((head, _)) = peek_head(r, 64 * 1024) else { return 1 };
    let text = String::from_utf8_lossy(&head);
    let signin =
        ["uniqueTokenIdentifier", "UniqueTokenIdentifier", "Unique token identifier", "SignInLogs", "SigninLogs"];
    if signin.iter().any(|m| text.contains(m)) && !text.contains("RequestUri") && !text.contains("requestUri") {
        0
    } else {
        1
    }
}

/// What became of one logical record.
enum Outcome {
    Event(Box<Normalized>, Original),
    Rejected(String),
    Unknown(String),
}

impl Run<'_> {
    /// De-duplicates, learns from and enriches one parsed batch in record order, then indexes it.
    fn consume(&mut self, outcomes: Vec<(u64, u64, Vec<Outcome>)>, entry: &mut FileEntry, tally: &mut FileTally) {
        // Documents are built in parallel once the order-dependent steps (dedupe, learning) are done.
        let mut ready: Vec<(u64, u64, crate::model::Event, Original, u64)> = Vec::with_capacity(outcomes.len());
        for (no, line, outs) in outcomes {
            for out in outs {
                entry.records += 1;
                self.progress.records.fetch_add(1, Ordering::Relaxed);
                match out {
                    Outcome::Rejected(why) | Outcome::Unknown(why) => {
                        entry.reject(format!("record {no} (line {line}): {why}"));
                    }
                    Outcome::Event(n, raw) => {
                        let mut n = *n;
                        if let Some(s) = n.event.source {
                            tally.sources.insert(s.as_str());
                        }
                        if n.assumption != TimeAssumption::None {
                            *tally.assumptions.entry(n.assumption).or_default() += 1;
                        }
                        match n.event.ts {
                            None => tally.no_time += 1,
                            Some(t) => {
                                tally.first_ts = Some(tally.first_ts.map_or(t, |x| x.min(t)));
                                tally.last_ts = Some(tally.last_ts.map_or(t, |x| x.max(t)));
                            }
                        }
                        let native = n.native_id.clone().unwrap_or_else(|| n.event.id.clone());
                        let key = dedupe_key(n.event.source, &native);
                        match self.seen.entry(key) {
                            std::collections::hash_map::Entry::Occupied(_) => {
                                entry.duplicates += 1;
                                continue;
                            }
                            std::collections::hash_map::Entry::Vacant(slot) => {
                                slot.insert(entry.file_id);
                            }
                        }
                        self.learned.learn(&n.event);
                        crate::enrich::enrich(&mut n.event, &self.learned, &self.geo);
                        ready.push((no, line, n.event, raw, key));
                    }
                }
            }
        }
        let fields = &self.index.fields;
        let file_id = entry.file_id;
        let docs: Vec<_> = ready
            .par_iter()
            .map(|(no, line, event, raw, key)| (*no, *line, to_document(fields, event, raw, *key, file_id)))
            .collect();
        for (no, line, doc) in docs {
            match self.writer.add_document(doc) {
                Ok(_) => entry.indexed += 1,
                Err(e) => entry.reject(format!("record {no} (line {line}): index write failed: {e}")),
            }
        }
    }

    fn forget_file(&mut self, fid: u64) {
        self.writer.delete_term(tantivy::Term::from_field_u64(self.index.fields.file_id, fid));
        self.seen.retain(|_, f| *f != fid);
    }

    fn read_file(&mut self, f: &SourceFile, entry: &mut FileEntry, tap: Option<&HashTap>) {
        let (reader, enc, gz) = match open_text_tapped(f, tap, Some(self.progress.bytes_done.clone())) {
            Ok(x) => x,
            Err(e) => {
                entry.format = "unsupported".into();
                entry.reason = Some(format!("cannot read: {e}"));
                return;
            }
        };
        let (head, reader) = match peek_head(reader, 64 * 1024) {
            Ok(h) => h,
            Err(e) => {
                entry.format = "unsupported".into();
                entry.reason = Some(format!("cannot read: {e}"));
                return;
            }
        };
        let first = head.iter().copied().find(|b| !b.is_ascii_whitespace());
        let container = match first {
            None => {
                entry.format = "empty".into();
                entry.notes.push("the file holds no records".into());
                return;
            }
            Some(_) if super::decode::looks_binary(&head[..head.len().min(8192)]) => {
                entry.format = "unsupported".into();
                entry.reason = Some("binary content, not a text export".into());
                return;
            }
            Some(b'[') | Some(b'{') => Container::Json(detect_layout(&head)),
            Some(_) => Container::Csv,
        };
        let shape = match container {
            Container::Json(JsonLayout::Lines) => "json-lines",
            Container::Json(JsonLayout::Stream) if first == Some(b'[') => "json-array",
            Container::Json(JsonLayout::Stream) => "json",
            Container::Csv => "csv",
        };
        let base_format = format!("{shape}{}/{}", if gz { "+gzip" } else { "" }, enc.label());
        let hints = FileHints { portal_signin_source: portal_source(&f.rel) };
        let mut tally = FileTally::default();
        let mut unsupported_reason: Option<String> = None;
        let mut read_error: Option<String> = None;
        let records: Box<dyn Iterator<Item = std::io::Result<RawRecord>> + Send> = match container {
            Container::Json(layout) => Box::new(JsonRecords::new(reader, layout)),
            Container::Csv => Box::new(CsvRecords::new(reader)),
        };

        std::thread::scope(|scope| {
            // Reading and splitting records runs ahead on its own thread, a couple of batches at most.
            let (tx, rx) = crossbeam_channel::bounded::<std::io::Result<Vec<RawRecord>>>(2);
            scope.spawn(move || read_batches(records, &tx));

            let mut src = BatchSource {
                rx,
                container,
                record_no: 0,
                headers: None,
                header_raw: Vec::new(),
                read_error: None,
                unsupported: None,
            };
            let Some(first) = src.next_batch() else {
                (read_error, unsupported_reason) = (src.read_error.take(), src.unsupported.take());
                return;
            };
            // Records are moved into parsing: a record's bytes become the stored original without a copy.
            let parse = |batch: Vec<(u64, RawRecord)>, hdrs: Option<&[(String, bool)]>, header_raw: &[u8]| {
                batch
                    .into_par_iter()
                    .map(|(no, rec)| {
                        let line = rec.line;
                        let origin = Origin { file: f.rel.clone(), record: no, line: Some(line) };
                        (no, line, parse_record(rec, container, hdrs, header_raw, origin, &hints))
                    })
                    .collect::<Vec<_>>()
            };
            let mut parsed = parse(first, src.headers.as_deref(), &src.header_raw);
            // A file none of whose first records is a known log is not a log export.
            let known = parsed.iter().any(|(_, _, o)| o.iter().any(|x| !matches!(x, Outcome::Unknown(_))));
            if !known {
                let why = parsed.iter().find_map(|(_, _, o)| {
                    o.iter().find_map(|x| if let Outcome::Unknown(w) = x { Some(w.clone()) } else { None })
                });
                unsupported_reason = Some(why.unwrap_or_else(|| "no record matches a supported log".into()));
                return;
            }
            loop {
                // The next batch is parsed while this one is de-duplicated, enriched and indexed.
                let next = src.next_batch();
                let hdrs = src.headers.as_deref();
                let header_raw = &src.header_raw;
                let (next_parsed, ()) = rayon::join(
                    || next.map(|b| parse(b, hdrs, header_raw)),
                    || self.consume(parsed, entry, &mut tally),
                );
                match next_parsed {
                    Some(p) => parsed = p,
                    None => break,
                }
            }
            (read_error, unsupported_reason) = (src.read_error.take(), src.unsupported.take());
        });
        let FileTally { sources, assumptions, no_time, first_ts, last_ts } = tally;
        if let Some(reason) = unsupported_reason {
            entry.format = "unsupported".into();
            entry.reason = Some(reason);
            entry.records = 0;
            entry.indexed = 0;
            entry.duplicates = 0;
            entry.rejected = 0;
            entry.errors.clear();
            return;
        }
        entry.format = base_format;
        entry.source = sources.into_iter().collect::<Vec<_>>().join(",");
        if let Some(e) = read_error {
            entry.notes.push(e);
        }
        if let Some(n) = assumptions.get(&TimeAssumption::NoZoneReadAsUtc) {
            entry.notes.push(format!("{n} timestamps had no time zone and were read as UTC"));
        }
        if let Some(n) = assumptions.get(&TimeAssumption::AmbiguousDayMonth) {
            entry.notes.push(format!("{n} dates could be day/month or month/day and were read as month/day (US)"));
        }
        if no_time > 0 {
            entry.notes.push(format!("{no_time} records carry no time at all; they are indexed without one"));
        }
        if TRUNCATION_SIZES.contains(&entry.records) {
            entry.notes.push(format!(
                "exactly {} records: the collection probably hit its limit and the export may be incomplete",
                entry.records
            ));
        }
        entry.first_event = first_ts.map(|t| t.to_rfc3339());
        entry.last_event = last_ts.map(|t| t.to_rfc3339());
    }
}

/// What a file's indexed events add up to, for its ledger entry.
#[derive(Default)]
struct FileTally {
    sources: BTreeSet<&'static str>,
    assumptions: HashMap<TimeAssumption, u64>,
    no_time: u64,
    first_ts: Option<chrono::DateTime<chrono::Utc>>,
    last_ts: Option<chrono::DateTime<chrono::Utc>>,
}

/// The consuming end of a file's reader: numbers records and takes a CSV file's header.
struct BatchSource {
    rx: crossbeam_channel::Receiver<std::io::Result<Vec<RawRecord>>>,
    container: Container,
    record_no: u64,
    headers: Option<Vec<(String, bool)>>,
    header_raw: Vec<u8>,
    read_error: Option<String>,
    unsupported: Option<String>,
}

impl BatchSource {
    /// The next numbered batch; `None` when the file is done, failed, or is not a log.
    fn next_batch(&mut self) -> Option<Vec<(u64, RawRecord)>> {
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
}

/// Sends a file's records in batches until it ends, fails, or the receiver stops listening.
fn read_batches(
    mut records: Box<dyn Iterator<Item = std::io::Result<RawRecord>> + Send>,
    tx: &crossbeam_channel::Sender<std::io::Result<Vec<RawRecord>>>,
) {
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

/// Parses one raw record into zero or more logical records and normalizes each.
fn parse_record(
    rec: RawRecord,
    container: Container,
    headers: Option<&[(String, bool)]>,
    header_raw: &[u8],
    origin: Origin,
    hints: &FileHints,
) -> Vec<Outcome> {
    if let Some(p) = &rec.problem {
        return vec![Outcome::Rejected(p.describe())];
    }
    match container {
        Container::Csv => {
            let Some(headers) = headers else {
                return vec![Outcome::Rejected("CSV row before any header".into())];
            };
            let fields = match parse_fields(&rec.bytes) {
                Ok(f) => f,
                Err(e) => return vec![Outcome::Rejected(e)],
            };
            if fields.len() != headers.len() {
                return vec![Outcome::Rejected(format!(
                    "CSV row has {} columns, the header has {}",
                    fields.len(),
                    headers.len()
                ))];
            }
            let cells = headers
                .iter()
                .zip(&fields)
                .map(|((h, utc), v)| {
                    // A `[UTC]` column states its zone in the header; carry that into the value.
                    let v = if *utc && !v.trim().is_empty() {
                        Cow::Owned(format!("{} UTC", v.trim()))
                    } else {
                        Cow::Borrowed(v.as_str())
                    };
                    (Cow::Borrowed(h.as_str()), v)
                })
                .collect();
            let map = LazyMap::from_cells(cells);
            let mut raw = Vec::with_capacity(header_raw.len() + rec.bytes.len() + 1);
            raw.extend_from_slice(header_raw);
            raw.push(b'\n');
            raw.extend_from_slice(&rec.bytes);
            let outcome = match normalize_map(&map, &raw, origin, hints, "CSV columns") {
                Ok(n) => Outcome::Event(n, Original::from(raw)),
                Err(o) => o,
            };
            vec![outcome]
        }
        Container::Json(_) => {
            let text = match String::from_utf8(rec.bytes) {
                Ok(text) => text,
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    return vec![Outcome::Rejected(format!("invalid UTF-8 at byte {at} of the record"))];
                }
            };
            let outcome = {
                let map = match LazyMap::from_json_str(&text) {
                    Ok(m) => m,
                    Err(ObjectError::NotObject(kind)) => {
                        return vec![Outcome::Rejected(format!("record is a JSON {kind}, not an object"))]
                    }
                    Err(ObjectError::Syntax(e)) => return vec![Outcome::Rejected(format!("invalid JSON: {e}"))],
                };
                // A line that is itself a `{"records":[…]}` or `{"value":[…]}` wrapper holds many records.
                if let Some(inner) = wrapper_items(&map) {
                    return inner
                        .iter()
                        .map(|item| match LazyMap::from_json_str(item.get()) {
                            Ok(m) => {
                                match normalize_map(&m, item.get().as_bytes(), origin.clone(), hints, "JSON fields") {
                                    Ok(n) => Outcome::Event(n, Original::Text(item.get().to_string())),
                                    Err(o) => o,
                                }
                            }
                            Err(_) => Outcome::Rejected(format!("record is a JSON {}, not an object", raw_kind(item))),
                        })
                        .collect();
                }
                normalize_map(&map, text.as_bytes(), origin, hints, "JSON fields")
            };
            vec![match outcome {
                Ok(n) => Outcome::Event(n, Original::Text(text)),
                Err(o) => o,
            }]
        }
    }
}

fn wrapper_items<'a>(map: &LazyMap<'a>) -> Option<Vec<&'a RawValue>> {
    if map.len() > 4 {
        return None;
    }
    ["records", "value", "Records"].iter().find_map(|k| map.get(k).and_then(FieldValue::array_items))
}

/// The event of one parsed record, or why there is none (a rejected or unknown record).
fn normalize_map(
    map: &LazyMap,
    raw: &[u8],
    origin: Origin,
    hints: &FileHints,
    what: &str,
) -> Result<Box<Normalized>, Outcome> {
    match classify(map) {
        None => {
            let mut names: Vec<&str> = map.keys().take(8).collect();
            if map.len() > 8 {
                names.push("…");
            }
            Err(Outcome::Unknown(format!("{what} ({}) match no supported log source", names.join(", "))))
        }
        Some(kind) => match normalize(kind, map, raw, origin, hints) {
            Ok(n) => Ok(Box::new(n)),
            Err(r) => Err(Outcome::Rejected(format!("{} record: {}", kind.label(), r.0))),
        },
    }
}
