//! Rendering the public view into files held in memory.

pub mod charts;
pub mod feeds;
pub mod files;
pub mod ics;
pub mod jsonld;
pub mod linebreak;
pub mod share;
pub mod share_card;
pub mod templates;

use crate::public::Origin;

/// A file of the built site, in memory: what render makes, the gate scans
/// and output publishes.
#[derive(Clone, Debug)]
pub struct OutputFile {
    /// Relative to the output root, with `/`.
    pub path: String,
    pub bytes: Vec<u8>,
    /// The sources whose text may be in it (for leak reports).
    pub origins: Vec<Origin>,
}

/// The one HTML/XML text escaper, for text the program writes itself
/// (templates escape through Tera's autoescape).
pub fn escape_html(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    // Copy the runs between the characters to escape (all ASCII, so a
    // byte match never falls inside a multi-byte character).
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        out.push_str(entity);
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    /// The character-by-character escaper this replaces.
    fn reference(s: &str) -> String {
        let mut out = String::new();
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

    #[test]
    fn escapes_like_the_reference() {
        for s in [
            "",
            "plain",
            "&",
            "<a href=\"x\">'it'</a>",
            "日本語&amp;<タグ>\"引用\"'",
            "&&<<>>\"\"''",
            "末尾&",
            "&先頭",
        ] {
            assert_eq!(escape_html(s), reference(s), "{s}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_escapes_like_the_reference(s in "\\PC{0,80}|[&<>\"'a-z]{0,40}") {
            proptest::prop_assert_eq!(escape_html(&s), reference(&s));
        }
    }
}
