//! Closed vocabularies shared by ingest, the index, the analytics and the views.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Which log a record came from. Dedupe, baselines and coverage are all per source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    SigninInteractive,
    SigninNoninteractive,
    SigninSp,
    SigninMi,
    EntraAudit,
    UalExchange,
    UalSharepoint,
    /// Written `ual_azuread` everywhere (JSON, the index, queries); the older JSON spelling is still read.
    #[serde(rename = "ual_azuread", alias = "ual_azure_ad")]
    UalAzureAd,
    UalTeams,
    UalOther,
    Graph,
}

impl Source {
    /// Every source, in the order coverage tables list them.
    pub const ALL: [Source; 11] = [
        Source::SigninInteractive,
        Source::SigninNoninteractive,
        Source::SigninSp,
        Source::SigninMi,
        Source::EntraAudit,
        Source::UalExchange,
        Source::UalSharepoint,
        Source::UalAzureAd,
        Source::UalTeams,
        Source::UalOther,
        Source::Graph,
    ];

    /// The stable name used in the index, JSON output and queries (`source:graph`).
    pub fn as_str(self) -> &'static str {
        match self {
            Source::SigninInteractive => "signin_interactive",
            Source::SigninNoninteractive => "signin_noninteractive",
            Source::SigninSp => "signin_sp",
            Source::SigninMi => "signin_mi",
            Source::EntraAudit => "entra_audit",
            Source::UalExchange => "ual_exchange",
            Source::UalSharepoint => "ual_sharepoint",
            Source::UalAzureAd => "ual_azuread",
            Source::UalTeams => "ual_teams",
            Source::UalOther => "ual_other",
            Source::Graph => "graph",
        }
    }

    /// True for the four Entra sign-in logs.
    pub fn is_signin(self) -> bool {
        matches!(self, Source::SigninInteractive | Source::SigninNoninteractive | Source::SigninSp | Source::SigninMi)
    }

    /// True for Unified Audit Log workloads.
    pub fn is_ual(self) -> bool {
        matches!(
            self,
            Source::UalExchange | Source::UalSharepoint | Source::UalAzureAd | Source::UalTeams | Source::UalOther
        )
    }

    /// Short label for narrow table columns.
    pub fn short(self) -> &'static str {
        match self {
            Source::SigninInteractive => "signin",
            Source::SigninNoninteractive => "signin-ni",
            Source::SigninSp => "signin-sp",
            Source::SigninMi => "signin-mi",
            Source::EntraAudit => "audit",
            Source::UalExchange => "ual-exo",
            Source::UalSharepoint => "ual-spo",
            Source::UalAzureAd => "ual-aad",
            Source::UalTeams => "ual-teams",
            Source::UalOther => "ual",
            Source::Graph => "graph",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Source {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Source::ALL.iter().copied().find(|x| x.as_str() == s).ok_or_else(|| format!("unknown source '{s}'"))
    }
}

/// Who performed an action. Analytics treat each kind differently (system actors are suppressed, partners chained).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    #[default]
    User,
    Sp,
    Mi,
    Partner,
    System,
    Guest,
    Anonymous,
}

impl ActorKind {
    /// Stable name used in the index and in output.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::User => "user",
            ActorKind::Sp => "sp",
            ActorKind::Mi => "mi",
            ActorKind::Partner => "partner",
            ActorKind::System => "system",
            ActorKind::Guest => "guest",
            ActorKind::Anonymous => "anonymous",
        }
    }
}

impl fmt::Display for ActorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Outcome of the logged operation, as far as the source says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventResult {
    Success,
    Failure,
    #[default]
    Unknown,
}

impl EventResult {
    /// Stable name used in the index and in output.
    pub fn as_str(self) -> &'static str {
        match self {
            EventResult::Success => "success",
            EventResult::Failure => "failure",
            EventResult::Unknown => "unknown",
        }
    }
}

/// What kind of client a user-agent string belongs to (catalogue in `assets/useragents.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UaClass {
    Browser,
    OfficeClient,
    Mobile,
    Scripting,
    Powershell,
    Offensive,
    MicrosoftService,
    #[default]
    Empty,
    Other,
}

impl UaClass {
    /// Stable name used in the index and in output.
    pub fn as_str(self) -> &'static str {
        match self {
            UaClass::Browser => "browser",
            UaClass::OfficeClient => "office_client",
            UaClass::Mobile => "mobile",
            UaClass::Scripting => "scripting",
            UaClass::Powershell => "powershell",
            UaClass::Offensive => "offensive",
            UaClass::MicrosoftService => "microsoft_service",
            UaClass::Empty => "empty",
            UaClass::Other => "other",
        }
    }

    /// True for clients that are programs rather than people at a browser or Office app.
    pub fn is_scripted(self) -> bool {
        matches!(self, UaClass::Scripting | UaClass::Powershell | UaClass::Offensive)
    }
}

impl FromStr for UaClass {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "browser" => UaClass::Browser,
            "office_client" => UaClass::OfficeClient,
            "mobile" => UaClass::Mobile,
            "scripting" => UaClass::Scripting,
            "powershell" => UaClass::Powershell,
            "offensive" => UaClass::Offensive,
            "microsoft_service" => UaClass::MicrosoftService,
            "empty" => UaClass::Empty,
            "other" => UaClass::Other,
            _ => return Err(format!("unknown user-agent class '{s}'")),
        })
    }
}

/// Alert severity, ordered so that `>=` means "at least as severe".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(Severity::Low),
            "medium" | "med" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" | "crit" => Ok(Severity::Critical),
            _ => Err(format!("unknown severity '{s}' (low, medium, high, critical)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source has one name: JSON, the index and the query language agree on it.
    #[test]
    fn every_source_serializes_as_its_query_name() {
        for s in Source::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.as_str()), "{s:?}");
            assert_eq!(s.as_str().parse::<Source>(), Ok(s));
        }
        assert_eq!(serde_json::from_str::<Source>("\"ual_azure_ad\"").unwrap(), Source::UalAzureAd);
    }
}
