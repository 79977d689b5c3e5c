//! Rendering the public view into files held in memory.

pub mod charts;
pub mod feeds;
pub mod ics;
pub mod jsonld;
pub mod markdown;
pub mod templates;

/// The one HTML/XML text escaper, for text the program writes itself
/// (templates escape through Tera's autoescape).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
