//! The planted attack stories. Each leaves exactly the records its analytic needs, linked the way real tenants
//! link them (session id, unique token id, correlation id), and adds its entry to the answer key.

use super::services::{audit_with_mirror, leak};
use super::{ual_actor, user_ref, Day, Token};
use crate::gen::catalog::{App, Catalog};
use crate::gen::ids;
use crate::gen::key::{Entities, KeyEntry, Window};
use crate::gen::records::audit::{prop, quoted, target};
use crate::gen::records::ip_with_port;
use crate::gen::records::signin::{SignInArgs, SignInUser};
use crate::gen::records::ual::{self, AdminCmdlet, FileOp, MailAccess, UalActor};
use crate::gen::records::{Kind, Workload};
use crate::gen::tenant::{Net, Person, ServicePrincipal};
use chrono::{DateTime, Duration, Utc};
use rand::Rng;

/// Appends a key entry whose window covers the records emitted since `from`.
#[allow(clippy::too_many_arguments)]
pub fn record_key(
    day: &mut Day,
    from: usize,
    planted: bool,
    id: &str,
    analytic: &'static str,
    text: &str,
    entities: Entities,
    min_severity: &'static str,
) {
    let fallback = day.at(12 * 3600);
    let window = Window::of(&day.out[from.min(day.out.len())..], fallback);
    day.key.push(KeyEntry {
        planted,
        id: id.to_string(),
        analytic,
        text: text.to_string(),
        entities: entities.normalised(),
        window,
        min_severity,
    });
}

/// Emits an Exchange admin cmdlet record.
#[allow(clippy::too_many_arguments)]
pub fn cmdlet(
    day: &mut Day,
    ts: DateTime<Utc>,
    actor: UalActor,
    client_ip: String,
    operation: &str,
    object_id: String,
    parameters: Vec<(&str, String)>,
    external: bool,
    session_id: &str,
) {
    let id = day.guid();
    let v = ual::exchange_admin(
        day.t,
        &AdminCmdlet {
            ts,
            id,
            actor,
            client_ip,
            operation,
            object_id,
            parameters,
            external,
            app_id: Catalog::get().app("exo-rest-ps").id,
            session_id,
            succeeded: true,
        },
    );
    day.push(ts, Kind::Ual(Workload::Exchange), v);
}

/// The parameters of `Add-MailboxPermission` granting `user` FullAccess on `identity`, as Exchange logs them.
pub fn full_access_parameters(identity: String, user: String, auto_mapping: bool) -> Vec<(&'static str, String)> {
    vec![
        ("Identity", identity),
        ("User", user),
        ("AccessRights", "FullAccess".into()),
        ("InheritanceType", "All".into()),
        ("AutoMapping", if auto_mapping { "True" } else { "False" }.into()),
    ]
}

/// Emits `count` aggregated MailItemsAccessed records on `mailbox` by `actor`.
#[allow(clippy::too_many_arguments)]
pub fn mail_reads(
    day: &mut Day,
    start: DateTime<Utc>,
    spacing_s: i64,
    count: usize,
    actor: &UalActor,
    mailbox: &Person,
    net: &Net,
    logon_type: u8,
    external: bool,
    client: &str,
    app_id: &str,
    tok: Option<&Token>,
    items: std::ops::RangeInclusive<usize>,
) {
    let host = day.t.exchange_server();
    for i in 0..count {
        let ts = start + Duration::seconds(spacing_s * i as i64 + day.rng.random_range(0..30));
        let n = day.rng.random_range(items.clone());
        let message_ids = (0..n).map(|_| ids::message_id(&mut day.rng, &host)).collect();
        let port = day.port();
        let id = day.guid();
        let folder = if i % 3 == 2 { "\\Sent Items" } else { "\\Inbox" };
        let v = ual::mail_items_accessed(
            day.t,
            &MailAccess {
                ts,
                id,
                actor: actor.clone(),
                ip: &net.ip,
                port,
                mailbox_upn: &mailbox.upn,
                mailbox_guid: &mailbox.mailbox_guid,
                mailbox_sid: &mailbox.sid,
                logon_type,
                external,
                client_info: client,
                access_type: "Bind",
                app_id,
                token: tok.map(Token::context),
                folder,
                message_ids,
            },
        );
        day.push_raw(ts, Kind::Ual(Workload::Exchange), v, Default::default());
    }
}

