//! One mailbox, whatever form a record names it by. Exchange writes the same mailbox as an address
//! (`adelev@contoso.com`), a bare alias (`AdeleV`), an object path
//! (`NAMPR06A003.prod.outlook.com/Microsoft Exchange Hosted Organizations/contoso.onmicrosoft.com/AdeleV`, with
//! `\RuleName` after it when a rule is meant) or an X.500 address (`/o=ExchangeLabs/…/cn=Recipients/cn=<hex>-AdeleV`).
//! Every form carries the alias, so each gets the key `alias:<alias>` beside its own name: the index stores both and a
//! pivot on any form finds the others.

/// Prefix of the alias key, chosen so it can never be mistaken for an address or path.
pub const ALIAS_PREFIX: &str = "alias:";

/// The mailbox's alias as `name` spells it (lower-case), when the form carries one.
pub fn alias_of(name: &str) -> Option<String> {
    let name = name.trim();
    if name.is_empty() || name.starts_with(ALIAS_PREFIX) {
        return None;
    }
    let lower = name.to_lowercase();
    let alias = if lower.starts_with("/o=") {
        x500_alias(&lower)?
    } else if lower.contains("/") {
        path_alias(&lower)?
    } else if let Some((local, domain)) = lower.split_once('@') {
        if domain.is_empty() || local.is_empty() {
            return None;
        }
        local.to_string()
    } else if is_guid(&lower) || lower.contains(' ') || lower.contains('\\') {
        return None;
    } else {
        lower
    };
    (!alias.is_empty()).then_some(alias)
}

/// Every key a record naming the mailbox `name` is found under: the name itself (lower-case) and its alias key.
pub fn mailbox_keys(name: &str) -> Vec<String> {
    let mut keys = vec![name.trim().to_lowercase()];
    if let Some(a) = alias_of(name) {
        keys.push(format!("{ALIAS_PREFIX}{a}"));
    }
    keys
}

/// The key two names of one mailbox share: the alias key when there is one, else the name itself.
pub fn mailbox_key(name: &str) -> String {
    alias_of(name).map_or_else(|| name.trim().to_lowercase(), |a| format!("{ALIAS_PREFIX}{a}"))
}

/// True when `name` is an Exchange object path (`…/Microsoft Exchange Hosted Organizations/<tenant>/<alias>`).
pub fn is_object_path(name: &str) -> bool {
    name.to_ascii_lowercase().contains("/microsoft exchange hosted organizations/")
}

/// `…/Hosted Organizations/<tenant>/<alias>[\rule]` → `<alias>`; any other path → its last segment.
fn path_alias(lower: &str) -> Option<String> {
    let last = lower.rsplit('/').next()?;
    let alias = last.split('\\').next()?.trim();
    (!alias.is_empty() && !is_guid(alias)).then(|| alias.to_string())
}

/// `/o=…/cn=recipients/cn=<32 hex>-<alias>` (or `cn=<alias>`) → `<alias>`.
fn x500_alias(lower: &str) -> Option<String> {
    let last = lower.rsplit("/cn=").next()?.trim();
    let alias = match last.split_once('-') {
        Some((hex, rest)) if hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit()) => rest,
        _ => last,
    };
    (!alias.is_empty() && !alias.starts_with("/o=")).then(|| alias.to_string())
}

fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_one_mailbox_shares_its_key() {
        let forms = [
            "AdeleV@M365x816222.OnMicrosoft.com",
            "AdeleV",
            "NAMPR06A003.prod.outlook.com/Microsoft Exchange Hosted Organizations/M365x816222.onmicrosoft.com/AdeleV",
            "NAMPR06A003.prod.outlook.com/Microsoft Exchange Hosted Organizations/M365x816222.onmicrosoft.com/AdeleV\\junk",
            "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=6b1f0f1a2c3d4e5f6a7b8c9d0e1f2a3b-AdeleV",
        ];
        for f in forms {
            assert_eq!(mailbox_key(f), "alias:adelev", "{f}");
            assert!(mailbox_keys(f).contains(&"alias:adelev".to_string()), "{f}");
        }
        assert!(is_object_path(forms[2]));
        assert!(!is_object_path(forms[0]));
    }

    #[test]
    fn names_without_an_alias_stay_themselves() {
        let guid = "311b45d6-1a3e-46ac-8434-721367961e19";
        assert_eq!(alias_of(guid), None);
        assert_eq!(mailbox_key(guid), guid);
        assert_eq!(alias_of("NT AUTHORITY\\SYSTEM (w3wp)"), None);
        assert_eq!(alias_of("@contoso.com"), None);
        assert_eq!(alias_of(""), None);
        let path_to_guid =
            format!("x.outlook.com/Microsoft Exchange Hosted Organizations/contoso.onmicrosoft.com/{guid}");
        assert_eq!(alias_of(&path_to_guid), None);
        assert_eq!(mailbox_keys("alias:bob"), ["alias:bob"]);
    }
}
