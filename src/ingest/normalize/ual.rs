//! Unified Audit Log records: Management Activity API JSON, Purview / PowerShell CSV (`AuditData` column),
//! Graph audit-log query results (`auditData`), and Log Analytics `OfficeActivity` rows.

use super::actor::{from_ual_user_type, from_user_id};
use super::fields::{any_text, name_values, scalar_text, text_at, Rec};
use super::lazy::{FieldValue, LazyMap, ObjectError};
use super::outcome::outcomes;
use super::{clip, lower_id, required_time, Normalized, Reject, TimeAssumption};
use crate::enrich::ip::parse_ip;
use crate::model::mailbox;
use crate::model::{ActorKind, Event, EventResult, MailboxAccess, ModifiedProperty, SignInInfo, Source, Target};
use serde_json::Value;

/// Normalizes a UAL record in any of its containers.
pub fn normalize_any(map: &LazyMap) -> Result<Normalized, Reject> {
    let outer = Rec::new(map);
    if let Some(ad) = map.get("AuditData") {
        // The record itself (a JSON export), or a CSV cell or JSON string holding it.
        let text;
        let parsed;
        let inner: &LazyMap = match ad {
            FieldValue::Object(m) => m,
            other => {
                text = match other.as_text() {
                    Some(t) if !t.trim().is_empty() => t,
                    _ => return Err(Reject("AuditData column is empty".into())),
                };
                parsed = match LazyMap::from_json_str(&text) {
                    Ok(m) => m,
                    Err(ObjectError::NotObject(_)) => return Err(Reject("AuditData is not a JSON object".into())),
                    Err(ObjectError::Syntax(e)) => {
                        return Err(Reject(format!("AuditData column is not valid JSON ({e}): {}", clip(&text, 80))))
                    }
                };
                &parsed
            }
        };
        let mut n = from_record(Rec::new(inner), true)?;
        if n.event.ts.is_none() {
            let (ts, a) = required_time(&outer, &["CreationDate"], false)?;
            n.event.ts = ts;
            n.assumption = a;
        }
        if n.native_id.is_none() {
            n.native_id = outer.text(&["RecordId", "Identity"]);
            n.event.id = n.native_id.clone().unwrap_or_default();
        }
        return Ok(n);
    }
    if let Some(obj) = map.nested("auditData") {
        let mut n = from_record(Rec::new(&obj), true)?;
        if n.event.ts.is_none() {
            (n.event.ts, n.assumption) = required_time(&outer, &["createdDateTime"], false)?;
        }
        if n.native_id.is_none() {
            n.native_id = outer.text(&["id"]);
            n.event.id = n.native_id.clone().unwrap_or_default();
        }
        return Ok(n);
    }
    from_record(outer, true)
}

/// Normalizes a Log Analytics `OfficeActivity` row (session and token ids are not kept by that table).
pub fn normalize_office_activity(map: &LazyMap) -> Result<Normalized, Reject> {
    from_record(Rec::new(map), false)
}

fn source_for(workload: &str, record_type: &str) -> Source {
    let w = workload.to_ascii_lowercase();
    let rt = record_type.to_ascii_lowercase();
    if w == "exchange" || rt.starts_with("exchange") || matches!(rt.as_str(), "1" | "2" | "3" | "50") {
        Source::UalExchange
    } else if w == "sharepoint"
        || w == "onedrive"
        || rt.starts_with("sharepoint")
        || matches!(rt.as_str(), "4" | "6" | "14")
    {
        Source::UalSharepoint
    } else if w == "azureactivedirectory"
        || rt.starts_with("azureactivedirectory")
        || matches!(rt.as_str(), "8" | "9" | "15")
    {
        Source::UalAzureAd
    } else if w == "microsoftteams" || rt.starts_with("microsoftteams") || rt == "25" {
        Source::UalTeams
    } else {
        Source::UalOther
    }
}

