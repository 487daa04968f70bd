//! Flat column sets: Log Analytics table exports, the Entra admin center sign-in download, and the two UAL CSVs.

use crate::gen::clock;
use crate::gen::records::ual::record_type_name;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;

/// A value at a `/`-separated path, as CSV text: strings verbatim, null empty, objects and arrays as compact JSON.
pub fn text(v: &Value, path: &str) -> String {
    let mut cur = v;
    for part in path.split('/') {
        match cur.get(part) {
            Some(next) => cur = next,
            None => return String::new(),
        }
    }
    match cur {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").ok().map(|n| n.and_utc()))
}

/// A Log Analytics table whose CSV export the generator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaTable {
    SigninLogs,
    NonInteractive,
    ServicePrincipal,
    ManagedIdentity,
    AuditLogs,
    GraphActivity,
}

impl LaTable {
    /// The table name (also the `Type` column).
    pub fn name(self) -> &'static str {
        match self {
            LaTable::SigninLogs => "SigninLogs",
            LaTable::NonInteractive => "AADNonInteractiveUserSignInLogs",
            LaTable::ServicePrincipal => "AADServicePrincipalSignInLogs",
            LaTable::ManagedIdentity => "AADManagedIdentitySignInLogs",
            LaTable::AuditLogs => "AuditLogs",
            LaTable::GraphActivity => "MicrosoftGraphActivityLogs",
        }
    }

    /// The header row.
    pub fn header(self) -> Vec<&'static str> {
        match self {
            LaTable::AuditLogs => AUDIT_COLUMNS.to_vec(),
            LaTable::GraphActivity => GRAPH_COLUMNS.to_vec(),
            _ => SIGNIN_COLUMNS.to_vec(),
        }
    }

    /// One row for a native record.
    pub fn row(self, tenant_id: &str, v: &Value) -> Vec<String> {
        match self {
            LaTable::AuditLogs => audit_row(tenant_id, v),
            LaTable::GraphActivity => graph_row(tenant_id, v),
            _ => signin_row(self, tenant_id, v),
        }
    }
}

const SIGNIN_COLUMNS: [&str; 64] = [
    "TenantId",
    "SourceSystem",
    "TimeGenerated [UTC]",
    "ResourceId",
    "OperationName",
    "OperationVersion",
    "Category",
    "ResultType",
    "ResultSignature",
    "ResultDescription",
    "DurationMs",
    "CorrelationId",
    "Resource",
    "ResourceGroup",
    "Identity",
    "Level",
    "Location",
    "AppDisplayName",
    "AppId",
    "AuthenticationDetails",
    "AuthenticationMethodsUsed",
    "AuthenticationProcessingDetails",
    "AuthenticationProtocol",
    "AuthenticationRequirement",
    "AutonomousSystemNumber",
    "ClientAppUsed",
    "ConditionalAccessPolicies",
    "ConditionalAccessStatus",
    "CreatedDateTime [UTC]",
    "CrossTenantAccessType",
    "DeviceDetail",
    "HomeTenantId",
    "Id",
    "IncomingTokenType",
    "IPAddress",
    "IsInteractive",
    "LocationDetails",
    "MfaDetail",
    "NetworkLocationDetails",
    "OriginalRequestId",
    "ProcessingTimeInMilliseconds",
    "ResourceDisplayName",
    "ResourceIdentity",
    "ResourceServicePrincipalId",
    "ResourceTenantId",
    "RiskDetail",
    "RiskEventTypes_V2",
    "RiskLevelAggregated",
    "RiskLevelDuringSignIn",
    "RiskState",
    "ServicePrincipalId",
    "ServicePrincipalName",
    "SessionId",
    "SignInEventTypes",
    "Status",
    "TokenIssuerType",
    "UniqueTokenIdentifier",
    "UserAgent",
    "UserDisplayName",
    "UserId",
    "UserPrincipalName",
    "UserType",
    "AADTenantId",
    "Type",
];

fn category(table: LaTable) -> &'static str {
    match table {
        LaTable::NonInteractive => "NonInteractiveUserSignInLogs",
        LaTable::ServicePrincipal => "ServicePrincipalSignInLogs",
        LaTable::ManagedIdentity => "ManagedIdentitySignInLogs",
        _ => "SignInLogs",
    }
}

fn la_time(s: &str) -> String {
    parse_ts(s).map(clock::log_analytics).unwrap_or_default()
}

