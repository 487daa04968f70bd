//! Exchange mailbox item records (RecordType 3, ExchangeItemGroup): messages deleted, purged or moved to Deleted
//! Items, as mailbox auditing writes them.

use super::ip_with_port;
use super::ual::UalActor;
use crate::gen::clock;
use crate::gen::tenant::{Person, Tenant};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::net::IpAddr;

/// One deletion in a mailbox: `SoftDelete`, `HardDelete` or `MoveToDeletedItems`.
#[derive(Debug, Clone)]
pub struct ItemDeletion<'a> {
    pub ts: DateTime<Utc>,
    pub id: String,
    pub operation: &'a str,
    pub actor: UalActor<'a>,
    pub mailbox: &'a Person,
    pub ip: &'a IpAddr,
    pub port: u16,
    /// 0 owner, 1 admin, 2 delegate.
    pub logon_type: u8,
    pub client_info: &'a str,
    pub session_id: &'a str,
    /// `(InternetMessageId, Subject)` of each message the record lists.
    pub items: Vec<(String, String)>,
}

/// The record as the Management Activity API gives it.
pub fn item_deletion(t: &Tenant, a: &ItemDeletion) -> Value {
    let folder_id = |path: &str| format!("LgAAAAD{}{}", &a.mailbox.mailbox_guid.replace('-', "")[..12], path.len());
    let items: Vec<Value> = a
        .items
        .iter()
        .enumerate()
        .map(|(i, (mid, subject))| {
            json!({
                "Id": format!("RgAAAAD{}{i:04}", &a.mailbox.mailbox_guid.replace('-', "")[..16]),
                "InternetMessageId": mid,
                "ParentFolder": {"Id": folder_id("\\Inbox"), "Path": "\\Inbox"},
                "Subject": subject
            })
        })
        .collect();
    let mut v = json!({
        "CreationTime": clock::iso_no_zone(a.ts),
        "Id": a.id,
        "Operation": a.operation,
        "OrganizationId": t.id,
        "RecordType": 3,
        "ResultStatus": "Succeeded",
        "UserKey": a.actor.user_key,
        "UserType": a.actor.user_type,
        "Version": 1,
        "Workload": "Exchange",
        "ClientIP": ip_with_port(a.ip, a.port),
        "UserId": a.actor.user_id,
        "ClientIPAddress": a.ip.to_string(),
        "ClientInfoString": a.client_info,
        "ExternalAccess": false,
        "InternalLogonType": 0,
        "LogonType": a.logon_type,
        "LogonUserSid": a.mailbox.sid,
        "MailboxGuid": a.mailbox.mailbox_guid,
        "MailboxOwnerSid": a.mailbox.sid,
        "MailboxOwnerUPN": a.mailbox.upn,
        "OrganizationName": format!("{}.onmicrosoft.example", t.org.short),
        "OriginatingServer": format!("{} (15.20.8466.020)", t.exchange_server()),
        "SessionId": a.session_id,
        "CrossMailboxOperation": a.actor.user_id.to_ascii_lowercase() != a.mailbox.upn,
        "Folder": {"Id": folder_id("\\Inbox"), "Path": "\\Inbox"},
        "AffectedItems": items
    });
    if a.operation == "MoveToDeletedItems" {
        v["DestFolder"] = json!({"Id": folder_id("\\Deleted Items"), "Path": "\\Deleted Items"});
    }
    v
}
