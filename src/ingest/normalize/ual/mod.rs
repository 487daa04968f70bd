//! Unified Audit Log records: Management Activity API JSON, Purview / PowerShell CSV (`AuditData` column),
//! Graph audit-log query results (`auditData`), and Log Analytics `OfficeActivity` rows.

mod exchange;
mod record;

use super::fields::Rec;
use super::lazy::{FieldValue, LazyMap, ObjectError};
use super::{clip, required_time, Normalized, Reject};
use record::from_record;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::normalize::TimeAssumption;
    use crate::model::{ActorKind, Source};
    use serde_json::json;

    #[test]
    fn an_entra_record_pairs_the_users_object_id_with_the_upn() {
        let v = json!({
            "CreationTime": "2025-03-04T10:11:12", "Id": "login-1", "Operation": "UserLoggedIn",
            "RecordType": 15, "Workload": "AzureActiveDirectory", "UserId": "Dana@Contoso.com", "UserType": 0,
            "UserKey": "10032001A2B3C4D5", "ClientIP": "198.51.100.7",
            "Actor": [{"ID": "5C3E1F0A-2B4D-4E6F-8A9B-0C1D2E3F4A5B", "Type": 0}, {"ID": "Dana@Contoso.com", "Type": 5}]
        });
        let text = v.to_string();
        let e = normalize_any(&LazyMap::from_json_str(&text).unwrap()).unwrap().event;
        assert_eq!(e.actor.id.as_deref(), Some("5c3e1f0a-2b4d-4e6f-8a9b-0c1d2e3f4a5b"));
        let mut learned = crate::enrich::learned::Learned::default();
        learned.learn(&e);
        let mut graph_row = crate::model::Event::default();
        graph_row.actor.id = Some("5c3e1f0a-2b4d-4e6f-8a9b-0c1d2e3f4a5b".into());
        learned.apply(&mut graph_row);
        assert_eq!(graph_row.actor.upn.as_deref(), Some("dana@contoso.com"));
    }

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
