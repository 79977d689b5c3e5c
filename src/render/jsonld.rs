//! schema.org `Event` JSON-LD for a lab's recruitment page (SPEC §8).
//!
//! Fields follow Google's Event structured data: eventStatus,
//! eventAttendanceMode, location, offers (with availability), organizer,
//! capacity. The result is a ready `<script type="application/ld+json">`
//! element that templates output with `| safe`, so it must be safe to embed
//! whatever the YAML said: every `<`, `>` and `&` inside the JSON becomes a
//! `\u` escape, so no string can close the element or open a comment, and
//! U+2028/U+2029 are escaped for old JavaScript parsers.

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};

use crate::public::event::EventView;

/// One planned lab as a schema.org `Event`.
#[derive(Clone, Copy, Debug)]
pub struct EventData<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// startDate, endDate and validThrough are local times in this zone
    /// with their offset (`2026-01-22T19:00:00+09:00`).
    pub tz: Tz,
    pub cancelled: bool,
    pub online: bool,
    pub venue_name: &'a str,
    /// Offline venues: the street address (falls back to the venue name).
    pub venue_address: &'a str,
    /// The recruitment page; the VirtualLocation of an online lab (the real
    /// meeting link is not public) and the offer's URL when there is no
    /// apply URL.
    pub page_url: &'a str,
    /// Absolute URL of an image, if any.
    pub image: Option<&'a str>,
    pub organizer_name: &'a str,
    /// May be empty.
    pub organizer_url: &'a str,
    /// The fee as written (`無料`, `3,000円`); see [`offer_price`].
    pub price: &'a str,
    /// ISO 4217, e.g. `JPY`.
    pub currency: &'a str,
    /// A schema.org availability URL, from
    /// `RecruitmentStatus::schema_availability`.
    pub availability: &'a str,
    /// The application deadline.
    pub valid_through: DateTime<Utc>,
    /// The application form; may be empty (e.g. once closed).
    pub apply_url: &'a str,
    pub capacity: u32,
    pub remaining: u32,
    /// BCP 47, e.g. `ja`.
    pub language: &'a str,
}

/// The recruitment page's `jsonld` variable: the element for `event`.
pub fn recruitment_jsonld(event: &EventView) -> String {
    event_jsonld(&EventData {
        name: &event.name,
        description: &event.description,
        start: event.start,
        end: event.end,
        tz: event.tz,
        cancelled: event.cancelled,
        online: event.online,
        venue_name: &event.venue_name,
        venue_address: &event.venue_address,
        page_url: &event.page_url,
        image: event.image.as_deref(),
        organizer_name: &event.organizer_name,
        organizer_url: &event.organizer_url,
        price: &event.price,
        currency: event.currency,
        availability: event.availability,
        valid_through: event.valid_through,
        apply_url: &event.apply_url,
        capacity: event.capacity,
        remaining: event.remaining,
        language: event.language,
    })
}

/// The complete `<script type="application/ld+json">…</script>` element.
pub fn event_jsonld(e: &EventData) -> String {
    let json = serde_json::to_string(&event_value(e)).unwrap_or_else(|_| "{}".to_string());
    format!(
        "<script type=\"application/ld+json\">{}</script>",
        escape_for_script(&json)
    )
}

/// The JSON-LD object itself.
pub fn event_value(e: &EventData) -> Value {
    let mut event = Map::new();
    event.insert("@context".into(), json!("https://schema.org"));
    event.insert("@type".into(), json!("Event"));
    event.insert("name".into(), json!(e.name));
    if !e.description.is_empty() {
        event.insert("description".into(), json!(e.description));
    }
    event.insert("startDate".into(), json!(local_iso(e.start, e.tz)));
    event.insert("endDate".into(), json!(local_iso(e.end, e.tz)));
    let status = if e.cancelled {
        "https://schema.org/EventCancelled"
    } else {
        "https://schema.org/EventScheduled"
    };
    event.insert("eventStatus".into(), json!(status));
    let mode = if e.online {
        "https://schema.org/OnlineEventAttendanceMode"
    } else {
        "https://schema.org/OfflineEventAttendanceMode"
    };
    event.insert("eventAttendanceMode".into(), json!(mode));
    event.insert("location".into(), location(e));
    if let Some(image) = e.image.filter(|i| !i.is_empty()) {
        event.insert("image".into(), json!([image]));
    }
    event.insert("organizer".into(), organizer(e));
    event.insert("offers".into(), offer(e));
    event.insert("maximumAttendeeCapacity".into(), json!(e.capacity));
    event.insert("remainingAttendeeCapacity".into(), json!(e.remaining));
    if !e.language.is_empty() {
        event.insert("inLanguage".into(), json!(e.language));
    }
    Value::Object(event)
}

