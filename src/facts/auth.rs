//! Authentication facts: whether a user has MFA registered and which sign-in methods they hold, as an MFA or
//! authentication-methods report recorded them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One user's MFA state and registered methods, from one report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthMethods {
    /// The user as the report names them, lower-case.
    pub upn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Which report states it (`registration details`, `methods`), so two reports about one user both stay.
    pub report: String,
    /// The report's own verdict: MFA registered (`isMfaRegistered`), or MFA status `Enabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_registered: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_capable: Option<bool>,
    /// The registered methods, as the report names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<String>,
    /// The method the user prefers for the second factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_admin: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<DateTime<Utc>>,
}

impl AuthMethods {
    /// True when the report says the user has no MFA method registered.
    pub fn without_mfa(&self) -> bool {
        self.mfa_registered == Some(false)
    }

    /// The state and methods in short words, e.g. `MFA registered · microsoftAuthenticatorPush, sms`.
    pub fn summary(&self) -> String {
        let state = match self.mfa_registered {
            Some(true) => "MFA registered",
            Some(false) => "no MFA registered",
            None => "MFA state not stated",
        };
        let methods = if self.methods.is_empty() { "no method listed".to_string() } else { self.methods.join(", ") };
        let mut text = format!("{state} · {methods}");
        if let Some(d) = &self.default_method {
            text.push_str(&format!(" · prefers {d}"));
        }
        text
    }
}
