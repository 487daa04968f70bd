//! `[sigma]` in `case.toml`: where a case's Sigma rules come from and how they are tuned.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `[sigma]`: rule folders, placeholder values and per-rule severity overrides.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SigmaSection {
    /// Folders (or single files) of Sigma rules to run with the case's detections; relative paths are read from
    /// the case folder.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Values for `%name%` placeholders (the `expand` modifier): a rule needing a name not listed here is skipped.
    #[serde(default)]
    pub placeholders: BTreeMap<String, Vec<String>>,
    /// Severity per rule id (`low`, `medium`, `high`, `critical`), overriding the rule's own level.
    #[serde(default)]
    pub levels: BTreeMap<String, String>,
}
