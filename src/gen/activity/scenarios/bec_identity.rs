//! The pack's directory acts: consent to an intruder's app, credentials added to apps, sign-in methods changed,
//! roles granted and tenant policies loosened, each with an account the intruder holds, from an address of theirs.

use super::actions::cmdlet;
use super::bec_pack::Roles;
use super::bec_steps::{attacker, directory, keyed, one, security_info, sign_in_as, Material, Named};
use crate::gen::activity::{ual_actor, Day};
use crate::gen::catalog::Catalog;
use crate::gen::records::audit::{prop, quoted, target};
use crate::gen::records::ip_with_port;
use crate::gen::records::Kind;
use crate::gen::tenant::{Net, Person};
use chrono::Duration;
use rand::Rng;

/// The key entry of a plant made with `p`'s account from `net`.
fn plant_key(day: &mut Day, from: usize, id: &str, analytic: &'static str, text: &str, p: &Person, net: &Net) {
    let named = Named { users: vec![&p.upn], ips: vec![net.ip.to_string()], mailboxes: vec![] };
    keyed(day, from, true, id, analytic, text, named, "low");
}

/// The intruder's own sign-in as `p` (password and MFA relayed by a phishing proxy) before they change things.
fn intruder_sign_in(day: &mut Day, ts: chrono::DateTime<chrono::Utc>, p: &Person, net: &Net) {
    let ua = p.device.browser_ua;
    sign_in_as(day, ts, Kind::SignInInteractive, p, net, ua, ("azure-portal", "azure-portal"), None, |_| {});
}

/// Consent to an app nobody used before: a person's own consent for mail and offline access after the app's service
/// principal appears (0), a tenant-wide admin consent to mail and files (1), or Graph's Mail.Read application
/// permission granted to it (2).
pub fn oauth_consent(day: &mut Day, r: &Roles, v: usize) {
    let (p, net) = (&r.victim, attacker(day));
    let from = day.out.len();
    let ts = day.between(7.0, 21.0);
    let app_name = one(day, &Material::get().consent_apps);
    let (app_id, sp_id) = (day.guid(), day.guid());
    let ip = if v == 0 { p.home.ip.to_string() } else { net.ip.to_string() };
    let sp_id = if v == 2 { day.t.resource_sp(&app_id) } else { sp_id };
    intruder_sign_in(day, ts - Duration::minutes(6), p, if v == 0 { &p.home } else { &net });
    let sp = target(&sp_id, Some(&app_name), "ServicePrincipal", None, vec![prop("AppId", None, &quoted(&app_id))]);
    directory(
        day,
        ts - Duration::seconds(20),
        p,
        &ip,
        "Add service principal",
        "ApplicationManagement",
        "Add",
        vec![sp],
        vec![],
    );
    if v == 2 {
        app_permission(day, ts, p, &net, (&app_id, &app_name));
        let text = format!("{}'s account grants '{app_name}' the Mail.Read application permission", p.upn);
        let named = Named { users: vec![&p.upn], ips: vec![net.ip.to_string()], mailboxes: vec![] };
        keyed(day, from, true, "pack-oauth-consent", "oauth-consent", &text, named, "low");
        return;
    }
    let admin = v == 1;
    let scope =
        if admin { "Mail.Read Files.Read.All offline_access User.Read" } else { "Mail.Read offline_access User.Read" };
    let graph_sp = day.t.resource_sp(Catalog::get().app("graph").id);
    let perms = format!(
        "[] => [[Id: {}, ClientId: {sp_id}, PrincipalId: {}, ResourceId: {graph_sp}, ConsentType: {}, Scope: {scope}, CreatedDateTime: , LastModifiedDateTime: ]]; ",
        day.guid(),
        if admin { "" } else { p.id.as_str() },
        if admin { "AllPrincipals" } else { "Principal" },
    );
    let flag = if admin { "True" } else { "False" };
    let props = vec![
        prop("ConsentContext.IsAdminConsent", None, flag),
        prop("ConsentContext.IsAppOnly", None, "False"),
        prop("ConsentContext.OnBehalfOfAll", None, flag),
        prop("ConsentContext.Tags", None, "WindowsAzureActiveDirectoryIntegratedApp"),
        prop("ConsentAction.Permissions", None, &perms),
        prop("TargetId.ServicePrincipalNames", None, &quoted(&app_id)),
    ];
    let tgt = target(&sp_id, Some(&app_name), "ServicePrincipal", None, props);
    directory(day, ts, p, &ip, "Consent to application", "ApplicationManagement", "Assign", vec![tgt], vec![]);
    let who = if admin { "for the whole tenant" } else { "for their own mailbox" };
    let text = format!("{} consents {who} to '{app_name}', an app first seen minutes before", p.upn);
    let ips = if admin { net.ip.to_string() } else { p.home.ip.to_string() };
    let named = Named { users: vec![&p.upn], ips: vec![ips], mailboxes: vec![] };
    keyed(day, from, true, "pack-oauth-consent", "oauth-consent", &text, named, "low");
}

