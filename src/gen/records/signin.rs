//! Entra sign-in records (Graph beta `signIn` resource, camelCase).

use super::Kind;
use crate::gen::catalog::App;
use crate::gen::clock;
use crate::gen::ids::unique_token_id;
use crate::gen::tenant::{Device, Net, ServicePrincipal, Tenant};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The user side of a sign-in.
#[derive(Debug, Clone, Copy)]
pub struct SignInUser<'a> {
    pub upn: &'a str,
    pub display: &'a str,
    pub id: &'a str,
    pub user_type: &'a str,
}

/// Everything that varies between sign-ins.
#[derive(Debug, Clone)]
pub struct SignInArgs<'a> {
    pub ts: DateTime<Utc>,
    pub kind: Kind,
    pub request_id: String,
    pub correlation_id: String,
    pub session_id: String,
    pub user: Option<SignInUser<'a>>,
    pub app: App,
    pub resource: App,
    pub net: &'a Net,
    pub user_agent: &'a str,
    pub client_app_used: &'a str,
    pub device: Option<&'a Device>,
    pub managed_device: bool,
    pub error_code: i64,
    pub failure_reason: &'a str,
    pub mfa: bool,
    pub cross_tenant: &'a str,
    pub home_tenant: Option<(&'a str, &'a str)>,
    pub incoming_token: &'a str,
    pub sp: Option<&'a ServicePrincipal>,
    pub scopes: &'a str,
}

impl<'a> SignInArgs<'a> {
    /// A successful user sign-in with the common defaults; callers adjust the rest.
    #[allow(clippy::too_many_arguments)]
    pub fn user(
        ts: DateTime<Utc>,
        kind: Kind,
        ids: (String, String, String),
        user: SignInUser<'a>,
        app: App,
        resource: App,
        net: &'a Net,
        user_agent: &'a str,
    ) -> SignInArgs<'a> {
        SignInArgs {
            ts,
            kind,
            request_id: ids.0,
            correlation_id: ids.1,
            session_id: ids.2,
            user: Some(user),
            app,
            resource,
            net,
            user_agent,
            client_app_used: if kind == Kind::SignInInteractive {
                "Browser"
            } else {
                "Mobile Apps and Desktop clients"
            },
            device: None,
            managed_device: false,
            error_code: 0,
            failure_reason: "Other.",
            mfa: false,
            cross_tenant: "none",
            home_tenant: None,
            incoming_token: if kind == Kind::SignInInteractive { "none" } else { "refreshToken" },
            sp: None,
            scopes: "",
        }
    }

    /// The token's unique identifier (derived from the request id, as Entra does).
    pub fn uti(&self) -> String {
        unique_token_id(&self.request_id)
    }
}

fn event_type(kind: Kind) -> &'static str {
    match kind {
        Kind::SignInNonInteractive => "nonInteractiveUser",
        Kind::SignInServicePrincipal => "servicePrincipal",
        Kind::SignInManagedIdentity => "managedIdentity",
        _ => "interactiveUser",
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Step<'a> {
    authentication_step_date_time: &'a str,
    authentication_method: &'a str,
    authentication_method_detail: &'a str,
    succeeded: bool,
    authentication_step_result_detail: &'a str,
    authentication_step_requirement: &'a str,
    #[serde(rename = "StatusSequence")]
    status_sequence: u8,
    #[serde(rename = "RequestSequence")]
    request_sequence: u8,
}

#[derive(Serialize)]
struct KeyValue<'a> {
    key: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Status<'a> {
    error_code: i64,
    failure_reason: &'a str,
    additional_details: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeviceDetail<'a> {
    device_id: &'a str,
    display_name: &'a str,
    operating_system: &'a str,
    browser: &'a str,
    is_compliant: bool,
    is_managed: bool,
    trust_type: &'a str,
}

#[derive(Serialize)]
struct Geo {
    altitude: Option<f64>,
    latitude: f64,
    longitude: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    city: &'a str,
    state: &'a str,
    country_or_region: &'a str,
    geo_coordinates: Geo,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Msi<'a> {
    msi_type: &'a str,
    associated_resource_id: String,
    federated_token_id: &'a str,
    federated_token_issuer: &'a str,
}

