//! The order files are read in: sign-ins first, so that what they teach (IP geography, user ids) enriches every
//! other source, and Graph activity logs last, so that user ids learnt anywhere name their rows.

use super::IngestProgress;
use crate::ingest::discover::{discover, SourceFile};
use crate::ingest::open::{open_text, peek_head};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::Ordering;

/// The case's evidence files, sign-in logs first and then by path; the progress totals are set from them.
pub(super) fn discover_signins_first(root: &Path, progress: &IngestProgress) -> Vec<SourceFile> {
    let mut files = discover(root);
    progress.files_total.store(files.len() as u64, Ordering::Relaxed);
    progress.bytes_total.store(files.iter().map(|f| f.bytes).sum(), Ordering::Relaxed);

    let mut prio: HashMap<String, u8> = HashMap::new();
    for f in &files {
        prio.insert(f.rel.clone(), sniff_priority(f));
    }
    files.sort_by_key(|f| (prio.get(&f.rel).copied().unwrap_or(1), f.rel.clone()));
    files
}

/// 0 for a file whose first bytes look like a sign-in log, 2 for Graph activity logs (their rows name users by
/// object id alone, so every source that pairs ids with UPNs goes first), 1 for anything else.
fn sniff_priority(f: &SourceFile) -> u8 {
    if f.set_aside.is_some() {
        return 1;
    }
    let Ok((r, _, _)) = open_text(f) else { return 1 };
    let Ok((head, _)) = peek_head(r, 64 * 1024) else { return 1 };
    let text = String::from_utf8_lossy(&head);
    let signin =
        ["uniqueTokenIdentifier", "UniqueTokenIdentifier", "Unique token identifier", "SignInLogs", "SigninLogs"];
    let graph = text.contains("RequestUri") || text.contains("requestUri");
    if signin.iter().any(|m| text.contains(m)) && !graph {
        0
    } else if graph {
        2
    } else {
        1
    }
}
