//! Activity: what happens in the tenant each day (the baseline), and the planted scenarios and look-alikes.

pub mod baseline;
pub mod habits;
pub mod lookalikes;
pub mod scenarios;
pub mod schedule;
pub mod services;
pub mod twins;

use super::catalog::{App, Catalog};
use super::clock;
use super::ids::{self, GenRng};
use super::key::KeyEntry;
use super::records::graph::{graph_activity, graph_head, GraphArgs};
use super::records::signin::{signin, signin_head, SignInArgs, SignInUser};
use super::records::ual::{puid, TokenContext, UalActor};
use super::records::{Kind, Rec};
use super::tenant::{Net, Person, Tenant};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use rand::Rng;
use serde_json::Value;

/// An access token as later records refer to it.
#[derive(Debug, Clone)]
pub struct Token {
    pub request_id: String,
    pub uti: String,
    pub session_id: String,
    pub correlation_id: String,
    pub issued: DateTime<Utc>,
    pub app: App,
    pub resource: App,
}

impl Token {
    /// The token as UAL `AppAccessContext` records it.
    pub fn context(&self) -> TokenContext<'_> {
        TokenContext {
            session_id: &self.session_id,
            unique_token_id: &self.uti,
            issued_at: self.issued,
            client_app_id: self.app.id,
            client_app_name: self.app.name,
            correlation_id: &self.correlation_id,
        }
    }
}

/// The days on which the planted stories happen, fixed once per case.
#[derive(Debug, Clone)]
pub struct Plan {
    pub days: u32,
    pub an0534: u32,
    pub an0959: u32,
    pub an1089: u32,
    pub an1350: u32,
    pub an1107: u32,
    pub bec: u32,
    pub travel: u32,
    pub trusted_partner: u32,
    pub helpdesk_grants: [u32; 2],
}

impl Plan {
    /// Spreads the stories over the period, each late enough to have a week of baseline before it.
    pub fn new(days: u32) -> Plan {
        let at = |frac: f64| -> u32 {
            let d = (days as f64 * frac).floor() as u32;
            d.max(7.min(days.saturating_sub(1))).min(days.saturating_sub(1))
        };
        Plan {
            days,
            an0534: at(0.55),
            an0959: at(0.62),
            an1089: at(0.68),
            an1350: at(0.5),
            an1107: at(0.74),
            bec: at(0.6),
            travel: at(0.45),
            trusted_partner: at(0.58),
            helpdesk_grants: [at(0.3), at(0.8)],
        }
    }
}

/// One day (or one slice of a day's users) being generated.
pub struct Day<'t> {
    pub t: &'t Tenant,
    pub tz: Tz,
    pub date: NaiveDate,
    pub index: u32,
    pub rng: GenRng,
    pub out: Vec<Rec>,
    pub key: Vec<KeyEntry>,
}

