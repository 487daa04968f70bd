//! The same act done another way: impersonation through role groups and Exchange service principals, scripted
//! sign-ins seen only in the UAL, a replayed token on a new network in the same country, partner stages that
//! belong together, and allow lists written in another identifier form.

use super::build::*;
use crate::model::{ActorKind, Event, Severity, Source, Target};

const ADMIN: &str = "admin@contoso.example";
const CAROL: &str = "carol@contoso.example";
const INTERN: &str = "old.intern@contoso.example";
const APP_OBJECT: &str = "0a1b7ab4-e3c2-4e75-93ad-6ea6d16cffbf";

/// Ten office days for the admin and for Carol.
fn office() -> Vec<Event> {
    [office_days(ADMIN, 10, &[9, 10, 11, 14]), office_days(CAROL, 10, &[9, 14])].concat()
}

#[test]
fn a_role_group_made_with_impersonation_grants_it_to_its_members() {
    let mut events = office();
    let params = [("Name", "BadAppImpersonate"), ("Roles", "ApplicationImpersonation"), ("Members", APP_OBJECT)];
    events.push(cmdlet("rg", at(10, 10, 15), ADMIN, "New-RoleGroup", &params));
    let d = run("AN1107", TENANT_TOML, events);
    let a = only_alert(&d);
    assert!(a.title.contains(APP_OBJECT), "{}", a.title);
    reason_with(a, &["ApplicationImpersonation through role group badappimpersonate (New-RoleGroup)"]);
    reason_with(a, &["reaches every mailbox in the tenant"]);
    reason_with(a, &[&format!("grantee {APP_OBJECT} was active on 0 day(s)")]);
}

#[test]
fn a_member_added_to_a_group_that_holds_impersonation_is_granted_it() {
    let mut events = office();
    let made = [("Name", "MailOps"), ("Roles", "ApplicationImpersonation, Mail Recipients"), ("Members", ADMIN)];
    events.push(cmdlet("rg", at(2, 10, 15), ADMIN, "New-RoleGroup", &made));
    events.push(cmdlet(
        "add",
        at(10, 10, 20),
        ADMIN,
        "Add-RoleGroupMember",
        &[("Identity", "MailOps"), ("Member", INTERN)],
    ));
    // A member added to a group the case never shows holding the role is not this analytic's business.
    events.push(cmdlet(
        "hd",
        at(10, 10, 25),
        ADMIN,
        "Add-RoleGroupMember",
        &[("Identity", "Help Desk"), ("Member", INTERN)],
    ));
    let d = run("AN1107", TENANT_TOML, events);
    let a = d.alerts.iter().find(|a| a.title.contains(INTERN)).expect("the added member is named");
    reason_with(a, &["through role group mailops (Add-RoleGroupMember)"]);
    assert!(d.alerts.iter().all(|a| !a.evidence.contains(&"hd".to_string())), "{:?}", d.alerts);
}

#[test]
fn a_group_known_before_the_case_began_comes_from_the_parameters() {
    let toml = format!("{TENANT_TOML}[analytics.AN1107]\nimpersonation_role_groups = [\"Legacy EWS\"]\n");
    let mut events = office();
    events.push(cmdlet(
        "add",
        at(10, 10, 20),
        ADMIN,
        "Add-RoleGroupMember",
        &[("Identity", "legacy ews"), ("Member", INTERN)],
    ));
    reason_with(only_alert(&run("AN1107", &toml, events)), &["through role group legacy ews"]);
}

