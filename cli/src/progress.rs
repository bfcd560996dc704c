//! A one-line progress indicator on stderr (only used on a TTY outside CI).

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Progress line drawn on stderr.
#[derive(Clone)]
pub struct Bar {
    drawn: Arc<AtomicBool>,
}

impl Bar {
    /// A bar that has drawn nothing yet.
    pub fn new() -> Bar {
        Bar {
            drawn: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Redraw with `done` of `total` files.
    pub fn update(&self, done: usize, total: usize) {
        if total < 200 {
            return;
        }
        self.drawn.store(true, Ordering::Relaxed);
        let width = 30;
        let filled = done * width / total.max(1);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {done}/{total} files",
            "#".repeat(filled),
            " ".repeat(width - filled)
        );
        let _ = err.flush();
    }

    /// Clear the line if anything was drawn.
    pub fn finish(&self) {
        if self.drawn.load(Ordering::Relaxed) {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{}\r", " ".repeat(60));
            let _ = err.flush();
        }
    }
}
