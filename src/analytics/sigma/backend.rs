//! The one file that knows the Sigma crates (`rsigma-parser`, `rsigma-eval`): parsing a rule file, filling in
//! placeholders, compiling rules and asking which of them match a record. Everything else in harrier speaks the
//! small types below, so moving to another version of the crates changes this file only.

use super::record::{FieldValue, Record};
use rsigma_eval::{CorrelationConfig, CorrelationEngine, Engine, Event, EventValue};
use rsigma_parser::{Detection, Modifier, SigmaCollection, SigmaRule, SigmaString, SigmaValue};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// What harrier reads from one rule document: identity, provenance and what it needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleInfo {
    pub id: String,
    pub title: String,
    pub author: String,
    pub level: String,
    pub status: String,
    pub references: Vec<String>,
    pub product: String,
    pub service: String,
    /// Field names the detection reads, as the rule spells them (`None` names, keyword lists, are left out).
    pub fields: Vec<String>,
    /// Whether the detection has a bare keyword list, matched against every value of a record.
    pub keywords: bool,
    /// `%name%` placeholders the rule needs and the case did not give.
    pub missing_placeholders: Vec<String>,
    /// Set on a correlation rule: the detection rules it counts.
    pub correlates: Option<Vec<String>>,
    /// ATT&CK technique ids from the `attack.tNNNN` tags.
    pub techniques: Vec<String>,
}

fn techniques(tags: &[String]) -> Vec<String> {
    tags.iter()
        .filter_map(|t| t.strip_prefix("attack.t").filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit())))
        .map(|rest| format!("T{}", rest.to_ascii_uppercase()))
        .collect()
}

/// One parsed rule file: its documents' descriptions and the compiled form, kept opaque.
#[derive(Debug, Clone)]
pub struct RuleFile {
    pub rules: Vec<RuleInfo>,
    collection: SigmaCollection,
}

impl RuleFile {
    /// The file with only the documents whose ids `keep` accepts.
    pub fn only(&self, keep: &dyn Fn(&str) -> bool) -> RuleFile {
        let mut collection = self.collection.clone();
        collection.rules.retain(|r| keep(r.id.as_deref().unwrap_or_default()));
        collection.correlations.retain(|c| keep(c.id.as_deref().unwrap_or_default()));
        RuleFile { rules: self.rules.iter().filter(|r| keep(&r.id)).cloned().collect(), collection }
    }

    /// Whether the file holds a correlation rule (its detections are then evaluated in time order).
    pub fn has_correlation(&self) -> bool {
        !self.collection.correlations.is_empty()
    }
}

/// Parses one rule file. A rule without an id gets one from `fallback_id` and its position, so that every alert
/// names its rule; placeholders are filled from `values` (rules needing others list them as missing).
pub fn parse_rule_file(
    text: &str,
    fallback_id: &str,
    values: &BTreeMap<String, Vec<String>>,
) -> Result<RuleFile, String> {
    let mut collection = rsigma_parser::parse_sigma_yaml(text).map_err(|e| e.to_string())?;
    if let Some(first) = collection.errors.first() {
        return Err(first.clone());
    }
    if collection.rules.is_empty() && collection.correlations.is_empty() {
        return Err("no detection or correlation rule in the file".into());
    }
    let mut rules = Vec::new();
    for (n, rule) in collection.rules.iter_mut().enumerate() {
        if rule.id.is_none() {
            rule.id = Some(format!("{fallback_id}#{n}"));
        }
        let missing = fill_placeholders(rule, values);
        rules.push(describe(rule, missing));
    }
    for (n, corr) in collection.correlations.iter_mut().enumerate() {
        if corr.id.is_none() {
            corr.id = Some(format!("{fallback_id}#c{n}"));
        }
        rules.push(RuleInfo {
            id: corr.id.clone().unwrap_or_default(),
            title: corr.title.clone(),
            author: corr.author.clone().unwrap_or_default(),
            level: corr.level.map(|l| l.as_str().to_string()).unwrap_or_default(),
            status: corr.status.map(|s| format!("{s:?}").to_ascii_lowercase()).unwrap_or_default(),
            references: corr.references.clone(),
            correlates: Some(corr.rules.clone()),
            techniques: techniques(&corr.tags),
            ..RuleInfo::default()
        });
    }
    Ok(RuleFile { rules, collection })
}