fn signin_row(table: LaTable, tid: &str, v: &Value) -> Vec<String> {
    let created = la_time(&text(v, "createdDateTime"));
    let err = text(v, "status/errorCode");
    vec![
        tid.into(),
        "Azure AD".into(),
        created.clone(),
        format!("/tenants/{tid}/providers/Microsoft.aadiam"),
        "Sign-in activity".into(),
        "1.0".into(),
        category(table).into(),
        err.clone(),
        "None".into(),
        if err == "0" { String::new() } else { text(v, "status/failureReason") },
        "0".into(),
        text(v, "correlationId"),
        "Microsoft.aadiam".into(),
        "Microsoft.aadiam".into(),
        text(v, "userDisplayName"),
        "4".into(),
        text(v, "location/countryOrRegion"),
        text(v, "appDisplayName"),
        text(v, "appId"),
        text(v, "authenticationDetails"),
        text(v, "authenticationMethodsUsed"),
        text(v, "authenticationProcessingDetails"),
        text(v, "authenticationProtocol"),
        text(v, "authenticationRequirement"),
        text(v, "autonomousSystemNumber"),
        text(v, "clientAppUsed"),
        text(v, "appliedConditionalAccessPolicies"),
        text(v, "conditionalAccessStatus"),
        created,
        text(v, "crossTenantAccessType"),
        text(v, "deviceDetail"),
        text(v, "homeTenantId"),
        text(v, "id"),
        text(v, "incomingTokenType"),
        text(v, "ipAddress"),
        text(v, "isInteractive"),
        text(v, "location"),
        "{}".into(),
        text(v, "networkLocationDetails"),
        text(v, "originalRequestId"),
        text(v, "processingTimeInMilliseconds"),
        text(v, "resourceDisplayName"),
        text(v, "resourceId"),
        text(v, "resourceServicePrincipalId"),
        text(v, "resourceTenantId"),
        text(v, "riskDetail"),
        text(v, "riskEventTypes_v2"),
        text(v, "riskLevelAggregated"),
        text(v, "riskLevelDuringSignIn"),
        text(v, "riskState"),
        text(v, "servicePrincipalId"),
        text(v, "servicePrincipalName"),
        text(v, "sessionId"),
        text(v, "signInEventTypes"),
        text(v, "status"),
        text(v, "tokenIssuerType"),
        text(v, "uniqueTokenIdentifier"),
        text(v, "userAgent"),
        text(v, "userDisplayName"),
        text(v, "userId"),
        text(v, "userPrincipalName"),
        if text(v, "userType").is_empty() {
            String::new()
        } else if text(v, "userType") == "guest" {
            "Guest".into()
        } else {
            "Member".into()
        },
        tid.into(),
        table.name().into(),
    ]
}

const AUDIT_COLUMNS: [&str; 27] = [
    "TenantId",
    "SourceSystem",
    "TimeGenerated [UTC]",
    "ResourceId",
    "OperationName",
    "OperationVersion",
    "Category",
    "ResultType",
    "ResultSignature",
    "ResultDescription",
    "DurationMs",
    "CorrelationId",
    "Resource",
    "ResourceGroup",
    "Level",
    "AdditionalDetails",
    "Id",
    "InitiatedBy",
    "LoggedByService",
    "Result",
    "ResultReason",
    "TargetResources",
    "AADTenantId",
    "ActivityDisplayName",
    "ActivityDateTime [UTC]",
    "AADOperationType",
    "Type",
];

fn audit_row(tid: &str, v: &Value) -> Vec<String> {
    let when = la_time(&text(v, "activityDateTime"));
    vec![
        tid.into(),
        "Azure AD".into(),
        when.clone(),
        format!("/tenants/{tid}/providers/Microsoft.aadiam"),
        text(v, "activityDisplayName"),
        "1.0".into(),
        text(v, "category"),
        String::new(),
        "None".into(),
        String::new(),
        "0".into(),
        text(v, "correlationId"),
        "Microsoft.aadiam".into(),
        "Microsoft.aadiam".into(),
        "4".into(),
        text(v, "additionalDetails"),
        text(v, "id"),
        text(v, "initiatedBy"),
        text(v, "loggedByService"),
        text(v, "result"),
        text(v, "resultReason"),
        text(v, "targetResources"),
        tid.into(),
        text(v, "activityDisplayName"),
        when,
        text(v, "operationType"),
        "AuditLogs".into(),
    ]
}

