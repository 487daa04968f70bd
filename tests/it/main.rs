//! Integration tests, in one binary so the crate and tantivy are linked once. One module per area.

mod common;
mod shared;

mod analytics_cases;
mod anonymize_cases;
mod anonymize_no_panic;
mod anonymize_shapes;
mod bec_cases;
mod bench_cli;
mod case_state;
mod cli_usage;
mod demo_first_frame;
mod detect_cli;
mod exercise_cases;
mod exercise_tui;
mod facts_snapshots;
mod gen_determinism;
mod gen_records;
mod gen_sample_cases;
mod geoip;
mod hostile_case;
mod index_paging;
mod ingest_no_panic;
mod ingest_real_fixtures;
mod ingest_shapes;
mod labelled_corpus;
mod layout;
mod report_export;
mod runbook_assets;
mod runbook_pivots;
mod sample_cases_ingest;
mod tui_casework;
mod tui_screens;
mod tui_tmux;
