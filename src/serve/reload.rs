//! Live reload: the script injected into served pages and the
//! Server-Sent Events that drive it.
//!
//! Events on [`EVENTS_PATH`]:
//!
//! - `hello` (data: the served build's number), sent on connect; a page
//!   from another build reloads, so a save that lands while a page is
//!   loading is not missed. A page of that build marks its `<html>` with
//!   `data-labsite-live="N"`: its stream is open (what tests wait for).
//! - `reload` (data: build number): reload, keeping the scroll position.
//! - `css` (data: build number): only stylesheets changed; swap them in
//!   place.
//! - `error` (data: JSON list of `{location, message, rendered}`): the last
//!   change broke the site; show the overlay. Sent on connect too while the
//!   site is broken. (`EventSource` also fires `error` for connection
//!   problems; the script tells them apart: only ours carry data.)
//! - `ok`: the site builds again; remove the overlay (a `reload` follows).
//!
//! Server-Sent Events rather than a WebSocket: the server only ever talks,
//! `EventSource` reconnects by itself, and the stream is a plain HTTP
//! response body ([`EventStream`]) that hyper writes out frame by frame.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::sync::mpsc::{self, Receiver, Sender};
use tokio::time::{Instant as TokioInstant, Interval, MissedTickBehavior};

/// The reserved path of the event stream (no site file starts with `__`
/// under a valid id).
pub const EVENTS_PATH: &str = "/__labsite/events";

/// A comment line every so often keeps proxies and idle timeouts from
/// closing the stream, and finds clients that went away.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// Events queued for one page at most. A page whose queue is full has
/// stopped reading: it is dropped, its stream ends once the connection
/// drains, and `EventSource` reconnects (the `hello` then tells it whether it
/// missed a build). Rebuilds come one at a time, so a page that reads never
/// gets near this.
const QUEUE: usize = 64;

/// The script injected before `</body>` of every served page; `build` is the
/// number of the build the page belongs to.
pub fn snippet(build: u64) -> String {
    snippet_template().replace(BUILD_TOKEN, &build.to_string())
}

/// The token standing for the build number in [`snippet_template`]: pages
/// keep it while in memory, and the HTTP layer writes the number of the
/// build being served ([`stamp`]), so a rebuild need not re-render every
/// page just to change it.
pub const BUILD_TOKEN: &str = "__LABSITE_BUILD__";

/// The snippet with the build number left as [`BUILD_TOKEN`].
pub fn snippet_template() -> String {
    SCRIPT.replace("__EVENTS__", EVENTS_PATH)
}

