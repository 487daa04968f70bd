//! GeoIP databases in the MaxMind DB format (`.mmdb`): MaxMind's own City, Country and ASN editions, and the
//! flat records of the ip-location-db project (`{"country_code":"US"}`, `{"autonomous_system_number":15169,…}`,
//! `{"country_code":"AU","city":"South Brisbane","latitude":"-27.48",…}`). One record type reads both
//! layouts, coordinates included.

use super::coords::{point, Degrees, Location};
use super::error::GeoDbError;
use super::place::{country_code, GeoKind, Place};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;
use std::path::Path;

/// Largest `.mmdb` opened; it is read whole into memory. Full commercial city editions are a few hundred megabytes.
pub const MMDB_MAX: u64 = 1 << 30;

/// An opened `.mmdb` database.
pub struct MmdbDb {
    reader: maxminddb::Reader<Vec<u8>>,
    kind: GeoKind,
}

impl MmdbDb {
    /// Opens the database at `path`, refusing one that is not a regular file or is larger than [`MMDB_MAX`].
    pub fn open(path: &Path) -> Result<MmdbDb, GeoDbError> {
        let name = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| GeoDbError::io(path, e))?;
        if !meta.is_file() {
            return Err(GeoDbError::NotAFile { path: name });
        }
        if meta.len() > MMDB_MAX {
            return Err(GeoDbError::TooLarge { path: name, size: meta.len(), cap: MMDB_MAX });
        }
        let reader =
            maxminddb::Reader::open_readfile(path).map_err(|source| GeoDbError::Mmdb { path: name, source })?;
        let file_name = path.file_name().unwrap_or_default().to_string_lossy();
        let kind = GeoKind::from_label(&reader.metadata.database_type)
            .or_else(|| GeoKind::from_label(&file_name))
            .unwrap_or(GeoKind::Country);
        Ok(MmdbDb { reader, kind })
    }

    /// What the database is for, from its `database_type` (else its file name).
    pub fn kind(&self) -> GeoKind {
        self.kind
    }

    /// The answer for `ip`; a record that cannot be read is no answer.
    pub fn lookup(&self, ip: IpAddr) -> Option<Place> {
        let record = self.reader.lookup::<Record>(ip).ok()??;
        Some(record.place()).filter(|p| !p.is_empty())
    }
}

/// One record of either layout; fields of the other layout, and every field harrier does not use, are skipped.
#[derive(Debug, Default, Deserialize)]
pub struct Record<'a> {
    /// MaxMind: `{"iso_code":"US","names":{…}}`.
    #[serde(borrow, default)]
    country: Option<Named<'a>>,
    /// ip-location-db: `"US"`.
    #[serde(borrow, default)]
    country_code: Option<Named<'a>>,
    /// MaxMind: `{"names":{"en":"Chicago",…}}`; ip-location-db: `"Chicago"`.
    #[serde(borrow, default)]
    city: Option<Named<'a>>,
    /// Both: a number (some writers use a string such as `AS15169`).
    #[serde(default)]
    autonomous_system_number: Option<AsNumber>,
    /// MaxMind: `{"latitude":41.8,"longitude":-87.6,…}`.
    #[serde(default)]
    location: Option<Location>,
    /// ip-location-db: `"-27.48"` (text or a number).
    #[serde(default)]
    latitude: Option<Degrees>,
    #[serde(default)]
    longitude: Option<Degrees>,
}

impl Record<'_> {
    /// What the record says, in harrier's terms.
    pub fn place(&self) -> Place {
        let country = [&self.country, &self.country_code]
            .into_iter()
            .flatten()
            .find_map(|n| n.iso_code.as_deref().or(n.text.as_deref()).and_then(country_code));
        let city = self
            .city
            .as_ref()
            .and_then(|n| n.english.as_deref().or(n.text.as_deref()))
            .filter(|c| !c.trim().is_empty())
            .map(str::to_string);
        let asn = self.autonomous_system_number.and_then(|a| a.0).filter(|a| *a != 0);
        let coords = match &self.location {
            Some(l) => point(l.latitude, l.longitude),
            None => point(self.latitude, self.longitude),
        };
        Place { country, city, asn, coords }
    }
}

