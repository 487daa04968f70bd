//! Where mail goes: the addresses a rule or a forwarding setting names, whether their domain belongs to the tenant,
//! and the small text checks the mail detections share (parameter flags, whole-word matches, rule names).
//!
//! The tenant's domains are `[tenant] domains` when the case sets them. Without them, the domains of the people
//! the case holds records of, and of the mailboxes its snapshots list, stand in, and the reasons say so: a
//! destination neither list knows is treated as outside, never assumed to be home.

use crate::analytics::catalog;
use crate::analytics::common::{domain_of, prop, Cx};
use crate::model::{ActorKind, Event};

/// How the case knows the tenant's own mail domains.
pub struct Domains {
    configured: Vec<String>,
    seen: Vec<String>,
}

/// Where one destination address lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lies {
    /// In one of `[tenant] domains`.
    Inside,
    /// In a domain the case's own accounts use (no `[tenant] domains` set).
    InsideSeen,
    /// In a domain the case allows forwarding to.
    Allowed,
    /// Anywhere else.
    Outside,
}

impl Domains {
    /// The configured tenant domains, and the domains the case's user accounts sign in with.
    pub fn of(cx: &Cx) -> Domains {
        let configured: Vec<String> = cx.config.tenant.domains.iter().map(|d| d.trim().to_ascii_lowercase()).collect();
        let mut seen = Vec::new();
        if configured.is_empty() {
            for (sym, p) in &cx.store.profiles {
                if !matches!(p.kind, Some(ActorKind::User)) {
                    continue;
                }
                let key = cx.s(*sym);
                if key.contains("#ext#") || catalog::is_system_actor(key) {
                    continue;
                }
                if let Some(d) = domain_of(key).filter(|d| d.contains('.')) {
                    seen.push(d.to_string());
                }
            }
            seen.extend(snapshot_domains(cx));
            seen.sort();
            seen.dedup();
        }
        Domains { configured, seen }
    }

    /// Where `address` lies, given the domains forwarding may go to.
    pub fn judge(&self, address: &str, allowed: &[String]) -> Lies {
        let Some(d) = domain_of(address).map(str::to_ascii_lowercase) else { return Lies::Outside };
        if under_any(&d, allowed) {
            Lies::Allowed
        } else if under_any(&d, &self.configured) {
            Lies::Inside
        } else if self.configured.is_empty() && under_any(&d, &self.seen) {
            Lies::InsideSeen
        } else {
            Lies::Outside
        }
    }

    /// What "outside the tenant" was measured against, for the reasons.
    pub fn basis(&self) -> String {
        if !self.configured.is_empty() {
            format!("[tenant] domains: {}", self.configured.join(", "))
        } else if self.seen.is_empty() {
            "no [tenant] domains set and no account of the tenant in the case".to_string()
        } else {
            format!("no [tenant] domains set; the case's own accounts use {}", self.seen.join(", "))
        }
    }
}

/// The domains of the mailboxes the case's snapshots list rules or forwarding for: the tenant's own.
fn snapshot_domains(cx: &Cx) -> Vec<String> {
    let rules = cx.facts.mailbox_rules().into_iter().map(|r| r.fact.mailbox.as_str());
    let forwarding = cx.facts.mailbox_forwarding().into_iter().map(|f| f.fact.mailbox.as_str());
    rules.chain(forwarding).filter_map(domain_of).filter(|d| d.contains('.')).map(str::to_ascii_lowercase).collect()
}

/// True when `domain` is one of `list` or a subdomain of one.
pub fn under_any(domain: &str, list: &[String]) -> bool {
    list.iter()
        .map(|x| x.trim().trim_start_matches('@').to_ascii_lowercase())
        .any(|x| !x.is_empty() && (domain == x || domain.ends_with(&format!(".{x}"))))
}

