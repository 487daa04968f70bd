//! Filling in a sign-in record from the arguments: authentication steps, status, device, location and managed
//! identity, the way Entra reports them.

use super::schema::{
    event_type, DeviceDetail, Geo, KeyValue, Location, Msi, SignInRecord, Status, Step, MICROSOFT_TENANT, NONE,
};
use super::{SignInArgs, SignInUser};
use crate::gen::clock;
use crate::gen::records::Kind;
use crate::gen::tenant::Tenant;

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
    let steps = authentication_details(a, &when);
    let scope_info = (!a.scopes.is_empty())
        .then(|| serde_json::to_string(&a.scopes.split(' ').collect::<Vec<&str>>()).unwrap_or_default());
    let processing = processing_details(is_user, scope_info.as_deref());
    let (sp_id, sp_name, cred, key_id, thumb) = match a.sp {
        Some(sp) => (sp.sp_id.as_str(), sp.name.as_str(), sp.credential, sp.key_id.as_str(), sp.thumbprint.as_str()),
        None => ("", "", "none", "", ""),
    };
    let uti = a.uti();
    let resource_sp = t.resource_sp(a.resource.id);
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
        risk_detail: a.risk.map(|r| r.detail).unwrap_or("none"),
        risk_level_aggregated: a.risk.map(|r| r.aggregated).unwrap_or("none"),
        risk_level_during_sign_in: a.risk.map(|r| r.during).unwrap_or("none"),
        risk_state: a.risk.map(|r| r.state).unwrap_or("none"),
        risk_event_types_v2: a.risk.map(|r| r.events).unwrap_or(&[]),
        resource_display_name: a.resource.name,
        resource_id: a.resource.id,
        resource_tenant_id: &t.id,
        home_tenant_id: home_id,
        home_tenant_name: home_name,
        authentication_methods_used: methods_used(a),
        authentication_requirement: requirement(a),
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
        authentication_protocol: a.protocol,
        resource_service_principal_id: &resource_sp,
        sign_in_token_protection_status: "none",
        original_transfer_method: a.transfer,
        is_through_global_secure_access: false,
        global_secure_access_ip_address: "",
        session_id: &a.session_id,
        app_owner_tenant_id: if a.sp.is_some() { &t.id } else { MICROSOFT_TENANT },
        resource_owner_tenant_id: MICROSOFT_TENANT,
        mfa_detail: None,
        status: status(a),
        device_detail: device_detail(a),
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
        managed_service_identity: managed_identity(t, a, sp_name),
    };
    serde_json::to_string(&rec).unwrap_or_default()
}

/// Entra's error code for a multi-factor step that was denied, timed out or reported.
const MFA_FAILED: i64 = 500121;

/// The authentication steps of a user sign-in: password (and MFA) when interactive, the token's claim otherwise.
/// A service principal's sign-in has none.
fn authentication_details<'a>(a: &SignInArgs<'a>, when: &'a str) -> Vec<Step<'a>> {
    let mut steps = Vec::new();
    if a.user.is_none() {
        return steps;
    }
    let ok = a.error_code == 0;
    let bad_password = a.error_code == 50126;
    if a.kind == Kind::SignInInteractive {
        steps.push(Step {
            authentication_step_date_time: when,
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
        if a.error_code == MFA_FAILED {
            steps.push(Step {
                authentication_step_date_time: when,
                authentication_method: "Mobile app notification",
                authentication_method_detail: "",
                succeeded: false,
                authentication_step_result_detail: a
                    .failure_detail
                    .unwrap_or("MFA denied; user declined the authentication"),
                authentication_step_requirement: "Multi-factor authentication",
                status_sequence: 0,
                request_sequence: 0,
            });
        }
        if a.mfa && ok {
            steps.push(Step {
                authentication_step_date_time: when,
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
            authentication_step_date_time: when,
            authentication_method: "Previously satisfied",
            authentication_method_detail: "",
            succeeded: true,
            authentication_step_result_detail: "First factor requirement satisfied by claim in the token",
            authentication_step_requirement: "Primary authentication",
            status_sequence: 0,
            request_sequence: 0,
        });
    }
    steps
}

/// `authenticationProcessingDetails`: TLS, continuous access evaluation, and the OAuth scopes when there are any.
fn processing_details(is_user: bool, scope_info: Option<&str>) -> Vec<KeyValue<'_>> {
    let mut processing = vec![
        KeyValue { key: "Legacy TLS (TLS 1.0, 1.1, 3DES)", value: "False" },
        KeyValue { key: "Is CAE Token", value: if is_user { "True" } else { "False" } },
    ];
    if let Some(scope_info) = scope_info {
        processing.push(KeyValue { key: "Oauth Scope Info", value: scope_info });
    }
    processing
}

/// The methods a successful interactive sign-in used: the password, and the app notification when MFA was done.
fn methods_used(a: &SignInArgs) -> Vec<&'static str> {
    if a.kind == Kind::SignInInteractive && a.error_code == 0 {
        if a.mfa {
            vec!["Password", "Mobile app notification"]
        } else {
            vec!["Password"]
        }
    } else {
        vec![]
    }
}

/// `authenticationRequirement`: single- or multi-factor for a user, empty for a service principal.
fn requirement(a: &SignInArgs) -> &'static str {
    if a.user.is_none() {
        ""
    } else if a.mfa {
        "multiFactorAuthentication"
    } else {
        "singleFactorAuthentication"
    }
}

/// The error code and reason, with the detail Entra adds to a failure.
fn status<'a>(a: &SignInArgs<'a>) -> Status<'a> {
    Status {
        error_code: a.error_code,
        failure_reason: a.failure_reason,
        additional_details: if a.error_code == 0 {
            None
        } else if a.failure_detail.is_some() {
            a.failure_detail
        } else if a.error_code == 50126 {
            Some("The user didn't enter the right credentials.")
        } else {
            Some("The user is required to use multi-factor authentication.")
        },
    }
}

/// The device: id and name only when it is managed, the OS and browser whenever the device is known.
fn device_detail<'a>(a: &SignInArgs<'a>) -> DeviceDetail<'a> {
    let device = a.device;
    DeviceDetail {
        device_id: if a.managed_device { device.map(|d| d.id.as_str()).unwrap_or("") } else { "" },
        display_name: if a.managed_device { device.map(|d| d.name.as_str()).unwrap_or("") } else { "" },
        operating_system: device.map(|d| d.os).unwrap_or(""),
        browser: device.map(|d| d.browser).unwrap_or(""),
        is_compliant: a.managed_device,
        is_managed: a.managed_device,
        trust_type: if a.managed_device { "Azure AD joined" } else { "" },
    }
}

/// The managed identity block: system-assigned with its function app's resource id for a managed identity
/// sign-in, "none" otherwise.
fn managed_identity<'a>(t: &Tenant, a: &SignInArgs, sp_name: &str) -> Msi<'a> {
    let msi = a.kind == Kind::SignInManagedIdentity;
    Msi {
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
    }
}
