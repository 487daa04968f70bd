//! AN1107, mailbox impersonation and delegation: ApplicationImpersonation for a dormant account, and
//! `full_access_as_app` for a service principal created minutes before.

use super::actions::{cmdlet, mail_reads, record_key};
use crate::gen::activity::services::{audit_with_mirror, leak};
use crate::gen::activity::{ual_actor, user_ref, Day};
use crate::gen::catalog::{App, Catalog};
use crate::gen::context::Addresses;
use crate::gen::ids;
use crate::gen::key::Entities;
use crate::gen::records::audit::{prop, quoted, target};
use crate::gen::records::ip_with_port;
use crate::gen::records::signin::SignInArgs;
use crate::gen::records::ual::UalActor;
use crate::gen::records::Kind;
use crate::gen::tenant::{Net, Person, ServicePrincipal, Tenant};
use chrono::{DateTime, Duration, Utc};

/// AN1107: ApplicationImpersonation for a dormant account at night from a new country, and `full_access_as_app`
/// granted to a service principal created minutes before; both are then used.
pub fn an1107(day: &mut Day) {
    let net = Net::new("203.0.113.77", "saopaulo");
    let ts = impersonation(day, &net);
    full_access_as_app(day, &net, ts + Duration::minutes(12));
}

/// The admin assigns ApplicationImpersonation to the dormant account, which then reads the CFO's mailbox through
/// EWS. Returns when the admin's PowerShell session signed in.
fn impersonation(day: &mut Day, net: &Net) -> DateTime<Utc> {
    let cat = Catalog::get();
    let t = day.t;
    let admin = t.people[t.cast.admin].clone();
    let dormant = t.dormant.clone();
    let cfo = t.people[t.cast.cfo].clone();
    let from = day.out.len();
    let ts = day.between(2.6, 2.8);
    let ps = day.user_sign_in(
        ts,
        Kind::SignInInteractive,
        &admin,
        None,
        "exo-rest-ps",
        "exchange",
        net,
        cat.ua("exo-powershell"),
        false,
    );
    let how = grant_impersonation(day, ts + Duration::minutes(2), &admin, &dormant, net, &ps.session_id);
    // The dormant account wakes up and uses EWS impersonation on the CFO's mailbox.
    let use_ts = ts + Duration::minutes(25);
    let dtok = day.user_sign_in(
        use_ts,
        Kind::SignInInteractive,
        &dormant,
        None,
        "office",
        "exchange",
        net,
        cat.ua("powershell"),
        false,
    );
    let reads_from = read_net(t, net);
    mail_reads(
        day,
        use_ts + Duration::minutes(1),
        110,
        5,
        &ual_actor(&dormant, false),
        &cfo,
        &reads_from,
        1,
        false,
        "Client=WebServices;ExchangeWebServices/15.0;",
        dtok.app.id,
        Some(&dtok),
        12..=30,
    );
    record_key(
        day,
        from,
        true,
        "an1107-impersonation",
        "AN1107",
        &format!(
            "{} {how} to dormant {} at night from {}, then the account reads {}'s mailbox",
            admin.upn, dormant.upn, net.place.country, cfo.upn
        ),
        Entities {
            users: vec![admin.upn.clone(), dormant.upn.clone()],
            ips: vec![net.ip.to_string(), reads_from.ip.to_string()],
            sessions: vec![ps.session_id.clone(), dtok.session_id.clone()],
            mailboxes: vec![cfo.upn.clone()],
            apps: vec![cat.app("exo-rest-ps").id.to_string()],
        },
        "high",
    );
    ts
}

/// The admin's cmdlets that give the dormant account ApplicationImpersonation, in one of the ways Exchange allows
/// (a direct role assignment, a new role group with the account as member, or a role group made first and the
/// account added to it). Returns what the admin did, for the answer key.
fn grant_impersonation(
    day: &mut Day,
    ts: DateTime<Utc>,
    admin: &Person,
    dormant: &Person,
    net: &Net,
    session: &str,
) -> &'static str {
    let name = format!("ApplicationImpersonation-{}", dormant.display.replace(' ', ""));
    let group = format!("Mail Compliance {}", dormant.display.split(' ').next().unwrap_or("Ops"));
    let actor = || UalActor { user_type: 2, ..ual_actor(admin, true) };
    let variant = day.t.variant("an1107-impersonation", 3);
    let port = day.port();
    let ip = ip_with_port(&net.ip, port);
    match variant {
        1 => {
            let params = vec![
                ("Name", group.clone()),
                ("Roles", "ApplicationImpersonation".to_string()),
                ("Members", dormant.upn_cased.clone()),
            ];
            cmdlet(day, ts, actor(), ip, "New-RoleGroup", group, params, false, session);
            "gives ApplicationImpersonation through a new role group"
        }
        2 => {
            let params = vec![("Name", group.clone()), ("Roles", "ApplicationImpersonation".to_string())];
            cmdlet(day, ts, actor(), ip.clone(), "New-RoleGroup", group.clone(), params, false, session);
            let params = vec![("Identity", group.clone()), ("Member", dormant.upn_cased.clone())];
            let later = ts + Duration::minutes(3);
            cmdlet(day, later, actor(), ip, "Add-RoleGroupMember", group, params, false, session);
            "gives ApplicationImpersonation through a role group made first and joined later"
        }
        _ => {
            let params = vec![
                ("Name", name.clone()),
                ("Role", "ApplicationImpersonation".to_string()),
                ("User", dormant.upn_cased.clone()),
            ];
            cmdlet(day, ts, actor(), ip, "New-ManagementRoleAssignment", name, params, false, session);
            "assigns ApplicationImpersonation"
        }
    }
}

