//! What a touch records about how its principal signed in: success, interactivity, device and protocol.

use super::observe::Observed;
use super::touch::flags;
use crate::model::{ActorKind, Event};

/// The sign-in flag bits of a touch (success, interactive, unmanaged device, service provider, device code/ROPC).
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
        if si.auth_protocol.as_deref().is_some_and(|p| {
            let p = p.to_ascii_lowercase();
            p == "devicecode" || p == "ropc"
        }) {
            fl |= flags::DEVICE_CODE_OR_ROPC;
        }
    }
    if ev.actor.kind == ActorKind::Partner {
        fl |= flags::SERVICE_PROVIDER;
    }
    fl
}
