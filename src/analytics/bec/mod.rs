//! The detections responders check first in a business-email-compromise case: mailbox rules and forwarding,
//! consent and app credentials, audit tampering, authentication and role changes, sprays and fatigue, risky and
//! impossible sign-ins, bulk mail access and deletion, legacy protocols and weakened policies. Each is one file
//! with its `run`, registered in `registry.rs` with its metadata and runbook.

pub mod device_code;
pub mod impossible_travel;
pub mod mfa_fatigue;
pub mod password_spray;
pub mod risky_sign_in;
mod signins;
