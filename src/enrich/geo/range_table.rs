//! Inclusive address ranges in sorted order, each pointing to an answer, found by binary search. A CSV database
//! is two of these (IPv4 and IPv6), kept as parallel arrays so a row costs its two bounds and a 4-byte index.

/// An address as a number: `u32` for IPv4, `u128` for IPv6.
pub trait Address: Copy + Ord {
    /// The next address, `None` after the last one.
    fn successor(self) -> Option<Self>;
}

impl Address for u32 {
    fn successor(self) -> Option<Self> {
        self.checked_add(1)
    }
}

impl Address for u128 {
    fn successor(self) -> Option<Self> {
        self.checked_add(1)
    }
}

/// Sorted, non-overlapping inclusive ranges with the index of their answer.
#[derive(Debug, Default)]
pub struct RangeTable<K> {
    starts: Vec<K>,
    ends: Vec<K>,
    values: Vec<u32>,
}

impl<K: Address> RangeTable<K> {
    /// Builds the table from `(start, end, value)` rows in any order (`start <= end`). Where rows overlap, the one
    /// that starts first (or, starting together, the one given first) keeps the shared addresses; a row wholly
    /// inside earlier ones is dropped. Lookups then have one answer per address.
    pub fn build(mut rows: Vec<(K, K, u32)>) -> RangeTable<K> {
        rows.sort_by_key(|r| r.0);
        let mut t = RangeTable {
            starts: Vec::with_capacity(rows.len()),
            ends: Vec::with_capacity(rows.len()),
            values: Vec::with_capacity(rows.len()),
        };
        let mut covered: Option<K> = None;
        for (start, end, value) in rows {
            let start = match covered {
                Some(c) if c >= end => continue,
                Some(c) if c >= start => match c.successor() {
                    Some(next) => next,
                    None => continue,
                },
                _ => start,
            };
            t.starts.push(start);
            t.ends.push(end);
            t.values.push(value);
            covered = Some(end);
        }
        t.starts.shrink_to_fit();
        t.ends.shrink_to_fit();
        t.values.shrink_to_fit();
        t
    }

    /// The value of the range holding `key`.
    pub fn get(&self, key: K) -> Option<u32> {
        let i = self.starts.partition_point(|&s| s <= key);
        let i = i.checked_sub(1)?;
        (key <= self.ends[i]).then(|| self.values[i])
    }

    /// Number of ranges kept.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True when no range is kept.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_range_holding_an_address() {
        let t = RangeTable::build(vec![(20u32, 29, 2), (0, 9, 0), (10, 10, 1)]);
        assert_eq!(
            (t.get(0), t.get(9), t.get(10), t.get(11), t.get(25), t.get(30)),
            (Some(0), Some(0), Some(1), None, Some(2), None)
        );
        assert_eq!(RangeTable::<u128>::build(Vec::new()).get(5), None);
    }

    #[test]
    fn overlaps_keep_the_range_that_starts_first() {
        let t = RangeTable::build(vec![(0u32, 10, 0), (5, 15, 1), (2, 3, 2), (u32::MAX, u32::MAX, 3), (0, 4, 4)]);
        assert_eq!(t.get(4), Some(0), "of two rows starting together, the one given first");
        assert_eq!(t.get(2), Some(0), "a row inside an earlier one is dropped");
        assert_eq!((t.get(11), t.get(15), t.get(16)), (Some(1), Some(1), None), "what a later row adds is kept");
        assert_eq!(t.get(u32::MAX), Some(3));
        assert_eq!(t.len(), 3);
    }
}
