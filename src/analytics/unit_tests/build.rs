//! Builders for small hand-made event lists, and a runner that feeds them to one detection.

use crate::analytics::coverage::AnalyticCoverage;
use crate::analytics::{detect_events, Alert, DetectContext, Detection, Suppression};
use crate::config::CaseConfig;
use crate::facts::Facts;
use crate::model::{
    ActorKind, Event, EventResult, GraphRequest, MailboxAccess, ModifiedProperty, SignInInfo, Source, Target,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;

/// The tenant every test case belongs to.
pub const TENANT_TOML: &str = "[tenant]\ndomains = [\"contoso.example\"]\n";

/// Microsoft Graph (resource id).
pub const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
/// Office 365 Exchange Online (resource id).
pub const EXCHANGE: &str = "00000002-0000-0ff1-ce00-000000000000";
/// Office 365 SharePoint Online (resource id).
pub const SHAREPOINT: &str = "00000003-0000-0ff1-ce00-000000000000";
/// OfficeHome, the portal people sign in to with a browser.
pub const OFFICEHOME: &str = "4765445b-32c6-49b0-83e6-1d93765276ca";
/// Microsoft Graph Command Line Tools, a public command-line client.
pub const GRAPH_CLI: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/// Edge on Windows, as a person at a browser sends it.
pub const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                          Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80";
/// The Python requests library.
pub const PYTHON: &str = "python-requests/2.31.0";

/// Where a request came from: address, country and ASN as enrichment gives them.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub ip: &'static str,
    pub country: Option<&'static str>,
    pub asn: Option<u32>,
}

/// The head office's egress.
pub const CORP: Place = Place { ip: "198.51.100.10", country: Some("US"), asn: Some(64500) };
/// A rented server abroad.
pub const VPS: Place = Place { ip: "203.0.113.200", country: Some("NL"), asn: Some(14061) };
/// A hotel network abroad, where a travelling user signs in.
pub const HOTEL: Place = Place { ip: "192.0.2.44", country: Some("NL"), asn: Some(1136) };

/// Local time (UTC, the default case zone) `day` days after Monday 2025-03-03 at `hour:min`.
pub fn at(day: i64, hour: u32, min: u32) -> DateTime<Utc> {
    let monday = Utc.with_ymd_and_hms(2025, 3, 3, 0, 0, 0).single().expect("valid date");
    monday + Duration::days(day) + Duration::hours(hour.into()) + Duration::minutes(min.into())
}

/// Runs one analytic over `events` with the given `case.toml` text.
pub fn run(analytic: &str, case_toml: &str, events: Vec<Event>) -> Detection {
    run_with_facts(analytic, case_toml, events, Facts::default())
}

/// Runs one analytic over `events` and the snapshot `facts` with the given `case.toml` text.
pub fn run_with_facts(analytic: &str, case_toml: &str, events: Vec<Event>, facts: Facts) -> Detection {
    let config = CaseConfig::parse(case_toml, "case.toml").expect("test case.toml parses");
    let ctx =
        DetectContext { config, only: vec![analytic.into()], now: at(30, 0, 0), facts: Arc::new(facts), sigma: None };
    detect_events(events.into_iter().map(Ok::<_, String>), &ctx).expect("detection runs")
}

/// The single alert of a run; fails with the titles when there are none or several.
pub fn only_alert(d: &Detection) -> &Alert {
    let titles: Vec<&str> = d.alerts.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(d.alerts.len(), 1, "expected one alert, got {titles:?}");
    &d.alerts[0]
}

/// Fails when the run raised any alert.
pub fn assert_quiet(d: &Detection) {
    let found: Vec<(&str, &[String])> = d.alerts.iter().map(|a| (a.title.as_str(), a.reasons.as_slice())).collect();
    assert!(d.alerts.is_empty(), "expected no alert, got {found:?}");
}

/// The suppression counted under `rule`; fails with the whole list when there is none.
pub fn suppression<'a>(d: &'a Detection, rule: &str) -> &'a Suppression {
    d.suppressions.iter().find(|s| s.rule == rule).unwrap_or_else(|| panic!("no '{rule}' in {:?}", d.suppressions))
}

/// The coverage verdict on one analytic.
pub fn coverage_of<'a>(d: &'a Detection, analytic: &str) -> &'a AnalyticCoverage {
    d.coverage.analytics.iter().find(|c| c.analytic == analytic).expect("coverage lists the analytic")
}

/// The first reason holding every one of `needles`; fails with all reasons when none does.
pub fn reason_with<'a>(a: &'a Alert, needles: &[&str]) -> &'a str {
    a.reasons
        .iter()
        .find(|r| needles.iter().all(|n| r.contains(n)))
        .unwrap_or_else(|| panic!("no reason with {needles:?} in {:#?}", a.reasons))
}

/// A successful record of `source` at `ts`.
pub fn event(id: &str, ts: DateTime<Utc>, source: Source, operation: &str) -> Event {
    Event {
        id: id.to_string(),
        ts: Some(ts),
        source: Some(source),
        operation: operation.to_string(),
        result: EventResult::Success,
        ..Default::default()
    }
}

/// Chained setters that keep the builders below short.
pub trait With: Sized {
    /// The acting person (lower-cased UPN), as a member of the tenant.
    fn by(self, upn: &str) -> Self;
    /// The kind of actor.
    fn kind(self, kind: ActorKind) -> Self;
    /// Address, country and ASN.
    fn via(self, place: Place) -> Self;
    /// User agent.
    fn ua(self, ua: &str) -> Self;
    /// Client app id.
    fn app(self, app: &str) -> Self;
    /// Resource id.
    fn resource(self, resource: &str) -> Self;
    /// Session id.
    fn session(self, session: &str) -> Self;
    /// Unique token id.
    fn token(self, token: &str) -> Self;
    /// Home tenant of the actor.
    fn home(self, tenant: &str) -> Self;
    /// One more parameter.
    fn param(self, name: &str, value: &str) -> Self;
}

