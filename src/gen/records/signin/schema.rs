//! The shape of a sign-in record as Graph returns it: field names, nesting and order.

use crate::gen::records::Kind;
use serde::Serialize;

/// The `signInEventTypes` value of each kind of sign-in.
pub(super) fn event_type(kind: Kind) -> &'static str {
    match kind {
        Kind::SignInNonInteractive => "nonInteractiveUser",
        Kind::SignInServicePrincipal => "servicePrincipal",
        Kind::SignInManagedIdentity => "managedIdentity",
        _ => "interactiveUser",
    }
}

/// One entry of `authenticationDetails`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Step<'a> {
    pub(super) authentication_step_date_time: &'a str,
    pub(super) authentication_method: &'a str,
    pub(super) authentication_method_detail: &'a str,
    pub(super) succeeded: bool,
    pub(super) authentication_step_result_detail: &'a str,
    pub(super) authentication_step_requirement: &'a str,
    #[serde(rename = "StatusSequence")]
    pub(super) status_sequence: u8,
    #[serde(rename = "RequestSequence")]
    pub(super) request_sequence: u8,
}

/// One entry of `authenticationProcessingDetails`.
#[derive(Serialize)]
pub(super) struct KeyValue<'a> {
    pub(super) key: &'a str,
    pub(super) value: &'a str,
}

/// `status`: the error code and why the sign-in failed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Status<'a> {
    pub(super) error_code: i64,
    pub(super) failure_reason: &'a str,
    pub(super) additional_details: Option<&'a str>,
}

/// `deviceDetail`: the device as Entra saw it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DeviceDetail<'a> {
    pub(super) device_id: &'a str,
    pub(super) display_name: &'a str,
    pub(super) operating_system: &'a str,
    pub(super) browser: &'a str,
    pub(super) is_compliant: bool,
    pub(super) is_managed: bool,
    pub(super) trust_type: &'a str,
}

/// `geoCoordinates` of a location.
#[derive(Serialize)]
pub(super) struct Geo {
    pub(super) altitude: Option<f64>,
    pub(super) latitude: f64,
    pub(super) longitude: f64,
}

/// `location`: where the address is.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Location<'a> {
    pub(super) city: &'a str,
    pub(super) state: &'a str,
    pub(super) country_or_region: &'a str,
    pub(super) geo_coordinates: Geo,
}

/// `managedServiceIdentity`: set for a managed identity's sign-in.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Msi<'a> {
    pub(super) msi_type: &'a str,
    pub(super) associated_resource_id: String,
    pub(super) federated_token_id: &'a str,
    pub(super) federated_token_issuer: &'a str,
}

/// An empty list, for the arrays the generator leaves empty.
pub(super) const NONE: &[(); 0] = &[];

/// The whole record, fields in the order Graph writes them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SignInRecord<'a> {
    pub(super) id: &'a str,
    pub(super) created_date_time: &'a str,
    pub(super) user_display_name: &'a str,
    pub(super) user_principal_name: &'a str,
    pub(super) user_id: &'a str,
    pub(super) app_id: &'a str,
    pub(super) app_display_name: &'a str,
    pub(super) ip_address: &'a str,
    pub(super) ip_address_from_resource_provider: Option<&'a str>,
    pub(super) client_app_used: &'a str,
    pub(super) user_agent: &'a str,
    pub(super) correlation_id: &'a str,
    pub(super) conditional_access_status: &'a str,
    pub(super) original_request_id: &'a str,
    pub(super) is_interactive: bool,
    pub(super) token_issuer_name: &'a str,
    pub(super) token_issuer_type: &'a str,
    pub(super) client_credential_type: &'a str,
    pub(super) processing_time_in_milliseconds: i64,
    pub(super) risk_detail: &'a str,
    pub(super) risk_level_aggregated: &'a str,
    pub(super) risk_level_during_sign_in: &'a str,
    pub(super) risk_state: &'a str,
    #[serde(rename = "riskEventTypes_v2")]
    pub(super) risk_event_types_v2: &'a [&'a str],
    pub(super) resource_display_name: &'a str,
    pub(super) resource_id: &'a str,
    pub(super) resource_tenant_id: &'a str,
    pub(super) home_tenant_id: &'a str,
    pub(super) home_tenant_name: &'a str,
    pub(super) authentication_methods_used: Vec<&'a str>,
    pub(super) authentication_requirement: &'a str,
    pub(super) sign_in_identifier: &'a str,
    pub(super) sign_in_identifier_type: Option<&'a str>,
    pub(super) service_principal_name: &'a str,
    pub(super) sign_in_event_types: [&'a str; 1],
    pub(super) service_principal_id: &'a str,
    pub(super) federated_credential_id: &'a str,
    pub(super) user_type: &'a str,
    pub(super) flagged_for_review: bool,
    pub(super) is_tenant_restricted: bool,
    pub(super) autonomous_system_number: u32,
    pub(super) cross_tenant_access_type: &'a str,
    pub(super) service_principal_credential_key_id: &'a str,
    pub(super) service_principal_credential_thumbprint: &'a str,
    pub(super) unique_token_identifier: &'a str,
    pub(super) incoming_token_type: &'a str,
    pub(super) authentication_protocol: &'a str,
    pub(super) resource_service_principal_id: &'a str,
    pub(super) sign_in_token_protection_status: &'a str,
    pub(super) original_transfer_method: &'a str,
    pub(super) is_through_global_secure_access: bool,
    pub(super) global_secure_access_ip_address: &'a str,
    pub(super) session_id: &'a str,
    pub(super) app_owner_tenant_id: &'a str,
    pub(super) resource_owner_tenant_id: &'a str,
    pub(super) mfa_detail: Option<&'a str>,
    pub(super) status: Status<'a>,
    pub(super) device_detail: DeviceDetail<'a>,
    pub(super) location: Location<'a>,
    pub(super) applied_conditional_access_policies: &'a [(); 0],
    pub(super) authentication_processing_details: Vec<KeyValue<'a>>,
    pub(super) network_location_details: &'a [(); 0],
    pub(super) authentication_details: Vec<Step<'a>>,
    pub(super) session_lifetime_policies: &'a [(); 0],
    pub(super) managed_service_identity: Msi<'a>,
}

/// The tenant that owns Microsoft's first-party apps.
pub(super) const MICROSOFT_TENANT: &str = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
