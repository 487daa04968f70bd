//! One spelling per address, so the same client is one symbol however the export wrote it.

use std::net::IpAddr;

/// The address without port, IPv4-mapped IPv6 shown as IPv4.
pub fn canonical_ip(ip: &IpAddr) -> String {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => v6.to_string(),
        },
        IpAddr::V4(v4) => v4.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapped_addresses_print_as_ipv4() {
        let ip: IpAddr = "::ffff:203.0.113.5".parse().unwrap();
        assert_eq!(canonical_ip(&ip), "203.0.113.5");
    }
}