/// Graph's Mail.Read application permission given to the app `(id, name)`, as the directory records the grant on
/// Microsoft Graph's service principal.
fn app_permission(day: &mut Day, ts: chrono::DateTime<chrono::Utc>, p: &Person, net: &Net, app: (&str, &str)) {
    let graph = Catalog::get().app("graph");
    let graph_sp = day.t.resource_sp(graph.id);
    let props = vec![
        prop("AppRole.Id", None, &quoted("810c84a8-4a9e-49e6-bf7d-12d183f40d01")),
        prop("AppRole.Value", None, &quoted("Mail.Read")),
        prop("AppRole.DisplayName", None, &quoted("Read mail in all mailboxes")),
        prop("ServicePrincipal.ObjectID", None, &quoted(&day.t.resource_sp(app.0))),
        prop("ServicePrincipal.AppId", None, &quoted(app.0)),
        prop("ServicePrincipal.DisplayName", None, &quoted(app.1)),
    ];
    let tgt = target(&graph_sp, Some(graph.name), "ServicePrincipal", None, props);
    let ip = net.ip.to_string();
    let op = "Add app role assignment to service principal";
    directory(day, ts, p, &ip, op, "ApplicationManagement", "Assign", vec![tgt], vec![]);
}

/// A way to sign in as an app: a secret on the integration's service principal (0), a new owner and secret on an
/// app registration (1), or an app registered with the reply address rclone listens on, open to other tenants (2).
pub fn app_credential(day: &mut Day, r: &Roles, v: usize) {
    let t = day.t;
    let (p, net) = (&r.victim, attacker(day));
    let from = day.out.len();
    let ts = day.between(6.0, 22.0);
    let ip = net.ip.to_string();
    intruder_sign_in(day, ts - Duration::minutes(4), p, &net);
    let key = format!(
        "[\"[KeyIdentifier={},KeyType=Password,KeyUsage=Verify,DisplayName={}]\"]",
        day.guid(),
        if v == 0 { "sync" } else { "backup key" }
    );
    let sp = &t.integration_sp;
    if v == 2 {
        tool_registration(day, ts, p, &net);
        let text =
            format!("{}'s account registers an app with rclone's reply address from {}", p.upn, net.place.country);
        plant_key(day, from, "pack-app-credential", "app-credential", &text, p, &net);
        return;
    }
    if v == 0 {
        let props = vec![
            prop("KeyDescription", Some("[]"), &key),
            prop("TargetId.ServicePrincipalNames", None, &quoted(&sp.app_id)),
        ];
        let tgt = target(&sp.sp_id, Some(&sp.name), "ServicePrincipal", None, props);
        directory(
            day,
            ts,
            p,
            &ip,
            "Add service principal credentials",
            "ApplicationManagement",
            "Update",
            vec![tgt],
            vec![],
        );
    } else {
        let app_obj = day.guid();
        let owner = vec![
            prop("Application.ObjectID", None, &quoted(&app_obj)),
            prop("Application.DisplayName", None, &quoted(&sp.name)),
        ];
        let tgt = target(&p.id, None, "User", Some(&p.upn), owner);
        directory(day, ts, p, &ip, "Add owner to application", "ApplicationManagement", "Assign", vec![tgt], vec![]);
        let tgt = target(&app_obj, Some(&sp.name), "Application", None, vec![prop("KeyDescription", Some("[]"), &key)]);
        let op = "Update application – Certificates and secrets management";
        directory(day, ts + Duration::minutes(2), p, &ip, op, "ApplicationManagement", "Update", vec![tgt], vec![]);
    }
    let text = format!("{}'s account adds a secret to '{}' from {}", p.upn, sp.name, net.place.country);
    plant_key(day, from, "pack-app-credential", "app-credential", &text, p, &net);
}

