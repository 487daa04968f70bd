//! Interned strings: every name, address and id the store keeps is held once and referred to by a 4-byte handle.

use rustc_hash::FxHashMap as HashMap;

/// An interned string; 0 is "none".
pub type Sym = u32;

/// Interns strings so that baselines and touches hold 4-byte handles. A million-event case interns half a million
/// strings (mostly token and session ids), so each is kept once, in one text buffer, and found by its hash.
#[derive(Debug, Default)]
pub struct Interner {
    /// The symbol of each string by a 64-bit hash of it.
    by_hash: HashMap<u64, Sym>,
    /// Strings whose hash an earlier, different string already holds (all but never; handled all the same).
    collided: HashMap<Box<str>, Sym>,
    /// Every string, one after another.
    text: String,
    /// Where each symbol's string ends in `text`; it starts where the previous one ends.
    ends: Vec<usize>,
}

fn text_hash(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    s.hash(&mut h);
    h.finish()
}

impl Interner {
    /// A new interner where symbol 0 is the empty string.
    pub fn new() -> Interner {
        let mut i = Interner::default();
        i.ends.push(0);
        i.by_hash.insert(text_hash(""), 0);
        i
    }

    /// The symbol of `s`, adding it on first sight.
    pub fn intern(&mut self, s: &str) -> Sym {
        let h = text_hash(s);
        let known = self.by_hash.get(&h).copied();
        match known {
            Some(x) if self.name(x) == s => return x,
            Some(_) => {
                if let Some(&x) = self.collided.get(s) {
                    return x;
                }
            }
            None => {}
        }
        let id = self.ends.len() as Sym;
        self.text.push_str(s);
        self.ends.push(self.text.len());
        if known.is_some() {
            self.collided.insert(s.into(), id);
        } else {
            self.by_hash.insert(h, id);
        }
        id
    }

    /// The symbol of `s` if it was ever interned.
    pub fn lookup(&self, s: &str) -> Option<Sym> {
        match self.by_hash.get(&text_hash(s)) {
            Some(&x) if self.name(x) == s => Some(x),
            Some(_) => self.collided.get(s).copied(),
            None => None,
        }
    }

    /// The string of a symbol.
    pub fn name(&self, s: Sym) -> &str {
        let i = s as usize;
        match self.ends.get(i) {
            Some(&end) => &self.text[if i == 0 { 0 } else { self.ends[i - 1] }..end],
            None => "",
        }
    }

    /// Number of symbols, the empty string's included.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True before [`Interner::new`] has added the empty string.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_round_trips() {
        let mut i = Interner::new();
        let a = i.intern("alice");
        assert_eq!(i.intern("alice"), a);
        assert_eq!(i.name(a), "alice");
        assert_eq!(i.name(0), "");
        assert_eq!(i.intern(""), 0);
        assert_eq!(i.lookup("bob"), None);
        let words: Vec<String> = (0..10_000).map(|n| format!("token-{n}")).collect();
        let syms: Vec<Sym> = words.iter().map(|w| i.intern(w)).collect();
        for (w, &s) in words.iter().zip(&syms) {
            assert_eq!(i.intern(w), s);
            assert_eq!((i.name(s), i.lookup(w)), (w.as_str(), Some(s)));
        }
        assert_eq!(i.len(), 10_002);
        assert_eq!(i.name(99_999), "");
    }

    #[test]
    fn interner_tells_apart_strings_whose_hashes_collide() {
        let mut i = Interner::new();
        let a = i.intern("alice");
        // Make "mallory" hash to alice's entry, as a real 64-bit collision would.
        let forged = text_hash("mallory");
        i.by_hash.remove(&forged);
        i.by_hash.insert(forged, a);
        let m = i.intern("mallory");
        assert_ne!(m, a);
        assert_eq!((i.name(m), i.name(a)), ("mallory", "alice"));
        assert_eq!(i.intern("mallory"), m);
        assert_eq!((i.lookup("mallory"), i.lookup("alice")), (Some(m), Some(a)));
    }
}
