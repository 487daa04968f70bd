//! The tenant's machinery: directory sync, administrators, the helpdesk, backup and integration apps, a managed
//! identity and SharePoint's own service account.

use super::{ual_actor, Day};
use crate::gen::catalog::Catalog;
use crate::gen::clock;
use crate::gen::ids;
use crate::gen::records::audit::{directory_audit, prop, quoted, target, AuditArgs, Initiator};
use crate::gen::records::graph::GraphArgs;
use crate::gen::records::signin::SignInArgs;
use crate::gen::records::ual::{self, DirectoryChange, FileOp, UalActor};
use crate::gen::records::{Kind, Workload};
use crate::gen::tenant::{Person, ServicePrincipal};
use chrono::{DateTime, Duration, Utc};
use rand::seq::IndexedRandom;
use rand::Rng;

/// Emits the day's service activity.
pub fn service_day(day: &mut Day) {
    let t = day.t;
    sync_cycle(day);
    app_signins(day, &t.backup_sp, "graph", 2);
    app_signins(day, &t.integration_sp, "graph", 1);
    managed_identity(day);
    sharepoint_service(day);
    if clock::is_workday(day.date) {
        if day.rng.random_bool(0.6) {
            admin_change(day);
        }
        if day.rng.random_bool(0.3) {
            helpdesk_reset(day);
        }
    }
}

