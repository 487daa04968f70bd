//! `case.toml`: the optional per-case configuration (contract in DESIGN.md).

use chrono::{NaiveTime, Weekday};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;
use std::str::FromStr;

mod sigma;
pub use sigma::SigmaSection;

/// Errors reading `case.toml`. The message names the file, the key and the line.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error(transparent)]
    Unreadable(#[from] crate::files::bounded::BoundedReadError),
}

/// The whole `case.toml`. Every section is optional; unknown keys are rejected.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseConfig {
    #[serde(default)]
    pub case: CaseSection,
    #[serde(default)]
    pub tenant: TenantSection,
    #[serde(default)]
    pub hours: HoursSection,
    #[serde(default)]
    pub allow: AllowSection,
    #[serde(default)]
    pub networks: Vec<NetworkLabel>,
    #[serde(default)]
    pub enrich: EnrichSection,
    /// Per-analytic parameter overrides, keyed by analytic id (`AN1089`). Checked by the analytics engine.
    #[serde(default)]
    pub analytics: BTreeMap<String, toml::Table>,
    /// Sigma rules run with the detections.
    #[serde(default)]
    pub sigma: SigmaSection,
}

/// `[case]`
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSection {
    #[serde(default)]
    pub name: Option<String>,
    /// IANA zone for display and working hours.
    #[serde(default)]
    pub timezone: Option<String>,
}

/// `[tenant]`
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantSection {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub domains: Vec<String>,
}

/// `[hours]`: normal working hours in the case time zone.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoursSection {
    #[serde(default = "default_days")]
    pub days: Vec<String>,
    #[serde(default = "default_start")]
    pub start: String,
    #[serde(default = "default_end")]
    pub end: String,
}

fn default_days() -> Vec<String> {
    ["Mon", "Tue", "Wed", "Thu", "Fri"].iter().map(|s| s.to_string()).collect()
}
fn default_start() -> String {
    "08:00".into()
}
fn default_end() -> String {
    "18:00".into()
}

impl Default for HoursSection {
    fn default() -> Self {
        HoursSection { days: default_days(), start: default_start(), end: default_end() }
    }
}

impl HoursSection {
    /// Parsed working days.
    pub fn weekdays(&self) -> Vec<Weekday> {
        self.days.iter().filter_map(|d| Weekday::from_str(d).ok()).collect()
    }
    /// Parsed start and end of the working day.
    pub fn window(&self) -> (NaiveTime, NaiveTime) {
        let p = |s: &str, d: u32| {
            NaiveTime::parse_from_str(s, "%H:%M").unwrap_or(NaiveTime::from_hms_opt(d, 0, 0).unwrap_or_default())
        };
        (p(&self.start, 8), p(&self.end, 18))
    }
}

/// `[allow]`: what the tenant approves, so that analytics stay quiet on it (and count the suppression).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowSection {
    /// UPNs or app ids approved to use scripts and APIs.
    #[serde(default)]
    pub automation_accounts: Vec<String>,
    /// CIDRs (or single addresses) of corporate egress and admin hosts.
    #[serde(default)]
    pub expected_ips: Vec<String>,
    #[serde(default)]
    pub trusted_partner_tenants: Vec<String>,
    /// Mailboxes third parties or helpdesk may manage.
    #[serde(default)]
    pub delegate_mailboxes: Vec<String>,
    /// ISO country codes normal for the tenant.
    #[serde(default)]
    pub countries: Vec<String>,
}

/// `[enrich]`: what ingest uses, beyond the logs, to enrich events.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrichSection {
    /// GeoIP databases (`.mmdb`, or ip-location-db `.csv`) for this case, relative to the case folder or absolute.
    /// Asked after those given with `--geoip` and before those in the config folder's `geoip/`.
    #[serde(default)]
    pub geoip: Vec<String>,
}

/// `[[networks]]`: a label for a known range.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkLabel {
    pub cidr: String,
    pub label: String,
}

impl CaseConfig {
    /// Reads `case.toml` at `path`; a missing file gives the defaults.
    pub fn load(path: &Path) -> Result<CaseConfig, ConfigError> {
        match crate::files::bounded::read_text(path, crate::files::bounded::CASE_TOML_MAX) {
            Ok(text) => CaseConfig::parse(&text, &path.display().to_string()),
            Err(e) if e.is_not_found() => Ok(CaseConfig::default()),
            Err(e) => Err(ConfigError::Unreadable(e)),
        }
    }

