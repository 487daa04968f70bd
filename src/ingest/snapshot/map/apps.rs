//! App permissions and consents, and security alerts.

use super::super::address::user_names;
use super::super::fields::Fields;
use crate::facts::{AppPermission, SecurityAlert};

/// Most permissions one grant record may list (a scope string splits into one fact each).
const MAX_SCOPES: usize = 500;

/// The permissions one record grants: one, or one per scope of a grant's space-separated `scope`.
pub(super) fn permissions(f: &Fields) -> Result<Vec<AppPermission>, String> {
    let (app_id, client_object_id) = (f.lower("app_id"), f.lower("client_object_id"));
    if app_id.is_none() && client_object_id.is_none() {
        return Err(format!("{} is empty", f.shape.columns("client_object_id").first().map_or("client", |c| c)));
    }
    let base = AppPermission {
        app_id,
        client_object_id,
        app_name: f.text("app_name"),
        permission_type: f.require("permission_type")?,
        permission: String::new(),
        resource: f.text("resource"),
        consent_type: f.text("consent_type"),
        principal_id: f.lower("principal_id"),
        principal_name: f.text("principal_name"),
        publisher: f.text("publisher"),
    };
    let scopes: Vec<String> = match f.text("scopes") {
        Some(s) => s.split_whitespace().take(MAX_SCOPES).map(str::to_string).collect(),
        None => vec![f.require("permission")?],
    };
    Ok(scopes.into_iter().map(|permission| AppPermission { permission, ..base.clone() }).collect())
}

/// One security alert, with the users it names.
pub(super) fn alert(f: &Fields) -> Result<SecurityAlert, String> {
    let mut users: Vec<String> = f
        .shape
        .columns("users")
        .iter()
        .filter_map(|c| f.row.get(&c.to_lowercase()))
        .flat_map(|v| user_names(&v))
        .collect();
    users.sort();
    users.dedup();
    Ok(SecurityAlert {
        id: f.require("id")?,
        title: f.require("title")?,
        category: f.text("category"),
        severity: f.text("severity").unwrap_or_default(),
        status: f.text("status").unwrap_or_default(),
        created: f.time("created")?,
        event_at: f.time("event_at")?,
        last_modified: f.time("last_modified")?,
        provider: f.text("provider"),
        description: f.text("description"),
        users,
    })
}
