//! Builders for the sign-in detections' tests: failed and interrupted sign-ins, the UAL's logon copies, risk,
//! device code and located addresses.

use super::build::*;
use crate::model::{Event, EventResult, SignInInfo, Source};
use chrono::{DateTime, Utc};

/// Entra's reason for a wrong password.
pub const BAD_PASSWORD: &str = "Invalid username or password or Invalid on-premise username or password.";

/// A sign-in of `upn` (interactive) from `place` with error `code` (0 is success) and Entra's `reason`.
pub fn attempt(id: &str, ts: DateTime<Utc>, upn: &str, place: Place, code: i64, reason: &str) -> Event {
    let mut e = sign_in(id, ts, upn, true).via(place);
    if code != 0 {
        e.result = EventResult::Failure;
        e.result_detail = Some(format!("{code}: {reason}"));
    }
    if let Some(si) = e.signin.as_mut() {
        si.error_code = Some(code);
    }
    e
}

/// The UAL's copy of a sign-in (`UserLoggedIn` / `UserLoginFailed`) with its ErrorNumber and LogonError.
pub fn ual_logon(id: &str, ts: DateTime<Utc>, upn: &str, place: Place, code: i64, logon_error: &str) -> Event {
    let op = if code == 0 { "UserLoggedIn" } else { "UserLoginFailed" };
    let mut e = event(id, ts, Source::UalAzureAd, op).by(upn).via(place).ua(PYTHON);
    if code != 0 {
        e.result = EventResult::Failure;
        e.result_detail = Some(logon_error.to_string());
    }
    e.signin = Some(SignInInfo { error_code: Some(code), ..Default::default() });
    e
}

/// Sets fields of the sign-in facts.
pub fn with_signin(mut e: Event, f: impl FnOnce(&mut SignInInfo)) -> Event {
    f(e.signin.get_or_insert_with(Default::default));
    e
}

/// Places the address at coordinates, as a sign-in record's `geoCoordinates` do.
pub fn located(mut e: Event, city: &str, lat: f64, lon: f64) -> Event {
    e.net.city = Some(city.to_string());
    e.net.latitude = Some(lat);
    e.net.longitude = Some(lon);
    e
}

/// A user's object id, as Entra writes it on their records.
pub fn with_object_id(mut e: Event, id: &str) -> Event {
    e.actor.id = Some(id.to_string());
    e
}
