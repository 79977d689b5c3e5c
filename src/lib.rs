//! labsite: a static site generator for the 1on1 lab.
//!
//! Data flows one way: `source` loads records and checks them, `public`
//! turns them into the public view (the privacy rules live there and in
//! `privacy`), `render` turns the view into files in memory, the leak gate in
//! `privacy::gate` scans those files, and `output` publishes them atomically.

pub mod cmd;
pub mod diagnostics;
pub mod output;
pub mod pipeline;
pub mod privacy;
pub mod public;
pub mod render;
pub mod serve;
pub mod source;
pub mod timefmt;
pub mod urls;
