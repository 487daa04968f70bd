//! Measurements behind `harrier bench`: generating a case of a given size and timing ingest, paging and detection.

pub mod bench;
pub mod bench_archive;
pub mod bench_detect_process;
pub mod bench_sigma;