impl With for Event {
    fn by(mut self, upn: &str) -> Self {
        self.actor.upn = Some(upn.to_ascii_lowercase());
        self
    }
    fn kind(mut self, kind: ActorKind) -> Self {
        self.actor.kind = kind;
        self
    }
    fn via(mut self, place: Place) -> Self {
        self.net.ip = place.ip.parse().ok();
        self.net.country = place.country.map(str::to_string);
        self.net.asn = place.asn;
        self
    }
    fn ua(mut self, ua: &str) -> Self {
        self.user_agent = Some(ua.to_string());
        self
    }
    fn app(mut self, app: &str) -> Self {
        self.app_id = Some(app.to_string());
        self
    }
    fn resource(mut self, resource: &str) -> Self {
        self.resource_id = Some(resource.to_string());
        self
    }
    fn session(mut self, session: &str) -> Self {
        self.session_id = Some(session.to_string());
        self
    }
    fn token(mut self, token: &str) -> Self {
        self.token_id = Some(token.to_string());
        self
    }
    fn home(mut self, tenant: &str) -> Self {
        self.actor.home_tenant = Some(tenant.to_string());
        self
    }
    fn param(mut self, name: &str, value: &str) -> Self {
        self.params.push((name.to_string(), value.to_string()));
        self
    }
}

/// A successful Entra sign-in by `upn` with a browser to Graph through OfficeHome from the office.
pub fn sign_in(id: &str, ts: DateTime<Utc>, upn: &str, interactive: bool) -> Event {
    let source = if interactive { Source::SigninInteractive } else { Source::SigninNoninteractive };
    let mut e = event(id, ts, source, "Sign-in activity").by(upn).via(CORP).ua(CHROME).app(OFFICEHOME).resource(GRAPH);
    e.signin = Some(SignInInfo { interactive: Some(interactive), ..Default::default() });
    e
}

/// A Graph activity-log `GET` of `uri` by `upn` that returned `bytes`.
pub fn graph_get(id: &str, ts: DateTime<Utc>, upn: &str, uri: &str, bytes: u64) -> Event {
    let path = uri.split('?').next().unwrap_or(uri);
    let mut e = event(id, ts, Source::Graph, &format!("GET {path}")).by(upn).via(CORP).ua(CHROME);
    e.http = Some(GraphRequest {
        method: "GET".into(),
        uri: format!("https://graph.microsoft.com{uri}"),
        status: Some(200),
        bytes: Some(bytes),
        ..Default::default()
    });
    e
}

/// An aggregated `MailItemsAccessed` record: `upn` read `items` messages in `mailbox`.
pub fn mail_read(id: &str, ts: DateTime<Utc>, upn: &str, mailbox: &str, items: u64) -> Event {
    let mut e = event(id, ts, Source::UalExchange, "MailItemsAccessed").by(upn).via(CORP);
    let owner = mailbox.eq_ignore_ascii_case(upn);
    e.mailbox = Some(MailboxAccess {
        mailbox: Some(mailbox.to_ascii_lowercase()),
        logon_type: Some(if owner { 0 } else { 2 }),
        item_count: Some(items),
        ..Default::default()
    });
    e
}

/// An Exchange admin cmdlet run by `upn` with its parameters, as the UAL records it.
pub fn cmdlet(id: &str, ts: DateTime<Utc>, upn: &str, cmdlet: &str, params: &[(&str, &str)]) -> Event {
    params.iter().fold(event(id, ts, Source::UalExchange, cmdlet).by(upn).via(CORP), |e, (k, v)| e.param(k, v))
}

/// A SharePoint `FileDownloaded` record by `upn`.
pub fn file_download(id: &str, ts: DateTime<Utc>, upn: &str) -> Event {
    event(id, ts, Source::UalSharepoint, "FileDownloaded").by(upn).via(CORP).ua(CHROME).app(OFFICEHOME)
}

/// An Entra audit record by `upn` whose first target carries `props` as new values.
pub fn audit(id: &str, ts: DateTime<Utc>, upn: &str, operation: &str, target: &str, props: &[(&str, &str)]) -> Event {
    let mut e = event(id, ts, Source::EntraAudit, operation).by(upn).via(CORP);
    e.targets = vec![Target {
        name: Some(target.to_string()),
        modified: props
            .iter()
            .map(|(k, v)| ModifiedProperty { name: k.to_string(), old: None, new: Some(format!("\"{v}\"")) })
            .collect(),
        ..Default::default()
    }];
    e
}

/// `upn`'s ordinary office days: a browser sign-in and a Graph profile read at each of `hours` on days
/// `0..days`, all from the office.
pub fn office_days(upn: &str, days: i64, hours: &[u32]) -> Vec<Event> {
    let tag = upn.split('@').next().unwrap_or(upn);
    let mut out = Vec::new();
    for d in 0..days {
        for &h in hours {
            out.push(sign_in(&format!("{tag}-si-{d}-{h}"), at(d, h, 5), upn, true));
            out.push(graph_get(&format!("{tag}-me-{d}-{h}"), at(d, h, 6), upn, "/v1.0/me", 1_200));
        }
    }
    out
}