const NONE: &[(); 0] = &[];

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignInRecord<'a> {
    id: &'a str,
    created_date_time: &'a str,
    user_display_name: &'a str,
    user_principal_name: &'a str,
    user_id: &'a str,
    app_id: &'a str,
    app_display_name: &'a str,
    ip_address: &'a str,
    ip_address_from_resource_provider: Option<&'a str>,
    client_app_used: &'a str,
    user_agent: &'a str,
    correlation_id: &'a str,
    conditional_access_status: &'a str,
    original_request_id: &'a str,
    is_interactive: bool,
    token_issuer_name: &'a str,
    token_issuer_type: &'a str,
    client_credential_type: &'a str,
    processing_time_in_milliseconds: i64,
    risk_detail: &'a str,
    risk_level_aggregated: &'a str,
    risk_level_during_sign_in: &'a str,
    risk_state: &'a str,
    #[serde(rename = "riskEventTypes_v2")]
    risk_event_types_v2: &'a [(); 0],
    resource_display_name: &'a str,
    resource_id: &'a str,
    resource_tenant_id: &'a str,
    home_tenant_id: &'a str,
    home_tenant_name: &'a str,
    authentication_methods_used: Vec<&'a str>,
    authentication_requirement: &'a str,
    sign_in_identifier: &'a str,
    sign_in_identifier_type: Option<&'a str>,
    service_principal_name: &'a str,
    sign_in_event_types: [&'a str; 1],
    service_principal_id: &'a str,
    federated_credential_id: &'a str,
    user_type: &'a str,
    flagged_for_review: bool,
    is_tenant_restricted: bool,
    autonomous_system_number: u32,
    cross_tenant_access_type: &'a str,
    service_principal_credential_key_id: &'a str,
    service_principal_credential_thumbprint: &'a str,
    unique_token_identifier: &'a str,
    incoming_token_type: &'a str,
    authentication_protocol: &'a str,
    resource_service_principal_id: &'a str,
    sign_in_token_protection_status: &'a str,
    original_transfer_method: &'a str,
    is_through_global_secure_access: bool,
    global_secure_access_ip_address: &'a str,
    session_id: &'a str,
    app_owner_tenant_id: &'a str,
    resource_owner_tenant_id: &'a str,
    mfa_detail: Option<&'a str>,
    status: Status<'a>,
    device_detail: DeviceDetail<'a>,
    location: Location<'a>,
    applied_conditional_access_policies: &'a [(); 0],
    authentication_processing_details: Vec<KeyValue<'a>>,
    network_location_details: &'a [(); 0],
    authentication_details: Vec<Step<'a>>,
    session_lifetime_policies: &'a [(); 0],
    managed_service_identity: Msi<'a>,
}

const MICROSOFT_TENANT: &str = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

