//! Where a city database puts an address on the map: latitude and longitude, kept to five decimals (about a
//! metre) so that equal answers compare equal and a CSV database can share one answer between many ranges.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

/// A point on the map, in hundred-thousandths of a degree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Coords {
    lat: i32,
    lon: i32,
}

impl Coords {
    /// The point at `lat`, `lon` degrees; `None` outside the map, or at 0,0, which databases write for "unknown".
    pub fn new(lat: f64, lon: f64) -> Option<Coords> {
        let on_map = lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0;
        let unknown = lat == 0.0 && lon == 0.0;
        (on_map && !unknown).then(|| Coords { lat: (lat * 1e5).round() as i32, lon: (lon * 1e5).round() as i32 })
    }

    /// Latitude in degrees.
    pub fn latitude(self) -> f64 {
        f64::from(self.lat) / 1e5
    }

    /// Longitude in degrees.
    pub fn longitude(self) -> f64 {
        f64::from(self.lon) / 1e5
    }
}

/// Degrees written as a number or as text (`-27.48`); `None` when it is neither.
#[derive(Debug, Clone, Copy, Default)]
pub struct Degrees(pub Option<f64>);

impl<'de> Deserialize<'de> for Degrees {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Degrees;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("degrees")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Degrees(Some(v)))
            }
            fn visit_f32<E: de::Error>(self, v: f32) -> Result<Self::Value, E> {
                Ok(Degrees(Some(f64::from(v))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Degrees(Some(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Degrees(Some(v as f64)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Degrees(v.trim().parse().ok()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Degrees(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// MaxMind's `location` map; its other entries (accuracy radius, time zone) are skipped.
#[derive(Debug, Default, Deserialize)]
pub struct Location {
    #[serde(default)]
    pub latitude: Option<Degrees>,
    #[serde(default)]
    pub longitude: Option<Degrees>,
}

/// The point two degree values give, when both are there and on the map.
pub fn point(lat: Option<Degrees>, lon: Option<Degrees>) -> Option<Coords> {
    Coords::new(lat?.0?, lon?.0?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_on_the_map_round_to_five_decimals_and_others_are_none() {
        let p = Coords::new(41.878113, -87.629799).unwrap();
        assert_eq!((p.latitude(), p.longitude()), (41.87811, -87.6298));
        assert!(Coords::new(91.0, 0.5).is_none());
        assert!(Coords::new(10.0, f64::NAN).is_none());
        assert!(Coords::new(0.0, 0.0).is_none(), "0,0 means the database does not know");
        let l: Location = serde_json::from_str(r#"{"latitude":"-27.48","longitude":153.02,"time_zone":"x"}"#).unwrap();
        assert_eq!(point(l.latitude, l.longitude), Coords::new(-27.48, 153.02));
        let bad: Location = serde_json::from_str(r#"{"latitude":"north","longitude":1}"#).unwrap();
        assert!(point(bad.latitude, bad.longitude).is_none());
    }
}
