//! Rewrites one file into the output case keeping its wrapping: gzip stays gzip, a zip stays a zip (members
//! rewritten, their names too), UTF-16 stays UTF-16 with or without its BOM, a UTF-8 BOM stays, and line endings
//! are untouched because only values change. Everything streams: memory stays bounded whatever the file size.

use super::replacer::{Replacer, Tally};
use super::timeshift::{StreamOverflow, TimeShift};
use crate::ingest::decode::{detect_encoding, is_gzip, is_zip, looks_binary, TextEncoding};
use encoding_rs_io::DecodeReaderBytesBuilder;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

/// What became of one file.
#[derive(Debug, Clone, Default)]
pub struct FileOutcome {
    /// Values replaced in it.
    pub tally: Tally,
    /// Zip members written.
    pub members: u64,
    /// Problems that left part of the file out (a binary member, an unreadable archive).
    pub problems: Vec<String>,
}

/// Why a file could not be rewritten at all.
#[derive(Debug, thiserror::Error)]
pub enum RewriteError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("binary content, not a text export: not copied")]
    Binary,
    #[error("zip archive: {0}")]
    Zip(String),
}

/// Rewrites `src` into `dst` (which must not exist yet).
pub fn rewrite_file(src: &Path, dst: &Path, replacer: &Replacer) -> Result<FileOutcome, RewriteError> {
    let mut head = [0u8; 4];
    let n = File::open(src)?.read(&mut head)?;
    if is_zip(&head[..n]) {
        return rewrite_zip(src, dst, replacer);
    }
    let mut out = FileOutcome::default();
    let input = File::open(src)?;
    let mut output = BufWriter::new(File::create(dst)?);
    let result = rewrite_stream(Box::new(input), &mut output, replacer, &mut out.tally);
    match result {
        Ok(()) => {
            output.flush()?;
            Ok(out)
        }
        Err(e) => {
            drop(output);
            let _ = std::fs::remove_file(dst);
            Err(e)
        }
    }
}

/// Rewrites a stream: inflating gzip and decoding UTF-16 on the way in, and doing the same on the way out.
pub fn rewrite_stream(
    input: Box<dyn Read + '_>,
    w: &mut dyn Write,
    replacer: &Replacer,
    tally: &mut Tally,
) -> Result<(), RewriteError> {
    let mut br = BufReader::with_capacity(256 * 1024, input);
    let head = fill_head(&mut br, 8192)?;
    if is_gzip(&head) {
        let inner = flate2::read::MultiGzDecoder::new(br);
        let mut enc = flate2::write::GzEncoder::new(w, flate2::Compression::default());
        rewrite_stream(Box::new(inner), &mut enc, replacer, tally)?;
        enc.finish()?;
        return Ok(());
    }
    let enc = detect_encoding(&head);
    match enc {
        TextEncoding::Utf8 | TextEncoding::Utf8Bom => {
            if looks_binary(&head) {
                return Err(RewriteError::Binary);
            }
            if enc == TextEncoding::Utf8Bom {
                br.consume(3);
                w.write_all(&[0xEF, 0xBB, 0xBF])?;
            }
            replacer.rewrite(&mut br, w, tally)?;
        }
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            let le = enc == TextEncoding::Utf16Le;
            let bom = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
            let encoding = if le { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
            let mut dec =
                DecodeReaderBytesBuilder::new().encoding(Some(encoding)).bom_sniffing(true).strip_bom(true).build(br);
            let mut sink = Utf16Writer { inner: w, le, pending: Vec::new() };
            if bom {
                sink.inner.write_all(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] })?;
            }
            replacer.rewrite(&mut dec, &mut sink, tally)?;
            sink.finish()?;
        }
    }
    Ok(())
}

/// Where in a file the first out-of-range date stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOverflow {
    /// The zip member holding it, if the file is a zip.
    pub member: Option<String>,
    /// Its line (from 1) in the decoded text; `None` when the date is in the member's name.
    pub line: Option<u64>,
    pub date: String,
}

