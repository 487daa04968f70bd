//! The context around the planted acts, varied on request: how much history comes before them, whether the
//! attackers' addresses ever sign in, whether the actors had habits of the same kind, which log sources the case
//! lacks, and which identifier form the case's allow lists name the planted principals by. The default context is
//! the classic one, so cases generated without these options stay as they were.

use super::records::Kind;
use serde::Serialize;
use std::collections::BTreeSet;
use std::str::FromStr;

/// Days after the history in which the planted acts happen (the partner chain spans three of them).
pub const ACT_DAYS: u32 = 6;

/// Longest history the generator writes before the acts.
pub const MAX_HISTORY: u32 = 730;

/// Where the attackers' addresses show up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Addresses {
    /// As each act does it in its classic (or `--vary`) form.
    #[default]
    Classic,
    /// Every attacker address also signs in (failed attempts before, the token's own sign-in).
    SignedIn,
    /// The acts use data from addresses no sign-in in the case places (a token carried to another host).
    Unseen,
}

impl Addresses {
    /// Every choice, with its command-line name.
    pub const ALL: [(Addresses, &'static str); 3] =
        [(Addresses::Classic, "classic"), (Addresses::SignedIn, "signed-in"), (Addresses::Unseen, "unseen")];

    fn is_classic(&self) -> bool {
        *self == Addresses::Classic
    }
}

impl FromStr for Addresses {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        Addresses::ALL
            .into_iter()
            .find(|(_, n)| *n == t)
            .map(|(a, _)| a)
            .ok_or_else(|| format!("unknown address context '{s}' (expected classic, signed-in or unseen)"))
    }
}

/// A log source a case may lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogSource {
    /// Every Entra sign-in log: interactive, non-interactive, service principal, managed identity.
    SignIns,
    /// The Entra directory audit log.
    Audit,
    /// Microsoft Graph activity logs.
    Graph,
    /// The Unified Audit Log, every workload.
    Ual,
}

impl LogSource {
    /// Every source, with its command-line name.
    pub const ALL: [(LogSource, &'static str); 4] = [
        (LogSource::SignIns, "signins"),
        (LogSource::Audit, "audit"),
        (LogSource::Graph, "graph"),
        (LogSource::Ual, "ual"),
    ];

    /// What the source is called in a trainer's note.
    pub fn label(self) -> &'static str {
        match self {
            LogSource::SignIns => "Entra sign-in logs",
            LogSource::Audit => "Entra directory audit log",
            LogSource::Graph => "Microsoft Graph activity logs",
            LogSource::Ual => "Unified Audit Log",
        }
    }

    /// True when records of `kind` belong to this source.
    pub fn holds(self, kind: Kind) -> bool {
        match self {
            LogSource::SignIns => matches!(
                kind,
                Kind::SignInInteractive
                    | Kind::SignInNonInteractive
                    | Kind::SignInServicePrincipal
                    | Kind::SignInManagedIdentity
            ),
            LogSource::Audit => kind == Kind::Audit,
            LogSource::Graph => kind == Kind::Graph,
            LogSource::Ual => matches!(kind, Kind::Ual(_)),
        }
    }
}

impl FromStr for LogSource {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase().replace(['_', '-'], "");
        LogSource::ALL
            .into_iter()
            .find(|(_, n)| *n == t)
            .map(|(src, _)| src)
            .ok_or_else(|| format!("unknown log source '{s}' (expected signins, audit, graph or ual)"))
    }
}

/// The identifier form an allow list names a principal by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdForm {
    Upn,
    ObjectId,
    AppId,
    SpId,
    DisplayName,
    TenantId,
}

impl IdForm {
    /// Every form, with its command-line name.
    pub const ALL: [(IdForm, &'static str); 6] = [
        (IdForm::Upn, "upn"),
        (IdForm::ObjectId, "object-id"),
        (IdForm::AppId, "app-id"),
        (IdForm::SpId, "sp-id"),
        (IdForm::DisplayName, "display-name"),
        (IdForm::TenantId, "tenant-id"),
    ];
}

impl FromStr for IdForm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase().replace('_', "-");
        IdForm::ALL.into_iter().find(|(_, n)| *n == t).map(|(f, _)| f).ok_or_else(|| {
            format!("unknown identifier form '{s}' (expected upn, object-id, app-id, sp-id, display-name, tenant-id)")
        })
    }
}

