//! What a GeoIP database answers for an address, and what kind of database it is.

use super::coords::Coords;
use serde::{Deserialize, Serialize};

/// What one database says about one address: any of a country, a city (with its coordinates) and an autonomous
/// system.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Place {
    /// ISO 3166-1 alpha-2 code, upper case.
    pub country: Option<String>,
    pub city: Option<String>,
    pub asn: Option<u32>,
    /// Where a city database puts the address.
    pub coords: Option<Coords>,
}

impl Place {
    /// True when the database knows nothing useful about the address.
    pub fn is_empty(&self) -> bool {
        self.country.is_none() && self.city.is_none() && self.asn.is_none() && self.coords.is_none()
    }
}

/// What a database is for, as the ledger reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GeoKind {
    Country,
    City,
    Asn,
}

impl GeoKind {
    /// The kind a database's self-description (an mmdb `database_type` such as `GeoLite2-City` or `asn ipv4`, or a
    /// file name such as `dbip-country-ipv6.csv`) points to, if any. "country" wins over "asn" because the
    /// ip-location-db country files derived from ASN data are named `asn-country`, `geo-asn-country` and so on.
    pub fn from_label(label: &str) -> Option<GeoKind> {
        let l = label.to_ascii_lowercase();
        if l.contains("city") {
            Some(GeoKind::City)
        } else if l.contains("country") {
            Some(GeoKind::Country)
        } else if l.contains("asn") || l.contains("isp") {
            Some(GeoKind::Asn)
        } else {
            None
        }
    }

    /// The lower-case name used in the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            GeoKind::Country => "country",
            GeoKind::City => "city",
            GeoKind::Asn => "asn",
        }
    }
}

/// An ISO country code as harrier stores it (`us` → `US`), or `None` when `s` is not two ASCII letters.
pub fn country_code(s: &str) -> Option<String> {
    let s = s.trim();
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic())).then(|| s.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_names_and_database_types() {
        assert_eq!(GeoKind::from_label("GeoLite2-City"), Some(GeoKind::City));
        assert_eq!(GeoKind::from_label("GeoLite2-ASN"), Some(GeoKind::Asn));
        assert_eq!(GeoKind::from_label("asn ipv4"), Some(GeoKind::Asn));
        assert_eq!(GeoKind::from_label("country ipv6"), Some(GeoKind::Country));
        assert_eq!(GeoKind::from_label("geo-asn-country-ipv4.csv"), Some(GeoKind::Country));
        assert_eq!(GeoKind::from_label("iptoasn-asn-ipv6-num.csv"), Some(GeoKind::Asn));
        assert_eq!(GeoKind::from_label("mine.mmdb"), None);
    }

    #[test]
    fn country_codes_are_two_letters() {
        assert_eq!(country_code(" nl "), Some("NL".into()));
        assert_eq!(country_code(""), None);
        assert_eq!(country_code("USA"), None);
        assert_eq!(country_code("1A"), None);
    }
}
