//! Analytic metadata (`assets/analytics/<id>.toml`) and the per-case parameter overrides of `case.toml`.

use super::suppress_spec::SuppressSpec;
use super::AnalyticsError;
use crate::config::CaseConfig;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A parameter value. The type of the default fixes the type an override must have.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
    List(Vec<String>),
}

impl ParamValue {
    fn type_name(&self) -> &'static str {
        match self {
            ParamValue::Int(_) => "integer",
            ParamValue::Float(_) => "number",
            ParamValue::Bool(_) => "boolean",
            ParamValue::Text(_) => "string",
            ParamValue::List(_) => "list of strings",
        }
    }

    fn from_toml(v: &toml::Value) -> Option<ParamValue> {
        Some(match v {
            toml::Value::Integer(i) => ParamValue::Int(*i),
            toml::Value::Float(f) => ParamValue::Float(*f),
            toml::Value::Boolean(b) => ParamValue::Bool(*b),
            toml::Value::String(s) => ParamValue::Text(s.clone()),
            toml::Value::Array(a) => {
                ParamValue::List(a.iter().map(|x| x.as_str().map(str::to_string)).collect::<Option<Vec<_>>>()?)
            }
            _ => return None,
        })
    }

    /// Converts an override to the type of `self` (the default), or says what it got.
    fn coerce(&self, v: &toml::Value) -> Result<ParamValue, String> {
        let got = match v {
            toml::Value::Integer(_) => "integer",
            toml::Value::Float(_) => "number",
            toml::Value::Boolean(_) => "boolean",
            toml::Value::String(_) => "string",
            toml::Value::Array(_) => "array",
            toml::Value::Table(_) => "table",
            toml::Value::Datetime(_) => "datetime",
        };
        match (self, v) {
            (ParamValue::Int(_), toml::Value::Integer(i)) if *i >= 0 => Ok(ParamValue::Int(*i)),
            (ParamValue::Int(_), toml::Value::Integer(_)) => Err("a negative integer".into()),
            (ParamValue::Float(_), toml::Value::Float(f)) if f.is_finite() && *f >= 0.0 => Ok(ParamValue::Float(*f)),
            (ParamValue::Float(_), toml::Value::Integer(i)) if *i >= 0 => Ok(ParamValue::Float(*i as f64)),
            (ParamValue::Bool(_), toml::Value::Boolean(b)) => Ok(ParamValue::Bool(*b)),
            (ParamValue::Text(_), toml::Value::String(s)) => Ok(ParamValue::Text(s.clone())),
            (ParamValue::List(_), toml::Value::Array(_)) => {
                ParamValue::from_toml(v).ok_or_else(|| "an array with non-string items".to_string())
            }
            _ => Err(got.to_string()),
        }
    }
}

/// One tunable of an analytic: the ATT&CK "mutable element" or a threshold, with its default and meaning.
#[derive(Debug, Clone, Serialize)]
pub struct ParamDef {
    pub name: String,
    pub default: ParamValue,
    pub meaning: String,
}

/// ATT&CK identifiers of an analytic.
#[derive(Debug, Clone, Serialize)]
pub struct AttackIds {
    pub analytic: String,
    pub analytic_stix_id: String,
    pub detection_strategy: String,
    pub detection_strategy_name: String,
    pub techniques: Vec<String>,
}

/// Everything `assets/analytics/<id>.toml` says about one analytic.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyticMeta {
    pub id: String,
    pub title: String,
    /// The group the detection belongs to (`attack`, `mail`, `identity`, `sign-in`), for the benchmark's figures
    /// per family and for listing detections together.
    pub family: String,
    pub description: String,
    pub attack: AttackIds,
    /// Log sources the analytic cannot work without (any one of them), by `Source` name.
    pub sources_needed: Vec<String>,
    /// Log sources that add context or follow-on evidence.
    pub sources_optional: Vec<String>,
    /// Operations (lower-case, no trailing full stop) whose whole records the detection reads, on top of the
    /// catalogue's grant and trust lists.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<String>,
    /// Log sources the analytic falls back on when every needed one is missing (less precise, never blind).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources_fallback: Vec<String>,
    pub params: Vec<ParamDef>,
    /// Which allow list `harrier suppress` adds an alert's actor, app, domain or address to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppress: Option<SuppressSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MetaFile {
    id: String,
    title: String,
    family: String,
    description: String,
    attack: AttackFile,
    sources: SourcesFile,
    #[serde(default)]
    records: RecordsFile,
    params: toml::Table,
    #[serde(default)]
    suppress: Option<SuppressSpec>,
}

