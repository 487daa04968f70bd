//! What a touch records about how its principal signed in: success, interactivity, device and protocol, the
//! error and its reason, the client app, and (in side tables, since few sign-ins have them) Identity Protection
//! risk and the coordinates the record gave the address.

use super::observe::Observed;
use super::strings::Sym;
use super::touch::{flags, TouchKind};
use super::Store;
use crate::model::{ActorKind, Event};

/// Longest failure reason kept.
const MAX_REASON_LEN: usize = 240;

/// Bound on located addresses, so a case of random addresses cannot grow the table without end.
const MAX_PLACES: usize = 500_000;

/// The sign-in flag bits of a touch (success, interactive, unmanaged device, service provider, device code/ROPC,
/// device-code flow, single factor).
pub(super) fn signin_flags(ev: &Event, seen: &Observed) -> u16 {
    let mut fl = 0u16;
    if seen.success {
        fl |= flags::SUCCESS;
    }
    if seen.interactive {
        fl |= flags::INTERACTIVE;
    }
    if ev.device.managed == Some(false) || (seen.signin && ev.device.managed.is_none() && ev.device.id.is_none()) {
        fl |= flags::UNMANAGED;
    }
    if let Some(si) = &ev.signin {
        if si.cross_tenant_access_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("serviceProvider")) {
            fl |= flags::SERVICE_PROVIDER;
        }
        let protocol = si.auth_protocol.as_deref().map(str::to_ascii_lowercase).unwrap_or_default();
        if protocol == "devicecode" || protocol == "ropc" {
            fl |= flags::DEVICE_CODE_OR_ROPC;
        }
        if protocol == "devicecode"
            || si.original_transfer_method.as_deref().is_some_and(|m| m.eq_ignore_ascii_case("deviceCodeFlow"))
        {
            fl |= flags::DEVICE_CODE_FLOW;
        }
        if si.auth_requirement.as_deref().is_some_and(|r| r.eq_ignore_ascii_case("singleFactorAuthentication")) {
            fl |= flags::SINGLE_FACTOR;
        }
        if si.no_risk_fields {
            fl |= flags::RISK_UNKNOWN;
        }
    }
    if ev.actor.kind == ActorKind::Partner {
        fl |= flags::SERVICE_PROVIDER;
    }
    fl
}

/// The error, failure reason and client app of a sign-in touch.
pub(super) struct SignInFacts {
    pub error: u32,
    pub reason: Sym,
    pub client: Sym,
}

/// Identity Protection's view of one sign-in, as the record gives it (values as written, `none` left out).
#[derive(Debug, Clone, Default)]
pub struct SignInRisk {
    /// `riskLevelDuringSignIn`.
    pub during: Sym,
    /// `riskLevelAggregated`.
    pub aggregated: Sym,
    /// `riskState`.
    pub state: Sym,
    /// `riskDetail`.
    pub detail: Sym,
    /// The risk event types, comma-separated.
    pub types: Sym,
}

/// Where a sign-in record (or a GeoIP city database) placed an address.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub latitude: f32,
    pub longitude: f32,
    pub city: Sym,
    pub country: Sym,
    /// The GeoIP database that gave the coordinates; 0 when the record did.
    pub by: Sym,
}

impl Store {
    /// The sign-in part of a touch; zero for touches that are not sign-ins.
    pub(super) fn signin_facts(&mut self, ev: &Event, kind: TouchKind, seen: &Observed) -> SignInFacts {
        let mut f = SignInFacts { error: 0, reason: 0, client: 0 };
        if !matches!(kind, TouchKind::SignIn | TouchKind::UalSignIn) {
            return f;
        }
        let si = ev.signin.as_ref();
        f.error = si.and_then(|s| s.error_code).and_then(|c| u32::try_from(c).ok()).unwrap_or(0);
        f.client = self.sym_opt(si.and_then(|s| s.client_app.as_deref()).map(str::trim));
        if !seen.success {
            let detail = si.and_then(|s| s.status_detail.as_deref()).filter(|d| !d.trim().is_empty());
            let reason = match (ev.result_detail.as_deref(), detail) {
                (Some(r), Some(d)) => format!("{r} | {d}"),
                (Some(r), None) => r.to_string(),
                (None, Some(d)) => d.to_string(),
                (None, None) => String::new(),
            };
            let reason: String = reason.chars().take(MAX_REASON_LEN).collect();
            f.reason = self.sym_opt(Some(reason.trim()));
        }
        if let Some(s) = si {
            self.note_risk(ev, s);
        }
        f
    }

    /// Keeps the Identity Protection facts of a sign-in that has any.
    fn note_risk(&mut self, ev: &Event, s: &crate::model::SignInInfo) {
        if s.risk_level.is_none()
            && s.risk_level_aggregated.is_none()
            && s.risk_state.is_none()
            && s.risk_event_types.is_empty()
        {
            return;
        }
        let types = s.risk_event_types.join(", ");
        let risk = SignInRisk {
            during: self.sym_opt(s.risk_level.as_deref()),
            aggregated: self.sym_opt(s.risk_level_aggregated.as_deref()),
            state: self.sym_opt(s.risk_state.as_deref()),
            detail: self.sym_opt(s.risk_detail.as_deref()),
            types: self.sym_opt(Some(&types)),
        };
        self.risk.insert(ev.id.as_str().into(), risk);
    }

    /// Remembers the coordinates a record gave its address (the first seen wins).
    pub(super) fn note_place(&mut self, ev: &Event, ip: Sym, country: Sym) {
        let (Some(lat), Some(lon)) = (ev.net.latitude, ev.net.longitude) else { return };
        if ip == 0 || self.places.len() >= MAX_PLACES || self.places.contains_key(&ip) {
            return;
        }
        let city = self.sym_opt(ev.net.city.as_deref().map(str::trim));
        let by = self.sym_opt(ev.net.located_by.as_deref());
        self.places.insert(ip, Place { latitude: lat as f32, longitude: lon as f32, city, country, by });
    }
}
