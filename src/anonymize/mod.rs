//! `harrier anonymize`: turns a real case into a shareable training case. The case is read with harrier's own
//! readers and normalizer to learn every person, address, domain, tenant id, IP, device, subject, file and site it
//! names; one consistent replacement is chosen for each; then every file is rewritten in its own shape, encoding,
//! line endings and compression, with dates optionally moved by whole days. Microsoft's own apps, ids, service
//! domains and user agents stay, so the analytics find the same things in the copy.

pub mod alias;
pub mod cli;
pub mod collect;
pub mod ipmap;
pub mod keep;
pub mod mapping;
pub mod names;
pub mod records;
pub mod replacer;
pub mod report;
pub mod rewrite;
pub mod timeshift;

use keep::KeepRules;
use replacer::{Replacer, Tally};
use report::{FileReport, Report};
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

/// Why an anonymisation run could not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum AnonymizeError {
    #[error("case folder {0} does not exist or is not a folder")]
    NoCase(String),
    #[error("output folder {0} exists and is not empty; anonymize writes a fresh case there")]
    OutNotEmpty(String),
    #[error("output {0} exists and is not a folder")]
    OutNotFolder(String),
    #[error("output folder {0} lies inside the case folder; harrier never writes into the evidence")]
    OutInsideCase(String),
    #[error("mapping file {0} would land inside the shared output or the case; keep it apart")]
    MappingPlacement(String),
    #[error(
        "--shift-days {shift_days} would carry the date {date} in {file}{} outside the years 0 to 9999 that the \
         exports can write; nothing was written (choose a smaller shift)",
        place(.line)
    )]
    DateOutOfRange {
        shift_days: i64,
        /// The file (relative to the case; `archive.zip!member` inside a zip).
        file: String,
        /// The line (from 1) of the decoded text; `None` when the date is in the file's name.
        line: Option<u64>,
        date: String,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// What the caller can choose.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Whole days to move every date by (negative moves back).
    pub shift_days: i64,
    /// Seed for the replacement choices: the same case and seed give the same output.
    pub seed: u64,
    /// Where to write the original → replacement table (secret); not written when `None`.
    pub mapping: Option<PathBuf>,
}

/// Anonymises the case at `case` into the new folder `out`.
pub fn anonymize(case: &Path, out: &Path, opts: &Options) -> Result<Report, AnonymizeError> {
    let started = Instant::now();
    let case_abs = check_folders(case, out, opts)?;
    let write_err = |p: &Path| {
        let path = p.display().to_string();
        move |source| AnonymizeError::Write { path, source }
    };
    let mut files = Vec::new();
    let mut set_aside = Vec::new();
    list_files(&case_abs, &case_abs, &mut files, &mut set_aside);
    check_dates(&case_abs, &files, opts.shift_days)?;
    std::fs::create_dir_all(out).map_err(write_err(out))?;

    let rules = KeepRules::bundled();
    let originals = collect::collect(&case_abs, &rules);
    let mapping = mapping::build(&originals, &rules, opts.seed);
    let replacer = Replacer::new(&mapping, opts.shift_days);

    let mut report = Report {
        shift_days: opts.shift_days,
        distinct: mapping.distinct(),
        records: originals.records.values().sum(),
        set_aside,
        ..Report::default()
    };
    for src in files {
        let rel = src.strip_prefix(&case_abs).unwrap_or(&src);
        let out_rel: PathBuf = rel
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(replacer.rewrite_name(&s.to_string_lossy())),
                _ => None,
            })
            .collect();
        let mut dst = out.join(&out_rel);
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent).map_err(write_err(parent))?;
        }
        let mut n = 2;
        while dst.exists() {
            dst = out.join(numbered(&out_rel, n));
            n += 1;
        }
        let shown = dst.strip_prefix(out).unwrap_or(&dst).to_string_lossy().replace('\\', "/");
        let rel_key = rel.to_string_lossy().replace('\\', "/");
        let records = originals
            .records
            .iter()
            .filter(|(k, _)| *k == &rel_key || k.starts_with(&format!("{rel_key}!")))
            .map(|(_, v)| *v)
            .sum();
        let entry = match rewrite::rewrite_file(&src, &dst, &replacer) {
            Ok(o) => FileReport { path: shown, records, tally: o.tally, problems: o.problems, written: true },
            Err(e) => {
                let _ = std::fs::remove_file(&dst);
                FileReport {
                    path: shown,
                    records,
                    tally: Tally::default(),
                    problems: vec![e.to_string()],
                    written: false,
                }
            }
        };
        report.files.push(entry);
    }
    for f in &report.files {
        report.replaced.add(&f.tally);
    }
    report.elapsed_s = started.elapsed().as_secs_f64();
    let md = out.join("ANONYMIZED.md");
    std::fs::write(&md, report.markdown()).map_err(write_err(&md))?;
    if let Some(path) = &opts.mapping {
        let doc = serde_json::json!({
            "seed": opts.seed,
            "shift_days": opts.shift_days,
            "mapping": mapping.to_json(),
        });
        let bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
        std::fs::write(path, bytes).map_err(write_err(path))?;
    }
    Ok(report)
}

