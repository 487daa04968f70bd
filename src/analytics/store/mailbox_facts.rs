//! What a touch records about a mailbox access: whose mailbox, how it was opened, how many items.

use super::strings::Sym;
use super::touch::flags;
use super::Store;
use crate::model::Event;

/// The mailbox part of a touch.
pub(super) struct MailboxFacts {
    pub mailbox: Sym,
    /// Exchange logon type; `u8::MAX` when unknown.
    pub logon_type: u8,
    /// Items reached, at least 1.
    pub items: u32,
    /// The `EXTERNAL_ACCESS` bit.
    pub flags: u16,
}

impl Store {
    /// The mailbox part of an event's touch.
    pub(super) fn mailbox_facts(&mut self, ev: &Event) -> MailboxFacts {
        let mut f = MailboxFacts { mailbox: 0, logon_type: u8::MAX, items: 1, flags: 0 };
        if let Some(m) = &ev.mailbox {
            f.mailbox = self.sym_opt(m.mailbox.as_deref());
            f.logon_type = m.logon_type.unwrap_or(u8::MAX);
            f.items = m.item_count.map(|c| c.min(u32::MAX as u64) as u32).unwrap_or(1).max(1);
            if m.external_access == Some(true) {
                f.flags |= flags::EXTERNAL_ACCESS;
            }
        }
        f
    }
}
