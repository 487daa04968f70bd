//! User agents worked out once each: the same few strings recur on most events of a case.

use super::strings::{Interner, Sym};
use crate::analytics::catalog;
use crate::model::UaClass;
use rustc_hash::FxHashMap as HashMap;

/// Longest user-agent text kept; the rest is cut.
const MAX_UA_LEN: usize = 256;

/// Bound on remembered user agents, so a case of random agents cannot grow the cache without end.
const MAX_CACHED: usize = 200_000;

/// The interned text, interned family and class of each user agent seen during the pass.
#[derive(Debug, Default)]
pub(super) struct UserAgents {
    known: HashMap<Box<str>, (Sym, Sym, UaClass)>,
}

impl UserAgents {
    /// The symbols of the (shortened) agent text and its family, and its class.
    pub(super) fn info(&mut self, strings: &mut Interner, ua: &str) -> (Sym, Sym, UaClass) {
        if let Some(v) = self.known.get(ua) {
            return *v;
        }
        let short: String = ua.chars().take(MAX_UA_LEN).collect();
        let raw = strings.intern(&short);
        let fam = catalog::ua_family(ua);
        let fam = strings.intern(&fam);
        let class = catalog::classify_user_agent(ua);
        if self.known.len() < MAX_CACHED {
            self.known.insert(ua.into(), (raw, fam, class));
        }
        (raw, fam, class)
    }

    /// Lets the memory go once the pass is over.
    pub(super) fn clear(&mut self) {
        self.known = HashMap::default();
    }
}