/// `" line 12"` or `" (its name)"`, for [`AnonymizeError::DateOutOfRange`].
fn place(line: &Option<u64>) -> String {
    match line {
        Some(n) => format!(" line {n}"),
        None => " (its name)".to_string(),
    }
}

/// Fails on the first date, in any file's content or name, that `shift_days` would carry outside the years the
/// exports can write, before anything is written.
fn check_dates(case: &Path, files: &[PathBuf], shift_days: i64) -> Result<(), AnonymizeError> {
    if shift_days == 0 {
        return Ok(());
    }
    let shift = timeshift::TimeShift { days: shift_days };
    for src in files {
        let rel = src.strip_prefix(case).unwrap_or(src).to_string_lossy().replace('\\', "/");
        let err = |file: String, line, date| AnonymizeError::DateOutOfRange { shift_days, file, line, date };
        if let Some(o) = rel.split('/').find_map(|part| shift.name_overflows(part.as_bytes()).into_iter().next()) {
            return Err(err(rel, None, o.text));
        }
        // A file that cannot be read is left out of the output, and reported there.
        if let Ok(Some(o)) = rewrite::first_overflow(src, &shift) {
            let file = match o.member {
                Some(m) => format!("{rel}!{m}"),
                None => rel,
            };
            return Err(err(file, o.line, o.date));
        }
    }
    Ok(())
}

/// Validates the folders and returns the case folder as an absolute path.
fn check_folders(case: &Path, out: &Path, opts: &Options) -> Result<PathBuf, AnonymizeError> {
    let case_abs = case.canonicalize().map_err(|_| AnonymizeError::NoCase(case.display().to_string()))?;
    if !case_abs.is_dir() {
        return Err(AnonymizeError::NoCase(case.display().to_string()));
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(AnonymizeError::OutNotFolder(out.display().to_string()));
        }
        if std::fs::read_dir(out).map(|mut d| d.next().is_some()).unwrap_or(true) {
            return Err(AnonymizeError::OutNotEmpty(out.display().to_string()));
        }
    }
    let out_abs = absolute(out);
    if out_abs.starts_with(&case_abs) {
        return Err(AnonymizeError::OutInsideCase(out.display().to_string()));
    }
    if let Some(m) = &opts.mapping {
        let m_abs = absolute(m);
        if m_abs.starts_with(&out_abs) || m_abs.starts_with(&case_abs) {
            return Err(AnonymizeError::MappingPlacement(m.display().to_string()));
        }
    }
    Ok(case_abs)
}

/// An absolute path with `.` and `..` resolved against the longest existing ancestor.
fn absolute(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut existing = abs.clone();
    let mut tail: Vec<std::ffi::OsString> = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|s| s.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                tail.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for part in tail.into_iter().rev() {
        if part == ".." {
            out.pop();
        } else if part != "." {
            out.push(part);
        }
    }
    out
}

/// Every file under `dir`, skipping hidden entries (harrier's `.harrier` state above all) and symlinked folders.
/// A symlinked file is read only when it resolves to a file inside the case; any other link is noted in `aside`
/// (case-relative path, reason) so nothing from elsewhere on the machine reaches the output.
fn list_files(case: &Path, dir: &Path, out: &mut Vec<PathBuf>, aside: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let Ok(ft) = e.file_type() else { continue };
        let path = e.path();
        if ft.is_dir() {
            list_files(case, &path, out, aside);
        } else if ft.is_file() {
            out.push(path);
        } else if ft.is_symlink() {
            let rel = path.strip_prefix(case).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            match path.canonicalize() {
                Ok(target) if target.starts_with(case) && target.is_file() => out.push(path),
                Ok(target) if target.is_dir() => aside.push((rel, "symlinked folder, not followed".into())),
                Ok(_) => aside.push((rel, "symlink to a file outside the case".into())),
                Err(_) => aside.push((rel, "symlink whose target does not exist".into())),
            }
        }
    }
}

/// True when `path` (a file the case names, such as `case.toml`) exists and resolves inside `case`: metadata read
/// through a link that leaves the case is never copied into the output.
pub(crate) fn inside_case(case: &Path, path: &Path) -> bool {
    path.canonicalize().map(|p| p.starts_with(case)).unwrap_or(false)
}

/// `a/b.json` → `a/b-2.json`, for two originals whose rewritten names meet.
fn numbered(rel: &Path, n: u32) -> PathBuf {
    let stem = rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = match rel.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    rel.with_file_name(name)
}