    /// Parses the text of a `case.toml`; `name` is used in error messages.
    pub fn parse(text: &str, name: &str) -> Result<CaseConfig, ConfigError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let cfg: CaseConfig = toml::from_str(text)
            .map_err(|e| ConfigError::Invalid { path: name.to_string(), message: describe_toml_error(text, &e) })?;
        cfg.validate().map_err(|message| ConfigError::Invalid { path: name.to_string(), message })?;
        Ok(cfg)
    }

    fn validate(&self) -> Result<(), String> {
        if let Some(tz) = &self.case.timezone {
            chrono_tz::Tz::from_str(tz)
                .map_err(|_| format!("[case] timezone: '{tz}' is not an IANA time zone name"))?;
        }
        for d in &self.hours.days {
            Weekday::from_str(d).map_err(|_| format!("[hours] days: '{d}' is not a weekday (Mon … Sun)"))?;
        }
        for (k, v) in [("start", &self.hours.start), ("end", &self.hours.end)] {
            NaiveTime::parse_from_str(v, "%H:%M").map_err(|_| format!("[hours] {k}: '{v}' is not HH:MM"))?;
        }
        for c in &self.allow.expected_ips {
            parse_net(c).ok_or_else(|| format!("[allow] expected_ips: '{c}' is not an IP address or CIDR"))?;
        }
        for n in &self.networks {
            parse_net(&n.cidr).ok_or_else(|| format!("[[networks]] cidr: '{}' is not a CIDR", n.cidr))?;
        }
        if self.enrich.geoip.iter().any(|p| p.trim().is_empty()) {
            return Err("[enrich] geoip: an entry is empty; name a .mmdb or .csv file".into());
        }
        Ok(())
    }

    /// The display / working-hours zone, UTC when none is set.
    pub fn timezone(&self) -> chrono_tz::Tz {
        self.case.timezone.as_deref().and_then(|t| chrono_tz::Tz::from_str(t).ok()).unwrap_or(chrono_tz::UTC)
    }

    /// Parsed `[allow] expected_ips`.
    pub fn expected_networks(&self) -> Vec<IpNet> {
        self.allow.expected_ips.iter().filter_map(|s| parse_net(s)).collect()
    }

    /// True when `ip` is inside one of the expected ranges.
    pub fn is_expected_ip(&self, ip: &IpAddr) -> bool {
        self.expected_networks().iter().any(|n| n.contains(ip))
    }

    /// The label of the first `[[networks]]` range holding `ip`.
    pub fn network_label(&self, ip: &IpAddr) -> Option<&str> {
        self.networks.iter().find(|n| parse_net(&n.cidr).is_some_and(|net| net.contains(ip))).map(|n| n.label.as_str())
    }

    /// True when a UPN or app id is an approved automation account (case-insensitive).
    pub fn is_automation_account(&self, principal: &str) -> bool {
        self.allow.automation_accounts.iter().any(|a| a.eq_ignore_ascii_case(principal))
    }
}

/// Parses `198.51.100.0/24` or a bare address (as a /32 or /128).
pub fn parse_net(s: &str) -> Option<IpNet> {
    let s = s.trim();
    IpNet::from_str(s).ok().or_else(|| IpAddr::from_str(s).ok().map(IpNet::from))
}

/// Makes toml's error say which key and line, in one line.
fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim().to_string();
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            let snippet = text.lines().nth(line - 1).unwrap_or("").trim();
            format!("line {line}: {msg} (`{snippet}`)")
        }
        None => msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_contract_example_parses() {
        let text = r#"
[case]
name = "Northwind BEC"
timezone = "America/Chicago"
[tenant]
id = "11111111-2222-3333-4444-555555555555"
domains = ["northwind.example"]
[hours]
days = ["Mon","Tue","Wed","Thu","Fri"]
start = "08:00"
end = "18:00"
[allow]
automation_accounts = ["svc-report@northwind.example"]
expected_ips = ["198.51.100.0/24", "203.0.113.7"]
trusted_partner_tenants = []
delegate_mailboxes = []
countries = ["US"]
[[networks]]
cidr = "198.51.100.0/24"
label = "Contoso VPN"
[enrich]
geoip = ["geo/dbip-country-ipv4.csv", "/opt/geoip/GeoLite2-ASN.mmdb"]
[analytics.AN1089]
page_threshold = 20
"#;
        let cfg = CaseConfig::parse(text, "case.toml").unwrap();
        assert_eq!(cfg.enrich.geoip, ["geo/dbip-country-ipv4.csv", "/opt/geoip/GeoLite2-ASN.mmdb"]);
        assert_eq!(cfg.case.name.as_deref(), Some("Northwind BEC"));
        assert_eq!(cfg.timezone(), chrono_tz::America::Chicago);
        assert!(cfg.is_expected_ip(&"198.51.100.9".parse().unwrap()));
        assert!(cfg.is_expected_ip(&"203.0.113.7".parse().unwrap()));
        assert!(!cfg.is_expected_ip(&"203.0.113.8".parse().unwrap()));
        assert_eq!(cfg.network_label(&"198.51.100.1".parse().unwrap()), Some("Contoso VPN"));
        assert_eq!(cfg.analytics["AN1089"]["page_threshold"].as_integer(), Some(20));
        assert!(cfg.is_automation_account("SVC-report@northwind.example"));
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let text = "[case]\nname = \"x\"\n\n[allow]\nautomation = []\n";
        let err = CaseConfig::parse(text, "case.toml").unwrap_err().to_string();
        assert!(err.contains("automation"), "{err}");
        assert!(err.contains("line 5"), "{err}");
    }

    #[test]
    fn bad_zone_and_cidr_are_errors() {
        assert!(CaseConfig::parse("[case]\ntimezone = \"Mars/Base\"\n", "c").is_err());
        assert!(CaseConfig::parse("[allow]\nexpected_ips = [\"300.1.1.1/8\"]\n", "c").is_err());
        assert!(CaseConfig::parse("[enrich]\ngeoip = [\" \"]\n", "c")
            .unwrap_err()
            .to_string()
            .contains("[enrich] geoip"));
        assert!(CaseConfig::parse("[enrich]\nmmdb = []\n", "c").is_err());
    }

    #[test]
    fn empty_file_gives_defaults() {
        let cfg = CaseConfig::parse("", "c").unwrap();
        assert_eq!(cfg.timezone(), chrono_tz::UTC);
        assert_eq!(cfg.hours.weekdays().len(), 5);
    }
}
