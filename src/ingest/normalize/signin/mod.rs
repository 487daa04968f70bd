//! Entra sign-ins in every shape: Graph `signIn` JSON, diagnostic-settings envelopes, Log Analytics
//! (`SigninLogs` and siblings, JSON or CSV) and Entra portal CSV downloads.

mod device;
mod network;
mod source;
mod status;

use super::fields::Rec;
use super::lazy::LazyMap;
use super::{lower_id, required_time, FileHints, Normalized, Reject, TimeAssumption};
use crate::model::{ActorKind, Event, SignInInfo, Source};

/// Normalizes one sign-in record. `fixed` is the source when the container says it (diagnostic category,
/// Log Analytics table).
pub fn normalize(map: &LazyMap, fixed: Option<Source>, hints: &FileHints) -> Result<Normalized, Reject> {
    let envelope = Rec::new(map);
    let props = map.nested("properties");
    let r = Rec::new(props.as_deref().unwrap_or(map));
    let (ts, assumption) = record_time(&r, &envelope)?;

    let mut e = Event { ts, operation: "Sign-in".into(), ..Event::default() };
    let native_id = r.text(&["id", "Id", "Request ID"]).or_else(|| envelope.text(&["id"]));
    e.id = native_id.clone().unwrap_or_default();

    let upn = r.lower(&["userPrincipalName", "UserPrincipalName", "Username"]);
    let sp_id = lower_id(r.text(&["servicePrincipalId", "ServicePrincipalId"]));
    let source = fixed.unwrap_or_else(|| source::infer_source(&r, hints, upn.is_some(), sp_id.is_some()));
    e.source = Some(source);

    set_app_resource_and_ids(&mut e, &r, &envelope);
    let cross = r.text(&["crossTenantAccessType", "CrossTenantAccessType", "Cross tenant access type"]);
    set_actor(&mut e, &r, source, upn, sp_id, cross.as_deref());
    e.net = network::network(&r, &envelope);
    let code = status::judge(&mut e, &r);
    e.device = device::device(&r);
    e.signin = Some(signin_info(&r, source, cross, code));
    Ok(Normalized { event: e, assumption, native_id })
}

/// The sign-in's time, from the record or else from its diagnostic-settings envelope (portal CSV dates are UTC).
fn record_time(r: &Rec, envelope: &Rec) -> Result<(Option<chrono::DateTime<chrono::Utc>>, TimeAssumption), Reject> {
    let (t, a) = required_time(
        r,
        &["createdDateTime", "CreatedDateTime", "Date (UTC)", "TimeGenerated", "Date"],
        r.has(&["Date (UTC)"]),
    )?;
    match t {
        Some(t) => Ok((Some(t), a)),
        None => required_time(envelope, &["time", "TimeGenerated"], false),
    }
}

/// The app signed in to, the resource it asked for, and the ids that tie the sign-in to others: session,
/// token, correlation and tenant.
fn set_app_resource_and_ids(e: &mut Event, r: &Rec, envelope: &Rec) {
    e.app_id = lower_id(r.text(&["appId", "AppId", "Application ID"]));
    e.app_name = r.text(&["appDisplayName", "AppDisplayName", "Application"]);
    e.resource_id = lower_id(r.text(&["resourceId", "ResourceIdentity", "Resource ID"]));
    e.resource_name = r.text(&["resourceDisplayName", "ResourceDisplayName", "Resource"]);
    e.user_agent = r.text(&["userAgent", "UserAgent", "User agent"]);
    e.session_id = lower_id(r.text(&["sessionId", "SessionId", "Session ID"]));
    e.token_id = r.text(&["uniqueTokenIdentifier", "UniqueTokenIdentifier", "Unique token identifier"]);
    e.correlation_id = lower_id(
        r.text(&["correlationId", "CorrelationId", "Correlation ID"]).or_else(|| envelope.text(&["correlationId"])),
    );
    e.tenant_id = lower_id(
        r.text(&["resourceTenantId", "ResourceTenantId", "Resource tenant ID", "AADTenantId"])
            .or_else(|| envelope.text(&["tenantId", "TenantId"])),
    );
}

