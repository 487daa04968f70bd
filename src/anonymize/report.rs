//! The run's account: per-file outcome, counts of values replaced per kind, and `ANONYMIZED.md` for whoever
//! receives the case. Only counts and the anonymised file names appear here, never an original value.

use super::alias::MIN_ALIAS_LEN;
use super::mapping::ValueKind;
use super::replacer::Tally;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What happened to one file (named by its path in the output).
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub path: String,
    /// Records harrier's readers found in it.
    pub records: u64,
    pub tally: Tally,
    /// Parts left out and why (the whole file when `written` is false).
    pub problems: Vec<String>,
    pub written: bool,
}

/// The whole run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub files: Vec<FileReport>,
    pub records: u64,
    /// Distinct original values per kind.
    pub distinct: BTreeMap<ValueKind, usize>,
    /// Replacements made per kind, over all files.
    pub replaced: Tally,
    pub shift_days: i64,
    pub elapsed_s: f64,
    /// Links in the case that were not read (case-relative path, reason): shown on the terminal only, since a
    /// path may carry a real name.
    pub set_aside: Vec<(String, String)>,
}

impl Report {
    /// Files written.
    pub fn written(&self) -> usize {
        self.files.iter().filter(|f| f.written).count()
    }

    /// The terminal summary.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let _ =
            writeln!(s, "anonymized {} file(s), {} record(s) in {:.1} s", self.written(), self.records, self.elapsed_s);
        for line in self.kind_lines() {
            let _ = writeln!(s, "  {line}");
        }
        for f in &self.files {
            for p in &f.problems {
                let _ = writeln!(s, "  {} {}: {p}", if f.written { "partly copied" } else { "not copied" }, f.path);
            }
        }
        s
    }

    /// One warning line per link that was not followed, for the terminal's error stream.
    pub fn set_aside_lines(&self) -> Vec<String> {
        self.set_aside
            .iter()
            .map(|(path, why)| format!("set aside {}: {why}", crate::text::sanitize::clean(path)))
            .collect()
    }

    fn kind_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (kind, n) in &self.distinct {
            let used = self.replaced.by_kind.get(kind).copied().unwrap_or(0);
            out.push(format!("{:<30} {n:>7} distinct, {used:>9} replaced", kind.label()));
        }
        if let Some(n) = self.replaced.by_kind.get(&ValueKind::Timestamp) {
            out.push(format!("{:<30} {:>7} days, {n:>9} dates", ValueKind::Timestamp.label(), self.shift_days));
        }
        out
    }

    /// `ANONYMIZED.md`: what was replaced (counts only).
    pub fn markdown(&self) -> String {
        let mut s = String::from("# Anonymised case\n\n");
        s.push_str(
            "This case was rewritten from a real investigation by `harrier anonymize`. Every person's name and \
             address, domain, tenant id, IP address, device name, mail subject, file name and SharePoint site found \
             in it was replaced, the same way in every file, so the records still tell the same story. Microsoft's \
             own apps, ids, service domains and user agents were kept, and so were the locations and networks \
             recorded with each sign-in: IP addresses were mapped one to one, keeping which addresses share a \
             network.\n\n",
        );
        let _ = write!(
            s,
            "Values were also replaced where they stand inside longer ones: Exchange object paths, distinguished \
             names, X.500 addresses, URLs (OneDrive's `user_domain_com` spelling and `%40` included), UNC paths, \
             JSON and name=value text nested in other fields, and free text, in any letter case. An address's \
             local part (its alias) is replaced on its own wherever it stands as a whole word when it has at least \
             {MIN_ALIAS_LEN} characters; a role or common word (`support`, `info`, `admin`, or a word of a field, \
             operation or app name) only where it names a mailbox: after the tenant in an Exchange object path, as \
             a `CN=` and after an X.500 address's id. Shorter aliases are replaced only inside their full \
             address.\n\n"
        );
        if self.shift_days == 0 {
            s.push_str("Dates were not moved.\n\n");
        } else {
            let weekdays = if self.shift_days % 7 == 0 { "weekdays are unchanged" } else { "weekdays changed" };
            let _ = writeln!(
                s,
                "Every date was moved by {} day(s); times of day are unchanged and {weekdays}. The placeholders \
                 0001-01-01 and 9999-12-31 (.NET's smallest and largest dates, written for \"never\" or \"not set\") \
                 stay as they are.\n",
                self.shift_days
            );
        }
        s.push_str("| What | Distinct values | Replacements |\n|---|---:|---:|\n");
        for (kind, n) in &self.distinct {
            let used = self.replaced.by_kind.get(kind).copied().unwrap_or(0);
            let _ = writeln!(s, "| {} | {n} | {used} |", kind.label());
        }
        if let Some(n) = self.replaced.by_kind.get(&ValueKind::Timestamp) {
            let _ = writeln!(s, "| dates moved | | {n} |");
        }
        let _ = writeln!(s, "\n{} file(s) written, {} record(s).\n", self.written(), self.records);
        let skipped: Vec<&FileReport> = self.files.iter().filter(|f| !f.problems.is_empty()).collect();
        if !skipped.is_empty() {
            s.push_str("Left out:\n\n");
            for f in skipped {
                for p in &f.problems {
                    let _ = writeln!(s, "- `{}`: {p}", f.path);
                }
            }
        }
        if !self.set_aside.is_empty() {
            let _ = writeln!(
                s,
                "\n{} link(s) in the original case were not followed: they led outside it, to a folder, or nowhere.",
                self.set_aside.len()
            );
        }
        s
    }
}