/// The context the acts are planted in. Recorded in the answer key (under the generator options) when it is not
/// the classic one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Context {
    /// Days of ordinary activity before the first act (the period is then this plus `ACT_DAYS`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<u32>,
    #[serde(skip_serializing_if = "Addresses::is_classic")]
    pub addresses: Addresses,
    /// The acts' actors did smaller acts of the same kind every week before.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub habits: bool,
    /// Sources the case leaves out.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub without: BTreeSet<LogSource>,
    /// The case's allow lists name the planted principals in this form, so their acts must be suppressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_by: Option<IdForm>,
}

impl Context {
    /// True for the classic context (nothing varied).
    pub fn is_default(&self) -> bool {
        *self == Context::default()
    }

    /// True when the case keeps records of `kind`.
    pub fn keeps(&self, kind: Kind) -> bool {
        !self.without.iter().any(|s| s.holds(kind))
    }

    /// The period a history of `history` days needs.
    pub fn days_for(history: u32) -> u32 {
        history + ACT_DAYS
    }

    /// Checks the context against the period length.
    pub fn validate(&self, days: u32) -> Result<(), String> {
        if let Some(h) = self.history {
            if !(1..=MAX_HISTORY).contains(&h) {
                return Err(format!("history must be between 1 and {MAX_HISTORY} days (got {h})"));
            }
            if days < Context::days_for(h) {
                return Err(format!("a history of {h} days needs at least {} days of logs", Context::days_for(h)));
            }
        }
        if self.without.len() == LogSource::ALL.len() {
            return Err("leaving out every log source leaves nothing to write".into());
        }
        Ok(())
    }
}

impl Context {
    /// The trainer's note on the context, for `SCENARIO.md`; empty for the classic context.
    pub fn describe(&self) -> String {
        if self.is_default() {
            return String::new();
        }
        let mut lines = Vec::new();
        if let Some(h) = self.history {
            lines.push(format!("- {h} day(s) of ordinary logs come before the first planted act"));
        }
        match self.addresses {
            Addresses::Classic => {}
            Addresses::SignedIn => lines.push("- every attacker address also signs in".to_string()),
            Addresses::Unseen => {
                lines.push("- the attackers use data from addresses no sign-in in the case places".to_string())
            }
        }
        if self.habits {
            lines.push("- the acts' actors did smaller acts of the same kind every week before".to_string());
        }
        for src in &self.without {
            lines.push(format!("- the case holds no {}", src.label()));
        }
        if let Some(form) = self.allow_by {
            let name = IdForm::ALL.iter().find(|(f, _)| *f == form).map(|(_, n)| *n).unwrap_or("");
            lines.push(format!(
                "- case.toml allows the planted principals by {name}: their acts must show as suppressions \
                 (answer-key.json `allowed`)"
            ));
        }
        format!("\n## Context\n\n{}\n", lines.join("\n"))
    }
}

/// Parses a list of log sources: names separated by commas, repeatable.
pub fn parse_sources<S: AsRef<str>>(items: &[S]) -> Result<BTreeSet<LogSource>, String> {
    let mut set = BTreeSet::new();
    for item in items {
        for part in item.as_ref().split(',').map(str::trim).filter(|p| !p.is_empty()) {
            set.insert(part.parse()?);
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::records::Workload;

    #[test]
    fn names_parse_and_sources_hold_their_kinds() {
        assert_eq!("Unseen".parse::<Addresses>().unwrap(), Addresses::Unseen);
        assert_eq!("object_id".parse::<IdForm>().unwrap(), IdForm::ObjectId);
        assert!("email".parse::<IdForm>().is_err());
        let set = parse_sources(&["sign-ins,UAL"]).unwrap();
        assert_eq!(set.len(), 2);
        let c = Context { without: set, ..Context::default() };
        assert!(!c.keeps(Kind::SignInNonInteractive) && !c.keeps(Kind::Ual(Workload::Exchange)));
        assert!(c.keeps(Kind::Graph) && c.keeps(Kind::Audit));
        assert!(Context::default().is_default());
        assert!(Context::default().describe().is_empty());
        assert!(c.describe().contains("no Entra sign-in logs") && c.describe().contains("no Unified Audit Log"));
    }

    #[test]
    fn history_must_fit_the_period() {
        let c = Context { history: Some(3), ..Context::default() };
        assert!(c.validate(Context::days_for(3)).is_ok());
        assert!(c.validate(5).is_err());
        assert!(Context { history: Some(0), ..Context::default() }.validate(30).is_err());
    }
}