/// Emits file operations by `p` with a token, from `net`.
#[allow(clippy::too_many_arguments)]
fn file_ops(day: &mut Day, start: DateTime<Utc>, count: usize, p: &Person, tok: &Token, net: &Net, ua: &str, op: &str) {
    let cat = Catalog::get();
    for i in 0..count {
        let doc = cat.documents[(i * 7 + day.index as usize) % cat.documents.len()];
        let ts = start + Duration::seconds(35 * i as i64 + day.rng.random_range(0..20));
        let id = day.guid();
        let corr = day.guid();
        let v = ual::file_operation(
            day.t,
            &FileOp {
                ts,
                id,
                actor: ual_actor(p, false),
                operation: op,
                onedrive: false,
                ip: &net.ip,
                site_url: format!("https://{}/sites/{}/", day.t.sharepoint_host(false), doc.site),
                folder: doc.folder,
                file: doc.file,
                user_agent: ua,
                app_id: tok.app.id,
                app_name: tok.app.name,
                token: Some(tok.context()),
                correlation_id: corr,
                managed: false,
            },
        );
        day.push_raw(ts, Kind::Ual(Workload::SharePoint), v, Default::default());
    }
}

/// Graph `/users` paging with `$select=mail` and group member expansion, `pages` pages in a few minutes.
#[allow(clippy::too_many_arguments)]
pub fn enumeration_burst(
    day: &mut Day,
    start: DateTime<Utc>,
    p: &Person,
    tok: &Token,
    net: &Net,
    ua: &str,
    pages: usize,
    groups: usize,
    select: &str,
) {
    let base = format!("https://graph.microsoft.com/v1.0/users?$select={select}&$top=999");
    let mut ts = start;
    for i in 0..pages {
        let uri = if i == 0 {
            base.clone()
        } else {
            let token = ids::hex_upper(&mut day.rng, 24);
            format!("{base}&$skiptoken=RFNwdAIAAQAAA{token}")
        };
        ts += Duration::milliseconds(day.rng.random_range(1_500..6_000));
        let bytes = day.rng.random_range(70_000..120_000);
        day.graph_user(ts, p, tok, net, ua, "GET", uri, bytes, "User.ReadBasic.All GroupMember.Read.All");
    }
    let t = day.t;
    for g in 0..groups {
        let gid = match t.groups.get(g) {
            Some((id, _)) => id.clone(),
            None => day.guid(),
        };
        ts += Duration::milliseconds(day.rng.random_range(800..3_000));
        let bytes = day.rng.random_range(900..20_000);
        let uri = format!("https://graph.microsoft.com/v1.0/groups/{gid}/members?$select=mail,displayName");
        day.graph_user(ts, p, tok, net, ua, "GET", uri, bytes, "User.ReadBasic.All GroupMember.Read.All");
    }
}

/// AN0534: a scripting client signs in as a user and reads mail and OneDrive in bulk.
pub fn an0534(day: &mut Day) {
    let cat = Catalog::get();
    let t = day.t;
    let from = day.out.len();
    let p = t.people[t.cast.script_victim].clone();
    let net = Net::new("203.0.113.45", "piscataway-vps");
    let ua = cat.ua("python-requests");
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
    scripted_reads(day, &p, &tok, &net, ua, ts + Duration::minutes(2), 30, 12);
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
        &format!("python-requests session of {} reads mail and OneDrive in bulk through Microsoft Graph", p.upn),
        entities,
        "high",
    );
}

