//! A non-blocking, non-lossy log file writer.
//!
//! Each formatted event is one message on a bounded channel to a writer
//! thread, which appends it to a `BufWriter` and flushes whenever the queue
//! runs empty, so lines reach the file within a moment at low volume and in
//! large writes under load. A full queue (the disk stalls) blocks the logging
//! thread rather than dropping lines: the log is the audit trail. Dropping
//! the [`LogGuard`] writes out the queue, flushes and joins the thread.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};
use std::thread::JoinHandle;

use tracing_subscriber::fmt::MakeWriter;

use crate::TelemetryError;

/// Lines that may wait for the writer thread before logging blocks.
const QUEUE_LINES: usize = 16_384;

enum Message {
    Line(Vec<u8>),
    Shutdown,
}

/// The `MakeWriter` handed to the JSON layer: each event becomes one message.
#[derive(Clone)]
pub(crate) struct QueueWriter {
    tx: SyncSender<Message>,
}

impl Write for QueueWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // After the guard is gone the writer thread has stopped; late events
        // (during process exit) are discarded rather than reported per line.
        let _ = self.tx.send(Message::Line(buf.to_vec()));
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for QueueWriter {
    type Writer = QueueWriter;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Keeps the log file open. Drop it at the end of the run (not before): it
/// writes out every queued line, flushes the file and stops the writer thread.
#[must_use = "dropping the guard stops writing the log file"]
#[derive(Debug)]
pub struct LogGuard {
    tx: SyncSender<Message>,
    thread: Option<JoinHandle<()>>,
    path: PathBuf,
}

impl LogGuard {
    /// The log file being written.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        if self.tx.send(Message::Shutdown).is_ok() {
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
    }
}

/// Starts the writer thread for `file` (opened for appending at `path`).
pub(crate) fn spawn(file: File, path: &Path) -> Result<(QueueWriter, LogGuard), TelemetryError> {
    let (tx, rx) = mpsc::sync_channel(QUEUE_LINES);
    let shown = path.to_owned();
    let thread = std::thread::Builder::new()
        .name("tesser-log-writer".to_owned())
        .spawn(move || run(&rx, file, &shown))
        .map_err(TelemetryError::LogThread)?;
    let guard = LogGuard {
        tx: tx.clone(),
        thread: Some(thread),
        path: path.to_owned(),
    };
    Ok((QueueWriter { tx }, guard))
}

fn run(rx: &Receiver<Message>, file: File, path: &Path) {
    let mut out = FileOut {
        file: BufWriter::new(file),
        path,
        failed: false,
    };
    while let Ok(Message::Line(line)) = rx.recv() {
        out.write(&line);
        loop {
            match rx.try_recv() {
                Ok(Message::Line(line)) => out.write(&line),
                Ok(Message::Shutdown) | Err(TryRecvError::Disconnected) => {
                    out.flush();
                    return;
                }
                Err(TryRecvError::Empty) => break,
            }
        }
        out.flush();
    }
    out.flush();
}

/// The file side. A write error cannot be logged (it would come back here),
/// so the first one goes to stderr and the thread carries on trying.
struct FileOut<'a> {
    file: BufWriter<File>,
    path: &'a Path,
    failed: bool,
}

impl FileOut<'_> {
    fn write(&mut self, line: &[u8]) {
        let result = self.file.write_all(line);
        self.check(result);
    }

    fn flush(&mut self) {
        let result = self.file.flush();
        self.check(result);
    }

    fn check(&mut self, result: io::Result<()>) {
        if let Err(err) = result {
            if !self.failed {
                self.failed = true;
                eprintln!(
                    "tesser-telemetry: cannot write the log file {}: {err}",
                    self.path.display()
                );
            }
        }
    }
}
