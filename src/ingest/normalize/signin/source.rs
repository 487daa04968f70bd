//! Which of the four sign-in logs (interactive, non-interactive, service principal, managed identity) a record
//! belongs to when its container does not say.

use crate::ingest::normalize::fields::Rec;
use crate::ingest::normalize::FileHints;
use crate::model::Source;
use serde_json::Value;

/// Which of the four sign-in logs a record without a container hint belongs to.
pub(super) fn infer_source(r: &Rec, hints: &FileHints, has_upn: bool, has_sp: bool) -> Source {
    if let Some(types) = r.get(&["signInEventTypes", "SignInEventTypes"]) {
        let first = match &types.to_value() {
            Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_string),
            Value::String(s) => Some(
                s.trim_matches(|c| c == '[' || c == ']' || c == '"')
                    .split(',')
                    .next()
                    .unwrap_or("")
                    .trim_matches('"')
                    .to_string(),
            ),
            _ => None,
        };
        match first.as_deref() {
            Some("interactiveUser") => return Source::SigninInteractive,
            Some("nonInteractiveUser") => return Source::SigninNoninteractive,
            Some("servicePrincipal") => return Source::SigninSp,
            Some("managedIdentity") => return Source::SigninMi,
            _ => {}
        }
    }
    if let Some(s) = hints.portal_signin_source {
        if r.has(&["Date (UTC)"]) {
            return s;
        }
    }
    let msi = r
        .object(&["managedServiceIdentity", "ManagedServiceIdentity"])
        .and_then(|m| m.text("msiType"))
        .is_some_and(|t| t != "none");
    let cred = r.text(&["clientCredentialType", "ClientCredentialType"]).unwrap_or_default();
    if msi || cred == "managedIdentity" {
        return Source::SigninMi;
    }
    if !has_upn && has_sp {
        return Source::SigninSp;
    }
    match r.boolean(&["isInteractive", "IsInteractive"]) {
        Some(false) => Source::SigninNoninteractive,
        _ => Source::SigninInteractive,
    }
}
