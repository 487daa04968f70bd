//! Entra audit records: Graph `directoryAudit`, Log Analytics `AuditLogs`, diagnostic-settings `AuditLogs`.

use super::fields::{any_text, at, name_values, scalar_text, text_at, Rec};
use super::lazy::LazyMap;
use super::outcome::outcomes;
use super::{lower_id, required_time, Normalized, Reject, TimeAssumption};
use crate::enrich::ip::parse_ip;
use crate::model::{ActorKind, Event, ModifiedProperty, Source, Target};
use serde_json::Value;

/// Normalizes one Entra audit record.
pub fn normalize(map: &LazyMap) -> Result<Normalized, Reject> {
    let envelope = Rec::new(map);
    let props = map.nested("properties");
    let r = Rec::new(props.as_deref().unwrap_or(map));
    let (ts, assumption) = record_time(&r, &envelope)?;
    let operation = r
        .text(&["activityDisplayName", "ActivityDisplayName", "OperationName"])
        .or_else(|| envelope.text(&["operationName"]))
        .ok_or_else(|| Reject("audit record has no activityDisplayName".into()))?;
    let native_id = r.text(&["id", "Id"]);
    let mut e = Event {
        id: native_id.clone().unwrap_or_default(),
        ts,
        source: Some(Source::EntraAudit),
        operation: operation.trim_end().to_string(),
        ..Event::default()
    };
    let rules = &outcomes().entra_audit;
    let field = |f: &str| r.text(&[f]);
    e.result = rules.judge(&e.operation, &field);
    e.result_detail = rules.detail(&field).filter(|s| s != "None");
    e.correlation_id =
        lower_id(r.text(&["correlationId", "CorrelationId"]).or_else(|| envelope.text(&["correlationId"])));
    e.tenant_id = lower_id(envelope.text(&["tenantId", "TenantId", "AADTenantId"]));
    add_service_params(&mut e, &r);
    if let Some(init) = r.structured(&["initiatedBy", "InitiatedBy"]) {
        set_initiator(&mut e, &init);
    }
    if e.net.ip.is_none() {
        set_ip(&mut e, r.text(&["InitiatingIpAddress"]).or_else(|| envelope.text(&["callerIpAddress"])).as_deref());
    }
    if let Some(targets) = r.structured(&["targetResources", "TargetResources"]) {
        if let Some(list) = targets.as_array() {
            for t in list {
                e.targets.push(target(t));
            }
        }
    }
    add_additional_details(&mut e, &r);
    if e.user_agent.is_none() {
        e.user_agent = r.text(&["userAgent", "UserAgent"]);
    }
    Ok(Normalized { event: e, assumption, native_id })
}

/// The activity's time, from the record or else from its diagnostic-settings envelope.
fn record_time(r: &Rec, envelope: &Rec) -> Result<(Option<chrono::DateTime<chrono::Utc>>, TimeAssumption), Reject> {
    let (mut ts, mut assumption) = required_time(r, &["activityDateTime", "ActivityDateTime", "TimeGenerated"], false)?;
    if ts.is_none() {
        (ts, assumption) = required_time(envelope, &["time", "TimeGenerated"], false)?;
    }
    Ok((ts, assumption))
}

/// The category, logging service and operation type, kept as parameters.
fn add_service_params(e: &mut Event, r: &Rec) {
    if let Some(cat) = r.text(&["category", "Category"]) {
        e.params.push(("Category".into(), cat));
    }
    if let Some(svc) = r.text(&["loggedByService", "LoggedByService"]) {
        e.params.push(("LoggedByService".into(), svc));
    }
    if let Some(op) = r.text(&["operationType", "AADOperationType"]) {
        e.params.push(("OperationType".into(), op));
    }
}

