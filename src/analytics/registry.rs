//! The detections harrier runs, in one list. Adding one is a source file with its `run`, an asset file
//! (`assets/analytics/<id>.toml`: ATT&CK ids, sources, parameters), its runbook (`assets/runbooks/<id>.toml`) and
//! a line here; an id that is not listed is an error, never a fallback.

use super::common::{Cx, Findings};
use super::{an0534, an0959, an1089, an1107, an1350, bec};

/// One detection: an id (its metadata and parameters live under that name in `assets/analytics/`) and its logic
/// over the run's shared context (the store of baselines and accesses, the whole audit records, parameters,
/// metadata and `case.toml`).
pub trait Detector: Sync {
    /// The id alerts carry and `--analytic` selects (`AN0534`, `inbox-rule`).
    fn id(&self) -> &'static str;
    /// The text of its `assets/analytics/<id>.toml`.
    fn metadata_text(&self) -> &'static str;
    /// The text of its `assets/runbooks/<id>.toml`.
    fn runbook_text(&self) -> &'static str;
    /// True when the detection reads whole audit records, so a run that had to drop some says so in its coverage.
    fn reads_audit_records(&self) -> bool {
        false
    }
    /// Finds what the detection looks for.
    fn run(&self, cx: &Cx) -> Findings;
}

/// A detection given by its id, its embedded assets and its `run` function.
struct FnDetector {
    id: &'static str,
    meta: &'static str,
    runbook: &'static str,
    audits: bool,
    run: fn(&Cx) -> Findings,
}

impl Detector for FnDetector {
    fn id(&self) -> &'static str {
        self.id
    }
    fn metadata_text(&self) -> &'static str {
        self.meta
    }
    fn runbook_text(&self) -> &'static str {
        self.runbook
    }
    fn reads_audit_records(&self) -> bool {
        self.audits
    }
    fn run(&self, cx: &Cx) -> Findings {
        (self.run)(cx)
    }
}

/// One registry entry: the id, the asset file stems, whether it reads whole audit records, and its `run`.
macro_rules! detection {
    ($id:literal, $meta:literal, $runbook:literal, audits: $audits:expr, $run:path) => {
        &FnDetector {
            id: $id,
            meta: include_str!(concat!("../../assets/analytics/", $meta, ".toml")),
            runbook: include_str!(concat!("../../assets/runbooks/", $runbook, ".toml")),
            audits: $audits,
            run: $run,
        }
    };
}

/// Every detection, in the order they run.
static REGISTRY: &[&dyn Detector] = &[
    detection!("AN0534", "AN0534", "an0534", audits: false, an0534::run),
    detection!("AN0959", "AN0959", "an0959", audits: false, an0959::run),
    detection!("AN1089", "AN1089", "an1089", audits: false, an1089::run),
    detection!("AN1350", "AN1350", "an1350", audits: true, an1350::run),
    detection!("AN1107", "AN1107", "an1107", audits: true, an1107::run),
    detection!("audit-tampering", "audit-tampering", "audit-tampering", audits: true, bec::audit_tampering::run),
    detection!("policy-weakening", "policy-weakening", "policy-weakening", audits: true, bec::policy_weakening::run),
    detection!("privileged-role", "privileged-role", "privileged-role", audits: true, bec::privileged_role::run),
    detection!("app-credential", "app-credential", "app-credential", audits: true, bec::app_credential::run),
    detection!("oauth-consent", "oauth-consent", "oauth-consent", audits: true, bec::oauth_consent::run),
    detection!("auth-method-change", "auth-method-change", "auth-method-change", audits: true, bec::auth_method_change::run),
    detection!("inbox-rule", "inbox-rule", "inbox-rule", audits: true, bec::inbox_rule::run),
    detection!("mail-forwarding", "mail-forwarding", "mail-forwarding", audits: true, bec::mail_forwarding::run),
    detection!("mass-mail-access", "mass-mail-access", "mass-mail-access", audits: false, bec::mass_mail_access::run),
    detection!("mass-deletion", "mass-deletion", "mass-deletion", audits: false, bec::mass_deletion::run),
    detection!("legacy-protocol", "legacy-protocol", "legacy-protocol", audits: true, bec::legacy_protocol::run),
    detection!("password-spray", "password-spray", "password-spray", audits: false, bec::password_spray::run),
    detection!("mfa-fatigue", "mfa-fatigue", "mfa-fatigue", audits: false, bec::mfa_fatigue::run),
    detection!("impossible-travel", "impossible-travel", "impossible-travel", audits: false, bec::impossible_travel::run),
    detection!("device-code", "device-code", "device-code", audits: false, bec::device_code::run),
    detection!("risky-sign-in", "risky-sign-in", "risky-sign-in", audits: false, bec::risky_sign_in::run),
];

/// Every registered detection.
pub fn all() -> &'static [&'static dyn Detector] {
    REGISTRY
}

/// The ids of every registered detection, in the order they run.
pub fn ids() -> Vec<&'static str> {
    REGISTRY.iter().map(|d| d.id()).collect()
}

/// The detection with this id (any letter case).
pub fn find(id: &str) -> Option<&'static dyn Detector> {
    REGISTRY.iter().copied().find(|d| d.id().eq_ignore_ascii_case(id.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_detection_has_metadata_and_the_attack_analytics_run_first() {
        let ids = ids();
        assert_eq!(ids[..5], ["AN0534", "AN0959", "AN1089", "AN1350", "AN1107"]);
        for d in all() {
            assert!(super::super::params::meta(d.id()).is_some(), "{} has no assets/analytics metadata", d.id());
        }
        assert_eq!(find(" an1107 ").map(|d| d.id()), Some("AN1107"));
        assert!(find("AN9999").is_none());
    }
}
