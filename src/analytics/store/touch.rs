//! Touches: the compact record kept of each sign-in, Graph request, mailbox or file access.

use super::strings::Sym;
use crate::model::{ActorKind, Source, UaClass};
use chrono::{DateTime, TimeZone, Utc};

/// What a touch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TouchKind {
    /// A sign-in, interactive or not.
    SignIn,
    /// A sign-in as the Unified Audit Log copies it (`UserLoggedIn`, `UserLoginFailed`): the only record of it
    /// when the Entra sign-in logs were not collected.
    UalSignIn,
    /// `MailItemsAccessed`: mail items read.
    MailRead,
    /// `MailboxLogin`.
    MailboxLogin,
    /// Mail sent (`Send`, `SendAs`, `SendOnBehalf`).
    MailSend,
    /// Mail deleted (`SoftDelete`, `HardDelete`, `MoveToDeletedItems`); `detail` holds the operation.
    MailDelete,
    /// A file accessed or previewed.
    FileRead,
    /// A file downloaded or synced.
    FileDownload,
    /// A Graph request reaching mail.
    GraphMail,
    /// A Graph request reaching files.
    GraphFile,
    /// A Graph directory listing.
    GraphEnum,
    /// Any other Graph request.
    GraphOther,
    /// Other workload activity by a principal from an address (kept for session and network reasoning).
    Activity,
}

impl TouchKind {
    /// True for reading mail or files.
    pub fn is_data_access(self) -> bool {
        matches!(
            self,
            TouchKind::MailRead
                | TouchKind::FileRead
                | TouchKind::FileDownload
                | TouchKind::GraphMail
                | TouchKind::GraphFile
        )
    }
}

/// Flag bits on a touch.
pub mod flags {
    /// The sign-in or request succeeded.
    pub const SUCCESS: u16 = 1;
    /// An interactive sign-in.
    pub const INTERACTIVE: u16 = 2;
    /// From a device not known to be managed.
    pub const UNMANAGED: u16 = 4;
    /// By a partner or through a cross-tenant service-provider setting.
    pub const SERVICE_PROVIDER: u16 = 8;
    /// A Graph request following a page link.
    pub const PAGED: u16 = 16;
    /// A Graph request selecting mail identities.
    pub const EMAIL_SELECT: u16 = 32;
    /// A sign-in by device code or resource-owner password.
    pub const DEVICE_CODE_OR_ROPC: u16 = 64;
    /// A mailbox access Exchange marks as external.
    pub const EXTERNAL_ACCESS: u16 = 128;
    /// A sign-in by the device-code flow, or on a session first obtained by it (`originalTransferMethod`).
    pub const DEVICE_CODE_FLOW: u16 = 256;
    /// A sign-in carrying Identity Protection risk (its facts are in the store's risk table).
    pub const RISK: u16 = 512;
    /// A sign-in that needed one factor only (`authenticationRequirement` singleFactorAuthentication).
    pub const SINGLE_FACTOR: u16 = 1024;
    /// A person's sign-in whose record has none of Identity Protection's fields: its risk is unknown.
    pub const RISK_UNKNOWN: u16 = 2048;
}

/// A compact record of one sign-in, Graph request or workload access.
#[derive(Debug, Clone)]
pub struct Touch {
    /// When (unix seconds).
    pub ts: i64,
    /// The event id, for evidence.
    pub id: Box<str>,
    /// What it is.
    pub kind: TouchKind,
    /// The log it came from.
    pub source: Source,
    /// The principal key (see `principal_key`).
    pub actor: Sym,
    /// User, guest, partner, app, …
    pub actor_kind: ActorKind,
    /// The actor's home tenant id, when the record names one.
    pub home_tenant: Sym,
    /// The session id.
    pub session: Sym,
    /// The token id (unique token identifier), padding removed.
    pub token: Sym,
    /// The source address, canonical.
    pub ip: Sym,
    /// The autonomous system of the address; 0 when unknown.
    pub asn: u32,
    /// The country of the address.
    pub country: Sym,
    /// The user-agent class.
    pub ua_class: UaClass,
    /// The user-agent text (shortened).
    pub ua: Sym,
    /// The user-agent family.
    pub ua_family: Sym,
    /// The client application id.
    pub app: Sym,
    /// The resource signed in to.
    pub resource: Sym,
    /// The mailbox reached.
    pub mailbox: Sym,
    /// Exchange logon type; `u8::MAX` when unknown.
    pub logon_type: u8,
    /// Items reached, at least 1.
    pub items: u32,
    /// Bytes a Graph request returned.
    pub bytes: u64,
    /// HTTP status of a Graph request.
    pub status: u16,
    /// The Graph request template.
    pub template: Sym,
    /// Group whose members were listed (enumeration), the auth protocol (sign-ins) or the operation (deletions).
    pub detail: Sym,
    /// The error code of a sign-in (Entra `errorCode`, the UAL's `ErrorNumber`); 0 for none or unknown.
    pub error: u32,
    /// Why a sign-in failed: the failure reason and Entra's additional details (failed sign-ins only).
    pub reason: Sym,
    /// The client app a sign-in names (`clientAppUsed`: Browser, IMAP4, Exchange ActiveSync, …).
    pub client: Sym,
    /// Bits of the `flags` module.
    pub flags: u16,
}

impl Touch {
    /// The UTC time.
    pub fn time(&self) -> DateTime<Utc> {
        Utc.timestamp_opt(self.ts, 0).single().unwrap_or_default()
    }
    /// True when a flag bit is set.
    pub fn has(&self, f: u16) -> bool {
        self.flags & f != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_touch_stays_small() {
        // A million touches must stay far under a gigabyte with their ids and the interned strings.
        assert!(std::mem::size_of::<Touch>() <= 120, "{}", std::mem::size_of::<Touch>());
    }
}
