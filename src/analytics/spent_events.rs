//! Letting go of events after the pass has read them, on a thread of its own.
//!
//! Freeing a decoded event (dozens of owned strings) costs about as much as learning from it; the pass runs on one
//! thread and is what a detection run waits for, so the freeing is handed to another.

use crate::model::Event;
use crossbeam_channel::{bounded, Sender};
use std::thread::JoinHandle;

/// Events handed over at a time.
const BATCH: usize = 1024;
/// Batches waiting to be freed; bounds the memory held by events already read.
const QUEUE: usize = 4;

/// Collects events the pass is done with and frees them in batches on a background thread.
pub struct SpentEvents {
    batch: Vec<Event>,
    tx: Option<Sender<Vec<Event>>>,
    worker: Option<JoinHandle<usize>>,
}

impl SpentEvents {
    /// Starts the freeing thread; when it cannot be started, events are freed where they are handed over.
    pub fn start() -> SpentEvents {
        let (tx, rx) = bounded::<Vec<Event>>(QUEUE);
        let worker = std::thread::Builder::new()
            .name("spent-events".into())
            .spawn(move || rx.iter().map(|batch| batch.len()).sum::<usize>());
        match worker {
            Ok(handle) => SpentEvents { batch: Vec::with_capacity(BATCH), tx: Some(tx), worker: Some(handle) },
            Err(_) => SpentEvents { batch: Vec::new(), tx: None, worker: None },
        }
    }

    /// Hands over one event.
    pub fn put(&mut self, ev: Event) {
        let Some(tx) = &self.tx else { return };
        self.batch.push(ev);
        if self.batch.len() >= BATCH {
            let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
            // A closed channel means the thread is gone; the batch is then freed here.
            let _ = tx.send(full);
        }
    }
}

impl SpentEvents {
    /// Hands over the last batch and waits for the thread; the number of events it freed.
    pub fn finish(mut self) -> usize {
        self.close()
    }

    fn close(&mut self) -> usize {
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(std::mem::take(&mut self.batch));
        }
        self.worker.take().and_then(|w| w.join().ok()).unwrap_or(0)
    }
}

impl Drop for SpentEvents {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_handed_over_is_freed_even_beyond_what_the_queue_holds() {
        let mut spent = SpentEvents::start();
        let n = BATCH * (QUEUE + 3) + 7;
        for i in 0..n {
            spent.put(Event { id: format!("e{i}"), ..Event::default() });
        }
        assert_eq!(spent.finish(), n);
    }
}
