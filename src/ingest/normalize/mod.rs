//! Recognises which log a parsed record belongs to and maps it into an [`Event`].

pub mod actor;
pub mod audit;
pub mod fields;
pub mod graph;
pub mod lazy;
pub mod outcome;
pub mod signin;
pub mod time;
pub mod ual;

use crate::model::{Event, Origin, Source};
use fields::Rec;
pub use lazy::LazyMap;
pub use time::{parse_time, TimeAssumption};

/// The log family of a record, decided from its fields (never from the file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// Any sign-in shape; the source is decided per record unless the container fixes it.
    SignIn(Option<Source>),
    /// Entra audit (Graph directoryAudit, Log Analytics AuditLogs, diagnostic settings AuditLogs).
    EntraAudit,
    /// UAL record (Management Activity API schema), possibly inside a CSV `AuditData` column.
    Ual,
    /// Log Analytics `OfficeActivity` (flattened UAL).
    OfficeActivity,
    /// Microsoft Graph activity log row.
    GraphActivity,
}

impl RecordKind {
    /// Name used in the ledger's `format` string.
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::SignIn(_) => "signin",
            RecordKind::EntraAudit => "entra-audit",
            RecordKind::Ual => "ual",
            RecordKind::OfficeActivity => "officeactivity",
            RecordKind::GraphActivity => "graph-activity",
        }
    }
}

/// Why a record could not be normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject(pub String);

/// A normalized record plus what had to be assumed to read its time.
pub struct Normalized {
    pub event: Event,
    pub assumption: TimeAssumption,
    /// Key for de-duplication: the native record id, or a content hash.
    pub native_id: Option<String>,
}

/// Per-file facts the normalizer may need.
#[derive(Debug, Clone, Default)]
pub struct FileHints {
    /// Sign-in source implied by an Entra portal download's file name (the only shape whose columns do not say).
    pub portal_signin_source: Option<Source>,
}

/// Decides the log family of one record.
pub fn classify(map: &LazyMap) -> Option<RecordKind> {
    let r = Rec::new(map);
    if r.has(&["AuditData"]) {
        return Some(RecordKind::Ual);
    }
    if r.has(&["auditData"]) && r.has(&["auditLogRecordType", "operation"]) {
        return Some(RecordKind::Ual);
    }
    if let (Some(cat), true) = (r.text(&["category", "Category"]), r.has(&["properties"])) {
        if let Some(kind) = diag_category(&cat) {
            return Some(kind);
        }
    }
    // Query results (summaries) keep a `Type` column but none of a log record's identifying fields.
    let has_record_fields = r.has(&[
        "Id",
        "id",
        "CorrelationId",
        "UserPrincipalName",
        "AppId",
        "OperationName",
        "Operation",
        "RequestId",
        "OfficeId",
    ]);
    if let (Some(t), true) = (r.text(&["Type"]), has_record_fields) {
        match t.as_str() {
            "SigninLogs" => return Some(RecordKind::SignIn(Some(Source::SigninInteractive))),
            "AADNonInteractiveUserSignInLogs" => return Some(RecordKind::SignIn(Some(Source::SigninNoninteractive))),
            "AADServicePrincipalSignInLogs" => return Some(RecordKind::SignIn(Some(Source::SigninSp))),
            "AADManagedIdentitySignInLogs" => return Some(RecordKind::SignIn(Some(Source::SigninMi))),
            "AuditLogs" => return Some(RecordKind::EntraAudit),
            "MicrosoftGraphActivityLogs" => return Some(RecordKind::GraphActivity),
            "OfficeActivity" => return Some(RecordKind::OfficeActivity),
            _ => {}
        }
    }
    if r.has(&["RecordType"]) && r.has(&["Operation"]) && r.has(&["CreationTime"]) {
        return Some(RecordKind::Ual);
    }
    if r.has(&["OfficeWorkload"]) && r.has(&["Operation"]) {
        return Some(RecordKind::OfficeActivity);
    }
    if r.has(&["activityDisplayName", "ActivityDisplayName"]) && r.has(&["initiatedBy", "InitiatedBy"]) {
        return Some(RecordKind::EntraAudit);
    }
    if r.has(&["requestUri", "RequestUri"]) && r.has(&["requestMethod", "RequestMethod"]) {
        return Some(RecordKind::GraphActivity);
    }
    let signin_time = r.has(&["createdDateTime", "CreatedDateTime", "Date (UTC)", "Date"]);
    let signin_shape = r.has(&["ipAddress", "IPAddress", "IP address"])
        && r.has(&["appId", "AppId", "Application ID", "userPrincipalName", "UserPrincipalName", "Username"])
        && r.has(&["id", "Id", "Request ID", "uniqueTokenIdentifier", "UniqueTokenIdentifier", "Correlation ID"]);
    if (signin_time || r.has(&["TimeGenerated"])) && signin_shape {
        return Some(RecordKind::SignIn(None));
    }
    None
}

