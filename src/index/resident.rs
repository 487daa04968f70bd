//! Giving back the index pages a whole-case scan has read.
//!
//! tantivy maps each segment's document store into memory. A scan of a million events reads all of it once, front
//! to back, and every page it touched stayed counted in the process's resident memory until the end: half a
//! gigabyte of a detect run's peak was store pages it would not read again. As the scan moves on, the part of each
//! store behind it is handed back with `madvise(MADV_DONTNEED)`. The pages stay in the kernel's page cache; a later
//! read maps them again. The advice is only given for a range the kernel's own list of mappings shows to be this
//! store file, mapped from disk, so it can never drop memory the process wrote.

use tantivy::directory::OwnedBytes;
use tantivy::{Directory, Searcher, SegmentReader};

/// Bytes left mapped behind the point a scan has reached, for blocks that straddle it.
const SLACK: usize = 4 << 20;

/// One segment's mapped store, and how much of it has been given back.
pub(crate) struct MappedStore {
    /// Keeps the mapping alive while advice is given on it.
    bytes: OwnedBytes,
    released: usize,
}

impl MappedStore {
    /// The mapped store of `segment`, when it is a file mapping this process can give pages of back.
    pub(crate) fn of(searcher: &Searcher, segment: &SegmentReader) -> Option<MappedStore> {
        let name = format!("{}.store", segment.segment_id().uuid_string());
        let bytes = searcher.index().directory().open_read(std::path::Path::new(&name)).ok()?.read_bytes().ok()?;
        let start = bytes.as_slice().as_ptr() as usize;
        if bytes.is_empty() || !file_mapping_covers(start, bytes.len(), &name) {
            return None;
        }
        Some(MappedStore { bytes, released: 0 })
    }

    /// Gives back the pages before `fraction` (0 to 1) of the store, less some slack.
    pub(crate) fn release_before(&mut self, fraction: f64) {
        let len = self.bytes.len();
        let start = self.bytes.as_slice().as_ptr() as usize;
        let page = page_size();
        let reached = (len as f64 * fraction.clamp(0.0, 1.0)) as usize;
        let until = if fraction >= 1.0 { len } else { reached.saturating_sub(SLACK) };
        // Whole pages only: the first page boundary at or after the start, the last one at or before `until`.
        let from = (start + self.released).next_multiple_of(page);
        let to = (start + until) / page * page;
        if to <= from {
            return;
        }
        if drop_pages(from, to - from) {
            self.released = to - start;
        }
    }
}

/// Advises the kernel that `len` bytes from `from`, inside a read-only file mapping, are not needed.
#[cfg(unix)]
fn drop_pages(from: usize, len: usize) -> bool {
    // SAFETY: callers pass a page-aligned range inside a mapping they keep alive, which `MappedStore::of` checked is
    // a read-only mapping of a store file. Dropping such pages loses nothing: the next read maps them again from
    // the file. No reference into the range is invalidated, only its residency.
    unsafe { libc::madvise(from as *mut libc::c_void, len, libc::MADV_DONTNEED) == 0 }
}

#[cfg(not(unix))]
fn drop_pages(_from: usize, _len: usize) -> bool {
    false
}

#[cfg(unix)]
fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 {
        size as usize
    } else {
        4096
    }
}

#[cfg(not(unix))]
fn page_size() -> usize {
    4096
}

/// True when the process's mapping list shows [start, start+len) inside one read-only mapping of a file named
/// `name`.
fn file_mapping_covers(start: usize, len: usize, name: &str) -> bool {
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else { return false };
    maps.lines().any(|line| mapping_covers(line, start, len, name))
}

/// One line of `/proc/self/maps`: `start-end perms offset dev inode path`.
fn mapping_covers(line: &str, start: usize, len: usize, name: &str) -> bool {
    let mut parts = line.split_whitespace();
    let (Some(range), Some(perms)) = (parts.next(), parts.next()) else { return false };
    let Some(path) = parts.nth(3) else { return false };
    let Some((lo, hi)) = range.split_once('-') else { return false };
    let (Ok(lo), Ok(hi)) = (usize::from_str_radix(lo, 16), usize::from_str_radix(hi, 16)) else { return false };
    perms.starts_with("r-")
        && std::path::Path::new(path).file_name().is_some_and(|f| f == name)
        && lo <= start
        && start.checked_add(len).is_some_and(|end| end <= hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_read_only_mapping_of_the_named_file_counts() {
        let line = "7f0000000000-7f0000100000 r--s 00000000 fd:01 123 /case/.harrier/index/abc.store";
        assert!(mapping_covers(line, 0x7f0000000000, 0x100000, "abc.store"));
        assert!(mapping_covers(line, 0x7f0000001000, 0x1000, "abc.store"));
        assert!(!mapping_covers(line, 0x7f0000001000, 0x100000, "abc.store"), "runs past the end");
        assert!(!mapping_covers(line, 0x7f0000001000, 0x1000, "other.store"));
        let writable = "7f0000000000-7f0000100000 rw-p 00000000 00:00 0 [heap]";
        assert!(!mapping_covers(writable, 0x7f0000001000, 0x10, "[heap]"));
        assert!(!mapping_covers("garbage", 0, 1, "abc.store"));
        assert!(!mapping_covers("", 0, 1, "abc.store"));
    }

    #[test]
    fn heap_memory_is_never_taken_for_a_file_mapping() {
        let v = vec![1u8; 1 << 16];
        assert!(!file_mapping_covers(v.as_ptr() as usize, v.len(), "abc.store"));
    }
}
