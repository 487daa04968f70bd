//! Facts the case teaches about itself at ingest: where each IP is (from Microsoft's geolocation on
//! sign-ins) and which UPN each user object id belongs to (Graph activity rows carry only the id).

use crate::model::Event;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::IpAddr;

/// Where an IP address is, as a sign-in record located it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct GeoFact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asn: Option<u32>,
    /// Where the sign-in placed the address, in degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

/// Everything learned, persisted in the case state so later ingests enrich the same way.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Learned {
    pub ip_geo: HashMap<IpAddr, GeoFact>,
    pub user_upn: HashMap<String, String>,
}

impl Learned {
    /// Learns from an event: addresses' places and user ids from sign-ins, user ids also from the UAL's copies of
    /// Entra records (for cases without sign-in logs).
    pub fn learn(&mut self, e: &Event) {
        if e.source == Some(crate::model::Source::UalAzureAd) {
            if let (Some(id), Some(upn)) = (e.actor.id.as_ref(), e.actor.upn.as_ref()) {
                if !self.user_upn.contains_key(id) && is_object_id(id) && upn.contains('@') {
                    self.user_upn.insert(id.clone(), upn.clone());
                }
            }
        }
        if !e.source.is_some_and(|s| s.is_signin()) {
            return;
        }
        if let (Some(ip), Some(country)) = (e.net.ip, e.net.country.as_ref()) {
            let fact = self.ip_geo.entry(ip).or_default();
            fact.country = Some(country.clone());
            if e.net.city.is_some() {
                fact.city = e.net.city.clone();
            }
            if e.net.latitude.is_some() && e.net.longitude.is_some() {
                fact.latitude = e.net.latitude;
                fact.longitude = e.net.longitude;
            }
            if e.net.asn.is_some() {
                fact.asn = e.net.asn;
            }
        } else if let (Some(ip), Some(asn)) = (e.net.ip, e.net.asn) {
            self.ip_geo.entry(ip).or_default().asn = Some(asn);
        }
        if let (Some(id), Some(upn)) = (e.actor.id.as_ref(), e.actor.upn.as_ref()) {
            if !self.user_upn.contains_key(id) {
                self.user_upn.insert(id.clone(), upn.clone());
            }
        }
    }

    /// Fills what an event lacks from what was learned.
    pub fn apply(&self, e: &mut Event) {
        if let Some(ip) = e.net.ip {
            if let Some(f) = self.ip_geo.get(&ip) {
                if e.net.country.is_none() {
                    e.net.country = f.country.clone();
                    if e.net.city.is_none() {
                        e.net.city = f.city.clone();
                    }
                    if e.net.latitude.is_none() {
                        e.net.latitude = f.latitude;
                        e.net.longitude = f.longitude;
                    }
                }
                if e.net.asn.is_none() {
                    e.net.asn = f.asn;
                }
            }
        }
        if e.actor.upn.is_none() {
            if let Some(id) = &e.actor.id {
                if let Some(upn) = self.user_upn.get(id) {
                    e.actor.upn = Some(upn.clone());
                }
            }
        }
    }
}

/// True for a GUID-shaped object id (`8-4-4-4-12` hex digits).
pub fn is_object_id(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}
