//! AN0534, scripted access: a scripting client signs in as a user and reads mail and OneDrive in bulk.

use super::actions::{record_key, scripted_reads};
use crate::gen::activity::{user_ref, Day};
use crate::gen::catalog::Catalog;
use crate::gen::context::Addresses;
use crate::gen::key::Entities;
use crate::gen::records::signin::SignInArgs;
use crate::gen::records::Kind;
use crate::gen::tenant::Net;
use chrono::Duration;

/// The scripted clients the act is done with; the seed picks one, so different seeds plant different tools.
const CLIENTS: [(&str, &str); 5] = [
    ("python-requests", "python-requests"),
    ("go-http", "a Go HTTP client"),
    ("aiohttp", "aiohttp"),
    ("roadtools", "ROADtools"),
    ("azurehound", "AzureHound"),
];

/// AN0534: a scripting client signs in as a user and reads mail and OneDrive in bulk.
pub fn an0534(day: &mut Day) {
    let cat = Catalog::get();
    let t = day.t;
    let from = day.out.len();
    let p = t.people[t.cast.script_victim].clone();
    let net = Net::new("203.0.113.45", "piscataway-vps");
    let (key, tool) = CLIENTS[t.variant("an0534-client", CLIENTS.len())];
    let ua = cat.ua(key);
    let ts = day.between(10.5, 11.0);
    let ids = day.signin_ids(None);
    let mut a = SignInArgs::user(
        ts,
        Kind::SignInInteractive,
        ids,
        user_ref(&p),
        cat.app("graph-cli"),
        cat.app("graph"),
        &net,
        ua,
    );
    a.client_app_used = "Mobile Apps and Desktop clients";
    a.mfa = true;
    a.scopes = "Mail.Read Files.Read.All User.Read";
    let tok = day.sign_in(&a);
    // With unseen addresses the token is carried to a second host that never signs in.
    let data_net = match t.context.addresses {
        Addresses::Unseen => Net::new("203.0.113.46", "piscataway-vps"),
        _ => net.clone(),
    };
    scripted_reads(day, &p, &tok, &data_net, ua, ts + Duration::minutes(2), 30, 12);
    let entities = Entities {
        users: vec![p.upn.clone()],
        ips: vec![net.ip.to_string()],
        sessions: vec![tok.session_id.clone()],
        mailboxes: vec![p.upn.clone()],
        apps: vec![cat.app("graph-cli").id.to_string()],
    };
    record_key(
        day,
        from,
        true,
        "an0534-scripted-graph",
        "AN0534",
        &format!("{tool} session of {} reads mail and OneDrive in bulk through Microsoft Graph", p.upn),
        entities,
        "high",
    );
}
