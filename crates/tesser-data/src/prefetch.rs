//! Reads a stream on a second thread, so parsing overlaps with the consumer.
//!
//! Items travel in batches through a bounded channel: at most
//! `batches_in_flight x batch` items exist at once, so memory stays flat
//! whatever the stream's length, and order (including where an error occurs)
//! is exactly the source's.

use std::sync::mpsc::{sync_channel, Receiver};
use std::thread::JoinHandle;

/// An iterator adapter that pulls its source on a background thread.
pub struct Prefetch<T: Send + 'static> {
    rx: Receiver<Vec<T>>,
    current: std::vec::IntoIter<T>,
    worker: Option<JoinHandle<()>>,
}

impl<T: Send + 'static> Prefetch<T> {
    /// Starts reading `source` on its own thread, `batch` items at a time,
    /// with at most `batches_in_flight` batches waiting.
    pub fn new<I>(source: I, batch: usize, batches_in_flight: usize) -> Self
    where
        I: Iterator<Item = T> + Send + 'static,
    {
        let batch = batch.max(1);
        let (tx, rx) = sync_channel::<Vec<T>>(batches_in_flight.max(1));
        let worker = std::thread::spawn(move || {
            let mut source = source;
            loop {
                let chunk: Vec<T> = source.by_ref().take(batch).collect();
                let last = chunk.len() < batch;
                // A closed channel means the consumer stopped early: stop too.
                if chunk.is_empty() || tx.send(chunk).is_err() || last {
                    break;
                }
            }
        });
        Self {
            rx,
            current: Vec::new().into_iter(),
            worker: Some(worker),
        }
    }
}

impl<T: Send + 'static> Iterator for Prefetch<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(item) = self.current.next() {
                return Some(item);
            }
            match self.rx.recv() {
                Ok(chunk) => self.current = chunk.into_iter(),
                Err(_) => {
                    // The worker finished; a panic there is re-raised here,
                    // never turned into a silently shorter stream.
                    if let Some(worker) = self.worker.take() {
                        if let Err(panic) = worker.join() {
                            std::panic::resume_unwind(panic);
                        }
                    }
                    return None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preserves_order_and_errors_and_stops_early() {
        let source = (0..10_000).map(|i| if i == 7_777 { Err(i) } else { Ok(i) });
        let got: Vec<Result<i32, i32>> = Prefetch::new(source, 100, 2).collect();
        assert_eq!(got.len(), 10_000);
        assert_eq!(got[7_777], Err(7_777));
        assert!(got
            .iter()
            .enumerate()
            .all(|(i, r)| *r == Ok(i as i32) || i == 7_777));
        // Taking a few and dropping the adapter must not hang the worker.
        let first: Vec<u64> = Prefetch::new(0u64.., 64, 1).take(3).collect();
        assert_eq!(first, vec![0, 1, 2]);
        assert_eq!(Prefetch::new(std::iter::empty::<u8>(), 8, 1).count(), 0);
    }
}