#[test]
fn an_exchange_service_principal_given_a_mail_role_is_named() {
    let mut events = office();
    let sp =
        [("AppId", "5e6f7a8b-0000-4000-8000-00000000beef"), ("ObjectId", APP_OBJECT), ("DisplayName", "Mail Sync")];
    events.push(cmdlet("sp", at(10, 10, 10), ADMIN, "New-ServicePrincipal", &sp));
    let role = [("App", APP_OBJECT), ("Role", "Application Mail.Read"), ("Name", "sync-read")];
    events.push(cmdlet("ra", at(10, 10, 12), ADMIN, "New-ManagementRoleAssignment", &role));
    let d = run("AN1107", TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(
        a.title,
        format!(
            "{ADMIN} granted Application Mail.Read role assignment to Mail Sync (5e6f7a8b-0000-4000-8000-00000000beef)"
        )
    );
    assert_eq!(a.severity, Severity::High);
}

#[test]
fn removing_an_application_access_policy_opens_every_mailbox_to_the_app() {
    let mut events = office();
    let identity = "3f2a1b4c-1111-4222-8333-444455556666\\9d8c7b6a-aaaa-4bbb-8ccc-ddddeeeeffff:S-1-5-21-1;grp";
    events.push(cmdlet("aap", at(10, 10, 30), ADMIN, "Remove-ApplicationAccessPolicy", &[("Identity", identity)]));
    let d = run("AN1107", TENANT_TOML, events);
    let a = only_alert(&d);
    assert!(
        a.title.ends_with("application access policy removed to 9d8c7b6a-aaaa-4bbb-8ccc-ddddeeeeffff"),
        "{}",
        a.title
    );
    reason_with(a, &["reaches every mailbox in the tenant"]);
}

#[test]
fn a_grant_inside_working_hours_is_never_unusual_for_its_hour_alone() {
    // The admin has only ever worked at 09–11 and 14; 16:40 on a weekday is still inside working hours.
    let mut events = office();
    let params = [("Identity", "sales@contoso.example"), ("User", CAROL), ("AccessRights", "FullAccess")];
    events.push(cmdlet("late", at(10, 16, 40), ADMIN, "Add-MailboxPermission", &params));
    let d = run("AN1107", TENANT_TOML, events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "routine grant (active grantee, usual hours and places)").count, 1);
}

#[test]
fn a_thin_baseline_is_called_thin_not_unusual() {
    let newcomer = "new.admin@contoso.example";
    let mut events = office();
    events.extend(office_days(newcomer, 2, &[10]).into_iter().map(|mut e| {
        // Their two office days are days 8 and 9.
        e.ts = e.ts.map(|t| t + chrono::Duration::days(8));
        e
    }));
    let params = [("Identity", "sales@contoso.example"), ("User", CAROL), ("AccessRights", "FullAccess")];
    events.push(cmdlet("night", at(10, 2, 10), newcomer, "Add-MailboxPermission", &params));
    let d = run("AN1107", TENANT_TOML, events);
    let a = only_alert(&d);
    let r = reason_with(a, &["outside working hours", "baseline thin (2 days, 2 audited actions"]);
    assert!(!r.contains("held"), "{r}");
}

/// The UAL's copy of a sign-in, as `AzureActiveDirectoryStsLogon` records carry it.
fn ual_sign_in(id: &str, ts: chrono::DateTime<chrono::Utc>, upn: &str, ua: &str, resource: &str) -> Event {
    let mut e = event(id, ts, Source::UalAzureAd, "UserLoggedIn").by(upn).via(VPS).ua(ua);
    e.targets = vec![Target { id: Some(resource.into()), ..Default::default() }];
    e.app("1950a258-227b-4e31-a9cf-717495945fc2").session("ual-sess")
}

#[test]
fn scripted_sign_ins_are_found_in_the_ual_when_sign_in_logs_are_absent() {
    let events = vec![
        ual_sign_in("hound-1", at(10, 12, 26), "lidia@contoso.example", "azurehound/v2.0.4", GRAPH),
        ual_sign_in("hound-2", at(10, 12, 27), "lidia@contoso.example", "azurehound/v2.0.4", GRAPH),
    ];
    let d = run("AN0534", TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.title, "lidia@contoso.example signed in with scripted client azurehound/v2.0.4");
    // One file of records and no history: the attack tool makes it high, the thin baseline caps it at medium.
    assert_eq!((a.severity, a.uncapped_severity), (Severity::Medium, Some(Severity::High)));
    reason_with(a, &["2 sign-in(s) to Microsoft Graph"]);
    reason_with(a, &["seen in the Unified Audit Log (UserLoggedIn)"]);
    reason_with(a, &["azurehound/v2.0.4 is an attack tool"]);
    let c = coverage_of(&d, "AN0534");
    assert_eq!(c.status, "degraded");
    assert!(c.notes.iter().any(|n| n.starts_with("working from ual_azuread")), "{:?}", c.notes);
}

#[test]
fn ual_copies_stay_out_on_days_the_sign_in_logs_cover() {
    let mut events = office_days("lidia@contoso.example", 11, &[9]);
    events.push(ual_sign_in("copy", at(10, 12, 26), "lidia@contoso.example", PYTHON, GRAPH));
    assert_quiet(&run("AN0534", TENANT_TOML, events));
}

#[test]
fn a_file_read_with_a_scripting_agent_stands_in_for_the_sign_in() {
    let e = event("fa", at(10, 12, 30), Source::UalSharepoint, "FileAccessed")
        .by("lidia@contoso.example")
        .via(VPS)
        .ua(PYTHON);
    let d = run("AN0534", TENANT_TOML, vec![e]);
    let a = only_alert(&d);
    assert_eq!(a.title, "lidia@contoso.example reached mail/file data with scripted client python-requests/2.31.0");
    reason_with(a, &["seen in the Unified Audit Log (file access)"]);
}

