//! User risk, risk detections, roles and PIM assignments, and the user inventory.

use super::super::fields::Fields;
use crate::facts::{RiskDetection, RoleAssignment, RoleHold, UserRecord, UserRisk};

/// A user's risk; it must name the user by UPN or object id.
pub(super) fn risk(f: &Fields) -> Result<UserRisk, String> {
    let (upn, user_id) = (f.lower("upn"), f.lower("user_id"));
    if upn.is_none() && user_id.is_none() {
        return Err(format!("{} and {} are both empty", column(f, "upn"), column(f, "user_id")));
    }
    Ok(UserRisk {
        upn,
        user_id,
        display_name: f.text("display_name"),
        level: f.require("level")?,
        state: f.require("state")?,
        detail: f.text("detail"),
        last_updated: f.time("last_updated")?,
        deleted: f.flag("deleted")?,
    })
}

/// One risk detection.
pub(super) fn detection(f: &Fields) -> Result<RiskDetection, String> {
    Ok(RiskDetection {
        id: f.require("id")?,
        upn: f.lower("upn"),
        user_id: f.lower("user_id"),
        event_type: f.require("event_type")?,
        level: f.text("level").unwrap_or_default(),
        state: f.text("state").unwrap_or_default(),
        detail: f.text("detail"),
        activity: f.text("activity"),
        activity_at: f.time("activity_at")?,
        detected_at: f.time("detected_at")?,
        last_updated: f.time("last_updated")?,
        ip: f.text("ip"),
        city: f.text("city"),
        country: f.text("country"),
        timing: f.text("timing"),
        correlation_id: f.lower("correlation_id"),
        request_id: f.lower("request_id"),
    })
}

/// One role a user holds: a member of a directory role, or a PIM assignment (eligible when it says so).
pub(super) fn role(f: &Fields) -> Result<RoleAssignment, String> {
    let hold = match f.lower("assignment") {
        None => RoleHold::Member,
        Some(a) if a.contains("eligible") => RoleHold::PimEligible,
        Some(_) => RoleHold::PimActive,
    };
    Ok(RoleAssignment {
        upn: Some(f.require("upn")?.to_lowercase()),
        user_id: f.lower("user_id"),
        display_name: f.text("display_name"),
        role: f.require("role")?,
        hold,
        start: f.time("start")?,
        end: f.time("end")?,
        scope: f.text("scope"),
    })
}

/// One user of the inventory.
pub(super) fn user(f: &Fields) -> Result<UserRecord, String> {
    Ok(UserRecord {
        upn: f.require("upn")?.to_lowercase(),
        user_id: f.lower("user_id"),
        display_name: f.text("display_name"),
        enabled: f.flag("enabled")?,
        user_type: f.text("user_type"),
        created: f.time("created")?,
        password_changed: f.time("password_changed")?,
        last_sign_in: f.time("last_sign_in")?,
        last_noninteractive_sign_in: f.time("last_noninteractive_sign_in")?,
        department: f.text("department"),
        job_title: f.text("job_title"),
    })
}

/// The catalogue's name of a field's first column, for messages.
fn column(f: &Fields, field: &str) -> String {
    f.shape.columns(field).first().cloned().unwrap_or_else(|| field.to_string())
}
