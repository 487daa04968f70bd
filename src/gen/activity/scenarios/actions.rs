//! The steps the planted stories (and their look-alikes) are built of: an answer-key entry, an Exchange admin
//! cmdlet, mail reads, file operations, Graph enumeration and scripted bulk reads.

use crate::gen::activity::{ual_actor, Day, Token};
use crate::gen::catalog::Catalog;
use crate::gen::ids;
use crate::gen::key::{Entities, KeyEntry, Window};
use crate::gen::records::ual::{self, AdminCmdlet, FileOp, MailAccess, UalActor};
use crate::gen::records::{Kind, Workload};
use crate::gen::tenant::{Net, Person};
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
pub fn file_ops(
    day: &mut Day,
    start: DateTime<Utc>,
    count: usize,
    p: &Person,
    tok: &Token,
    net: &Net,
    ua: &str,
    op: &str,
) {
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

/// Bulk Graph mail and drive reads by a scripted token, mirrored in the UAL.
#[allow(clippy::too_many_arguments)]
pub fn scripted_reads(
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
