//! The sample cases shipped in `sample-cases/`, each fixed by its options (and so reproducible byte for byte).

use super::options::{GenOptions, Scenario};

/// `(folder name, options)` of every shipped sample case.
pub fn sample_cases() -> Vec<(&'static str, GenOptions)> {
    let base = GenOptions { users: 11, days: 14, ..GenOptions::default() };
    vec![
        (
            "demo",
            GenOptions {
                seed: 20260302,
                org: Some("northwind".into()),
                scenarios: Scenario::FIVE.into_iter().collect(),
                ..base.clone()
            },
        ),
        (
            "bec",
            GenOptions {
                seed: 4242,
                org: Some("fabrikam".into()),
                scenarios: [Scenario::Bec].into_iter().collect(),
                ..base.clone()
            },
        ),
        ("quiet", GenOptions { seed: 777, org: Some("tailspin".into()), scenarios: Default::default(), ..base }),
    ]
}
