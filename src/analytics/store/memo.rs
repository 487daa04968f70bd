//! Symbols of values that recur on most events (addresses, networks, client classes), remembered by the value
//! itself so the pass neither formats nor hashes their text again.

use super::address::canonical_ip;
use super::strings::{Interner, Sym};
use crate::model::{Event, UaClass};
use rustc_hash::FxHashMap as HashMap;
use std::net::IpAddr;

/// Bound on remembered addresses, so a case of random addresses cannot grow the memo without end.
const MAX_ADDRESSES: usize = 1_000_000;

/// The remembered symbols; emptied when the pass is over.
#[derive(Debug, Default)]
pub(super) struct Memo {
    ips: HashMap<IpAddr, Sym>,
    asns: HashMap<u32, Sym>,
    classes: HashMap<UaClass, Sym>,
    /// The buffer each event's principal key is written into.
    key: String,
    /// A hash of the names each principal's last learnt record gave it.
    names: HashMap<Sym, u64>,
}

impl Memo {
    /// The symbol of an address in its one spelling (see [`canonical_ip`]).
    pub(super) fn ip(&mut self, strings: &mut Interner, ip: IpAddr) -> Sym {
        if let Some(&s) = self.ips.get(&ip) {
            return s;
        }
        let s = strings.intern(&canonical_ip(&ip));
        if self.ips.len() < MAX_ADDRESSES {
            self.ips.insert(ip, s);
        }
        s
    }

    /// The symbol of an autonomous system number written in decimal; 0 for none.
    pub(super) fn asn(&mut self, strings: &mut Interner, asn: u32) -> Sym {
        if asn == 0 {
            return 0;
        }
        *self.asns.entry(asn).or_insert_with(|| strings.intern(&asn.to_string()))
    }

    /// The symbol of a user-agent class's name.
    pub(super) fn class(&mut self, strings: &mut Interner, class: UaClass) -> Sym {
        *self.classes.entry(class).or_insert_with(|| strings.intern(class.as_str()))
    }

    /// The symbol of the event's principal key ([`principal_key`](super::profile::principal_key)); `None` when the
    /// event has no principal.
    pub(super) fn principal(&mut self, strings: &mut Interner, ev: &Event) -> Option<Sym> {
        super::profile::write_principal_key(ev, &mut self.key).then(|| strings.intern(&self.key))
    }

    /// True when `hash` (of the names a record gives `actor`) differs from the last one noted for it, which it
    /// replaces: only then are the names worked out again.
    pub(super) fn names_changed(&mut self, actor: Sym, hash: u64) -> bool {
        self.names.insert(actor, hash) != Some(hash)
    }

    /// Lets the memory go once the pass is over.
    pub(super) fn clear(&mut self) {
        *self = Memo::default();
    }
}
