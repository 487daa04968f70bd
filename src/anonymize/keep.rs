//! What anonymisation leaves alone and which fields name what: read from `assets/anonymize/keep.toml`.

use super::ipmap::IpBlocks;
use serde::Deserialize;
use std::collections::HashSet;

/// The parsed `keep.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct KeepRules {
    pub domains: DomainRules,
    pub tenants: TenantRules,
    pub ips: IpRules,
    pub fields: FieldRules,
}

/// Domains that stay or keep part of themselves.
#[derive(Debug, Clone, Deserialize)]
pub struct DomainRules {
    pub service: Vec<String>,
    pub tenant_suffixes: Vec<String>,
    pub consumer: Vec<String>,
    pub reserved_tlds: Vec<String>,
}

/// Microsoft's own tenant ids.
#[derive(Debug, Clone, Deserialize)]
pub struct TenantRules {
    pub microsoft: Vec<String>,
}

/// Address blocks the IP mapping treats specially.
#[derive(Debug, Clone, Deserialize)]
pub struct IpRules {
    pub keep_v4: Vec<String>,
    pub avoid_v4: Vec<String>,
    pub keep_v6: Vec<String>,
}

/// Record keys that carry names, devices, subjects, files, organisations and tenant ids.
#[derive(Debug, Clone, Deserialize)]
pub struct FieldRules {
    pub display_names: Vec<String>,
    pub given_names: Vec<String>,
    pub surnames: Vec<String>,
    pub devices: Vec<String>,
    pub device_objects: Vec<String>,
    pub subjects: Vec<String>,
    pub files: Vec<String>,
    pub org_names: Vec<String>,
    pub tenant_ids: Vec<String>,
    pub person_target_types: Vec<String>,
    pub org_target_types: Vec<String>,
    pub org_suffixes: Vec<String>,
    pub standard_folders: Vec<String>,
    pub keep_names: Vec<String>,
}

impl KeepRules {
    /// The rules shipped with harrier.
    pub fn bundled() -> Self {
        toml::from_str(include_str!("../../assets/anonymize/keep.toml"))
            .expect("assets/anonymize/keep.toml is valid (checked by tests)")
    }

    /// The IP blocks, parsed (entries that do not parse are left out).
    pub fn ip_blocks(&self) -> IpBlocks {
        IpBlocks {
            keep_v4: self.ips.keep_v4.iter().filter_map(|s| s.parse().ok()).collect(),
            avoid_v4: self.ips.avoid_v4.iter().filter_map(|s| s.parse().ok()).collect(),
            keep_v6: self.ips.keep_v6.iter().filter_map(|s| s.parse().ok()).collect(),
        }
    }

    /// True when `domain` (lower-case) is or lies under a Microsoft service domain.
    pub fn is_service_domain(&self, domain: &str) -> bool {
        under_any(domain, &self.domains.service)
    }

    /// True when `domain` (lower-case) is a consumer mail service.
    pub fn is_consumer_domain(&self, domain: &str) -> bool {
        self.domains.consumer.iter().any(|d| d == domain)
    }

    /// Splits `contoso.onmicrosoft.com` into the tenant label and the Microsoft suffix.
    pub fn tenant_label<'a>(&self, domain: &'a str) -> Option<(&'a str, &'a str)> {
        let mut suffixes: Vec<&String> = self.domains.tenant_suffixes.iter().collect();
        suffixes.sort_by_key(|s| std::cmp::Reverse(s.len()));
        suffixes.iter().find_map(|s| {
            let label = domain.strip_suffix(s.as_str())?.strip_suffix('.')?;
            (!label.is_empty() && !label.contains('.')).then_some((label, &domain[label.len() + 1..]))
        })
    }

    /// Lower-cased Microsoft tenant ids.
    pub fn microsoft_tenants(&self) -> HashSet<String> {
        self.tenants.microsoft.iter().map(|t| t.to_ascii_lowercase()).collect()
    }
}

/// True when `domain` equals one of `list` or is a subdomain of one.
fn under_any(domain: &str, list: &[String]) -> bool {
    list.iter().any(|d| domain == d || domain.strip_suffix(d.as_str()).is_some_and(|p| p.ends_with('.')))
}

/// True when `key` equals one of `names`, ignoring case.
pub fn key_in(key: &str, names: &[String]) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_rules_parse_and_split_tenant_domains() {
        let k = KeepRules::bundled();
        assert_eq!(k.ip_blocks().keep_v4.len(), k.ips.keep_v4.len());
        assert_eq!(k.ip_blocks().keep_v6.len(), k.ips.keep_v6.len());
        assert_eq!(k.tenant_label("contoso.onmicrosoft.com"), Some(("contoso", "onmicrosoft.com")));
        assert_eq!(k.tenant_label("contoso.mail.onmicrosoft.com"), Some(("contoso", "mail.onmicrosoft.com")));
        assert_eq!(k.tenant_label("contoso-my.sharepoint.com"), Some(("contoso-my", "sharepoint.com")));
        assert_eq!(k.tenant_label("contoso.com"), None);
        assert!(k.is_service_domain("apcprd03.prod.outlook.com"));
        assert!(!k.is_service_domain("northwind.example"));
        assert!(k.is_consumer_domain("gmail.com"));
    }
}