/// Bulk Graph mail and drive reads by a scripted token, mirrored in the UAL.
#[allow(clippy::too_many_arguments)]
fn scripted_reads(
    day: &mut Day,
    p: &Person,
    tok: &Token,
    net: &Net,
    ua: &str,
    start: DateTime<Utc>,
    mail_pages: usize,
    downloads: usize,
) {
    let cat = Catalog::get();
    let mut ts = start;
    for i in 0..mail_pages {
        ts += Duration::seconds(day.rng.random_range(8..40));
        let uri = format!(
            "https://graph.microsoft.com/v1.0/me/messages?$top=50&$skip={}&$select=subject,from,toRecipients,receivedDateTime,bodyPreview",
            i * 50
        );
        let bytes = day.rng.random_range(60_000..180_000);
        day.graph_user(ts, p, tok, net, ua, "GET", uri, bytes, "Mail.Read Files.Read.All User.Read");
    }
    let mut drive_items = Vec::new();
    for _ in 0..downloads {
        ts += Duration::seconds(day.rng.random_range(5..25));
        let item = format!("01{}", ids::hex_upper(&mut day.rng, 16));
        let uri = format!("https://graph.microsoft.com/v1.0/me/drive/items/{item}/content");
        let bytes = day.rng.random_range(200_000..4_000_000);
        day.graph_user(ts, p, tok, net, ua, "GET", uri, bytes, "Mail.Read Files.Read.All User.Read");
        drive_items.push(item);
    }
    let mail_start = start + Duration::minutes(1);
    mail_reads(
        day,
        mail_start,
        120,
        (mail_pages / 4).max(3),
        &ual_actor(p, false),
        p,
        net,
        0,
        false,
        "Client=REST;Client=RESTSystem;;",
        cat.app("graph").id,
        Some(tok),
        10..=25,
    );
    file_ops(day, start + Duration::minutes(4), downloads, p, tok, net, ua, "FileDownloaded");
}

