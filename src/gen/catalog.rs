//! The generator's reference data (names, places, apps, user agents, documents), embedded from `assets/gen/`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A place an IP address is geolocated to, with the network (ASN) that announces it.
#[derive(Debug, Clone)]
pub struct Place {
    pub key: &'static str,
    pub city: &'static str,
    pub state: &'static str,
    pub country: &'static str,
    pub asn: u32,
    pub lat: f64,
    pub lon: f64,
}

/// An application or resource: app id and display name.
#[derive(Debug, Clone, Copy)]
pub struct App {
    pub id: &'static str,
    pub name: &'static str,
}

/// A tenant organisation the generator can play.
#[derive(Debug, Clone, Copy)]
pub struct Org {
    pub short: &'static str,
    pub name: &'static str,
    pub domain: &'static str,
    pub sp_prefix: &'static str,
}

/// A document on a SharePoint site.
#[derive(Debug, Clone, Copy)]
pub struct Document {
    pub site: &'static str,
    pub folder: &'static str,
    pub file: &'static str,
}

/// All reference data, parsed once.
pub struct Catalog {
    pub orgs: Vec<Org>,
    pub first_names: Vec<&'static str>,
    pub last_names: Vec<&'static str>,
    places: BTreeMap<&'static str, Place>,
    user_agents: BTreeMap<&'static str, &'static str>,
    apps: BTreeMap<&'static str, App>,
    pub documents: Vec<Document>,
    pub subjects: Vec<&'static str>,
}

fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(|l| l.split('|').collect())
}

fn field<'a>(row: &[&'a str], i: usize) -> &'a str {
    row.get(i).copied().unwrap_or("")
}

impl Catalog {
    /// The embedded catalogue.
    pub fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(Catalog::load)
    }

    fn load() -> Catalog {
        let orgs = rows(include_str!("../../assets/gen/orgs.txt"))
            .map(|r| Org { short: field(&r, 0), name: field(&r, 1), domain: field(&r, 2), sp_prefix: field(&r, 3) })
            .collect();
        let names = |t: &'static str| rows(t).map(|r| field(&r, 0)).collect::<Vec<_>>();
        let places = rows(include_str!("../../assets/gen/places.txt"))
            .map(|r| {
                let p = Place {
                    key: field(&r, 0),
                    city: field(&r, 1),
                    state: field(&r, 2),
                    country: field(&r, 3),
                    asn: field(&r, 4).parse().unwrap_or(0),
                    lat: field(&r, 5).parse().unwrap_or(0.0),
                    lon: field(&r, 6).parse().unwrap_or(0.0),
                };
                (p.key, p)
            })
            .collect();
        let user_agents =
            rows(include_str!("../../assets/gen/user_agents.txt")).map(|r| (field(&r, 0), field(&r, 1))).collect();
        let apps = rows(include_str!("../../assets/gen/apps.txt"))
            .map(|r| (field(&r, 0), App { id: field(&r, 1), name: field(&r, 2) }))
            .collect();
        let documents = rows(include_str!("../../assets/gen/documents.txt"))
            .map(|r| Document { site: field(&r, 0), folder: field(&r, 1), file: field(&r, 2) })
            .collect();
        Catalog {
            orgs,
            first_names: names(include_str!("../../assets/gen/first_names.txt")),
            last_names: names(include_str!("../../assets/gen/last_names.txt")),
            places,
            user_agents,
            apps,
            documents,
            subjects: names(include_str!("../../assets/gen/subjects.txt")),
        }
    }

    /// A place by key. The keys are fixed by `assets/gen/places.txt`; an unknown key falls back to the first place.
    pub fn place(&self, key: &str) -> &Place {
        self.places.get(key).or_else(|| self.places.values().next()).expect("places.txt is not empty")
    }

    /// A user agent string by key (empty for an unknown key).
    pub fn ua(&self, key: &str) -> &'static str {
        self.user_agents.get(key).copied().unwrap_or("")
    }

    /// An app by key (`graph`, `exchange`, `teams` …).
    pub fn app(&self, key: &str) -> App {
        self.apps.get(key).copied().unwrap_or(App { id: "", name: "" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_parses_with_every_key_the_generator_uses() {
        let c = Catalog::get();
        assert!(c.orgs.len() >= 3 && c.first_names.len() >= 40 && c.last_names.len() >= 40);
        for k in ["chicago-att", "amsterdam-vps", "sofia", "saopaulo", "london", "frankfurt-vps", "lagos", "microsoft"]
        {
            assert_eq!(c.place(k).key, k);
        }
        for k in ["graph", "exchange", "sharepoint", "graph-cli", "exo-rest-ps", "officehome", "aadconnect"] {
            assert_eq!(c.app(k).id.len(), 36, "{k}");
        }
        assert!(c.ua("python-requests").starts_with("python-requests/"));
    }
}