/// Emits an Entra audit record and its UAL mirror (operation name with the trailing period).
#[allow(clippy::too_many_arguments)]
pub fn audit_with_mirror(
    day: &mut Day,
    ts: DateTime<Utc>,
    actor: &Person,
    ip: &str,
    category: &'static str,
    activity: &'static str,
    ual_operation: &'static str,
    operation_type: &'static str,
    targets: Vec<serde_json::Value>,
    ual_modified: Vec<(&'static str, String, String)>,
    ual_targets: Vec<(String, u8)>,
) -> String {
    let corr = day.guid();
    let id = ids::audit_id(&mut day.rng, &corr);
    let v = directory_audit(&AuditArgs {
        ts,
        id,
        correlation_id: corr.clone(),
        category,
        activity,
        operation_type,
        service: "Core Directory",
        initiator: Initiator::User { id: actor.id.clone(), upn: actor.upn.clone(), ip: ip.to_string() },
        targets,
        additional: vec![("User-Agent".into(), actor.device.browser_ua.into())],
    });
    day.push(ts, Kind::Audit, v);
    let uid = day.guid();
    let object_id = ual_targets.first().map(|x| x.0.clone()).unwrap_or_default();
    let targets_ref: Vec<(&str, u8)> = ual_targets.iter().map(|(a, b)| (a.as_str(), *b)).collect();
    let mirror = ual::directory_change(
        day.t,
        &DirectoryChange {
            ts: ts + Duration::seconds(2),
            id: uid,
            actor: ual_actor(actor, true),
            actor_ip: ip.to_string(),
            operation: ual_operation,
            object_id: &object_id,
            correlation_id: &corr,
            modified: ual_modified,
            targets: targets_ref,
            category: match category {
                "ApplicationManagement" => "ServicePrincipal",
                "DirectoryManagement" => "Company",
                _ => "User",
            },
        },
    );
    day.push(ts + Duration::seconds(2), Kind::Ual(Workload::AzureActiveDirectory), mirror);
    corr
}

fn sync_cycle(day: &mut Day) {
    let t = day.t;
    for _ in 0..day.rng.random_range(1..=2) {
        let ts = day.between(1.0, 23.5);
        let who = t.people.choose(&mut day.rng).cloned().unwrap_or_else(|| t.sync_account.clone());
        let corr = day.guid();
        let id = ids::audit_id(&mut day.rng, &corr);
        let v = directory_audit(&AuditArgs {
            ts,
            id,
            correlation_id: corr,
            category: "UserManagement",
            activity: "Update user",
            operation_type: "Update",
            service: "Core Directory",
            initiator: Initiator::User {
                id: t.sync_account.id.clone(),
                upn: t.sync_account.upn_cased.clone(),
                ip: String::new(),
            },
            targets: vec![target(
                &who.id,
                None,
                "User",
                Some(&who.upn),
                vec![
                    prop(
                        "TelephoneNumber",
                        Some("[]"),
                        &format!("[\"+1 312 555 0{}\"]", 100 + who.id.as_bytes()[3] as u32 % 100),
                    ),
                    prop("Included Updated Properties", None, "\"TelephoneNumber\""),
                ],
            )],
            additional: vec![("UserType".into(), "Member".into())],
        });
        day.push(ts, Kind::Audit, v);
    }
}

/// An app signing in with its own credential, then calling Graph.
fn app_signins(day: &mut Day, sp: &ServicePrincipal, resource: &str, calls: usize) {
    let cat = Catalog::get();
    let t = day.t;
    let ts = day.between(1.0, 2.0);
    let ids = day.signin_ids(None);
    let mut a = SignInArgs::user(
        ts,
        Kind::SignInServicePrincipal,
        ids,
        super::user_ref(&t.automation),
        cat.app(resource),
        cat.app(resource),
        &sp.net,
        "",
    );
    a.user = None;
    a.app = crate::gen::catalog::App { id: leak(&sp.app_id), name: leak(&sp.name) };
    a.sp = Some(sp);
    a.client_app_used = "";
    a.incoming_token = "none";
    let tok = day.sign_in(&a);
    for i in 0..calls {
        let uri = if sp.credential == "certificate" {
            let who = &t.people[(day.index as usize + i) % t.people.len()];
            format!(
                "https://graph.microsoft.com/v1.0/users/{}/messages/delta?$select=id,subject,receivedDateTime",
                who.id
            )
        } else {
            "https://graph.microsoft.com/v1.0/users/delta?$select=displayName,department,jobTitle,manager".to_string()
        };
        let ts = tok.issued + Duration::seconds(30 + 45 * i as i64);
        let g = GraphArgs {
            ts,
            request_id: day.guid(),
            client_request_id: day.guid(),
            method: "GET",
            uri,
            status: 200,
            bytes: day.rng.random_range(2_000..90_000),
            duration_ms: day.rng.random_range(80..1500),
            app_id: &sp.app_id,
            user_id: None,
            sp_id: &sp.sp_id,
            ip: sp.net.ip.to_string(),
            user_agent: "",
            scopes: None,
            roles: Some(if sp.credential == "certificate" {
                "Mail.Read Files.Read.All User.Read.All"
            } else {
                "User.ReadWrite.All"
            }),
            sign_in_activity_id: tok.uti.clone(),
            session_id: tok.session_id.clone(),
            token_issued_at: tok.issued,
            client_auth_method: if sp.credential == "certificate" { 2 } else { 1 },
            device_id: "",
        };
        day.graph(&g);
    }
}

/// App names and ids live as long as the tenant; the catalogue's `App` wants `'static` strings, so they are kept
/// in a small interned table.
pub fn leak(s: &str) -> &'static str {
    use std::collections::BTreeSet;
    use std::sync::Mutex;
    static TABLE: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut table = TABLE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = table.get(s) {
        return found;
    }
    let interned: &'static str = Box::leak(s.to_string().into_boxed_str());
    table.insert(interned);
    interned
}

fn managed_identity(day: &mut Day) {
    let cat = Catalog::get();
    let t = day.t;
    let mi = &t.managed_identity;
    for _ in 0..2 {
        let ts = day.between(0.0, 23.9);
        let ids = day.signin_ids(None);
        let mut a = SignInArgs::user(
            ts,
            Kind::SignInManagedIdentity,
            ids,
            super::user_ref(&t.automation),
            cat.app("keyvault"),
            cat.app("keyvault"),
            &mi.net,
            "",
        );
        a.user = None;
        a.app = crate::gen::catalog::App { id: leak(&mi.app_id), name: leak(&mi.name) };
        a.sp = Some(mi);
        a.client_app_used = "";
        a.incoming_token = "none";
        day.sign_in(&a);
    }
}