/// Who signed in: a service principal or managed identity (by the app), or a user, guest or partner.
fn set_actor(e: &mut Event, r: &Rec, source: Source, upn: Option<String>, sp_id: Option<String>, cross: Option<&str>) {
    let home_tenant = lower_id(r.text(&["homeTenantId", "HomeTenantId", "Home tenant ID"]));
    let user_type = r.text(&["userType", "UserType", "User type"]).map(|s| s.to_ascii_lowercase());
    e.actor.home_tenant = home_tenant;
    match source {
        Source::SigninSp | Source::SigninMi => {
            e.actor.kind = if source == Source::SigninMi { ActorKind::Mi } else { ActorKind::Sp };
            e.actor.id = sp_id.or_else(|| e.app_id.clone());
            e.actor.display_name =
                r.text(&["servicePrincipalName", "ServicePrincipalName"]).or_else(|| e.app_name.clone());
        }
        _ => {
            e.actor.upn = upn;
            e.actor.id = lower_id(r.text(&["userId", "UserId", "User ID"]));
            e.actor.display_name = r.text(&["userDisplayName", "UserDisplayName", "User"]);
            e.actor.kind = if cross.is_some_and(|c| c.eq_ignore_ascii_case("serviceProvider")) {
                ActorKind::Partner
            } else if user_type.as_deref() == Some("guest") {
                ActorKind::Guest
            } else {
                ActorKind::User
            };
        }
    }
}

/// The sign-in's own facts: interactive or not, protocol, credential, client app, token type, error and risk.
fn signin_info(r: &Rec, source: Source, cross: Option<String>, code: Option<i64>) -> SignInInfo {
    let interactive = r.boolean(&["isInteractive", "IsInteractive"]).or(match source {
        Source::SigninInteractive => Some(true),
        Source::SigninNoninteractive | Source::SigninSp | Source::SigninMi => Some(false),
        _ => None,
    });
    SignInInfo {
        interactive,
        auth_protocol: r.text(&["authenticationProtocol", "AuthenticationProtocol", "Authentication Protocol"]),
        cross_tenant_access_type: cross,
        credential_type: r.text(&["clientCredentialType", "ClientCredentialType", "Client credential type"]),
        client_app: r.text(&["clientAppUsed", "ClientAppUsed", "Client app"]),
        incoming_token_type: r.text(&["incomingTokenType", "IncomingTokenType", "Incoming token type"]),
        error_code: code,
        risk_level: risk_word(r, &RISK_LEVEL),
        risk_level_aggregated: risk_word(r, &RISK_AGGREGATED),
        risk_state: risk_word(r, &RISK_STATE),
        risk_detail: risk_word(r, &RISK_DETAIL),
        risk_event_types: risk_event_types(r),
        status_detail: r
            .object(&["status", "Status", "Status_dynamic", "Status_string"])
            .and_then(|s| s.text("additionalDetails")),
        auth_requirement: r.text(&[
            "authenticationRequirement",
            "AuthenticationRequirement",
            "Authentication requirement",
        ]),
        original_transfer_method: r.text(&["originalTransferMethod", "OriginalTransferMethod"]),
        no_risk_fields: matches!(source, Source::SigninInteractive | Source::SigninNoninteractive)
            && ![&RISK_LEVEL[..], &RISK_AGGREGATED, &RISK_STATE, &RISK_DETAIL, &RISK_EVENT_TYPES]
                .iter()
                .any(|k| r.has(k)),
    }
}

/// The names each of Identity Protection's fields is written under, in any export shape.
const RISK_LEVEL: [&str; 2] = ["riskLevelDuringSignIn", "RiskLevelDuringSignIn"];
const RISK_AGGREGATED: [&str; 2] = ["riskLevelAggregated", "RiskLevelAggregated"];
const RISK_STATE: [&str; 2] = ["riskState", "RiskState"];
const RISK_DETAIL: [&str; 2] = ["riskDetail", "RiskDetail"];
const RISK_EVENT_TYPES: [&str; 4] = ["riskEventTypes_v2", "RiskEventTypes_V2", "riskEventTypes", "RiskEventTypes"];

/// A risk field's value, with the words that mean "no risk" (`none`, `hidden`, `unknownFutureValue`) kept as absent.
fn risk_word(r: &Rec, keys: &[&str]) -> Option<String> {
    r.text(keys).filter(|s| !matches!(s.to_ascii_lowercase().as_str(), "none" | "hidden" | "unknownfuturevalue"))
}

/// The Identity Protection detections on a sign-in: `riskEventTypes_v2` (else the older `riskEventTypes`), a
/// JSON array or a string holding one.
fn risk_event_types(r: &Rec) -> Vec<String> {
    let mut out: Vec<String> = match r.structured(&RISK_EVENT_TYPES) {
        Some(serde_json::Value::Array(a)) => {
            a.iter().filter_map(serde_json::Value::as_str).map(|s| s.trim().to_string()).collect()
        }
        _ => {
            r.text(&RISK_EVENT_TYPES).map(|t| t.split(',').map(|s| s.trim().to_string()).collect()).unwrap_or_default()
        }
    };
    out.retain(|s| !s.is_empty() && !s.eq_ignore_ascii_case("none"));
    out.dedup();
    out
}
