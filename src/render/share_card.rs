//! Share cards: the 1200×630 PNG that X, LINE and Facebook show for a link
//! to the home page, a report or a recruitment page.
//!
//! The theme owns the design (`templates/card.svg`, which a site overrides
//! like any template); this module breaks the title into lines (SVG text
//! does not wrap), escapes every value (Tera does not escape `.svg`), and
//! draws the SVG with resvg in the font the repository carries, never a
//! system font, so a card is the same on every machine.
//!
//! A card shows fields of the public view only (the site's name, the page
//! title, the date, time and recruitment status): never survey text. The
//! leak gate scans the card's SVG text, since it cannot read the PNG.
//!
//! Drawing a card takes tens of milliseconds, so cards are cached outside
//! the output directory (`.labsite-cache/cards/` in the site), keyed by a
//! hash of the card's SVG (its text and template), the font and labsite's
//! version. The output file name carries the hash, so a changed card gets a
//! new URL and social sites do not show a stale one.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use resvg::{tiny_skia, usvg};
use serde::Serialize;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use super::escape_html as esc;
use super::linebreak::{balance_lines, break_lines};
use super::templates::Theme;
use crate::diagnostics::Diagnostic;
use crate::public::{Origin, Page, PublicLab};
use crate::urls::Urls;

pub use super::share::{HEIGHT, WIDTH};
/// The card template's name among the theme's templates.
pub const TEMPLATE: &str = "card.svg";
/// The one font cards are drawn with (see `fonts/README.md`).
pub const FONT_FAMILY: &str = "Noto Sans CJK JP";
static FONT_BYTES: &[u8] = include_bytes!("../../fonts/NotoSansCJKjp-Bold-subset.otf");
/// Drawn for a character the font does not have: the geta mark, the
/// traditional Japanese stand-in for a missing character.
const FALLBACK: char = '〓';
/// Horizontal room for text: the card less its margins.
const TEXT_WIDTH: f32 = 1040.0;
/// Where cards are cached, under the site's root.
pub const CACHE_DIR: &str = ".labsite-cache";

struct CardFont {
    db: Arc<usvg::fontdb::Database>,
    hash: u128,
    font: FontRef<'static>,
}

fn card_font() -> &'static CardFont {
    static FONT: OnceLock<CardFont> = OnceLock::new();
    FONT.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT_BYTES.to_vec());
        // Every generic family is the one font: a site's template that asks
        // for `serif` still gets it, not nothing.
        for set in [
            usvg::fontdb::Database::set_sans_serif_family,
            usvg::fontdb::Database::set_serif_family,
            usvg::fontdb::Database::set_monospace_family,
            usvg::fontdb::Database::set_cursive_family,
            usvg::fontdb::Database::set_fantasy_family,
        ] {
            set(&mut db, FONT_FAMILY);
        }
        CardFont {
            db: Arc::new(db),
            hash: xxhash_rust::xxh3::xxh3_128(FONT_BYTES),
            font: FontRef::new(FONT_BYTES).expect("the committed card font parses"),
        }
    })
}

/// What a card says: fields of the public view, nothing else.
#[derive(Clone, Debug, Default)]
pub struct CardText {
    /// `home`, `report` or `recruitment`.
    pub kind: &'static str,
    pub site_name: String,
    /// A short label above the title (開催レポート, 参加者募集).
    pub eyebrow: String,
    pub title: String,
    pub subtitle: String,
    pub date: String,
    pub time: String,
    /// `open`, `closing`, `full`…: picks the badge colours.
    pub status: String,
    pub status_label: String,
    pub lang: String,
}

/// The template's variables, every string already escaped.
#[derive(Serialize)]
struct CardContext {
    width: u32,
    height: u32,
    font_family: &'static str,
    kind: &'static str,
    lang: String,
    site_name: String,
    eyebrow: String,
    eyebrow_width: f32,
    title_lines: Vec<String>,
    title_size: f32,
    title_leading: f32,
    subtitle_lines: Vec<String>,
    subtitle_size: f32,
    date: String,
    time: String,
    status: String,
    status_label: String,
    status_width: f32,
}

