//! The terminal: whether a stream gets colours, decided in this one place
//! by anstream (as clap decides for its own messages): never with
//! `NO_COLOR` set and not empty or `CLICOLOR=0`, always with
//! `CLICOLOR_FORCE`, else when the stream is a terminal that supports
//! colours. The human report wraps at the terminal's width, or `COLUMNS`,
//! or 100 columns when stdout is not a terminal, so that a report piped or
//! written to a file does not depend on the window it was run in.

use anstream::{AutoStream, ColorChoice};

/// A standard stream.
#[derive(Clone, Copy, Debug)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Whether what is written to `stream` may have colours.
pub fn color(stream: Stream) -> bool {
    let choice = match stream {
        Stream::Stdout => AutoStream::choice(&std::io::stdout()),
        Stream::Stderr => AutoStream::choice(&std::io::stderr()),
    };
    choice != ColorChoice::Never
}

/// The width the human report wraps at: `COLUMNS` when set to a number (a
/// user's choice, and how tests fix it), else the terminal's width when
/// stdout is one, else 100 columns. Bounded to 40..=1000.
pub fn width() -> usize {
    let chosen = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .or_else(|| {
            terminal_size::terminal_size_of(std::io::stdout())
                .map(|(terminal_size::Width(w), _)| w as usize)
        });
    chosen.unwrap_or(100).clamp(40, 1000)
}
