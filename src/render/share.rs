//! What a page shares: `page.share` for templates (its address, the links
//! that share it, and its image's text and size for `og:image:*`), and the
//! size of a share card. Both the templates and the card drawing use it;
//! it uses neither.

use serde::Serialize;

use crate::public::Page;
use crate::urls::{ShareLinks, Urls};

/// A share card's size in pixels (the size social sites show large).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// Whether `url` is a share card's (its name is ours: `card-` and 16 hex
/// digits), so a template can give its size; a cover's size is unknown.
pub fn is_card_url(url: &str) -> bool {
    let name = url.rsplit('/').next().unwrap_or("");
    name.strip_prefix("card-")
        .and_then(|r| r.strip_suffix(".png"))
        .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `page.share` of every page: links that share it, and the size and
/// text of its image for `og:image:*` (a card's size is known; a cover's
/// is not).
#[derive(Clone, Debug, Serialize)]
pub struct PageShare {
    /// The page's absolute address.
    pub url: String,
    pub links: ShareLinks,
    pub image_alt: String,
    /// 0 when unknown (not a share card).
    pub image_width: u32,
    pub image_height: u32,
}

/// [`PageShare`] of `page`, on a site titled `site_title`.
pub fn page_share(page: &Page, urls: &Urls, site_title: &str) -> PageShare {
    let title = if page.title.is_empty() || page.kind() == "home" {
        site_title.to_string()
    } else {
        format!("{} | {site_title}", page.title)
    };
    let url = urls.absolute(&page.path);
    let card = is_card_url(&page.image);
    PageShare {
        links: crate::urls::share_links(&url, &title),
        url,
        image_alt: if page.image.is_empty() {
            String::new()
        } else {
            title
        },
        image_width: if card { WIDTH } else { 0 },
        image_height: if card { HEIGHT } else { 0 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_urls_are_recognised() {
        assert!(is_card_url(
            "https://example.org/lab/labs/a/card-0123456789abcdef.png"
        ));
        assert!(!is_card_url("https://example.org/lab/labs/a/cover.png"));
        assert!(!is_card_url("card-0123.png"));
    }
}
