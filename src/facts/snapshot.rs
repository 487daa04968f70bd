//! Where a fact comes from: the snapshot file, its kind, and when it was taken, so every fact shown can say it is a
//! state of the tenant at one moment and not an event.

use super::kinds::SnapshotKind;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// One snapshot file of the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The file's path in the case, as the ledger names it.
    pub path: String,
    pub kind: SnapshotKind,
    /// When it was taken, as far as the file tells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken: Option<Taken>,
}

/// When a snapshot was taken, and how that is known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Taken {
    /// The moment, without a zone: a file name carries the collecting machine's clock.
    pub at: NaiveDateTime,
    pub from: TakenFrom,
}

/// Where the time of a snapshot was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TakenFrom {
    /// A timestamp in the file name, as collection tools write it (the collector's local clock).
    FileName,
    /// The file's modification time (UTC); a copy of the evidence may carry the time it was copied.
    FileTime,
}

impl Snapshot {
    /// The file's own name, without its folders.
    pub fn file_name(&self) -> &str {
        self.path.rsplit(['/', '!']).next().unwrap_or(&self.path)
    }

    /// How the workbench labels facts from this snapshot: when it was taken and from which file. A time from the
    /// file name is the collecting machine's clock, shown as written.
    pub fn label(&self) -> String {
        let when = match &self.taken {
            Some(Taken { at, from: TakenFrom::FileName }) => format!("snapshot taken {}", at.format("%Y-%m-%d %H:%M")),
            Some(Taken { at, from: TakenFrom::FileTime }) => {
                format!("snapshot, file modified {} UTC", at.format("%Y-%m-%d %H:%M"))
            }
            None => "snapshot, time not known".to_string(),
        };
        format!("{when} · {}", self.file_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_say_snapshot_and_name_the_file() {
        let at = NaiveDateTime::parse_from_str("2025-04-30 16:47:00", "%Y-%m-%d %H:%M:%S").unwrap();
        let mut s = Snapshot {
            path: "Output/Roles/202504301647-All-Roles.csv".into(),
            kind: SnapshotKind::RoleMembers,
            taken: Some(Taken { at, from: TakenFrom::FileName }),
        };
        assert_eq!(s.label(), "snapshot taken 2025-04-30 16:47 · 202504301647-All-Roles.csv");
        s.taken = Some(Taken { at, from: TakenFrom::FileTime });
        assert_eq!(s.label(), "snapshot, file modified 2025-04-30 16:47 UTC · 202504301647-All-Roles.csv");
        s.taken = None;
        s.path = "a.zip!x/Rules.csv".into();
        assert_eq!(s.label(), "snapshot, time not known · Rules.csv");
    }
}
