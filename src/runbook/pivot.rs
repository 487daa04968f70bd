//! `Pivot`: the harrier query that answers a runbook step, and its resolution against an alert's entities.

use super::entities::AlertEntities;
use super::template::{Placeholder, QueryField, QueryTemplate, Slot};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Most pivots one runbook step may open for one alert. Keeps a step bounded when an alert names many entities.
pub const MAX_RESOLVED_PIVOTS: usize = 32;

pub use crate::model::EntityKind;

/// The query field that selects `kind`'s events.
pub fn query_field(kind: EntityKind) -> QueryField {
    match kind {
        EntityKind::User => QueryField::User,
        EntityKind::Ip => QueryField::Ip,
        EntityKind::Session => QueryField::Session,
        EntityKind::Token => QueryField::Token,
        EntityKind::Mailbox => QueryField::Mailbox,
        EntityKind::App => QueryField::App,
    }
}

/// How a pivot uses an entity list with several values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expand {
    /// One pivot per value (per combination when the query has several placeholders).
    #[default]
    Each,
    /// Only the first value of each list.
    First,
}

/// What a pivot opens: an entity timeline or a search.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Entity { kind: EntityKind, value: Slot },
    Search(QueryTemplate),
}

/// A checked pivot template from a runbook step. Field names, sources and placeholders are validated when the
/// runbook loads; `resolve` turns it into concrete pivots for one alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PivotSpec", into = "PivotSpec")]
pub struct Pivot {
    target: Target,
    expand: Expand,
}

/// A pivot with its values filled in, ready to open.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResolvedPivot {
    /// The timeline of one entity (`harrier timeline --<kind> <value>`).
    Entity { kind: EntityKind, value: String },
    /// A search (`harrier search CASE <query>`).
    Search { query: String },
}

impl ResolvedPivot {
    /// The same pivot as a search query, for the search screen and exports.
    pub fn as_query(&self) -> String {
        match self {
            ResolvedPivot::Entity { kind, value } => {
                let template = QueryTemplate::single(query_field(*kind), value.clone());
                template.render(|_| String::new())
            }
            ResolvedPivot::Search { query } => query.clone(),
        }
    }
}

impl fmt::Display for ResolvedPivot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolvedPivot::Entity { kind, value } => write!(f, "{kind} timeline: {value}"),
            ResolvedPivot::Search { query } => write!(f, "search: {query}"),
        }
    }
}

impl Pivot {
    /// A pivot to an entity timeline; `value` is a placeholder such as `{alert.ips}` or a literal value.
    pub fn entity(kind: EntityKind, value: &str) -> Result<Pivot, String> {
        let value = Slot::parse_entity_value(value)?;
        Ok(Pivot { target: Target::Entity { kind, value }, expand: Expand::Each })
    }

    /// A pivot to a search; `query` is checked for known fields, sources and placeholders.
    pub fn search(query: &str) -> Result<Pivot, String> {
        Ok(Pivot { target: Target::Search(QueryTemplate::parse(query)?), expand: Expand::Each })
    }

    /// The same pivot with another expansion rule.
    pub fn with_expand(mut self, expand: Expand) -> Pivot {
        self.expand = expand;
        self
    }

    /// How several values of one entity list are used.
    pub fn expand(&self) -> Expand {
        self.expand
    }

    /// The placeholders this pivot needs, in order of first use.
    pub fn placeholders(&self) -> Vec<Placeholder> {
        match &self.target {
            Target::Entity { value: Slot::Placeholder(p), .. } => vec![*p],
            Target::Entity { .. } => Vec::new(),
            Target::Search(template) => template.placeholders(),
        }
    }

    /// The query fields this pivot filters on (for an entity pivot, the entity's own field).
    pub fn fields(&self) -> Vec<QueryField> {
        match &self.target {
            Target::Entity { kind, .. } => vec![query_field(*kind)],
            Target::Search(template) => template.fields(),
        }
    }

    /// The pivot as written in the runbook, placeholders in place (for display before an alert is chosen).
    pub fn template(&self) -> String {
        match &self.target {
            Target::Entity { kind, value: Slot::Placeholder(p) } => format!("{kind}: {p}"),
            Target::Entity { kind, value: Slot::Literal(v) } => format!("{kind}: {v}"),
            Target::Search(template) => template.to_template_string(),
        }
    }

