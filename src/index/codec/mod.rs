//! The stored form of an [`Event`]: a compact positional encoding instead of JSON.
//!
//! Every pass over a whole case decodes every stored event, and JSON spent most of that time finding field names
//! and scanning strings for escapes. Here fields are written in a fixed order, strings as a length and their
//! bytes, so decoding is a walk over the text. The encoders destructure every struct whole: a field added to the
//! model does not compile until it is stored too. Events stored as JSON by earlier versions are still read.

mod wire;

use crate::model::{
    Actor, ActorKind, Device, Event, EventResult, GraphRequest, MailboxAccess, ModifiedProperty, Network, Origin,
    SignInInfo, Source, Target, UaClass,
};
use chrono::{DateTime, Utc};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
pub use wire::WireError;
use wire::{Reader, Writer};

/// First character of an encoded event, and its version; JSON starts with `{`.
const MARKER: char = 'E';
/// Encoding version, written after the marker.
const VERSION: u64 = 2;

/// Encodes an event for the index.
pub fn encode(ev: &Event) -> String {
    let mut w = Writer::with_capacity(1024);
    w.marker(MARKER);
    w.uint(VERSION);
    put_event(&mut w, ev);
    w.finish()
}

/// Decodes a stored event: this encoding, or the JSON earlier versions stored.
pub fn decode(text: &str) -> Result<Event, String> {
    if text.starts_with('{') {
        return serde_json::from_str(text).map_err(|e| e.to_string());
    }
    let mut r = Reader::new(text);
    let ev = read_event(&mut r).map_err(|e| e.to_string())?;
    if !r.at_end() {
        return Err("stored event has bytes after its last field".into());
    }
    Ok(ev)
}

fn read_event(r: &mut Reader<'_>) -> Result<Event, WireError> {
    r.marker(MARKER)?;
    if r.uint()? != VERSION {
        return Err(r.error("unknown encoding version; run `harrier ingest --rebuild`"));
    }
    get_event(r)
}

fn put_event(w: &mut Writer, ev: &Event) {
    let Event {
        id,
        ts,
        source,
        operation,
        result,
        result_detail,
        actor,
        tenant_id,
        app_id,
        app_name,
        resource_id,
        resource_name,
        net,
        user_agent,
        ua_class,
        device,
        session_id,
        token_id,
        correlation_id,
        signin,
        params,
        targets,
        http,
        mailbox,
        origin,
    } = ev;
    w.str(id);
    match ts {
        None => w.uint(0),
        Some(t) => {
            w.uint(1);
            w.int(t.timestamp());
            w.uint(t.timestamp_subsec_nanos() as u64);
        }
    }
    w.uint(source.map_or(0, |s| Source::ALL.iter().position(|x| *x == s).map_or(0, |i| i as u64 + 1)));
    w.str(operation);
    w.uint(result_code(*result));
    w.opt_str(result_detail.as_deref());
    put_actor(w, actor);
    for s in [tenant_id, app_id, app_name, resource_id, resource_name] {
        w.opt_str(s.as_deref());
    }
    put_network(w, net);
    w.opt_str(user_agent.as_deref());
    w.uint(ua_class_code(*ua_class));
    put_device(w, device);
    for s in [session_id, token_id, correlation_id] {
        w.opt_str(s.as_deref());
    }
    match signin {
        None => w.uint(0),
        Some(s) => {
            w.uint(1);
            put_signin(w, s);
        }
    }
    w.uint(params.len() as u64);
    for (k, v) in params {
        w.str(k);
        w.str(v);
    }
    w.uint(targets.len() as u64);
    for t in targets {
        put_target(w, t);
    }
    match http {
        None => w.uint(0),
        Some(h) => {
            w.uint(1);
            put_http(w, h);
        }
    }
    match mailbox {
        None => w.uint(0),
        Some(m) => {
            w.uint(1);
            put_mailbox(w, m);
        }
    }
    let Origin { file, record, line } = origin;
    w.str(file);
    w.uint(*record);
    w.opt_uint(*line);
}

