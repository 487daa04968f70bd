//! Microsoft Graph activity log records (the `properties` of a `MicrosoftGraphActivityLogs` diagnostic record).

use crate::gen::clock;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One Graph API request.
#[derive(Debug, Clone)]
pub struct GraphArgs<'a> {
    pub ts: DateTime<Utc>,
    pub request_id: String,
    pub client_request_id: String,
    pub method: &'a str,
    pub uri: String,
    pub status: u16,
    pub bytes: u64,
    pub duration_ms: u64,
    pub app_id: &'a str,
    pub user_id: Option<&'a str>,
    pub sp_id: &'a str,
    pub ip: String,
    pub user_agent: &'a str,
    pub scopes: Option<&'a str>,
    pub roles: Option<&'a str>,
    pub sign_in_activity_id: String,
    pub session_id: String,
    pub token_issued_at: DateTime<Utc>,
    pub client_auth_method: u8,
    pub device_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GraphRecord<'a> {
    time_generated: &'a str,
    location: &'a str,
    request_id: &'a str,
    operation_id: &'a str,
    client_request_id: &'a str,
    api_version: &'a str,
    request_method: &'a str,
    response_status_code: u16,
    tenant_id: &'a str,
    duration_ms: u64,
    response_size_bytes: u64,
    sign_in_activity_id: &'a str,
    roles: Option<&'a str>,
    token_issued_at: String,
    app_id: &'a str,
    user_id: Option<&'a str>,
    service_principal_id: &'a str,
    scopes: Option<&'a str>,
    identity_provider: String,
    client_auth_method: String,
    wids: &'a str,
    ip_address: &'a str,
    user_agent: &'a str,
    request_uri: &'a str,
    session_id: &'a str,
    device_id: &'a str,
    at_content: &'a str,
}

const REGION: &str = "North Central US";

/// The record properties, camelCase as in diagnostic-settings exports, serialized.
pub fn graph_activity(tenant_id: &str, a: &GraphArgs) -> String {
    let api = if a.uri.starts_with("https://graph.microsoft.com/beta/") { "beta" } else { "v1.0" };
    let when = clock::iso_7(a.ts);
    let rec = GraphRecord {
        time_generated: &when,
        location: REGION,
        request_id: &a.request_id,
        operation_id: &a.request_id,
        client_request_id: &a.client_request_id,
        api_version: api,
        request_method: a.method,
        response_status_code: a.status,
        tenant_id,
        duration_ms: a.duration_ms,
        response_size_bytes: a.bytes,
        sign_in_activity_id: &a.sign_in_activity_id,
        roles: a.roles,
        token_issued_at: clock::iso_secs(a.token_issued_at),
        app_id: a.app_id,
        user_id: a.user_id,
        service_principal_id: a.sp_id,
        scopes: a.scopes,
        identity_provider: format!("https://sts.windows.net/{tenant_id}/"),
        client_auth_method: a.client_auth_method.to_string(),
        wids: if a.user_id.is_some() {
            "b79fbf4d-3ef9-4689-8143-76b194e85509"
        } else {
            "0997a1d0-0d1d-4acb-b408-d5ca73121e90"
        },
        ip_address: &a.ip,
        user_agent: a.user_agent,
        request_uri: &a.uri,
        session_id: &a.session_id,
        device_id: a.device_id,
        at_content: "",
    };
    serde_json::to_string(&rec).unwrap_or_default()
}

/// The diagnostic-settings envelope fields of a Graph request (before and after `category`).
pub fn graph_head(tenant_id: &str, a: &GraphArgs) -> (String, String) {
    (
        format!(
            "\"time\":\"{}\",\"resourceId\":\"/TENANTS/{}/PROVIDERS/MICROSOFT.AADIAM\",\"operationName\":\"Microsoft Graph Activity\",\"operationVersion\":\"v1.0\"",
            clock::iso_7(a.ts),
            tenant_id.to_ascii_uppercase()
        ),
        format!(
            "\"tenantId\":\"{tenant_id}\",\"resultSignature\":\"{}\",\"durationMs\":{},\"callerIpAddress\":\"{}\",\"correlationId\":\"{}\",\"Level\":4,\"location\":\"{REGION}\"",
            a.status, a.duration_ms, a.ip, a.request_id
        ),
    )
}
