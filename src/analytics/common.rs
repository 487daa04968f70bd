//! What every analytic reads: the store, the kept audit records, its parameters, the case's allow lists and its
//! snapshot facts, plus the small helpers they share (address checks, grant parsing, history windows).

use super::alert::{AlertBuilder, Suppressions};
use super::catalog;
use super::clock::Day;
use super::params::{AnalyticMeta, Params};
use super::store::strings::Sym;
use super::store::touch::Touch;
use super::store::Store;
use crate::config::parse_net;
use crate::config::CaseConfig;
use crate::facts::Facts;
use crate::model::{Event, Severity};
use chrono::{DateTime, TimeZone, Utc};
use ipnet::IpNet;
use std::net::IpAddr;

/// The inputs of one analytic run.
pub struct Cx<'a> {
    pub store: &'a Store,
    /// Audit records kept whole because they may be grants or trust changes (rare, so kept in full).
    pub audits: &'a [Event],
    pub params: &'a Params,
    pub meta: &'a AnalyticMeta,
    pub config: &'a CaseConfig,
    /// What the case's snapshot exports state about the tenant: current inbox rules and forwarding, user risk,
    /// detections and roles, app permissions, security alerts. Empty when the case holds no snapshot.
    pub facts: &'a Facts,
}

/// What one analytic run leaves behind.
#[derive(Default)]
pub struct Findings {
    pub alerts: Vec<AlertBuilder>,
    pub suppressions: Suppressions,
    /// Coverage notes from the analytic itself (a missing source it could not work around, …).
    pub notes: Vec<String>,
    /// How much of what it looks for the analytic could see, by its own account (the sources aside).
    pub sight: super::coverage::Sight,
}

impl Cx<'_> {
    /// A parameter list merged with a case `[allow]` list, lower-cased.
    pub fn list_with(&self, param: &str, allow: &[String]) -> Vec<String> {
        let mut v: Vec<String> =
            self.params.list(param).iter().chain(allow).map(|s| s.trim().to_ascii_lowercase()).collect();
        v.sort();
        v.dedup();
        v
    }

    /// Networks from a parameter plus `[allow] expected_ips`.
    pub fn expected_nets(&self, param: &str) -> Vec<IpNet> {
        let mut nets = self.config.expected_networks();
        nets.extend(self.params.list(param).iter().filter_map(|s| parse_net(s)));
        nets
    }

    /// The string of a symbol.
    pub fn s(&self, sym: Sym) -> &str {
        self.store.s(sym)
    }

    /// The local day of a touch.
    pub fn day_of(&self, t: &Touch) -> Day {
        self.store.clock.day(t.time())
    }

    /// A new alert of this analytic.
    pub fn alert(&self, title: impl Into<String>, severity: Severity) -> AlertBuilder {
        AlertBuilder::new(self.meta, title, severity)
    }

    /// The lookback window `[day - lookback_days, day)` of this analytic.
    pub fn lookback(&self, day: Day) -> (Day, Day) {
        let n = self.params.int("lookback_days").max(1) as Day;
        (day - n, day)
    }

    /// Checks the principal's history before `day` against `min_coverage_days`; marks the alert when short.
    pub fn check_history(&self, b: &mut AlertBuilder, principal: Sym, day: Day) -> bool {
        let need = self.params.int("min_coverage_days").max(0) as i32;
        let have = self.store.profile(principal).map(|p| p.history_days(day)).unwrap_or(0);
        if have < need {
            b.insufficient(format!(
                "baseline thin ({have} days of history for {} in the case before this, {need} needed)",
                self.s(principal)
            ));
            false
        } else {
            true
        }
    }

    /// Says, without capping severity, that the principal's history before `day` is thin: for findings whose
    /// evidence stands on its own (a token joined to its sign-in) but whose wording ("never signed in from there")
    /// can only speak for the days the case holds.
    pub fn note_thin_history(&self, b: &mut AlertBuilder, principal: Sym, day: Day) {
        let need = self.params.int("min_coverage_days").max(0) as i32;
        let have = self.store.profile(principal).map(|p| p.history_days(day)).unwrap_or(0);
        if have < need {
            b.reason(format!(
                "baseline thin ({have} days of history for {} in the case before this, {need} needed): \
                 \"never\" speaks only for those days",
                self.s(principal)
            ));
        }
    }

    /// Says, without capping severity, that the case holds few days of logs before `day`: for findings judged
    /// against the case's lists rather than a baseline, where what happened before the logs begin is unknown.
    pub fn note_thin_case(&self, b: &mut AlertBuilder, day: Day) {
        let need = self.params.int("min_coverage_days").max(0) as i32;
        let have = self.store.span.map(|(first, _)| (day - first).max(0)).unwrap_or(0);
        if have < need {
            b.reason(format!(
                "baseline thin ({have} days of logs in the case before this, {need} needed): \
                 whether this happened before the logs begin cannot be told"
            ));
        }
    }
}

