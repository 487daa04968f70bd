//! The field mapping (`assets/sigma/fields.toml`): which part of a harrier record answers a Sigma field name.

use super::SigmaError;
use crate::model::{Event, Source};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

const FIELDS: &str = include_str!("../../../assets/sigma/fields.toml");

/// One place in a harrier record a rule's field can be read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Path {
    Operation,
    Result,
    ResultTitle,
    ResultDetail,
    ErrorCode,
    Workload,
    Actor,
    ActorUpn,
    ActorId,
    ActorName,
    AppId,
    AppName,
    ResourceId,
    ResourceName,
    TenantId,
    HomeTenant,
    Ip,
    Country,
    City,
    UserAgent,
    SessionId,
    CorrelationId,
    DeviceId,
    DeviceCompliant,
    DeviceManaged,
    ClientApp,
    AuthRequirement,
    AuthProtocol,
    RiskState,
    RiskLevel,
    RiskEventTypes,
    StatusDetail,
    Targets,
    TargetIds,
    TargetTypes,
    ModifiedNames,
    ModifiedNew,
    ModifiedOld,
    Params,
    Param(String),
}

impl Path {
    fn parse(s: &str) -> Option<Path> {
        if let Some(name) = s.strip_prefix("param:") {
            return Some(Path::Param(name.to_string()));
        }
        Some(match s {
            "operation" => Path::Operation,
            "result" => Path::Result,
            "result_title" => Path::ResultTitle,
            "result_detail" => Path::ResultDetail,
            "error_code" => Path::ErrorCode,
            "workload" => Path::Workload,
            "actor" => Path::Actor,
            "actor_upn" => Path::ActorUpn,
            "actor_id" => Path::ActorId,
            "actor_name" => Path::ActorName,
            "app_id" => Path::AppId,
            "app_name" => Path::AppName,
            "resource_id" => Path::ResourceId,
            "resource_name" => Path::ResourceName,
            "tenant_id" => Path::TenantId,
            "home_tenant" => Path::HomeTenant,
            "ip" => Path::Ip,
            "country" => Path::Country,
            "city" => Path::City,
            "user_agent" => Path::UserAgent,
            "session_id" => Path::SessionId,
            "correlation_id" => Path::CorrelationId,
            "device_id" => Path::DeviceId,
            "device_compliant" => Path::DeviceCompliant,
            "device_managed" => Path::DeviceManaged,
            "client_app" => Path::ClientApp,
            "auth_requirement" => Path::AuthRequirement,
            "auth_protocol" => Path::AuthProtocol,
            "risk_state" => Path::RiskState,
            "risk_level" => Path::RiskLevel,
            "risk_event_types" => Path::RiskEventTypes,
            "status_detail" => Path::StatusDetail,
            "targets" => Path::Targets,
            "target_ids" => Path::TargetIds,
            "target_types" => Path::TargetTypes,
            "modified_names" => Path::ModifiedNames,
            "modified_new" => Path::ModifiedNew,
            "modified_old" => Path::ModifiedOld,
            "params" => Path::Params,
            _ => return None,
        })
    }
}

#[derive(Deserialize)]
struct FieldsFile {
    fields: BTreeMap<String, Vec<String>>,
}

/// Sigma field name → the record paths that answer it, first found wins.
#[derive(Debug, Clone, Default)]
pub struct FieldMap {
    exact: HashMap<String, Vec<Path>>,
    folded: HashMap<String, Vec<Path>>,
}

impl FieldMap {
    /// The mapping shipped in `assets/sigma/fields.toml`.
    pub fn builtin() -> Result<FieldMap, SigmaError> {
        let file: FieldsFile = toml::from_str(FIELDS).map_err(|e| SigmaError::Asset(format!("fields.toml: {e}")))?;
        let mut map = FieldMap::default();
        for (name, paths) in file.fields {
            let mut parsed = Vec::new();
            for p in &paths {
                parsed.push(
                    Path::parse(p)
                        .ok_or_else(|| SigmaError::Asset(format!("fields.toml: {name}: unknown path '{p}'")))?,
                );
            }
            map.folded.insert(name.to_ascii_lowercase(), parsed.clone());
            map.exact.insert(name, parsed);
        }
        Ok(map)
    }

    /// The paths for a field name as a rule spells it; `None` when the mapping does not list it.
    pub fn paths(&self, name: &str) -> Option<&[Path]> {
        if let Some(p) = self.exact.get(name) {
            return Some(p);
        }
        self.folded.get(&name.to_ascii_lowercase()).map(Vec::as_slice)
    }

    /// Whether the mapping lists the field.
    pub fn knows(&self, name: &str) -> bool {
        self.paths(name).is_some()
    }

    /// Adds the rules' own spellings so that lookups while evaluating need no case folding.
    pub fn learn<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        for n in names {
            if !self.exact.contains_key(n) {
                if let Some(p) = self.folded.get(&n.to_ascii_lowercase()).cloned() {
                    self.exact.insert(n.to_string(), p);
                }
            }
        }
    }
}

/// The UAL workload a source stands for, as `Workload` and the alert policies' `eventSource` spell it.
pub fn workload(source: Option<Source>) -> Option<&'static str> {
    Some(match source? {
        Source::UalExchange => "Exchange",
        Source::UalSharepoint => "SharePoint",
        Source::UalAzureAd | Source::EntraAudit => "AzureActiveDirectory",
        Source::UalTeams => "MicrosoftTeams",
        _ => return None,
    })
}

/// Whether the event has anything at a path (used by `harrier rules list` to say which fields a case lacks).
pub fn present(ev: &Event, path: &Path) -> bool {
    super::view::value_at(ev, path).is_some()
}
