//! The partner technician who acts in the tenant through a partner relationship: their sign-ins and how the UAL
//! names them.

use crate::gen::activity::{Day, Token};
use crate::gen::catalog::Catalog;
use crate::gen::records::signin::{SignInArgs, SignInUser};
use crate::gen::records::ual::UalActor;
use crate::gen::records::Kind;
use crate::gen::tenant::{Net, Partner};
use chrono::{DateTime, Utc};

/// The technician as the user side of a sign-in: a guest from the partner's tenant.
fn technician<'a>(partner: &'a Partner) -> SignInUser<'a> {
    SignInUser {
        upn: &partner.technician_upn,
        display: &partner.technician_display,
        id: &partner.technician_id,
        user_type: "guest",
    }
}

/// A partner technician's sign-in into the tenant (crossTenantAccessType serviceProvider).
pub fn technician_sign_in(
    day: &mut Day,
    partner: &Partner,
    ts: DateTime<Utc>,
    net: &Net,
    app: &str,
    resource: &str,
    interactive: bool,
) -> Token {
    let cat = Catalog::get();
    let ids = day.signin_ids(None);
    let kind = if interactive { Kind::SignInInteractive } else { Kind::SignInNonInteractive };
    let ua = if app == "exo-rest-ps" { cat.ua("exo-powershell") } else { cat.ua("chrome-win") };
    let mut a = SignInArgs::user(ts, kind, ids, technician(partner), cat.app(app), cat.app(resource), net, ua);
    a.cross_tenant = "serviceProvider";
    a.home_tenant = Some((&partner.tenant_id, &partner.name));
    a.mfa = interactive;
    day.sign_in(&a)
}

/// The partner technician as a UAL actor (UserType 9, PartnerTechnician).
pub fn technician_actor(partner: &Partner) -> UalActor<'_> {
    UalActor {
        user_id: &partner.technician_upn,
        user_key: partner.technician_id.clone(),
        user_type: 9,
        object_id: &partner.technician_id,
    }
}
