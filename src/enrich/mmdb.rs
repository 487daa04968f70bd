//! Optional MaxMind GeoIP databases supplied by the user (`--geoip FILE`, City/Country and ASN editions).

use crate::model::Event;
use maxminddb::geoip2;
use std::path::Path;

/// Opened `.mmdb` readers.
#[derive(Default)]
pub struct GeoDb {
    readers: Vec<maxminddb::Reader<Vec<u8>>>,
}

impl GeoDb {
    /// Opens each file; an unreadable one is an error naming it.
    pub fn open(paths: &[impl AsRef<Path>]) -> Result<GeoDb, String> {
        let mut readers = Vec::new();
        for p in paths {
            let p = p.as_ref();
            let r = maxminddb::Reader::open_readfile(p).map_err(|e| format!("GeoIP database {}: {e}", p.display()))?;
            readers.push(r);
        }
        Ok(GeoDb { readers })
    }

    /// True when no database was given.
    pub fn is_empty(&self) -> bool {
        self.readers.is_empty()
    }

    /// Fills country, city and ASN that the logs themselves did not give.
    pub fn apply(&self, e: &mut Event) {
        let Some(ip) = e.net.ip else { return };
        for r in &self.readers {
            if e.net.country.is_none() {
                if let Ok(Some(city)) = r.lookup::<geoip2::City>(ip) {
                    if let Some(code) = city.country.as_ref().and_then(|c| c.iso_code) {
                        e.net.country = Some(code.to_string());
                    }
                    if e.net.city.is_none() {
                        e.net.city = city
                            .city
                            .as_ref()
                            .and_then(|c| c.names.as_ref())
                            .and_then(|n| n.get("en").map(|s| s.to_string()));
                    }
                    if let Some(l) = city.location.as_ref().filter(|_| e.net.latitude.is_none()) {
                        if let (Some(lat), Some(lon)) = (l.latitude, l.longitude) {
                            e.net.latitude = Some(lat);
                            e.net.longitude = Some(lon);
                        }
                    }
                }
            }
            if e.net.asn.is_none() {
                if let Ok(Some(asn)) = r.lookup::<geoip2::Asn>(ip) {
                    e.net.asn = asn.autonomous_system_number;
                }
            }
        }
    }
}