const GRAPH_COLUMNS: [&str; 30] = [
    "TenantId",
    "TimeGenerated [UTC]",
    "Location",
    "RequestId",
    "OperationId",
    "ClientRequestId",
    "ApiVersion",
    "RequestMethod",
    "ResponseStatusCode",
    "AadTenantId",
    "IPAddress",
    "UserAgent",
    "RequestUri",
    "DurationMs",
    "ResponseSizeBytes",
    "SignInActivityId",
    "Roles",
    "TokenIssuedAt [UTC]",
    "AppId",
    "UserId",
    "ServicePrincipalId",
    "Scopes",
    "IdentityProvider",
    "ClientAuthMethod",
    "Wids",
    "SessionId",
    "DeviceId",
    "ATContent",
    "SourceSystem",
    "Type",
];

fn graph_row(tid: &str, v: &Value) -> Vec<String> {
    vec![
        tid.into(),
        la_time(&text(v, "timeGenerated")),
        text(v, "location"),
        text(v, "requestId"),
        text(v, "operationId"),
        text(v, "clientRequestId"),
        text(v, "apiVersion"),
        text(v, "requestMethod"),
        text(v, "responseStatusCode"),
        tid.into(),
        text(v, "ipAddress"),
        text(v, "userAgent"),
        text(v, "requestUri"),
        text(v, "durationMs"),
        text(v, "responseSizeBytes"),
        text(v, "signInActivityId"),
        text(v, "roles"),
        la_time(&text(v, "tokenIssuedAt")),
        text(v, "appId"),
        text(v, "userId"),
        text(v, "servicePrincipalId"),
        text(v, "scopes"),
        text(v, "identityProvider"),
        text(v, "clientAuthMethod"),
        text(v, "wids"),
        text(v, "sessionId"),
        text(v, "deviceId"),
        String::new(),
        "Azure AD".into(),
        "MicrosoftGraphActivityLogs".into(),
    ]
}

/// The Entra admin center sign-in download header (quirks kept: trailing spaces, a double space, a repeated column).
pub const PORTAL_HEADER: [&str; 55] = [
    "Date (UTC)",
    "Request ID",
    "User agent",
    "Correlation ID",
    "User ID",
    "User",
    "Username",
    "User type",
    "Cross tenant access type",
    "Incoming token type",
    "Authentication Protocol",
    "Unique token identifier",
    "Original transfer method",
    "Client credential type",
    "Token Protection - Sign In Session",
    "Token Protection - Sign In Session StatusCode",
    "Application",
    "Application ID ",
    "Resource",
    "Resource ID ",
    "Resource tenant ID",
    "Home tenant ID",
    "Home tenant name",
    "IP address",
    "Location",
    "Status",
    "Sign-in error code",
    "Failure reason",
    "Client app",
    "Device ID",
    "Browser",
    "Operating System",
    "Compliant",
    "Managed",
    "Join Type",
    "Multifactor authentication result",
    "Multifactor authentication auth method",
    "Multifactor authentication auth detail",
    "Authentication requirement",
    "Sign-in identifier",
    "Session ID",
    "IP address (seen by resource)",
    "Through Global Secure Access",
    "Global Secure Access IP address",
    "Autonomous system  number",
    "Flagged for review",
    "Token issuer type",
    "Incoming token type",
    "Token issuer name",
    "Latency",
    "Conditional Access",
    "Managed Identity type",
    "Associated Resource Id",
    "Federated Token Id",
    "Federated Token Issuer",
];

fn yes_no(v: &Value, path: &str) -> String {
    match v.pointer(&format!("/{path}")) {
        Some(Value::Bool(true)) => "Yes".into(),
        Some(Value::Bool(false)) => "No".into(),
        _ => String::new(),
    }
}

