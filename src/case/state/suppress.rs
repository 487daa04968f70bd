//! "Suppress from a false positive": the `case.toml` allowlist change that makes the analytics stay quiet on what
//! an alert found, shown first as a preview (a diff of `case.toml`) and written only when asked again. Comments,
//! order and layout of the rest of `case.toml` are kept. This is the one place harrier writes outside its state
//! folder, and only on that explicit request.

use super::suppress_from::wanted_changes;
use super::textdiff::unified;
use super::{CaseState, StateError};
use crate::analytics::saved::SavedAlert;
use crate::case::config::parse_net;
use crate::case::{write_atomic, Case, CaseConfig};
use std::path::{Path, PathBuf};
use toml_edit::{Array, DocumentMut, Item, Table};

/// One list in `case.toml` and the values to add to it.
#[derive(Debug, Clone, PartialEq)]
pub struct AllowChange {
    /// The table path: `["allow"]` or `["analytics", "AN1089"]`.
    pub table: Vec<String>,
    pub key: String,
    pub add: Vec<String>,
}

impl AllowChange {
    /// `[allow] automation_accounts += a@b.example`
    pub fn describe(&self) -> String {
        format!("[{}] {} += {}", self.table.join("."), self.key, self.add.join(", "))
    }
}

/// A computed suppression: what changes and the file before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct SuppressionPlan {
    pub alert_id: String,
    pub analytic: String,
    pub changes: Vec<AllowChange>,
    /// `case.toml` of the case.
    pub path: PathBuf,
    pub before: String,
    pub after: String,
}

impl SuppressionPlan {
    /// The change as a unified diff of `case.toml`.
    pub fn diff(&self) -> String {
        unified("case.toml", &self.before, &self.after)
    }
}

fn refused(msg: impl Into<String>) -> StateError {
    StateError::Refused(msg.into())
}

/// Computes the allowlist change for `alert` against the case's current `case.toml` (not written).
pub fn plan_suppression(case: &Case, alert: &SavedAlert) -> Result<SuppressionPlan, StateError> {
    plan_for_file(&case.root.join("case.toml"), alert)
}

/// Like [`plan_suppression`] for a `case.toml` at `path` (which may not exist yet).
pub fn plan_for_file(path: &Path, alert: &SavedAlert) -> Result<SuppressionPlan, StateError> {
    let before = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(StateError::io(path, e)),
    };
    let mut doc: DocumentMut = before.parse().map_err(|e: toml_edit::TomlError| StateError::Corrupt {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let wanted = wanted_changes(alert)?;
    let mut changes = Vec::new();
    for (table, key, values) in wanted {
        let path_refs: Vec<&str> = table.iter().map(String::as_str).collect();
        let t = table_mut(&mut doc, &path_refs)?;
        let existing: Vec<String> = match t.get(&key) {
            None => Vec::new(),
            Some(item) => item
                .as_array()
                .ok_or_else(|| refused(format!("[{}] {key} in case.toml is not a list", table.join("."))))?
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        };
        let add: Vec<String> =
            values.into_iter().filter(|v| !already_listed(&key, &existing, v)).fold(Vec::new(), |mut acc, v| {
                if !acc.contains(&v) {
                    acc.push(v);
                }
                acc
            });
        if add.is_empty() {
            continue;
        }
        if !t.contains_key(&key) {
            t.insert(&key, toml_edit::value(Array::new()));
        }
        if let Some(arr) = t.get_mut(&key).and_then(Item::as_array_mut) {
            for v in &add {
                arr.push(v.as_str());
            }
        }
        changes.push(AllowChange { table, key, add });
    }
    if changes.is_empty() {
        return Err(refused(format!("case.toml already allows everything alert {} names; nothing to add", alert.id)));
    }
    let after = doc.to_string();
    CaseConfig::parse(&after, &path.display().to_string())
        .map_err(|e| refused(format!("the change would make case.toml invalid: {e}")))?;
    Ok(SuppressionPlan {
        alert_id: alert.id.clone(),
        analytic: alert.analytic.clone(),
        changes,
        path: path.to_path_buf(),
        before,
        after,
    })
}

/// True when `value` is already covered by `existing` (addresses inside a listed range count as covered).
fn already_listed(key: &str, existing: &[String], value: &str) -> bool {
    if existing.iter().any(|x| x.trim().eq_ignore_ascii_case(value.trim())) {
        return true;
    }
    if key == "expected_ips" {
        if let Ok(ip) = value.trim().parse::<std::net::IpAddr>() {
            return existing.iter().filter_map(|x| parse_net(x)).any(|n| n.contains(&ip));
        }
    }
    false
}

/// The table at `path`, created when missing (intermediate tables stay implicit: `[analytics.AN1089]`).
fn table_mut<'a>(doc: &'a mut DocumentMut, path: &[&str]) -> Result<&'a mut Table, StateError> {
    let mut t: &mut Table = doc.as_table_mut();
    for (i, k) in path.iter().enumerate() {
        if !t.contains_key(k) {
            let mut fresh = Table::new();
            fresh.set_implicit(i + 1 < path.len());
            t.insert(k, Item::Table(fresh));
        }
        t = t
            .get_mut(k)
            .and_then(Item::as_table_mut)
            .ok_or_else(|| refused(format!("[{}] in case.toml is not a table", path[..=i].join("."))))?;
    }
    Ok(t)
}