/// True when `ip` text lies in one of `nets`.
pub fn ip_in(nets: &[IpNet], ip: &str) -> bool {
    ip.parse::<IpAddr>().is_ok_and(|a| nets.iter().any(|n| n.contains(&a)))
}

/// Unix seconds to UTC.
pub fn utc(ts: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(ts, 0).single().unwrap_or_default()
}

/// A modified-property or parameter value without the JSON quoting Entra puts around it (`"\"x\""`, `["x"]`).
pub fn unquote(v: &str) -> String {
    let mut s = v.trim();
    loop {
        let before = s;
        s = s.trim_start_matches('[').trim_end_matches(']').trim();
        s = s.trim_matches('"').trim();
        s = s.trim_start_matches("\\\"").trim_end_matches("\\\"");
        if s == before {
            break;
        }
    }
    s.to_string()
}

/// The first modified property or parameter named any of `names` (case-insensitive, earlier names win), unquoted.
pub fn prop(ev: &Event, names: &[&str]) -> Option<String> {
    for n in names {
        for t in &ev.targets {
            for m in &t.modified {
                if m.name.eq_ignore_ascii_case(n) {
                    if let Some(v) = m.new.as_deref().map(unquote).filter(|v| !v.is_empty()) {
                        return Some(v);
                    }
                }
            }
        }
        for (k, v) in &ev.params {
            if k.eq_ignore_ascii_case(n) {
                let v = unquote(v);
                if !v.is_empty() {
                    return Some(v);
                }
            }
        }
    }
    None
}

/// The operation name without the trailing full stop the UAL copy of Entra audit adds (`Add partner to company.`).
pub fn op_name(ev: &Event) -> String {
    ev.operation.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// True when the operation is in the named list of `assets/analytics/known_ids.toml` `[operations]`.
pub fn op_in(ev: &Event, list: catalog::OpList) -> bool {
    catalog::is_operation(list, &op_name(ev))
}

/// The acting principal of a kept audit record, lower-case (UPN, else id, else display name).
pub fn actor_of(ev: &Event) -> String {
    ev.actor
        .upn
        .as_deref()
        .or(ev.actor.id.as_deref())
        .or(ev.actor.display_name.as_deref())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The canonical IP text of an event, if any.
pub fn ip_of(ev: &Event) -> Option<String> {
    ev.net.ip.as_ref().map(super::store::address::canonical_ip)
}

/// Severity one step higher (critical stays critical).
pub fn raise(s: Severity) -> Severity {
    match s {
        Severity::Low => Severity::Medium,
        Severity::Medium => Severity::High,
        _ => Severity::Critical,
    }
}

/// Severity one step lower (low stays low).
pub fn lower(s: Severity) -> Severity {
    match s {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        _ => Severity::Low,
    }
}

/// The domain of a UPN (`alice@contoso.com` → `contoso.com`).
pub fn domain_of(upn: &str) -> Option<&str> {
    upn.rsplit_once('@').map(|(_, d)| d)
}

/// True when a UPN belongs to the tenant (its domain is one of `[tenant] domains`, or no domains are configured
/// and it is not a guest `#EXT#` account).
pub fn is_internal(config: &CaseConfig, upn: &str) -> bool {
    let u = upn.to_ascii_lowercase();
    if u.contains("#ext#") {
        return false;
    }
    match domain_of(&u) {
        Some(d) if !config.tenant.domains.is_empty() => config.tenant.domains.iter().any(|x| {
            let x = x.to_ascii_lowercase();
            d == x || d.ends_with(&format!(".{x}"))
        }),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_strips_entra_quoting() {
        assert_eq!(unquote("\"b817b4a2\""), "b817b4a2");
        assert_eq!(unquote("[\"5d3454fd\"]"), "5d3454fd");
        assert_eq!(unquote("[true]"), "true");
        assert_eq!(unquote(" plain "), "plain");
    }

    #[test]
    fn severity_steps() {
        assert_eq!(raise(Severity::Medium), Severity::High);
        assert_eq!(raise(Severity::Critical), Severity::Critical);
        assert_eq!(lower(Severity::Low), Severity::Low);
    }

    #[test]
    fn internal_accounts_follow_tenant_domains() {
        let cfg = CaseConfig::parse("[tenant]\ndomains = [\"northwind.example\"]\n", "case.toml").unwrap();
        assert!(is_internal(&cfg, "Alice@northwind.example"));
        assert!(!is_internal(&cfg, "tech@bluestoneit.example"));
        assert!(!is_internal(&cfg, "bob_gmail.com#EXT#@northwind.example"));
    }
}
