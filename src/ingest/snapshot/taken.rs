//! When a snapshot was taken: collection tools stamp the time into the file name (`202504301647-All-Roles.csv`,
//! `21042025121726-OAuthPermissions.csv`); without one, the file's modification time is all there is.

use crate::facts::{Taken, TakenFrom};
use crate::ingest::discover::SourceFile;
use chrono::{NaiveDateTime, Utc};

/// The time of the snapshot in `file`: from its name when the name holds a timestamp, else (for a file on disk)
/// its modification time.
pub fn taken(file: &SourceFile) -> Option<Taken> {
    let name = file.rel.rsplit(['/', '!']).next().unwrap_or(&file.rel);
    if let Some(at) = time_in_name(name) {
        return Some(Taken { at, from: TakenFrom::FileName });
    }
    if file.zip_entry.is_some() {
        return None;
    }
    let modified = std::fs::metadata(&file.disk_path).and_then(|m| m.modified()).ok()?;
    let at = chrono::DateTime::<Utc>::from(modified).naive_utc();
    let at = chrono::Timelike::with_nanosecond(&at, 0).unwrap_or(at);
    Some(Taken { at, from: TakenFrom::FileTime })
}

/// A timestamp of 14 or 12 digits in a file name: year first (`yyyyMMddHHmm[ss]`), else day first
/// (`ddMMyyyyHHmm[ss]`), within 2000–2100.
pub fn time_in_name(name: &str) -> Option<NaiveDateTime> {
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let run = &name[start..i];
        let seconds = match run.len() {
            14 => true,
            12 => false,
            _ => continue,
        };
        let (ymd, dmy) = if seconds { ("%Y%m%d%H%M%S", "%d%m%Y%H%M%S") } else { ("%Y%m%d%H%M", "%d%m%Y%H%M") };
        let found = [ymd, dmy].iter().find_map(|f| NaiveDateTime::parse_from_str(run, f).ok());
        if let Some(t) = found.filter(|t| (2000..=2100).contains(&chrono::Datelike::year(t))) {
            return Some(t);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn timestamps_in_collection_file_names() {
        assert_eq!(time_in_name("202504301647-All-Roles.csv"), Some(at("2025-04-30 16:47:00")));
        assert_eq!(time_in_name("21042025121726-OAuthPermissions.csv"), Some(at("2025-04-21 12:17:26")));
        assert_eq!(time_in_name("20250502131826-AuditLogs.json"), Some(at("2025-05-02 13:18:26")));
        assert_eq!(time_in_name("MailboxRules.csv"), None);
        assert_eq!(time_in_name("export-123456789012345.csv"), None, "15 digits are no timestamp");
        assert_eq!(time_in_name("999999999999.csv"), None);
    }
}