impl CaseState {
    /// Writes a previewed suppression to `case.toml`, provided the file has not changed since the preview.
    pub fn apply_suppression(&self, plan: &SuppressionPlan) -> Result<(), StateError> {
        let _lock = self.write_lock("harrier suppress")?;
        let now = match std::fs::read_to_string(&plan.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(StateError::io(&plan.path, e)),
        };
        if now != plan.before {
            return Err(refused(format!(
                "{} changed since the preview; preview the change again",
                plan.path.display()
            )));
        }
        write_atomic(&plan.path, plan.after.as_bytes()).map_err(|e| StateError::io(&plan.path, e))?;
        let changes: Vec<String> = plan.changes.iter().map(AllowChange::describe).collect();
        self.log_activity(
            "suppress.apply",
            serde_json::json!({"alert": plan.alert_id, "analytic": plan.analytic, "changes": changes}),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::saved::SavedEntities;
    use crate::model::Severity;

    fn alert(analytic: &str, title: &str, entities: SavedEntities) -> SavedAlert {
        SavedAlert {
            id: format!("{}-1", analytic.to_lowercase()),
            analytic: analytic.into(),
            title: title.into(),
            severity: Severity::High,
            first_seen: None,
            last_seen: None,
            entities,
            evidence: Vec::new(),
            reasons: Vec::new(),
            attack: Default::default(),
            incident: None,
            rule: None,
            baseline: Vec::new(),
        }
    }

    const CASE: &str = "# Northwind\n[case]\nname = \"N\" # the name\n\n[allow]\n# approved scripts\nautomation_accounts = [\"svc@n.example\"]\nexpected_ips = [\"198.51.100.0/24\"]\n";

    #[test]
    fn scripted_user_goes_to_automation_accounts_and_comments_stay() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("case.toml");
        std::fs::write(&p, CASE).unwrap();
        let a = alert("AN0534", "x", SavedEntities { users: vec!["farid@n.example".into()], ..Default::default() });
        let plan = plan_for_file(&p, &a).unwrap();
        assert_eq!(plan.changes[0].describe(), "[allow] automation_accounts += farid@n.example");
        assert!(plan
            .after
            .contains("# approved scripts\nautomation_accounts = [\"svc@n.example\", \"farid@n.example\"]"));
        assert!(plan.after.starts_with("# Northwind\n[case]\nname = \"N\" # the name\n"));
        let d = plan.diff();
        assert!(d.contains("-automation_accounts = [\"svc@n.example\"]\n"), "{d}");
        assert!(d.contains("+automation_accounts = [\"svc@n.example\", \"farid@n.example\"]\n"), "{d}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), CASE, "the preview writes nothing");
    }

    #[test]
    fn covered_addresses_are_skipped_and_params_tables_are_created() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("case.toml");
        std::fs::write(&p, CASE).unwrap();
        let ips = SavedEntities { ips: vec!["198.51.100.7".into()], ..Default::default() };
        assert!(plan_for_file(&p, &alert("AN0959", "x", ips)).is_err());
        let grant = alert(
            "AN1107",
            "k@n.example granted application permission full_access_as_app to Archive (5d34)",
            SavedEntities { users: vec!["k@n.example".into()], apps: vec!["5d34".into()], ..Default::default() },
        );
        let plan = plan_for_file(&p, &grant).unwrap();
        assert!(plan.after.contains("[analytics.AN1107]\ngrantee_allowlist = [\"5d34\"]\n"), "{}", plan.after);
        assert!(!plan.after.contains("[analytics]\n"), "{}", plan.after);
        let cfg = CaseConfig::parse(&plan.after, "case.toml").unwrap();
        assert_eq!(cfg.analytics["AN1107"]["grantee_allowlist"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn apply_refuses_a_file_changed_since_the_preview() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("case.toml");
        std::fs::write(&p, CASE).unwrap();
        let state = CaseState::new(dir.path(), &crate::runenv::RunEnv::default());
        let a = alert("AN0534", "x", SavedEntities { users: vec!["farid@n.example".into()], ..Default::default() });
        let plan = plan_for_file(&p, &a).unwrap();
        std::fs::write(&p, format!("{CASE}\n")).unwrap();
        assert!(state.apply_suppression(&plan).is_err());
        let plan = plan_for_file(&p, &a).unwrap();
        state.apply_suppression(&plan).unwrap();
        assert!(CaseConfig::load(&p).unwrap().is_automation_account("farid@n.example"));
        let (log, _) = state.activity().unwrap();
        assert_eq!(log.last().unwrap().action, "suppress.apply");
    }

    #[test]
    fn identity_alerts_allow_their_actor_or_their_app() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("case.toml");
        std::fs::write(&p, CASE).unwrap();
        let users = vec!["alex@n.example".to_string(), "root@n.example".to_string()];
        let role = alert(
            "privileged-role",
            "root@n.example assigned Global Administrator to alex@n.example",
            SavedEntities { users, ..Default::default() },
        );
        let plan = plan_for_file(&p, &role).unwrap();
        assert_eq!(plan.changes[0].describe(), "[analytics.privileged-role] admin_allowlist += root@n.example");
        assert!(CaseConfig::parse(&plan.after, "case.toml").is_ok());
        let consent = alert(
            "oauth-consent",
            "alex@n.example consented to Viewer (5d34): mail scopes",
            SavedEntities { users: vec!["alex@n.example".into()], apps: vec!["5d34".into()], ..Default::default() },
        );
        assert_eq!(
            plan_for_file(&p, &consent).unwrap().changes[0].describe(),
            "[analytics.oauth-consent] approved_apps += 5d34"
        );
    }
}
