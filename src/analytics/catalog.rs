//! The well-known Microsoft ids the analytics reason with, loaded once from `assets/analytics/known_ids.toml`:
//! id sets (scripting clients, GDAP partner apps, Microsoft ASNs), mail permissions and system actors.
//! User-agent classes and app names come from the ingest catalogues in `assets/enrich/`.

use crate::model::UaClass;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

const KNOWN_IDS_TOML: &str = include_str!("../../assets/analytics/known_ids.toml");

/// Errors in the embedded catalogues; surfaced by [`check`] so a broken asset fails loudly in tests and at startup.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CatalogError {
    #[error("assets/known_ids.toml: {0}")]
    KnownIds(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdsFile {
    sets: BTreeMap<String, Vec<String>>,
    mail_permissions: MailPermFile,
    system_actors: SystemActorsFile,
    operations: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MailPermFile {
    values: Vec<String>,
    tenant_wide: Vec<String>,
    ids: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SystemActorsFile {
    exact: Vec<String>,
    prefix: Vec<String>,
    suffix: Vec<String>,
}

/// The parsed catalogues.
#[derive(Debug, Default)]
pub struct Catalog {
    sets: BTreeMap<String, HashSet<String>>,
    mail_values: Vec<String>,
    mail_tenant_wide: Vec<String>,
    mail_ids: BTreeMap<String, String>,
    system_exact: Vec<String>,
    system_prefix: Vec<String>,
    system_suffix: Vec<String>,
    operations: BTreeMap<String, HashSet<String>>,
    error: Option<CatalogError>,
}

/// Named id sets in `assets/known_ids.toml` `[sets]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdSet {
    SensitiveResources,
    ScriptingClients,
    GdapPartnerApps,
    FirstPartyApps,
    DirectorySyncApps,
    ProviderAsns,
}

impl IdSet {
    fn key(self) -> &'static str {
        match self {
            IdSet::SensitiveResources => "sensitive_resources",
            IdSet::ScriptingClients => "scripting_clients",
            IdSet::GdapPartnerApps => "gdap_partner_apps",
            IdSet::FirstPartyApps => "first_party_apps",
            IdSet::DirectorySyncApps => "directory_sync_apps",
            IdSet::ProviderAsns => "provider_asns",
        }
    }
}

fn build() -> Catalog {
    let mut cat = Catalog::default();
    match toml::from_str::<IdsFile>(KNOWN_IDS_TOML) {
        Ok(file) => {
            cat.sets = file
                .sets
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().map(|s| s.to_ascii_lowercase()).collect()))
                .collect();
            cat.mail_values = file.mail_permissions.values;
            cat.mail_tenant_wide = file.mail_permissions.tenant_wide;
            cat.mail_ids = file.mail_permissions.ids.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect();
            let low = |v: Vec<String>| v.into_iter().map(|s| s.to_ascii_lowercase()).collect();
            cat.system_exact = low(file.system_actors.exact);
            cat.system_prefix = low(file.system_actors.prefix);
            cat.system_suffix = low(file.system_actors.suffix);
            cat.operations = file
                .operations
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().map(|s| s.to_ascii_lowercase()).collect()))
                .collect();
        }
        Err(e) => cat.error = Some(CatalogError::KnownIds(e.message().to_string())),
    }
    cat
}

/// Named operation lists in `assets/analytics/known_ids.toml` `[operations]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpList {
    PartnerTrust,
    ServicePrincipal,
    AppGrant,
    MailboxDelegation,
    RoleAssignment,
    RoleGroup,
    AppAccessPolicy,
}

