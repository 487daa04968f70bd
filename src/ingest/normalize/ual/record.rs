//! One UAL record in the Management Activity API schema (or its Log Analytics `OfficeActivity` flattening) mapped
//! into an event, part by part.

use super::exchange::add_mailbox_facts;
use crate::enrich::ip::parse_ip;
use crate::ingest::normalize::actor::{from_ual_user_type, from_user_id};
use crate::ingest::normalize::fields::{any_text, name_values, scalar_text, text_at, Rec};
use crate::ingest::normalize::outcome::outcomes;
use crate::ingest::normalize::{lower_id, required_time, Normalized, Reject, TimeAssumption};
use crate::model::{ActorKind, Event, EventResult, ModifiedProperty, Source, Target};

/// Maps one UAL record into an event. `documented_utc`: the container documents `CreationTime` as UTC.
pub(super) fn from_record(r: Rec, documented_utc: bool) -> Result<Normalized, Reject> {
    let (ts, assumption) = record_time(&r, documented_utc)?;
    let operation = r
        .text(&["Operation", "Operations"])
        .ok_or_else(|| Reject("UAL record has no Operation".into()))?
        .trim_end()
        .to_string();
    let native_id = r.text(&["Id", "OfficeId", "SourceRecordId"]);
    let workload = r.text(&["Workload", "OfficeWorkload"]).unwrap_or_default();
    let record_type = r.text(&["RecordType"]).unwrap_or_default();
    let source = source_for(&workload, &record_type);
    let mut e =
        Event { id: native_id.clone().unwrap_or_default(), ts, source: Some(source), operation, ..Event::default() };
    e.tenant_id = lower_id(r.text(&["OrganizationId"]));
    judge_result(&mut e, &r);
    set_actor(&mut e, &r);
    set_network(&mut e, &r);
    set_client_context(&mut e, &r);
    add_name_value_lists(&mut e, &r);
    if let Some(ids) = r.text(&["ApplicationId"]) {
        if e.app_id.is_none() {
            e.app_id = Some(ids.to_ascii_lowercase());
        }
    }
    add_targets(&mut e, &r);
    if source == Source::UalExchange {
        add_mailbox_facts(&mut e, &r);
    }
    if e.session_id.as_deref() == Some("") {
        e.session_id = None;
    }
    Ok(Normalized { event: e, assumption, native_id })
}

/// The record's time: `CreationTime` (UTC when the container documents it so), else `TimeGenerated`,
/// `Start_Time` or `ElevationTime`, read as UTC.
fn record_time(
    r: &Rec,
    documented_utc: bool,
) -> Result<(Option<chrono::DateTime<chrono::Utc>>, TimeAssumption), Reject> {
    Ok(match r.text(&["CreationTime"]) {
        Some(_) => required_time(r, &["CreationTime"], documented_utc)?,
        None => {
            let (t, _) = required_time(r, &["TimeGenerated", "Start_Time", "ElevationTime"], true)?;
            (t, TimeAssumption::None)
        }
    })
}

/// Which UAL source a record belongs to, from its workload or record type (name or number).
fn source_for(workload: &str, record_type: &str) -> Source {
    let w = workload.to_ascii_lowercase();
    let rt = record_type.to_ascii_lowercase();
    if w == "exchange" || rt.starts_with("exchange") || matches!(rt.as_str(), "1" | "2" | "3" | "50") {
        Source::UalExchange
    } else if w == "sharepoint"
        || w == "onedrive"
        || rt.starts_with("sharepoint")
        || matches!(rt.as_str(), "4" | "6" | "14")
    {
        Source::UalSharepoint
    } else if w == "azureactivedirectory"
        || rt.starts_with("azureactivedirectory")
        || matches!(rt.as_str(), "8" | "9" | "15")
    {
        Source::UalAzureAd
    } else if w == "microsoftteams" || rt.starts_with("microsoftteams") || rt == "25" {
        Source::UalTeams
    } else {
        Source::UalOther
    }
}

/// Success or failure by the UAL outcome rules, with the failure's detail.
fn judge_result(e: &mut Event, r: &Rec) {
    let rules = &outcomes().ual;
    let field = |f: &str| r.text(&[f]);
    e.result = rules.judge(&e.operation, &field);
    if e.result == EventResult::Failure {
        e.result_detail = rules.detail(&field);
    }
    if matches!(e.operation.as_str(), "UserLoggedIn" | "UserLoginFailed") {
        // The UAL's copy of a sign-in keeps the Entra error code in ErrorNumber (0 for success).
        let code = r.int(&["ErrorNumber", "ErrorCode"]);
        if code.is_some() {
            e.signin = Some(crate::model::SignInInfo { error_code: code, ..crate::model::SignInInfo::default() });
        }
    }
}

