//! MFA state and registered authentication methods per user.

use super::super::fields::Fields;
use crate::facts::AuthMethods;
use serde_json::Value;

/// One user's MFA state and methods; a record without the user is malformed.
pub(super) fn methods(f: &Fields) -> Result<AuthMethods, String> {
    let mut methods = listed(f.value("methods"));
    for col in f.shape.columns("method_flags") {
        let set = f.row.get(&col.to_lowercase()).is_some_and(|v| is_true(&v));
        if set && !methods.iter().any(|m| m.eq_ignore_ascii_case(col)) {
            methods.push(col.clone());
        }
    }
    let mfa_registered = match f.flag("mfa_registered")? {
        Some(b) => Some(b),
        None => f.lower("mfa_status").map(|s| status_says_registered(&s, &methods)),
    };
    Ok(AuthMethods {
        upn: f.require("upn")?.to_lowercase(),
        user_id: f.lower("user_id"),
        display_name: f.text("display_name"),
        report: f.text("report").unwrap_or_else(|| "methods".into()),
        mfa_registered,
        mfa_capable: f.flag("mfa_capable")?,
        methods,
        default_method: f.text("default_method").filter(|m| !m.eq_ignore_ascii_case("none")),
        is_admin: f.flag("is_admin")?,
        last_updated: f.time("last_updated")?,
    })
}

/// An MFA status column's word for registration: `Enabled` or `Enforced` with a method beyond the password,
/// `Disabled` only when no such method is listed either.
fn status_says_registered(status: &str, methods: &[String]) -> bool {
    let beyond_password = methods.iter().any(|m| !m.eq_ignore_ascii_case("password"));
    match status.trim() {
        "enabled" | "enforced" => methods.is_empty() || beyond_password,
        _ => beyond_password,
    }
}

/// The methods a list value names: a JSON array, or text separated by commas or semicolons.
fn listed(value: Option<Value>) -> Vec<String> {
    let items: Vec<String> = match value {
        Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        Some(Value::String(s)) => s.split([',', ';']).map(str::to_string).collect(),
        _ => Vec::new(),
    };
    items
        .iter()
        .map(|m| m.trim().trim_matches(|c: char| c == '[' || c == ']' || c == '"' || c == '\'').trim().to_string())
        .filter(|m| !m.is_empty())
        .collect()
}

/// True for a cell that says True.
fn is_true(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "$true" | "1" | "yes"),
        _ => false,
    }
}