impl OpList {
    fn key(self) -> &'static str {
        match self {
            OpList::PartnerTrust => "partner_trust",
            OpList::ServicePrincipal => "service_principal",
            OpList::AppGrant => "app_grant",
            OpList::MailboxDelegation => "mailbox_delegation",
            OpList::RoleAssignment => "role_assignment",
            OpList::RoleGroup => "role_group",
            OpList::AppAccessPolicy => "app_access_policy",
        }
    }

    /// Every list, for the "is this record worth keeping" test.
    pub const ALL: [OpList; 7] = [
        OpList::PartnerTrust,
        OpList::ServicePrincipal,
        OpList::AppGrant,
        OpList::MailboxDelegation,
        OpList::RoleAssignment,
        OpList::RoleGroup,
        OpList::AppAccessPolicy,
    ];
}

/// True when `op` (lower-case, no trailing full stop) is in the list.
pub fn is_operation(list: OpList, op: &str) -> bool {
    catalog().operations.get(list.key()).is_some_and(|s| s.contains(op))
}

/// The catalogues, parsed on first use.
pub fn catalog() -> &'static Catalog {
    static CAT: OnceLock<Catalog> = OnceLock::new();
    CAT.get_or_init(build)
}

/// Ok when the embedded catalogue parsed; the error names the asset and the rule.
pub fn check() -> Result<(), CatalogError> {
    match &catalog().error {
        Some(e) => Err(e.clone()),
        None => Ok(()),
    }
}

/// True for user agents that carry no information (`""`, `-`, `<null>`, `null`, `unknown`).
fn is_blank_ua(ua: &str) -> bool {
    let t = ua.trim();
    t.is_empty() || matches!(t.to_ascii_lowercase().as_str(), "-" | "<null>" | "null" | "none" | "unknown" | "n/a")
}

/// Classifies a raw user-agent string with the ingest catalogue (`assets/enrich/ua_classes.toml`); placeholder
/// agents (`-`, `<null>`, `unknown`) count as empty.
pub fn classify_user_agent(ua: &str) -> UaClass {
    if is_blank_ua(ua) {
        return UaClass::Empty;
    }
    crate::enrich::useragent::classify(ua)
}

/// A version-agnostic family for a user agent: hex runs removed, then the alphabetic tokens of four or more letters,
/// joined with spaces and lower-cased (`python-requests/2.31.0` → `python requests`). Empty agents give `""`.
pub fn ua_family(ua: &str) -> String {
    if is_blank_ua(ua) {
        return String::new();
    }
    let mut out = String::new();
    for token in ua.split(|c: char| !c.is_ascii_alphanumeric()) {
        if token.len() >= 4 && token.chars().all(|c| c.is_ascii_hexdigit()) && token.chars().any(|c| c.is_ascii_digit())
        {
            continue;
        }
        let letters: String = token.chars().filter(|c| c.is_ascii_alphabetic()).collect();
        if letters.len() >= 4 && letters.len() == token.len() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&letters.to_ascii_lowercase());
        }
    }
    if out.is_empty() {
        // Short agents ("curl/8.1") keep their product token.
        out = ua.split(['/', ' ']).next().unwrap_or("").trim().to_ascii_lowercase();
    }
    out
}

/// A short name for a user-agent family to show a person (`mozilla windows applewebkit … chrome safari` → `chrome`):
/// the words that name platforms and engines dropped, and Safari dropped when Chrome is there (every Chromium agent
/// also says Safari).
pub fn family_label(family: &str) -> String {
    const GENERIC: [&str; 16] = [
        "mozilla",
        "windows",
        "applewebkit",
        "khtml",
        "like",
        "gecko",
        "macintosh",
        "intel",
        "linux",
        "compatible",
        "mobile",
        "version",
        "iphone",
        "android",
        "cpu",
        "microsoft",
    ];
    let words: Vec<&str> = family.split(' ').filter(|w| !w.is_empty() && !GENERIC.contains(w)).collect();
    let chromium = words.contains(&"chrome");
    let kept: Vec<&str> = words.into_iter().filter(|w| !(chromium && *w == "safari")).collect();
    if kept.is_empty() {
        family.to_string()
    } else {
        kept.join(" ")
    }
}

