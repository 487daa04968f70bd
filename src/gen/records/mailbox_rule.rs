//! `UpdateInboxRules` (RecordType 2, ExchangeItem): an inbox rule saved by a mail client (Outlook over MAPI, or a
//! program through Graph or EWS) rather than by a cmdlet; its condition and actions are free text.

use super::ip_with_port;
use super::ual::UalActor;
use crate::gen::clock;
use crate::gen::tenant::{Person, Tenant};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::net::IpAddr;

/// One rule saved from a client.
#[derive(Debug, Clone)]
pub struct RuleUpdate<'a> {
    pub ts: DateTime<Utc>,
    pub id: String,
    pub actor: UalActor<'a>,
    pub mailbox: &'a Person,
    pub ip: &'a IpAddr,
    pub port: u16,
    pub client_info: &'a str,
    pub session_id: &'a str,
    pub rule_id: String,
    pub name: &'a str,
    pub condition: &'a str,
    pub actions: &'a str,
}

/// The record as the Management Activity API gives it.
pub fn inbox_rule_update(t: &Tenant, a: &RuleUpdate) -> Value {
    let props = [
        ("RuleOperation", "AddMailboxRule"),
        ("RuleId", a.rule_id.as_str()),
        ("RuleName", a.name),
        ("RuleState", "Enabled"),
        ("RuleCondition", a.condition),
        ("RuleActions", a.actions),
    ];
    let props: Vec<Value> = props.iter().map(|(n, v)| json!({"Name": n, "Value": v})).collect();
    json!({
        "CreationTime": clock::iso_no_zone(a.ts),
        "Id": a.id,
        "Operation": "UpdateInboxRules",
        "OrganizationId": t.id,
        "RecordType": 2,
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
        "LogonType": 0,
        "LogonUserSid": a.mailbox.sid,
        "MailboxGuid": a.mailbox.mailbox_guid,
        "MailboxOwnerSid": a.mailbox.sid,
        "MailboxOwnerUPN": a.mailbox.upn,
        "OrganizationName": format!("{}.onmicrosoft.example", t.org.short),
        "OriginatingServer": format!("{} (15.20.8466.020)", t.exchange_server()),
        "SessionId": a.session_id,
        "OperationProperties": props
    })
}
