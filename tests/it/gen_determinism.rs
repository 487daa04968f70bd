//! The same seed gives byte-identical cases; a different seed gives a different case.

use harrier::gen::{generate, GenOptions, Scenario, ShapeFamily};
use std::collections::BTreeMap;
use std::path::Path;

fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(
                    path.strip_prefix(root).unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    out
}

/// Items every scenario plants: ten from the stories, one per native detection from the pack.
const PLANTED: usize = 10 + harrier::gen::activity::scenarios::ACTS.len();

fn small(seed: u64) -> GenOptions {
    GenOptions { seed, users: 10, days: 9, scenarios: Scenario::ALL.into_iter().collect(), ..GenOptions::default() }
}

#[test]
fn gen_same_seed_same_bytes_different_seed_different_bytes() {
    let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generate(&small(11), a.path()).unwrap();
    generate(&small(11), b.path()).unwrap();
    generate(&small(12), c.path()).unwrap();
    let (sa, sb, sc) = (snapshot(a.path()), snapshot(b.path()), snapshot(c.path()));
    assert!(sa.len() > 10, "expected a full case, got {} files", sa.len());
    assert_eq!(sa, sb, "same seed must give byte-identical output");
    let key_a = &sa["answer-key.json"];
    let key_c = &sc["answer-key.json"];
    assert_ne!(key_a, key_c, "a different seed must give a different tenant");
    let differing = sa.iter().filter(|(k, v)| sc.get(*k) != Some(*v)).count();
    assert!(differing >= sa.len() / 2, "only {differing} of {} files differ between seeds", sa.len());
}

#[test]
fn gen_every_shape_family_and_scale_mode_generate() {
    for family in ShapeFamily::ALL {
        let dir = tempfile::tempdir().unwrap();
        let opts = GenOptions { shapes: family, ..small(3) };
        let s = generate(&opts, dir.path()).unwrap();
        assert!(s.records > 500, "{}: only {} records", family.name(), s.records);
        assert_eq!(s.planted, PLANTED, "{}: planted items", family.name());
    }
    let dir = tempfile::tempdir().unwrap();
    let opts = GenOptions { scale: Some(30_000), days: 10, ..small(5) };
    let s = generate(&opts, dir.path()).unwrap();
    assert!((20_000..45_000).contains(&s.records), "scale mode wrote {} records for a 30000 target", s.records);
    assert_eq!(s.planted, PLANTED);
}

#[test]
fn gen_bad_options_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    for opts in [
        GenOptions { users: 3, ..GenOptions::default() },
        GenOptions { days: 0, ..GenOptions::default() },
        GenOptions { timezone: "Mars/Olympus".into(), ..GenOptions::default() },
        GenOptions { org: Some("nowhere".into()), ..GenOptions::default() },
    ] {
        let err = generate(&opts, dir.path()).unwrap_err().to_string();
        assert!(err.starts_with("invalid options"), "{err}");
    }
}

#[test]
fn gen_a_varied_context_gives_the_same_bytes_again_and_the_classic_one_is_untouched() {
    use harrier::gen::context::{Addresses, Context, IdForm, LogSource};
    let context = Context {
        history: Some(4),
        addresses: Addresses::Unseen,
        habits: true,
        without: [LogSource::Graph].into_iter().collect(),
        allow_by: Some(IdForm::DisplayName),
    };
    let opts = GenOptions { days: Context::days_for(4), context, ..small(21) };
    let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generate(&opts, a.path()).unwrap();
    generate(&opts, b.path()).unwrap();
    assert_eq!(snapshot(a.path()), snapshot(b.path()), "the same context must give byte-identical output");
    generate(&GenOptions { days: opts.days, ..small(21) }, c.path()).unwrap();
    let classic = String::from_utf8(snapshot(c.path())["answer-key.json"].clone()).unwrap();
    assert!(!classic.contains("\"context\"") && !classic.contains("\"allowed\""), "classic keys stay as they were");
    let bad = GenOptions { days: 5, context: Context { history: Some(30), ..Context::default() }, ..small(21) };
    let err = generate(&bad, a.path()).unwrap_err().to_string();
    assert!(err.contains("history of 30 days needs at least 36 days"), "{err}");
}