fn describe(rule: &SigmaRule, missing_placeholders: Vec<String>) -> RuleInfo {
    let mut fields = BTreeSet::new();
    let mut keywords = false;
    for det in rule.detection.named.values() {
        walk_fields(det, &mut fields, &mut keywords);
    }
    RuleInfo {
        id: rule.id.clone().unwrap_or_default(),
        title: rule.title.clone(),
        author: rule.author.clone().unwrap_or_default(),
        level: rule.level.map(|l| l.as_str().to_string()).unwrap_or_default(),
        status: rule.status.map(|s| format!("{s:?}").to_ascii_lowercase()).unwrap_or_default(),
        references: rule.references.clone(),
        product: rule.logsource.product.clone().unwrap_or_default().to_ascii_lowercase(),
        service: rule.logsource.service.clone().unwrap_or_default().to_ascii_lowercase(),
        fields: fields.into_iter().collect(),
        keywords,
        missing_placeholders,
        correlates: None,
        techniques: techniques(&rule.tags),
    }
}

fn walk_fields(det: &Detection, fields: &mut BTreeSet<String>, keywords: &mut bool) {
    match det {
        Detection::AllOf(items) => {
            for item in items {
                match &item.field.name {
                    Some(name) => {
                        fields.insert(name.clone());
                    }
                    None => *keywords = true,
                }
            }
        }
        Detection::AnyOf(list) | Detection::And(list) => list.iter().for_each(|d| walk_fields(d, fields, keywords)),
        Detection::Keywords(_) => *keywords = true,
        Detection::ArrayMatch { field, body, .. } => {
            fields.insert(field.clone());
            walk_fields(body, fields, keywords);
        }
        Detection::Conditional { named, .. } => named.values().for_each(|d| walk_fields(d, fields, keywords)),
    }
}

/// The placeholder name in a value written `%name%`.
fn placeholder(v: &SigmaValue) -> Option<String> {
    let SigmaValue::String(s) = v else { return None };
    let t = s.original.trim();
    (t.len() > 2 && t.starts_with('%') && t.ends_with('%')).then(|| t[1..t.len() - 1].to_string())
}

/// Replaces each `%name%` value with the case's values for it (dropping the `expand` modifier); the names with no
/// values are returned and left in place.
fn fill_placeholders(rule: &mut SigmaRule, values: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut missing = BTreeSet::new();
    for det in rule.detection.named.values_mut() {
        fill_in(det, values, &mut missing);
    }
    missing.into_iter().collect()
}

fn fill_in(det: &mut Detection, values: &BTreeMap<String, Vec<String>>, missing: &mut BTreeSet<String>) {
    match det {
        Detection::AllOf(items) => {
            for item in items {
                let expands = item.field.has_modifier(Modifier::Expand);
                let names: Vec<String> = item.values.iter().filter_map(placeholder).collect();
                if names.is_empty() {
                    continue;
                }
                let mut filled = Vec::new();
                for v in &item.values {
                    match placeholder(v) {
                        Some(name) => match values.get(&name) {
                            Some(list) => filled.extend(list.iter().map(|x| SigmaValue::String(SigmaString::new(x)))),
                            None => {
                                missing.insert(name);
                                filled.push(v.clone());
                            }
                        },
                        None => filled.push(v.clone()),
                    }
                }
                if expands && names.iter().all(|n| values.contains_key(n)) {
                    item.field.modifiers.retain(|m| *m != Modifier::Expand);
                    item.values = filled;
                }
            }
        }
        Detection::AnyOf(list) | Detection::And(list) => list.iter_mut().for_each(|d| fill_in(d, values, missing)),
        Detection::ArrayMatch { body, .. } => fill_in(body, values, missing),
        Detection::Conditional { named, .. } => named.values_mut().for_each(|d| fill_in(d, values, missing)),
        Detection::Keywords(_) => {}
    }
}

