//! The session, token and actor indexes over the touches, built once after the pass.

use super::strings::Sym;

/// Touch positions grouped by a symbol (session, token or actor), each group in time order: an offset per symbol
/// and a position per touch, where a map of small vectors cost some fifty bytes per token id.
#[derive(Debug, Default)]
pub(super) struct Groups {
    /// Where each symbol's positions start in `items`; one more entry than symbols.
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Groups {
    /// Groups the positions in `keyed` (symbol, position; positions ascending) by symbol, for `symbols` symbols.
    pub(super) fn build(symbols: usize, keyed: impl Iterator<Item = (Sym, u32)> + Clone) -> Groups {
        let mut starts = vec![0u32; symbols + 1];
        for (s, _) in keyed.clone() {
            starts[s as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut items = vec![0u32; starts[symbols] as usize];
        for (s, pos) in keyed {
            items[next[s as usize] as usize] = pos;
            next[s as usize] += 1;
        }
        Groups { starts, items }
    }

    /// The positions of one symbol.
    pub(super) fn get(&self, s: Sym) -> &[u32] {
        let i = s as usize;
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Every symbol that has positions, with them.
    pub(super) fn iter(&self) -> impl Iterator<Item = (Sym, &[u32])> {
        (0..self.starts.len().saturating_sub(1)).map(|i| (i as Sym, self.get(i as Sym))).filter(|(_, v)| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_keep_each_symbols_positions_in_order() {
        let keyed = [(2, 0), (1, 1), (2, 2), (5, 3), (2, 4)];
        let g = Groups::build(6, keyed.iter().copied());
        assert_eq!(g.get(2), &[0, 2, 4]);
        assert_eq!((g.get(1), g.get(5), g.get(0), g.get(99)), (&[1][..], &[3][..], &[][..], &[][..]));
        let all: Vec<(Sym, Vec<u32>)> = g.iter().map(|(s, v)| (s, v.to_vec())).collect();
        assert_eq!(all, vec![(1, vec![1]), (2, vec![0, 2, 4]), (5, vec![3])]);
    }
}
