//! One module per subcommand.

pub mod new;