/// A page's bytes with [`BUILD_TOKEN`] replaced by `build`.
pub fn stamp(bytes: &[u8], build: u64) -> Vec<u8> {
    let token = BUILD_TOKEN.as_bytes();
    let number = build.to_string();
    let mut out = Vec::with_capacity(bytes.len() + 8);
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(token) {
            out.extend_from_slice(number.as_bytes());
            i += token.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// Marks a page that already carries the snippet.
pub const SNIPPET_MARKER: &str = "data-labsite-live-reload";

const SCRIPT: &str = r#"<script data-labsite-live-reload="__LABSITE_BUILD__">
(() => {
  "use strict";
  let build = __LABSITE_BUILD__;
  const key = "labsite:scrollY:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    const y = Number(saved);
    const restore = () => window.scrollTo(0, y);
    restore();
    addEventListener("load", restore, { once: true });
  }
  const reload = () => {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  };
  const overlayId = "labsite-error-overlay";
  const hide = () => {
    const old = document.getElementById(overlayId);
    if (old) old.remove();
  };
  const el = (tag, style, text) => {
    const e = document.createElement(tag);
    e.style.cssText = style;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const show = (diagnostics) => {
    hide();
    const box = el("div", "position:fixed;top:0;left:0;right:0;max-height:70vh;overflow:auto;z-index:2147483647;" +
      "box-sizing:border-box;margin:0;padding:12px 16px;background:#1d1f21;color:#e8e8e8;text-align:left;" +
      "border-bottom:4px solid #e0564f;box-shadow:0 4px 18px rgba(0,0,0,.45);" +
      "font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace");
    box.id = overlayId;
    box.setAttribute("role", "alert");
    const close = el("button", "float:right;font:inherit;font-size:18px;line-height:1;background:none;color:inherit;border:0;cursor:pointer", "\u00d7");
    close.type = "button";
    close.setAttribute("aria-label", "close");
    close.addEventListener("click", hide);
    box.append(close, el("div", "font-weight:bold;color:#ff8a80", "labsite: the last change broke the site; this page is the last good build"));
    for (const d of diagnostics) {
      const where = el("div", "margin-top:10px;font-weight:bold", (d.location ? d.location + ": " : "") + d.message);
      where.className = "labsite-error-location";
      box.append(where, el("pre", "margin:4px 0 0;white-space:pre-wrap;font:inherit", d.rendered));
    }
    document.body.append(box);
  };
  const swapStyles = () => {
    const stamp = String(Date.now());
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("labsite", stamp);
      const next = link.cloneNode();
      next.href = url.href;
      next.addEventListener("load", () => link.remove(), { once: true });
      next.addEventListener("error", () => next.remove(), { once: true });
      link.after(next);
    }
  };
  const events = new EventSource("__EVENTS__");
  events.addEventListener("hello", (e) => {
    if (Number(e.data) !== build) return reload();
    document.documentElement.dataset.labsiteLive = e.data;
  });
  events.addEventListener("reload", reload);
  events.addEventListener("css", (e) => { build = Number(e.data); swapStyles(); });
  events.addEventListener("error", (e) => { if (typeof e.data === "string") show(JSON.parse(e.data)); });
  events.addEventListener("ok", hide);
  addEventListener("pagehide", () => events.close());
  addEventListener("pageshow", (e) => { if (e.persisted) location.reload(); });
})();
</script>
"#;

/// One Server-Sent Event.
pub fn message(event: &str, data: &str) -> String {
    let mut out = format!("event: {event}\n");
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

/// What a successful rebuild tells the pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Only stylesheets changed.
    Css,
    Reload,
}

/// The connected pages, and what a newly connected one must hear.
pub struct Hub {
    state: Mutex<HubState>,
}

struct HubState {
    clients: Vec<Sender<Arc<str>>>,
    /// The build being served.
    generation: u64,
    /// The current failure: the `error` event's data and the terminal text.
    error: Option<(String, String)>,
    /// The server is stopping: streams end and no new one starts.
    closed: bool,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Hub {
    pub fn new() -> Hub {
        Hub {
            state: Mutex::new(HubState {
                clients: Vec::new(),
                generation: 0,
                error: None,
                closed: false,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HubState> {
        // A panicked request task leaves nothing half-written here.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new client: its receiver and the events it must get first. Under
    /// the same lock as broadcasts, so nothing falls between the two. After
    /// [`Hub::close`] the receiver is already closed.
    pub fn subscribe(&self) -> (Receiver<Arc<str>>, String) {
        let mut st = self.lock();
        let (tx, rx) = mpsc::channel(QUEUE);
        if !st.closed {
            st.clients.push(tx);
        }
        let mut first = String::from("retry: 1000\n\n");
        first.push_str(&message("hello", &st.generation.to_string()));
        if let Some((json, _)) = &st.error {
            first.push_str(&message("error", json));
        }
        (rx, first)
    }

    fn broadcast(st: &mut HubState, msg: &str) {
        let msg: Arc<str> = Arc::from(msg);
        // Gone (its stream ended) or not reading (its queue is full): drop it.
        st.clients.retain(|tx| tx.try_send(msg.clone()).is_ok());
    }

    /// Build `generation` is being served: clear any error and tell the
    /// pages. Returns the event sent (`None` when recovering is all there
    /// is to say).
    pub fn built(&self, generation: u64, change: Change) -> &'static str {
        let mut st = self.lock();
        st.generation = generation;
        let recovered = st.error.take().is_some();
        let data = generation.to_string();
        if recovered {
            Self::broadcast(&mut st, &message("ok", &data));
        }
        // After a failure the page may be older than the last good build
        // it shows: reload it whatever changed.
        let event = if change == Change::Css && !recovered {
            "css"
        } else {
            "reload"
        };
        Self::broadcast(&mut st, &message(event, &data));
        event
    }

    /// The site failed to build: `json` is the `error` event's data, `text`
    /// the diagnostics as printed.
    pub fn failed(&self, json: String, text: String) {
        let mut st = self.lock();
        Self::broadcast(&mut st, &message("error", &json));
        st.error = Some((json, text));
    }

    /// The current failure as printed in the terminal, or "".
    pub fn error_text(&self) -> String {
        self.lock()
            .error
            .as_ref()
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    }

    pub fn clients(&self) -> usize {
        self.lock().clients.len()
    }

    /// End every stream (once what is queued is sent), and every later one
    /// at once: a graceful shutdown waits for responses to end, and an
    /// event stream would not.
    pub fn close(&self) {
        let mut st = self.lock();
        st.closed = true;
        st.clients.clear();
    }
}

/// The body of an event stream: the first events, then whatever the hub
/// sends, with a heartbeat comment when nothing has been sent for
/// [`HEARTBEAT`]. Ends when the hub drops the client.
pub struct EventStream {
    first: Option<Bytes>,
    rx: Receiver<Arc<str>>,
    heartbeat: Interval,
}

impl EventStream {
    /// Subscribe to `hub`. Must be called inside the runtime (the heartbeat
    /// is a timer).
    pub fn new(hub: &Hub) -> EventStream {
        let (rx, first) = hub.subscribe();
        let mut heartbeat = tokio::time::interval_at(TokioInstant::now() + HEARTBEAT, HEARTBEAT);
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        EventStream {
            first: Some(Bytes::from(first)),
            rx,
            heartbeat,
        }
    }
}

impl HttpBody for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if let Some(first) = this.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        match this.rx.poll_recv(cx) {
            Poll::Ready(Some(msg)) => {
                this.heartbeat.reset();
                let bytes = Bytes::copy_from_slice(msg.as_bytes());
                return Poll::Ready(Some(Ok(Frame::data(bytes))));
            }
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => {}
        }
        match this.heartbeat.poll_tick(cx) {
            Poll::Ready(_) => Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(
                b": heartbeat\n\n",
            ))))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn size_hint(&self) -> SizeHint {
        // Unknown: sent chunked, never with a Content-Length.
        SizeHint::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_framed() {
        assert_eq!(message("reload", "3"), "event: reload\ndata: 3\n\n");
        assert_eq!(
            message("error", "a\nb"),
            "event: error\ndata: a\ndata: b\n\n"
        );
    }

    #[test]
    fn a_late_client_hears_the_current_error_and_recovery() {
        let hub = Hub::new();
        hub.built(1, Change::Reload);
        hub.failed("[{\"message\":\"x\"}]".into(), "error: x".into());
        let (rx, first) = hub.subscribe();
        assert!(first.contains("event: hello\ndata: 1\n"), "{first}");
        assert!(first.contains("event: error\n"), "{first}");
        let mut rx = rx;
        assert_eq!(hub.built(2, Change::Css), "reload");
        assert_eq!(&*rx.try_recv().unwrap(), "event: ok\ndata: 2\n\n");
        assert_eq!(&*rx.try_recv().unwrap(), "event: reload\ndata: 2\n\n");
        assert_eq!(hub.built(3, Change::Css), "css");
        drop(rx);
        hub.built(4, Change::Reload);
        assert_eq!(hub.clients(), 0);
    }

    #[test]
    fn a_page_that_stops_reading_is_dropped() {
        let hub = Hub::new();
        let (mut reading, _) = hub.subscribe();
        let (_stalled, _) = hub.subscribe();
        for generation in 1..=QUEUE as u64 {
            hub.built(generation, Change::Reload);
            assert!(reading.try_recv().is_ok());
        }
        assert_eq!(hub.clients(), 2, "a full queue is still a client");
        hub.built(QUEUE as u64 + 1, Change::Reload);
        assert_eq!(hub.clients(), 1, "one event past a full queue drops it");
        assert!(reading.try_recv().is_ok());
    }

    #[test]
    fn closing_ends_every_stream() {
        let hub = Hub::new();
        let (mut before, _) = hub.subscribe();
        hub.built(1, Change::Reload);
        hub.close();
        assert!(before.try_recv().is_ok(), "what was queued is still sent");
        assert!(matches!(
            before.try_recv(),
            Err(mpsc::error::TryRecvError::Disconnected)
        ));
        let (mut after, first) = hub.subscribe();
        assert!(first.contains("event: hello\ndata: 1\n"), "{first}");
        assert!(matches!(
            after.try_recv(),
            Err(mpsc::error::TryRecvError::Disconnected)
        ));
        assert_eq!(hub.clients(), 0);
    }

    #[test]
    fn the_snippet_has_no_closing_script_inside() {
        let s = snippet(7);
        assert_eq!(s.matches("</script>").count(), 1);
        assert!(s.contains("let build = 7;"));
        assert!(s.contains(EVENTS_PATH));
    }
}
