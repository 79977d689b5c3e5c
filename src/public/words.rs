//! The theme's UI strings, with the program's own ja/en text where the
//! theme has none: the one place that falls back from a theme string to a
//! built-in one.

use std::collections::HashMap;

use crate::lang::Language;

/// UI strings of the theme, with the program's own fallbacks.
pub struct Words<'a> {
    pub map: &'a HashMap<String, String>,
    pub lang: Language,
}

impl Words<'_> {
    /// The theme's string for `key`, else `ja` or `en` by the site's
    /// language.
    pub fn get(&self, key: &str, ja: &str, en: &str) -> String {
        self.map
            .get(key)
            .cloned()
            .unwrap_or_else(|| match self.lang {
                Language::Ja => ja.to_string(),
                Language::En => en.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_string_wins_else_the_sites_language() {
        let map: HashMap<String, String> = [("labs".to_string(), "実験一覧".to_string())].into();
        let ja = Words {
            map: &map,
            lang: Language::Ja,
        };
        let en = Words {
            map: &map,
            lang: Language::En,
        };
        assert_eq!(ja.get("labs", "ラボ一覧", "All labs"), "実験一覧");
        assert_eq!(en.get("labs", "ラボ一覧", "All labs"), "実験一覧");
        assert_eq!(ja.get("other", "その他", "Other"), "その他");
        assert_eq!(en.get("other", "その他", "Other"), "Other");
    }
}
