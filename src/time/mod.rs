//! Times as the analyst reads and types them: shown in a chosen zone with the zone named, parsed from the forms
//! `--from` / `--to` accept.

pub mod format;