/// Measures text in the card font.
struct Measure {
    charmap: skrifa::charmap::Charmap<'static>,
    metrics: skrifa::metrics::GlyphMetrics<'static>,
    /// Em size the metrics are for.
    em: f32,
}

impl Measure {
    fn new() -> Measure {
        let f = &card_font().font;
        let em = 1000.0;
        Measure {
            charmap: f.charmap(),
            metrics: f.glyph_metrics(Size::new(em), LocationRef::default()),
            em,
        }
    }

    fn has(&self, c: char) -> bool {
        c.is_whitespace() || self.charmap.map(c).is_some()
    }

    /// Advance of `c` at font size `size`, in pixels.
    fn width(&self, c: char, size: f32) -> f32 {
        let gid = self.charmap.map(c).or_else(|| self.charmap.map(FALLBACK));
        let adv = gid
            .and_then(|g| self.metrics.advance_width(g))
            .unwrap_or(self.em);
        adv * size / self.em
    }

    fn text_width(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.width(c, size)).sum()
    }

    /// `text` with characters the font lacks replaced by [`FALLBACK`];
    /// those characters are added to `missing`.
    fn cover(&self, text: &str, missing: &mut Vec<char>) -> String {
        text.chars()
            .map(|c| {
                if self.has(c) {
                    c
                } else {
                    if !missing.contains(&c) {
                        missing.push(c);
                    }
                    FALLBACK
                }
            })
            .collect()
    }

    fn lines(&self, text: &str, size: f32, max_lines: usize) -> Vec<String> {
        break_lines(text, TEXT_WIDTH, max_lines, &|c| self.width(c, size))
    }

    /// A title's lines, as even as the text allows.
    fn title_lines(&self, text: &str, size: f32, max_lines: usize) -> Vec<String> {
        balance_lines(text, TEXT_WIDTH, max_lines, &|c| self.width(c, size))
    }

    /// One line, cut with `…` when it does not fit.
    fn line(&self, text: &str, size: f32) -> String {
        self.lines(text, size, 1).pop().unwrap_or_default()
    }
}

/// Lay the text out and fill in the template's variables.
fn context(text: &CardText, missing: &mut Vec<char>) -> CardContext {
    let m = Measure::new();
    let mut cover = |s: &str| m.cover(s, missing);
    let (site_name, eyebrow, title, subtitle) = (
        cover(&text.site_name),
        cover(&text.eyebrow),
        cover(&text.title),
        cover(&text.subtitle),
    );
    let (date, time, status_label) = (
        cover(&text.date),
        cover(&text.time),
        cover(&text.status_label),
    );
    // Large on two lines where the title fits, smaller on three where not.
    let (mut title_size, mut title_lines) = (72.0, m.title_lines(&title, 72.0, 9));
    if title_lines.len() > 2 {
        title_size = 58.0;
        title_lines = m.title_lines(&title, title_size, 3);
    }
    // The subtitle takes the room the title leaves: under a one-line
    // title, not under a longer one (a single cut line reads as a stub).
    let subtitle_size = 32.0;
    let room = match (text.kind, title_lines.len()) {
        ("home", _) => 3,
        (_, 1) => 2,
        _ => 0,
    };
    let subtitle_lines = if room == 0 {
        Vec::new()
    } else {
        m.lines(&subtitle, subtitle_size, room)
    };
    let e = |s: &str| esc(s);
    let eyebrow = m.line(&eyebrow, 26.0);
    let status_label = m.line(&status_label, 30.0);
    CardContext {
        width: WIDTH,
        height: HEIGHT,
        font_family: FONT_FAMILY,
        kind: text.kind,
        lang: e(&text.lang),
        site_name: e(&m.line(&site_name, 30.0)),
        eyebrow_width: m.text_width(&eyebrow, 26.0).ceil(),
        eyebrow: e(&eyebrow),
        title_leading: (title_size * 1.32_f32).round(),
        title_size,
        title_lines: title_lines.iter().map(|l| e(l)).collect(),
        subtitle_lines: subtitle_lines.iter().map(|l| e(l)).collect(),
        subtitle_size,
        date: e(&m.line(&date, 34.0)),
        time: e(&m.line(&time, 34.0)),
        status: e(&text.status),
        status_width: m.text_width(&status_label, 30.0).ceil(),
        status_label: e(&status_label),
    }
}

