//! The keys facts are found under, normalised the way events are: lower-case UPNs and ids, and mailbox keys that
//! every form of one mailbox shares.

/// The key of a user named by UPN or object id.
pub fn user(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The key of a mailbox named by address, alias, object path or X.500 address.
pub fn mailbox(name: &str) -> String {
    crate::model::mailbox::mailbox_key(name)
}
