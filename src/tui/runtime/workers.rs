//! The two worker threads that run jobs: quick ones (pages, lookups, saves) on one, counting jobs and exports on
//! the other so paging never waits behind them. Queued jobs of one kind collapse to the latest.

use super::context::JobContext;
use super::jobs::execute;
use crate::tui::update::action::Action;
use crate::tui::update::job::{CaseJob, Job};
use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;

/// Sends each job to its worker: counting jobs to their own, so paging never waits behind them.
pub(crate) struct Workers {
    quick: Sender<Job>,
    scan: Sender<Job>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Workers {
    /// Starts the two worker threads on `ctx`; finished jobs come back on the receiver as actions.
    pub(crate) fn spawn(ctx: Arc<JobContext>) -> (Workers, Receiver<Action>) {
        let (quick_tx, quick_rx) = crossbeam_channel::unbounded();
        let (scan_tx, scan_rx) = crossbeam_channel::unbounded();
        let (res_tx, res_rx) = crossbeam_channel::unbounded();
        let quick = spawn_worker(ctx.clone(), quick_rx, res_tx.clone());
        let scan = spawn_worker(ctx, scan_rx, res_tx);
        (Workers { quick: quick_tx, scan: scan_tx, threads: vec![quick, scan] }, res_rx)
    }

    /// Closes the queues and waits for the workers to finish what they run.
    pub(crate) fn join(self) {
        let Workers { quick, scan, threads } = self;
        drop(quick);
        drop(scan);
        for t in threads {
            let _ = t.join();
        }
    }

    /// Queues `job` on the worker for its kind.
    pub(crate) fn send(&self, job: Job) -> anyhow::Result<()> {
        if is_scan(&job) {
            self.scan.send(job)?;
        } else {
            self.quick.send(job)?;
        }
        Ok(())
    }
}

/// Jobs of the same slot replace each other when queued: only the latest runs. Writes of case work have
/// none: every one of them runs, in order.
fn slot(job: &Job) -> Option<u8> {
    Some(match job {
        Job::LoadOverview { .. } => 0,
        Job::LoadPage { .. } => 1,
        Job::LoadHistogram { .. } => 2,
        Job::LoadRaw { .. } => 3,
        Job::LoadStats { .. } => 4,
        Job::LoadEntityFacts { .. } => 5,
        Job::FindMatch { .. } => 6,
        Job::LookupEvents { .. } => 7,
        Job::SaveHistory { .. } => 8,
        Job::LoadRuleText { .. } => 9,
        Job::Case(_) => return None,
    })
}

/// Counting jobs and exports read many events and run on their own worker so scrolling never waits for them.
fn is_scan(job: &Job) -> bool {
    matches!(job, Job::LoadStats { .. } | Job::Case(CaseJob::Export { .. }))
}

/// A worker thread: takes jobs, keeps only the latest of each kind when several are queued, sends results back.
fn spawn_worker(ctx: Arc<JobContext>, jobs: Receiver<Job>, results: Sender<Action>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while let Ok(first) = jobs.recv() {
            let mut batch = vec![first];
            batch.extend(jobs.try_iter());
            let mut latest: Vec<Job> = Vec::new();
            for job in batch {
                if slot(&job).is_some() {
                    latest.retain(|j| slot(j) != slot(&job));
                }
                latest.push(job);
            }
            for job in latest {
                if results.send(execute(&ctx, job)).is_err() {
                    return;
                }
            }
        }
    })
}