fn sharepoint_service(day: &mut Day) {
    let cat = Catalog::get();
    let t = day.t;
    let doc = *cat.documents.choose(&mut day.rng).unwrap_or(&cat.documents[0]);
    let ts = day.between(0.5, 5.0);
    let ip = crate::gen::tenant::Net::new("2001:db8:8075::2a", "microsoft");
    let id = day.guid();
    let corr = day.guid();
    let v = ual::file_operation(
        t,
        &FileOp {
            ts,
            id,
            actor: UalActor {
                user_id: "app@sharepoint",
                user_key: "i:0i.t|00000003-0000-0ff1-ce00-000000000000|app@sharepoint".into(),
                user_type: 0,
                object_id: "",
            },
            operation: "FileAccessed",
            onedrive: false,
            ip: &ip.ip,
            site_url: format!("https://{}/sites/{}/", t.sharepoint_host(false), doc.site),
            folder: doc.folder,
            file: doc.file,
            user_agent: cat.ua("spo-service"),
            app_id: cat.app("sharepoint").id,
            app_name: cat.app("sharepoint").name,
            token: None,
            correlation_id: corr,
            managed: false,
        },
    );
    day.push_raw(ts, Kind::Ual(Workload::SharePoint), v, Default::default());
}

fn admin_sign_in(day: &mut Day, admin: &Person, ts: DateTime<Utc>) {
    let t = day.t;
    let net = t.corp[0].clone();
    day.user_sign_in(
        ts,
        Kind::SignInInteractive,
        admin,
        None,
        "azure-portal",
        "azure-mgmt",
        &net,
        admin.device.browser_ua,
        true,
    );
}

fn admin_change(day: &mut Day) {
    let t = day.t;
    let admin = t.people[t.cast.admin].clone();
    let ts = day.between(9.0, 16.5);
    admin_sign_in(day, &admin, ts - Duration::minutes(3));
    let who = t.people.choose(&mut day.rng).cloned().unwrap_or_else(|| admin.clone());
    let (gid, gname) = t.groups.choose(&mut day.rng).cloned().unwrap_or_default();
    let ip = t.corp[0].ip.to_string();
    audit_with_mirror(
        day,
        ts,
        &admin,
        &ip,
        "GroupManagement",
        "Add member to group",
        "Add member to group.",
        "Assign",
        vec![
            target(
                &who.id,
                None,
                "User",
                Some(&who.upn),
                vec![prop("Group.ObjectID", None, &quoted(&gid)), prop("Group.DisplayName", None, &quoted(&gname))],
            ),
            target(&gid, None, "Group", None, vec![]),
        ],
        vec![("Group.ObjectID", String::new(), gid.clone()), ("Group.DisplayName", String::new(), gname)],
        vec![(format!("User_{}", who.id), 2), (who.upn.clone(), 5)],
    );
}

fn helpdesk_reset(day: &mut Day) {
    let t = day.t;
    let hd = t.people[t.cast.helpdesk[day.index as usize % 2]].clone();
    let who = t.people.choose(&mut day.rng).cloned().unwrap_or_else(|| hd.clone());
    let ts = day.between(8.5, 17.0);
    let ip = t.corp[1].ip.to_string();
    admin_sign_in(day, &hd, ts - Duration::minutes(2));
    audit_with_mirror(
        day,
        ts,
        &hd,
        &ip,
        "UserManagement",
        "Reset user password",
        "Reset user password.",
        "Update",
        vec![target(&who.id, None, "User", Some(&who.upn), vec![])],
        vec![],
        vec![(format!("User_{}", who.id), 2), (who.upn.clone(), 5)],
    );
}
