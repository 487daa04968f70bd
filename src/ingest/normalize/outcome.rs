//! Whether a record says its act succeeded, from one table per log (`assets/ingest/outcomes.toml`) rather than
//! from guesses spread over the readers: a failed logon that Purview marks `ResultStatus: Success` is still a
//! failure, and a record that says nothing is unknown, never a success.

use crate::model::EventResult;
use serde::Deserialize;
use std::sync::OnceLock;

/// The rules of one log.
#[derive(Debug, Deserialize)]
pub struct OutcomeRules {
    /// Operations that failed whatever their status field says.
    failure_operations: Vec<String>,
    /// Fields whose non-empty value is an error.
    error_fields: Vec<String>,
    /// Error-field values that mean "no error" (compared lower-case).
    no_error_values: Vec<String>,
    /// Fields holding a success/failure word.
    pub status_fields: Vec<String>,
    success_values: Vec<String>,
    failure_values: Vec<String>,
    /// Fields that explain a failure, first present wins.
    pub detail_fields: Vec<String>,
    /// Numeric result codes that mean success (Entra sign-ins: 0).
    #[serde(default)]
    success_codes: Vec<i64>,
    /// HTTP status from which a request counts as failed (Graph: 400).
    #[serde(default)]
    first_failure_status: Option<u16>,
}

/// The table for every log.
#[derive(Debug, Deserialize)]
pub struct OutcomeTable {
    pub ual: OutcomeRules,
    pub entra_audit: OutcomeRules,
    pub signin: OutcomeRules,
    pub graph: OutcomeRules,
}

/// The bundled table, read once.
pub fn outcomes() -> &'static OutcomeTable {
    static TABLE: OnceLock<OutcomeTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        toml::from_str(include_str!("../../../assets/ingest/outcomes.toml")).expect("bundled outcome table is valid")
    })
}

impl OutcomeRules {
    /// The result of a record with operation `operation`; `text` reads one field of the record.
    pub fn judge(&self, operation: &str, text: &dyn Fn(&str) -> Option<String>) -> EventResult {
        if self.failure_operations.iter().any(|o| o.eq_ignore_ascii_case(operation)) {
            return EventResult::Failure;
        }
        let is_error = |v: &str| {
            let v = v.trim();
            !v.is_empty() && !self.no_error_values.iter().any(|n| n.eq_ignore_ascii_case(v))
        };
        if self.error_fields.iter().filter_map(|f| text(f)).any(|v| is_error(&v)) {
            return EventResult::Failure;
        }
        self.status_word(text)
    }

    /// The result named by the first status field present.
    pub fn status_word(&self, text: &dyn Fn(&str) -> Option<String>) -> EventResult {
        let Some(word) = self.status_fields.iter().find_map(|f| text(f)) else { return EventResult::Unknown };
        let word = word.trim();
        if self.success_values.iter().any(|v| v.eq_ignore_ascii_case(word)) {
            EventResult::Success
        } else if self.failure_values.iter().any(|v| v.eq_ignore_ascii_case(word)) {
            EventResult::Failure
        } else {
            EventResult::Unknown
        }
    }

    /// The result of a numeric result code (Entra sign-ins' `errorCode` / `ResultType`).
    pub fn code(&self, code: i64) -> EventResult {
        if self.success_codes.contains(&code) {
            EventResult::Success
        } else {
            EventResult::Failure
        }
    }

    /// The result of an HTTP status.
    pub fn http(&self, status: u16) -> EventResult {
        match self.first_failure_status {
            Some(first) if status >= first => EventResult::Failure,
            Some(_) => EventResult::Success,
            None => EventResult::Unknown,
        }
    }

    /// The first detail field present.
    pub fn detail(&self, text: &dyn Fn(&str) -> Option<String>) -> Option<String> {
        self.detail_fields.iter().find_map(|f| text(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn reader(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k: &str| m.get(k).cloned()
    }

    #[test]
    fn a_failed_logon_marked_success_is_a_failure() {
        let ual = &outcomes().ual;
        let r = reader(&[("ResultStatus", "Success"), ("LogonError", "InvalidUserNameOrPassword")]);
        assert_eq!(ual.judge("UserLoggedIn", &r), EventResult::Failure);
        assert_eq!(ual.judge("UserLoginFailed", &reader(&[("ResultStatus", "Success")])), EventResult::Failure);
        assert_eq!(ual.detail(&r).as_deref(), Some("InvalidUserNameOrPassword"));
    }

    #[test]
    fn status_words_decide_when_there_is_no_error() {
        let ual = &outcomes().ual;
        assert_eq!(ual.judge("UserLoggedIn", &reader(&[("ResultStatus", "Succeeded")])), EventResult::Success);
        assert_eq!(
            ual.judge("Set-Mailbox", &reader(&[("ResultStatus", "True"), ("ErrorNumber", "0")])),
            EventResult::Success
        );
        assert_eq!(ual.judge("Set-Mailbox", &reader(&[("ResultStatus", "False")])), EventResult::Failure);
        assert_eq!(ual.judge("MailItemsAccessed", &reader(&[])), EventResult::Unknown);
        assert_eq!(ual.judge("X", &reader(&[("ResultStatus", "Weird")])), EventResult::Unknown);
    }

    #[test]
    fn codes_and_http_statuses() {
        assert_eq!(outcomes().signin.code(0), EventResult::Success);
        assert_eq!(outcomes().signin.code(50126), EventResult::Failure);
        assert_eq!(outcomes().graph.http(302), EventResult::Success);
        assert_eq!(outcomes().graph.http(403), EventResult::Failure);
        assert_eq!(outcomes().ual.http(403), EventResult::Unknown);
    }
}