/// The product token of a user agent worth showing (`PowerShell/7.4.5` out of a long Mozilla string).
pub fn ua_product(ua: &str) -> String {
    const GENERIC: [&str; 7] = ["mozilla", "applewebkit", "safari", "chrome", "gecko", "version", "khtml"];
    let tokens: Vec<&str> = ua.split([' ', '(', ')', ';', ',']).filter(|t| t.contains('/')).collect();
    let pick = tokens
        .iter()
        .rev()
        .find(|t| !GENERIC.iter().any(|g| t.to_ascii_lowercase().starts_with(g)))
        .or(tokens.first())
        .copied()
        .unwrap_or(ua);
    pick.chars().take(60).collect()
}

/// The display name of a well-known first-party app or resource id (case-insensitive).
pub fn app_name(id: &str) -> Option<&'static str> {
    crate::enrich::useragent::app_name(id.trim())
}

/// True when `value` (an app id, resource id or ASN) belongs to the named set.
pub fn in_set(set: IdSet, value: &str) -> bool {
    catalog().sets.get(set.key()).is_some_and(|s| s.contains(&value.trim().to_ascii_lowercase()))
}

/// The members of a named set, sorted.
pub fn set_members(set: IdSet) -> Vec<String> {
    let mut v: Vec<String> = catalog().sets.get(set.key()).map(|s| s.iter().cloned().collect()).unwrap_or_default();
    v.sort();
    v
}

/// The canonical mail permission named by a role value, scope or app role id (`Mail.Read`, `dc890d15-…`), if any.
pub fn mail_permission(value: &str) -> Option<&'static str> {
    let v = value.trim().trim_matches('"');
    let cat = catalog();
    if let Some(name) = cat.mail_ids.get(&v.to_ascii_lowercase()) {
        return Some(name.as_str());
    }
    cat.mail_values.iter().find(|m| m.eq_ignore_ascii_case(v)).map(|s| s.as_str())
}

/// True when a mail permission, held as an application permission, reaches every mailbox in the tenant.
pub fn is_tenant_wide_mail_permission(name: &str) -> bool {
    catalog().mail_tenant_wide.iter().any(|m| m.eq_ignore_ascii_case(name))
}

