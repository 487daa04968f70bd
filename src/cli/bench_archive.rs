//! The archive part of `harrier bench`: the same small exports ingested once as separate files and once as the
//! members of one zip, then the zip again unchanged. An archive should cost about what its files cost, and an
//! unchanged one should be skipped quickly, however many members it has.

use crate::case::Case;
use crate::ingest::{ingest, IngestOptions, IngestProgress};
use serde::Serialize;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Members of the benchmark archive: small files, as Purview and Graph exports split into pages arrive.
pub const ARCHIVE_MEMBERS: usize = 2000;

/// The measured figures.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveBench {
    pub members: usize,
    /// Ingest of the members as separate files, seconds.
    pub unpacked_ingest_s: f64,
    /// Ingest of the same members inside one zip, seconds.
    pub zip_ingest_s: f64,
    /// `zip_ingest_s / unpacked_ingest_s`.
    pub zip_to_unpacked: f64,
    /// Re-ingest of the unchanged zip, seconds.
    pub zip_reingest_s: f64,
}

/// The first JSON-lines file of a generated case, whose lines become the members.
fn json_lines_source(dir: &Path) -> Option<PathBuf> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d).ok()?.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "jsonl" || e == "json") {
                let mut first = String::new();
                let ok = std::fs::File::open(&p).map(std::io::BufReader::new).and_then(|mut r| r.read_line(&mut first));
                if ok.is_ok() && first.trim_start().starts_with('{') && first.trim_end().ends_with('}') {
                    return Some(p);
                }
            }
        }
    }
    None
}

/// Runs the archive benchmark in `work` (created), taking records from the generated case in `case_dir`.
pub fn run(case_dir: &Path, work: &Path) -> anyhow::Result<ArchiveBench> {
    let source = json_lines_source(case_dir).ok_or_else(|| anyhow::anyhow!("no JSON-lines export to split"))?;
    let lines: Vec<String> = std::io::BufReader::new(std::fs::File::open(&source)?)
        .lines()
        .take(ARCHIVE_MEMBERS)
        .collect::<Result<_, _>>()?;
    let unpacked = work.join("unpacked");
    let zipped = work.join("zipped");
    std::fs::create_dir_all(unpacked.join("pages"))?;
    std::fs::create_dir_all(&zipped)?;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(zipped.join("pages.zip"))?);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (i, line) in lines.iter().enumerate() {
        let name = format!("pages/{i:05}.jsonl");
        std::fs::write(unpacked.join(&name), format!("{line}\n"))?;
        zip.start_file(name, options)?;
        zip.write_all(line.as_bytes())?;
        zip.write_all(b"\n")?;
    }
    zip.finish()?;
    let timed = |dir: &Path| -> anyhow::Result<f64> {
        let case = Case::open(dir, None)?;
        let t = Instant::now();
        ingest(&case, &IngestOptions::default(), &IngestProgress::default())?;
        Ok(t.elapsed().as_secs_f64())
    };
    let unpacked_ingest_s = timed(&unpacked)?;
    let zip_ingest_s = timed(&zipped)?;
    let zip_reingest_s = timed(&zipped)?;
    Ok(ArchiveBench {
        members: lines.len(),
        unpacked_ingest_s,
        zip_ingest_s,
        zip_to_unpacked: zip_ingest_s / unpacked_ingest_s.max(1e-9),
        zip_reingest_s,
    })
}