/// An app registration for rclone: its default reply address, open to other tenants.
fn tool_registration(day: &mut Day, ts: chrono::DateTime<chrono::Utc>, p: &Person, net: &Net) {
    let (obj, app_id) = (day.guid(), day.guid());
    let name = if day.rng.random_bool(0.5) { "Backup Sync" } else { "Files Migration" };
    let props = vec![
        prop(
            "AppAddress",
            Some("[]"),
            "[{\"AddressType\":0,\"Address\":\"http://localhost:53682/\",\"ReplyAddressClientType\":1}]",
        ),
        prop("AppId", Some("[]"), &format!("[\"{app_id}\"]")),
        prop("AvailableToOtherTenants", Some("[]"), "[true]"),
        prop("DisplayName", Some("[]"), &format!("[\"{name}\"]")),
    ];
    let tgt = target(&obj, Some(name), "Application", None, props);
    directory(day, ts, p, &net.ip.to_string(), "Add application", "ApplicationManagement", "Add", vec![tgt], vec![]);
}

/// The intruder's own sign-in method on the victim's account, right after signing in from abroad: an authenticator
/// app registered (0), the phone method swapped for the intruder's (1), or a temporary access pass issued with the
/// victim's admin rights for another account (2).
pub fn auth_method_change(day: &mut Day, r: &Roles, v: usize) {
    let (p, net) = (&r.victim, attacker(day));
    let from = day.out.len();
    let ts = day.between(6.0, 22.0);
    let ip = net.ip.to_string();
    intruder_sign_in(day, ts - Duration::minutes(9), p, &net);
    if v == 2 {
        let o = &r.other;
        let reason = "Admin registered temporary access pass method for user";
        security_info(day, ts, p, &ip, ("Admin registered security info", "Add"), o, reason);
        let text =
            format!("{}'s account issues a temporary access pass for {} from {}", p.upn, o.upn, net.place.country);
        let named = Named { users: vec![&p.upn, &o.upn], ips: vec![ip.clone()], mailboxes: vec![] };
        keyed(day, from, true, "pack-auth-method-change", "auth-method-change", &text, named, "low");
        return;
    }
    if v == 1 {
        let reason = "User deleted Phone";
        security_info(day, ts - Duration::minutes(2), p, &ip, ("User deleted security info", "Delete"), p, reason);
    }
    let reason =
        if v == 0 { "User registered Authenticator App with Notification and Code" } else { "User registered Phone" };
    security_info(day, ts, p, &ip, ("User registered security info", "Add"), p, reason);
    let text = format!("{} gets a new sign-in method minutes after a sign-in from {}", p.upn, net.place.country);
    plant_key(day, from, "pack-auth-method-change", "auth-method-change", &text, p, &net);
}

/// A tenant-controlling role given by an account the intruder holds: Global Administrator to an idle account (0),
/// Exchange Administrator to itself (1), or eligibility for Privileged Role Administrator to an account it created
/// minutes before (2).
pub fn privileged_role(day: &mut Day, r: &Roles, v: usize) {
    let t = day.t;
    let (p, net) = (&r.victim, attacker(day));
    let from = day.out.len();
    let ts = day.between(5.0, 23.0);
    intruder_sign_in(day, ts - Duration::minutes(3), p, &net);
    let made = (v == 2).then(|| new_account(day, ts - Duration::minutes(2), p, &net));
    let (role, template, grantee) = match (v, &made) {
        (0, _) => ("Global Administrator", "62e90394-69f5-4237-9190-012177145e10", &t.dormant),
        (_, Some(made)) => ("Privileged Role Administrator", "e8611ab8-c189-46e8-94e1-60213ab1f814", made),
        _ => ("Exchange Administrator", "29232cdf-9323-42fd-ade2-1d097af3e4de", p),
    };
    let activity = if v == 2 { "Add eligible member to role" } else { "Add member to role" };
    let props = vec![
        prop("Role.ObjectID", None, &quoted(&day.guid())),
        prop("Role.DisplayName", None, &quoted(role)),
        prop("Role.TemplateId", None, &quoted(template)),
        prop("Role.WellKnownObjectName", None, &quoted(role.split(' ').next().unwrap_or(role))),
    ];
    let tgt = target(&grantee.id, None, "User", Some(&grantee.upn), props);
    directory(day, ts, p, &net.ip.to_string(), activity, "RoleManagement", "Add", vec![tgt], vec![]);
    let text = format!("{}'s account makes {} {role}", p.upn, grantee.upn);
    let named = Named { users: vec![&p.upn, &grantee.upn], ips: vec![net.ip.to_string()], mailboxes: vec![] };
    keyed(day, from, true, "pack-privileged-role", "privileged-role", &text, named, "medium");
}