/// The card's SVG, from the theme's template.
fn svg(theme: &Theme, text: &CardText, missing: &mut Vec<char>) -> Result<String, Diagnostic> {
    let ctx = context(text, missing);
    let ctx = tera::Context::from_serialize(&ctx)
        .map_err(|e| Diagnostic::error(format!("share card: {e}"), None))?;
    theme.render_template(TEMPLATE, &ctx)
}

/// Draw `svg` into a 1200×630 PNG with the card font only.
pub fn draw(svg: &str) -> Result<Vec<u8>, String> {
    let font = card_font();
    let opt = usvg::Options {
        font_family: FONT_FAMILY.to_string(),
        fontdb: font.db.clone(),
        languages: vec!["ja".into(), "en".into()],
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| e.to_string())?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("cannot allocate the card")?;
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(
        WIDTH as f32 / size.width(),
        HEIGHT as f32 / size.height(),
    );
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| e.to_string())
}

/// The cache key of a card: its SVG (text, layout and template), the font
/// and labsite's version.
fn key(svg: &str) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(b"labsite share card\0");
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(&card_font().hash.to_le_bytes());
    h.update(svg.as_bytes());
    h.digest128()
}

/// A card made for some pages.
pub struct Card {
    /// Output path, e.g. `labs/x/card-0123456789abcdef.png`.
    pub path: String,
    pub png: Vec<u8>,
    /// The SVG the PNG was drawn from: what the leak gate scans.
    pub svg: String,
    pub origins: Vec<Origin>,
}

/// How many cards a build drew and how many it took from the cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CardStats {
    pub rendered: usize,
    pub cached: usize,
}

/// Makes the cards of one build, from many threads.
pub struct ShareCards<'a> {
    theme: &'a Theme,
    urls: &'a Urls,
    cache: Option<PathBuf>,
    /// Whether to draw the PNGs (not for `check`).
    draw: bool,
    site_name: String,
    lang: String,
    words: &'a std::collections::HashMap<String, String>,
    rendered: AtomicUsize,
    cached: AtomicUsize,
    /// Each page whose card was laid out, with the warning its text gave
    /// (characters the font lacks), if any.
    notes: Mutex<CardNotes>,
}

/// The pages whose cards a render laid out, each with its warning if its
/// text has characters the font lacks. `serve` keeps the notes of the
/// pages a partial rebuild did not draw again.
pub type CardNotes = std::collections::BTreeMap<String, Option<Diagnostic>>;

impl<'a> ShareCards<'a> {
    /// `None` when the theme has no card template (a theme of its own that
    /// wants none).
    pub fn new(
        theme: &'a Theme,
        site: &crate::source::Site,
        urls: &'a Urls,
        draw: bool,
    ) -> Option<Self> {
        theme.has_template(TEMPLATE).then(|| ShareCards {
            theme,
            urls,
            cache: Some(cache_dir(&site.root)),
            draw,
            site_name: site.config.title.clone(),
            lang: site.config.language.code().to_string(),
            words: &theme.words,
            rendered: AtomicUsize::new(0),
            cached: AtomicUsize::new(0),
            notes: Mutex::new(CardNotes::new()),
        })
    }

    fn word(&self, key: &str, ja: &str, en: &str) -> String {
        self.words.get(key).cloned().unwrap_or_else(|| {
            if self.lang == "en" {
                en.to_string()
            } else {
                ja.to_string()
            }
        })
    }

