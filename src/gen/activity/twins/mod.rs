//! The benign twins of the business-email-compromise pack's plants: the everyday acts that look like an
//! intruder's (an admin's tidy-up rule, approved forwarding to a partner, a helpdesk MFA reset, a scheduled role
//! activation, a user on a VPN) and must not alert. Each goes into the answer key as a look-alike.

mod identity;
mod mail;
mod signin;

use crate::gen::activity::scenarios::Roles;
use crate::gen::activity::Day;

/// A twin: the detection it must not raise, the days it spans (ending on its day), and the function planting it
/// (told whether this is the last of those days, the one its key entry names).
pub type Twin = (&'static str, u32, fn(&mut Day, &Roles, bool));

/// Every twin, by the detection it must stay quiet for.
pub const TWINS: [Twin; 16] = [
    ("inbox-rule", 1, mail::inbox_rule),
    ("mail-forwarding", 1, mail::mail_forwarding),
    ("audit-tampering", 1, mail::audit_tampering),
    ("mass-mail-access", 1, mail::mass_mail_access),
    ("mass-deletion", 1, mail::mass_deletion),
    ("legacy-protocol", 1, mail::legacy_protocol),
    ("oauth-consent", 1, identity::oauth_consent),
    ("app-credential", 1, identity::app_credential),
    ("auth-method-change", 1, identity::auth_method_change),
    ("privileged-role", 1, identity::privileged_role),
    ("policy-weakening", 1, identity::policy_weakening),
    ("password-spray", 1, signin::password_spray),
    ("mfa-fatigue", 1, signin::mfa_fatigue),
    ("impossible-travel", 1, signin::impossible_travel),
    ("device-code", 4, signin::device_code),
    ("risky-sign-in", 1, signin::risky_sign_in),
];
