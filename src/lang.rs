//! The site's language: a leaf, so that the date formatter and every stage
//! can name it without reaching into `source`.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    Ja,
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Ja => "ja",
            Language::En => "en",
        }
    }
}
