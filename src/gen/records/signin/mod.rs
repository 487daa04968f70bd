//! Entra sign-in records (Graph beta `signIn` resource, camelCase).

mod record;
mod schema;

pub use record::signin;

use super::Kind;
use crate::gen::catalog::App;
use crate::gen::clock;
use crate::gen::ids::unique_token_id;
use crate::gen::tenant::{Device, Net, ServicePrincipal, Tenant};
use chrono::{DateTime, Utc};

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
    /// Identity Protection's view of the sign-in (none for most).
    pub risk: Option<Risk<'a>>,
    /// `authenticationProtocol` (`none`, `deviceCode`, `ropc` …).
    pub protocol: &'a str,
    /// `originalTransferMethod` (`none`, `deviceCodeFlow` …).
    pub transfer: &'a str,
    /// The failure detail Entra adds (`status.additionalDetails`), when not the usual one for the error code.
    pub failure_detail: Option<&'a str>,
}

/// Identity Protection's scoring of a sign-in, as the record carries it.
#[derive(Debug, Clone, Copy)]
pub struct Risk<'a> {
    /// `riskLevelDuringSignIn` (`none`, `low`, `medium`, `high`).
    pub during: &'a str,
    /// `riskLevelAggregated`: the user's risk with this sign-in counted, carried by later sign-ins too.
    pub aggregated: &'a str,
    /// `riskState` (`atRisk`, `dismissed`, `confirmedCompromised` …).
    pub state: &'a str,
    /// `riskDetail` (`none`, `adminDismissedAllRiskForUser` …).
    pub detail: &'a str,
    /// `riskEventTypes_v2` (`unfamiliarFeatures`, `anonymizedIPAddress` …).
    pub events: &'a [&'a str],
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
            risk: None,
            protocol: "none",
            transfer: "none",
            failure_detail: None,
        }
    }

    /// The token's unique identifier (derived from the request id, as Entra does).
    pub fn uti(&self) -> String {
        unique_token_id(&self.request_id)
    }
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