/// AN0959: tokens issued on the corporate network are replayed against SharePoint, Exchange and Graph from a VPS.
pub fn an0959(day: &mut Day) {
    let cat = Catalog::get();
    let t = day.t;
    let p = t.people[t.cast.replay_victim].clone();
    let vps = Net::new("203.0.113.200", "amsterdam-vps");
    // Password spraying from the same VPS against other accounts earlier that day.
    for k in 0..3 {
        let victim = t.people[(t.cast.replay_victim + 3 + k) % t.people.len()].clone();
        let ts = day.between(5.0 + k as f64 * 0.1, 5.1 + k as f64 * 0.1);
        let ids = day.signin_ids(None);
        let mut a = SignInArgs::user(
            ts,
            Kind::SignInInteractive,
            ids,
            user_ref(&victim),
            cat.app("officehome"),
            cat.app("officehome"),
            &vps,
            cat.ua("forged-chrome"),
        );
        a.error_code = 50126;
        a.failure_reason = "Invalid username or password or Invalid on-premise username or password.";
        day.sign_in(&a);
    }
    let from = day.out.len();
    let corp = t.corp[0].clone();
    let login = day.between(8.4, 8.7);
    let browser = day.user_sign_in(
        login,
        Kind::SignInInteractive,
        &p,
        None,
        "officehome",
        "officehome",
        &corp,
        p.device.browser_ua,
        true,
    );
    let s = browser.session_id.clone();
    let exo = day.user_sign_in(
        login + Duration::seconds(70),
        Kind::SignInNonInteractive,
        &p,
        Some(&s),
        "owa",
        "exchange",
        &corp,
        p.device.browser_ua,
        true,
    );
    let spo = day.user_sign_in(
        login + Duration::seconds(130),
        Kind::SignInNonInteractive,
        &p,
        Some(&s),
        "officehome",
        "sharepoint",
        &corp,
        p.device.browser_ua,
        true,
    );
    let graph = day.user_sign_in(
        login + Duration::seconds(150),
        Kind::SignInNonInteractive,
        &p,
        Some(&s),
        "officehome",
        "graph",
        &corp,
        p.device.browser_ua,
        true,
    );
    let replay = day.between(13.5, 14.0);
    let ua = p.device.browser_ua;
    file_ops(day, replay, 12, &p, &spo, &vps, ua, "FileDownloaded");
    mail_reads(
        day,
        replay + Duration::minutes(3),
        90,
        6,
        &ual_actor(&p, false),
        &p,
        &vps,
        0,
        false,
        "Client=OWA;Action=ViaProxy",
        exo.app.id,
        Some(&exo),
        8..=20,
    );
    let mut ts = replay + Duration::minutes(6);
    for uri in [
        "https://graph.microsoft.com/v1.0/me/drive/recent",
        "https://graph.microsoft.com/v1.0/me/messages?$top=25",
        "https://graph.microsoft.com/v1.0/sites?search=finance",
        "https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages?$top=50",
        "https://graph.microsoft.com/v1.0/me/drive/root/children",
        "https://graph.microsoft.com/v1.0/me/people",
    ] {
        ts += Duration::seconds(day.rng.random_range(10..50));
        let bytes = day.rng.random_range(3_000..60_000);
        day.graph_user(
            ts,
            &p,
            &graph,
            &vps,
            ua,
            "GET",
            uri.to_string(),
            bytes,
            "Files.ReadWrite.All Mail.ReadWrite Sites.Read.All",
        );
    }
    let entities = Entities {
        users: vec![p.upn.clone()],
        ips: vec![vps.ip.to_string(), corp.ip.to_string()],
        sessions: vec![s],
        mailboxes: vec![p.upn.clone()],
        apps: vec![browser.app.id.to_string(), exo.app.id.to_string()],
    };
    record_key(
        day,
        from,
        true,
        "an0959-token-replay",
        "AN0959",
        &format!(
            "Tokens issued to {} on the corporate network are replayed from a VPS in {} (AS{})",
            p.upn, vps.place.country, vps.place.asn
        ),
        entities,
        "medium",
    );
}

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
    enumeration_burst(day, ts + Duration::seconds(20), &p, &tok, &net, ua, 30, 8, "mail");
    let entities = Entities {
        users: vec![p.upn.clone()],
        ips: vec![net.ip.to_string()],
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

fn technician<'a>(partner: &'a crate::gen::tenant::Partner) -> SignInUser<'a> {
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
    partner: &crate::gen::tenant::Partner,
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
pub fn technician_actor(partner: &crate::gen::tenant::Partner) -> UalActor<'_> {
    UalActor {
        user_id: &partner.technician_upn,
        user_key: partner.technician_id.clone(),
        user_type: 9,
        object_id: &partner.technician_id,
    }
}

