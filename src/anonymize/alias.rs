//! Which address local parts (aliases) are replaced on their own, outside their address. A person's alias
//! (`lidia`, `adelev`) is replaced wherever it stands as a whole word; a role or common word (`support`, `info`,
//! `admin`) would wreck unrelated text (`security.microsoft.com`, "user registered security info"), so it is
//! replaced only where the records use it as a mailbox name: after the tenant in an Exchange object path, as a
//! distinguished name's `CN=`, and after the object id of an X.500 address.

use std::collections::HashSet;

/// Shortest alias replaced on its own: shorter ones (`ab`) would wreck unrelated words.
pub const MIN_ALIAS_LEN: usize = 3;

/// Role mailbox names and common words: replaced only in mailbox-name places, never as free words.
const GENERIC: &[&str] = &[
    "abuse",
    "accounting",
    "accounts",
    "acquisition",
    "admin",
    "admins",
    "administrator",
    "agency",
    "alert",
    "alerts",
    "all",
    "alpha",
    "approvals",
    "archive",
    "audit",
    "backup",
    "billing",
    "bla",
    "board",
    "booking",
    "bookings",
    "calendar",
    "careers",
    "ceo",
    "cfo",
    "ciso",
    "client",
    "clients",
    "cloud",
    "community",
    "compliance",
    "conference",
    "contact",
    "contacts",
    "coo",
    "cto",
    "customer",
    "customers",
    "demo",
    "design",
    "dev",
    "developer",
    "developers",
    "devops",
    "director",
    "donotreply",
    "email",
    "engineering",
    "enquiries",
    "events",
    "everyone",
    "example",
    "exchange",
    "facilities",
    "feedback",
    "finance",
    "global",
    "guest",
    "hello",
    "help",
    "helpdesk",
    "hr",
    "ict",
    "info",
    "inquiries",
    "investigate",
    "invoice",
    "invoices",
    "jobs",
    "legal",
    "legalhold",
    "logistics",
    "mail",
    "mailer-daemon",
    "management",
    "manager",
    "marketing",
    "media",
    "meetings",
    "microsoft",
    "news",
    "newsletter",
    "noc",
    "noreply",
    "no-reply",
    "notifications",
    "office",
    "online",
    "operations",
    "ops",
    "orders",
    "outlook",
    "partner",
    "partners",
    "payments",
    "payroll",
    "postmaster",
    "press",
    "printer",
    "privacy",
    "procurement",
    "project",
    "projects",
    "purchase",
    "purchasing",
    "reception",
    "report",
    "reports",
    "research",
    "room",
    "rooms",
    "root",
    "sales",
    "scan",
    "scanner",
    "security",
    "service",
    "services",
    "sharepoint",
    "shipping",
    "soc",
    "social",
    "staff",
    "student",
    "students",
    "support",
    "sync",
    "system",
    "team",
    "teams",
    "tenant",
    "test",
    "training",
    "user",
    "users",
    "vendor",
    "vendors",
    "victim",
    "warehouse",
    "webmaster",
];

/// How an alias is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliasUse {
    /// Not at all outside its address (too short, no letter, a guest's `#ext#` form).
    Never,
    /// Only where the records use it as a mailbox name.
    MailboxPlaces,
    /// Wherever it stands as a whole word.
    Everywhere,
}

/// The alias rules for one case.
pub struct AliasRules<'a> {
    protected: &'a HashSet<String>,
    /// The words of the protected names (`Microsoft Teams` → `microsoft`, `teams`).
    tokens: HashSet<&'a str>,
}

impl<'a> AliasRules<'a> {
    /// Rules for a case whose field, operation and app names (lower-case) are `protected`.
    pub fn new(protected: &'a HashSet<String>) -> Self {
        let tokens = protected
            .iter()
            .filter(|p| p.len() <= 200)
            .flat_map(|p| p.split(|c: char| !c.is_alphanumeric()))
            .filter(|t| t.len() >= MIN_ALIAS_LEN)
            .collect();
        AliasRules { protected, tokens }
    }

    /// How the alias `local` (lower-case) is replaced.
    pub fn alias_use(&self, local: &str) -> AliasUse {
        let short = local.chars().count() < MIN_ALIAS_LEN;
        if short || !local.chars().any(|c| c.is_ascii_alphabetic()) || local.contains('#') {
            return AliasUse::Never;
        }
        let common = GENERIC.contains(&local)
            || local.strip_suffix('s').is_some_and(|l| GENERIC.contains(&l))
            || self.protected.contains(local)
            || self.tokens.contains(local);
        if common {
            AliasUse::MailboxPlaces
        } else {
            AliasUse::Everywhere
        }
    }
}

/// True when `i` in `buf` follows an X.500 address's object id: `cn=` and 32 hex digits and `-`
/// (`/cn=Recipients/cn=5219bb11dd8540a1b7898cfe7509e02a-lidia`).
pub fn after_x500_id(buf: &[u8], i: usize) -> bool {
    i >= 36
        && buf[i - 1] == b'-'
        && buf[i - 33..i - 1].iter().all(u8::is_ascii_hexdigit)
        && buf[i - 36..i - 33].eq_ignore_ascii_case(b"cn=")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_everywhere_roles_in_mailbox_places_short_never() {
        let protected: HashSet<String> = ["microsoft teams".to_string(), "mailitemsaccessed".into()].into();
        let rules = AliasRules::new(&protected);
        assert_eq!(rules.alias_use("lidia"), AliasUse::Everywhere);
        assert_eq!(rules.alias_use("stinger007"), AliasUse::Everywhere);
        for generic in ["support", "info", "admins", "teams", "mailitemsaccessed"] {
            assert_eq!(rules.alias_use(generic), AliasUse::MailboxPlaces, "{generic}");
        }
        for never in ["al", "12345", "bob_x.com#ext#"] {
            assert_eq!(rules.alias_use(never), AliasUse::Never, "{never}");
        }
        assert!(after_x500_id(b"/cn=5219bb11dd8540a1b7898cfe7509e02a-lidia", 37));
        assert!(!after_x500_id(b"/xx=5219bb11dd8540a1b7898cfe7509e02a-lidia", 37));
    }
}