/// Compiled detection rules that answer which of them match a record. Shared read-only across threads.
pub trait RuleEngine: Send + Sync {
    /// Pushes the ids of the rules matching `record` onto `out`.
    fn matching(&self, record: &dyn Record, out: &mut Vec<String>);
    /// How many rules it holds.
    fn len(&self) -> usize;
    /// Whether it holds none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Stateful evaluation of correlation rules: records in time order, the correlations that fired out.
pub trait Correlator: Send {
    /// Feeds one record at `secs` (Unix seconds); the ids of correlation rules that fired on it.
    fn feed(&mut self, record: &dyn Record, secs: i64) -> Vec<String>;
    /// Whether any of its detection rules match `record` (so it is worth keeping for [`Correlator::feed`]).
    fn wants(&self, record: &dyn Record) -> bool;
}

struct Detections(Engine);

impl RuleEngine for Detections {
    fn matching(&self, record: &dyn Record, out: &mut Vec<String>) {
        for hit in self.0.evaluate(&View(record)) {
            if let Some(id) = hit.header.rule_id {
                out.push(id);
            }
        }
    }
    fn len(&self) -> usize {
        self.0.rule_count()
    }
}

/// Compiles the detection rules of `files` into one engine.
pub fn compile(files: &[&RuleFile]) -> Result<Box<dyn RuleEngine>, String> {
    let mut engine = Engine::new();
    for f in files {
        for rule in &f.collection.rules {
            engine.add_rule(rule).map_err(|e| format!("{}: {e}", rule.title))?;
        }
    }
    Ok(Box::new(Detections(engine)))
}

struct Correlations(CorrelationEngine);

impl Correlator for Correlations {
    fn feed(&mut self, record: &dyn Record, secs: i64) -> Vec<String> {
        let found = self.0.process_event_at(&View(record), secs);
        found.into_iter().filter(|r| r.is_correlation()).filter_map(|r| r.header.rule_id).collect()
    }
    fn wants(&self, record: &dyn Record) -> bool {
        !self.0.evaluate(&View(record)).is_empty()
    }
}

/// Compiles a file holding correlation rules (with the detections they count).
pub fn correlator(file: &RuleFile) -> Result<Box<dyn Correlator>, String> {
    let mut engine = CorrelationEngine::new(CorrelationConfig::default());
    engine.add_collection(&file.collection).map_err(|e| e.to_string())?;
    Ok(Box::new(Correlations(engine)))
}

/// A harrier record as the evaluator sees it.
struct View<'a>(&'a dyn Record);

fn convert(v: FieldValue<'_>) -> EventValue<'_> {
    match v {
        FieldValue::Str(s) => EventValue::Str(s),
        FieldValue::Int(n) => EventValue::Int(n),
        FieldValue::Bool(b) => EventValue::Bool(b),
        FieldValue::List(l) => EventValue::Array(l.into_iter().map(EventValue::Str).collect()),
    }
}

impl Event for View<'_> {
    fn get_field(&self, path: &str) -> Option<EventValue<'_>> {
        self.0.field(path).map(convert)
    }

    fn any_string_value(&self, pred: &dyn Fn(&str) -> bool) -> bool {
        let mut hit = false;
        self.0.each_string(&mut |s| hit = hit || pred(s));
        hit
    }

    fn all_string_values(&self) -> Vec<Cow<'_, str>> {
        let mut out = Vec::new();
        self.0.each_string(&mut |s| out.push(Cow::Owned(s.to_string())));
        out
    }

    fn visit_string_values(&self, visit: &mut dyn FnMut(&str)) {
        self.0.each_string(visit);
    }

    fn to_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        map.insert("id".into(), serde_json::Value::String(self.0.id().to_string()));
        serde_json::Value::Object(map)
    }
}
