//! `labsite check`: everything `build` checks, the leak gate included,
//! writing nothing.

use std::path::Path;

use super::build::{denied, privacy_summary, report_failure};
use super::{EXIT_CONTENT, EXIT_OK};
use crate::diagnostics::report;
use crate::output::NullSink;
use crate::pipeline::{BuildOptions, build_site_into};

pub fn run(root: &Path, opts: &BuildOptions, deny_warnings: bool, explain: bool) -> i32 {
    // `check` lays the share cards out and gates them, but draws nothing.
    let opts = BuildOptions {
        skip_card_images: true,
        ..opts.clone()
    };
    match build_site_into(root, &opts, &NullSink) {
        Ok(built) => {
            if deny_warnings && let Some(errors) = denied(&built.warnings) {
                eprint!("{errors}");
                return EXIT_CONTENT;
            }
            if !built.warnings.is_empty() {
                let mut w = built.warnings.clone();
                eprint!("{}", report(&mut w));
            }
            eprintln!("{}", privacy_summary(&built, explain));
            eprintln!("ok: {} pages checked, no errors", built.pages);
            EXIT_OK
        }
        Err(e) => report_failure(e),
    }
}
