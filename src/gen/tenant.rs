//! The generated tenant: its people, service accounts, apps, networks and partners.

use super::catalog::{Catalog, Org, Place};
use super::ids::{self, guid, label, GenRng};
use rand::seq::IndexedRandom;
use rand::Rng;
use std::net::IpAddr;

/// An address on the internet and where it is.
#[derive(Debug, Clone)]
pub struct Net {
    pub ip: IpAddr,
    pub place: &'static Place,
}

impl Net {
    /// Builds a network location from a literal address and a place key.
    pub fn new(ip: &str, place: &str) -> Net {
        Net { ip: ip.parse().unwrap_or(IpAddr::from([192, 0, 2, 1])), place: Catalog::get().place(place) }
    }
}

/// The device a person signs in from.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: String,
    pub name: String,
    pub os: &'static str,
    pub browser_ua: &'static str,
    pub browser: &'static str,
}

/// A person (or person-like account) in the directory.
#[derive(Debug, Clone)]
pub struct Person {
    /// Canonical lower-case UPN.
    pub upn: String,
    /// The UPN as the directory stores it (mixed case), as some logs print it.
    pub upn_cased: String,
    pub display: String,
    pub id: String,
    pub mailbox_guid: String,
    pub sid: String,
    pub home: Net,
    pub device: Device,
    /// Local hour the working day usually starts.
    pub start_hour: u32,
    /// Weekdays (0 = Monday) spent in the office; other weekdays are remote.
    pub office_days: [bool; 5],
    pub title: &'static str,
}

/// A service principal (app registration in the tenant) that signs in on its own.
#[derive(Debug, Clone)]
pub struct ServicePrincipal {
    pub app_id: String,
    pub sp_id: String,
    pub name: String,
    pub net: Net,
    pub credential: &'static str,
    pub key_id: String,
    pub thumbprint: String,
}

/// A partner (CSP / MSP) tenant with its technician.
#[derive(Debug, Clone)]
pub struct Partner {
    pub tenant_id: String,
    pub name: String,
    pub technician_upn: String,
    pub technician_id: String,
    pub technician_display: String,
    pub ips: Vec<Net>,
}

/// A shared mailbox.
#[derive(Debug, Clone)]
pub struct SharedMailbox {
    pub upn: String,
    pub display: String,
    pub guid: String,
}

/// Who plays which part in the case (indexes into `Tenant::people`).
#[derive(Debug, Clone, Copy)]
pub struct Cast {
    pub ceo: usize,
    pub cfo: usize,
    pub admin: usize,
    pub helpdesk: [usize; 2],
    pub finance: usize,
    pub replay_victim: usize,
    pub script_victim: usize,
    pub enum_actor: usize,
    pub traveller: usize,
    pub bec_victim: usize,
}

/// The whole tenant.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub seed: u64,
    /// Plant each act in a variant the seed picks (another tool, another grant path, another address) instead of
    /// its classic form.
    pub vary: bool,
    /// The context the acts are planted in (addresses, allow lists); the classic one unless asked otherwise.
    pub context: crate::gen::context::Context,
    pub id: String,
    pub org: Org,
    pub people: Vec<Person>,
    pub cast: Cast,
    pub corp: Vec<Net>,
    pub sync_account: Person,
    pub automation: Person,
    pub dormant: Person,
    pub shared: Vec<SharedMailbox>,
    pub backup_sp: ServicePrincipal,
    pub integration_sp: ServicePrincipal,
    pub managed_identity: ServicePrincipal,
    pub rogue_partner: Partner,
    pub trusted_partner: Partner,
    pub groups: Vec<(String, String)>,
}

const TITLES: [&str; 10] = [
    "Chief Executive Officer",
    "Chief Financial Officer",
    "IT Administrator",
    "Service Desk Analyst",
    "Service Desk Analyst",
    "Accounts Payable Specialist",
    "Account Manager",
    "Data Analyst",
    "Marketing Coordinator",
    "Regional Sales Director",
];
const GROUPS: [&str; 8] =
    ["All Staff", "Finance", "Sales", "IT Admins", "Leadership", "Service Desk", "Operations", "Marketing"];
const HOME_PLACES: [&str; 7] =
    ["chicago-comcast", "evanston", "naperville", "oakpark", "schaumburg", "joliet", "milwaukee"];
const DEVICES: [(&str, &str, &str); 4] = [
    ("Windows 10", "edge-win", "Edge 133.0.0"),
    ("Windows 10", "edge-win", "Edge 133.0.0"),
    ("Windows 10", "chrome-win", "Chrome 133.0.0"),
    ("MacOs", "safari-mac", "Safari 18.3"),
];

