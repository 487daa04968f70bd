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
    /// Peak resident memory of the process, MB (Linux).
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

/// Waits for `child`; whether it succeeded, and its peak resident memory where the platform reports it.
#[cfg(target_os = "linux")]
fn wait_with_peak(child: std::process::Child) -> anyhow::Result<(bool, Option<f64>)> {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; `pid` is our own child, not yet waited for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    anyhow::ensure!(waited == pid, "waiting for `harrier detect`: {}", std::io::Error::last_os_error());
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // Linux reports the peak in kilobytes.
    Ok((ok, Some(usage.ru_maxrss as f64 / 1024.0)))
}

#[cfg(not(target_os = "linux"))]
fn wait_with_peak(mut child: std::process::Child) -> anyhow::Result<(bool, Option<f64>)> {
    Ok((child.wait()?.success(), None))
}
