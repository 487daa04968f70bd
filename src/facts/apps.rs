//! App facts: the permissions granted to an app and who consented to them.

use serde::{Deserialize, Serialize};

/// One permission one app holds on one resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppPermission {
    /// The app (client) id, lower-case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The service principal's object id, lower-case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_object_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// `Delegated` (acts as a signed-in user) or `Application` (acts as itself).
    pub permission_type: String,
    /// The scope or app role, e.g. `Mail.Read`.
    pub permission: String,
    /// The API the permission is on, e.g. `Microsoft Graph`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// `AllPrincipals` (an admin consented for everyone) or `Principal` (one user consented for themselves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_type: Option<String>,
    /// The user a `Principal` consent is for, lower-case object id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
}

impl AppPermission {
    /// The app's best name: its display name, else its id.
    pub fn app_label(&self) -> &str {
        self.app_name.as_deref().or(self.app_id.as_deref()).or(self.client_object_id.as_deref()).unwrap_or("?")
    }

    /// True when `app` names this app: its app id, service principal id or display name (any case).
    pub fn is_app(&self, app: &str) -> bool {
        let app = app.trim();
        [&self.app_id, &self.client_object_id, &self.app_name]
            .into_iter()
            .flatten()
            .any(|v| v.eq_ignore_ascii_case(app))
    }

    /// Who the consent covers, in words.
    pub fn consent_summary(&self) -> String {
        match (self.consent_type.as_deref(), self.principal_name.as_deref().or(self.principal_id.as_deref())) {
            (Some(c), _) if c.eq_ignore_ascii_case("AllPrincipals") => "admin consent for all users".into(),
            (Some(_), Some(who)) | (None, Some(who)) => format!("consented by {who}"),
            (Some(c), None) => c.to_string(),
            (None, None) if self.permission_type.eq_ignore_ascii_case("Application") => "application permission".into(),
            (None, None) => String::new(),
        }
    }
}
