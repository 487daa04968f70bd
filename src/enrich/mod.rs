//! Enrichment at ingest: IP parsing, geography learned from the case's own sign-ins (or a user-supplied
//! GeoIP databases), user-agent classes and names of well-known Microsoft apps.

pub mod geo;
pub mod ip;
pub mod learned;
pub mod useragent;

use crate::model::Event;

/// Applies everything enrichment knows to one event.
pub fn enrich(e: &mut Event, learned: &learned::Learned, geo: &geo::GeoDb) {
    learned.apply(e);
    if !geo.is_empty() {
        geo.apply(e);
    }
    e.ua_class = useragent::classify(e.user_agent.as_deref().unwrap_or(""));
    useragent::name_apps(e);
}
