//! Where a sign-in came from: address, country and city, and autonomous system.

use crate::enrich::ip::parse_ip;
use crate::ingest::normalize::fields::Rec;
use crate::model::Network;

/// The sign-in's address (or the envelope's caller address), its location and its AS number.
pub(super) fn network(r: &Rec, envelope: &Rec) -> Network {
    let ip_text = r.text(&["ipAddress", "IPAddress", "IP address"]).or_else(|| envelope.text(&["callerIpAddress"]));
    let mut net = Network::default();
    if let Some((ip, port)) = ip_text.as_deref().and_then(parse_ip) {
        net.ip = Some(ip);
        net.port = port;
    }
    if let Some(loc) = r.object(&["location", "LocationDetails", "LocationDetails_dynamic", "LocationDetails_string"]) {
        net.country = loc.text("countryOrRegion").map(|c| c.to_ascii_uppercase());
        net.city = loc.text("city");
        let lat = loc.number_at(&["geoCoordinates", "latitude"]);
        let lon = loc.number_at(&["geoCoordinates", "longitude"]);
        // Entra writes 0, 0 (or nothing) when it could not place the address.
        if let (Some(lat), Some(lon)) = (lat, lon) {
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) && (lat != 0.0 || lon != 0.0) {
                net.latitude = Some(lat);
                net.longitude = Some(lon);
            }
        }
    }
    if net.country.is_none() {
        location_from_text(r, &mut net);
    }
    net.asn = r
        .int(&["autonomousSystemNumber", "AutonomousSystemNumber", "Autonomous system number"])
        .filter(|n| *n > 0 && *n < u32::MAX as i64)
        .map(|n| n as u32);
    net
}

/// Country and city from a `Location` text: portal CSV's "City, State, CC", or a Log Analytics country code.
fn location_from_text(r: &Rec, net: &mut Network) {
    if let Some(l) = r.text(&["Location"]) {
        let last = l.rsplit(',').next().unwrap_or("").trim().to_string();
        if last.len() == 2 && last.chars().all(|c| c.is_ascii_alphabetic()) {
            net.country = Some(last.to_ascii_uppercase());
            if l.contains(',') {
                net.city = l.split(',').next().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
            }
        }
    }
}
