//! What every parser reports: a syntax error at a byte offset (a CRC000).

/// A syntax error at a byte offset.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}
