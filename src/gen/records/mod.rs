//! Builders of single log records in their native form: Graph `signIn` and `directoryAudit` objects, UAL `AuditData`
//! objects (Management Activity API schema) and Graph activity log properties. Export shapes wrap or flatten these.

pub mod audit;
pub mod graph;
pub mod mail_item;
pub mod mailbox_rule;
pub mod signin;
pub mod ual;

use chrono::{DateTime, Utc};
use serde_json::Value;
use std::net::IpAddr;

/// UAL workloads the generator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Workload {
    Exchange,
    SharePoint,
    AzureActiveDirectory,
}

/// Which log a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    SignInInteractive,
    SignInNonInteractive,
    SignInServicePrincipal,
    SignInManagedIdentity,
    Audit,
    Ual(Workload),
    Graph,
}

impl Kind {
    /// The answer key's `source` name for files of this kind.
    pub fn source_name(self) -> &'static str {
        match self {
            Kind::SignInInteractive => "signin_interactive",
            Kind::SignInNonInteractive => "signin_noninteractive",
            Kind::SignInServicePrincipal => "signin_sp",
            Kind::SignInManagedIdentity => "signin_mi",
            Kind::Audit => "entra_audit",
            Kind::Ual(_) => "ual",
            Kind::Graph => "graph",
        }
    }

    /// True for the four sign-in logs.
    pub fn is_signin(self) -> bool {
        matches!(
            self,
            Kind::SignInInteractive
                | Kind::SignInNonInteractive
                | Kind::SignInServicePrincipal
                | Kind::SignInManagedIdentity
        )
    }
}

/// One generated record, already serialized: `json` is the native record, `head` the two halves of its
/// diagnostic-settings envelope (before and after `category`), empty for UAL records.
#[derive(Debug, Clone)]
pub struct Rec {
    pub ts: DateTime<Utc>,
    pub kind: Kind,
    pub json: String,
    pub head: (String, String),
}

impl Rec {
    /// A record from a JSON value; the envelope head is derived from its fields.
    pub fn from_value(ts: DateTime<Utc>, kind: Kind, tenant_id: &str, v: &Value) -> Rec {
        let head = if matches!(kind, Kind::Ual(_)) {
            (String::new(), String::new())
        } else {
            envelope_head(kind, tenant_id, v)
        };
        Rec { ts, kind, json: v.to_string(), head }
    }

    /// The record parsed back into a JSON value (for shapes that restructure it).
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.json).unwrap_or(Value::Null)
    }
}

fn text(v: &Value, path: &str) -> String {
    let mut cur = v;
    for part in path.split('/') {
        match cur.get(part) {
            Some(next) => cur = next,
            None => return String::new(),
        }
    }
    match cur {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn inner(v: Value) -> String {
    let s = v.to_string();
    s.get(1..s.len().saturating_sub(1)).unwrap_or("").to_string()
}

/// The envelope fields around `category`, as JSON member lists without braces.
pub fn envelope_head(kind: Kind, tenant_id: &str, v: &Value) -> (String, String) {
    use serde_json::json;
    let resource = format!("/tenants/{tenant_id}/providers/Microsoft.aadiam");
    match kind {
        Kind::Graph => (
            inner(
                json!({"time": text(v, "timeGenerated"), "resourceId": resource.to_ascii_uppercase(), "operationName": "Microsoft Graph Activity", "operationVersion": "v1.0"}),
            ),
            inner(
                json!({"tenantId": tenant_id, "resultSignature": text(v, "responseStatusCode"), "durationMs": v.get("durationMs").cloned().unwrap_or(Value::Null), "callerIpAddress": text(v, "ipAddress"), "correlationId": text(v, "requestId"), "Level": 4, "location": text(v, "location")}),
            ),
        ),
        Kind::Audit => (
            inner(
                json!({"time": text(v, "activityDateTime"), "resourceId": resource, "operationName": text(v, "activityDisplayName"), "operationVersion": "1.0"}),
            ),
            inner(
                json!({"tenantId": tenant_id, "resultSignature": "None", "durationMs": 0, "callerIpAddress": text(v, "initiatedBy/user/ipAddress"), "correlationId": text(v, "correlationId"), "Level": "Informational"}),
            ),
        ),
        _ => {
            let err = text(v, "status/errorCode");
            (
                inner(
                    json!({"time": text(v, "createdDateTime"), "resourceId": resource, "operationName": "Sign-in activity", "operationVersion": "1.0"}),
                ),
                inner(
                    json!({"tenantId": tenant_id, "resultType": err, "resultSignature": "None", "resultDescription": if err == "0" { String::new() } else { text(v, "status/failureReason") }, "durationMs": 0, "callerIpAddress": text(v, "ipAddress"), "correlationId": text(v, "correlationId"), "identity": text(v, "userDisplayName"), "Level": 4, "location": text(v, "location/countryOrRegion")}),
                ),
            )
        }
    }
}

/// `203.0.113.5:51234` or `[2001:db8::1]:443`, as UAL `ClientIP` often carries the client port.
pub fn ip_with_port(ip: &IpAddr, port: u16) -> String {
    match ip {
        IpAddr::V4(v4) => format!("{v4}:{port}"),
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
    }
}
