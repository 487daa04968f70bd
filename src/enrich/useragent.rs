//! User-agent classes and well-known app names, from the catalogues in `assets/enrich/`.

use crate::model::{Event, UaClass};
use serde::Deserialize;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::OnceLock;

#[derive(Deserialize)]
struct UaCatalogue {
    rule: Vec<UaRule>,
}

#[derive(Deserialize)]
struct UaRule {
    class: String,
    contains: Vec<String>,
}

#[derive(Deserialize)]
struct AppCatalogue {
    apps: HashMap<String, String>,
}

fn ua_rules() -> &'static [(UaClass, Vec<String>)] {
    static RULES: OnceLock<Vec<(UaClass, Vec<String>)>> = OnceLock::new();
    RULES.get_or_init(|| {
        let cat: UaCatalogue = toml::from_str(include_str!("../../assets/enrich/ua_classes.toml"))
            .expect("assets/enrich/ua_classes.toml is valid (checked by tests)");
        cat.rule
            .into_iter()
            .map(|r| {
                let class = UaClass::from_str(&r.class).expect("known user-agent class in catalogue");
                (class, r.contains.into_iter().map(|c| c.to_lowercase()).collect())
            })
            .collect()
    })
}

/// Every rule's fragments in one automaton: a user agent is read once, not once per fragment.
struct UaMatcher {
    automaton: aho_corasick::AhoCorasick,
    /// The rule (catalogue position) of each fragment.
    rule_of: Vec<usize>,
}

fn ua_matcher() -> &'static UaMatcher {
    static MATCHER: OnceLock<UaMatcher> = OnceLock::new();
    MATCHER.get_or_init(|| {
        let mut fragments: Vec<&str> = Vec::new();
        let mut rule_of = Vec::new();
        for (i, (_, frags)) in ua_rules().iter().enumerate() {
            for f in frags {
                fragments.push(f);
                rule_of.push(i);
            }
        }
        let automaton = aho_corasick::AhoCorasick::new(&fragments).expect("user-agent fragments build an automaton");
        UaMatcher { automaton, rule_of }
    })
}

fn apps() -> &'static HashMap<String, String> {
    static APPS: OnceLock<HashMap<String, String>> = OnceLock::new();
    APPS.get_or_init(|| {
        let cat: AppCatalogue = toml::from_str(include_str!("../../assets/enrich/first_party_apps.toml"))
            .expect("assets/enrich/first_party_apps.toml is valid (checked by tests)");
        cat.apps
    })
}

/// Classifies a user-agent string (Exchange `ClientInfoString` values too).
pub fn classify(ua: &str) -> UaClass {
    let ua = ua.trim();
    if ua.is_empty() {
        return UaClass::Empty;
    }
    let lower = ua.to_lowercase();
    let m = ua_matcher();
    // The first rule in catalogue order that any fragment matches wins.
    m.automaton
        .find_overlapping_iter(&lower)
        .map(|hit| m.rule_of[hit.pattern().as_usize()])
        .min()
        .map_or(UaClass::Other, |rule| ua_rules()[rule].0)
}

/// The name of a well-known Microsoft app or resource id.
pub fn app_name(id: &str) -> Option<&'static str> {
    apps().get(&id.to_ascii_lowercase()).map(String::as_str)
}

/// Fills app and resource names from well-known ids where the record gave only the id.
pub fn name_apps(e: &mut Event) {
    if e.app_name.is_none() {
        if let Some(n) = e.app_id.as_deref().and_then(app_name) {
            e.app_name = Some(n.to_string());
        }
    }
    if e.resource_name.is_none() {
        if let Some(n) = e.resource_id.as_deref().and_then(app_name) {
            e.resource_name = Some(n.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(classify(""), UaClass::Empty);
        assert_eq!(classify("python-requests/2.31.0"), UaClass::Scripting);
        assert_eq!(
            classify("Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.1"),
            UaClass::Powershell
        );
        assert_eq!(classify("Client=Microsoft.Exchange.Powershell; Microsoft WinRM Client"), UaClass::Powershell);
        assert_eq!(classify("AADInternals"), UaClass::Offensive);
        assert_eq!(
            classify(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0"
            ),
            UaClass::Browser
        );
        assert_eq!(classify("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Teams/1.6.00.1381 Chrome/91 Electron/13"), UaClass::OfficeClient);
        assert_eq!(classify("Outlook-iOS/709.2226530.prod.iphone (4.2.0)"), UaClass::Mobile);
        assert_eq!(classify("Microsoft Office Existence Discovery"), UaClass::MicrosoftService);
        assert_eq!(classify("Client=REST;Client=RESTSystem;;"), UaClass::MicrosoftService);
        assert_eq!(classify("SomethingElse/1.0"), UaClass::Other);
    }

    #[test]
    fn app_names() {
        assert_eq!(app_name("00000003-0000-0000-C000-000000000000"), Some("Microsoft Graph"));
        let mut e = Event { app_id: Some("1950a258-227b-4e31-a9cf-717495945fc2".into()), ..Event::default() };
        name_apps(&mut e);
        assert_eq!(e.app_name.as_deref(), Some("Microsoft Azure PowerShell"));
    }
}
