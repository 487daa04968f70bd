//! Keeping a touch: which events become one, and the compact record they leave.

use super::observe::Observed;
use super::signin_facts::signin_flags;
use super::touch::{flags, Touch, TouchKind};
use super::Store;
use crate::analytics::graph::{GraphClass, GraphShape};
use crate::model::{Event, Source};
use chrono::{DateTime, Utc};

impl Store {
    /// Keeps a touch for a sign-in, Graph request or workload access; other events leave none.
    pub(super) fn record_touch(&mut self, ev: &Event, ts: DateTime<Utc>, seen: &Observed) {
        let Some(kind) = touch_kind(ev, seen.source, seen.shape.as_ref()) else { return };
        let request = self.request_facts(ev, seen);
        let signin = self.signin_facts(ev, kind, seen);
        self.note_place(ev, seen.ip, seen.country);
        let mailbox = self.mailbox_facts(ev);
        let session = self.sym_opt(ev.session_id.as_deref());
        let token = self.sym_opt(ev.token_id.as_deref().map(|t| t.trim_end_matches('=')));
        let home_tenant = self.sym_opt(ev.actor.home_tenant.as_deref());
        // The UAL's copy of a sign-in names the resource signed in to in its ObjectId.
        let ual_resource = || ev.targets.first().and_then(|t| t.id.as_deref());
        let detail = if kind == TouchKind::MailDelete { self.strings.intern(&ev.operation) } else { request.detail };
        let resource = self.sym_opt(ev.resource_id.as_deref().or_else(|| {
            if kind == TouchKind::UalSignIn {
                ual_resource()
            } else {
                None
            }
        }));
        self.touches.push(Touch {
            ts: ts.timestamp(),
            id: ev.id.as_str().into(),
            kind,
            source: seen.source,
            actor: seen.actor,
            actor_kind: ev.actor.kind,
            home_tenant,
            session,
            token,
            ip: seen.ip,
            asn: seen.asn,
            country: seen.country,
            ua_class: seen.ua_class,
            ua: seen.ua,
            ua_family: seen.ua_family,
            app: seen.app,
            resource,
            mailbox: mailbox.mailbox,
            logon_type: mailbox.logon_type,
            items: mailbox.items,
            bytes: request.bytes,
            status: request.status,
            template: request.template,
            detail,
            error: signin.error,
            reason: signin.reason,
            client: signin.client,
            flags: signin_flags(ev, seen)
                | request.flags
                | mailbox.flags
                | if self.risk.contains_key(ev.id.as_str()) { flags::RISK } else { 0 },
        });
    }
}

/// What kind of touch an event makes, if any.
fn touch_kind(ev: &Event, source: Source, shape: Option<&GraphShape>) -> Option<TouchKind> {
    if source.is_signin() {
        return Some(TouchKind::SignIn);
    }
    if source == Source::UalAzureAd && matches!(ev.operation.as_str(), "UserLoggedIn" | "UserLoginFailed") {
        return Some(TouchKind::UalSignIn);
    }
    if let Some(s) = shape {
        return Some(match s.class {
            GraphClass::Mail => TouchKind::GraphMail,
            GraphClass::File => TouchKind::GraphFile,
            GraphClass::Enumeration => TouchKind::GraphEnum,
            GraphClass::Other => TouchKind::GraphOther,
        });
    }
    let op = ev.operation.as_str();
    match op {
        "MailItemsAccessed" => return Some(TouchKind::MailRead),
        "MailboxLogin" => return Some(TouchKind::MailboxLogin),
        "Send" | "SendAs" | "SendOnBehalf" => return Some(TouchKind::MailSend),
        "SoftDelete" | "HardDelete" | "MoveToDeletedItems" => return Some(TouchKind::MailDelete),
        "FileDownloaded" | "FileSyncDownloadedFull" | "FileSyncDownloadedPartial" => {
            return Some(TouchKind::FileDownload)
        }
        "FileAccessed" | "FileAccessedExtended" | "FilePreviewed" => return Some(TouchKind::FileRead),
        _ => {}
    }
    if source.is_ual() && ev.net.ip.is_some() && (ev.session_id.is_some() || ev.token_id.is_some()) {
        return Some(TouchKind::Activity);
    }
    None
}
