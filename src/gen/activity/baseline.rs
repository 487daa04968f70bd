//! The ordinary working day of the tenant's people: browser sign-ins, the token refreshes of Outlook, Teams and
//! OneDrive, mail read by its owners, file activity, Graph calls of Microsoft clients, failed sign-ins, phones at
//! the weekend.

use super::{ual_actor, Day, Token};
use crate::gen::catalog::Catalog;
use crate::gen::clock;
use crate::gen::ids;
use crate::gen::records::signin::SignInArgs;
use crate::gen::records::ual::{self, FileOp, MailAccess};
use crate::gen::records::{Kind, Workload};
use crate::gen::tenant::{Net, Person};
use chrono::{DateTime, Datelike, Duration, Utc};
use rand::seq::IndexedRandom;
use rand::Rng;

/// Emits one person's ordinary day. `net` overrides where they work from (travel).
pub fn person_day(day: &mut Day, p: &Person, net_override: Option<&Net>) {
    let workday = clock::is_workday(day.date);
    if !workday {
        if day.rng.random_bool(0.25) {
            weekend_phone(day, p);
        }
        return;
    }
    let weekday = day.date.weekday().num_days_from_monday() as usize;
    let in_office = p.office_days.get(weekday).copied().unwrap_or(false);
    let t = day.t;
    let net = match net_override {
        Some(n) => n.clone(),
        None if in_office => t.corp[p.id.as_bytes()[0] as usize % 2].clone(),
        None => p.home.clone(),
    };
    let managed = in_office || p.device.os != "MacOs";
    let start = p.start_hour as f64 + day.rng.random_range(-0.4..0.6);
    let w = WorkDay { net, managed, start, end: start + 8.5 };
    let login = day.between(start, start + 0.3);
    // An occasional mistyped password before the real sign-in.
    if day.rng.random_bool(0.04) {
        mistyped_password(day, p, &w, login);
    }
    let session = browser_sign_in(day, p, &w, login);
    let clients = desktop_clients(day, p, &w, login, &session);
    desk_work(day, p, &w, &clients);
}

/// Where and when a person works today.
struct WorkDay {
    net: Net,
    /// Whether the device they use counts as managed (office days, and Windows at home).
    managed: bool,
    /// Local hours the working day starts and ends.
    start: f64,
    end: f64,
}

/// A failed browser sign-in (wrong password) forty seconds before `login`, and its UAL mirror.
fn mistyped_password(day: &mut Day, p: &Person, w: &WorkDay, login: DateTime<Utc>) {
    let cat = Catalog::get();
    let t = day.t;
    let net = &w.net;
    let ids = day.signin_ids(None);
    let mut a = SignInArgs::user(
        login - Duration::seconds(40),
        Kind::SignInInteractive,
        ids,
        super::user_ref(p),
        cat.app("officehome"),
        cat.app("officehome"),
        net,
        p.device.browser_ua,
    );
    a.device = Some(&p.device);
    a.error_code = 50126;
    a.failure_reason = "Invalid username or password or Invalid on-premise username or password.";
    let tok = day.sign_in(&a);
    let v = ual::sts_logon(
        t,
        a.ts,
        &tok.request_id,
        &tok.correlation_id,
        &ual_actor(p, true),
        &net.ip,
        a.app.id,
        a.resource.id,
        p.device.browser_ua,
        p.device.os,
        p.device.browser,
        &tok.session_id,
        50126,
    );
    day.push(a.ts, Kind::Ual(Workload::AzureActiveDirectory), v);
}

/// The morning browser sign-in to the Office home page and its UAL mirror; returns the session it opens.
fn browser_sign_in(day: &mut Day, p: &Person, w: &WorkDay, login: DateTime<Utc>) -> String {
    let t = day.t;
    let (net, managed) = (&w.net, w.managed);
    let browser = day.user_sign_in(
        login,
        Kind::SignInInteractive,
        p,
        None,
        "officehome",
        "officehome",
        net,
        p.device.browser_ua,
        managed,
    );
    let v = ual::sts_logon(
        t,
        login,
        &browser.request_id,
        &browser.correlation_id,
        &ual_actor(p, day.rng.random_bool(0.5)),
        &net.ip,
        browser.app.id,
        browser.resource.id,
        p.device.browser_ua,
        p.device.os,
        p.device.browser,
        &browser.session_id,
        0,
    );
    day.push(login, Kind::Ual(Workload::AzureActiveDirectory), v);
    browser.session_id
}

/// The desktop clients' tokens of the day: Outlook, Teams (for Graph) and OneDrive.
struct DesktopTokens {
    outlook: Token,
    teams_graph: Token,
    onedrive: Token,
}

/// Outlook, Teams and OneDrive refresh their tokens through the day on the browser's session.
fn desktop_clients(day: &mut Day, p: &Person, w: &WorkDay, login: DateTime<Utc>, session: &str) -> DesktopTokens {
    let cat = Catalog::get();
    let (net, managed, start, end) = (&w.net, w.managed, w.start, w.end);
    let outlook = day.user_sign_in(
        login + Duration::seconds(95),
        Kind::SignInNonInteractive,
        p,
        Some(session),
        "office",
        "exchange",
        net,
        cat.ua("outlook-win"),
        managed,
    );
    let ts = day.between(start + 0.5, end);
    let teams_graph = day.user_sign_in(
        ts,
        Kind::SignInNonInteractive,
        p,
        Some(session),
        "teams",
        "graph",
        net,
        cat.ua("teams-win"),
        managed,
    );
    let ts = day.between(start + 0.5, end);
    let onedrive = day.user_sign_in(
        ts,
        Kind::SignInNonInteractive,
        p,
        Some(session),
        "onedrive",
        "sharepoint",
        net,
        cat.ua("onedrive-win"),
        managed,
    );
    if day.rng.random_bool(0.5) {
        let ts = day.between(start + 4.0, end);
        day.user_sign_in(
            ts,
            Kind::SignInNonInteractive,
            p,
            Some(session),
            "teams",
            "teams-services",
            net,
            cat.ua("teams-win"),
            managed,
        );
    }
    DesktopTokens { outlook, teams_graph, onedrive }
}