    /// Make (or take from the cache) the card showing `text`, for the page
    /// at `page`, written under `dir` (empty or ending in `/`).
    pub fn card(
        &self,
        text: &CardText,
        page: &str,
        dir: &str,
        origins: Vec<Origin>,
    ) -> Result<Card, Diagnostic> {
        let mut missing = Vec::new();
        let svg = svg(self.theme, text, &mut missing)?;
        let warning = (!missing.is_empty()).then(|| {
            let chars: String = missing.iter().collect();
            Diagnostic::warning(
                format!(
                    "the share card of `{page}` draws {} character(s) the card font lacks as {FALLBACK}: {chars}",
                    missing.len()
                ),
                None,
            )
            .with_help("the card font covers JIS X 0208, kana and ASCII; see fonts/README.md")
        });
        if let Ok(mut notes) = self.notes.lock() {
            notes.insert(page.to_string(), warning);
        }
        let key = key(&svg);
        let png = match self.cached(key) {
            _ if !self.draw => Vec::new(),
            Some(png) => {
                self.cached.fetch_add(1, Ordering::Relaxed);
                png
            }
            None => {
                let png = draw(&svg).map_err(|e| {
                    Diagnostic::error(format!("cannot draw the share card of `{page}`: {e}"), None)
                        .with_help("check the SVG of templates/card.svg")
                })?;
                self.store(key, &png);
                self.rendered.fetch_add(1, Ordering::Relaxed);
                png
            }
        };
        Ok(Card {
            path: format!("{dir}card-{:016x}.png", (key >> 64) as u64),
            png,
            svg,
            origins,
        })
    }

    fn cache_file(&self, key: u128) -> Option<PathBuf> {
        Some(self.cache.as_ref()?.join(format!("{key:032x}.png")))
    }

    fn cached(&self, key: u128) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.cache_file(key)?).ok()?;
        // A truncated file (a build killed mid-write) is drawn again.
        bytes.starts_with(b"\x89PNG\r\n\x1a\n").then_some(bytes)
    }

    /// Keep `png` for the next build. A cache that cannot be written (a
    /// read-only checkout) only costs time.
    fn store(&self, key: u128, png: &[u8]) {
        let (Some(dir), Some(file)) = (self.cache.as_ref(), self.cache_file(key)) else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        if let Some(root) = dir.parent() {
            let ignore = root.join(".gitignore");
            if !ignore.exists() {
                let _ = std::fs::write(
                    &ignore,
                    "# labsite's cache of share cards: safe to delete.\n*\n",
                );
            }
        }
        let tmp = dir.join(format!(
            ".{key:032x}.{}.{:?}.tmp",
            std::process::id(),
            std::thread::current().id()
        ));
        if std::fs::write(&tmp, png).is_ok() && std::fs::rename(&tmp, &file).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// The home page's card (the series concept, or the site's title, and
    /// the description), also shown for the site's other pages but 404.
    pub fn site(&self, site: &crate::source::Site, pages: &mut [Page]) -> Result<Card, Diagnostic> {
        let concept = site.series.as_ref().and_then(|s| s.concept.as_deref());
        let text = CardText {
            kind: "home",
            site_name: self.site_name.clone(),
            eyebrow: self.word("hero_eyebrow", "", ""),
            title: self.site_name.clone(),
            subtitle: concept.unwrap_or(&site.config.description).to_string(),
            lang: self.lang.clone(),
            ..CardText::default()
        };
        let card = self.card(&text, "index.html", "", vec![Origin::Site])?;
        for page in pages.iter_mut().filter(|p| p.kind() != "404") {
            self.attach(page, &card);
        }
        Ok(card)
    }

    /// The cards of a lab's pages: one for its report, one for its
    /// recruitment page; its program page shows the one of the two it has.
    /// Sets each page's image where it has none (a report's cover wins).
    pub fn lab(&self, pl: &PublicLab, pages: &mut [Page]) -> Result<Vec<Card>, Diagnostic> {
        let dir = format!("labs/{}/", pl.id);
        let origins = vec![Origin::Lab(pl.id.clone())];
        let base = CardText {
            site_name: self.site_name.clone(),
            title: pl.title.clone(),
            date: pl.date_display.clone(),
            lang: self.lang.clone(),
            ..CardText::default()
        };
        let mut cards = Vec::new();
        let mut program_card = None;
        if let Some(report) = pages.iter().find(|p| p.kind() == "report") {
            let text = CardText {
                kind: "report",
                eyebrow: self.word("card_report", "開催レポート", "Report"),
                title: report.title.clone(),
                subtitle: report.description.clone(),
                ..base.clone()
            };
            cards.push(self.card(&text, &report.path, &dir, origins.clone())?);
            program_card = Some(cards.len() - 1);
        }
        if let (Some(rec), Some(page)) = (
            &pl.recruitment,
            pages.iter().find(|p| p.kind() == "recruitment"),
        ) {
            let text = CardText {
                kind: "recruitment",
                eyebrow: self.word("card_recruitment", "参加者募集", "Call for participants"),
                subtitle: pl.summary.clone(),
                time: pl.time_display.clone(),
                status: rec.status.key().to_string(),
                status_label: rec.status_label.clone(),
                ..base.clone()
            };
            cards.push(self.card(&text, &page.path, &dir, origins.clone())?);
            program_card = Some(cards.len() - 1);
        }
        for page in pages.iter_mut() {
            let card = match page.kind() {
                "report" => cards.first(),
                "recruitment" => cards.last(),
                _ => program_card.and_then(|i| cards.get(i)),
            };
            if let Some(card) = card {
                self.attach(page, card);
            }
        }
        Ok(cards)
    }

    /// Make `card` the page's image, unless the page has one of its own.
    pub fn attach(&self, page: &mut Page, card: &Card) {
        if page.image.is_empty() {
            page.image = self.urls.absolute(&card.path);
        }
    }

    pub fn stats(&self) -> CardStats {
        CardStats {
            rendered: self.rendered.load(Ordering::Relaxed),
            cached: self.cached.load(Ordering::Relaxed),
        }
    }

    /// The pages whose cards were laid out so far, with their warnings.
    pub fn take_notes(&self) -> CardNotes {
        self.notes
            .lock()
            .map(|mut n| std::mem::take(&mut *n))
            .unwrap_or_default()
    }
}

