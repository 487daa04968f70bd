//! Entra sign-ins in every shape: Graph `signIn` JSON, diagnostic-settings envelopes, Log Analytics
//! (`SigninLogs` and siblings, JSON or CSV) and Entra portal CSV downloads.

use super::fields::Rec;
use super::lazy::LazyMap;
use super::outcome::outcomes;
use super::{lower_id, required_time, FileHints, Normalized, Reject};
use crate::enrich::ip::parse_ip;
use crate::model::{ActorKind, Device, Event, EventResult, Network, SignInInfo, Source};
use serde_json::Value;

/// Normalizes one sign-in record. `fixed` is the source when the container says it (diagnostic category,
/// Log Analytics table).
pub fn normalize(map: &LazyMap, fixed: Option<Source>, hints: &FileHints) -> Result<Normalized, Reject> {
    let envelope = Rec::new(map);
    let props = map.nested("properties");
    let r = Rec::new(props.as_deref().unwrap_or(map));

    let (ts, assumption) = {
        let (t, a) = required_time(
            &r,
            &["createdDateTime", "CreatedDateTime", "Date (UTC)", "TimeGenerated", "Date"],
            r.has(&["Date (UTC)"]),
        )?;
        match t {
            Some(t) => (Some(t), a),
            None => required_time(&envelope, &["time", "TimeGenerated"], false)?,
        }
    };

    let mut e = Event { ts, operation: "Sign-in".into(), ..Event::default() };
    let native_id = r.text(&["id", "Id", "Request ID"]).or_else(|| envelope.text(&["id"]));
    e.id = native_id.clone().unwrap_or_default();

    let upn = r.lower(&["userPrincipalName", "UserPrincipalName", "Username"]);
    let sp_id = lower_id(r.text(&["servicePrincipalId", "ServicePrincipalId"]));
    let source = fixed.unwrap_or_else(|| infer_source(&r, hints, upn.is_some(), sp_id.is_some()));
    e.source = Some(source);

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

    // Actor
    let home_tenant = lower_id(r.text(&["homeTenantId", "HomeTenantId", "Home tenant ID"]));
    let cross = r.text(&["crossTenantAccessType", "CrossTenantAccessType", "Cross tenant access type"]);
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
            e.actor.kind = if cross.as_deref().is_some_and(|c| c.eq_ignore_ascii_case("serviceProvider")) {
                ActorKind::Partner
            } else if user_type.as_deref() == Some("guest") {
                ActorKind::Guest
            } else {
                ActorKind::User
            };
        }
    }

    // Network and location
    let ip_text = r.text(&["ipAddress", "IPAddress", "IP address"]).or_else(|| envelope.text(&["callerIpAddress"]));
    let mut net = Network::default();
    if let Some((ip, port)) = ip_text.as_deref().and_then(parse_ip) {
        net.ip = Some(ip);
        net.port = port;
    }
    if let Some(loc) = r.object(&["location", "LocationDetails", "LocationDetails_dynamic", "LocationDetails_string"]) {
        net.country = loc.text("countryOrRegion").map(|c| c.to_ascii_uppercase());
        net.city = loc.text("city");
        let lat = loc.number_at(&["geoCoordinates", "latitude"]);
        let lon = loc.number_at(&["geoCoordinates", "longitude"]);
        // Entra writes 0, 0 (or nothing) when it could not place the address.
        if let (Some(lat), Some(lon)) = (lat, lon) {
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) && (lat != 0.0 || lon != 0.0) {
                net.latitude = Some(lat);
                net.longitude = Some(lon);
            }
        }
    }
    if net.country.is_none() {
        // Portal CSV: "City, State, CC"; Log Analytics `Location`: a country code.
        if let Some(l) = r.text(&["Location"]) {
            let last = l.rsplit(',').next().unwrap_or("").trim().to_string();
            if last.len() == 2 && last.chars().all(|c| c.is_ascii_alphabetic()) {
                net.country = Some(last.to_ascii_uppercase());
                if l.contains(',') {
                    net.city = l.split(',').next().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
                }
            }
        }
    }
    net.asn = r
        .int(&["autonomousSystemNumber", "AutonomousSystemNumber", "Autonomous system number"])
        .filter(|n| *n > 0 && *n < u32::MAX as i64)
        .map(|n| n as u32);
    e.net = net;

    // Status
    let status = r.object(&["status", "Status", "Status_dynamic", "Status_string"]);
    let code =
        status.as_ref().and_then(|s| s.int("errorCode")).or_else(|| r.int(&["ResultType", "Sign-in error code"]));
    let rules = &outcomes().signin;
    let field = |f: &str| r.text(&[f]);
    let reason = status.as_ref().and_then(|s| s.text("failureReason")).or_else(|| rules.detail(&field));
    let status_detail = status.as_ref().and_then(|s| s.text("additionalDetails"));
    e.result = match code {
        Some(c) => rules.code(c),
        None => rules.status_word(&field),
    };
    if e.result == EventResult::Failure {
        e.result_detail = Some(match (code, reason) {
            (Some(c), Some(r)) => format!("{c}: {r}"),
            (Some(c), None) => c.to_string(),
            (None, Some(r)) => r,
            (None, None) => "failure".into(),
        });
    }

    // Device
    let mut dev = Device::default();
    if let Some(d) = r.object(&["deviceDetail", "DeviceDetail", "DeviceDetail_dynamic", "DeviceDetail_string"]) {
        dev.id = d.text("deviceId").map(|s| s.to_ascii_lowercase());
        dev.name = d.text("displayName");
        dev.os = d.text("operatingSystem");
        dev.browser = d.text("browser");
        dev.managed = d.boolean("isManaged");
        dev.compliant = d.boolean("isCompliant");
    } else {
        dev.id = r.lower(&["Device ID"]);
        dev.os = r.text(&["Operating System"]);
        dev.browser = r.text(&["Browser"]);
        dev.managed = r.boolean(&["Managed"]);
        dev.compliant = r.boolean(&["Compliant"]);
    }
    e.device = dev;

    let interactive = r.boolean(&["isInteractive", "IsInteractive"]).or(match source {
        Source::SigninInteractive => Some(true),
        Source::SigninNoninteractive | Source::SigninSp | Source::SigninMi => Some(false),
        _ => None,
    });
    e.signin = Some(SignInInfo {
        interactive,
        auth_protocol: r.text(&["authenticationProtocol", "AuthenticationProtocol", "Authentication Protocol"]),
        cross_tenant_access_type: cross,
        credential_type: r.text(&["clientCredentialType", "ClientCredentialType", "Client credential type"]),
        client_app: r.text(&["clientAppUsed", "ClientAppUsed", "Client app"]),
        incoming_token_type: r.text(&["incomingTokenType", "IncomingTokenType", "Incoming token type"]),
        error_code: code,
        risk_level: risk_word(&r, &["riskLevelDuringSignIn", "RiskLevelDuringSignIn"]),
        risk_level_aggregated: risk_word(&r, &["riskLevelAggregated", "RiskLevelAggregated"]),
        risk_state: risk_word(&r, &["riskState", "RiskState"]),
        risk_detail: risk_word(&r, &["riskDetail", "RiskDetail"]),
        risk_event_types: risk_event_types(&r),
        status_detail,
        auth_requirement: r.text(&[
            "authenticationRequirement",
            "AuthenticationRequirement",
            "Authentication requirement",
        ]),
        original_transfer_method: r.text(&["originalTransferMethod", "OriginalTransferMethod"]),
    });
    Ok(Normalized { event: e, assumption, native_id })
}

/// A risk field's value, with the words that mean "no risk" (`none`, `hidden`, `unknownFutureValue`) kept as absent.
fn risk_word(r: &Rec, keys: &[&str]) -> Option<String> {
    r.text(keys).filter(|s| !matches!(s.to_ascii_lowercase().as_str(), "none" | "hidden" | "unknownfuturevalue"))
}

/// The Identity Protection detections on a sign-in: `riskEventTypes_v2` (else the older `riskEventTypes`), a
/// JSON array or a string holding one.
fn risk_event_types(r: &Rec) -> Vec<String> {
    let keys = ["riskEventTypes_v2", "RiskEventTypes_V2", "riskEventTypes", "RiskEventTypes"];
    let mut out: Vec<String> = match r.structured(&keys) {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(|s| s.trim().to_string()).collect(),
        _ => r.text(&keys).map(|t| t.split(',').map(|s| s.trim().to_string()).collect()).unwrap_or_default(),
    };
    out.retain(|s| !s.is_empty() && !s.eq_ignore_ascii_case("none"));
    out.dedup();
    out
}

/// Which of the four sign-in logs a record without a container hint belongs to.
fn infer_source(r: &Rec, hints: &FileHints, has_upn: bool, has_sp: bool) -> Source {
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