fn get_event(r: &mut Reader<'_>) -> Result<Event, WireError> {
    let id = r.str()?;
    let ts = match r.uint()? {
        0 => None,
        _ => {
            let secs = r.int()?;
            let nanos: u32 = r.small()?;
            Some(DateTime::<Utc>::from_timestamp(secs, nanos).ok_or_else(|| r.error("time out of range"))?)
        }
    };
    let source = match r.uint()? {
        0 => None,
        n => Some(*Source::ALL.get(n as usize - 1).ok_or_else(|| r.error("unknown source"))?),
    };
    let operation = r.str()?;
    let result = result_of(r)?;
    let result_detail = r.opt_str()?;
    let actor = get_actor(r)?;
    let (tenant_id, app_id, app_name, resource_id, resource_name) =
        (r.opt_str()?, r.opt_str()?, r.opt_str()?, r.opt_str()?, r.opt_str()?);
    let net = get_network(r)?;
    let user_agent = r.opt_str()?;
    let ua_class = ua_class_of(r)?;
    let device = get_device(r)?;
    let (session_id, token_id, correlation_id) = (r.opt_str()?, r.opt_str()?, r.opt_str()?);
    let signin = if r.uint()? == 0 { None } else { Some(get_signin(r)?) };
    let n = r.count()?;
    let mut params = Vec::with_capacity(n);
    for _ in 0..n {
        params.push((r.str()?, r.str()?));
    }
    let n = r.count()?;
    let mut targets = Vec::with_capacity(n);
    for _ in 0..n {
        targets.push(get_target(r)?);
    }
    let http = if r.uint()? == 0 { None } else { Some(get_http(r)?) };
    let mailbox = if r.uint()? == 0 { None } else { Some(get_mailbox(r)?) };
    let origin = Origin { file: r.str()?, record: r.uint()?, line: r.opt_uint()? };
    Ok(Event {
        id,
        ts,
        source,
        operation,
        result,
        result_detail,
        actor,
        tenant_id,
        app_id,
        app_name,
        resource_id,
        resource_name,
        net,
        user_agent,
        ua_class,
        device,
        session_id,
        token_id,
        correlation_id,
        signin,
        params,
        targets,
        http,
        mailbox,
        origin,
    })
}

fn put_actor(w: &mut Writer, a: &Actor) {
    let Actor { upn, id, display_name, kind, home_tenant } = a;
    w.opt_str(upn.as_deref());
    w.opt_str(id.as_deref());
    w.opt_str(display_name.as_deref());
    w.uint(actor_kind_code(*kind));
    w.opt_str(home_tenant.as_deref());
}

fn get_actor(r: &mut Reader<'_>) -> Result<Actor, WireError> {
    Ok(Actor {
        upn: r.opt_str()?,
        id: r.opt_str()?,
        display_name: r.opt_str()?,
        kind: actor_kind_of(r)?,
        home_tenant: r.opt_str()?,
    })
}

fn put_network(w: &mut Writer, n: &Network) {
    let Network { ip, port, country, city, asn, latitude, longitude, located_by } = n;
    match ip {
        None => w.uint(0),
        Some(IpAddr::V4(a)) => {
            w.uint(1);
            w.uint(u32::from(*a) as u64);
        }
        Some(IpAddr::V6(a)) => {
            w.uint(2);
            let bits = u128::from(*a);
            w.uint((bits >> 64) as u64);
            w.uint(bits as u64);
        }
    }
    w.opt_uint(port.map(u64::from));
    w.opt_str(country.as_deref());
    w.opt_str(city.as_deref());
    w.opt_uint(asn.map(u64::from));
    w.opt_uint(latitude.map(f64::to_bits));
    w.opt_uint(longitude.map(f64::to_bits));
    w.opt_str(located_by.as_deref());
}

fn get_network(r: &mut Reader<'_>) -> Result<Network, WireError> {
    let ip = match r.uint()? {
        0 => None,
        1 => Some(IpAddr::V4(Ipv4Addr::from(r.small::<u32>()?))),
        2 => {
            let hi = r.uint()? as u128;
            let lo = r.uint()? as u128;
            Some(IpAddr::V6(Ipv6Addr::from(hi << 64 | lo)))
        }
        _ => return Err(r.error("bad address tag")),
    };
    Ok(Network {
        ip,
        port: opt_small(r)?,
        country: r.opt_str()?,
        city: r.opt_str()?,
        asn: opt_small(r)?,
        latitude: r.opt_uint()?.map(f64::from_bits),
        longitude: r.opt_uint()?.map(f64::from_bits),
        located_by: r.opt_str()?,
    })
}

