//! Parses the IP forms exports carry: ports, brackets, IPv4-mapped IPv6, placeholders.

use std::net::{IpAddr, SocketAddr};

/// Parses `203.0.113.5`, `203.0.113.5:51234`, `[2001:db8::1]:443`, `::ffff:198.51.100.7`; `None` for
/// empty values and placeholders like `<null>` or `Unknown`.
pub fn parse_ip(raw: &str) -> Option<(IpAddr, Option<u16>)> {
    let s = raw.trim();
    if s.is_empty() || s.starts_with('<') || s.eq_ignore_ascii_case("unknown") || s.eq_ignore_ascii_case("null") {
        return None;
    }
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some((canonical(ip), None));
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some((canonical(sa.ip()), Some(sa.port())));
    }
    if let Some(inner) = s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return inner.parse::<IpAddr>().ok().map(|ip| (canonical(ip), None));
    }
    // IPv6 with a zone id (`fe80::1%eth0`).
    if let Some((addr, _zone)) = s.split_once('%') {
        return addr.parse::<IpAddr>().ok().map(|ip| (canonical(ip), None));
    }
    None
}

/// IPv4-mapped IPv6 addresses become plain IPv4 so that both spellings pivot together.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse_ip("203.0.113.5:51234"), Some(("203.0.113.5".parse().unwrap(), Some(51234))));
        assert_eq!(parse_ip("[2001:db8::1]:443"), Some(("2001:db8::1".parse().unwrap(), Some(443))));
        assert_eq!(parse_ip("[2001:db8::1]"), Some(("2001:db8::1".parse().unwrap(), None)));
        assert_eq!(parse_ip("::ffff:198.51.100.7"), Some(("198.51.100.7".parse().unwrap(), None)));
        assert_eq!(parse_ip("2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6").unwrap().1, None);
        assert_eq!(parse_ip("<null>"), None);
        assert_eq!(parse_ip(""), None);
        assert_eq!(parse_ip("not-an-ip"), None);
    }
}
