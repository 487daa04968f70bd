//! Sets of local days, the unit every baseline counts in.

use crate::analytics::clock::Day;

/// A sorted set of local day numbers.
#[derive(Debug, Default, Clone)]
pub struct DaySet(Vec<Day>);

impl DaySet {
    /// Adds a day.
    pub fn insert(&mut self, d: Day) {
        if self.0.last().is_some_and(|&l| l == d) {
            return;
        }
        if let Err(pos) = self.0.binary_search(&d) {
            self.0.insert(pos, d);
        }
    }
    /// Days in `[from, to)`.
    pub fn count_in(&self, from: Day, to: Day) -> usize {
        let a = self.0.partition_point(|&d| d < from);
        let b = self.0.partition_point(|&d| d < to);
        b.saturating_sub(a)
    }
    /// The latest day before `d`.
    pub fn last_before(&self, d: Day) -> Option<Day> {
        let i = self.0.partition_point(|&x| x < d);
        if i == 0 {
            None
        } else {
            Some(self.0[i - 1])
        }
    }
    /// The first day.
    pub fn first(&self) -> Option<Day> {
        self.0.first().copied()
    }
    /// Number of days.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_sets_count_ranges() {
        let mut d = DaySet::default();
        for x in [5, 1, 3, 3, 9] {
            d.insert(x);
        }
        assert_eq!(d.len(), 4);
        assert_eq!(d.count_in(1, 5), 2);
        assert_eq!(d.count_in(0, 100), 4);
        assert_eq!(d.last_before(5), Some(3));
        assert_eq!(d.last_before(1), None);
    }
}