fn put_device(w: &mut Writer, d: &Device) {
    let Device { id, name, os, browser, managed, compliant } = d;
    for s in [id, name, os, browser] {
        w.opt_str(s.as_deref());
    }
    w.opt_bool(*managed);
    w.opt_bool(*compliant);
}

fn get_device(r: &mut Reader<'_>) -> Result<Device, WireError> {
    Ok(Device {
        id: r.opt_str()?,
        name: r.opt_str()?,
        os: r.opt_str()?,
        browser: r.opt_str()?,
        managed: r.opt_bool()?,
        compliant: r.opt_bool()?,
    })
}

fn put_signin(w: &mut Writer, s: &SignInInfo) {
    let SignInInfo {
        interactive,
        auth_protocol,
        cross_tenant_access_type,
        credential_type,
        client_app,
        incoming_token_type,
        error_code,
        risk_level,
        risk_level_aggregated,
        risk_state,
        risk_detail,
        risk_event_types,
        status_detail,
        auth_requirement,
        original_transfer_method,
        no_risk_fields,
    } = s;
    w.opt_bool(*interactive);
    for v in [auth_protocol, cross_tenant_access_type, credential_type, client_app, incoming_token_type] {
        w.opt_str(v.as_deref());
    }
    match error_code {
        None => w.uint(0),
        Some(c) => {
            w.uint(1);
            w.int(*c);
        }
    }
    for v in [risk_level, risk_level_aggregated, risk_state, risk_detail] {
        w.opt_str(v.as_deref());
    }
    w.uint(risk_event_types.len() as u64);
    for t in risk_event_types {
        w.str(t);
    }
    for v in [status_detail, auth_requirement, original_transfer_method] {
        w.opt_str(v.as_deref());
    }
    w.opt_bool(Some(*no_risk_fields));
}

fn get_signin(r: &mut Reader<'_>) -> Result<SignInInfo, WireError> {
    let interactive = r.opt_bool()?;
    let (auth_protocol, cross_tenant_access_type, credential_type, client_app, incoming_token_type) =
        (r.opt_str()?, r.opt_str()?, r.opt_str()?, r.opt_str()?, r.opt_str()?);
    let error_code = if r.uint()? == 0 { None } else { Some(r.int()?) };
    let (risk_level, risk_level_aggregated, risk_state, risk_detail) =
        (r.opt_str()?, r.opt_str()?, r.opt_str()?, r.opt_str()?);
    let n = r.count()?;
    let mut risk_event_types = Vec::with_capacity(n);
    for _ in 0..n {
        risk_event_types.push(r.str()?);
    }
    Ok(SignInInfo {
        interactive,
        auth_protocol,
        cross_tenant_access_type,
        credential_type,
        client_app,
        incoming_token_type,
        error_code,
        risk_level,
        risk_level_aggregated,
        risk_state,
        risk_detail,
        risk_event_types,
        status_detail: r.opt_str()?,
        auth_requirement: r.opt_str()?,
        original_transfer_method: r.opt_str()?,
        no_risk_fields: r.opt_bool()? == Some(true),
    })
}

fn put_target(w: &mut Writer, t: &Target) {
    let Target { kind, id, upn, name, modified } = t;
    for s in [kind, id, upn, name] {
        w.opt_str(s.as_deref());
    }
    w.uint(modified.len() as u64);
    for m in modified {
        let ModifiedProperty { name, old, new } = m;
        w.str(name);
        w.opt_str(old.as_deref());
        w.opt_str(new.as_deref());
    }
}