impl<'t> Day<'t> {
    /// A day with its own random stream for `purpose`.
    pub fn new(t: &'t Tenant, tz: Tz, start: NaiveDate, index: u32, purpose: &[u64]) -> Day<'t> {
        let mut parts = vec![ids::label("day"), index as u64];
        parts.extend_from_slice(purpose);
        Day {
            t,
            tz,
            date: start + Duration::days(index as i64),
            index,
            rng: ids::stream(t.seed, &parts),
            out: Vec::new(),
            key: Vec::new(),
        }
    }

    /// The UTC instant of a local time (seconds since local midnight) on this day.
    pub fn at(&self, secs: u32) -> DateTime<Utc> {
        clock::at_local(self.tz, self.date, secs) + Duration::milliseconds(self.index as i64 % 7 * 113)
    }

    /// A local time between two hours (fractional hours allowed), with random seconds and milliseconds.
    pub fn between(&mut self, from_h: f64, to_h: f64) -> DateTime<Utc> {
        let lo = (from_h * 3600.0) as u32;
        let hi = ((to_h * 3600.0) as u32).max(lo + 1).min(86_399);
        let s = self.rng.random_range(lo..hi);
        clock::at_local(self.tz, self.date, s) + Duration::milliseconds(self.rng.random_range(0..1000))
    }

    /// Records a generated record given as a JSON value.
    pub fn push(&mut self, ts: DateTime<Utc>, kind: Kind, value: Value) {
        self.out.push(Rec::from_value(ts, kind, &self.t.id, &value));
    }

    /// Records a generated record already serialized, with its envelope head.
    pub fn push_raw(&mut self, ts: DateTime<Utc>, kind: Kind, json: String, head: (String, String)) {
        self.out.push(Rec { ts, kind, json, head });
    }

    /// Emits a Graph activity record.
    pub fn graph(&mut self, a: &GraphArgs) {
        let json = graph_activity(&self.t.id, a);
        let head = graph_head(&self.t.id, a);
        self.push_raw(a.ts, Kind::Graph, json, head);
    }

    /// A fresh GUID.
    pub fn guid(&mut self) -> String {
        ids::guid(&mut self.rng)
    }

    /// Fresh ids for a sign-in: request id, correlation id and session id.
    pub fn signin_ids(&mut self, session: Option<&str>) -> (String, String, String) {
        let r = ids::request_id(&mut self.rng);
        let c = ids::guid(&mut self.rng);
        let s = session.map(str::to_string).unwrap_or_else(|| ids::guid(&mut self.rng));
        (r, c, s)
    }

    /// Emits a sign-in and returns the token it issued.
    pub fn sign_in(&mut self, a: &SignInArgs) -> Token {
        let json = signin(self.t, a);
        let head = signin_head(self.t, a);
        self.push_raw(a.ts, a.kind, json, head);
        Token {
            request_id: a.request_id.clone(),
            uti: a.uti(),
            session_id: a.session_id.clone(),
            correlation_id: a.correlation_id.clone(),
            issued: a.ts,
            app: a.app,
            resource: a.resource,
        }
    }

    /// Emits a user sign-in with the usual defaults and returns its token.
    #[allow(clippy::too_many_arguments)]
    pub fn user_sign_in(
        &mut self,
        ts: DateTime<Utc>,
        kind: Kind,
        p: &Person,
        session: Option<&str>,
        app: &str,
        resource: &str,
        net: &Net,
        ua: &str,
        managed: bool,
    ) -> Token {
        let cat = Catalog::get();
        let ids = self.signin_ids(session);
        let mut a = SignInArgs::user(ts, kind, ids, user_ref(p), cat.app(app), cat.app(resource), net, ua);
        a.device = Some(&p.device);
        a.managed_device = managed;
        a.mfa = kind == Kind::SignInInteractive;
        self.sign_in(&a)
    }

    /// Emits a Graph activity record for a delegated (user) token.
    #[allow(clippy::too_many_arguments)]
    pub fn graph_user(
        &mut self,
        ts: DateTime<Utc>,
        p: &Person,
        tok: &Token,
        net: &Net,
        ua: &str,
        method: &str,
        uri: String,
        bytes: u64,
        scopes: &str,
    ) {
        let a = GraphArgs {
            ts,
            request_id: self.guid(),
            client_request_id: self.guid(),
            method,
            uri,
            status: if method == "GET" { 200 } else { 204 },
            bytes,
            duration_ms: self.rng.random_range(40..900),
            app_id: tok.app.id,
            user_id: Some(&p.id),
            sp_id: "",
            ip: net.ip.to_string(),
            user_agent: ua,
            scopes: Some(scopes),
            roles: None,
            sign_in_activity_id: tok.uti.clone(),
            session_id: tok.session_id.clone(),
            token_issued_at: tok.issued,
            client_auth_method: 0,
            device_id: "",
        };
        self.graph(&a);
    }

    /// A random client port.
    pub fn port(&mut self) -> u16 {
        self.rng.random_range(49152..65535)
    }
}

/// The user part of a sign-in for a person.
pub fn user_ref(p: &Person) -> SignInUser<'_> {
    SignInUser { upn: &p.upn_cased, display: &p.display, id: &p.id, user_type: "member" }
}

/// A person as a UAL actor; `cased` writes the UPN as the directory stores it (mixed case).
pub fn ual_actor(p: &Person, cased: bool) -> UalActor<'_> {
    UalActor {
        user_id: if cased { &p.upn_cased } else { &p.upn },
        user_key: puid(&p.id),
        user_type: 0,
        object_id: &p.id,
    }
}
