//! Entra directory audit records (Graph `directoryAudit`).

use crate::gen::clock;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// Who did it.
#[derive(Debug, Clone)]
pub enum Initiator {
    User { id: String, upn: String, ip: String },
    App { app_id: Option<String>, name: String, sp_id: String },
}

/// One directory audit entry.
#[derive(Debug, Clone)]
pub struct AuditArgs {
    pub ts: DateTime<Utc>,
    pub id: String,
    pub correlation_id: String,
    pub category: &'static str,
    pub activity: &'static str,
    pub operation_type: &'static str,
    pub service: &'static str,
    pub initiator: Initiator,
    pub targets: Vec<Value>,
    pub additional: Vec<(String, String)>,
}

/// A modified property as the audit log writes it (values JSON-encoded into strings).
pub fn prop(name: &str, old: Option<&str>, new: &str) -> Value {
    json!({"displayName": name, "oldValue": old, "newValue": new})
}

/// `"value"` wrapped in JSON quotes, the way audit modified properties carry strings.
pub fn quoted(v: &str) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A target resource.
pub fn target(id: &str, display: Option<&str>, kind: &str, upn: Option<&str>, props: Vec<Value>) -> Value {
    json!({
        "id": id,
        "displayName": display,
        "type": kind,
        "userPrincipalName": upn,
        "groupType": null,
        "modifiedProperties": props
    })
}

/// The record as Graph returns it.
pub fn directory_audit(a: &AuditArgs) -> Value {
    let initiated = match &a.initiator {
        Initiator::User { id, upn, ip } => json!({
            "app": null,
            "user": {"id": id, "displayName": null, "userPrincipalName": upn, "ipAddress": ip, "userType": null, "homeTenantId": null, "homeTenantName": null}
        }),
        Initiator::App { app_id, name, sp_id } => json!({
            "user": null,
            "app": {"appId": app_id, "displayName": name, "servicePrincipalId": sp_id, "servicePrincipalName": null}
        }),
    };
    let additional: Vec<Value> = a.additional.iter().map(|(k, v)| json!({"key": k, "value": v})).collect();
    json!({
        "id": a.id,
        "category": a.category,
        "correlationId": a.correlation_id,
        "result": "success",
        "resultReason": "",
        "activityDisplayName": a.activity,
        "activityDateTime": clock::iso_7(a.ts),
        "loggedByService": a.service,
        "operationType": a.operation_type,
        "initiatedBy": initiated,
        "targetResources": a.targets,
        "additionalDetails": additional
    })
}