/// AN1350, stage 1–3 by `stage`: an untrusted partner is added, its technician grants itself FullAccess to the
/// CEO's mailbox, then reads it from partner IPs.
pub fn an1350(day: &mut Day, stage: u8) {
    let t = day.t;
    let from = day.out.len();
    let partner = t.rogue_partner.clone();
    let ceo = t.people[t.cast.ceo].clone();
    let admin = t.people[t.cast.admin].clone();
    let mut sessions = Vec::new();
    if stage == 1 {
        let ts = day.between(10.0, 10.5);
        let corp = t.corp[0].clone();
        day.user_sign_in(
            ts - Duration::minutes(4),
            Kind::SignInInteractive,
            &admin,
            None,
            "azure-portal",
            "azure-mgmt",
            &corp,
            admin.device.browser_ua,
            true,
        );
        audit_with_mirror(
            day,
            ts,
            &admin,
            &corp.ip.to_string(),
            "DirectoryManagement",
            "Add partner to company",
            "Add partner to company.",
            "Add",
            vec![target(
                &partner.tenant_id,
                Some(&partner.name),
                "Other",
                None,
                vec![
                    prop("PartnerTenantId", None, &quoted(&partner.tenant_id)),
                    prop("PartnerType", None, &quoted("Delegated Administration")),
                    prop("PartnerName", None, &quoted(&partner.name)),
                    prop("Included Updated Properties", None, &quoted("PartnerTenantId, PartnerType")),
                ],
            )],
            vec![
                ("PartnerTenantId", String::new(), partner.tenant_id.clone()),
                ("PartnerType", String::new(), "Delegated Administration".into()),
            ],
            vec![(partner.tenant_id.clone(), 2)],
        );
    }
    if stage == 2 {
        let net = partner.ips[0].clone();
        let ts = day.between(22.0, 22.5);
        let tok = technician_sign_in(day, &partner, ts, &net, "exo-rest-ps", "exchange", true);
        sessions.push(tok.session_id.clone());
        let port = day.port();
        cmdlet(
            day,
            ts + Duration::minutes(3),
            technician_actor(&partner),
            ip_with_port(&net.ip, port),
            "Add-MailboxPermission",
            ceo.display.clone(),
            full_access_parameters(ceo.upn_cased.clone(), partner.technician_upn.clone(), false),
            true,
            &tok.session_id,
        );
    }
    if stage == 3 {
        let net = partner.ips[1].clone();
        let ts = day.between(1.0, 1.5);
        let tok = technician_sign_in(day, &partner, ts, &net, "owa", "exchange", true);
        sessions.push(tok.session_id.clone());
        mail_reads(
            day,
            ts + Duration::minutes(2),
            100,
            8,
            &technician_actor(&partner),
            &ceo,
            &net,
            6,
            true,
            "Client=OWA;Action=ViaProxy",
            tok.app.id,
            Some(&tok),
            10..=30,
        );
    }
    let entities = Entities {
        users: vec![
            partner.technician_upn.clone(),
            if stage == 1 { admin.upn.clone() } else { partner.technician_upn.clone() },
        ],
        ips: partner.ips.iter().map(|n| n.ip.to_string()).filter(|_| stage > 1).collect(),
        sessions,
        mailboxes: if stage > 1 { vec![ceo.upn.clone()] } else { vec![] },
        apps: vec![],
    };
    record_key(
        day,
        from,
        true,
        "an1350-partner-chain",
        "AN1350",
        &format!(
            "Untrusted partner {} ({}) is added, its technician takes FullAccess to {} and reads it from partner IPs",
            partner.name, partner.tenant_id, ceo.upn
        ),
        entities,
        "high",
    );
}