fn from_record(r: Rec, documented_utc: bool) -> Result<Normalized, Reject> {
    let (ts, assumption) = match r.text(&["CreationTime"]) {
        Some(_) => required_time(&r, &["CreationTime"], documented_utc)?,
        None => {
            let (t, _) = required_time(&r, &["TimeGenerated", "Start_Time", "ElevationTime"], true)?;
            (t, TimeAssumption::None)
        }
    };
    let operation = r
        .text(&["Operation", "Operations"])
        .ok_or_else(|| Reject("UAL record has no Operation".into()))?
        .trim_end()
        .to_string();
    let native_id = r.text(&["Id", "OfficeId", "SourceRecordId"]);
    let workload = r.text(&["Workload", "OfficeWorkload"]).unwrap_or_default();
    let record_type = r.text(&["RecordType"]).unwrap_or_default();
    let source = source_for(&workload, &record_type);
    let mut e =
        Event { id: native_id.clone().unwrap_or_default(), ts, source: Some(source), operation, ..Event::default() };
    e.tenant_id = lower_id(r.text(&["OrganizationId"]));
    let rules = &outcomes().ual;
    let field = |f: &str| r.text(&[f]);
    e.result = rules.judge(&e.operation, &field);
    if e.result == EventResult::Failure {
        e.result_detail = rules.detail(&field);
    }
    if matches!(e.operation.as_str(), "UserLoggedIn" | "UserLoginFailed") {
        // The UAL's copy of a sign-in keeps the Entra error code in ErrorNumber (0 for success).
        let code = r.int(&["ErrorNumber", "ErrorCode"]);
        if code.is_some() {
            e.signin = Some(SignInInfo { error_code: code, ..SignInInfo::default() });
        }
    }

    // Actor
    let user_id = r.text(&["UserId", "UserIds"]);
    e.actor.id = lower_id(r.text(&["UserKey"]));
    let mut kind = r.text(&["UserType"]).as_deref().and_then(from_ual_user_type).unwrap_or(ActorKind::User);
    if let Some(k) = user_id.as_deref().and_then(from_user_id) {
        kind = k;
    }
    e.actor.kind = kind;
    e.actor.upn = user_id.map(|u| u.to_lowercase());
    if kind == ActorKind::System || kind == ActorKind::Anonymous {
        e.actor.display_name = r.text(&["UserId"]);
    }

    // Network
    let ip = r.text(&["ClientIP", "ClientIPAddress", "Client_IPAddress", "ActorIpAddress", "ClientIP_"]);
    if let Some((ip, port)) = ip.as_deref().and_then(parse_ip) {
        e.net.ip = Some(ip);
        e.net.port = port;
    }

    // Apps, sessions, tokens
    let ctx = r.object(&["AppAccessContext"]);
    e.app_id = lower_id(
        r.text(&["AppId", "ApplicationId", "ClientAppId", "AzureADAppId"])
            .or_else(|| ctx.as_ref().and_then(|c| c.text("ClientAppId"))),
    );
    e.app_name = r
        .text(&["ApplicationDisplayName", "ClientAppName"])
        .or_else(|| ctx.as_ref().and_then(|c| c.text("ClientAppName")));
    e.session_id = lower_id(r.text(&["SessionId"]).or_else(|| ctx.as_ref().and_then(|c| c.text("AADSessionId"))));
    e.token_id = ctx.as_ref().and_then(|c| c.text("UniqueTokenId"));
    e.correlation_id = lower_id(
        ctx.as_ref().and_then(|c| c.text("CorrelationId")).or_else(|| r.text(&["InterSystemsId", "CorrelationId"])),
    );
    e.user_agent = r.text(&["UserAgent"]);
    e.device.id = lower_id(r.text(&["DeviceId"]));

    // Name/value lists
    for key in ["Parameters", "OperationProperties", "ExtendedProperties", "DeviceProperties"] {
        if let Some(list) = r.structured(&[key]) {
            for (k, v) in name_values(&list) {
                match k.as_str() {
                    "SessionId" if e.session_id.is_none() => e.session_id = Some(v.to_ascii_lowercase()),
                    "UserAgent" if e.user_agent.is_none() => e.user_agent = Some(v.clone()),
                    _ => {}
                }
                e.params.push((k, v));
            }
        }
    }
    if let Some(ids) = r.text(&["ApplicationId"]) {
        if e.app_id.is_none() {
            e.app_id = Some(ids.to_ascii_lowercase());
        }
    }

    // Targets
    let mut primary = Target {
        kind: r.text(&["ItemType"]),
        id: r.text(&["ObjectId", "OfficeObjectId"]),
        name: r.text(&["ModifiedObjectResolvedName", "SourceFileName", "TargetUserOrGroupName"]),
        ..Target::default()
    };
    if let Some(mods) = r.structured(&["ModifiedProperties"]) {
        if let Some(list) = mods.as_array() {
            for m in list {
                let Some(name) = text_at(m, &["Name"]) else { continue };
                primary.modified.push(ModifiedProperty {
                    name,
                    old: m.get("OldValue").and_then(|v| scalar_text(v).or_else(|| any_text(v))),
                    new: m.get("NewValue").and_then(|v| scalar_text(v).or_else(|| any_text(v))),
                });
            }
        }
    }
    if primary.id.is_some() || primary.name.is_some() || !primary.modified.is_empty() {
        e.targets.push(primary);
    }
    if let Some(list) = r.structured(&["Target"]) {
        for t in list.as_array().into_iter().flatten() {
            if let Some(id) = text_at(t, &["ID"]) {
                e.targets.push(Target {
                    id: Some(id.clone()),
                    kind: text_at(t, &["Type"]),
                    upn: id.contains('@').then(|| id.to_lowercase()),
                    ..Target::default()
                });
            }
        }
    }

    // Exchange mailbox and admin facts
    if source == Source::UalExchange {
        let owner = r.lower(&["MailboxOwnerUPN"]).or_else(|| {
            // Admin cmdlets name the mailbox in their Identity parameter.
            e.param("Identity").map(|s| s.to_lowercase()).or_else(|| {
                // Rule and mailbox cmdlets name the mailbox in the object path of what they changed.
                let path = r.text(&["ObjectId", "OfficeObjectId"]).filter(|o| mailbox::is_object_path(o))?;
                // Acting on one's own mailbox: the path's alias is the actor's, so the mailbox is the actor's address.
                let own = e
                    .actor
                    .upn
                    .as_deref()
                    .filter(|u| u.contains('@') && mailbox::alias_of(u) == mailbox::alias_of(&path));
                Some(own.map_or_else(|| path.to_lowercase(), str::to_string))
            })
        });
        let logon_type = r
            .int(&["LogonType", "Logon_Type"])
            .filter(|v| (0..=255).contains(v))
            .map(|v| v as u8)
            .or_else(|| r.text(&["Logon_Type"]).and_then(|s| logon_type_from_name(&s)));
        let mut item_count = r.int(&["OperationCount"]).map(|v| v.max(0) as u64);
        if let Some(folders) = r.structured(&["Folders"]) {
            let n: u64 = folders
                .as_array()
                .map(|fs| {
                    fs.iter()
                        .map(|f| f.get("FolderItems").and_then(Value::as_array).map_or(0, |a| a.len() as u64))
                        .sum()
                })
                .unwrap_or(0);
            if n > 0 {
                item_count = Some(item_count.unwrap_or(0).max(n));
            }
        }
        let client_info = r.text(&["ClientInfoString"]);
        if e.user_agent.is_none() {
            e.user_agent = client_info.clone();
        }
        let external = r.boolean(&["ExternalAccess"]);
        if owner.is_some() || logon_type.is_some() || item_count.is_some() || client_info.is_some() {
            e.mailbox =
                Some(MailboxAccess { mailbox: owner, logon_type, item_count, client_info, external_access: external });
        }
    }
    if e.session_id.as_deref() == Some("") {
        e.session_id = None;
    }
    Ok(Normalized { event: e, assumption, native_id })
}

