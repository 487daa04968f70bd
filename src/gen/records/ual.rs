//! Unified Audit Log records (`AuditData`, Office 365 Management Activity API schema, PascalCase).

use super::ip_with_port;
use crate::gen::clock;
use crate::gen::tenant::Tenant;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::net::IpAddr;

/// The name Purview prints for a numeric `RecordType`.
pub fn record_type_name(n: u64) -> &'static str {
    match n {
        1 => "ExchangeAdmin",
        2 => "ExchangeItem",
        3 => "ExchangeItemGroup",
        6 => "SharePointFileOperation",
        8 => "AzureActiveDirectory",
        15 => "AzureActiveDirectoryStsLogon",
        18 => "SecurityComplianceCenterEOPCmdlet",
        50 => "ExchangeItemAggregated",
        _ => "Unknown",
    }
}

/// Who acted, as the UAL records it.
#[derive(Debug, Clone)]
pub struct UalActor<'a> {
    /// `UserId` exactly as written (may be mixed case, or a system name).
    pub user_id: &'a str,
    pub user_key: String,
    pub user_type: u8,
    /// Entra object id of the actor (TokenObjectId), empty for system actors.
    pub object_id: &'a str,
}

/// The token a UAL record was made with (`AppAccessContext`, `SessionId`).
#[derive(Debug, Clone)]
pub struct TokenContext<'a> {
    pub session_id: &'a str,
    pub unique_token_id: &'a str,
    pub issued_at: DateTime<Utc>,
    pub client_app_id: &'a str,
    pub client_app_name: &'a str,
    pub correlation_id: &'a str,
}

/// `AppAccessContext` as Exchange and SharePoint write it.
pub fn app_access_context(t: &TokenContext) -> Value {
    json!({
        "AADSessionId": t.session_id,
        "APIId": "",
        "ClientAppId": t.client_app_id,
        "ClientAppName": t.client_app_name,
        "CorrelationId": t.correlation_id,
        "IssuedAtTime": clock::iso_no_zone(t.issued_at),
        "UniqueTokenId": t.unique_token_id
    })
}

/// An Exchange-style user key (the PUID in hex) derived from an object id.
pub fn puid(object_id: &str) -> String {
    let hex: String = object_id.chars().filter(|c| c.is_ascii_hexdigit()).take(12).collect();
    format!("1003{}", hex.to_ascii_uppercase())
}

#[allow(clippy::too_many_arguments)]
fn base(
    t: &Tenant,
    ts: DateTime<Utc>,
    id: &str,
    record_type: u64,
    operation: &str,
    workload: &str,
    actor: &UalActor,
    result: &str,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("CreationTime".into(), json!(clock::iso_no_zone(ts)));
    m.insert("Id".into(), json!(id));
    m.insert("Operation".into(), json!(operation));
    m.insert("OrganizationId".into(), json!(t.id));
    m.insert("RecordType".into(), json!(record_type));
    if !result.is_empty() {
        m.insert("ResultStatus".into(), json!(result));
    }
    m.insert("UserKey".into(), json!(actor.user_key));
    m.insert("UserType".into(), json!(actor.user_type));
    m.insert("Version".into(), json!(1));
    m.insert("Workload".into(), json!(workload));
    m
}

/// One aggregated `MailItemsAccessed` record.
#[derive(Debug, Clone)]
pub struct MailAccess<'a> {
    pub ts: DateTime<Utc>,
    pub id: String,
    pub actor: UalActor<'a>,
    pub ip: &'a IpAddr,
    pub port: u16,
    pub mailbox_upn: &'a str,
    pub mailbox_guid: &'a str,
    pub mailbox_sid: &'a str,
    pub logon_type: u8,
    pub external: bool,
    pub client_info: &'a str,
    pub access_type: &'a str,
    pub app_id: &'a str,
    pub token: Option<TokenContext<'a>>,
    pub folder: &'a str,
    pub message_ids: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Ctx<'a> {
    #[serde(rename = "AADSessionId")]
    aad_session_id: &'a str,
    #[serde(rename = "APIId")]
    api_id: &'a str,
    client_app_id: &'a str,
    client_app_name: &'a str,
    correlation_id: &'a str,
    issued_at_time: String,
    unique_token_id: &'a str,
}