fn diag_category(cat: &str) -> Option<RecordKind> {
    Some(match cat {
        "SignInLogs" => RecordKind::SignIn(Some(Source::SigninInteractive)),
        "NonInteractiveUserSignInLogs" => RecordKind::SignIn(Some(Source::SigninNoninteractive)),
        "ServicePrincipalSignInLogs" => RecordKind::SignIn(Some(Source::SigninSp)),
        "ManagedIdentitySignInLogs" => RecordKind::SignIn(Some(Source::SigninMi)),
        "AuditLogs" => RecordKind::EntraAudit,
        "MicrosoftGraphActivityLogs" => RecordKind::GraphActivity,
        _ => return None,
    })
}

/// Maps one parsed record of a known kind into an event. `raw` is the record's original text (hashed for
/// records without a native id).
pub fn normalize(
    kind: RecordKind,
    map: &LazyMap,
    raw: &[u8],
    origin: Origin,
    hints: &FileHints,
) -> Result<Normalized, Reject> {
    let mut n = match kind {
        RecordKind::SignIn(src) => signin::normalize(map, src, hints)?,
        RecordKind::EntraAudit => audit::normalize(map)?,
        RecordKind::Ual => ual::normalize_any(map)?,
        RecordKind::OfficeActivity => ual::normalize_office_activity(map)?,
        RecordKind::GraphActivity => graph::normalize(map)?,
    };
    if n.event.id.is_empty() {
        n.event.id = content_id(raw);
    }
    n.event.origin = origin;
    Ok(n)
}

/// A stable id for records that carry none: a hash of their exact bytes.
pub fn content_id(raw: &[u8]) -> String {
    let h = blake3::hash(raw);
    format!("h-{}", &h.to_hex()[..32])
}

/// Lower-cases an id-like value (GUIDs compare case-insensitively).
pub fn lower_id(s: Option<String>) -> Option<String> {
    s.map(|v| v.to_ascii_lowercase())
}

/// Reads a time field, returning an error naming the field when absent or unreadable.
pub fn required_time(
    r: &Rec,
    keys: &[&str],
    utc_documented: bool,
) -> Result<(Option<chrono::DateTime<chrono::Utc>>, TimeAssumption), Reject> {
    match r.text(keys) {
        Some(t) => match parse_time(&t, utc_documented) {
            Some((d, a)) => Ok((Some(d), a)),
            None => Err(Reject(format!("unreadable or out-of-range time '{}' in {}", clip(&t, 60), keys[0]))),
        },
        None => Ok((None, TimeAssumption::None)),
    }
}

/// Shortens a value for an error message.
pub fn clip(s: &str, max: usize) -> String {
    let clean: String = s.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
    if clean.chars().count() <= max {
        clean
    } else {
        format!("{}…", clean.chars().take(max).collect::<String>())
    }
}
