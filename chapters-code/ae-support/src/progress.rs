//! Progress bars that stay out of the way: drawn on a terminal, silent in a
//! pipe or a CI log (where a redrawn bar is just noise), absent with `--quiet`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A bar of `len` steps with a message slot for the live loss.
pub fn bar(len: u64, quiet: bool) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg} ({eta} left)")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    bar
}
