//! What a touch records about a Graph request (template, expanded group, status, bytes, paging), or about a
//! sign-in's auth protocol.

use super::observe::Observed;
use super::strings::Sym;
use super::touch::flags;
use super::Store;
use crate::model::Event;

/// The request part of a touch.
pub(super) struct RequestFacts {
    pub template: Sym,
    /// Group whose members were listed (Graph) or the auth protocol (sign-ins).
    pub detail: Sym,
    pub status: u16,
    pub bytes: u64,
    /// `PAGED` and `EMAIL_SELECT` bits.
    pub flags: u16,
}

impl Store {
    /// The request part of an event's touch.
    pub(super) fn request_facts(&mut self, ev: &Event, seen: &Observed) -> RequestFacts {
        let mut r = RequestFacts { template: 0, detail: 0, status: 0, bytes: 0, flags: 0 };
        if let (Some(h), Some(s)) = (&ev.http, &seen.shape) {
            r.template = self.strings.intern(&s.template);
            if let Some(g) = &s.expanded {
                r.detail = self.strings.intern(g);
            }
            if s.paged {
                r.flags |= flags::PAGED;
            }
            if s.email_select {
                r.flags |= flags::EMAIL_SELECT;
            }
            r.status = h.status.unwrap_or(0);
            r.bytes = h.bytes.unwrap_or(0);
        } else if seen.signin {
            r.detail = self.sym_opt(ev.signin.as_ref().and_then(|s| s.auth_protocol.as_deref()));
        }
        r
    }
}