    /// Fill the placeholders from an alert's entities. Values are trimmed, stripped of control characters and
    /// deduplicated. A placeholder whose list is empty yields no pivot at all, never a query with a hole in it.
    /// At most `MAX_RESOLVED_PIVOTS` pivots come back.
    pub fn resolve(&self, entities: &AlertEntities) -> Vec<ResolvedPivot> {
        let placeholders = self.placeholders();
        let mut lists: Vec<Vec<String>> = Vec::with_capacity(placeholders.len());
        for placeholder in &placeholders {
            let mut values = clean_values(entities.values(*placeholder));
            if values.is_empty() {
                return Vec::new();
            }
            if self.expand == Expand::First {
                values.truncate(1);
            }
            lists.push(values);
        }
        let mut out: Vec<ResolvedPivot> = Vec::new();
        for combination in Combinations::new(&lists).take(MAX_RESOLVED_PIVOTS) {
            let fill = |p: Placeholder| {
                let i = placeholders.iter().position(|x| *x == p).unwrap_or(0);
                combination.get(i).cloned().unwrap_or_default()
            };
            let resolved = match &self.target {
                Target::Entity { kind, value: Slot::Literal(v) } => {
                    ResolvedPivot::Entity { kind: *kind, value: v.clone() }
                }
                Target::Entity { kind, value: Slot::Placeholder(p) } => {
                    ResolvedPivot::Entity { kind: *kind, value: fill(*p) }
                }
                Target::Search(template) => ResolvedPivot::Search { query: template.render(fill) },
            };
            if !out.contains(&resolved) {
                out.push(resolved);
            }
        }
        out
    }
}

/// Entity values made safe to put in a query: control characters removed, trimmed, empty and repeated ones dropped.
fn clean_values(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in values {
        let cleaned: String = raw.chars().filter(|c| !c.is_control()).collect();
        let cleaned = cleaned.trim();
        if !cleaned.is_empty() && !out.iter().any(|v| v == cleaned) {
            out.push(cleaned.to_string());
        }
        if out.len() >= MAX_RESOLVED_PIVOTS {
            break;
        }
    }
    out
}

/// Every combination of one value per list, first list varying slowest.
struct Combinations<'a> {
    lists: &'a [Vec<String>],
    indices: Vec<usize>,
    done: bool,
}

impl<'a> Combinations<'a> {
    fn new(lists: &'a [Vec<String>]) -> Self {
        Combinations { lists, indices: vec![0; lists.len()], done: lists.iter().any(|l| l.is_empty()) }
    }
}

impl Iterator for Combinations<'_> {
    type Item = Vec<String>;
    fn next(&mut self) -> Option<Vec<String>> {
        if self.done {
            return None;
        }
        let item = self.indices.iter().zip(self.lists).map(|(i, list)| list[*i].clone()).collect();
        self.done = true;
        for pos in (0..self.lists.len()).rev() {
            self.indices[pos] += 1;
            if self.indices[pos] < self.lists[pos].len() {
                self.done = false;
                break;
            }
            self.indices[pos] = 0;
        }
        Some(item)
    }
}

/// The TOML shape of a pivot: `{ kind = "ip", value = "{alert.ips}" }` or `{ query = "…" }`, with optional
/// `expand = "first"`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PivotSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<EntityKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    query: Option<String>,
    #[serde(default, skip_serializing_if = "is_default_expand")]
    expand: Expand,
}

fn is_default_expand(expand: &Expand) -> bool {
    *expand == Expand::Each
}

impl TryFrom<PivotSpec> for Pivot {
    type Error = String;
    fn try_from(spec: PivotSpec) -> Result<Pivot, String> {
        let pivot = match (spec.kind, spec.value, spec.query) {
            (Some(kind), Some(value), None) => {
                Pivot::entity(kind, &value).map_err(|e| format!("pivot {kind} value: {e}"))?
            }
            (None, None, Some(query)) => Pivot::search(&query).map_err(|e| format!("pivot query `{query}`: {e}"))?,
            (Some(_), None, None) => return Err("an entity pivot needs both `kind` and `value`".into()),
            (None, Some(_), None) => return Err("an entity pivot needs both `kind` and `value`".into()),
            (None, None, None) => return Err("a pivot needs `kind` and `value`, or `query`".into()),
            _ => return Err("a pivot has either `kind` and `value`, or `query`, not both".into()),
        };
        Ok(pivot.with_expand(spec.expand))
    }
}

impl From<Pivot> for PivotSpec {
    fn from(pivot: Pivot) -> PivotSpec {
        match &pivot.target {
            Target::Entity { kind, value } => PivotSpec {
                kind: Some(*kind),
                value: Some(match value {
                    Slot::Literal(v) => v.clone(),
                    Slot::Placeholder(p) => p.as_str().to_string(),
                }),
                query: None,
                expand: pivot.expand,
            },
            Target::Search(template) => {
                PivotSpec { kind: None, value: None, query: Some(template.to_template_string()), expand: pivot.expand }
            }
        }
    }
}