/// A directory account created by `p`, looking like a service account.
fn new_account(day: &mut Day, ts: chrono::DateTime<chrono::Utc>, p: &Person, net: &Net) -> Person {
    let mut made = p.clone();
    made.id = day.guid();
    made.upn = format!("svc-sync{}@{}", day.rng.random_range(2..9), day.t.org.domain);
    made.upn_cased = made.upn.clone();
    made.display = "Directory Sync Service".into();
    let tgt = target(&made.id, Some(&made.display), "User", Some(&made.upn), vec![]);
    directory(day, ts, p, &net.ip.to_string(), "Add user", "UserManagement", "Add", vec![tgt], vec![]);
    made
}

/// A policy that keeps intruders out loosened: a conditional access policy deleted (0), a mail flow rule letting
/// all mail skip spam filtering (1), the domain handed to an outside identity provider (2), or outside domains
/// added to the anti-spam allow list (3).
pub fn policy_weakening(day: &mut Day, r: &Roles, v: usize) {
    let t = day.t;
    let (p, net) = (&r.victim, attacker(day));
    let from = day.out.len();
    let ts = day.between(6.0, 22.0);
    let ip = net.ip.to_string();
    intruder_sign_in(day, ts - Duration::minutes(5), p, &net);
    match v {
        0 => {
            let id = day.guid();
            let tgt = target(&id, Some("Require MFA for all users"), "Policy", None, vec![]);
            directory(day, ts, p, &ip, "Delete conditional access policy", "Policy", "Delete", vec![tgt], vec![]);
        }
        1 => {
            let (port, session) = (day.port(), day.guid());
            let name = if day.rng.random_bool(0.5) { "Partner bypass" } else { "Allow vendor mail" };
            let params = vec![("Name", name.to_string()), ("SetSCL", "-1".into()), ("Priority", "0".into())];
            cmdlet(
                day,
                ts,
                ual_actor(p, true),
                ip_with_port(&net.ip, port),
                "New-TransportRule",
                name.into(),
                params,
                false,
                &session,
            );
        }
        3 => {
            let (port, session) = (day.port(), day.guid());
            let domains = Material::get().forward_domains.join(",");
            let params = vec![("Identity", "Default".to_string()), ("AllowedSenderDomains", domains)];
            let ip = ip_with_port(&net.ip, port);
            cmdlet(
                day,
                ts,
                ual_actor(p, true),
                ip,
                "Set-HostedContentFilterPolicy",
                "Default".into(),
                params,
                false,
                &session,
            );
        }
        _ => {
            let issuer = format!("http://sts.{}-login.example/adfs/services/trust", t.org.short);
            let props = vec![
                prop("IssuerUri", Some("\"\""), &quoted(&issuer)),
                prop("LiveType", Some("\"Managed\""), "\"Federated\""),
            ];
            let tgt = target(&day.guid(), Some(t.org.domain), "Domain", None, props);
            directory(
                day,
                ts,
                p,
                &ip,
                "Set federation settings on domain",
                "DirectoryManagement",
                "Update",
                vec![tgt],
                vec![],
            );
        }
    }
    let text = format!("{}'s account loosens a tenant policy from {}", p.upn, net.place.country);
    plant_key(day, from, "pack-policy-weakening", "policy-weakening", &text, p, &net);
}
