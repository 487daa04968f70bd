//! What to generate: tenant size, period, scenarios, export shapes and scale.

use super::context::Context;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// A planted attack story. Each maps to the analytic that must find it (BEC touches several).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    An0534,
    An0959,
    An1089,
    An1350,
    An1107,
    Bec,
    /// Every native business-email-compromise detection's act, in variants, with benign twins.
    #[serde(rename = "bec-pack")]
    BecPack,
}

impl Scenario {
    /// Every scenario, in a fixed order.
    pub const ALL: [Scenario; 7] = [
        Scenario::An0534,
        Scenario::An0959,
        Scenario::An1089,
        Scenario::An1350,
        Scenario::An1107,
        Scenario::Bec,
        Scenario::BecPack,
    ];

    /// The five single-analytic scenarios (what the demo case plants).
    pub const FIVE: [Scenario; 5] =
        [Scenario::An0534, Scenario::An0959, Scenario::An1089, Scenario::An1350, Scenario::An1107];

    /// The lower-case name used on the command line and in the answer key.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::An0534 => "an0534",
            Scenario::An0959 => "an0959",
            Scenario::An1089 => "an1089",
            Scenario::An1350 => "an1350",
            Scenario::An1107 => "an1107",
            Scenario::Bec => "bec",
            Scenario::BecPack => "bec-pack",
        }
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scenario {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        Scenario::ALL.into_iter().find(|sc| sc.name() == t).ok_or_else(|| {
            format!("unknown scenario '{s}' (expected an0534, an0959, an1089, an1350, an1107, bec, bec-pack)")
        })
    }
}

/// Which export shapes the case's files take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShapeFamily {
    /// A realistic mix of every shape and quirk (what responders actually receive).
    #[default]
    Mixed,
    /// Graph API `{"value":[…]}` pages; UAL as Management Activity API JSON lines.
    GraphApi,
    /// PowerShell `ConvertTo-Json` arrays with a UTF-8 BOM; UAL as `Search-UnifiedAuditLog | Export-Csv`.
    Powershell,
    /// Graph objects as JSON lines; UAL as Management Activity API JSON lines.
    JsonLines,
    /// Azure diagnostic-settings JSON lines envelopes; UAL as Management Activity API JSON lines.
    DiagnosticSettings,
    /// Log Analytics CSV exports; UAL as the Purview audit-search CSV.
    LogAnalytics,
    /// Entra admin center sign-in CSV downloads; audit as Graph JSON; UAL as the Purview audit-search CSV.
    Portal,
}

impl ShapeFamily {
    /// Every family, for help text and tests.
    pub const ALL: [ShapeFamily; 7] = [
        ShapeFamily::Mixed,
        ShapeFamily::GraphApi,
        ShapeFamily::Powershell,
        ShapeFamily::JsonLines,
        ShapeFamily::DiagnosticSettings,
        ShapeFamily::LogAnalytics,
        ShapeFamily::Portal,
    ];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            ShapeFamily::Mixed => "mixed",
            ShapeFamily::GraphApi => "graph-api",
            ShapeFamily::Powershell => "powershell",
            ShapeFamily::JsonLines => "json-lines",
            ShapeFamily::DiagnosticSettings => "diagnostic-settings",
            ShapeFamily::LogAnalytics => "log-analytics",
            ShapeFamily::Portal => "portal",
        }
    }
}

impl FromStr for ShapeFamily {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase().replace('_', "-");
        ShapeFamily::ALL.into_iter().find(|f| f.name() == t).ok_or_else(|| {
            let names: Vec<_> = ShapeFamily::ALL.iter().map(|f| f.name()).collect();
            format!("unknown shape family '{s}' (expected one of {})", names.join(", "))
        })
    }
}

/// Everything that determines a generated case. The same options always give byte-identical output.
#[derive(Debug, Clone, Serialize)]
pub struct GenOptions {
    pub seed: u64,
    /// People in the tenant (service accounts, shared mailboxes and partners come on top).
    pub users: usize,
    /// Length of the collection period in days.
    pub days: u32,
    /// First day of the period (local date in `timezone`). Fixed by default, never "today".
    pub start: NaiveDate,
    /// IANA time zone of the tenant: working hours, and the case's display zone.
    pub timezone: String,
    pub scenarios: BTreeSet<Scenario>,
    /// Plant the benign look-alikes that must not alert.
    pub lookalikes: bool,
    pub shapes: ShapeFamily,
    /// Scale mode: aim for this many records in total (tenant size follows from it).
    pub scale: Option<u64>,
    /// Tenant organisation (`northwind`, `fabrikam`, `tailspin`, …); chosen from the seed when empty.
    pub org: Option<String>,
    /// Plant each act in a variant picked by the seed (tool, grant path, replay address) rather than its classic
    /// form. Recorded in the answer key only when set, so classic cases stay as they were.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub vary: bool,
    /// The context around the acts (history, addresses, habits, missing sources, allow lists). Recorded in the
    /// answer key only when it is not the classic one.
    #[serde(skip_serializing_if = "Context::is_default")]
    pub context: Context,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            seed: 1,
            users: 24,
            days: 21,
            start: NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid date"),
            timezone: "America/Chicago".into(),
            scenarios: Scenario::FIVE.into_iter().collect(),
            lookalikes: true,
            shapes: ShapeFamily::Mixed,
            scale: None,
            org: None,
            vary: false,
            context: Context::default(),
        }
    }
}

/// Parses a scenario list: names separated by commas, or `all` (every scenario) or `none`.
pub fn parse_scenarios<S: AsRef<str>>(items: &[S]) -> Result<BTreeSet<Scenario>, String> {
    let mut set = BTreeSet::new();
    for item in items {
        for part in item.as_ref().split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.to_ascii_lowercase().as_str() {
                "all" => set.extend(Scenario::ALL),
                "five" | "analytics" => set.extend(Scenario::FIVE),
                "none" => set.clear(),
                _ => {
                    set.insert(part.parse()?);
                }
            }
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_lists_parse() {
        assert_eq!(parse_scenarios(&["all"]).unwrap().len(), 7);
        assert_eq!(parse_scenarios(&["an0534,AN1089", "bec"]).unwrap().len(), 3);
        assert!(parse_scenarios(&["none"]).unwrap().is_empty());
        assert!(parse_scenarios(&["an9999"]).is_err());
        assert_eq!("Log_Analytics".parse::<ShapeFamily>().unwrap(), ShapeFamily::LogAnalytics);
    }
}