/// `[records]`: which whole audit records the detection needs kept.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RecordsFile {
    #[serde(default)]
    operations: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AttackFile {
    /// The ATT&CK analytic, strategy and their ids: only the detections built from one have them.
    #[serde(default)]
    analytic: String,
    #[serde(default)]
    analytic_stix_id: String,
    #[serde(default)]
    detection_strategy: String,
    #[serde(default)]
    detection_strategy_name: String,
    techniques: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    needed: Vec<String>,
    #[serde(default)]
    optional: Vec<String>,
    #[serde(default)]
    fallback: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamFile {
    default: toml::Value,
    meaning: String,
}

/// The detection families, in the order the benchmark lists them.
pub const FAMILIES: [&str; 4] = ["attack", "mail", "identity", "sign-in"];

fn parse_meta(file_id: &str, text: &str) -> Result<AnalyticMeta, String> {
    let f: MetaFile = toml::from_str(text).map_err(|e| format!("assets/analytics/{file_id}.toml: {}", e.message()))?;
    if !FAMILIES.contains(&f.family.as_str()) {
        return Err(format!("assets/analytics/{file_id}.toml: family '{}' is not one of {FAMILIES:?}", f.family));
    }
    if f.id != file_id {
        return Err(format!("assets/analytics/{file_id}.toml: id is '{}'", f.id));
    }
    let mut params = Vec::new();
    for (name, v) in f.params {
        let p: ParamFile = v
            .try_into()
            .map_err(|e: toml::de::Error| format!("assets/analytics/{file_id}.toml: param {name}: {}", e.message()))?;
        let default = ParamValue::from_toml(&p.default)
            .ok_or_else(|| format!("assets/analytics/{file_id}.toml: param {name}: unsupported default"))?;
        params.push(ParamDef { name, default, meaning: p.meaning });
    }
    for t in f.suppress.iter().flat_map(|s| &s.add) {
        let own = t.list.starts_with("allow.") || params.iter().any(|p| p.name == t.list);
        if !own {
            return Err(format!("assets/analytics/{file_id}.toml: [suppress] names {}, not a parameter", t.list));
        }
    }
    Ok(AnalyticMeta {
        id: f.id,
        title: f.title,
        family: f.family,
        description: f.description.trim().to_string(),
        attack: AttackIds {
            analytic: f.attack.analytic,
            analytic_stix_id: f.attack.analytic_stix_id,
            detection_strategy: f.attack.detection_strategy,
            detection_strategy_name: f.attack.detection_strategy_name,
            techniques: f.attack.techniques,
        },
        sources_needed: f.sources.needed,
        sources_optional: f.sources.optional,
        sources_fallback: f.sources.fallback,
        operations: f.records.operations.iter().map(|o| o.trim().trim_end_matches('.').to_ascii_lowercase()).collect(),
        params,
        suppress: f.suppress,
    })
}

fn all_meta() -> &'static Result<Vec<AnalyticMeta>, String> {
    static META: OnceLock<Result<Vec<AnalyticMeta>, String>> = OnceLock::new();
    META.get_or_init(|| super::registry::all().iter().map(|d| parse_meta(d.id(), d.metadata_text())).collect())
}

/// The metadata of every registered detection, in the order they run.
pub fn metadata() -> Result<&'static [AnalyticMeta], AnalyticsError> {
    all_meta().as_ref().map(|v| v.as_slice()).map_err(|e| AnalyticsError::Metadata(e.clone()))
}

/// The metadata of one analytic (id case-insensitive).
pub fn meta(id: &str) -> Option<&'static AnalyticMeta> {
    metadata().ok()?.iter().find(|m| m.id.eq_ignore_ascii_case(id))
}

/// The effective parameters of one analytic: defaults with the case's overrides applied.
#[derive(Debug, Clone, Serialize)]
pub struct Params {
    pub analytic: String,
    values: BTreeMap<String, ParamValue>,
    /// Names the case overrode, for the record in coverage.
    pub overridden: Vec<String>,
}

impl Params {
    /// The defaults of an analytic.
    pub fn defaults(meta: &AnalyticMeta) -> Params {
        Params {
            analytic: meta.id.clone(),
            values: meta.params.iter().map(|p| (p.name.clone(), p.default.clone())).collect(),
            overridden: Vec::new(),
        }
    }

    /// Applies `[analytics.<id>]` overrides; an unknown name or a wrong type is an error naming both.
    pub fn apply(&mut self, table: &toml::Table) -> Result<(), AnalyticsError> {
        for (name, v) in table {
            let Some(current) = self.values.get(name) else {
                let mut known: Vec<&str> = self.values.keys().map(|s| s.as_str()).collect();
                known.sort();
                return Err(AnalyticsError::UnknownParameter {
                    analytic: self.analytic.clone(),
                    param: name.clone(),
                    known: known.join(", "),
                });
            };
            let value = current.coerce(v).map_err(|found| AnalyticsError::WrongType {
                analytic: self.analytic.clone(),
                param: name.clone(),
                expected: current.type_name(),
                found,
            })?;
            self.values.insert(name.clone(), value);
            self.overridden.push(name.clone());
        }
        Ok(())
    }

    fn get(&self, name: &str) -> Option<&ParamValue> {
        self.values.get(name)
    }

