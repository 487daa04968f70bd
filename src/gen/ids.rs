//! Deterministic randomness and Microsoft-shaped identifiers.
//!
//! Every stream of randomness is derived from the seed and a few labels (day, user, purpose), so a part of the
//! case can change without shifting every other value, and the same seed always gives the same bytes.

use base64::Engine;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The random generator used everywhere in the generator.
pub type GenRng = ChaCha8Rng;

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A stable 64-bit label for a purpose name (FNV-1a).
pub fn label(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// A choice among `n` ways of doing something (`0..n`), fixed by the case seed and a label: the same seed always
/// plants the same variant, other seeds plant others.
pub fn pick(seed: u64, label_text: &str, n: usize) -> usize {
    (splitmix(seed ^ label(label_text)) % n.max(1) as u64) as usize
}

/// A generator for one stream, keyed by the case seed and any number of labels.
pub fn stream(seed: u64, parts: &[u64]) -> GenRng {
    let mut h = splitmix(seed);
    for p in parts {
        h = splitmix(h ^ *p);
    }
    GenRng::seed_from_u64(h)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn format_guid(b: &[u8; 16]) -> String {
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(HEX[(byte >> 4) as usize] as char);
        s.push(HEX[(byte & 15) as usize] as char);
    }
    s
}

/// A random version-4 GUID in lower case, as Entra writes object ids.
pub fn guid(rng: &mut GenRng) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    format_guid(&b)
}

/// A sign-in request id: a GUID whose last byte is zero, like the ids Entra gives token requests.
pub fn request_id(rng: &mut GenRng) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    b[15] = 0;
    format_guid(&b)
}

/// The `uniqueTokenIdentifier` Entra derives from a request id: the GUID's bytes in .NET order, base64url, unpadded.
pub fn unique_token_id(request_id: &str) -> String {
    let hex: String = request_id.chars().filter(|c| *c != '-').collect();
    let mut raw = [0u8; 16];
    for (i, slot) in raw.iter_mut().enumerate() {
        *slot = u8::from_str_radix(hex.get(i * 2..i * 2 + 2).unwrap_or("00"), 16).unwrap_or(0);
    }
    let mut net = [0u8; 16];
    net[0..4].copy_from_slice(&[raw[3], raw[2], raw[1], raw[0]]);
    net[4..6].copy_from_slice(&[raw[5], raw[4]]);
    net[6..8].copy_from_slice(&[raw[7], raw[6]]);
    net[8..16].copy_from_slice(&raw[8..16]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(net)
}

/// A directory audit id: `Directory_<correlation>_<5 chars>_<8 digits>`.
pub fn audit_id(rng: &mut GenRng, correlation: &str) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let tag: String = (0..5).map(|_| ALNUM[rng.random_range(0..ALNUM.len())] as char).collect();
    format!("Directory_{correlation}_{tag}_{:08}", rng.random_range(0..100_000_000u32))
}

/// Upper-case hex of `n` random bytes (thumbprints, SIDs parts).
pub fn hex_upper(rng: &mut GenRng, n: usize) -> String {
    (0..n).map(|_| format!("{:02X}", rng.random::<u8>())).collect()
}

/// A Windows security identifier in the shape Exchange gives mailbox owners.
pub fn sid(rng: &mut GenRng) -> String {
    format!(
        "S-1-5-21-{}-{}-{}-{}",
        rng.random_range(1_000_000_000u64..4_000_000_000),
        rng.random_range(1_000_000_000u64..4_000_000_000),
        rng.random_range(1_000_000_000u64..4_000_000_000),
        rng.random_range(1_000_000u64..99_999_999)
    )
}

/// An Exchange `InternetMessageId`.
pub fn message_id(rng: &mut GenRng, host: &str) -> String {
    format!("<{}@{}>", hex_upper(rng, 12), host.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_token_id_matches_entra_derivation() {
        // A request id and its uniqueTokenIdentifier as they appear together in a real sign-in record.
        assert_eq!(unique_token_id("da1ddc45-4554-42e1-818a-7ee252f37c00"), "Rdwd2lRF4UKBin7iUvN8AA");
        assert_eq!(unique_token_id("0c532507-b101-4090-b2f1-4d768e2f3500"), "ByVTDAGxkECy8U12ji81AA");
    }

    #[test]
    fn streams_are_stable_and_distinct() {
        let a = guid(&mut stream(7, &[1, 2]));
        assert_eq!(a, guid(&mut stream(7, &[1, 2])));
        assert_ne!(a, guid(&mut stream(7, &[2, 1])));
        assert_ne!(a, guid(&mut stream(8, &[1, 2])));
        assert!(request_id(&mut stream(1, &[])).ends_with("00"));
    }
}
