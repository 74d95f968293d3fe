//! The progress drawn on stderr while `history` reads commits and blobs: a spinner while
//! the plan is made, then a bar of blobs, bytes, rate and ETA. Drawn only on a terminal.

use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::pipeline::history::{Progress, Silent};

/// A bar on stderr when it is a terminal and not `--quiet`; nothing otherwise.
#[must_use]
pub fn on_stderr(quiet: bool) -> Box<dyn Progress> {
    use std::io::IsTerminal as _;
    if std::io::stderr().is_terminal() && !quiet {
        Box::new(Bar::default())
    } else {
        Box::new(Silent)
    }
}

/// Progress on stderr.
#[derive(Default)]
pub struct Bar {
    bar: Mutex<Option<ProgressBar>>,
}

impl Bar {
    fn with<T>(&self, f: impl FnOnce(&mut Option<ProgressBar>) -> T) -> T {
        f(&mut self
            .bar
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

impl Progress for Bar {
    fn planning(&self) {
        let pb = ProgressBar::new_spinner().with_message("reading commits and trees");
        pb.enable_steady_tick(Duration::from_millis(100));
        self.with(|b| *b = Some(pb));
    }

    fn planned(&self, blobs: u64) {
        let pb = ProgressBar::new(blobs);
        pb.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} blobs, {msg} ({rate}, ETA {eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                // indicatif's own `per_sec` prints fractions of a blob; people count whole ones.
                .with_key(
                    "rate",
                    |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{}", rate(state.per_sec()));
                    },
                ),
        );
        self.with(|b| {
            if let Some(old) = b.replace(pb) {
                old.finish_and_clear();
            }
        });
    }

    fn blob(&self, bytes: u64) {
        self.with(|b| {
            if let Some(pb) = b {
                pb.inc(1);
                pb.set_message(super::human_bytes(bytes));
            }
        });
    }

    fn done(&self) {
        self.with(|b| {
            if let Some(pb) = b.take() {
                pb.finish_and_clear();
            }
        });
    }
}

/// A rate as a whole number per second: `1234/s`.
fn rate(per_sec: f64) -> String {
    format!("{:.0}/s", per_sec.max(0.0).round())
}

#[cfg(test)]
mod tests {
    #[test]
    fn rates_are_whole_numbers() {
        assert_eq!(super::rate(1234.5678), "1235/s");
        assert_eq!(super::rate(0.4), "0/s");
    }
}
