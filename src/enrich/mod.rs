//! Enrichment at ingest: IP parsing, geography learned from the case's own sign-ins, user-agent classes.

pub mod ip;