/// A field that is either plain text or a MaxMind map with an `iso_code` and `names`.
#[derive(Debug, Default)]
struct Named<'a> {
    text: Option<Cow<'a, str>>,
    iso_code: Option<Cow<'a, str>>,
    english: Option<Cow<'a, str>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Named<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Named<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name or a map of names")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Named { text: Some(Cow::Borrowed(v)), ..Named::default() })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Named { text: Some(Cow::Owned(v.to_string())), ..Named::default() })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut n = Named::default();
                while let Some(key) = map.next_key::<Text>()? {
                    match key.0.as_ref() {
                        "iso_code" => n.iso_code = map.next_value::<Option<Text>>()?.map(|t| t.0),
                        "names" => n.english = map.next_value::<English>()?.0,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(n)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Text, borrowed from the database when it can be.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// The English entry of a MaxMind `names` map.
struct English<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for English<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = English<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of names by language")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut en = None;
                while let Some(key) = map.next_key::<Text>()? {
                    if key.0 == "en" {
                        en = map.next_value::<Option<Text>>()?.map(|t| t.0);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(English(en))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// An AS number written as a number or as text (`15169`, `"AS15169"`); `None` when it is neither.
#[derive(Debug, Clone, Copy)]
struct AsNumber(Option<u32>);

impl<'de> Deserialize<'de> for AsNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = AsNumber;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an AS number")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(AsNumber(u32::try_from(v).ok()))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
                Ok(AsNumber(u32::try_from(v).ok()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(AsNumber(u32::try_from(v).ok()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                let digits = v.trim().trim_start_matches("AS").trim_start_matches("as");
                Ok(AsNumber(digits.parse().ok()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(json: &str) -> Place {
        serde_json::from_str::<Record>(json).unwrap().place()
    }

    #[test]
    fn maxmind_city_and_asn_records() {
        let city = r#"{"city":{"geoname_id":4887398,"names":{"de":"Chicago","en":"Chicago"}},
            "continent":{"code":"NA"},"country":{"geoname_id":6252001,"iso_code":"US","names":{"en":"United States"}},
            "location":{"latitude":41.8,"longitude":-87.6},"subdivisions":[{"iso_code":"IL"}]}"#;
        let chicago = Place {
            country: Some("US".into()),
            city: Some("Chicago".into()),
            asn: None,
            coords: super::super::coords::Coords::new(41.8, -87.6),
        };
        assert_eq!(place(city), chicago);
        let asn = r#"{"autonomous_system_number":15169,"autonomous_system_organization":"GOOGLE"}"#;
        assert_eq!(place(asn), Place { asn: Some(15169), ..Place::default() });
    }

    #[test]
    fn ip_location_db_country_asn_and_city_records() {
        assert_eq!(place(r#"{"country_code":"nl"}"#).country.as_deref(), Some("NL"));
        let asn = r#"{"autonomous_system_number":13335,"autonomous_system_organization":"CLOUDFLARENET"}"#;
        assert_eq!(place(asn).asn, Some(13335));
        let city = r#"{"city":"South Brisbane","country_code":"AU","latitude":"-27.48","longitude":"153.02",
            "postcode":"","state1":"Queensland","state2":"","timezone":""}"#;
        let brisbane = Place {
            country: Some("AU".into()),
            city: Some("South Brisbane".into()),
            asn: None,
            coords: super::super::coords::Coords::new(-27.48, 153.02),
        };
        assert_eq!(place(city), brisbane);
    }

    #[test]
    fn odd_values_are_no_answer_rather_than_an_error() {
        assert_eq!(place(r#"{"autonomous_system_number":"AS64500"}"#).asn, Some(64500));
        assert_eq!(place(r#"{"autonomous_system_number":0}"#).asn, None);
        assert_eq!(place(r#"{"autonomous_system_number":-3}"#).asn, None);
        assert_eq!(place(r#"{"country_code":"ZZZ","city":""}"#), Place::default());
        assert_eq!(place(r#"{"country":{"names":{"en":"Nowhere"}}}"#), Place::default());
        assert_eq!(place(r#"{"country":null,"city":null}"#), Place::default());
    }
}