fn ctx<'a>(t: &'a TokenContext) -> Ctx<'a> {
    Ctx {
        aad_session_id: t.session_id,
        api_id: "",
        client_app_id: t.client_app_id,
        client_app_name: t.client_app_name,
        correlation_id: t.correlation_id,
        issued_at_time: clock::iso_no_zone(t.issued_at),
        unique_token_id: t.unique_token_id,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Common<'a> {
    creation_time: String,
    id: &'a str,
    operation: &'a str,
    organization_id: &'a str,
    record_type: u64,
    #[serde(skip_serializing_if = "str::is_empty")]
    result_status: &'a str,
    user_key: &'a str,
    user_type: u8,
    version: u8,
    workload: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct NameValue<'a> {
    name: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct MessageRef<'a> {
    #[serde(rename = "InternetMessageId")]
    internet_message_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Folder<'a> {
    folder_items: Vec<MessageRef<'a>>,
    id: String,
    path: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct MailRecord<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    #[serde(rename = "ClientIP")]
    client_ip: String,
    user_id: &'a str,
    app_id: &'a str,
    client_app_id: &'a str,
    #[serde(rename = "ClientIPAddress")]
    client_ip_address: String,
    client_info_string: &'a str,
    external_access: bool,
    internal_logon_type: u8,
    logon_type: u8,
    logon_user_sid: String,
    mailbox_guid: &'a str,
    mailbox_owner_sid: &'a str,
    #[serde(rename = "MailboxOwnerUPN")]
    mailbox_owner_upn: &'a str,
    operation_properties: [NameValue<'a>; 2],
    organization_name: String,
    originating_server: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_object_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_tenant_id: Option<&'a str>,
    folders: [Folder<'a>; 1],
    operation_count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_access_context: Option<Ctx<'a>>,
}

/// `MailItemsAccessed` (RecordType 50, ExchangeItemAggregated), serialized.
pub fn mail_items_accessed(t: &Tenant, a: &MailAccess) -> String {
    let sid = a.mailbox_sid;
    let logon_sid = if a.logon_type == 0 {
        sid.to_string()
    } else {
        format!("{}-{}", &sid[..sid.len().saturating_sub(4)], 1000 + a.actor.user_key.len())
    };
    let guid_hex = a.mailbox_guid.replace('-', "");
    let rec = MailRecord {
        common: Common {
            creation_time: clock::iso_no_zone(a.ts),
            id: &a.id,
            operation: "MailItemsAccessed",
            organization_id: &t.id,
            record_type: 50,
            result_status: "Succeeded",
            user_key: &a.actor.user_key,
            user_type: a.actor.user_type,
            version: 1,
            workload: "Exchange",
        },
        client_ip: ip_with_port(a.ip, a.port),
        user_id: a.actor.user_id,
        app_id: a.app_id,
        client_app_id: a.token.as_ref().map(|x| x.client_app_id).unwrap_or(a.app_id),
        client_ip_address: a.ip.to_string(),
        client_info_string: a.client_info,
        external_access: a.external,
        internal_logon_type: 0,
        logon_type: a.logon_type,
        logon_user_sid: logon_sid,
        mailbox_guid: a.mailbox_guid,
        mailbox_owner_sid: sid,
        mailbox_owner_upn: a.mailbox_upn,
        operation_properties: [
            NameValue { name: "MailAccessType", value: a.access_type },
            NameValue { name: "IsThrottled", value: "False" },
        ],
        organization_name: format!("{}.onmicrosoft.example", t.org.short),
        originating_server: format!("{} (15.20.8466.020)", t.exchange_server()),
        session_id: a.token.as_ref().map(|x| x.session_id),
        token_object_id: (!a.actor.object_id.is_empty()).then_some(a.actor.object_id),
        token_tenant_id: (!a.actor.object_id.is_empty()).then_some(t.id.as_str()),
        folders: [Folder {
            folder_items: a.message_ids.iter().map(|m| MessageRef { internet_message_id: m }).collect(),
            id: format!("LgAAAAB{}AQ", &guid_hex[..20.min(guid_hex.len())]),
            path: a.folder,
        }],
        operation_count: a.message_ids.len(),
        app_access_context: a.token.as_ref().map(ctx),
    };
    serde_json::to_string(&rec).unwrap_or_default()
}

/// An Exchange admin cmdlet.
#[derive(Debug, Clone)]
pub struct AdminCmdlet<'a> {
    pub ts: DateTime<Utc>,
    pub id: String,
    pub actor: UalActor<'a>,
    /// Client IP already formatted (with or without port, or empty for system actors).
    pub client_ip: String,
    pub operation: &'a str,
    pub object_id: String,
    pub parameters: Vec<(&'a str, String)>,
    pub external: bool,
    pub app_id: &'a str,
    pub session_id: &'a str,
    pub succeeded: bool,
}

/// An `ExchangeAdmin` record (RecordType 1): `Add-MailboxPermission`, `New-ManagementRoleAssignment`, `New-InboxRule` …
pub fn exchange_admin(t: &Tenant, a: &AdminCmdlet) -> Value {
    let mut m = base(t, a.ts, &a.id, 1, a.operation, "Exchange", &a.actor, if a.succeeded { "True" } else { "False" });
    m.insert("ClientIP".into(), json!(a.client_ip));
    m.insert("ObjectId".into(), json!(a.object_id));
    m.insert("UserId".into(), json!(a.actor.user_id));
    m.insert("AppId".into(), json!(a.app_id));
    m.insert("ClientAppId".into(), json!(""));
    m.insert("ExternalAccess".into(), json!(a.external));
    m.insert("OrganizationName".into(), json!(format!("{}.onmicrosoft.example", t.org.short)));
    m.insert("OriginatingServer".into(), json!(format!("{} (15.20.8466.020)", t.exchange_server())));
    let params: Vec<Value> = a.parameters.iter().map(|(n, v)| json!({"Name": n, "Value": v})).collect();
    m.insert("Parameters".into(), Value::Array(params));
    if !a.session_id.is_empty() {
        m.insert("SessionId".into(), json!(a.session_id));
    }
    if !a.actor.object_id.is_empty() {
        m.insert("TokenObjectId".into(), json!(a.actor.object_id));
        m.insert("TokenTenantId".into(), json!(t.id));
    }
    Value::Object(m)
}

/// A SharePoint / OneDrive file operation.
#[derive(Debug, Clone)]
pub struct FileOp<'a> {
    pub ts: DateTime<Utc>,
    pub id: String,
    pub actor: UalActor<'a>,
    pub operation: &'a str,
    pub onedrive: bool,
    pub ip: &'a IpAddr,
    pub site_url: String,
    pub folder: &'a str,
    pub file: &'a str,
    pub user_agent: &'a str,
    pub app_id: &'a str,
    pub app_name: &'a str,
    pub token: Option<TokenContext<'a>>,
    pub correlation_id: String,
    pub managed: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct FileRecord<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    #[serde(rename = "ClientIP")]
    client_ip: String,
    object_id: String,
    user_id: &'a str,
    application_id: &'a str,
    application_display_name: &'a str,
    authentication_type: &'a str,
    correlation_id: &'a str,
    event_source: &'a str,
    geo_location: &'a str,
    is_managed_device: bool,
    item_type: &'a str,
    list_item_unique_id: String,
    site: String,
    user_agent: &'a str,
    source_relative_url: &'a str,
    source_file_name: &'a str,
    source_file_extension: &'a str,
    site_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_access_context: Option<Ctx<'a>>,
}

/// A `SharePointFileOperation` record (RecordType 6), serialized.
pub fn file_operation(t: &Tenant, a: &FileOp) -> String {
    let rec = FileRecord {
        common: Common {
            creation_time: clock::iso_no_zone(a.ts),
            id: &a.id,
            operation: a.operation,
            organization_id: &t.id,
            record_type: 6,
            result_status: "",
            user_key: &a.actor.user_key,
            user_type: a.actor.user_type,
            version: 1,
            workload: if a.onedrive { "OneDrive" } else { "SharePoint" },
        },
        client_ip: a.ip.to_string(),
        object_id: format!("{}{}/{}", a.site_url, a.folder, a.file),
        user_id: a.actor.user_id,
        application_id: a.app_id,
        application_display_name: a.app_name,
        authentication_type: "OAuth",
        correlation_id: &a.correlation_id,
        event_source: "SharePoint",
        geo_location: "NAM",
        is_managed_device: a.managed,
        item_type: "File",
        list_item_unique_id: a.correlation_id.chars().rev().collect(),
        site: a.correlation_id.get(..8).map(|p| format!("{p}-5f2a-4c1e-9d3b-7a6e1c2b8f40")).unwrap_or_default(),
        user_agent: a.user_agent,
        source_relative_url: a.folder,
        source_file_name: a.file,
        source_file_extension: a.file.rsplit('.').next().unwrap_or(""),
        site_url: &a.site_url,
        app_access_context: a.token.as_ref().map(ctx),
    };
    serde_json::to_string(&rec).unwrap_or_default()
}

/// A `UserLoggedIn` / `UserLoginFailed` STS logon record (RecordType 15). Its `Id` is the Entra sign-in request id.
#[allow(clippy::too_many_arguments)]
pub fn sts_logon(
    t: &Tenant,
    ts: DateTime<Utc>,
    signin_id: &str,
    correlation_id: &str,
    actor: &UalActor,
    ip: &IpAddr,
    app_id: &str,
    resource_id: &str,
    user_agent: &str,
    os: &str,
    browser: &str,
    session_id: &str,
    error: i64,
) -> Value {
    let op = if error == 0 { "UserLoggedIn" } else { "UserLoginFailed" };
    let mut m =
        base(t, ts, signin_id, 15, op, "AzureActiveDirectory", actor, if error == 0 { "Success" } else { "Failed" });
    m.insert("ClientIP".into(), json!(ip.to_string()));
    m.insert("ObjectId".into(), json!(resource_id));
    m.insert("UserId".into(), json!(actor.user_id));
    m.insert("AzureActiveDirectoryEventType".into(), json!(1));
    m.insert(
        "ExtendedProperties".into(),
        json!([
            {"Name": "ResultStatusDetail", "Value": if error == 0 { "Redirect" } else { "Success" }},
            {"Name": "UserAgent", "Value": user_agent},
            {"Name": "RequestType", "Value": "OAuth2:Authorize"}
        ]),
    );
    m.insert("ModifiedProperties".into(), json!([]));
    m.insert("Actor".into(), json!([{"ID": actor.object_id, "Type": 0}, {"ID": actor.user_id, "Type": 5}]));
    m.insert("ActorContextId".into(), json!(t.id));
    m.insert("ActorIpAddress".into(), json!(ip.to_string()));
    m.insert("InterSystemsId".into(), json!(correlation_id));
    m.insert("IntraSystemId".into(), json!(signin_id));
    m.insert("SupportTicketId".into(), json!(""));
    m.insert("Target".into(), json!([{"ID": resource_id, "Type": 0}]));
    m.insert("TargetContextId".into(), json!(t.id));
    m.insert("ApplicationId".into(), json!(app_id));
    m.insert(
        "DeviceProperties".into(),
        json!([
            {"Name": "OS", "Value": os},
            {"Name": "BrowserType", "Value": browser.split(' ').next().unwrap_or("")},
            {"Name": "IsCompliantAndManaged", "Value": "False"},
            {"Name": "SessionId", "Value": session_id}
        ]),
    );
    m.insert("ErrorNumber".into(), json!(error.to_string()));
    if error != 0 {
        m.insert("LogonError".into(), json!("InvalidUserNameOrPassword"));
    }
    Value::Object(m)
}

/// A directory change mirrored into the UAL (RecordType 8); `operation` ends with a period.
#[derive(Debug, Clone)]
pub struct DirectoryChange<'a> {
    pub ts: DateTime<Utc>,
    pub id: String,
    pub actor: UalActor<'a>,
    pub actor_ip: String,
    pub operation: &'a str,
    pub object_id: &'a str,
    pub correlation_id: &'a str,
    pub modified: Vec<(&'a str, String, String)>,
    pub targets: Vec<(&'a str, u8)>,
    pub category: &'a str,
}

/// An `AzureActiveDirectory` directory event.
pub fn directory_change(t: &Tenant, a: &DirectoryChange) -> Value {
    let mut m = base(t, a.ts, &a.id, 8, a.operation, "AzureActiveDirectory", &a.actor, "Success");
    m.insert("ObjectId".into(), json!(a.object_id));
    m.insert("UserId".into(), json!(a.actor.user_id));
    m.insert("AzureActiveDirectoryEventType".into(), json!(1));
    m.insert(
        "ExtendedProperties".into(),
        json!([
            {"Name": "additionalDetails", "Value": "{}"},
            {"Name": "extendedAuditEventCategory", "Value": a.category}
        ]),
    );
    let modified: Vec<Value> =
        a.modified.iter().map(|(n, o, v)| json!({"Name": n, "NewValue": v, "OldValue": o})).collect();
    m.insert("ModifiedProperties".into(), Value::Array(modified));
    let mut actor = vec![json!({"ID": a.actor.user_id, "Type": 5})];
    if !a.actor.object_id.is_empty() {
        actor.push(json!({"ID": format!("User_{}", a.actor.object_id), "Type": 2}));
        actor.push(json!({"ID": a.actor.object_id, "Type": 2}));
    }
    m.insert("Actor".into(), Value::Array(actor));
    m.insert("ActorContextId".into(), json!(t.id));
    m.insert("ActorIpAddress".into(), json!(a.actor_ip));
    m.insert("InterSystemsId".into(), json!(a.correlation_id));
    m.insert("IntraSystemId".into(), json!(a.id));
    m.insert("SupportTicketId".into(), json!(""));
    let targets: Vec<Value> = a.targets.iter().map(|(id, ty)| json!({"ID": id, "Type": ty})).collect();
    m.insert("Target".into(), Value::Array(targets));
    m.insert("TargetContextId".into(), json!(t.id));
    Value::Object(m)
}

/// A `Send` (RecordType 2, ExchangeItem).
#[allow(clippy::too_many_arguments)]
pub fn send(
    t: &Tenant,
    ts: DateTime<Utc>,
    id: &str,
    actor: &UalActor,
    ip: &IpAddr,
    port: u16,
    mailbox_guid: &str,
    subject: &str,
    message_id: &str,
    client_info: &str,
    token: Option<&TokenContext>,
) -> Value {
    let mut m = base(t, ts, id, 2, "Send", "Exchange", actor, "Succeeded");
    m.insert("ClientIP".into(), json!(ip_with_port(ip, port)));
    m.insert("ObjectId".into(), json!(""));
    m.insert("UserId".into(), json!(actor.user_id));
    m.insert("ClientIPAddress".into(), json!(ip.to_string()));
    m.insert("ClientInfoString".into(), json!(client_info));
    m.insert("ExternalAccess".into(), json!(false));
    m.insert("LogonType".into(), json!(0));
    m.insert("MailboxGuid".into(), json!(mailbox_guid));
    m.insert("MailboxOwnerUPN".into(), json!(actor.user_id.to_ascii_lowercase()));
    if let Some(tok) = token {
        m.insert("SessionId".into(), json!(tok.session_id));
    }
    m.insert(
        "Item".into(),
        json!({"Id": format!("RgAAAAD{}", &mailbox_guid.replace('-', "")[..16]), "InternetMessageId": message_id, "ParentFolder": {"Name": "Sent Items", "Path": "\\Sent Items"}, "SizeInBytes": 48213, "Subject": subject}),
    );
    if let Some(tok) = token {
        m.insert("AppAccessContext".into(), app_access_context(tok));
    }
    Value::Object(m)
}
