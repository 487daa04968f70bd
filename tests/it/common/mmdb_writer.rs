//! Writes tiny MaxMind DB (`.mmdb`) files for tests, following the published format: a binary search tree of
//! 24-bit records, sixteen zero bytes, the data section, then the metadata after its marker.

use std::net::IpAddr;

/// A value of the MaxMind DB data section.
pub enum Value {
    Text(String),
    /// A 64-bit float, as MaxMind writes coordinates.
    Double(f64),
    U16(u16),
    U32(u32),
    U64(u64),
    Map(Vec<(String, Value)>),
    Array(Vec<Value>),
}

/// Shorthand for a map value.
pub fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::Map(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// Shorthand for a text value.
pub fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn control(out: &mut Vec<u8>, kind: u8, size: usize) {
    let (first, extra): (u8, Vec<u8>) = match size {
        0..=28 => (size as u8, vec![]),
        29..=284 => (29, vec![(size - 29) as u8]),
        _ => (30, ((size - 285) as u16).to_be_bytes().to_vec()),
    };
    if kind <= 7 {
        out.push((kind << 5) | first);
    } else {
        out.push(first);
        out.push(kind - 7);
    }
    out.extend(extra);
}

fn unsigned(out: &mut Vec<u8>, kind: u8, v: u64) {
    let bytes = v.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    control(out, kind, 8 - skip);
    out.extend(&bytes[skip..]);
}

/// Appends the encoding of `v`.
pub fn encode(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Text(s) => {
            control(out, 2, s.len());
            out.extend(s.as_bytes());
        }
        Value::Double(d) => {
            control(out, 3, 8);
            out.extend(d.to_be_bytes());
        }
        Value::U16(n) => unsigned(out, 5, u64::from(*n)),
        Value::U32(n) => unsigned(out, 6, u64::from(*n)),
        Value::U64(n) => unsigned(out, 9, *n),
        Value::Map(entries) => {
            control(out, 7, entries.len());
            for (k, v) in entries {
                encode(out, &Value::Text(k.clone()));
                encode(out, v);
            }
        }
        Value::Array(items) => {
            control(out, 11, items.len());
            for v in items {
                encode(out, v);
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Slot {
    Empty,
    Node(usize),
    Data(usize),
}

/// A database: networks (address, prefix length) each holding a record.
pub fn build(database_type: &str, ip_version: u16, networks: &[(&str, u8, Value)]) -> Vec<u8> {
    let mut data = Vec::new();
    let mut nodes: Vec<[Slot; 2]> = vec![[Slot::Empty; 2]];
    for (addr, prefix, record) in networks {
        let offset = data.len();
        encode(&mut data, record);
        let (bits, len): (u128, usize) = match addr.parse::<IpAddr>().unwrap() {
            IpAddr::V4(a) if ip_version == 4 => (u128::from(u32::from(a)) << 96, usize::from(*prefix)),
            IpAddr::V4(a) => (u128::from(u32::from(a)), 96 + usize::from(*prefix)),
            IpAddr::V6(a) => (u128::from(a), usize::from(*prefix)),
        };
        let mut node = 0;
        for depth in 0..len {
            let bit = ((bits >> (127 - depth)) & 1) as usize;
            if depth + 1 == len {
                nodes[node][bit] = Slot::Data(offset);
            } else {
                node = match nodes[node][bit] {
                    Slot::Node(n) => n,
                    _ => {
                        nodes.push([Slot::Empty; 2]);
                        nodes[node][bit] = Slot::Node(nodes.len() - 1);
                        nodes.len() - 1
                    }
                };
            }
        }
    }
    let count = nodes.len();
    let mut out = Vec::new();
    for pair in &nodes {
        for slot in pair {
            let v = match *slot {
                Slot::Empty => count,
                Slot::Node(n) => n,
                Slot::Data(off) => count + 16 + off,
            };
            out.extend(&(v as u32).to_be_bytes()[1..]);
        }
    }
    out.extend([0u8; 16]);
    out.extend(data);
    out.extend(b"\xab\xcd\xefMaxMind.com");
    let meta = map(vec![
        ("binary_format_major_version", Value::U16(2)),
        ("binary_format_minor_version", Value::U16(0)),
        ("build_epoch", Value::U64(1_700_000_000)),
        ("database_type", text(database_type)),
        ("description", map(vec![("en", text("test database"))])),
        ("ip_version", Value::U16(ip_version)),
        ("languages", Value::Array(vec![text("en")])),
        ("node_count", Value::U32(count as u32)),
        ("record_size", Value::U16(24)),
    ]);
    encode(&mut out, &meta);
    out
}