/// Who acted: the user id and key, and what kind of principal the user type and id say it is.
fn set_actor(e: &mut Event, r: &Rec) {
    let user_id = r.text(&["UserId", "UserIds"]);
    e.actor.id = lower_id(r.text(&["UserKey"]));
    let mut kind = r.text(&["UserType"]).as_deref().and_then(from_ual_user_type).unwrap_or(ActorKind::User);
    if let Some(k) = user_id.as_deref().and_then(from_user_id) {
        kind = k;
    }
    e.actor.kind = kind;
    // Entra's records in the UAL list the acting user by object id as well (`Actor`, type 0): the one place a case
    // without sign-in logs pairs an object id with its UPN.
    if kind == ActorKind::User && user_id.as_deref().is_some_and(|u| u.contains('@')) {
        if let Some(id) = actor_object_id(r) {
            e.actor.id = Some(id);
        }
    }
    e.actor.upn = user_id.map(|u| u.to_lowercase());
    if kind == ActorKind::System || kind == ActorKind::Anonymous {
        e.actor.display_name = r.text(&["UserId"]);
    }
}

/// The object id in the record's `Actor` list (the entry of type 0 that is a GUID), lower-case.
fn actor_object_id(r: &Rec) -> Option<String> {
    let list = r.structured(&["Actor"])?;
    list.as_array()?.iter().find_map(|a| {
        let id = text_at(a, &["ID"])?;
        let kind = a.get("Type").and_then(scalar_text).unwrap_or_default();
        (kind == "0" && crate::enrich::learned::is_object_id(&id)).then(|| id.to_ascii_lowercase())
    })
}

/// The client address and port, under whichever name the workload gives it.
fn set_network(e: &mut Event, r: &Rec) {
    let ip = r.text(&["ClientIP", "ClientIPAddress", "Client_IPAddress", "ActorIpAddress", "ClientIP_"]);
    if let Some((ip, port)) = ip.as_deref().and_then(parse_ip) {
        e.net.ip = Some(ip);
        e.net.port = port;
    }
}

/// The app, session, token and correlation the action came through (from the record or its
/// `AppAccessContext`), with the user agent and device.
fn set_client_context(e: &mut Event, r: &Rec) {
    let ctx = r.object(&["AppAccessContext"]);
    e.app_id = lower_id(
        r.text(&["AppId", "ApplicationId", "ClientAppId", "AzureADAppId"])
            .or_else(|| ctx.as_ref().and_then(|c| c.text("ClientAppId"))),
    );
    e.app_name = r
        .text(&["ApplicationDisplayName", "ClientAppName"])
        .or_else(|| ctx.as_ref().and_then(|c| c.text("ClientAppName")));
    e.session_id = lower_id(r.text(&["SessionId"]).or_else(|| ctx.as_ref().and_then(|c| c.text("AADSessionId"))));
    e.token_id = ctx.as_ref().and_then(|c| c.text("UniqueTokenId"));
    e.correlation_id = lower_id(
        ctx.as_ref().and_then(|c| c.text("CorrelationId")).or_else(|| r.text(&["InterSystemsId", "CorrelationId"])),
    );
    e.user_agent = r.text(&["UserAgent"]);
    e.device.id = lower_id(r.text(&["DeviceId"]));
}

/// The record's name/value lists become parameters; a session id or user agent among them fills a gap.
fn add_name_value_lists(e: &mut Event, r: &Rec) {
    for key in ["Parameters", "OperationProperties", "ExtendedProperties", "DeviceProperties"] {
        if let Some(list) = r.structured(&[key]) {
            for (k, v) in name_values(&list) {
                match k.as_str() {
                    "SessionId" if e.session_id.is_none() => e.session_id = Some(v.to_ascii_lowercase()),
                    "UserAgent" if e.user_agent.is_none() => e.user_agent = Some(v.clone()),
                    _ => {}
                }
                e.params.push((k, v));
            }
        }
    }
}

/// What the action was done to: the record's own object (with its modified properties) and its `Target` list.
fn add_targets(e: &mut Event, r: &Rec) {
    let primary = Target {
        kind: r.text(&["ItemType"]),
        id: r.text(&["ObjectId", "OfficeObjectId"]),
        name: r.text(&["ModifiedObjectResolvedName", "SourceFileName", "TargetUserOrGroupName"]),
        modified: modified_properties(r),
        ..Target::default()
    };
    if primary.id.is_some() || primary.name.is_some() || !primary.modified.is_empty() {
        e.targets.push(primary);
    }
    if let Some(list) = r.structured(&["Target"]) {
        for t in list.as_array().into_iter().flatten() {
            if let Some(id) = text_at(t, &["ID"]) {
                e.targets.push(Target {
                    id: Some(id.clone()),
                    kind: text_at(t, &["Type"]),
                    upn: id.contains('@').then(|| id.to_lowercase()),
                    ..Target::default()
                });
            }
        }
    }
}

/// The record's `ModifiedProperties`, each with its old and new value.
fn modified_properties(r: &Rec) -> Vec<ModifiedProperty> {
    let mut modified = Vec::new();
    if let Some(mods) = r.structured(&["ModifiedProperties"]) {
        if let Some(list) = mods.as_array() {
            for m in list {
                let Some(name) = text_at(m, &["Name"]) else { continue };
                modified.push(ModifiedProperty {
                    name,
                    old: m.get("OldValue").and_then(|v| scalar_text(v).or_else(|| any_text(v))),
                    new: m.get("NewValue").and_then(|v| scalar_text(v).or_else(|| any_text(v))),
                });
            }
        }
    }
    modified
}