/// Every mail address in a parameter value (`smtp:a@b.com`, `"Name" [SMTP:a@b.com]`, `a@b.com;c@d.com`),
/// lower-cased, in order, without repeats.
pub fn addresses(value: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let seps = |c: char| c.is_whitespace() || ";,[]<>(){}\"'".contains(c);
    for tok in value.split(seps) {
        let t = tok.trim().to_ascii_lowercase();
        let t = t.strip_prefix("smtp:").unwrap_or(&t).trim_matches(|c: char| c == '.' || c == ':');
        let Some((local, domain)) = t.split_once('@') else { continue };
        if local.is_empty() || !domain.contains('.') || domain.starts_with('.') || domain.contains('@') {
            continue;
        }
        if !out.iter().any(|x| x == t) {
            out.push(t.to_string());
        }
    }
    out
}

/// True when a record sets the switch `name` (`True`, `$true`, `1`).
pub fn flag(ev: &Event, name: &str) -> bool {
    prop(ev, &[name]).is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "true" | "$true" | "1"))
}

/// True when a record turns the switch `name` off (`False`, `$false`, `0`).
pub fn flag_off(ev: &Event, name: &str) -> bool {
    prop(ev, &[name]).is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "false" | "$false" | "0"))
}

/// The watched words (lower-case) that occur in `text` as whole words or phrases.
pub fn words_in<'w>(text: &str, words: &'w [String]) -> Vec<&'w str> {
    let hay = text.to_lowercase();
    words.iter().map(|w| w.as_str()).filter(|w| !w.trim().is_empty() && has_word(&hay, &w.to_lowercase())).collect()
}

/// True when `needle` occurs in `hay` with no letter or digit right before or after it.
fn has_word(hay: &str, needle: &str) -> bool {
    let needle = needle.trim();
    let mut from = 0;
    while let Some(pos) = hay[from..].find(needle) {
        let start = from + pos;
        let end = start + needle.len();
        let before = hay[..start].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = hay[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before && after {
            return true;
        }
        from = start + needle.len().max(1);
        while !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// True when a rule's name hides what it is: empty, only punctuation, or at most `max_chars` characters long.
pub fn obscure_name(name: &str, max_chars: usize) -> bool {
    let n = name.trim();
    n.is_empty() || !n.chars().any(char::is_alphanumeric) || n.chars().count() <= max_chars
}

/// A mailbox as a reader would name it: an address stays, an Exchange object path becomes its last part.
pub fn mailbox_label(name: &str) -> String {
    let n = name.trim();
    if n.contains('@') || !n.contains('/') {
        return n.to_ascii_lowercase();
    }
    n.rsplit('/').next().unwrap_or(n).split('\\').next().unwrap_or(n).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_come_out_of_every_written_form() {
        assert_eq!(addresses("smtp:Bla@Bla.com"), vec!["bla@bla.com"]);
        assert_eq!(
            addresses("\"Office365Alerts@microsoft.com\" [SMTP:Office365Alerts@microsoft.com]"),
            vec!["office365alerts@microsoft.com"]
        );
        assert_eq!(addresses("a@x.com; b@y.org,c@z.net"), vec!["a@x.com", "b@y.org", "c@z.net"]);
        assert!(addresses("Accounts").is_empty());
        assert!(addresses("user@localhost").is_empty());
    }

    #[test]
    fn words_match_whole_words_only() {
        let words = vec!["invoice".to_string(), "wire".to_string(), "was this you".to_string()];
        assert_eq!(words_in("Invoice;payment", &words), vec!["invoice"]);
        assert!(words_in("wireless keyboard", &words).is_empty());
        assert_eq!(words_in("RE: was this you?", &words), vec!["was this you"]);
    }

    #[test]
    fn obscure_names_and_mailbox_labels() {
        assert!(obscure_name(".", 1));
        assert!(obscure_name("..", 1));
        assert!(obscure_name(" ", 1));
        assert!(!obscure_name("Direct", 1));
        assert_eq!(
            mailbox_label(
                "NAMPR06A003.prod.outlook.com/Microsoft Exchange Hosted Organizations/c.onmicrosoft.com/AdeleV"
            ),
            "adelev"
        );
        assert_eq!(mailbox_label("Bob@Contoso.com"), "bob@contoso.com");
    }

    #[test]
    fn domains_and_subdomains() {
        let allowed = vec!["partner.example".to_string()];
        assert!(under_any("mail.partner.example", &allowed));
        assert!(!under_any("notpartner.example", &allowed));
    }
}
