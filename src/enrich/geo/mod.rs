//! GeoIP databases the responder supplies (MaxMind `.mmdb`, and the `.mmdb` and CSV files of the ip-location-db
//! project), used to place the addresses the logs themselves did not locate. Each database counts the events it
//! answered for, so the ledger can say which one located what. City databases also give coordinates, which
//! place sign-ins on the map for impossible-travel when the logs carry none.

pub mod coords;
pub mod csv_db;
pub mod error;
pub mod mmdb;
pub mod place;
pub mod range_table;
pub mod sources;

pub use error::GeoDbError;
pub use place::{GeoKind, Place};

use crate::model::Event;
use csv_db::CsvDb;
use mmdb::MmdbDb;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The opened databases, in the order they are asked.
#[derive(Default)]
pub struct GeoDb {
    databases: Vec<Database>,
}

/// One opened database and how many events it has answered for since its count was last taken.
struct Database {
    label: String,
    kind: GeoKind,
    reader: Reader,
    answered: AtomicU64,
}

enum Reader {
    Mmdb(MmdbDb),
    Csv(CsvDb),
}

impl Database {
    fn lookup(&self, ip: IpAddr) -> Option<Place> {
        match &self.reader {
            Reader::Mmdb(m) => m.lookup(ip),
            Reader::Csv(c) => c.lookup(ip).cloned(),
        }
    }
}

impl GeoDb {
    /// Opens each file: `.csv` as a CSV range table, anything else as a MaxMind DB. A file that cannot be used is
    /// an error naming it. Earlier files are asked first.
    pub fn open(paths: &[impl AsRef<Path> + Sync]) -> Result<GeoDb, GeoDbError> {
        let readers: Vec<(Reader, GeoKind)> = paths
            .par_iter()
            .map(|p| {
                let p = p.as_ref();
                let csv = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
                Ok(if csv {
                    let c = CsvDb::open(p)?;
                    let kind = c.kind();
                    (Reader::Csv(c), kind)
                } else {
                    let m = MmdbDb::open(p)?;
                    let kind = m.kind();
                    (Reader::Mmdb(m), kind)
                })
            })
            .collect::<Result<_, GeoDbError>>()?;
        let mut databases: Vec<Database> = Vec::with_capacity(readers.len());
        for (p, (reader, kind)) in paths.iter().zip(readers) {
            let p = p.as_ref();
            let name = p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned());
            // Two databases of one name (from different folders) are told apart by their paths.
            let label = if databases.iter().any(|d| d.label == name) { p.display().to_string() } else { name };
            databases.push(Database { label, kind, reader, answered: AtomicU64::new(0) });
        }
        Ok(GeoDb { databases })
    }

    /// True when no database was given.
    pub fn is_empty(&self) -> bool {
        self.databases.is_empty()
    }

    /// Each database's name (its file name) and kind, in the order they are asked.
    pub fn databases(&self) -> Vec<(String, GeoKind)> {
        self.databases.iter().map(|d| (d.label.clone(), d.kind)).collect()
    }

    /// Fills the country (with its city), the coordinates and the ASN that the logs and the case's own sign-ins did
    /// not give, asking each database in turn until all are known. Coordinates are taken only from a database that
    /// agrees with the country the event already has, and the event names the database that gave them.
    pub fn apply(&self, e: &mut Event) {
        let Some(ip) = e.net.ip else { return };
        for d in &self.databases {
            let placed = e.net.latitude.is_some() && e.net.longitude.is_some();
            if e.net.country.is_some() && e.net.asn.is_some() && placed {
                return;
            }
            let Some(place) = d.lookup(ip) else { continue };
            let mut answered = false;
            if e.net.country.is_none() {
                if let Some(country) = place.country.clone() {
                    e.net.country = Some(country);
                    if e.net.city.is_none() {
                        e.net.city = place.city.clone();
                    }
                    answered = true;
                }
            }
            if !placed && place.country.as_ref().is_none_or(|c| e.net.country.as_ref() == Some(c)) {
                if let Some(c) = place.coords {
                    e.net.latitude = Some(c.latitude());
                    e.net.longitude = Some(c.longitude());
                    e.net.located_by = Some(d.label.clone());
                    if e.net.city.is_none() {
                        e.net.city = place.city.clone();
                    }
                    answered = true;
                }
            }
            if e.net.asn.is_none() && place.asn.is_some() {
                e.net.asn = place.asn;
                answered = true;
            }
            if answered {
                d.answered.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// How many events each database gave a country, coordinates or an ASN to since the last call (databases that gave none are
    /// left out), and starts counting again.
    pub fn take_counts(&self) -> BTreeMap<String, u64> {
        self.databases
            .iter()
            .filter_map(|d| {
                let n = d.answered.swap(0, Ordering::Relaxed);
                (n > 0).then(|| (d.label.clone(), n))
            })
            .collect()
    }
}
