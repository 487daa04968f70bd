//! Twins of the directory plants: consent to Microsoft's own app, a secret rotated by the administrator, a helpdesk
//! MFA reset, a scheduled role activation and a conditional access policy tightened.

use crate::gen::activity::scenarios::{directory, keyed, security_info, sign_in_as, usual_net, Named, Roles};
use crate::gen::activity::Day;
use crate::gen::catalog::Catalog;
use crate::gen::records::audit::{prop, quoted, target};
use crate::gen::records::Kind;
use crate::gen::tenant::Person;
use chrono::{DateTime, Duration, Utc};

/// The key entry of a twin naming `users`.
fn twin_key(day: &mut Day, from: usize, id: &str, analytic: &'static str, text: &str, users: Vec<&str>) {
    let named = Named { users, ips: vec![], mailboxes: vec![] };
    keyed(day, from, false, id, analytic, text, named, "low");
}

/// `p` signs in to the admin portal from the office, as before any administrative change.
fn office_sign_in(day: &mut Day, ts: DateTime<Utc>, p: &Person) {
    let corp = day.t.corp[0].clone();
    sign_in_as(
        day,
        ts,
        Kind::SignInInteractive,
        p,
        &corp,
        p.device.browser_ua,
        ("azure-portal", "azure-mgmt"),
        None,
        |a| {
            a.managed_device = true;
            a.device = Some(&p.device);
        },
    );
}

/// A person consents to Microsoft Teams reading their files and calendar.
pub fn oauth_consent(day: &mut Day, r: &Roles, _last: bool) {
    let from = day.out.len();
    let p = &r.victim;
    let ts = day.between(9.0, 16.0);
    let app = Catalog::get().app("teams");
    let sp_id = day.t.resource_sp(app.id);
    let graph_sp = day.t.resource_sp(Catalog::get().app("graph").id);
    let perms = format!(
        "[] => [[Id: {}, ClientId: {sp_id}, PrincipalId: {}, ResourceId: {graph_sp}, ConsentType: Principal, Scope: Files.ReadWrite.All Calendars.Read offline_access, CreatedDateTime: , LastModifiedDateTime: ]]; ",
        day.guid(),
        p.id
    );
    let props = vec![
        prop("ConsentContext.IsAdminConsent", None, "False"),
        prop("ConsentContext.IsAppOnly", None, "False"),
        prop("ConsentContext.OnBehalfOfAll", None, "False"),
        prop("ConsentAction.Permissions", None, &perms),
        prop("TargetId.ServicePrincipalNames", None, &quoted(app.id)),
    ];
    let tgt = target(&sp_id, Some(app.name), "ServicePrincipal", None, props);
    directory(
        day,
        ts,
        p,
        &p.home.ip.to_string(),
        "Consent to application",
        "ApplicationManagement",
        "Assign",
        vec![tgt],
        vec![],
    );
    let text = format!("{} consents to Microsoft Teams, a verified first-party app", p.upn);
    twin_key(day, from, "twin-oauth-consent-first-party", "oauth-consent", &text, vec![&p.upn]);
}

/// The administrator rotates the secret of an intranet app without mail, file or directory permissions.
pub fn app_credential(day: &mut Day, r: &Roles, _last: bool) {
    let from = day.out.len();
    let admin = &r.admin;
    let ts = day.between(9.5, 15.5);
    office_sign_in(day, ts - Duration::minutes(5), admin);
    let key = format!("[\"[KeyIdentifier={},KeyType=Password,KeyUsage=Verify,DisplayName=rotation]\"]", day.guid());
    let app_obj = day.guid();
    let tgt = target(
        &app_obj,
        Some("Intranet Room Booking"),
        "Application",
        None,
        vec![prop("KeyDescription", Some("[]"), &key)],
    );
    let ip = day.t.corp[0].ip.to_string();
    let op = "Update application – Certificates and secrets management";
    directory(day, ts, admin, &ip, op, "ApplicationManagement", "Update", vec![tgt], vec![]);
    twin_key(
        day,
        from,
        "twin-app-credential-rotation",
        "app-credential",
        "The administrator rotates an intranet app's secret",
        vec![&admin.upn],
    );
}

