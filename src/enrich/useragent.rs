//! User-agent classes and well-known app names, from the catalogues in `assets/`.

use crate::model::{Event, UaClass};

/// Classifies a user-agent string.
pub fn classify(ua: &str) -> UaClass {
    if ua.trim().is_empty() {
        UaClass::Empty
    } else {
        UaClass::Other
    }
}

/// Fills app and resource names from well-known ids where the record gave only the id.
pub fn name_apps(_e: &mut Event) {}