fn location(e: &EventData) -> Value {
    if e.online {
        json!({ "@type": "VirtualLocation", "url": e.page_url })
    } else {
        let street = if e.venue_address.is_empty() {
            e.venue_name
        } else {
            e.venue_address
        };
        json!({
            "@type": "Place",
            "name": e.venue_name,
            "address": { "@type": "PostalAddress", "streetAddress": street },
        })
    }
}

fn organizer(e: &EventData) -> Value {
    let mut org = Map::new();
    org.insert("@type".into(), json!("Organization"));
    org.insert("name".into(), json!(e.organizer_name));
    if !e.organizer_url.is_empty() {
        org.insert("url".into(), json!(e.organizer_url));
    }
    Value::Object(org)
}

fn offer(e: &EventData) -> Value {
    let mut offer = Map::new();
    offer.insert("@type".into(), json!("Offer"));
    if let Some(price) = offer_price(e.price) {
        offer.insert("price".into(), json!(price));
        if !e.currency.is_empty() {
            offer.insert("priceCurrency".into(), json!(e.currency));
        }
    }
    offer.insert("availability".into(), json!(e.availability));
    offer.insert(
        "validThrough".into(),
        json!(local_iso(e.valid_through, e.tz)),
    );
    let url = if e.apply_url.is_empty() {
        e.page_url
    } else {
        e.apply_url
    };
    offer.insert("url".into(), json!(url));
    Value::Object(offer)
}

/// The numeric price of a fee text, as schema.org wants it.
///
/// A fee that says it is free (`無料`, `free`, `0円`) is `"0"`, even when it
/// mentions an optional extra (`無料(懇親会は実費)`). Otherwise the first
/// number in the text, without thousands separators: `3,000円` → `3000`,
/// `１，５００円` → `1500`, `12.50 USD` → `12.50`, `1,000〜2,000円` → `1000`
/// (the lowest price is the one to show). Text without a number (`未定`, or
/// no fee given) has no price: better none than a wrong one.
pub fn offer_price(fee: &str) -> Option<String> {
    let lower = fee.to_lowercase();
    if lower.contains("無料") || lower.contains("free") {
        return Some("0".to_string());
    }
    let chars: Vec<char> = fee.chars().map(ascii_digit_or_self).collect();
    let first = chars.iter().position(char::is_ascii_digit)?;
    let mut price = String::new();
    let mut i = first;
    let mut seen_point = false;
    while let Some(&c) = chars.get(i) {
        let next_is_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        match c {
            '0'..='9' => price.push(c),
            ',' | '，' if next_is_digit => {}
            '.' | '．' if next_is_digit && !seen_point => {
                seen_point = true;
                price.push('.');
            }
            _ => break,
        }
        i += 1;
    }
    Some(price)
}

/// Full-width digits as ASCII digits, so `３０００円` reads as 3000.
fn ascii_digit_or_self(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        _ => c,
    }
}