/// The first date in `src` (inflated, decoded, zip members and their names included) that `shift` would carry
/// outside the years the exports can write. Content that is not text is passed over, as the rewrite leaves it out.
pub fn first_overflow(src: &Path, shift: &TimeShift) -> Result<Option<FileOverflow>, RewriteError> {
    let mut head = [0u8; 4];
    let n = File::open(src)?.read(&mut head)?;
    if !is_zip(&head[..n]) {
        return match text_overflow(Box::new(File::open(src)?), shift) {
            Ok(o) => Ok(o.map(|o| FileOverflow { member: None, line: Some(o.line), date: o.date })),
            Err(RewriteError::Binary) => Ok(None),
            Err(e) => Err(e),
        };
    }
    let Ok(mut archive) = zip::ZipArchive::new(File::open(src)?) else { return Ok(None) };
    for i in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(i) else { continue };
        let member = entry.name().to_string();
        let in_name = member.split('/').find_map(|part| shift.name_overflows(part.as_bytes()).into_iter().next());
        if let Some(o) = in_name {
            return Ok(Some(FileOverflow { member: Some(member), line: None, date: o.text }));
        }
        if entry.is_dir() {
            continue;
        }
        match text_overflow(Box::new(&mut entry), shift) {
            Ok(Some(o)) => return Ok(Some(FileOverflow { member: Some(member), line: Some(o.line), date: o.date })),
            Ok(None) | Err(RewriteError::Binary) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// The first out-of-range date of a stream, read the way [`rewrite_stream`] reads it.
fn text_overflow(input: Box<dyn Read + '_>, shift: &TimeShift) -> Result<Option<StreamOverflow>, RewriteError> {
    let mut br = BufReader::with_capacity(256 * 1024, input);
    let head = fill_head(&mut br, 8192)?;
    if is_gzip(&head) {
        return text_overflow(Box::new(flate2::read::MultiGzDecoder::new(br)), shift);
    }
    let enc = detect_encoding(&head);
    match enc {
        TextEncoding::Utf8 | TextEncoding::Utf8Bom => {
            if looks_binary(&head) {
                return Err(RewriteError::Binary);
            }
            if enc == TextEncoding::Utf8Bom {
                br.consume(3);
            }
            Ok(shift.first_overflow(&mut br)?)
        }
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            let encoding = if enc == TextEncoding::Utf16Le { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
            let mut dec =
                DecodeReaderBytesBuilder::new().encoding(Some(encoding)).bom_sniffing(true).strip_bom(true).build(br);
            Ok(shift.first_overflow(&mut dec)?)
        }
    }
}

/// Reads until `n` bytes are buffered (or the stream ends) and returns a copy of them.
fn fill_head(br: &mut BufReader<Box<dyn Read + '_>>, n: usize) -> io::Result<Vec<u8>> {
    let head = br.fill_buf()?;
    Ok(head[..head.len().min(n)].to_vec())
}

fn rewrite_zip(src: &Path, dst: &Path, replacer: &Replacer) -> Result<FileOutcome, RewriteError> {
    let zerr = |e: zip::result::ZipError| RewriteError::Zip(e.to_string());
    let mut archive = zip::ZipArchive::new(File::open(src)?).map_err(zerr)?;
    let mut writer = zip::ZipWriter::new(File::create(dst)?);
    let mut out = FileOutcome::default();
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                out.problems.push(format!("member {i}: {e}"));
                continue;
            }
        };
        let name: String =
            entry.name().split('/').map(|part| replacer.rewrite_name(part)).collect::<Vec<_>>().join("/");
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(match entry.compression() {
                zip::CompressionMethod::Stored => zip::CompressionMethod::Stored,
                _ => zip::CompressionMethod::Deflated,
            })
            .large_file(entry.size() >= u32::MAX as u64);
        if entry.is_dir() {
            writer.add_directory(name, options).map_err(zerr)?;
            continue;
        }
        // Rewrite into a temporary file first, so a member that turns out to be binary leaves nothing behind.
        let mut tmp = tempfile::tempfile()?;
        let mut tally = Tally::default();
        let member = entry.name().to_string();
        let mut staged = BufWriter::new(&mut tmp);
        let result = rewrite_stream(Box::new(&mut entry), &mut staged, replacer, &mut tally)
            .and_then(|()| staged.flush().map_err(RewriteError::from));
        drop(staged);
        if let Err(e) = result {
            out.problems.push(format!("{member}: {e}"));
            continue;
        }
        use std::io::Seek;
        tmp.seek(io::SeekFrom::Start(0))?;
        writer.start_file(name, options).map_err(zerr)?;
        io::copy(&mut tmp, &mut writer)?;
        out.tally.add(&tally);
        out.members += 1;
    }
    writer.finish().map_err(zerr)?;
    Ok(out)
}

/// Takes UTF-8 and writes UTF-16, holding back a character split across two writes.
struct Utf16Writer<'a> {
    inner: &'a mut dyn Write,
    le: bool,
    pending: Vec<u8>,
}

impl Utf16Writer<'_> {
    fn emit(&mut self, text: &str) -> io::Result<()> {
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&if self.le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        self.inner.write_all(&bytes)
    }

    fn finish(mut self) -> io::Result<()> {
        let rest = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
        self.emit(&rest)?;
        self.inner.flush()
    }
}

impl Write for Utf16Writer<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => {
                let text = String::from_utf8_lossy(&self.pending).into_owned();
                self.pending.clear();
                self.emit(&text)?;
                return Ok(buf.len());
            }
        };
        let text = String::from_utf8_lossy(&self.pending[..valid]).into_owned();
        self.pending.drain(..valid);
        self.emit(&text)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