/// AN1107: ApplicationImpersonation for a dormant account at night from a new country, and `full_access_as_app`
/// granted to a service principal created minutes before; both are then used.
pub fn an1107(day: &mut Day) {
    let cat = Catalog::get();
    let t = day.t;
    let admin = t.people[t.cast.admin].clone();
    let dormant = t.dormant.clone();
    let cfo = t.people[t.cast.cfo].clone();
    let ceo = t.people[t.cast.ceo].clone();
    let net = Net::new("203.0.113.77", "saopaulo");
    let from = day.out.len();
    let ts = day.between(2.6, 2.8);
    let ps = day.user_sign_in(
        ts,
        Kind::SignInInteractive,
        &admin,
        None,
        "exo-rest-ps",
        "exchange",
        &net,
        cat.ua("exo-powershell"),
        false,
    );
    let port = day.port();
    cmdlet(
        day,
        ts + Duration::minutes(2),
        UalActor { user_type: 2, ..ual_actor(&admin, true) },
        ip_with_port(&net.ip, port),
        "New-ManagementRoleAssignment",
        format!("ApplicationImpersonation-{}", dormant.display.replace(' ', "")),
        vec![
            ("Name", format!("ApplicationImpersonation-{}", dormant.display.replace(' ', ""))),
            ("Role", "ApplicationImpersonation".into()),
            ("User", dormant.upn_cased.clone()),
        ],
        false,
        &ps.session_id,
    );
    // The dormant account wakes up and uses EWS impersonation on the CFO's mailbox.
    let use_ts = ts + Duration::minutes(25);
    let dtok = day.user_sign_in(
        use_ts,
        Kind::SignInInteractive,
        &dormant,
        None,
        "office",
        "exchange",
        &net,
        cat.ua("powershell"),
        false,
    );
    mail_reads(
        day,
        use_ts + Duration::minutes(1),
        110,
        5,
        &ual_actor(&dormant, false),
        &cfo,
        &net,
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
            "{} assigns ApplicationImpersonation to dormant {} at night from {}, then the account reads {}'s mailbox",
            admin.upn, dormant.upn, net.place.country, cfo.upn
        ),
        Entities {
            users: vec![admin.upn.clone(), dormant.upn.clone()],
            ips: vec![net.ip.to_string()],
            sessions: vec![ps.session_id.clone(), dtok.session_id.clone()],
            mailboxes: vec![cfo.upn.clone()],
            apps: vec![cat.app("exo-rest-ps").id.to_string()],
        },
        "high",
    );

    // full_access_as_app to a brand-new service principal.
    let from = day.out.len();
    let ts2 = ts + Duration::minutes(12);
    let portal = day.user_sign_in(
        ts2 - Duration::minutes(1),
        Kind::SignInInteractive,
        &admin,
        None,
        "azure-portal",
        "azure-mgmt",
        &net,
        admin.device.browser_ua,
        false,
    );
    let mut rng = ids::stream(t.seed, &[ids::label("rogue-app")]);
    let app_id = ids::guid(&mut rng);
    let sp_id = ids::guid(&mut rng);
    let app_name = "Mail Archive Connector";
    let ip = net.ip.to_string();
    audit_with_mirror(
        day,
        ts2,
        &admin,
        &ip,
        "ApplicationManagement",
        "Add service principal",
        "Add service principal.",
        "Add",
        vec![target(
            &sp_id,
            Some(app_name),
            "ServicePrincipal",
            None,
            vec![
                prop("AccountEnabled", Some("[]"), "[true]"),
                prop("AppPrincipalId", Some("[]"), &format!("[{}]", quoted(&app_id))),
                prop("DisplayName", Some("[]"), &format!("[{}]", quoted(app_name))),
                prop("ServicePrincipalName", Some("[]"), &format!("[{}]", quoted(&app_id))),
                prop(
                    "Included Updated Properties",
                    None,
                    &quoted("AccountEnabled, AppPrincipalId, DisplayName, ServicePrincipalName"),
                ),
                prop("TargetId.ServicePrincipalNames", None, &quoted(&app_id)),
            ],
        )],
        vec![
            ("AppPrincipalId", String::new(), format!("[{}]", quoted(&app_id))),
            ("DisplayName", String::new(), format!("[{}]", quoted(app_name))),
        ],
        vec![(sp_id.clone(), 2), (app_id.clone(), 2)],
    );
    let exo = cat.app("exchange");
    let exo_sp = t.resource_sp(exo.id);
    let grant_ts = ts2 + Duration::minutes(3);
    let created = crate::gen::clock::iso_7(grant_ts);
    let role_id = "dc890d15-9560-4a4c-9b7f-a736ec74ec40";
    audit_with_mirror(
        day,
        grant_ts,
        &admin,
        &ip,
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
                    prop("ServicePrincipal.ObjectID", None, &quoted(&sp_id)),
                    prop("ServicePrincipal.DisplayName", None, &quoted(app_name)),
                    prop("ServicePrincipal.AppId", None, &quoted(&app_id)),
                    prop("ServicePrincipal.Name", None, &quoted(app_name)),
                    prop(
                        "TargetId.ServicePrincipalNames",
                        None,
                        &quoted(&format!("{};https://outlook.office365.com", exo.id)),
                    ),
                ],
            ),
            target(&sp_id, None, "ServicePrincipal", None, vec![]),
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
    // The new app signs in with a secret and reads executives' mail through EWS.
    let sp = ServicePrincipal {
        app_id: app_id.clone(),
        sp_id: sp_id.clone(),
        name: app_name.into(),
        net: net.clone(),
        credential: "clientSecret",
        key_id: ids::guid(&mut rng),
        thumbprint: String::new(),
    };
    let sts = grant_ts + Duration::minutes(9);
    let ids_ = day.signin_ids(None);
    let mut a = SignInArgs::user(sts, Kind::SignInServicePrincipal, ids_, user_ref(&admin), exo, exo, &net, "");
    a.user = None;
    a.app = App { id: leak(&app_id), name: leak(app_name) };
    a.sp = Some(&sp);
    a.client_app_used = "";
    a.incoming_token = "none";
    let sptok = day.sign_in(&a);
    let app_actor = UalActor { user_id: leak(&sp_id), user_key: sp_id.clone(), user_type: 5, object_id: leak(&sp_id) };
    for (k, mbx) in [ceo.clone(), cfo.clone()].iter().enumerate() {
        mail_reads(
            day,
            sts + Duration::minutes(1 + 6 * k as i64),
            100,
            3,
            &app_actor,
            mbx,
            &net,
            1,
            false,
            "Client=WebServices;ExchangeWebServices/15.0;",
            leak(&app_id),
            Some(&sptok),
            15..=40,
        );
    }
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