#[test]
fn a_token_replayed_from_a_new_network_in_the_same_country_is_replay() {
    let alice = "alice@contoso.example";
    let rival_isp = Place { ip: "198.51.100.200", country: Some("US"), asn: Some(64999) };
    let mut events = office_days(alice, 10, &[9, 14]);
    events.push(sign_in("issue", at(10, 9, 0), alice, true).token("tok-1").session("s-1"));
    for i in 0..3 {
        let mut e = file_download(&format!("dl-{i}"), at(10, 9, 20 + i), alice).via(rival_isp).token("tok-1");
        e.session_id = Some("s-1".into());
        events.push(e);
    }
    let d = run("AN0959", TENANT_TOML, events);
    let a = only_alert(&d);
    reason_with(a, &["token(s) issued to alice@contoso.example from US AS64500 were used from US AS64999"]);
}

#[test]
fn a_plain_set_mailbox_by_a_partner_is_not_delegation() {
    let tech = "tech@bluestoneit.example";
    let quota = [("Identity", "ceo@contoso.example"), ("ProhibitSendQuota", "50GB")];
    let e = cmdlet("quota", at(2, 10, 0), tech, "Set-Mailbox", &quota).kind(ActorKind::Partner);
    assert_quiet(&run("AN1350", TENANT_TOML, vec![e.clone()]));
    let forward = e.param("ForwardingSmtpAddress", "smtp:drop@evil.example");
    let d = run("AN1350", TENANT_TOML, vec![forward]);
    let a = only_alert(&d);
    reason_with(a, &["stage 2: Set-Mailbox ForwardingSmtpAddress on ceo@contoso.example"]);
}

#[test]
fn a_partner_technicians_service_principal_joins_the_partner_chain() {
    let tech = "tech@bluestoneit.example";
    let sp = audit(
        "sp",
        at(2, 9, 0),
        tech,
        "Add service principal",
        "Backup Helper",
        &[("TenantId", "11111111-2222-4333-8444-555555555555")],
    )
    .kind(ActorKind::Partner);
    let grant = cmdlet(
        "grant",
        at(2, 9, 30),
        tech,
        "Add-MailboxPermission",
        &[("Identity", "ceo@contoso.example"), ("User", tech), ("AccessRights", "FullAccess")],
    )
    .kind(ActorKind::Partner);
    let d = run("AN1350", TENANT_TOML, vec![sp, grant]);
    let a = only_alert(&d);
    assert!(a.evidence.contains(&"sp".to_string()) && a.evidence.contains(&"grant".to_string()), "{:?}", a.evidence);
}

#[test]
fn allow_lists_match_a_principal_by_its_object_id() {
    let svc = "svc-report@contoso.example";
    let object_id = "6d2f0c3e-7a1b-4c5d-9e8f-0a1b2c3d4e5f";
    let toml = format!("{TENANT_TOML}[allow]\nautomation_accounts = [\"{object_id}\"]\n");
    let events: Vec<Event> = (0..3)
        .flat_map(|day| {
            (0..25).map(move |i| {
                let mut e =
                    graph_get(&format!("e-{day}-{i}"), at(day, 6, i), svc, "/v1.0/users?$top=999", 40_000).ua(PYTHON);
                e.actor.id = Some(object_id.into());
                e
            })
        })
        .collect();
    let d = run("AN1089", &toml, events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "allow.automation_accounts").matched, object_id);
}

#[test]
fn a_token_is_joined_to_its_sign_in_only_within_its_life() {
    let alice = "alice@contoso.example";
    let mut events = office_days(alice, 10, &[9, 14]);
    events.push(sign_in("issue", at(10, 9, 0), alice, true).token("tok-9"));
    events.push(file_download("late", at(11, 20, 0), alice).via(VPS).token("tok-9"));
    let d = run("AN0959", TENANT_TOML, events.clone());
    assert!(d.alerts.iter().all(|a| !a.reasons.iter().any(|r| r.starts_with("token(s) issued"))), "{:?}", d.alerts);
    events.push(file_download("soon", at(10, 10, 0), alice).via(VPS).token("tok-9"));
    let d = run("AN0959", TENANT_TOML, events);
    // The same user's data access from abroad still alerts on its own (check C); the token join needs the use
    // within the token's life.
    let a = d.alerts.iter().find(|a| a.evidence.contains(&"soon".to_string())).expect("the use within its life alerts");
    reason_with(a, &["token(s) issued to alice@contoso.example"]);
}
