//! The snapshot shapes harrier recognises (`assets/ingest/snapshots.toml`): which columns tell each one, and which
//! columns hold each thing read from it.

use crate::facts::SnapshotKind;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One way a kind of snapshot is written.
#[derive(Debug)]
pub struct Shape {
    pub kind: SnapshotKind,
    /// What files of this shape are, for the ledger.
    pub what: String,
    /// Groups of lower-case column names; the file must have one of each group.
    signature: Vec<Vec<String>>,
    /// What is read → the columns (as the catalogue spells them, `a.b` for nested) that may hold it, in order.
    fields: BTreeMap<String, Vec<String>>,
    /// Values a shape never carries.
    pub defaults: BTreeMap<String, String>,
}

impl Shape {
    /// The columns that may hold `field`; empty for a field this shape does not have.
    pub fn columns(&self, field: &str) -> &[String] {
        self.fields.get(field).map(Vec::as_slice).unwrap_or(&[])
    }

    /// True when a record with these (lower-case) column names is of this shape.
    fn matches(&self, columns: &[String]) -> bool {
        self.signature.iter().all(|group| group.iter().any(|c| columns.contains(c)))
    }
}

#[derive(Deserialize)]
struct FileShape {
    kind: String,
    what: String,
    signature: Vec<Vec<String>>,
    fields: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    defaults: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct CatalogueFile {
    shape: Vec<FileShape>,
}

/// Every shape, in the order they are tried.
pub fn shapes() -> &'static [Shape] {
    static SHAPES: OnceLock<Vec<Shape>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let file: CatalogueFile = toml::from_str(include_str!("../../../assets/ingest/snapshots.toml"))
            .expect("the bundled snapshot catalogue is valid");
        let lower = |v: Vec<String>| v.into_iter().map(|s| s.to_lowercase()).collect::<Vec<_>>();
        file.shape
            .into_iter()
            .map(|s| Shape {
                kind: SnapshotKind::from_name(&s.kind).expect("the bundled snapshot catalogue names known kinds"),
                what: s.what,
                signature: s.signature.into_iter().map(lower).collect(),
                fields: s.fields,
                defaults: s.defaults,
            })
            .collect()
    })
}

/// The snapshot shape of a file whose first record has these columns or fields, if it is one.
pub fn recognise<'a>(columns: impl IntoIterator<Item = &'a str>) -> Option<&'static Shape> {
    let cols: Vec<String> =
        columns.into_iter().map(|c| c.trim().trim_start_matches('\u{feff}').to_lowercase()).collect();
    shapes().iter().find(|s| s.matches(&cols))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_shape_and_every_shape_reads_what_its_kind_needs() {
        for kind in SnapshotKind::ALL {
            assert!(shapes().iter().any(|s| s.kind == kind), "{kind:?} has no shape");
        }
        for s in shapes() {
            assert!(!s.signature.is_empty(), "{}", s.what);
            for needed in super::super::map::required_fields(s.kind) {
                let given = !s.columns(needed).is_empty() || s.defaults.contains_key(*needed);
                assert!(given, "{:?} shape '{}' has no columns for {needed}", s.kind, s.what);
            }
        }
    }

    #[test]
    fn columns_in_any_case_recognise_a_shape_and_log_columns_do_not() {
        let rules = ["\u{feff}UserName", "RuleName", "Enabled", "ForwardTo", "RedirectTo", "DeleteMessage"];
        assert_eq!(recognise(rules).map(|s| s.kind), Some(SnapshotKind::MailboxRules));
        let graph = ["id", "riskLastUpdatedDateTime", "riskLevel", "riskState", "userPrincipalName"];
        assert_eq!(recognise(graph).map(|s| s.kind), Some(SnapshotKind::RiskyUsers));
        let signin = ["id", "createdDateTime", "userPrincipalName", "ipAddress", "riskState", "riskDetail"];
        assert!(recognise(signin).is_none(), "a sign-in's own risk fields do not make it a snapshot");
        let grants = ["clientId", "consentType", "id", "principalId", "resourceId", "scope"];
        assert_eq!(recognise(grants).map(|s| s.kind), Some(SnapshotKind::AppPermissions));
    }
}