/// The helpdesk registers a new phone for a person who lost theirs, from the office in working hours; another
/// person sets up the authenticator app on a new phone where they work.
pub fn auth_method_change(day: &mut Day, r: &Roles, _last: bool) {
    let from = day.out.len();
    let (p, hd) = (&r.victim, &r.helpdesk);
    let ts = day.between(9.5, 15.5);
    office_sign_in(day, ts - Duration::minutes(4), hd);
    let ip = day.t.corp[0].ip.to_string();
    security_info(day, ts, hd, &ip, ("Admin registered security info", "Add"), p, "Admin registered Phone");
    let text = format!("{} registers a new phone for {} (helpdesk reset)", hd.upn, p.upn);
    twin_key(day, from, "twin-auth-method-change-helpdesk", "auth-method-change", &text, vec![&p.upn]);
    let from = day.out.len();
    let o = &r.other;
    let net = usual_net(day.t, o);
    let ts = day.between(9.0, 17.0);
    sign_in_as(
        day,
        ts - Duration::minutes(3),
        Kind::SignInInteractive,
        o,
        &net,
        o.device.browser_ua,
        ("officehome", "officehome"),
        None,
        |_| {},
    );
    let reason = "User registered Authenticator App with Notification and Code";
    security_info(day, ts, o, &net.ip.to_string(), ("User registered security info", "Add"), o, reason);
    let text = format!("{} sets up the authenticator app on a new phone where they work", o.upn);
    twin_key(day, from, "twin-auth-method-change-new-phone", "auth-method-change", &text, vec![&o.upn]);
}

/// The administrator activates their eligible Exchange Administrator role with a justification in working hours.
pub fn privileged_role(day: &mut Day, r: &Roles, _last: bool) {
    let from = day.out.len();
    let admin = &r.admin;
    let ts = day.between(9.5, 15.5);
    office_sign_in(day, ts - Duration::minutes(3), admin);
    let props = vec![
        prop("Role.DisplayName", None, &quoted("Exchange Administrator")),
        prop("Role.TemplateId", None, &quoted("29232cdf-9323-42fd-ade2-1d097af3e4de")),
    ];
    let tgt = target(&admin.id, None, "User", Some(&admin.upn), props);
    let ip = day.t.corp[0].ip.to_string();
    let extra = vec![("Justification".to_string(), "Weekly mailbox maintenance window".to_string())];
    directory(
        day,
        ts,
        admin,
        &ip,
        "Add member to role completed (PIM activation)",
        "RoleManagement",
        "Add",
        vec![tgt],
        extra,
    );
    let text = format!("{} activates an eligible role for the weekly maintenance window", admin.upn);
    twin_key(day, from, "twin-privileged-role-pim", "privileged-role", &text, vec![&admin.upn]);
}

/// The administrator adds an exclusion group to a conditional access policy that stays enabled.
pub fn policy_weakening(day: &mut Day, r: &Roles, _last: bool) {
    let from = day.out.len();
    let admin = &r.admin;
    let ts = day.between(9.5, 15.5);
    office_sign_in(day, ts - Duration::minutes(6), admin);
    let id = day.guid();
    let old = format!("{{\"id\":\"{id}\",\"displayName\":\"Require MFA for admins\",\"state\":\"enabled\"}}");
    let new = format!("{{\"id\":\"{id}\",\"displayName\":\"Require MFA for admins\",\"state\":\"enabled\",\"conditions\":{{\"users\":{{\"includeRoles\":[\"62e90394-69f5-4237-9190-012177145e10\"]}}}}}}");
    let tgt = target(
        &id,
        Some("Require MFA for admins"),
        "Policy",
        None,
        vec![prop("ConditionalAccessPolicy", Some(&old), &new)],
    );
    let ip = day.t.corp[0].ip.to_string();
    directory(day, ts, admin, &ip, "Update conditional access policy", "Policy", "Update", vec![tgt], vec![]);
    twin_key(
        day,
        from,
        "twin-policy-weakening-ca-update",
        "policy-weakening",
        "The administrator widens an enabled MFA policy",
        vec![&admin.upn],
    );
}
