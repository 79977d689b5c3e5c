//! The command line, and nothing else: each subcommand is in `cmd/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use labsite::cmd;
use labsite::pipeline::BuildOptions;
use labsite::public::status::resolve_now;
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
    /// "Now" for recruitment status and calendar stamps (RFC 3339); else
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
    },
    /// Check everything a build checks, writing nothing.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Override site.yaml's base_url.
        #[arg(long)]
        base_url: Option<String>,
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
}

fn options(site: &SiteArgs, base_url: Option<String>) -> Result<BuildOptions, String> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let now = resolve_now(site.now.as_deref(), epoch.as_deref())?;
    Ok(BuildOptions {
        load: LoadOptions {
            base_url,
            drafts: site.drafts,
        },
        now: Some(now),
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
        } => match options(&site, base_url) {
            Ok(opts) => {
                let out = out.unwrap_or_else(|| site.root.join("public"));
                cmd::build::run(&site.root, &out, &opts)
            }
            Err(e) => {
                eprintln!("error: {e}");
                cmd::EXIT_USAGE
            }
        },
        Command::Check { site, base_url } => match options(&site, base_url) {
            Ok(opts) => cmd::check::run(&site.root, &opts),
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
        } => match cmd::new::new_lab(&root, &date) {
            Ok(path) => {
                eprintln!("created {}", path.display());
                cmd::EXIT_OK
            }
            Err(e) => {
                eprintln!("error: {e}");
                cmd::EXIT_USAGE
            }
        },
    };
    std::process::exit(code);
}
