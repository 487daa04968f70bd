//! The detections responders check first in a business-email-compromise case: mailbox rules and forwarding,
//! consent and app credentials, audit tampering, authentication and role changes, sprays and fatigue, risky and
//! impossible sign-ins, bulk mail access and deletion, legacy protocols and weakened policies. Each is one file
//! with its `run`, registered in `registry.rs` with its metadata and runbook.

pub mod app_credential;
pub mod app_facts;
pub mod audit_tampering;
pub mod auth_facts;
pub mod auth_method_change;
pub mod bursts;
pub mod device_code;
mod directory_deletion;
pub mod identity_context;
pub mod impossible_travel;
pub mod inbox_rule;
mod inbox_rule_facts;
pub mod legacy_protocol;
pub mod mail_dest;
pub mod mail_forwarding;
mod mailbox_forwarding;
mod mailbox_forwarding_facts;
pub mod mass_deletion;
pub mod mass_mail_access;
pub mod mfa_fatigue;
pub mod oauth_consent;
pub mod password_spray;
pub mod policy_weakening;
pub mod privileged_role;
pub mod risky_sign_in;
mod search_export;
mod signins;
mod snapshot_cite;
mod transport_rule;
