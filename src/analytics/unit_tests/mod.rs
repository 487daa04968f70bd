//! Each detection over small hand-built event lists: it fires on the act, stays quiet on look-alikes, honours its
//! allow lists, and says so when the sources it needs are missing.

mod an0534;
mod an0959;
mod an1089;
mod an1107;
mod an1350;
mod app_credential;
mod audit_tampering;
mod auth_method_change;
mod build;
mod device_code;
mod impossible_travel;
mod inbox_rule;
mod legacy_protocol;
mod mailbox_forwarding;
mod mass_deletion;
mod mass_mail_access;
mod mfa_fatigue;
mod oauth_consent;
mod password_spray;
mod policy_weakening;
mod privileged_role;
mod risky_sign_in;
mod search_export;
mod signin_build;
mod snapshot_mail;
mod thin_history;
mod transport_rule;
mod variants;
