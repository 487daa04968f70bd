//! Opens a source file as a decoded UTF-8 stream, whatever wraps it (zip entry, gzip, BOM, UTF-16).

use super::decode::{maybe_gunzip, utf8_stream, TextEncoding};
use super::discover::SourceFile;
use std::io::{self, BufRead, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Reads a zip entry on its own thread and hands the bytes over a bounded channel, so the entry streams
/// without holding the archive open across calls.
struct ChannelReader {
    rx: crossbeam_channel::Receiver<io::Result<Vec<u8>>>,
    buf: Vec<u8>,
    pos: usize,
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.buf.len() {
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    self.buf = chunk;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// One archive file shared by every reader of its members: each clone keeps its own position.
#[derive(Clone)]
struct SharedFile {
    file: Arc<Mutex<std::fs::File>>,
    pos: u64,
}

impl Read for SharedFile {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        use std::io::Seek;
        let mut f = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        f.seek(io::SeekFrom::Start(self.pos))?;
        let n = f.read(out)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl io::Seek for SharedFile {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        let f = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        let len = f.metadata()?.len();
        let next = match to {
            io::SeekFrom::Start(n) => Some(n),
            io::SeekFrom::End(d) => len.checked_add_signed(d),
            io::SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = next.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}

/// How many parsed archives are kept; members of one archive are read one after another.
const ARCHIVE_CACHE: usize = 4;

/// Parsed zip directories by path, size and modification time. Reading a member would otherwise parse the
/// archive's whole central directory again, which made an archive of N members cost N² work.
static ARCHIVES: Mutex<Vec<(ArchiveKey, zip::ZipArchive<SharedFile>)>> = Mutex::new(Vec::new());

type ArchiveKey = (std::path::PathBuf, u64, Option<std::time::SystemTime>);

/// The parsed archive at `path`, from the cache or read now.
fn archive(path: &std::path::Path) -> io::Result<zip::ZipArchive<SharedFile>> {
    let meta = std::fs::metadata(path)?;
    let key: ArchiveKey = (path.to_path_buf(), meta.len(), meta.modified().ok());
    let mut cache = ARCHIVES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, z)) = cache.iter().find(|(k, _)| *k == key) {
        return Ok(z.clone());
    }
    let file = SharedFile { file: Arc::new(Mutex::new(std::fs::File::open(path)?)), pos: 0 };
    let z = zip::ZipArchive::new(file).map_err(io::Error::other)?;
    if cache.len() >= ARCHIVE_CACHE {
        cache.remove(0);
    }
    cache.push((key, z.clone()));
    Ok(z)
}

/// Members up to this size are unpacked in memory at once; larger ones stream from a thread of their own.
const SMALL_MEMBER: u64 = 4 << 20;

/// Most bytes read from one member of a damaged archive (it is unpacked in memory).
const RECOVERED_MEMBER_MAX: u64 = 1 << 30;

fn zip_entry_reader(file: &SourceFile, entry: &str) -> io::Result<Box<dyn Read + Send>> {
    let mut z = match archive(&file.disk_path) {
        Ok(z) => z,
        Err(_) => {
            let bytes = super::discover::recovered_member(&file.disk_path, entry, RECOVERED_MEMBER_MAX)?;
            return Ok(Box::new(io::Cursor::new(bytes)));
        }
    };
    if file.bytes <= SMALL_MEMBER {
        let mut e = z.by_name(entry).map_err(io::Error::other)?;
        let mut bytes = Vec::with_capacity(file.bytes as usize);
        // Bounded, so a member that unpacks to more than its directory entry declares is streamed instead.
        (&mut e).take(SMALL_MEMBER + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 <= SMALL_MEMBER {
            return Ok(Box::new(io::Cursor::new(bytes)));
        }
    }
    let (tx, rx) = crossbeam_channel::bounded::<io::Result<Vec<u8>>>(8);
    let entry = entry.to_string();
    std::thread::spawn(move || {
        let mut run = || -> io::Result<()> {
            let mut e = z.by_name(&entry).map_err(io::Error::other)?;
            loop {
                let mut chunk = vec![0u8; 256 * 1024];
                let n = e.read(&mut chunk)?;
                if n == 0 {
                    return Ok(());
                }
                chunk.truncate(n);
                if tx.send(Ok(chunk)).is_err() {
                    return Ok(());
                }
            }
        };
        if let Err(e) = run() {
            let _ = tx.send(Err(e));
        }
    });
    Ok(Box::new(ChannelReader { rx, buf: Vec::new(), pos: 0 }))
}

/// Opens `file` and returns a UTF-8 stream plus the encoding found and whether it was gzip.
pub fn open_text(file: &SourceFile) -> io::Result<(Box<dyn BufRead + Send>, TextEncoding, bool)> {
    open_text_tapped(file, None, None)
}

/// Like [`open_text`], and when `tap` is given the file's bytes are hashed into it as the stream pulls them, so
/// a file read for the first time is read once rather than once to hash and once to parse. When `read` is given,
/// the bytes the stream pulls from the file (the archive's entry for zip members) are added to it.
pub fn open_text_tapped(
    file: &SourceFile,
    tap: Option<&HashTap>,
    read: Option<Arc<AtomicU64>>,
) -> io::Result<(Box<dyn BufRead + Send>, TextEncoding, bool)> {
    let mut inner: Box<dyn Read + Send> = match &file.zip_entry {
        Some(entry) => zip_entry_reader(file, entry)?,
        None => Box::new(std::fs::File::open(&file.disk_path)?),
    };
    if let Some(tap) = tap {
        inner = Box::new(Tapped { inner, tap: tap.clone() });
    }
    if let Some(read) = read {
        inner = Box::new(Counted { inner, read });
    }
    let mut peek = io::BufReader::with_capacity(64 * 1024, inner);
    let gz = super::decode::is_gzip(peek.fill_buf()?);
    let plain = maybe_gunzip(Box::new(peek))?;
    let (reader, enc) = utf8_stream(plain)?;
    Ok((reader, enc, gz))
}

/// Hashes a file's bytes (the archive's entry for zip members) to tell whether it changed.
pub fn content_hash(file: &SourceFile) -> io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    let mut r: Box<dyn Read + Send> = match &file.zip_entry {
        Some(entry) => zip_entry_reader(file, entry)?,
        None => Box::new(std::fs::File::open(&file.disk_path)?),
    };
    let mut buf = vec![0u8; 1024 * 1024];
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hash_text(&hasher))
}

/// The ledger's form of a file hash.
fn hash_text(hasher: &blake3::Hasher) -> String {
    hasher.finalize().to_hex()[..32].to_string()
}

/// A file hash filled in by the reader that streams the file (see [`open_text_tapped`]).
#[derive(Clone, Default)]
pub struct HashTap(Arc<Mutex<TapState>>);

#[derive(Default)]
struct TapState {
    hasher: blake3::Hasher,
    at_end: bool,
}

impl HashTap {
    /// The same text as [`content_hash`] gives, once the stream has reached the end of the file; `None` when
    /// reading stopped before the end (an error, or a file given up early), which leaves the hash unknown.
    pub fn finish(&self) -> Option<String> {
        let state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        state.at_end.then(|| hash_text(&state.hasher))
    }
}

/// Passes bytes through while hashing them into a [`HashTap`].
struct Tapped {
    inner: Box<dyn Read + Send>,
    tap: HashTap,
}

impl Read for Tapped {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut state = self.tap.0.lock().unwrap_or_else(PoisonError::into_inner);
        if n == 0 && !buf.is_empty() {
            state.at_end = true;
        } else {
            state.hasher.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// Passes bytes through while counting them.
struct Counted {
    inner: Box<dyn Read + Send>,
    read: Arc<AtomicU64>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Reads up to `n` bytes from the start of the stream and returns them together with a stream that still
/// yields every byte from the beginning (decoders may hand out small chunks, so one `fill_buf` is not enough).
pub fn peek_head(reader: Box<dyn BufRead + Send>, n: usize) -> io::Result<(Vec<u8>, Box<dyn BufRead + Send>)> {
    let mut head = Vec::with_capacity(n.min(1 << 20));
    let mut limited = reader.take(n as u64);
    limited.read_to_end(&mut head)?;
    let rest = limited.into_inner();
    let chained = io::Cursor::new(head.clone()).chain(rest);
    Ok((head, Box::new(io::BufReader::with_capacity(256 * 1024, chained))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Reads the whole stream of every file found under `dir` with a byte counter; returns (counted, declared).
    fn counted_reads(dir: &std::path::Path) -> Vec<(String, u64, u64)> {
        super::super::discover::discover(dir)
            .iter()
            .map(|f| {
                let read = Arc::new(AtomicU64::new(0));
                let tap = HashTap::default();
                let (mut r, _, _) = open_text_tapped(f, Some(&tap), Some(read.clone())).unwrap();
                io::copy(&mut r, &mut io::sink()).unwrap();
                assert_eq!(tap.finish(), Some(content_hash(f).unwrap()), "{}: the tap still hashes", f.rel);
                (f.rel.clone(), read.load(Ordering::Relaxed), f.bytes)
            })
            .collect()
    }

    #[test]
    fn the_byte_counter_sees_every_byte_pulled_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let line = "{\"CreationTime\":\"2026-03-01T10:00:00\",\"Operation\":\"MailItemsAccessed\"}\n".repeat(5000);
        std::fs::write(dir.path().join("plain.jsonl"), &line).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(line.as_bytes()).unwrap();
        std::fs::write(dir.path().join("packed.jsonl.gz"), gz.finish().unwrap()).unwrap();
        let mut zip = zip::ZipWriter::new(std::fs::File::create(dir.path().join("export.zip")).unwrap());
        zip.start_file("inner/ual.jsonl", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(line.as_bytes()).unwrap();
        zip.finish().unwrap();
        let reads = counted_reads(dir.path());
        assert_eq!(reads.len(), 3, "{reads:?}");
        for (rel, counted, declared) in reads {
            // Plain and gzip files count their bytes on disk, a zip member its own (unpacked) bytes.
            assert_eq!(counted, declared, "{rel}");
        }
    }
}