/// ISO 8601 local time with its offset: `2026-01-22T19:00:00+09:00`.
fn local_iso(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Makes JSON text safe inside `<script>`: these characters can occur only
/// inside JSON strings, where their `\u` escapes mean the same.
fn escape_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Asia::Tokyo;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const OPEN: &str = "<script type=\"application/ld+json\">";
    const CLOSE: &str = "</script>";

    fn data() -> EventData<'static> {
        EventData {
            name: "対話1on1ラボ 第2回",
            description: "他社のマネジャー同士が1on1を実践する夜",
            start: utc("2026-01-22T10:00:00Z"),
            end: utc("2026-01-22T12:30:00Z"),
            tz: Tokyo,
            cancelled: false,
            online: true,
            venue_name: "Zoom",
            venue_address: "",
            page_url: "https://example.org/lab/labs/2026-01-22/recruit/",
            image: Some("https://example.org/lab/labs/2026-01-22/cover.png"),
            organizer_name: "対話1on1ラボ事務局",
            organizer_url: "https://example.org/",
            price: "無料",
            currency: "JPY",
            availability: "https://schema.org/InStock",
            valid_through: utc("2026-01-15T14:59:00Z"),
            apply_url: "https://forms.example.org/lab2",
            capacity: 8,
            remaining: 5,
            language: "ja",
        }
    }

    /// The single element, parsed back from between its tags.
    fn parse(html: &str) -> Value {
        let inner = html
            .strip_prefix(OPEN)
            .and_then(|s| s.strip_suffix(CLOSE))
            .expect("one script element");
        assert!(!inner.contains('<') && !inner.contains('>'));
        serde_json::from_str(inner).unwrap()
    }

    #[test]
    fn every_field_of_an_online_lab() {
        let v = parse(&event_jsonld(&data()));
        let expected = json!({
            "@context": "https://schema.org",
            "@type": "Event",
            "name": "対話1on1ラボ 第2回",
            "description": "他社のマネジャー同士が1on1を実践する夜",
            "startDate": "2026-01-22T19:00:00+09:00",
            "endDate": "2026-01-22T21:30:00+09:00",
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
            "location": {
                "@type": "VirtualLocation",
                "url": "https://example.org/lab/labs/2026-01-22/recruit/"
            },
            "image": ["https://example.org/lab/labs/2026-01-22/cover.png"],
            "organizer": {
                "@type": "Organization",
                "name": "対話1on1ラボ事務局",
                "url": "https://example.org/"
            },
            "offers": {
                "@type": "Offer",
                "price": "0",
                "priceCurrency": "JPY",
                "availability": "https://schema.org/InStock",
                "validThrough": "2026-01-15T23:59:00+09:00",
                "url": "https://forms.example.org/lab2"
            },
            "maximumAttendeeCapacity": 8,
            "remainingAttendeeCapacity": 5,
            "inLanguage": "ja"
        });
        assert_eq!(v, expected);
    }

    #[test]
    fn offline_cancelled_paid_lab() {
        let e = EventData {
            cancelled: true,
            online: false,
            venue_name: "ラボ会議室",
            venue_address: "東京都千代田区丸の内1-1-1",
            image: None,
            organizer_url: "",
            price: "3,000円",
            availability: "https://schema.org/SoldOut",
            apply_url: "",
            remaining: 0,
            ..data()
        };
        let v = parse(&event_jsonld(&e));
        assert_eq!(v["eventStatus"], "https://schema.org/EventCancelled");
        assert_eq!(
            v["eventAttendanceMode"],
            "https://schema.org/OfflineEventAttendanceMode"
        );
        assert_eq!(
            v["location"],
            json!({
                "@type": "Place",
                "name": "ラボ会議室",
                "address": {"@type": "PostalAddress", "streetAddress": "東京都千代田区丸の内1-1-1"}
            })
        );
        assert!(v.get("image").is_none());
        assert_eq!(
            v["organizer"],
            json!({"@type": "Organization", "name": "対話1on1ラボ事務局"})
        );
        assert_eq!(v["offers"]["price"], "3000");
        assert_eq!(v["offers"]["availability"], "https://schema.org/SoldOut");
        assert_eq!(v["offers"]["url"], e.page_url);
        assert_eq!(v["remainingAttendeeCapacity"], 0);

        let no_address = EventData {
            venue_address: "",
            ..e
        };
        let v = parse(&event_jsonld(&no_address));
        assert_eq!(v["location"]["address"]["streetAddress"], "ラボ会議室");
    }

    #[test]
    fn hostile_text_stays_inside_the_element() {
        let hostile = "</script><script>alert(1)</script><!-- & \u{2028}\u{2029} \"q\" \\";
        let e = EventData {
            name: hostile,
            description: hostile,
            organizer_name: hostile,
            ..data()
        };
        let html = event_jsonld(&e);
        assert_eq!(html.matches("</script").count(), 1);
        assert_eq!(html.matches("<script").count(), 1);
        assert!(html.ends_with(CLOSE));
        assert!(!html.contains("<!--"));
        assert!(!html.contains('\u{2028}') && !html.contains('\u{2029}'));
        let v = parse(&html);
        assert_eq!(v["name"], hostile);
        assert_eq!(v["description"], hostile);
        assert_eq!(v["organizer"]["name"], hostile);
    }

    #[test]
    fn prices_from_fee_text() {
        let cases = [
            ("無料", Some("0")),
            ("Free", Some("0")),
            ("free of charge", Some("0")),
            ("0円", Some("0")),
            ("無料(懇親会は実費 3,000円)", Some("0")),
            ("3,000円", Some("3000")),
            ("¥3,000", Some("3000")),
            ("３，０００円", Some("3000")),
            ("1,000〜2,000円", Some("1000")),
            ("12.50 USD", Some("12.50")),
            ("参加費 500円(税込)", Some("500")),
            ("1,000, 2,000", Some("1000")),
            ("ただし当日払い 2,000円", Some("2000")),
            ("未定", None),
            ("", None),
        ];
        for (fee, price) in cases {
            assert_eq!(offer_price(fee).as_deref(), price, "{fee}");
        }
        let e = EventData {
            price: "未定",
            ..data()
        };
        let v = parse(&event_jsonld(&e));
        assert!(v["offers"].get("price").is_none());
        assert!(v["offers"].get("priceCurrency").is_none());
    }

    #[test]
    fn deterministic() {
        assert_eq!(event_jsonld(&data()), event_jsonld(&data()));
    }
}
