//! `Event`: one normalized record, whatever log and export shape it came from.

use super::kinds::{ActorKind, EventResult, Source, UaClass};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// One normalized log record. Every source maps into this shape (field map in `reference/formats.md`),
/// so pivots, analytics and views never need to know which export a record came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Stable id: the record's native id where it has one, else a content hash.
    pub id: String,
    /// When it happened, in UTC. `None` only when the record carries no time at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ts: Option<DateTime<Utc>>,
    pub source: Option<Source>,
    /// Operation or activity name, trimmed (`MailItemsAccessed`, `Add service principal.`, `GET /users`).
    pub operation: String,
    #[serde(default)]
    pub result: EventResult,
    /// Error code or failure reason where the source gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_detail: Option<String>,
    #[serde(default)]
    pub actor: Actor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    #[serde(default)]
    pub net: Network,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(default)]
    pub ua_class: UaClass,
    #[serde(default, skip_serializing_if = "Device::is_empty")]
    pub device: Device,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// uniqueTokenIdentifier / AppAccessContext.UniqueTokenId / SignInActivityId.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signin: Option<SignInInfo>,
    /// `Parameters`, `ExtendedProperties`, `OperationProperties`, `AdditionalDetails`… as name → value, in record order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<GraphRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox: Option<MailboxAccess>,
    /// Where the record was read from.
    #[serde(default)]
    pub origin: Origin,
}

impl Event {
    /// The value of a named parameter, compared without regard to case.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The principal name to show for the actor: UPN, else display name, else object id.
    pub fn actor_label(&self) -> &str {
        self.actor.upn.as_deref().or(self.actor.display_name.as_deref()).or(self.actor.id.as_deref()).unwrap_or("")
    }

    /// The app to show: display name, else app id.
    pub fn app_label(&self) -> &str {
        self.app_name.as_deref().or(self.app_id.as_deref()).unwrap_or("")
    }

    /// The most telling target: mailbox, else first target's UPN or name.
    pub fn target_label(&self) -> String {
        if let Some(m) = self.mailbox.as_ref().and_then(|m| m.mailbox.as_deref()) {
            return m.to_string();
        }
        if let Some(t) = self.targets.first() {
            if let Some(s) = t.upn.as_deref().or(t.name.as_deref()).or(t.id.as_deref()) {
                return s.to_string();
            }
        }
        if let Some(h) = &self.http {
            return h.uri_template.clone().unwrap_or_default();
        }
        self.resource_name.clone().unwrap_or_default()
    }
}

/// Who acted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    /// Lower-cased UPN or mailbox-style name; for service principals their display name is in `display_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
    /// Object id (user id or service principal id), lower-case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default)]
    pub kind: ActorKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_tenant: Option<String>,
}

/// Where the request came from. Country, city and ASN come from the record or from enrichment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Network {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asn: Option<u32>,
    /// Latitude of the place the record (or a GeoIP database) locates the address at, in degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// Longitude of that place, in degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// The GeoIP database that gave the coordinates, when the record itself did not, so a finding can say how
    /// precisely it placed the address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub located_by: Option<String>,
}

/// The device the record names, if any.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Device {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliant: Option<bool>,
}

impl Device {
    /// True when no device field is known.
    pub fn is_empty(&self) -> bool {
        self == &Device::default()
    }
}

/// Sign-in specific facts the analytics reason about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SignInInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_tenant_access_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_app: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incoming_token_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<i64>,
    /// `riskLevelDuringSignIn` (`low`, `medium`, `high`); `none` is kept as absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_level: Option<String>,
    /// `riskLevelAggregated`: the user's risk with this sign-in counted; `none` is kept as absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_level_aggregated: Option<String>,
    /// `riskState` (`atRisk`, `confirmedCompromised`, `remediated`, `dismissed`, `confirmedSafe`); `none` is kept
    /// as absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_state: Option<String>,
    /// `riskDetail`: why the risk state is what it is (`userPassedMFADrivenByRiskBasedPolicy`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_detail: Option<String>,
    /// `riskEventTypes_v2` (or `riskEventTypes`): the Identity Protection detections on the sign-in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risk_event_types: Vec<String>,
    /// `status.additionalDetails`: what Entra adds to a failure (`MFA denied; user declined the authentication`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_detail: Option<String>,
    /// `authenticationRequirement` (`singleFactorAuthentication`, `multiFactorAuthentication`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_requirement: Option<String>,
    /// `originalTransferMethod` (`deviceCodeFlow`, `authenticationTransfer`): how the session was first obtained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_transfer_method: Option<String>,
    /// A person's sign-in whose record has none of Identity Protection's fields (the portal's CSV download leaves
    /// them out): its risk is unknown, which is not the same as none.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_risk_fields: bool,
}

/// One object an operation acted on, with the properties it changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Target {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modified: Vec<ModifiedProperty>,
}

/// A changed property: name, old value, new value, as the source wrote them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModifiedProperty {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
}

/// A Microsoft Graph request (Graph activity logs).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GraphRequest {
    pub method: String,
    pub uri: String,
    /// The URI with ids and query values replaced by placeholders (`/v1.0/users/{id}/messages`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri_template: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// Delegated scopes or application roles on the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<String>,
}

/// Mailbox access facts (Exchange mailbox audit).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MailboxAccess {
    /// Lower-cased owner address of the mailbox touched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox: Option<String>,
    /// 0 Owner, 1 Admin, 2 Delegated, 3 Transport, 4 SystemService, 5 BestAccess, 6 DelegatedAdmin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logon_type: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_info: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_access: Option<bool>,
}

/// Provenance: which file and which record in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Origin {
    /// Path relative to the case folder (`archive.zip!inner/file.json` inside archives).
    pub file: String,
    /// 1-based record number within the file.
    pub record: u64,
    /// 1-based line where the record starts, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}