/// One Entra portal CSV row for a Graph sign-in.
pub fn portal_row(v: &Value) -> Vec<String> {
    let err = text(v, "status/errorCode");
    let location = [text(v, "location/city"), text(v, "location/state"), text(v, "location/countryOrRegion")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let mfa = text(v, "authenticationRequirement") == "multiFactorAuthentication";
    vec![
        text(v, "createdDateTime"),
        text(v, "id"),
        text(v, "userAgent"),
        text(v, "correlationId"),
        text(v, "userId"),
        text(v, "userDisplayName"),
        text(v, "userPrincipalName"),
        if text(v, "userType") == "guest" { "Guest".into() } else { "Member".into() },
        text(v, "crossTenantAccessType"),
        text(v, "incomingTokenType"),
        text(v, "authenticationProtocol"),
        text(v, "uniqueTokenIdentifier"),
        text(v, "originalTransferMethod"),
        text(v, "clientCredentialType"),
        "Unbound".into(),
        String::new(),
        text(v, "appDisplayName"),
        text(v, "appId"),
        text(v, "resourceDisplayName"),
        text(v, "resourceId"),
        text(v, "resourceTenantId"),
        text(v, "homeTenantId"),
        text(v, "homeTenantName"),
        text(v, "ipAddress"),
        location,
        if err == "0" { "Success".into() } else { "Failure".into() },
        err.clone(),
        if err == "0" { "Other.".into() } else { text(v, "status/failureReason") },
        text(v, "clientAppUsed"),
        text(v, "deviceDetail/deviceId"),
        text(v, "deviceDetail/browser"),
        text(v, "deviceDetail/operatingSystem"),
        yes_no(v, "deviceDetail/isCompliant"),
        yes_no(v, "deviceDetail/isManaged"),
        text(v, "deviceDetail/trustType"),
        if mfa { "MFA completed in Azure AD".into() } else { String::new() },
        if mfa { "Mobile app notification".into() } else { String::new() },
        String::new(),
        if mfa { "Multifactor authentication".into() } else { "Single-factor authentication".into() },
        text(v, "signInIdentifier"),
        text(v, "sessionId"),
        String::new(),
        "No".into(),
        String::new(),
        text(v, "autonomousSystemNumber"),
        "No".into(),
        text(v, "tokenIssuerType"),
        text(v, "incomingTokenType"),
        text(v, "tokenIssuerName"),
        text(v, "processingTimeInMilliseconds"),
        if text(v, "conditionalAccessStatus") == "success" { "Success".into() } else { "Not Applied".into() },
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]
}

/// The new Purview audit search CSV header.
pub const PURVIEW_HEADER: [&str; 8] = [
    "RecordId",
    "CreationDate",
    "RecordType",
    "Operation",
    "UserId",
    "AuditData",
    "AssociatedAdminUnits",
    "AssociatedAdminUnitsNames",
];

/// The few UAL fields the CSV columns repeat outside `AuditData`.
#[derive(serde::Deserialize, Default)]
struct UalHead {
    #[serde(rename = "Id", default)]
    id: String,
    #[serde(rename = "CreationTime", default)]
    creation_time: String,
    #[serde(rename = "RecordType", default)]
    record_type: u64,
    #[serde(rename = "Operation", default)]
    operation: String,
    #[serde(rename = "UserId", default)]
    user_id: String,
}

fn ual_head(json: &str) -> UalHead {
    serde_json::from_str(json).unwrap_or_default()
}

/// One Purview row for a UAL record (given as its `AuditData` JSON).
pub fn purview_row(json: &str) -> Vec<String> {
    let h = ual_head(json);
    let created = parse_ts(&h.creation_time).map(clock::iso_7).unwrap_or_default();
    vec![
        h.id,
        created,
        record_type_name(h.record_type).into(),
        h.operation,
        h.user_id,
        json.to_string(),
        String::new(),
        String::new(),
    ]
}

/// The classic `Search-UnifiedAuditLog | Export-Csv` header.
pub const CLASSIC_HEADER: [&str; 4] = ["CreationDate", "UserIds", "Operations", "AuditData"];

/// One classic row (dates in US form, as PowerShell prints a DateTime).
pub fn classic_row(json: &str) -> Vec<String> {
    let h = ual_head(json);
    let created = parse_ts(&h.creation_time).map(clock::us_datetime).unwrap_or_default();
    vec![created, h.user_id, h.operation, json.to_string()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_have_header_width() {
        let signin = serde_json::json!({"createdDateTime": "2026-03-02T14:05:11Z", "status": {"errorCode": 0}, "location": {"city": "Chicago", "state": "Illinois", "countryOrRegion": "US"}});
        assert_eq!(portal_row(&signin).len(), PORTAL_HEADER.len());
        assert_eq!(portal_row(&signin)[24], "Chicago, Illinois, US");
        for t in [LaTable::SigninLogs, LaTable::NonInteractive, LaTable::AuditLogs, LaTable::GraphActivity] {
            assert_eq!(t.row("tid", &signin).len(), t.header().len(), "{}", t.name());
        }
        assert_eq!(LaTable::SigninLogs.row("tid", &signin)[2], "3/2/2026, 2:05:11.000 PM");
        let ual = serde_json::json!({"CreationTime": "2026-03-02T14:05:11", "Id": "x", "RecordType": 50, "Operation": "MailItemsAccessed", "UserId": "A@B"});
        let ual = ual.to_string();
        assert_eq!(purview_row(&ual).len(), PURVIEW_HEADER.len());
        assert_eq!(purview_row(&ual)[2], "ExchangeItemAggregated");
        assert_eq!(classic_row(&ual)[0], "3/2/2026 2:05:11 PM");
    }
}
