//! The privacy promise: identity terms, their normalization, redaction of
//! quoted text, and the leak gate that scans every output file.

pub mod gate;
pub mod normalize;
pub mod readings;
pub mod redact;
pub mod rules;
pub mod terms;
