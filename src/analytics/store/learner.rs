//! Learning the baselines on a thread of their own. The pass's thread interns and keeps touches; profile and
//! prevalence updates are random reads and writes across a large map, and doing them on a second thread, in the
//! order the pass sends them, shortens the pass without changing what it learns.

use super::baselines::{Baselines, Lesson};
use crate::analytics::clock::Clock;
use crossbeam_channel::{bounded, Sender};
use std::thread::JoinHandle;

/// Lessons sent at once.
const BATCH: usize = 4096;
/// Batches waiting for the learning thread; bounds memory to a few tens of thousands of lessons.
const QUEUE: usize = 4;

/// Where lessons go: a learning thread, or (when one cannot be started) the baselines directly.
#[derive(Debug)]
pub(super) enum Learner {
    Thread { batch: Vec<Lesson>, tx: Sender<Vec<Lesson>>, worker: JoinHandle<Baselines> },
    Inline { baselines: Box<Baselines>, clock: Clock },
}

impl Learner {
    /// Starts the learning thread, reading local hours through `clock`.
    pub fn start(clock: Clock) -> Learner {
        let (tx, rx) = bounded::<Vec<Lesson>>(QUEUE);
        let own = clock.clone();
        let worker = std::thread::Builder::new().name("baselines".into()).spawn(move || {
            let mut b = Baselines::default();
            for batch in rx {
                for l in batch {
                    b.learn(&own, l);
                }
            }
            b
        });
        match worker {
            Ok(worker) => Learner::Thread { batch: Vec::with_capacity(BATCH), tx, worker },
            Err(_) => Learner::Inline { baselines: Box::default(), clock },
        }
    }

    /// Hands over one lesson.
    pub fn put(&mut self, lesson: Lesson) {
        match self {
            Learner::Inline { baselines, clock } => baselines.learn(clock, lesson),
            Learner::Thread { batch, tx, .. } => {
                batch.push(lesson);
                if batch.len() >= BATCH {
                    let full = std::mem::replace(batch, Vec::with_capacity(BATCH));
                    // The thread only stops when the channel closes, so a send cannot fail while it runs; if it
                    // died, `finish` reports what it had learnt.
                    let _ = tx.send(full);
                }
            }
        }
    }

    /// Waits for every lesson to be learnt and returns the baselines.
    pub fn finish(self) -> Baselines {
        match self {
            Learner::Inline { baselines, .. } => *baselines,
            Learner::Thread { batch, tx, worker } => {
                let _ = tx.send(batch);
                drop(tx);
                worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }
        }
    }
}