fn home_ip(i: usize) -> String {
    if i < 90 && i % 6 != 5 {
        format!("198.51.100.{}", 30 + i)
    } else {
        format!("2001:db8:4a0:{:x}::{:x}", 0x100 + i, 0x20 + i % 200)
    }
}

fn make_person(rng: &mut GenRng, org: &Org, first: &str, last: &str, idx: usize, title: &'static str) -> Person {
    let cat = Catalog::get();
    let upn_cased = format!("{first}.{last}@{}", org.domain);
    let (os, ua_key, browser) = *DEVICES.choose(rng).unwrap_or(&DEVICES[0]);
    let mut office_days = [false; 5];
    for d in office_days.iter_mut() {
        *d = rng.random_bool(0.6);
    }
    let host = format!("{}-{}", org.short.to_ascii_uppercase(), ids::hex_upper(rng, 3));
    Person {
        upn: upn_cased.to_ascii_lowercase(),
        upn_cased,
        display: format!("{first} {last}"),
        id: guid(rng),
        mailbox_guid: guid(rng),
        sid: ids::sid(rng),
        home: Net::new(&home_ip(idx), HOME_PLACES.choose(rng).copied().unwrap_or("chicago-comcast")),
        device: Device {
            id: guid(rng),
            name: if os == "MacOs" { format!("{first}s-MacBook-Pro") } else { host },
            os,
            browser_ua: cat.ua(ua_key),
            browser,
        },
        start_hour: rng.random_range(7..=9),
        office_days,
        title,
    }
}

fn service_principal(rng: &mut GenRng, name: &str, net: Net, credential: &'static str) -> ServicePrincipal {
    ServicePrincipal {
        app_id: guid(rng),
        sp_id: guid(rng),
        name: name.to_string(),
        net,
        credential,
        key_id: guid(rng),
        thumbprint: if credential == "certificate" { ids::hex_upper(rng, 20) } else { String::new() },
    }
}

/// `count` people with distinct names, walking the first × last name grid with a stride; past its size, names
/// repeat with a number. The first ones get the cast's job titles.
fn people(rng: &mut GenRng, org: &Org, count: usize) -> Vec<Person> {
    let cat = Catalog::get();
    let mut used = std::collections::BTreeSet::new();
    let mut people = Vec::with_capacity(count);
    let nf = cat.first_names.len();
    let nl = cat.last_names.len();
    let offset = rng.random_range(0..nf * nl);
    let grid = nf * nl;
    for i in 0..count {
        let round = i / grid;
        let mut k = (offset + i * 7919) % grid;
        while used.contains(&(round, k)) {
            k = (k + 1) % grid;
        }
        used.insert((round, k));
        let (first, last) = (cat.first_names[k % nf], cat.last_names[(k / nf) % nl]);
        let last = if round == 0 { last.to_string() } else { format!("{last}{}", round + 1) };
        let title = TITLES.get(i).copied().unwrap_or(if i % 3 == 0 { "Operations Specialist" } else { "Analyst" });
        people.push(make_person(rng, org, first, &last, i, title));
    }
    people
}

/// A service account: a person-shaped directory entry with its own UPN, working from the office.
fn service_account(rng: &mut GenRng, org: &Org, upn: &str, display: &str) -> Person {
    let mut p = make_person(rng, org, "svc", "account", 0, "Service account");
    p.upn = upn.to_ascii_lowercase();
    p.upn_cased = upn.to_string();
    p.display = display.to_string();
    p.home = Net::new("198.51.100.12", "chicago-att");
    p
}

/// The shared mailboxes: helpdesk, accounts payable and reception.
fn shared_mailboxes(rng: &mut GenRng, domain: &str) -> Vec<SharedMailbox> {
    ["helpdesk", "accounts-payable", "reception"]
        .iter()
        .map(|n| SharedMailbox {
            upn: format!("{n}@{domain}"),
            display: match *n {
                "helpdesk" => "IT Helpdesk".to_string(),
                "accounts-payable" => "Accounts Payable".to_string(),
                _ => "Reception".to_string(),
            },
            guid: guid(rng),
        })
        .collect()
}

/// A partner tenant and its technician, who signs in from `ips`.
fn partner(rng: &mut GenRng, name: &str, pdomain: &str, ips: Vec<Net>) -> Partner {
    let technician_id = guid(rng);
    Partner {
        tenant_id: guid(rng),
        name: name.to_string(),
        technician_upn: format!("user_{}@{pdomain}", technician_id.replace('-', "")),
        technician_display: format!("{} Technician", name.split_whitespace().next().unwrap_or(name)),
        technician_id,
        ips,
    }
}

