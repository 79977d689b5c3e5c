//! `labsite check`: everything `build` checks, the leak gate included,
//! writing nothing.

use std::path::Path;

use super::EXIT_OK;
use super::build::{privacy_summary, report_failure};
use crate::diagnostics::report;
use crate::output::NullSink;
use crate::pipeline::{BuildOptions, build_site_into};

pub fn run(root: &Path, opts: &BuildOptions) -> i32 {
    let opts = BuildOptions {
        skip_card_images: true,
        ..opts.clone()
    };
    match build_site_into(root, &opts, &NullSink) {
        Ok(built) => {
            if !built.warnings.is_empty() {
                let mut w = built.warnings.clone();
                eprint!("{}", report(&mut w));
            }
            eprintln!("{}", privacy_summary(&built));
            eprintln!("ok: {} pages checked, no errors", built.pages);
            EXIT_OK
        }
        Err(e) => report_failure(e),
    }
}
