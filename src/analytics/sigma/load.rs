//! Finding and reading Sigma rule files: which rules load, and why each of the others does not.

use super::backend::{self, RuleFile, RuleInfo};
use super::feeds::Feeds;
use super::fields::FieldMap;
use super::SigmaError;
use crate::config::SigmaSection;
use crate::model::Source;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where rules were asked for: the command line, `case.toml` or the config folder.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceSpec {
    pub path: PathBuf,
    /// A folder that may be absent without error (the config-folder default).
    pub optional: bool,
}

/// A rule that loaded, with what it needs.
#[derive(Debug, Clone)]
pub struct LoadedRule {
    pub info: RuleInfo,
    pub path: String,
    /// The harrier sources whose events it is evaluated on.
    pub sources: Vec<Source>,
    /// Fields it names that the mapping does not list (looked up among name/value lists only).
    pub unmapped: Vec<String>,
    /// Index of its file in [`RuleSet::files`].
    pub file: usize,
}

/// A rule (or file) that did not load, and why; listed, never dropped silently.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SkippedRule {
    pub path: String,
    pub title: String,
    pub reason: String,
}

/// Every rule a run was given: those that load and those that do not.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub loaded: Vec<LoadedRule>,
    pub skipped: Vec<SkippedRule>,
    pub files: Vec<RuleFile>,
    /// Severity overrides by rule id, from `[sigma.levels]`.
    pub levels: BTreeMap<String, String>,
    pub fields: FieldMap,
}

impl RuleSet {
    /// Whether no rule loaded.
    pub fn is_empty(&self) -> bool {
        self.loaded.is_empty()
    }

    /// The loaded rule with this id.
    pub fn rule(&self, id: &str) -> Option<&LoadedRule> {
        self.loaded.iter().find(|r| r.info.id == id)
    }
}

/// Rule files under a path (a file itself, or every `.yml`/`.yaml` below a folder), in name order.
fn rule_files(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rule_files(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            out.push(p);
        }
    }
    Ok(())
}

/// The `title:` line of a file that did not parse, so the skip list can still name it.
fn title_of(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("title:"))
        .map(|t| t.trim().trim_matches(['\'', '"']).to_string())
        .unwrap_or_default()
}

/// Reads every rule under `specs` with the case's `[sigma]` settings.
pub fn load_rules(specs: &[SourceSpec], settings: &SigmaSection) -> Result<RuleSet, SigmaError> {
    let feeds = Feeds::builtin()?;
    let mut set = RuleSet { levels: settings.levels.clone(), fields: FieldMap::builtin()?, ..RuleSet::default() };
    let mut seen = BTreeSet::new();
    for spec in specs {
        if spec.optional && !spec.path.exists() {
            continue;
        }
        let mut files = Vec::new();
        rule_files(&spec.path, &mut files)
            .map_err(|e| SigmaError::Read { path: spec.path.display().to_string(), message: e.to_string() })?;
        for file in files {
            load_file(&file, settings, &feeds, &mut set, &mut seen);
        }
    }
    let names: Vec<String> = set.loaded.iter().flat_map(|r| r.info.fields.clone()).collect();
    set.fields.learn(names.iter().map(String::as_str));
    Ok(set)
}

fn load_file(file: &Path, settings: &SigmaSection, feeds: &Feeds, set: &mut RuleSet, seen: &mut BTreeSet<String>) {
    let path = file.display().to_string();
    let skip = |title: &str, reason: String| SkippedRule { path: path.clone(), title: title.to_string(), reason };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => return set.skipped.push(skip("", format!("cannot read: {e}"))),
    };
    let stem = file.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let parsed = match backend::parse_rule_file(&text, &stem, &settings.placeholders) {
        Ok(p) => p,
        Err(e) => return set.skipped.push(skip(&title_of(&text), format!("does not parse: {e}"))),
    };
    let mut kept = BTreeSet::new();
    let mut loaded = Vec::new();
    for info in &parsed.rules {
        let sources = match judge(info, &parsed, feeds, seen) {
            Ok(s) => s,
            Err(reason) => {
                set.skipped.push(skip(&info.title, reason));
                continue;
            }
        };
        seen.insert(info.id.clone());
        kept.insert(info.id.clone());
        let unmapped = info.fields.iter().filter(|f| !set.fields.knows(f)).cloned().collect();
        loaded.push(LoadedRule { info: info.clone(), path: path.clone(), sources, unmapped, file: set.files.len() });
    }
    if !loaded.is_empty() {
        set.files.push(parsed.only(&|id| kept.contains(id)));
        set.loaded.extend(loaded);
    }
}

/// The sources a rule is fed from, or why it cannot load.
fn judge(info: &RuleInfo, file: &RuleFile, feeds: &Feeds, seen: &BTreeSet<String>) -> Result<Vec<Source>, String> {
    if seen.contains(&info.id) {
        return Err(format!("rule id {} is already loaded from another file", info.id));
    }
    if !info.missing_placeholders.is_empty() {
        let names: Vec<String> = info.missing_placeholders.iter().map(|n| format!("%{n}%")).collect();
        return Err(format!("needs placeholder values {} (give them in [sigma.placeholders])", names.join(", ")));
    }
    let Some(counted) = &info.correlates else {
        return feeds.sources(&info.product, &info.service).map(<[Source]>::to_vec);
    };
    let mut sources = BTreeSet::new();
    for name in counted {
        let base = file.rules.iter().find(|r| r.correlates.is_none() && (&r.id == name || r.title == *name));
        let Some(base) = base else { return Err(format!("correlates rule '{name}', which is not in the same file")) };
        sources.extend(feeds.sources(&base.product, &base.service)?.iter().copied());
    }
    Ok(sources.into_iter().collect())
}
