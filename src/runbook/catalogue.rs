//! The runbooks shipped with harrier, embedded from `assets/runbooks/` and parsed once.

use super::error::RunbookError;
use super::model::Runbook;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Id of the general Microsoft 365 account / tenant compromise runbook.
pub const GENERAL_ID: &str = "m365-compromise";

/// Id of the runbook for Sigma rule matches.
pub const SIGMA_ID: &str = "sigma";

/// Every embedded runbook file as (id, TOML text): the one of each registered detection (its id is the
/// detection's id, lower-case) and the general runbook.
fn embedded() -> &'static [(String, &'static str)] {
    static EMBEDDED: OnceLock<Vec<(String, &'static str)>> = OnceLock::new();
    EMBEDDED.get_or_init(|| {
        let mut v: Vec<(String, &'static str)> =
            crate::analytics::registry::all().iter().map(|d| (d.id().to_ascii_lowercase(), d.runbook_text())).collect();
        v.push((GENERAL_ID.to_string(), include_str!("../../assets/runbooks/m365-compromise.toml")));
        v.push((SIGMA_ID.to_string(), include_str!("../../assets/runbooks/sigma.toml")));
        v
    })
}

/// The embedded runbook sources as (id, TOML text), for tools that show or check the raw files.
pub fn sources() -> Vec<(&'static str, &'static str)> {
    embedded().iter().map(|(id, text)| (id.as_str(), *text)).collect()
}

/// Parse every embedded runbook and check the set: ids and analytics unique, the general runbook present.
/// `all()` relies on this succeeding; the test suite checks it, and this gives the full error when it does not.
pub fn load_embedded() -> Result<Vec<Runbook>, RunbookError> {
    let runbooks = embedded().iter().map(|(id, text)| Runbook::from_toml(id, text)).collect::<Result<Vec<_>, _>>()?;
    let mut analytics = HashSet::new();
    for runbook in &runbooks {
        if let Some(analytic) = runbook.analytic() {
            if !analytics.insert(analytic) {
                return Err(RunbookError::Invalid {
                    runbook: runbook.id().to_string(),
                    message: format!("a second runbook for {analytic}"),
                });
            }
        }
    }
    match runbooks.iter().find(|r| r.id() == GENERAL_ID) {
        Some(general) if general.analytic().is_none() => Ok(runbooks),
        Some(_) => Err(RunbookError::Invalid {
            runbook: GENERAL_ID.to_string(),
            message: "the general runbook must not name an analytic".into(),
        }),
        None => Err(RunbookError::Invalid { runbook: GENERAL_ID.to_string(), message: "missing".into() }),
    }
}

/// Every shipped runbook, parsed on first use.
///
/// # Panics
/// If an embedded runbook asset is invalid. The assets are compiled in and checked by the test suite, so this
/// only happens in a build whose tests fail.
pub fn all() -> &'static [Runbook] {
    static RUNBOOKS: OnceLock<Vec<Runbook>> = OnceLock::new();
    RUNBOOKS.get_or_init(|| load_embedded().unwrap_or_else(|e| panic!("embedded runbook asset is invalid: {e}")))
}

/// The runbook for an analytic id (`AN0534`, `an0534`), if there is one.
pub fn for_analytic(id: &str) -> Option<&'static Runbook> {
    let id = id.trim();
    all().iter().find(|r| r.analytic().is_some_and(|a| a.eq_ignore_ascii_case(id)))
}

/// The runbook an alert follows: its detection's own; for a Sigma alert, the runbook of the harrier detection
/// the rule overlaps (`assets/sigma/native.toml`), else the Sigma one; else the general runbook.
pub fn for_alert(analytic: &str) -> &'static Runbook {
    if let Some(rule) = analytic.strip_prefix(crate::analytics::sigma::PREFIX) {
        let native = crate::analytics::sigma::native::detection_for(rule).and_then(for_analytic);
        return native.or_else(|| all().iter().find(|r| r.id() == SIGMA_ID)).unwrap_or_else(general);
    }
    for_analytic(analytic).unwrap_or_else(general)
}

/// The general Microsoft 365 account / tenant compromise runbook, for alerts without their own and for cases
/// opened on a report rather than an alert.
pub fn general() -> &'static Runbook {
    all().iter().find(|r| r.id() == GENERAL_ID).unwrap_or_else(|| panic!("the {GENERAL_ID} runbook is embedded"))
}
