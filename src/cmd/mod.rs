//! One module per subcommand; each is a thin layer over the library.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod new_survey;
pub mod serve;

/// Exit codes (SPEC §9).
pub const EXIT_OK: i32 = 0;
pub const EXIT_CONTENT: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
