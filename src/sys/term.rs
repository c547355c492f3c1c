//! The terminal: whether a stream gets colours, decided in this one place
//! by anstream (as clap decides for its own messages): never with
//! `NO_COLOR` set and not empty or `CLICOLOR=0`, always with
//! `CLICOLOR_FORCE`, else when the stream is a terminal that supports
//! colours. Widths are fixed (the human report wraps at 100 columns), so
//! that a report does not depend on the window it was run in.

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
