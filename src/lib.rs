//! labsite: a static site generator for the 1on1 lab.
//!
//! Data flows one way: `source` loads records and checks them, `public`
//! turns them into the public view (the privacy rules live there and in
//! `privacy`), `render` turns the view into files in memory, `gate` scans
//! those files for identity terms, and `output` publishes them atomically.
//! `pipeline` calls the stages in order. docs/architecture.md draws it.

// `unsafe` only in `platform`, which says why each use needs it.
#![deny(unsafe_code)]

// The stages, from the top of the stack down (docs/architecture.md; the
// order is checked by tests/architecture.rs).
pub mod cmd;
pub mod gate;
pub mod links;
pub mod output;
pub mod pipeline;
pub mod public;
pub mod render;
pub mod serve;
pub mod source;

// Leaves: anyone may use them; they use no stage.
pub mod diagnostics;
pub mod ignore;
pub mod lang;
pub mod markdown;
#[allow(unsafe_code)]
pub mod platform;
pub mod privacy;
pub mod timefmt;
pub mod timings;
pub mod urls;
