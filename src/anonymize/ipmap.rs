//! Keyed, prefix-preserving IP address mapping.
//!
//! Each bit of an address is flipped or kept by a keyed pseudo-random function of the bits before it, so two
//! addresses that share their first `k` bits map to two addresses that share exactly their first `k` bits: a /24
//! stays a /24, a /31 stays a /31, and the mapping is a bijection. Private and link-local addresses keep their block
//! prefix (a private address stays private); public IPv4 addresses never land in reserved blocks.

use ipnet::{Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// How many times a public address is re-mapped at most to leave a reserved block (practically never more than 3).
const MAX_WALK: usize = 64;

/// The address blocks the mapping treats specially.
#[derive(Debug, Clone, Default)]
pub struct IpBlocks {
    /// IPv4 blocks whose prefix is kept.
    pub keep_v4: Vec<Ipv4Net>,
    /// IPv4 blocks public addresses must not map into.
    pub avoid_v4: Vec<Ipv4Net>,
    /// IPv6 blocks whose prefix is kept.
    pub keep_v6: Vec<Ipv6Net>,
}

/// Maps addresses under one key; the same key always gives the same mapping.
#[derive(Debug, Clone)]
pub struct IpMapper {
    key: [u8; 32],
    blocks: IpBlocks,
}

impl IpMapper {
    /// A mapper for `seed`; `round` picks another key for the same seed (used to steer clear of collisions).
    pub fn new(seed: u64, round: u32, blocks: IpBlocks) -> Self {
        let mut h = blake3::Hasher::new_derive_key("harrier anonymize ip mapping v1");
        h.update(&seed.to_le_bytes());
        h.update(&round.to_le_bytes());
        IpMapper { key: *h.finalize().as_bytes(), blocks }
    }

    /// The mapped address.
    pub fn map(&self, ip: IpAddr) -> IpAddr {
        match ip {
            IpAddr::V4(v4) => IpAddr::V4(self.map_v4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V6(self.map_v4(v4).to_ipv6_mapped()),
                None => IpAddr::V6(self.map_v6(v6)),
            },
        }
    }

    fn map_v4(&self, ip: Ipv4Addr) -> Ipv4Addr {
        let bits = u32::from(ip) as u128;
        // Addresses inside a kept or reserved block stay inside it, so they never meet the public ones.
        if let Some(net) = self.blocks.keep_v4.iter().chain(&self.blocks.avoid_v4).find(|n| n.contains(&ip)) {
            return Ipv4Addr::from(self.permute(bits, 32, u32::from(net.prefix_len()), 4) as u32);
        }
        let mut out = Ipv4Addr::from(self.permute(bits, 32, 0, 4) as u32);
        for _ in 0..MAX_WALK {
            let reserved = self.blocks.avoid_v4.iter().chain(&self.blocks.keep_v4).any(|n| n.contains(&out));
            if !reserved {
                break;
            }
            out = Ipv4Addr::from(self.permute(u32::from(out) as u128, 32, 0, 4) as u32);
        }
        out
    }

    fn map_v6(&self, ip: Ipv6Addr) -> Ipv6Addr {
        let keep = self.blocks.keep_v6.iter().find(|n| n.contains(&ip)).map(|n| u32::from(n.prefix_len())).unwrap_or(0);
        Ipv6Addr::from(self.permute(u128::from(ip), 128, keep, 6))
    }

    /// Flips bits `keep..width` (counted from the most significant) by a keyed function of the original bits
    /// before each one.
    fn permute(&self, bits: u128, width: u32, keep: u32, family: u8) -> u128 {
        let mut out = bits;
        for i in keep..width {
            let prefix = if i == 0 { 0 } else { bits >> (width - i) };
            let mut h = blake3::Hasher::new_keyed(&self.key);
            h.update(&[family, i as u8]);
            h.update(&prefix.to_le_bytes());
            if h.finalize().as_bytes()[0] & 1 == 1 {
                out ^= 1u128 << (width - 1 - i);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn blocks() -> IpBlocks {
        IpBlocks {
            keep_v4: ["10.0.0.0/8", "192.168.0.0/16"].iter().map(|s| s.parse().unwrap()).collect(),
            avoid_v4: ["0.0.0.0/8", "224.0.0.0/3"].iter().map(|s| s.parse().unwrap()).collect(),
            keep_v6: ["fe80::/10", "2000::/3"].iter().map(|s| s.parse().unwrap()).collect(),
        }
    }

    fn v4(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn common_prefix(a: IpAddr, b: IpAddr) -> u32 {
        match (a, b) {
            (IpAddr::V4(a), IpAddr::V4(b)) => (u32::from(a) ^ u32::from(b)).leading_zeros(),
            (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a) ^ u128::from(b)).leading_zeros(),
            _ => 0,
        }
    }

    #[test]
    fn injective_over_many_addresses() {
        let m = IpMapper::new(7, 0, blocks());
        let mut seen = HashSet::new();
        for a in 0..=255u8 {
            for b in [0u8, 1, 17, 200] {
                let ip = IpAddr::V4(Ipv4Addr::new(a, b, 100, 7));
                assert!(seen.insert(m.map(ip)), "{ip} collides");
            }
        }
        for c in 0..=255u8 {
            let ip = IpAddr::V4(Ipv4Addr::new(198, 51, 100, c));
            assert!(seen.insert(m.map(ip)), "{ip} collides");
        }
    }

    #[test]
    fn deterministic_for_a_seed_and_different_across_seeds() {
        let a = IpMapper::new(42, 0, blocks());
        let b = IpMapper::new(42, 0, blocks());
        let c = IpMapper::new(43, 0, blocks());
        let ip = v4("203.0.113.45");
        assert_eq!(a.map(ip), b.map(ip));
        assert_ne!(a.map(ip), c.map(ip));
        assert_ne!(a.map(ip), ip);
    }

    #[test]
    fn shared_prefixes_are_kept() {
        let m = IpMapper::new(1, 0, blocks());
        let pairs =
            [("198.51.100.10", "198.51.100.11"), ("198.51.100.10", "198.51.100.150"), ("203.0.113.5", "203.0.9.5")];
        for (x, y) in pairs {
            let (x, y) = (v4(x), v4(y));
            let (mx, my) = (m.map(x), m.map(y));
            assert_eq!(common_prefix(mx, my), common_prefix(x, y), "{x} {y} → {mx} {my}");
        }
        let (x, y): (IpAddr, IpAddr) = ("2001:db8:1:2::1".parse().unwrap(), "2001:db8:1:2::ffff".parse().unwrap());
        assert_eq!(common_prefix(m.map(x), m.map(y)), common_prefix(x, y));
    }

    #[test]
    fn private_stays_private_and_public_stays_public() {
        let m = IpMapper::new(3, 0, blocks());
        let ten: Ipv4Net = "10.0.0.0/8".parse().unwrap();
        for i in 1..200u8 {
            let IpAddr::V4(out) = m.map(IpAddr::V4(Ipv4Addr::new(10, i, 3, 4))) else { panic!("family changed") };
            assert!(ten.contains(&out));
            if i == 10 {
                continue;
            }
            let IpAddr::V4(out) = m.map(IpAddr::V4(Ipv4Addr::new(i, 9, 3, 4))) else { panic!("family changed") };
            assert!(out.octets()[0] < 224 && out.octets()[0] != 0 && !ten.contains(&out), "{out}");
        }
        let IpAddr::V6(out) = m.map("2a02:cf40:add:4002::1".parse().unwrap()) else { panic!("family changed") };
        assert_eq!(out.segments()[0] >> 13, 0b001);
    }

    #[test]
    fn ipv4_mapped_ipv6_follows_ipv4() {
        let m = IpMapper::new(5, 0, blocks());
        let IpAddr::V4(plain) = m.map(v4("198.51.100.7")) else { panic!("family changed") };
        assert_eq!(m.map("::ffff:198.51.100.7".parse().unwrap()), IpAddr::V6(plain.to_ipv6_mapped()));
    }
}