impl Cast {
    /// The parts, given to the first people in order; the BEC victim falls back to the last person in a small
    /// tenant.
    fn of(people: usize) -> Cast {
        Cast {
            ceo: 0,
            cfo: 1,
            admin: 2,
            helpdesk: [3, 4],
            finance: 5,
            replay_victim: 6,
            script_victim: 7,
            enum_actor: 8,
            traveller: 9,
            bec_victim: 5.min(people - 1),
        }
    }
}

impl Tenant {
    /// Which of `n` ways to do the act named `act`: 0 (the classic way) unless the tenant varies its acts, then the
    /// one the seed picks.
    pub fn variant(&self, act: &str, n: usize) -> usize {
        if self.vary {
            crate::gen::ids::pick(self.seed, act, n)
        } else {
            0
        }
    }

    /// Builds the tenant for a seed and size. `users` is at least 10 (checked by the caller).
    pub fn build(seed: u64, users: usize, org_name: Option<&str>) -> Tenant {
        let cat = Catalog::get();
        let mut rng = ids::stream(seed, &[label("tenant")]);
        let org = org_name
            .and_then(|n| cat.orgs.iter().find(|o| o.short.eq_ignore_ascii_case(n)))
            .copied()
            .unwrap_or_else(|| cat.orgs[(seed as usize) % cat.orgs.len()]);
        let id = guid(&mut rng);
        let mut people = people(&mut rng, &org, users + 1);
        // The last generated person is the dormant account: in the directory, never active.
        let mut dormant =
            people.pop().unwrap_or_else(|| make_person(&mut rng, &org, "Rolf", "Lindqvist", 0, "Analyst"));
        dormant.title = "Project Coordinator (on leave)";
        let domain = org.domain;
        let sync_host = format!("{}DC01", org.short.to_ascii_uppercase());
        let sync_tag = ids::hex_upper(&mut rng, 6).to_ascii_lowercase();
        let sync_account = service_account(
            &mut rng,
            &org,
            &format!("Sync_{sync_host}_{sync_tag}@{domain}"),
            "On-Premises Directory Synchronization Service Account",
        );
        let automation = service_account(&mut rng, &org, &format!("svc-reporting@{domain}"), "Reporting Automation");
        let shared = shared_mailboxes(&mut rng, domain);
        let corp = vec![
            Net::new("198.51.100.10", "chicago-att"),
            Net::new("198.51.100.11", "chicago-att"),
            Net::new("198.51.100.12", "chicago-att"),
        ];
        let backup_sp = service_principal(
            &mut rng,
            "Keepit Backup Connector",
            Net::new("198.51.100.150", "ashburn"),
            "certificate",
        );
        let integration_sp = service_principal(
            &mut rng,
            "HR Directory Integration",
            Net::new("198.51.100.151", "ashburn"),
            "clientSecret",
        );
        let managed_identity = service_principal(
            &mut rng,
            &format!("func-{}-invoices", org.short),
            Net::new("2001:db8:8075::1f", "microsoft"),
            "managedIdentity",
        );
        let rogue_partner = partner(
            &mut rng,
            "Bluestone IT Services",
            "bluestoneit.example",
            vec![Net::new("203.0.113.160", "sofia"), Net::new("203.0.113.161", "sofia")],
        );
        let trusted_partner = partner(
            &mut rng,
            "Fourth Coffee Managed Services",
            "fourthcoffee-msp.example",
            vec![Net::new("198.51.100.200", "dallas")],
        );
        let groups = GROUPS.iter().map(|g| (guid(&mut rng), g.to_string())).collect();
        let cast = Cast::of(people.len());
        Tenant {
            seed,
            vary: false,
            context: Default::default(),
            id,
            org,
            people,
            cast,
            corp,
            sync_account,
            automation,
            dormant,
            shared,
            backup_sp,
            integration_sp,
            managed_identity,
            rogue_partner,
            trusted_partner,
            groups,
        }
    }

    /// The object id of the tenant's service principal for a first-party resource app.
    pub fn resource_sp(&self, app_id: &str) -> String {
        guid(&mut ids::stream(self.seed, &[label("resource-sp"), label(app_id)]))
    }

    /// The SharePoint host of the tenant (`northwind.sharepoint.example`).
    pub fn sharepoint_host(&self, my: bool) -> String {
        if my {
            format!("{}-my.sharepoint.example", self.org.sp_prefix)
        } else {
            format!("{}.sharepoint.example", self.org.sp_prefix)
        }
    }

    /// The Exchange server name prefix seen in `OriginatingServer`.
    pub fn exchange_server(&self) -> String {
        format!("CH0PR11MB{}", 4000 + (self.seed % 900))
    }
}
