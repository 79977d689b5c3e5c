//! The command line, and nothing else: each subcommand is in `cmd/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use labsite::cmd;
use labsite::links::external::Options as ExternalOptions;
use labsite::pipeline::BuildOptions;
use labsite::public::status::{Now, resolve_now};
use labsite::source::LoadOptions;

/// mimalloc: see the commit that added it for the figures.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "labsite",
    version,
    about = "A static site generator for the 1on1 lab"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct SiteArgs {
    /// The site's root: the folder that holds content/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// "Now" for recruitment status and calendar stamps: 2026-12-10,
    /// 2026-12-10T09:00 (both in the site's time zone) or RFC 3339; else
    /// SOURCE_DATE_EPOCH, else the clock.
    #[arg(long)]
    now: Option<String>,
    /// Publish drafts too.
    #[arg(long)]
    drafts: bool,
    /// Print leaked identity terms in leak-gate errors (keep this out of CI
    /// logs).
    #[arg(long)]
    show_terms: bool,
    /// Make no share cards (og:image PNGs); pages without a cover then
    /// have no image.
    #[arg(long)]
    no_share_cards: bool,
}

#[derive(Args, Clone)]
struct ExternalArgs {
    /// Also request every web link (http, https) of the content: a broken
    /// one is an error. Successes are remembered for 24 hours in
    /// .labsite-cache/links.json; failures are requested again each time.
    /// Never part of build or serve.
    #[arg(long)]
    external: bool,
    /// The time limit of one external address, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0, requires = "external",
          value_parser = positive_seconds)]
    external_timeout: f64,
    /// External addresses requested at once.
    #[arg(long, value_name = "N", default_value_t = 8, requires = "external",
          value_parser = clap::value_parser!(u16).range(1..=64))]
    external_concurrency: u16,
}

fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 600.0 => Ok(v),
        _ => Err(format!("`{s}` is not a number of seconds from 0 to 600")),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output directory.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Output directory (default: <root>/public).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override site.yaml's base_url.
        #[arg(long)]
        base_url: Option<String>,
        /// Treat warnings as errors: exit 1 and publish nothing (for CI).
        #[arg(long)]
        deny_warnings: bool,
        /// The privacy summary of each lab in full, with what each figure
        /// means.
        #[arg(long)]
        explain: bool,
    },
    /// Check everything a build checks, writing nothing; with --external,
    /// request the site's web links too.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Override site.yaml's base_url.
        #[arg(long)]
        base_url: Option<String>,
        /// Treat warnings as errors: exit 1 and publish nothing (for CI).
        #[arg(long)]
        deny_warnings: bool,
        /// The privacy summary of each lab in full, with what each figure
        /// means.
        #[arg(long)]
        explain: bool,
        #[command(flatten)]
        external: ExternalArgs,
    },
    /// Serve the site from memory, rebuilding and reloading pages on change.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// The port; when it is taken, the next free one of the ten after it.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on (another machine can reach anything but
        /// loopback).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the browser.
        #[arg(long)]
        open: bool,
    },
    /// Create a new site with example content in DIR.
    Init { dir: PathBuf },
    /// Create something new in a site.
    New {
        #[command(subcommand)]
        what: NewCommand,
        #[arg(long, default_value = ".", global = true)]
        root: PathBuf,
    },
}

#[derive(Subcommand)]
enum NewCommand {
    /// A planned lab on DATE (YYYY-MM-DD), its program copied from the latest lab.
    Lab { date: String },
    /// LAB-ID's survey.yaml from a form export (Google Forms CSV, Microsoft
    /// Forms XLSX), the export copied into the lab's private/ folder.
    Survey {
        lab_id: String,
        /// The export to read.
        #[arg(long)]
        from: PathBuf,
        /// The sheet of an .xlsx export; default the first.
        #[arg(long)]
        sheet: Option<String>,
    },
}

fn options(site: &SiteArgs, base_url: Option<String>) -> Result<BuildOptions, String> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let (now, now_local) = match resolve_now(site.now.as_deref(), epoch.as_deref())? {
        Now::At(t) => (Some(t), None),
        Now::Local(l) => (None, Some(l)),
    };
    Ok(BuildOptions {
        load: LoadOptions {
            base_url,
            drafts: site.drafts,
        },
        now,
        now_local,
        live_reload_html: String::new(),
        show_terms: site.show_terms,
        skip_card_images: false,
        no_share_cards: site.no_share_cards,
    })
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                cmd::EXIT_USAGE
            } else {
                cmd::EXIT_OK
            };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let code = match cli.command {
        Command::Build {
            site,
            out,
            base_url,
            deny_warnings,
            explain,
        } => match options(&site, base_url) {
            Ok(opts) => {
                let out = out.unwrap_or_else(|| site.root.join("public"));
                cmd::build::run(&site.root, &out, &opts, deny_warnings, explain)
            }
            Err(e) => {
                eprintln!("error: {e}");
                cmd::EXIT_USAGE
            }
        },
        Command::Check {
            site,
            base_url,
            deny_warnings,
            explain,
            external,
        } => match options(&site, base_url) {
            Ok(opts) => {
                let ext = external.external.then(|| ExternalOptions {
                    timeout: std::time::Duration::from_secs_f64(external.external_timeout),
                    concurrency: external.external_concurrency.into(),
                    ..ExternalOptions::for_site(&site.root)
                });
                cmd::check::run(&site.root, &opts, deny_warnings, explain, ext.as_ref())
            }
            Err(e) => {
                eprintln!("error: {e}");
                cmd::EXIT_USAGE
            }
        },
        Command::Serve {
            site,
            port,
            bind,
            open,
        } => match options(&site, None) {
            Ok(mut build) => {
                // A preview runs for hours: without a fixed "now", each
                // rebuild reads the clock, so recruitment status moves.
                if site.now.is_none()
                    && std::env::var("SOURCE_DATE_EPOCH")
                        .ok()
                        .is_none_or(|v| v.trim().is_empty())
                {
                    build.now = None;
                }
                let cfg = labsite::serve::ServeConfig {
                    root: site.root.clone(),
                    bind,
                    port,
                    build,
                };
                cmd::serve::run(cfg, open)
            }
            Err(e) => {
                eprintln!("error: {e}");
                cmd::EXIT_USAGE
            }
        },
        Command::Init { dir } => cmd::init::run(&dir),
        Command::New {
            what: NewCommand::Lab { date },
            root,
        } => match cmd::new::new_lab_with_warnings(&root, &date) {
            Ok((path, warnings)) => {
                eprintln!("created {}", path.display());
                for w in warnings {
                    eprintln!("warning: {w}");
                }
                cmd::EXIT_OK
            }
            Err(e) => {
                eprintln!("error: {e}");
                cmd::EXIT_USAGE
            }
        },
        Command::New {
            what:
                NewCommand::Survey {
                    lab_id,
                    from,
                    sheet,
                },
            root,
        } => match cmd::new_survey::new_survey(&root, &lab_id, &from, sheet.as_deref()) {
            Ok(w) => {
                if let Some(c) = &w.copied {
                    eprintln!("copied {} to {}", from.display(), c.display());
                }
                eprintln!("created {}", w.survey.display());
                eprintln!(
                    "next: sort the consent values listed in it into `quote`, `aggregate` and `none`, check each question, then run `labsite check`"
                );
                cmd::EXIT_OK
            }
            Err(r) => {
                eprint!("error: {}", r.message);
                if !r.message.ends_with('\n') {
                    eprintln!();
                }
                r.code
            }
        },
    };
    std::process::exit(code);
}