fn get_target(r: &mut Reader<'_>) -> Result<Target, WireError> {
    let (kind, id, upn, name) = (r.opt_str()?, r.opt_str()?, r.opt_str()?, r.opt_str()?);
    let n = r.count()?;
    let mut modified = Vec::with_capacity(n);
    for _ in 0..n {
        modified.push(ModifiedProperty { name: r.str()?, old: r.opt_str()?, new: r.opt_str()? });
    }
    Ok(Target { kind, id, upn, name, modified })
}

fn put_http(w: &mut Writer, h: &GraphRequest) {
    let GraphRequest { method, uri, uri_template, status, bytes, scopes, roles } = h;
    w.str(method);
    w.str(uri);
    w.opt_str(uri_template.as_deref());
    w.opt_uint(status.map(u64::from));
    w.opt_uint(*bytes);
    w.opt_str(scopes.as_deref());
    w.opt_str(roles.as_deref());
}

fn get_http(r: &mut Reader<'_>) -> Result<GraphRequest, WireError> {
    Ok(GraphRequest {
        method: r.str()?,
        uri: r.str()?,
        uri_template: r.opt_str()?,
        status: opt_small(r)?,
        bytes: r.opt_uint()?,
        scopes: r.opt_str()?,
        roles: r.opt_str()?,
    })
}

fn put_mailbox(w: &mut Writer, m: &MailboxAccess) {
    let MailboxAccess { mailbox, logon_type, item_count, client_info, external_access } = m;
    w.opt_str(mailbox.as_deref());
    w.opt_uint(logon_type.map(u64::from));
    w.opt_uint(*item_count);
    w.opt_str(client_info.as_deref());
    w.opt_bool(*external_access);
}

fn get_mailbox(r: &mut Reader<'_>) -> Result<MailboxAccess, WireError> {
    Ok(MailboxAccess {
        mailbox: r.opt_str()?,
        logon_type: opt_small(r)?,
        item_count: r.opt_uint()?,
        client_info: r.opt_str()?,
        external_access: r.opt_bool()?,
    })
}

fn opt_small<T: TryFrom<u64>>(r: &mut Reader<'_>) -> Result<Option<T>, WireError> {
    match r.opt_uint()? {
        None => Ok(None),
        Some(v) => T::try_from(v).map(Some).map_err(|_| r.error("number out of range")),
    }
}

fn result_code(r: EventResult) -> u64 {
    match r {
        EventResult::Success => 0,
        EventResult::Failure => 1,
        EventResult::Unknown => 2,
    }
}

fn result_of(r: &mut Reader<'_>) -> Result<EventResult, WireError> {
    let c = r.uint()?;
    [EventResult::Success, EventResult::Failure, EventResult::Unknown]
        .get(c as usize)
        .copied()
        .ok_or_else(|| r.error("unknown result"))
}

fn actor_kind_code(k: ActorKind) -> u64 {
    match k {
        ActorKind::User => 0,
        ActorKind::Sp => 1,
        ActorKind::Mi => 2,
        ActorKind::Partner => 3,
        ActorKind::System => 4,
        ActorKind::Guest => 5,
        ActorKind::Anonymous => 6,
    }
}

fn actor_kind_of(r: &mut Reader<'_>) -> Result<ActorKind, WireError> {
    let c = r.uint()?;
    use ActorKind::*;
    [User, Sp, Mi, Partner, System, Guest, Anonymous]
        .get(c as usize)
        .copied()
        .ok_or_else(|| r.error("unknown actor kind"))
}

fn ua_class_code(c: UaClass) -> u64 {
    match c {
        UaClass::Browser => 0,
        UaClass::OfficeClient => 1,
        UaClass::Mobile => 2,
        UaClass::Scripting => 3,
        UaClass::Powershell => 4,
        UaClass::Offensive => 5,
        UaClass::MicrosoftService => 6,
        UaClass::Empty => 7,
        UaClass::Other => 8,
    }
}

fn ua_class_of(r: &mut Reader<'_>) -> Result<UaClass, WireError> {
    let c = r.uint()?;
    use UaClass::*;
    [Browser, OfficeClient, Mobile, Scripting, Powershell, Offensive, MicrosoftService, Empty, Other]
        .get(c as usize)
        .copied()
        .ok_or_else(|| r.error("unknown client class"))
}

#[cfg(test)]
mod tests;
