//! Each detection over small hand-built event lists: it fires on the act, stays quiet on look-alikes, honours its
//! allow lists, and says so when the sources it needs are missing.

mod an0534;
mod an0959;
mod an1089;
mod an1107;
mod an1350;
mod build;
mod device_code;
mod impossible_travel;
mod mfa_fatigue;
mod password_spray;
mod risky_sign_in;
mod signin_build;
mod variants;