/// Where the mailboxes are read from: the signing-in address, or with unseen addresses a second one no sign-in
/// places.
fn read_net(t: &Tenant, net: &Net) -> Net {
    match t.context.addresses {
        Addresses::Unseen => Net::new("203.0.113.78", "saopaulo"),
        _ => net.clone(),
    }
}

/// The app the intruder registers. Its ids come from a stream of their own, so they do not depend on the day (and
/// the case's allow lists can name it).
pub struct RogueApp {
    pub app_id: String,
    pub sp_id: String,
    pub name: &'static str,
    /// The id of the client secret it signs in with.
    pub key_id: String,
}

/// The intruder's app in tenant `t`.
pub fn rogue_app(t: &Tenant) -> RogueApp {
    let mut rng = ids::stream(t.seed, &[ids::label("rogue-app")]);
    let app_id = ids::guid(&mut rng);
    let sp_id = ids::guid(&mut rng);
    RogueApp { app_id, sp_id, name: "Mail Archive Connector", key_id: ids::guid(&mut rng) }
}

/// The admin creates a service principal, grants it `full_access_as_app` on Exchange, and the app then reads the
/// executives' mail with a client secret.
fn full_access_as_app(day: &mut Day, net: &Net, ts2: DateTime<Utc>) {
    let t = day.t;
    let admin = t.people[t.cast.admin].clone();
    let cfo = t.people[t.cast.cfo].clone();
    let ceo = t.people[t.cast.ceo].clone();
    let from = day.out.len();
    let portal = day.user_sign_in(
        ts2 - Duration::minutes(1),
        Kind::SignInInteractive,
        &admin,
        None,
        "azure-portal",
        "azure-mgmt",
        net,
        admin.device.browser_ua,
        false,
    );
    let app = rogue_app(t);
    let ip = net.ip.to_string();
    add_service_principal(day, ts2, &admin, &ip, &app);
    let grant_ts = ts2 + Duration::minutes(3);
    grant_full_access_as_app(day, grant_ts, &admin, &ip, &app);
    // The new app signs in with a secret and reads executives' mail through EWS.
    let sp = ServicePrincipal {
        app_id: app.app_id.clone(),
        sp_id: app.sp_id.clone(),
        name: app.name.into(),
        net: net.clone(),
        credential: "clientSecret",
        key_id: app.key_id.clone(),
        thumbprint: String::new(),
    };
    app_reads_mail(day, grant_ts + Duration::minutes(9), &admin, &sp, &[ceo.clone(), cfo.clone()]);
    let RogueApp { app_id, name: app_name, .. } = app;
    record_key(
        day,
        from,
        true,
        "an1107-full-access-as-app",
        "AN1107",
        &format!("full_access_as_app granted to the new service principal '{app_name}' ({app_id}) at night from {}, then used on executive mailboxes", net.place.country),
        Entities {
            users: vec![admin.upn.clone()],
            ips: vec![net.ip.to_string()],
            sessions: vec![portal.session_id.clone()],
            mailboxes: vec![ceo.upn.clone(), cfo.upn.clone()],
            apps: vec![app_id.clone()],
        },
        "high",
    );
}

