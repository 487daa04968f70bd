//! The ledger: what happened to every file and record of the case (the `ingest --json` contract).

use crate::enrich::geo::GeoKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Most rejection messages kept per file; the rest are counted in one closing line.
pub const MAX_ERRORS_PER_FILE: usize = 50;

/// One file's account.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FileEntry {
    /// Path relative to the case folder (`archive.zip!inner/path.json` inside archives).
    pub path: String,
    /// Container shape and encoding, e.g. `json-array/utf-8-bom` or `unsupported`.
    pub format: String,
    /// Log source(s) found, e.g. `signin_sp`; comma-separated when mixed.
    pub source: String,
    pub records: u64,
    pub indexed: u64,
    pub duplicates: u64,
    pub rejected: u64,
    /// Facts a snapshot file states (its records are facts, not events, and none is indexed).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub facts: u64,
    /// Rejection reasons naming the record (first [`MAX_ERRORS_PER_FILE`]).
    pub errors: Vec<String>,
    /// Why the file is not a supported log, when `format` is `unsupported`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Things the responder should know: assumed time zones, truncation, records without time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Content hash, so unchanged files are skipped on re-ingest.
    #[serde(default)]
    pub hash: String,
    #[serde(default)]
    pub bytes: u64,
    /// Internal id tying indexed events to this file.
    #[serde(default)]
    pub file_id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_event: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_event: Option<String>,
    /// Events of this file that each GeoIP database (by name) gave a country or an ASN to, when any did. Kept
    /// with the file, so a file carried over unchanged keeps the account of the run that read it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub geoip: BTreeMap<String, u64>,
    #[serde(skip)]
    pub errors_dropped: u64,
}

impl FileEntry {
    /// Records a rejection, keeping the message list bounded.
    pub fn reject(&mut self, message: String) {
        self.rejected += 1;
        if self.errors.len() < MAX_ERRORS_PER_FILE {
            self.errors.push(message);
        } else {
            self.errors_dropped += 1;
        }
    }

    /// True when the file is a snapshot of the tenant, read as facts.
    pub fn is_snapshot(&self) -> bool {
        crate::facts::is_snapshot_format(&self.format)
    }

    /// Closes the error list with a count of the messages not kept.
    pub fn finish(&mut self) {
        if self.errors_dropped > 0 {
            self.errors.push(format!("… and {} more rejected records", self.errors_dropped));
            self.errors_dropped = 0;
        }
    }
}

/// Sums over all files.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Totals {
    pub records: u64,
    pub indexed: u64,
    pub duplicates: u64,
    pub rejected: u64,
    /// Facts stated by the snapshot files.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub facts: u64,
}

/// Leaves a zero count out of the JSON, so ledgers of cases without snapshots read as before.
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One GeoIP database and what it located: which database answered for the events of the case.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GeoIpUse {
    /// The database's file name (its path when two share a name).
    pub file: String,
    pub kind: GeoKind,
    /// Indexed events it gave a country or an ASN to (the first database to know one answers).
    pub events: u64,
}

/// The whole ledger.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Ledger {
    pub files: Vec<FileEntry>,
    pub totals: Totals,
    /// The GeoIP databases of this run, in the order they were asked, then (by name) any not opened this time that
    /// located events of files carried over from an earlier run. Absent when there were none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub geoip: Vec<GeoIpUse>,
}

impl Ledger {
    /// Recomputes the totals from the files.
    pub fn recompute(&mut self) {
        let mut t = Totals::default();
        for f in &self.files {
            t.records += f.records;
            t.indexed += f.indexed;
            t.duplicates += f.duplicates;
            t.rejected += f.rejected;
            t.facts += f.facts;
        }
        self.totals = t;
    }