/// The sign-in as Graph returns it, serialized.
pub fn signin(t: &Tenant, a: &SignInArgs) -> String {
    let interactive = a.kind == Kind::SignInInteractive;
    let is_user = a.user.is_some();
    let u = a.user.unwrap_or(SignInUser { upn: "", display: "", id: "", user_type: "" });
    let ok = a.error_code == 0;
    let (home_id, home_name) = a.home_tenant.unwrap_or((if is_user { &t.id } else { "" }, ""));
    let ip = a.net.ip.to_string();
    let p = a.net.place;
    let when = clock::iso_secs(a.ts);
    let bad_password = a.error_code == 50126;
    let mut steps = Vec::new();
    if is_user {
        if interactive {
            steps.push(Step {
                authentication_step_date_time: &when,
                authentication_method: "Password",
                authentication_method_detail: "Password in the cloud",
                succeeded: !bad_password,
                authentication_step_result_detail: if bad_password {
                    "Invalid username or password or Invalid on-premise username or password."
                } else {
                    "Correct password"
                },
                authentication_step_requirement: "Primary authentication",
                status_sequence: 0,
                request_sequence: 0,
            });
            if a.mfa && ok {
                steps.push(Step {
                    authentication_step_date_time: &when,
                    authentication_method: "Mobile app notification",
                    authentication_method_detail: "",
                    succeeded: true,
                    authentication_step_result_detail: "MFA completed in Azure AD",
                    authentication_step_requirement: "Multi-factor authentication",
                    status_sequence: 0,
                    request_sequence: 0,
                });
            }
        } else {
            steps.push(Step {
                authentication_step_date_time: &when,
                authentication_method: "Previously satisfied",
                authentication_method_detail: "",
                succeeded: true,
                authentication_step_result_detail: "First factor requirement satisfied by claim in the token",
                authentication_step_requirement: "Primary authentication",
                status_sequence: 0,
                request_sequence: 0,
            });
        }
    }
    let scope_info;
    let mut processing = vec![
        KeyValue { key: "Legacy TLS (TLS 1.0, 1.1, 3DES)", value: "False" },
        KeyValue { key: "Is CAE Token", value: if is_user { "True" } else { "False" } },
    ];
    if !a.scopes.is_empty() {
        let scopes: Vec<&str> = a.scopes.split(' ').collect();
        scope_info = serde_json::to_string(&scopes).unwrap_or_default();
        processing.push(KeyValue { key: "Oauth Scope Info", value: &scope_info });
    }
    let (sp_id, sp_name, cred, key_id, thumb) = match a.sp {
        Some(sp) => (sp.sp_id.as_str(), sp.name.as_str(), sp.credential, sp.key_id.as_str(), sp.thumbprint.as_str()),
        None => ("", "", "none", "", ""),
    };
    let device = a.device;
    let uti = a.uti();
    let resource_sp = t.resource_sp(a.resource.id);
    let msi = a.kind == Kind::SignInManagedIdentity;
    let rec = SignInRecord {
        id: &a.request_id,
        created_date_time: &when,
        user_display_name: u.display,
        user_principal_name: u.upn,
        user_id: u.id,
        app_id: a.app.id,
        app_display_name: a.app.name,
        ip_address: &ip,
        ip_address_from_resource_provider: None,
        client_app_used: a.client_app_used,
        user_agent: a.user_agent,
        correlation_id: &a.correlation_id,
        conditional_access_status: if is_user && ok { "success" } else { "notApplied" },
        original_request_id: if interactive { &a.request_id } else { "" },
        is_interactive: interactive,
        token_issuer_name: "",
        token_issuer_type: "AzureAD",
        client_credential_type: if is_user { "none" } else { cred },
        processing_time_in_milliseconds: 40 + (a.request_id.as_bytes()[0] as i64 % 200),
        risk_detail: "none",
        risk_level_aggregated: "none",
        risk_level_during_sign_in: "none",
        risk_state: "none",
        risk_event_types_v2: NONE,
        resource_display_name: a.resource.name,
        resource_id: a.resource.id,
        resource_tenant_id: &t.id,
        home_tenant_id: home_id,
        home_tenant_name: home_name,
        authentication_methods_used: if interactive && ok {
            if a.mfa {
                vec!["Password", "Mobile app notification"]
            } else {
                vec!["Password"]
            }
        } else {
            vec![]
        },
        authentication_requirement: if !is_user {
            ""
        } else if a.mfa {
            "multiFactorAuthentication"
        } else {
            "singleFactorAuthentication"
        },
        sign_in_identifier: if interactive { u.upn } else { "" },
        sign_in_identifier_type: None,
        service_principal_name: sp_name,
        sign_in_event_types: [event_type(a.kind)],
        service_principal_id: sp_id,
        federated_credential_id: "",
        user_type: if is_user { u.user_type } else { "" },
        flagged_for_review: false,
        is_tenant_restricted: false,
        autonomous_system_number: p.asn,
        cross_tenant_access_type: a.cross_tenant,
        service_principal_credential_key_id: key_id,
        service_principal_credential_thumbprint: thumb,
        unique_token_identifier: &uti,
        incoming_token_type: a.incoming_token,
        authentication_protocol: "none",
        resource_service_principal_id: &resource_sp,
        sign_in_token_protection_status: "none",
        original_transfer_method: "none",
        is_through_global_secure_access: false,
        global_secure_access_ip_address: "",
        session_id: &a.session_id,
        app_owner_tenant_id: if a.sp.is_some() { &t.id } else { MICROSOFT_TENANT },
        resource_owner_tenant_id: MICROSOFT_TENANT,
        mfa_detail: None,
        status: Status {
            error_code: a.error_code,
            failure_reason: a.failure_reason,
            additional_details: if ok {
                None
            } else if bad_password {
                Some("The user didn't enter the right credentials.")
            } else {
                Some("The user is required to use multi-factor authentication.")
            },
        },
        device_detail: DeviceDetail {
            device_id: if a.managed_device { device.map(|d| d.id.as_str()).unwrap_or("") } else { "" },
            display_name: if a.managed_device { device.map(|d| d.name.as_str()).unwrap_or("") } else { "" },
            operating_system: device.map(|d| d.os).unwrap_or(""),
            browser: device.map(|d| d.browser).unwrap_or(""),
            is_compliant: a.managed_device,
            is_managed: a.managed_device,
            trust_type: if a.managed_device { "Azure AD joined" } else { "" },
        },
        location: Location {
            city: p.city,
            state: p.state,
            country_or_region: p.country,
            geo_coordinates: Geo { altitude: None, latitude: p.lat, longitude: p.lon },
        },
        applied_conditional_access_policies: NONE,
        authentication_processing_details: processing,
        network_location_details: NONE,
        authentication_details: steps,
        session_lifetime_policies: NONE,
        managed_service_identity: Msi {
            msi_type: if msi { "systemAssigned" } else { "none" },
            associated_resource_id: if msi {
                format!(
                    "/subscriptions/{}/resourcegroups/{}-prod/providers/Microsoft.Web/sites/{}",
                    t.resource_sp("subscription"),
                    t.org.short,
                    sp_name
                )
            } else {
                String::new()
            },
            federated_token_id: "",
            federated_token_issuer: "",
        },
    };
    serde_json::to_string(&rec).unwrap_or_default()
}

/// The diagnostic-settings envelope fields of a sign-in (before and after `category`).
pub fn signin_head(t: &Tenant, a: &SignInArgs) -> (String, String) {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let display = a.user.map(|u| u.display).unwrap_or("");
    (
        format!(
            "\"time\":\"{}\",\"resourceId\":\"/tenants/{}/providers/Microsoft.aadiam\",\"operationName\":\"Sign-in activity\",\"operationVersion\":\"1.0\"",
            clock::iso_7(a.ts),
            t.id
        ),
        format!(
            "\"tenantId\":\"{}\",\"resultType\":\"{}\",\"resultSignature\":\"None\",\"resultDescription\":{},\"durationMs\":0,\"callerIpAddress\":\"{}\",\"correlationId\":\"{}\",\"identity\":{},\"Level\":4,\"location\":\"{}\"",
            t.id,
            a.error_code,
            q(if a.error_code == 0 { "" } else { a.failure_reason }),
            a.net.ip,
            a.correlation_id,
            q(display),
            a.net.place.country
        ),
    )
}
