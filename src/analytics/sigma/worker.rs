//! Evaluating Sigma rules on the events the detect pass is done with, on a thread of its own so that the rules
//! run while the pass reads on; the worker frees the events afterwards.

use super::run::SigmaRun;
use crate::model::Event;
use crossbeam_channel::{bounded, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Events handed over at a time.
const BATCH: usize = 4096;
/// Batches waiting; bounds the memory held by events not yet evaluated.
const QUEUE: usize = 4;

/// Takes events from the pass and evaluates them in batches.
pub struct SigmaWorker {
    run: Arc<SigmaRun>,
    batch: Vec<Event>,
    tx: Option<Sender<Vec<Event>>>,
    worker: Option<JoinHandle<()>>,
}

impl SigmaWorker {
    /// Starts the thread; when it cannot be started, batches are evaluated where they are handed over.
    pub fn start(run: SigmaRun) -> SigmaWorker {
        let run = Arc::new(run);
        let (tx, rx) = bounded::<Vec<Event>>(QUEUE);
        let shared = Arc::clone(&run);
        let worker = std::thread::Builder::new().name("sigma".into()).spawn(move || {
            for batch in rx.iter() {
                shared.evaluate_batch(&batch);
            }
        });
        match worker {
            Ok(h) => SigmaWorker { run, batch: Vec::with_capacity(BATCH), tx: Some(tx), worker: Some(h) },
            Err(_) => SigmaWorker { run, batch: Vec::with_capacity(BATCH), tx: None, worker: None },
        }
    }

    /// Hands over one event.
    pub fn put(&mut self, ev: Event) {
        self.batch.push(ev);
        if self.batch.len() >= BATCH {
            let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
            self.send(full);
        }
    }

    /// Evaluates events the pass keeps (without taking them).
    pub fn look_at(&self, events: &[Event]) {
        self.run.evaluate_batch(events);
    }

    fn send(&mut self, batch: Vec<Event>) {
        match &self.tx {
            Some(tx) => {
                if let Err(e) = tx.send(batch) {
                    self.run.evaluate_batch(&e.0);
                }
            }
            None => self.run.evaluate_batch(&batch),
        }
    }

    /// Evaluates what is left, waits for the thread and gives back the run.
    pub fn finish(mut self) -> Option<SigmaRun> {
        let rest = std::mem::take(&mut self.batch);
        self.send(rest);
        drop(self.tx.take());
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
        Arc::try_unwrap(self.run).ok()
    }
}