/// Where a site's cards are cached.
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join("cards")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_covers_japanese_and_marks_what_it_lacks() {
        let m = Measure::new();
        for c in "対話1on1ラボ、第2回。「受付中」締切間近・満席ー〓①㈱髙".chars()
        {
            assert!(m.has(c), "{c}");
        }
        let mut missing = Vec::new();
        let got = m.cover("ラボ😀と𠮷", &mut missing);
        assert_eq!(got, "ラボ〓と〓");
        assert_eq!(missing, vec!['😀', '𠮷']);
        // Full-width characters are one em; Latin letters narrower.
        assert!((m.width('対', 100.0) - 100.0).abs() < 1.0);
        assert!(m.width('i', 100.0) < 50.0);
    }

    #[test]
    fn text_is_escaped_in_the_context() {
        let text = CardText {
            site_name: "A&B".into(),
            title: "<script>\"x\" & 'y'".into(),
            ..CardText::default()
        };
        let ctx = context(&text, &mut Vec::new());
        assert_eq!(ctx.site_name, "A&amp;B");
        assert_eq!(
            ctx.title_lines.concat(),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn a_drawn_card_is_a_1200_by_630_png() {
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\"><rect width=\"1200\" height=\"630\" fill=\"#faf7f2\"/><text x=\"80\" y=\"300\" font-family=\"{FONT_FAMILY}\" font-size=\"72\">対話1on1ラボ &amp; 受付中</text></svg>"
        );
        let png = draw(&svg).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((w, h), (1200, 630));
        // The text was drawn: the card is not one flat colour.
        let blank = draw(&svg.replace("対話1on1ラボ &amp; 受付中", "")).unwrap();
        assert!(png.len() > blank.len() + 1000);
    }
}