/// The business-email-compromise story: adversary-in-the-middle phish, token theft, inbox rule, mail read,
/// enumeration, folder delegation and a fraudulent payment mail.
pub fn bec(day: &mut Day) {
    let cat = Catalog::get();
    let t = day.t;
    let p = t.people[t.cast.bec_victim].clone();
    let proxy = Net::new("203.0.113.210", "frankfurt-vps");
    let attacker = Net::new("203.0.113.220", "lagos");
    let ua = p.device.browser_ua;

    // 1. The phishing proxy relays the victim's sign-in (MFA satisfied) and keeps the session.
    let from = day.out.len();
    let ts = day.between(9.2, 9.4);
    let phish = day.user_sign_in(ts, Kind::SignInInteractive, &p, None, "officehome", "officehome", &proxy, ua, false);
    let s = phish.session_id.clone();
    let v = ual::sts_logon(
        t,
        ts,
        &phish.request_id,
        &phish.correlation_id,
        &ual_actor(&p, true),
        &proxy.ip,
        phish.app.id,
        phish.resource.id,
        ua,
        p.device.os,
        p.device.browser,
        &s,
        0,
    );
    day.push(ts, Kind::Ual(Workload::AzureActiveDirectory), v);
    let exo = day.user_sign_in(
        ts + Duration::seconds(50),
        Kind::SignInNonInteractive,
        &p,
        Some(&s),
        "owa",
        "exchange",
        &proxy,
        ua,
        false,
    );

    // 2. The stolen session is used from the attacker's own host: inbox rule, mail reads, payment mail.
    let t1 = ts + Duration::minutes(45);
    let port = day.port();
    cmdlet(
        day,
        t1,
        ual_actor(&p, true),
        ip_with_port(&attacker.ip, port),
        "New-InboxRule",
        format!("{}\\..", p.display),
        vec![
            ("Name", "..".into()),
            ("SubjectOrBodyContainsWords", "invoice;payment;remittance;wire;bank".into()),
            ("MoveToFolder", "RSS Subscriptions".into()),
            ("MarkAsRead", "True".into()),
            ("StopProcessingRules", "True".into()),
        ],
        false,
        &s,
    );
    mail_reads(
        day,
        t1 + Duration::minutes(5),
        120,
        10,
        &ual_actor(&p, false),
        &p,
        &attacker,
        0,
        false,
        "Client=OWA;Action=ViaProxy",
        exo.app.id,
        Some(&exo),
        6..=25,
    );
    let send_ts = t1 + Duration::hours(4);
    let mid = ids::message_id(&mut day.rng, &t.exchange_server());
    let id = day.guid();
    let port = day.port();
    let v = ual::send(
        t,
        send_ts,
        &id,
        &ual_actor(&p, true),
        &attacker.ip,
        port,
        &p.mailbox_guid,
        "Updated remittance details",
        &mid,
        "Client=OWA;Action=ViaProxy",
        Some(&exo.context()),
    );
    day.push(send_ts, Kind::Ual(Workload::Exchange), v);
    record_key(
        day,
        from,
        true,
        "bec-session-replay",
        "AN0959",
        &format!("{}'s session, captured by a phishing proxy in {}, is replayed from {} to read mail, hide replies and send a payment change", p.upn, proxy.place.country, attacker.place.country),
        Entities {
            users: vec![p.upn.clone()],
            ips: vec![proxy.ip.to_string(), attacker.ip.to_string()],
            sessions: vec![s.clone()],
            mailboxes: vec![p.upn.clone()],
            apps: vec![exo.app.id.to_string()],
        },
        "medium",
    );

    // 3. The refresh token is redeemed for the Graph command-line client and used from a script.
    let from = day.out.len();
    let t2 = t1 + Duration::minutes(70);
    let pyua = cat.ua("python-requests");
    let ids_ = day.signin_ids(Some(&s));
    let mut a = SignInArgs::user(
        t2,
        Kind::SignInNonInteractive,
        ids_,
        user_ref(&p),
        cat.app("graph-cli"),
        cat.app("graph"),
        &attacker,
        pyua,
    );
    a.scopes = "Mail.Read User.ReadBasic.All GroupMember.Read.All";
    let gtok = day.sign_in(&a);
    scripted_reads(day, &p, &gtok, &attacker, pyua, t2 + Duration::minutes(1), 20, 4);
    record_key(
        day,
        from,
        true,
        "bec-scripted-graph",
        "AN0534",
        &format!("python-requests with {}'s stolen refresh token reads the mailbox through Graph", p.upn),
        Entities {
            users: vec![p.upn.clone()],
            ips: vec![attacker.ip.to_string()],
            sessions: vec![s.clone()],
            mailboxes: vec![p.upn.clone()],
            apps: vec![cat.app("graph-cli").id.to_string()],
        },
        "high",
    );

    // 4. Enumeration of every mail address for the next wave.
    let from = day.out.len();
    let t3 = t2 + Duration::minutes(40);
    enumeration_burst(day, t3, &p, &gtok, &attacker, pyua, 24, 6, "mail,displayName");
    record_key(
        day,
        from,
        true,
        "bec-enumeration",
        "AN1089",
        &format!("{}'s stolen token pages through all users' mail addresses and group members", p.upn),
        Entities {
            users: vec![p.upn.clone()],
            ips: vec![attacker.ip.to_string()],
            sessions: vec![s.clone()],
            mailboxes: vec![],
            apps: vec![cat.app("graph-cli").id.to_string()],
        },
        "medium",
    );

    // 5. The inbox is shared with everyone in the organisation so the attacker keeps reading after a reset.
    let from = day.out.len();
    let t4 = t3 + Duration::minutes(25);
    let port = day.port();
    cmdlet(
        day,
        t4,
        ual_actor(&p, true),
        ip_with_port(&attacker.ip, port),
        "Add-MailboxFolderPermission",
        format!("{}:\\Inbox", p.upn_cased),
        vec![
            ("Identity", format!("{}:\\Inbox", p.upn_cased)),
            ("User", "Default".into()),
            ("AccessRights", "Reviewer".into()),
        ],
        false,
        &s,
    );
    record_key(
        day,
        from,
        true,
        "bec-inbox-delegation",
        "AN1107",
        &format!("Reviewer rights on {}'s Inbox granted to Default from the attacker's host", p.upn),
        Entities {
            users: vec![p.upn.clone()],
            ips: vec![attacker.ip.to_string()],
            sessions: vec![s],
            mailboxes: vec![p.upn.clone()],
            apps: vec![],
        },
        "medium",
    );
}