    /// An integer parameter (0 when the metadata lacks it; a unit test keeps code and metadata in step).
    pub fn int(&self, name: &str) -> i64 {
        match self.get(name) {
            Some(ParamValue::Int(i)) => *i,
            Some(ParamValue::Float(f)) => *f as i64,
            _ => 0,
        }
    }

    /// A number parameter.
    pub fn float(&self, name: &str) -> f64 {
        match self.get(name) {
            Some(ParamValue::Float(f)) => *f,
            Some(ParamValue::Int(i)) => *i as f64,
            _ => 0.0,
        }
    }

    /// A boolean parameter.
    pub fn flag(&self, name: &str) -> bool {
        matches!(self.get(name), Some(ParamValue::Bool(true)))
    }

    /// A string parameter.
    pub fn text(&self, name: &str) -> &str {
        match self.get(name) {
            Some(ParamValue::Text(s)) => s,
            _ => "",
        }
    }

    /// A list parameter.
    /// A list parameter trimmed and in ASCII lower case, for comparing with lower-cased record values.
    pub fn lower(&self, name: &str) -> Vec<String> {
        self.list(name).iter().map(|s| s.trim().to_ascii_lowercase()).collect()
    }

    pub fn list(&self, name: &str) -> &[String] {
        match self.get(name) {
            Some(ParamValue::List(v)) => v,
            _ => &[],
        }
    }

    /// True when the metadata declares `name`.
    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// All effective values, for the record.
    pub fn values(&self) -> &BTreeMap<String, ParamValue> {
        &self.values
    }
}

/// Resolves the parameters of every analytic from the case config. Unknown analytic ids are errors too.
pub fn resolve(config: &CaseConfig) -> Result<BTreeMap<String, Params>, AnalyticsError> {
    let metas = metadata()?;
    for id in config.analytics.keys() {
        if !metas.iter().any(|m| m.id == *id) {
            return Err(AnalyticsError::UnknownAnalytic(id.clone()));
        }
    }
    let mut out = BTreeMap::new();
    for m in metas {
        let mut p = Params::defaults(m);
        if let Some(table) = config.analytics.get(&m.id) {
            p.apply(table)?;
        }
        out.insert(m.id.clone(), p);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_metadata_parses_with_attack_ids() {
        let metas = metadata().unwrap();
        assert_eq!(metas.len(), super::super::registry::all().len());
        for m in metas {
            // Only the detections built from an ATT&CK analytic carry its strategy and STIX ids.
            if !m.attack.analytic.is_empty() {
                assert!(m.attack.detection_strategy.starts_with("DET"), "{}", m.id);
                assert!(m.attack.analytic_stix_id.starts_with("x-mitre-analytic--"), "{}", m.id);
            }
            assert!(!m.attack.techniques.is_empty(), "{}", m.id);
            assert!(m.attack.techniques.iter().all(|t| t.starts_with('T')), "{}", m.id);
            assert!(!m.params.is_empty() && !m.sources_needed.is_empty(), "{}", m.id);
            for s in m.sources_needed.iter().chain(&m.sources_optional).chain(&m.sources_fallback) {
                assert!(s.parse::<crate::model::Source>().is_ok(), "{}: source {s}", m.id);
            }
            for p in &m.params {
                assert!(!p.meaning.is_empty(), "{}: {}", m.id, p.name);
            }
        }
        assert_eq!(meta("an1089").unwrap().attack.techniques, vec!["T1087.004"]);
    }

    #[test]
    fn overrides_apply_and_are_checked() {
        let cfg = CaseConfig::parse("[analytics.AN1089]\npage_threshold = 5\n", "case.toml").unwrap();
        let p = resolve(&cfg).unwrap();
        assert_eq!(p["AN1089"].int("page_threshold"), 5);
        assert_eq!(p["AN1089"].overridden, vec!["page_threshold"]);
        assert_eq!(p["AN0534"].int("lookback_days"), 30);

        let cfg = CaseConfig::parse("[analytics.AN1089]\npage_treshold = 5\n", "case.toml").unwrap();
        let e = resolve(&cfg).unwrap_err().to_string();
        assert!(e.contains("AN1089") && e.contains("page_treshold"), "{e}");

        let cfg = CaseConfig::parse("[analytics.AN1089]\npage_threshold = \"many\"\n", "case.toml").unwrap();
        let e = resolve(&cfg).unwrap_err().to_string();
        assert!(e.contains("AN1089") && e.contains("page_threshold") && e.contains("integer"), "{e}");

        let cfg = CaseConfig::parse("[analytics.AN9999]\nx = 1\n", "case.toml").unwrap();
        assert!(resolve(&cfg).unwrap_err().to_string().contains("AN9999"));

        let cfg = CaseConfig::parse("[analytics.AN1107]\nhour_bucket_min_share = 1\n", "case.toml").unwrap();
        assert_eq!(resolve(&cfg).unwrap()["AN1107"].float("hour_bucket_min_share"), 1.0);
    }
}