/// The day's work through those tokens: own mail read, files touched, Graph calls of Teams.
fn desk_work(day: &mut Day, p: &Person, w: &WorkDay, clients: &DesktopTokens) {
    let cat = Catalog::get();
    let (net, managed, start, end) = (&w.net, w.managed, w.start, w.end);
    let DesktopTokens { outlook, teams_graph, onedrive } = clients;
    for _ in 0..day.rng.random_range(1..=2) {
        let ts = day.between(start + 0.2, end);
        owner_mail(day, p, outlook, net, ts, "Client=MSExchangeRPC", "Sync");
    }
    for _ in 0..day.rng.random_range(1..=3) {
        let ts = day.between(start + 0.3, end);
        file_activity(day, p, onedrive, net, ts, managed);
    }
    for _ in 0..day.rng.random_range(0..=2) {
        let ts = day.between(start + 0.3, end);
        let uri = ["https://graph.microsoft.com/v1.0/me", "https://graph.microsoft.com/beta/me/presence", "https://graph.microsoft.com/v1.0/me/calendarView?startDateTime=2026-03-02T00:00:00Z&endDateTime=2026-03-09T00:00:00Z"]
            .choose(&mut day.rng)
            .copied()
            .unwrap_or("https://graph.microsoft.com/v1.0/me")
            .to_string();
        let bytes = day.rng.random_range(400..9000);
        day.graph_user(
            ts,
            p,
            teams_graph,
            net,
            cat.ua("teams-win"),
            "GET",
            uri,
            bytes,
            "User.Read Calendars.Read Presence.Read",
        );
    }
}

/// A phone checking mail at the weekend.
fn weekend_phone(day: &mut Day, p: &Person) {
    let cat = Catalog::get();
    let mobile = Net::new(
        &format!("2001:db8:f00:{:x}::{:x}", 0x10 + p.id.as_bytes()[1] as u32, 0x100 + p.id.as_bytes()[2] as u32),
        "mobile",
    );
    let ts = day.between(9.0, 20.0);
    let tok = day.user_sign_in(
        ts,
        Kind::SignInNonInteractive,
        p,
        None,
        "outlook-mobile",
        "exchange",
        &mobile,
        cat.ua("outlook-ios"),
        false,
    );
    owner_mail(day, p, &tok, &mobile, ts + Duration::seconds(20), "Client=OutlookService;Outlook-iOS/2.0;", "Sync");
}

/// The owner reads their own mail (LogonType 0).
pub fn owner_mail(
    day: &mut Day,
    p: &Person,
    tok: &Token,
    net: &Net,
    ts: chrono::DateTime<chrono::Utc>,
    client: &str,
    access: &str,
) {
    let n = day.rng.random_range(1..=6);
    let host = day.t.exchange_server();
    let message_ids = (0..n).map(|_| ids::message_id(&mut day.rng, &host)).collect();
    let port = day.port();
    let id = day.guid();
    let v = ual::mail_items_accessed(
        day.t,
        &MailAccess {
            ts,
            id,
            actor: ual_actor(p, false),
            ip: &net.ip,
            port,
            mailbox_upn: &p.upn,
            mailbox_guid: &p.mailbox_guid,
            mailbox_sid: &p.sid,
            logon_type: 0,
            external: false,
            client_info: client,
            access_type: access,
            app_id: tok.app.id,
            token: Some(tok.context()),
            folder: "\\Inbox",
            message_ids,
        },
    );
    day.push_raw(ts, Kind::Ual(Workload::Exchange), v, Default::default());
}

/// One file operation on a team site or the person's OneDrive.
pub fn file_activity(
    day: &mut Day,
    p: &Person,
    tok: &Token,
    net: &Net,
    ts: chrono::DateTime<chrono::Utc>,
    managed: bool,
) {
    let cat = Catalog::get();
    let doc = *cat.documents.choose(&mut day.rng).unwrap_or(&cat.documents[0]);
    let onedrive = day.rng.random_bool(0.3);
    let site_url = if onedrive {
        format!("https://{}/personal/{}/", day.t.sharepoint_host(true), p.upn.replace(['@', '.'], "_"))
    } else {
        format!("https://{}/sites/{}/", day.t.sharepoint_host(false), doc.site)
    };
    let op = ["FileAccessed", "FileAccessed", "FileModified", "FileDownloaded", "FileUploaded"]
        .choose(&mut day.rng)
        .copied()
        .unwrap_or("FileAccessed");
    let id = day.guid();
    let corr = day.guid();
    let v = ual::file_operation(
        day.t,
        &FileOp {
            ts,
            id,
            actor: ual_actor(p, false),
            operation: op,
            onedrive,
            ip: &net.ip,
            site_url,
            folder: if onedrive { "Documents" } else { doc.folder },
            file: doc.file,
            user_agent: if tok.app.name == "OneDrive SyncEngine" {
                Catalog::get().ua("onedrive-win")
            } else {
                p.device.browser_ua
            },
            app_id: tok.app.id,
            app_name: tok.app.name,
            token: Some(tok.context()),
            correlation_id: corr,
            managed,
        },
    );
    day.push_raw(ts, Kind::Ual(Workload::SharePoint), v, Default::default());
}
