//! The normalized fields of one event as the detail view lists them: label, whole value, and the entity
//! kind a field holds (so `e`, `p`, `t` and `y` act on the field under the cursor).

use super::entity::EntityKind;
use crate::model::Event;
use crate::time::format::show;
use chrono_tz::Tz;

/// Parameters listed at most, so a record with thousands of them stays readable.
const MAX_PARAMS: usize = 40;

/// One line of the detail view.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub label: String,
    pub value: String,
    pub entity: Option<EntityKind>,
}

/// The fields of `e` that have a value, in reading order.
pub fn fields(e: &Event, tz: Tz) -> Vec<Field> {
    let mut out = Vec::with_capacity(24);
    let mut add = |label: &str, value: Option<String>, entity: Option<EntityKind>| {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            out.push(Field { label: label.to_string(), value, entity });
        }
    };
    add("time", Some(show(e.ts, tz)), None);
    add("source", e.source.map(|s| s.as_str().to_string()), None);
    add("operation", Some(e.operation.clone()), None);
    add("result", Some(e.result.as_str().to_string()), None);
    add("detail", e.result_detail.clone(), None);
    let user = EntityKind::User.of_event(e).map(|_| EntityKind::User);
    add("actor", Some(e.actor_label().to_string()), user);
    add("actor id", e.actor.id.clone(), user);
    add("actor kind", Some(e.actor.kind.as_str().to_string()), None);
    let app = EntityKind::App.of_event(e).map(|_| EntityKind::App);
    add("app", Some(e.app_label().to_string()), app);
    add("app id", e.app_id.clone(), app);
    add("ip", e.net.ip.map(|i| i.to_string()), Some(EntityKind::Ip));
    add("country", e.net.country.clone(), None);
    add("city", e.net.city.clone(), None);
    add("asn", e.net.asn.map(|a| format!("AS{a}")), None);
    add("user agent", e.user_agent.clone(), None);
    add("ua class", Some(e.ua_class.as_str().to_string()), None);
    add("session", e.session_id.clone(), Some(EntityKind::Session));
    add("token", e.token_id.clone(), None);
    add("correlation", e.correlation_id.clone(), None);
    add("mailbox", e.mailbox.as_ref().and_then(|m| m.mailbox.clone()), Some(EntityKind::Mailbox));
    add("target", Some(e.target_label()), None);
    add("uri", e.http.as_ref().map(|h| format!("{} {}", h.method, h.uri)), None);
    for (k, v) in e.params.iter().take(MAX_PARAMS) {
        add(&format!("param {k}"), Some(v.clone()), None);
    }
    add("file", Some(format!("{} #{}", e.origin.file, e.origin.record)), None);
    add("event id", Some(e.id.clone()), None);
    out
}

/// The entity value a field stands for: the pivot value of its kind (the actor line shows a display name,
/// but pivots on the UPN or id).
pub fn entity_value(e: &Event, f: &Field) -> Option<(EntityKind, String)> {
    let kind = f.entity?;
    let value = match (kind, f.label.as_str()) {
        (EntityKind::User, "actor id") | (EntityKind::App, "app id") => f.value.clone(),
        _ => kind.of_event(e)?,
    };
    Some((kind, value))
}
