//! The public view: the only data templates ever see.

pub mod status;
