//! Microsoft Graph activity logs: Log Analytics `MicrosoftGraphActivityLogs` and diagnostic-settings rows.

use super::fields::Rec;
use super::lazy::LazyMap;
use super::outcome::outcomes;
use super::{lower_id, required_time, Normalized, Reject};
use crate::enrich::ip::parse_ip;
use crate::model::{ActorKind, Event, EventResult, GraphRequest, Source};

/// Normalizes one Graph activity row.
pub fn normalize(map: &LazyMap) -> Result<Normalized, Reject> {
    let envelope = Rec::new(map);
    let props = map.nested("properties");
    let r = Rec::new(props.as_deref().unwrap_or(map));
    let (mut ts, mut assumption) = required_time(&r, &["timeGenerated", "TimeGenerated"], false)?;
    if ts.is_none() {
        (ts, assumption) = required_time(&envelope, &["time", "TimeGenerated"], false)?;
    }
    let method = r.text(&["requestMethod", "RequestMethod"]).unwrap_or_default().to_ascii_uppercase();
    let uri =
        r.text(&["requestUri", "RequestUri"]).ok_or_else(|| Reject("Graph activity row has no requestUri".into()))?;
    let template = uri_template(&uri);
    let native_id = r.text(&["requestId", "RequestId"]).or_else(|| envelope.text(&["correlationId"]));
    let mut e = Event {
        id: native_id.clone().unwrap_or_default(),
        ts,
        source: Some(Source::Graph),
        operation: format!("{method} {template}"),
        ..Event::default()
    };
    let status = r.int(&["responseStatusCode", "ResponseStatusCode"]).and_then(|s| u16::try_from(s).ok());
    e.result = status.map_or(EventResult::Unknown, |s| outcomes().graph.http(s));
    if e.result == EventResult::Failure {
        e.result_detail = status.map(|s| format!("HTTP {s}"));
    }
    e.http = Some(GraphRequest {
        method,
        uri,
        uri_template: Some(template),
        status,
        bytes: r.int(&["responseSizeBytes", "ResponseSizeBytes"]).and_then(|b| u64::try_from(b).ok()),
        scopes: r.text(&["scopes", "Scopes"]),
        roles: r.text(&["roles", "Roles"]),
    });
    e.app_id = lower_id(r.text(&["appId", "AppId"]));
    let user_id = lower_id(r.text(&["userId", "UserId"]));
    let sp_id = lower_id(r.text(&["servicePrincipalId", "ServicePrincipalId"]));
    if user_id.is_some() {
        e.actor.kind = ActorKind::User;
        e.actor.id = user_id;
    } else if sp_id.is_some() {
        e.actor.kind = ActorKind::Sp;
        e.actor.id = sp_id;
    }
    if let Some((ip, port)) = r
        .text(&["ipAddress", "IPAddress"])
        .or_else(|| envelope.text(&["callerIpAddress"]))
        .as_deref()
        .and_then(parse_ip)
    {
        e.net.ip = Some(ip);
        e.net.port = port;
    }
    e.user_agent = r.text(&["userAgent", "UserAgent"]);
    e.token_id = r.text(&["signInActivityId", "SignInActivityId"]).map(|t| t.trim_end_matches('=').to_string());
    e.session_id = lower_id(r.text(&["sessionId", "SessionId"]));
    e.device.id = lower_id(r.text(&["deviceId", "DeviceId"]));
    e.tenant_id = lower_id(r.text(&["tenantId", "TenantId", "AadTenantId"]).or_else(|| envelope.text(&["tenantId"])));
    e.correlation_id = lower_id(r.text(&["operationId", "OperationId"]));
    if let Some(m) = r.text(&["clientAuthMethod", "ClientAuthMethod"]) {
        e.params.push(("ClientAuthMethod".into(), m));
    }
    if let Some(w) = r.text(&["wids", "Wids"]) {
        e.params.push(("Wids".into(), w));
    }
    Ok(Normalized { event: e, assumption, native_id })
}

/// The request path with ids replaced by `{id}` and the query string dropped: `/v1.0/users/{id}/messages`.
pub fn uri_template(uri: &str) -> String {
    let no_scheme = uri.split_once("://").map(|(_, rest)| rest).unwrap_or(uri);
    let path = match no_scheme.find('/') {
        Some(p) if uri.contains("://") => &no_scheme[p..],
        _ => no_scheme,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut out = String::with_capacity(path.len());
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        if looks_like_id(seg) {
            out.push_str("{id}");
        } else {
            out.push_str(&seg.to_ascii_lowercase());
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

fn looks_like_id(seg: &str) -> bool {
    let s = seg.trim_start_matches("('").trim_end_matches("')");
    let hexish = s.len() >= 16 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    let has_digit_and_long = s.len() >= 20 && s.chars().any(|c| c.is_ascii_digit());
    hexish || has_digit_and_long || s.contains('@') || s.contains('%') || seg.contains("('")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert_eq!(uri_template("https://graph.microsoft.com/v1.0/users?$select=mail&$top=999"), "/v1.0/users");
        assert_eq!(
            uri_template(
                "https://graph.microsoft.com/v1.0/users/0b8a2c1e-1111-2222-3333-444455556666/messages?$top=50"
            ),
            "/v1.0/users/{id}/messages"
        );
        assert_eq!(
            uri_template("https://graph.microsoft.com/beta/users/ceo@northwind.example/mailFolders"),
            "/beta/users/{id}/mailfolders"
        );
        assert_eq!(uri_template("https://graph.microsoft.com/"), "/");
    }
}
