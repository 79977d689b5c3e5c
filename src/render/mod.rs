//! Rendering the public view into files held in memory.

pub mod ics;
pub mod jsonld;
