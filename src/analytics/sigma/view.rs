//! A harrier event seen through the field mapping: what a Sigma rule reads, computed only for the fields it asks.

use super::fields::{workload, FieldMap, Path};
use super::record::{FieldValue, Record};
use crate::model::{Event, EventResult};
use std::borrow::Cow;

/// One event with the mapping that names its fields.
pub struct EventView<'a> {
    pub event: &'a Event,
    pub map: &'a FieldMap,
}

fn s(v: &Option<String>) -> Option<FieldValue<'_>> {
    v.as_deref().filter(|x| !x.is_empty()).map(|x| FieldValue::Str(Cow::Borrowed(x)))
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> Option<FieldValue<'a>> {
    let l: Vec<Cow<'a, str>> = items.filter(|x| !x.is_empty()).map(Cow::Borrowed).collect();
    (!l.is_empty()).then_some(FieldValue::List(l))
}

fn result_title(r: EventResult) -> Option<FieldValue<'static>> {
    match r {
        EventResult::Success => Some(FieldValue::Str(Cow::Borrowed("Success"))),
        EventResult::Failure => Some(FieldValue::Str(Cow::Borrowed("Failure"))),
        EventResult::Unknown => None,
    }
}

/// The value at `path` in `ev`, or `None` when the event has nothing there.
pub fn value_at<'a>(ev: &'a Event, path: &Path) -> Option<FieldValue<'a>> {
    let signin = ev.signin.as_ref();
    match path {
        Path::Operation => {
            Some(FieldValue::Str(Cow::Borrowed(ev.operation.as_str()))).filter(|_| !ev.operation.is_empty())
        }
        Path::Result => (ev.result != EventResult::Unknown).then(|| FieldValue::Str(Cow::Borrowed(ev.result.as_str()))),
        Path::ResultTitle => result_title(ev.result),
        Path::ResultDetail => s(&ev.result_detail),
        Path::ErrorCode => signin.and_then(|i| i.error_code).map(FieldValue::Int),
        Path::Workload => workload(ev.source).map(|w| FieldValue::Str(Cow::Borrowed(w))),
        Path::Actor => {
            list([&ev.actor.upn, &ev.actor.display_name, &ev.actor.id].into_iter().flatten().map(String::as_str))
        }
        Path::ActorUpn => s(&ev.actor.upn),
        Path::ActorId => s(&ev.actor.id),
        Path::ActorName => s(&ev.actor.display_name),
        Path::AppId => s(&ev.app_id),
        Path::AppName => s(&ev.app_name),
        Path::ResourceId => s(&ev.resource_id),
        Path::ResourceName => s(&ev.resource_name),
        Path::TenantId => s(&ev.tenant_id),
        Path::HomeTenant => s(&ev.actor.home_tenant),
        Path::Ip => ev.net.ip.map(|ip| FieldValue::Str(Cow::Owned(ip.to_string()))),
        Path::Country => s(&ev.net.country),
        Path::City => s(&ev.net.city),
        Path::UserAgent => s(&ev.user_agent),
        Path::SessionId => s(&ev.session_id),
        Path::CorrelationId => s(&ev.correlation_id),
        Path::DeviceId => s(&ev.device.id),
        Path::DeviceCompliant => ev.device.compliant.map(FieldValue::Bool),
        Path::DeviceManaged => ev.device.managed.map(FieldValue::Bool),
        Path::ClientApp => signin.and_then(|i| s(&i.client_app)),
        Path::AuthRequirement => signin.and_then(|i| s(&i.auth_requirement)),
        Path::AuthProtocol => signin.and_then(|i| s(&i.auth_protocol)),
        Path::RiskState => signin.and_then(|i| s(&i.risk_state)),
        Path::RiskLevel => signin.and_then(|i| s(&i.risk_level)),
        Path::RiskEventTypes => signin.and_then(|i| list(i.risk_event_types.iter().map(String::as_str))),
        Path::StatusDetail => signin.and_then(|i| s(&i.status_detail)),
        Path::Targets => {
            list(ev.targets.iter().flat_map(|t| [&t.name, &t.upn, &t.id].into_iter().flatten()).map(String::as_str))
        }
        Path::TargetIds => list(ev.targets.iter().filter_map(|t| t.id.as_deref())),
        Path::TargetTypes => list(ev.targets.iter().filter_map(|t| t.kind.as_deref())),
        Path::ModifiedNames => list(ev.targets.iter().flat_map(|t| t.modified.iter().map(|m| m.name.as_str()))),
        Path::ModifiedNew => list(ev.targets.iter().flat_map(|t| t.modified.iter().filter_map(|m| m.new.as_deref()))),
        Path::ModifiedOld => list(ev.targets.iter().flat_map(|t| t.modified.iter().filter_map(|m| m.old.as_deref()))),
        Path::Params => (!ev.params.is_empty()).then(|| {
            let text: Vec<String> = ev.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
            FieldValue::Str(Cow::Owned(text.join("; ")))
        }),
        Path::Param(name) => ev.param(name).map(|v| FieldValue::Str(Cow::Borrowed(v))),
    }
}

impl Record for EventView<'_> {
    fn field(&self, name: &str) -> Option<FieldValue<'_>> {
        match self.map.paths(name) {
            Some(paths) => paths.iter().find_map(|p| value_at(self.event, p)),
            None => self.event.param(name).map(|v| FieldValue::Str(Cow::Borrowed(v))),
        }
    }

    fn each_string(&self, visit: &mut dyn FnMut(&str)) {
        let ev = self.event;
        visit(&ev.operation);
        for v in
            [&ev.actor.upn, &ev.actor.display_name, &ev.app_name, &ev.resource_name, &ev.user_agent, &ev.result_detail]
                .into_iter()
                .flatten()
        {
            visit(v);
        }
        for t in &ev.targets {
            for v in [&t.name, &t.upn, &t.id].into_iter().flatten() {
                visit(v);
            }
        }
        for (k, v) in &ev.params {
            visit(k);
            visit(v);
        }
    }

    fn id(&self) -> &str {
        &self.event.id
    }
}
