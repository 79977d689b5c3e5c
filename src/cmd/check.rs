//! `labsite check`: everything `build` checks, the leak gate included,
//! writing nothing. With `--external`, the site's web links too.

use std::path::Path;

use super::build::{denied, privacy_summary, report_failure};
use super::{EXIT_CONTENT, EXIT_OK};
use crate::diagnostics::report;
use crate::links::external;
use crate::output::NullSink;
use crate::pipeline::{BuildOptions, build_site_into};

pub fn run(
    root: &Path,
    opts: &BuildOptions,
    deny_warnings: bool,
    explain: bool,
    external: Option<&external::Options>,
) -> i32 {
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
            let Some(ext) = external else {
                eprintln!("ok: {} pages checked, no errors", built.pages);
                return EXIT_OK;
            };
            let mut outcome = external::check(&built.web_links, ext);
            if let Some(w) = &outcome.cache_warning {
                eprintln!("warning: {w}");
            }
            // A 429 is a warning, and `--deny-warnings` makes it fail
            // like the site's own warnings.
            let denied_external = deny_warnings && !outcome.warnings.is_empty();
            if denied_external {
                eprint!("{}", denied(&outcome.warnings).unwrap_or_default());
            } else if !outcome.warnings.is_empty() {
                eprint!("{}", report(&mut outcome.warnings));
            }
            let summary = format!(
                "{} external address{} ({} from the cache)",
                outcome.addresses,
                if outcome.addresses == 1 { "" } else { "es" },
                outcome.cached
            );
            if outcome.diagnostics.is_empty() {
                if denied_external {
                    return EXIT_CONTENT;
                }
                eprintln!("ok: {} pages checked, {summary}, no errors", built.pages);
                return EXIT_OK;
            }
            eprint!("{}", report(&mut outcome.diagnostics));
            eprintln!(
                "{} of {summary} broken; the rest of the site checked",
                outcome.broken
            );
            EXIT_CONTENT
        }
        Err(e) => {
            let code = report_failure(e);
            if external.is_some() {
                eprintln!("note: external links are checked once the site has no other errors");
            }
            code
        }
    }
}