    /// Sums the files' GeoIP accounts per database: `opened` are this run's databases (listed even when they
    /// located nothing); a database named only by files carried over takes its kind from the `previous` ledger.
    pub fn tally_geoip(&mut self, opened: &[(String, GeoKind)], previous: &[GeoIpUse]) {
        let mut uses: Vec<GeoIpUse> =
            opened.iter().map(|(file, kind)| GeoIpUse { file: file.clone(), kind: *kind, events: 0 }).collect();
        let mut earlier: BTreeMap<&str, GeoIpUse> = BTreeMap::new();
        for (name, n) in self.files.iter().flat_map(|f| &f.geoip) {
            if let Some(u) = uses.iter_mut().find(|u| u.file == *name) {
                u.events += n;
            } else if let Some(old) = previous.iter().find(|u| u.file == *name) {
                let u = earlier.entry(name).or_insert(GeoIpUse { file: name.clone(), kind: old.kind, events: 0 });
                u.events += n;
            }
        }
        uses.extend(earlier.into_values());
        self.geoip = uses;
    }

    /// Reads a saved ledger; a missing or unreadable one is empty.
    pub fn load(path: &Path) -> Ledger {
        std::fs::read(path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    /// True when at least one file was recognised as a log export or a snapshot (even if all its records were
    /// rejected).
    pub fn has_logs(&self) -> bool {
        self.files.iter().any(|f| f.format != "unsupported" && f.format != "empty")
    }

    /// What to tell the responder when [`Ledger::has_logs`] is false: how many files were looked at under `root`
    /// and why each was set aside.
    pub fn no_logs_message(&self, root: &str) -> String {
        const SHOWN: usize = 20;
        let mut msg = format!("no log files under {root}: looked at {} file(s)", self.files.len());
        if self.files.is_empty() {
            msg.push_str(
                " (case.toml, exercise.toml, answer-key.json, *.md and hidden files are case metadata, not logs)",
            );
        } else {
            msg.push_str(", set aside:");
        }
        for f in self.files.iter().take(SHOWN) {
            let why = match f.format.as_str() {
                "empty" => "empty: holds no records",
                _ => f.reason.as_deref().unwrap_or("not a supported log format"),
            };
            msg.push_str(&format!("\n  {}: {why}", crate::text::sanitize::clean(&f.path)));
        }
        if self.files.len() > SHOWN {
            msg.push_str(&format!(
                "\n  … and {} more (`harrier ingest CASE --json` lists them all)",
                self.files.len() - SHOWN
            ));
        }
        msg
    }

    /// Files that need the responder's attention: unsupported, with rejections, or with notes.
    pub fn problems(&self) -> impl Iterator<Item = &FileEntry> {
        self.files.iter().filter(|f| f.format == "unsupported" || f.rejected > 0 || !f.notes.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, geoip: &[(&str, u64)]) -> FileEntry {
        let geoip = geoip.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        FileEntry { path: path.into(), geoip, ..FileEntry::default() }
    }

    #[test]
    fn geoip_accounts_add_up_per_database() {
        let mut l = Ledger {
            files: vec![
                file("a.json", &[("asn.csv", 2), ("old.mmdb", 4)]),
                file("b.json", &[("asn.csv", 3), ("old.mmdb", 1), ("unknown.mmdb", 7)]),
            ],
            ..Ledger::default()
        };
        let previous = [GeoIpUse { file: "old.mmdb".into(), kind: GeoKind::City, events: 9 }];
        let opened = [("country.csv".to_string(), GeoKind::Country), ("asn.csv".to_string(), GeoKind::Asn)];
        l.tally_geoip(&opened, &previous);
        let got: Vec<(&str, GeoKind, u64)> = l.geoip.iter().map(|u| (u.file.as_str(), u.kind, u.events)).collect();
        assert_eq!(
            got,
            vec![("country.csv", GeoKind::Country, 0), ("asn.csv", GeoKind::Asn, 5), ("old.mmdb", GeoKind::City, 5)],
            "a database of unknown kind (in no earlier ledger) is not listed"
        );
        let json = serde_json::to_value(&l).unwrap();
        assert_eq!(json["geoip"][1], serde_json::json!({"file": "asn.csv", "kind": "asn", "events": 5}));
        assert_eq!(json["files"][0]["geoip"], serde_json::json!({"asn.csv": 2, "old.mmdb": 4}));
        let plain = serde_json::to_value(Ledger { files: vec![file("c.json", &[])], ..Ledger::default() }).unwrap();
        assert!(plain.get("geoip").is_none() && plain["files"][0].get("geoip").is_none(), "{plain}");
    }
}
