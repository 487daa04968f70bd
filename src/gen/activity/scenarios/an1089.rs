//! AN1089, directory enumeration: an account that never does this pages through every user's mail address.

use super::actions::{enumeration_burst, record_key};
use crate::gen::activity::Day;
use crate::gen::catalog::Catalog;
use crate::gen::context::Addresses;
use crate::gen::key::Entities;
use crate::gen::records::Kind;
use crate::gen::tenant::Net;
use chrono::Duration;

/// AN1089: an account that never does this pages through `/users` with `$select=mail` and expands groups.
pub fn an1089(day: &mut Day) {
    let cat = Catalog::get();
    let t = day.t;
    let from = day.out.len();
    let p = t.people[t.cast.enum_actor].clone();
    let net = p.home.clone();
    let ts = day.between(13.0, 13.3);
    let ua = cat.ua("forged-chrome");
    let tok = day.user_sign_in(ts, Kind::SignInNonInteractive, &p, None, "office", "graph", &net, ua, false);
    // With unseen addresses the listing runs from a host that never signs in, on the token issued at home.
    let data_net = match t.context.addresses {
        Addresses::Unseen => Net::new("203.0.113.120", "frankfurt-vps"),
        _ => net.clone(),
    };
    enumeration_burst(day, ts + Duration::seconds(20), &p, &tok, &data_net, ua, 30, 8, "mail");
    let entities = Entities {
        users: vec![p.upn.clone()],
        ips: vec![data_net.ip.to_string()],
        sessions: vec![tok.session_id.clone()],
        mailboxes: vec![],
        apps: vec![tok.app.id.to_string()],
    };
    record_key(
        day,
        from,
        true,
        "an1089-mail-enumeration",
        "AN1089",
        &format!("{} pages through every user's mail address and expands group membership through Graph", p.upn),
        entities,
        "medium",
    );
}
