//! `harrier detect` as a responder runs it: a process of its own on the benchmark's case, timed whole (start-up,
//! opening the index, the analytics, writing the JSON) with its own peak memory. The in-process figures cannot
//! give that peak: by the time detect runs, ingest has already raised the benchmark process's.

use serde::Serialize;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The figures of one `detect` process.
#[derive(Debug, Clone, Serialize)]
pub struct DetectProcess {
    /// From start to exit, s.
    pub wall_s: f64,
    /// Peak resident memory of the process, MB (where `/proc` tells it).
    pub peak_rss_mb: Option<f64>,
}

/// Runs `harrier -q detect CASE --format json` (this same executable) and measures it.
pub fn run(case: &Path) -> anyhow::Result<DetectProcess> {
    let exe = std::env::current_exe()?;
    let started = Instant::now();
    let child = Command::new(exe)
        .args(["-q", "detect"])
        .arg(case)
        .args(["--format", "json"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let (ok, peak_rss_mb) = wait_with_peak(child)?;
    let wall_s = started.elapsed().as_secs_f64();
    anyhow::ensure!(ok, "`harrier detect` on the benchmark case failed");
    Ok(DetectProcess { wall_s, peak_rss_mb })
}

/// Waits for `child`; whether it succeeded, and its peak resident memory where the platform reports it. The peak
/// is the kernel's high-water mark of the child's own memory (`VmHWM`), read every few milliseconds until it exits:
/// the resource usage `wait` reports would also count the memory of this process, which the child started as a
/// copy of.
fn wait_with_peak(mut child: std::process::Child) -> anyhow::Result<(bool, Option<f64>)> {
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak: Option<f64> = None;
    loop {
        if let Some(mb) = super::bench::peak_rss_mb_of(&status_file) {
            peak = Some(peak.unwrap_or(0.0).max(mb));
        }
        if let Some(status) = child.try_wait()? {
            return Ok((status.success(), peak));
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}