/// The directory audit (and its UAL mirror) of the admin creating the app's service principal.
fn add_service_principal(day: &mut Day, ts: DateTime<Utc>, admin: &Person, ip: &str, app: &RogueApp) {
    let RogueApp { app_id, sp_id, name: app_name, .. } = app;
    audit_with_mirror(
        day,
        ts,
        admin,
        ip,
        "ApplicationManagement",
        "Add service principal",
        "Add service principal.",
        "Add",
        vec![target(
            sp_id,
            Some(app_name),
            "ServicePrincipal",
            None,
            vec![
                prop("AccountEnabled", Some("[]"), "[true]"),
                prop("AppPrincipalId", Some("[]"), &format!("[{}]", quoted(app_id))),
                prop("DisplayName", Some("[]"), &format!("[{}]", quoted(app_name))),
                prop("ServicePrincipalName", Some("[]"), &format!("[{}]", quoted(app_id))),
                prop(
                    "Included Updated Properties",
                    None,
                    &quoted("AccountEnabled, AppPrincipalId, DisplayName, ServicePrincipalName"),
                ),
                prop("TargetId.ServicePrincipalNames", None, &quoted(app_id)),
            ],
        )],
        vec![
            ("AppPrincipalId", String::new(), format!("[{}]", quoted(app_id))),
            ("DisplayName", String::new(), format!("[{}]", quoted(app_name))),
        ],
        vec![(sp_id.clone(), 2), (app_id.clone(), 2)],
    );
}

/// The directory audit (and its UAL mirror) of the admin granting the app Exchange's `full_access_as_app` role.
fn grant_full_access_as_app(day: &mut Day, grant_ts: DateTime<Utc>, admin: &Person, ip: &str, app: &RogueApp) {
    let RogueApp { app_id, sp_id, name: app_name, .. } = app;
    let exo = Catalog::get().app("exchange");
    let exo_sp = day.t.resource_sp(exo.id);
    let created = crate::gen::clock::iso_7(grant_ts);
    let role_id = "dc890d15-9560-4a4c-9b7f-a736ec74ec40";
    audit_with_mirror(
        day,
        grant_ts,
        admin,
        ip,
        "ApplicationManagement",
        "Add app role assignment to service principal",
        "Add app role assignment to service principal.",
        "Assign",
        vec![
            target(
                &exo_sp,
                Some(exo.name),
                "ServicePrincipal",
                None,
                vec![
                    prop("AppRole.Id", None, &quoted(role_id)),
                    prop("AppRole.Value", None, &quoted("full_access_as_app")),
                    prop(
                        "AppRole.DisplayName",
                        None,
                        &quoted("Use Exchange Web Services with full access to all mailboxes"),
                    ),
                    prop("AppRoleAssignment.CreatedDateTime", None, &quoted(&created)),
                    prop("AppRoleAssignment.LastModifiedDateTime", None, &quoted(&created)),
                    prop("ServicePrincipal.ObjectID", None, &quoted(sp_id)),
                    prop("ServicePrincipal.DisplayName", None, &quoted(app_name)),
                    prop("ServicePrincipal.AppId", None, &quoted(app_id)),
                    prop("ServicePrincipal.Name", None, &quoted(app_name)),
                    prop(
                        "TargetId.ServicePrincipalNames",
                        None,
                        &quoted(&format!("{};https://outlook.office365.com", exo.id)),
                    ),
                ],
            ),
            target(sp_id, None, "ServicePrincipal", None, vec![]),
        ],
        vec![
            ("AppRole.Id", String::new(), role_id.to_string()),
            ("AppRole.Value", String::new(), "full_access_as_app".into()),
            ("ServicePrincipal.AppId", String::new(), app_id.clone()),
            ("ServicePrincipal.ObjectID", String::new(), sp_id.clone()),
            ("ResourceAppId", String::new(), exo.id.to_string()),
        ],
        vec![(exo_sp.clone(), 2), (sp_id.clone(), 2)],
    );
}

/// The app's service-principal sign-in at `sts`, then its EWS reads of each mailbox, six minutes apart.
fn app_reads_mail(day: &mut Day, sts: DateTime<Utc>, admin: &Person, sp: &ServicePrincipal, mailboxes: &[Person]) {
    let exo = Catalog::get().app("exchange");
    let net = &sp.net;
    let ids_ = day.signin_ids(None);
    let mut a = SignInArgs::user(sts, Kind::SignInServicePrincipal, ids_, user_ref(admin), exo, exo, net, "");
    a.user = None;
    a.app = App { id: leak(&sp.app_id), name: leak(&sp.name) };
    a.sp = Some(sp);
    a.client_app_used = "";
    a.incoming_token = "none";
    let sptok = day.sign_in(&a);
    let net = &read_net(day.t, net);
    let sp_id = &sp.sp_id;
    let app_actor = UalActor { user_id: leak(sp_id), user_key: sp_id.clone(), user_type: 5, object_id: leak(sp_id) };
    for (k, mbx) in mailboxes.iter().enumerate() {
        mail_reads(
            day,
            sts + Duration::minutes(1 + 6 * k as i64),
            100,
            3,
            &app_actor,
            mbx,
            net,
            1,
            false,
            "Client=WebServices;ExchangeWebServices/15.0;",
            leak(&sp.app_id),
            Some(&sptok),
            15..=40,
        );
    }
}