/// Every mail permission named anywhere in a free-text list (space, comma or semicolon separated scopes,
/// `ConsentAction.Permissions` strings, JSON arrays).
pub fn mail_permissions_in(text: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for token in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '[' | ']' | '"' | '\'' | '=' | ':'))
    {
        if let Some(p) = mail_permission(token) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// True for Microsoft service identities that legitimately change mailbox permissions
/// (`NT AUTHORITY\SYSTEM (Microsoft.Exchange.ServiceHost)`, `Administrator@apcprd03.prod.outlook.com`, …).
pub fn is_system_actor(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    if n.is_empty() {
        return false;
    }
    let cat = catalog();
    cat.system_exact.contains(&n)
        || cat.system_prefix.iter().any(|p| n.starts_with(p.as_str()))
        || cat.system_suffix.iter().any(|s| n.ends_with(s.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalogues_parse() {
        check().unwrap();
        assert!(catalog().sets.len() >= 6);
        for l in OpList::ALL {
            assert!(catalog().operations.get(l.key()).is_some_and(|s| !s.is_empty()), "{l:?}");
        }
        assert!(is_operation(OpList::MailboxDelegation, "add-mailboxpermission"));
    }

    #[test]
    fn user_agents_fall_in_the_right_class() {
        let cases = [
            ("python-requests/2.31.0", UaClass::Scripting),
            ("Python/3.11 aiohttp/3.9.1", UaClass::Scripting),
            ("Go-http-client/2.0", UaClass::Scripting),
            ("curl/8.4.0", UaClass::Scripting),
            ("axios/1.6.2", UaClass::Scripting),
            ("node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", UaClass::Scripting),
            ("okhttp/4.12.0", UaClass::Scripting),
            ("libwww-perl/6.72", UaClass::Scripting),
            (
                "Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.19045; en-US) PowerShell/7.4.0",
                UaClass::Powershell,
            ),
            ("Mozilla/5.0 WindowsPowerShell/5.1.19041.3803", UaClass::Powershell),
            ("azurehound/v2.1.7", UaClass::Offensive),
            ("AADInternals", UaClass::Offensive),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Microsoft Teams/1.3.00.30866 Chrome/80.0.3987.165 Electron/8.5.1 Safari/537.36",
                UaClass::Offensive,
            ),
            ("Microsoft Office Existence Discovery", UaClass::MicrosoftService),
            ("OneDriveMpc-Transform_Thumbnail/1.0", UaClass::MicrosoftService),
            ("MSWAC", UaClass::MicrosoftService),
            ("Microsoft Azure Graph Client Library 2.1.22", UaClass::MicrosoftService),
            ("SharePoint", UaClass::MicrosoftService),
            ("Outlook-iOS/2.0", UaClass::Mobile),
            ("Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)", UaClass::OfficeClient),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0",
                UaClass::Browser,
            ),
            ("", UaClass::Empty),
            ("<null>", UaClass::Empty),
            ("BAV2ROPC", UaClass::Offensive),
            ("SomethingElse/1.0", UaClass::Other),
        ];
        for (ua, class) in cases {
            assert_eq!(classify_user_agent(ua), class, "{ua}");
        }
    }

    #[test]
    fn product_token_is_the_telling_one() {
        assert_eq!(
            ua_product("Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.22631; en-US) PowerShell/7.4.5"),
            "PowerShell/7.4.5"
        );
        assert_eq!(ua_product("python-requests/2.31.0"), "python-requests/2.31.0");
        assert_eq!(ua_product("AADInternals"), "AADInternals");
    }

    #[test]
    fn family_ignores_versions() {
        assert_eq!(ua_family("python-requests/2.31.0"), "python requests");
        assert_eq!(ua_family("python-requests/2.27.1"), "python requests");
        assert_eq!(ua_family("curl/8.4.0"), "curl");
        assert_eq!(ua_family(""), "");
        let a = ua_family("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/122.0.0.0 Safari/537.36");
        let b = ua_family("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/90.0.4430.85 Safari/537.36");
        assert_eq!(a, b);
    }

    #[test]
    fn ids_and_sets() {
        assert_eq!(app_name("00000003-0000-0000-C000-000000000000"), Some("Microsoft Graph"));
        assert!(in_set(IdSet::ScriptingClients, "1B730954-1685-4b74-9bfd-dac224a7b894"));
        assert!(in_set(IdSet::GdapPartnerApps, "2832473f-ec63-45fb-976f-5d45a7d4bb91"));
        assert!(in_set(IdSet::ProviderAsns, "8075"));
        assert!(!in_set(IdSet::ScriptingClients, "d3590ed6-52b3-4102-aeff-aad2292ab01c"));
        assert_eq!(mail_permission("dc890d15-9560-4a4c-9b7f-a736ec74ec40"), Some("full_access_as_app"));
        assert_eq!(mail_permission("mail.read"), Some("Mail.Read"));
        assert_eq!(mail_permissions_in("offline_access Mail.ReadWrite User.Read"), vec!["Mail.ReadWrite"]);
        assert!(is_tenant_wide_mail_permission("full_access_as_app"));
        assert!(!is_tenant_wide_mail_permission("Mail.Read.Shared"));
    }

    #[test]
    fn system_actors_are_recognised() {
        assert!(is_system_actor("NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)"));
        assert!(is_system_actor("Administrator@apcprd03.prod.outlook.com"));
        assert!(is_system_actor("devilfish-applicationaccount"));
        assert!(!is_system_actor("administrator@northwind.example"));
        assert!(!is_system_actor("helpdesk@northwind.example"));
    }
}