fn logon_type_from_name(s: &str) -> Option<u8> {
    Some(match s.trim() {
        "Owner" => 0,
        "Admin" => 1,
        "Delegated" | "Delegate" => 2,
        "Transport" => 3,
        "SystemService" => 4,
        "BestAccess" => 5,
        "DelegatedAdmin" => 6,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exchange_mailbox_record_links_session_and_token() {
        let v = json!({
            "CreationTime": "2025-03-04T10:11:12", "Id": "abc", "Operation": "MailItemsAccessed",
            "RecordType": 50, "Workload": "Exchange", "UserId": "Partner@Contoso.com", "UserType": 9,
            "ClientIPAddress": "[2001:db8::5]:4431", "MailboxOwnerUPN": "CFO@Northwind.example", "LogonType": 6,
            "SessionId": "S-1", "AppAccessContext": {"AADSessionId": "S-1", "UniqueTokenId": "tok1"},
            "OperationProperties": [{"Name": "MailAccessType", "Value": "Bind"}],
            "Folders": [{"Path": "\\Inbox", "FolderItems": [{"InternetMessageId": "<a>"}, {"InternetMessageId": "<b>"}]}]
        });
        let text = v.to_string();
        let n = normalize_any(&LazyMap::from_json_str(&text).unwrap()).unwrap();
        let e = n.event;
        assert_eq!(e.source, Some(Source::UalExchange));
        assert_eq!(e.actor.kind, ActorKind::Partner);
        assert_eq!(e.actor.upn.as_deref(), Some("partner@contoso.com"));
        assert_eq!(e.session_id.as_deref(), Some("s-1"));
        assert_eq!(e.token_id.as_deref(), Some("tok1"));
        assert_eq!(e.net.ip.unwrap().to_string(), "2001:db8::5");
        let mb = e.mailbox.unwrap();
        assert_eq!(mb.mailbox.as_deref(), Some("cfo@northwind.example"));
        assert_eq!(mb.logon_type, Some(6));
        assert_eq!(mb.item_count, Some(2));
        assert_eq!(n.assumption, TimeAssumption::None);
    }

    #[test]
    fn purview_csv_row_with_bad_audit_data_is_rejected() {
        let v = json!({"RecordId": "x", "CreationDate": "2025-01-01T00:00:00Z", "AuditData": "{not json"});
        let text = v.to_string();
        let err = normalize_any(&LazyMap::from_json_str(&text).unwrap()).err().unwrap();
        assert!(err.0.contains("AuditData"), "{}", err.0);
    }
}
