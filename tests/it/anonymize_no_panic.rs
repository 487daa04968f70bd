//! The anonymiser never panics on arbitrary bytes: not in the rewriter, not on whole files of garbage (plain,
//! gzip-looking, zip-looking, UTF-16-looking), and every file is either written or reported.

use harrier::anonymize::mapping::{Boundary, Mapping, Pair, ValueKind};
use harrier::anonymize::replacer::{Replacer, Tally};
use harrier::anonymize::rewrite::rewrite_stream;
use harrier::anonymize::{anonymize, Options};
use proptest::prelude::*;

fn replacer() -> Replacer {
    let pair = |kind, o: &str, r: &str, boundary, ci| Pair {
        kind,
        original: o.into(),
        replacement: r.into(),
        boundary,
        case_insensitive: ci,
    };
    let mapping = Mapping {
        pairs: vec![
            pair(ValueKind::Ip, "10.0.0.1", "10.7.7.7", Boundary::Ipv4, true),
            pair(ValueKind::Upn, "a@b.c", "x@y.z", Boundary::Email, true),
            pair(ValueKind::DisplayName, "Zoë \"Z\"", "Ann", Boundary::Word, false),
            pair(ValueKind::TenantId, "11111111-2222-3333-4444-555555555555", "9", Boundary::Guid, true),
        ],
    };
    Replacer::new(&mapping, 7)
}

fn prefixes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        Just(vec![0x1f, 0x8b]),
        Just(b"PK\x03\x04".to_vec()),
        Just(vec![0xFF, 0xFE]),
        Just(vec![0xFE, 0xFF]),
        Just(vec![0xEF, 0xBB, 0xBF]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn rewriter_never_panics(prefix in prefixes(), body in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let r = replacer();
        let mut input = prefix.clone();
        input.extend_from_slice(&body);
        let mut out = Vec::new();
        let _ = rewrite_stream(Box::new(&input[..]), &mut out, &r, &mut Tally::default());
        let plain = r.rewrite_bytes(&body, &mut Tally::default());
        // Text without any original comes back byte for byte.
        if !body.windows(3).any(|w| w == b"10." || w == b"a@b" || w == b"Zo\xc3" || w == b"111") && !body.contains(&b'/') && !body.contains(&b'-') && !body.contains(&b'.') {
            prop_assert_eq!(plain, body.clone());
        }
        let _ = r.rewrite_name(&String::from_utf8_lossy(&body));
    }

    #[test]
    fn whole_case_of_garbage_is_reported_not_fatal(prefix in prefixes(), body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let case = tempfile::tempdir().unwrap();
        let mut bytes = prefix;
        bytes.extend_from_slice(&body);
        std::fs::write(case.path().join("export.json"), &bytes).unwrap();
        std::fs::write(case.path().join("case.toml"), &body).unwrap();
        let out = tempfile::tempdir().unwrap();
        let report = anonymize(case.path(), out.path(), &Options::default()).unwrap();
        prop_assert_eq!(report.files.len(), 2);
        for f in &report.files {
            prop_assert!(f.written || !f.problems.is_empty());
        }
    }
}