/// Who initiated the activity (`initiatedBy`): a user (with address), an app, or else the system; and the
/// session and token it was linked to.
fn set_initiator(e: &mut Event, init: &Value) {
    let user = at(init, &["user"]).filter(|v| v.is_object());
    let app = at(init, &["app"]).filter(|v| v.is_object());
    if let Some(u) = user {
        set_user_initiator(e, u);
    } else if let Some(a) = app {
        e.actor.kind = ActorKind::Sp;
        e.actor.id = text_at(a, &["servicePrincipalId"]).map(|s| s.to_ascii_lowercase());
        e.actor.display_name = text_at(a, &["displayName"]).or_else(|| text_at(a, &["servicePrincipalName"]));
        e.app_id = text_at(a, &["appId"]).map(|s| s.to_ascii_lowercase());
        e.app_name = e.actor.display_name.clone();
    } else {
        e.actor.kind = ActorKind::System;
    }
    if let Some(link) = at(init, &["user", "linkableIdentifiers"]).or_else(|| at(init, &["linkableIdentifiers"])) {
        e.session_id = text_at(link, &["sessionId"]).map(|s| s.to_ascii_lowercase());
        e.token_id = text_at(link, &["tokenDetails", "tokenId"]);
    }
}

/// A user initiator: who, of which kind (a partner technician, a guest or a member), and from which address.
fn set_user_initiator(e: &mut Event, u: &Value) {
    e.actor.upn = text_at(u, &["userPrincipalName"]).map(|s| s.to_lowercase());
    e.actor.id = text_at(u, &["id"]).map(|s| s.to_ascii_lowercase());
    e.actor.display_name = text_at(u, &["displayName"]);
    e.actor.home_tenant = text_at(u, &["homeTenantId"]).map(|s| s.to_ascii_lowercase());
    let user_type = text_at(u, &["userType"]).unwrap_or_default().to_ascii_lowercase();
    let is_partner = e.actor.upn.as_deref().is_some_and(|x| x.starts_with("user_"))
        && e.actor.display_name.as_deref().is_some_and(|d| d.ends_with("Technician"));
    e.actor.kind = if is_partner {
        ActorKind::Partner
    } else if user_type == "guest" {
        ActorKind::Guest
    } else {
        ActorKind::User
    };
    set_ip(e, text_at(u, &["ipAddress"]).as_deref());
}

/// Sets the event's address and port from an address text that parses.
fn set_ip(e: &mut Event, text: Option<&str>) {
    if let Some((ip, port)) = text.and_then(parse_ip) {
        e.net.ip = Some(ip);
        e.net.port = port;
    }
}

/// The `additionalDetails` name/value list becomes parameters; a user agent or app id among them fills a gap.
fn add_additional_details(e: &mut Event, r: &Rec) {
    if let Some(details) = r.structured(&["additionalDetails", "AdditionalDetails"]) {
        for (k, v) in name_values(&details) {
            if k.eq_ignore_ascii_case("User-Agent") && e.user_agent.is_none() {
                e.user_agent = Some(v.clone());
            }
            if k.eq_ignore_ascii_case("AppId") && e.app_id.is_none() {
                e.app_id = Some(v.to_ascii_lowercase());
            }
            e.params.push((k, v));
        }
    }
}

/// One target resource, with its modified properties.
fn target(t: &Value) -> Target {
    let mut out = Target {
        kind: text_at(t, &["type"]),
        id: text_at(t, &["id"]).map(|s| s.to_ascii_lowercase()),
        upn: text_at(t, &["userPrincipalName"]).map(|s| s.to_lowercase()),
        name: text_at(t, &["displayName"]),
        modified: Vec::new(),
    };
    if let Some(Value::Array(mods)) = at(t, &["modifiedProperties"]) {
        for m in mods {
            let Some(name) = text_at(m, &["displayName"]) else { continue };
            out.modified.push(ModifiedProperty {
                name,
                old: at(m, &["oldValue"]).and_then(|v| scalar_text(v).or_else(|| any_text(v))),
                new: at(m, &["newValue"]).and_then(|v| scalar_text(v).or_else(|| any_text(v))),
            });
        }
    }
    out
}
