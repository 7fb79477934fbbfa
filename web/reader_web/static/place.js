// Where the Listen button stands when the site did not say (no element with
// data-reader-widget): just above the text that will be read.
//
// Before the page's `main`, `[role=main]`, `article` or the named area when it has one. On a
// page with none of them only the server knows where the text starts, so the widget asks it
// once per page view: GET /api/start/<digest of the page as it would be posted>, answered from
// memory in a few milliseconds (and by the browser's cache on a repeated view) when this
// version of the page has been read; otherwise (204) the page is posted to /api/start, as
// Listen would post it. The button goes before the live element of the first mark the page
// still shows. The button is placed once: if the server has not answered in time, or found
// nothing, it goes before the page's first heading outside its header, navigation and
// dialogs, and a late answer moves nothing.

import { packed, pageCopy, pagePayload as payload } from "./player.js";

// Around the content a div cannot stand inside: the button goes before the whole list,
// table, paragraph or heading group, or the inline element holding the mark.
const NO_DIV_INSIDE = "ul, ol, menu, dl, table, thead, tbody, tfoot, tr, p, hgroup, picture, "
  + "summary, legend, caption, a, span, label, em, strong, b, i, small";
// The page's furniture: the heuristic placement looks for a heading outside these.
const NOT_CONTENT = "header, nav, footer, aside, [role=banner], [role=navigation], "
  + "[role=contentinfo], [role=dialog], [aria-modal=true], [hidden], [aria-hidden=true]";
const HEADINGS = "h1, h2, h3, h4, h5, h6, [role=heading]";
const WORD = /[\p{L}\p{N}]+/gu;
// Words of a mark the element its locator names must open with (markup the server's parser
// nests differently can lead the locator elsewhere).
const CHECKED_WORDS = 8;
// Closer to the window's edge than this, the button gets a margin of its own.
const EDGE_PX = 12;

/** Put the mount in the page once: before `area`, or where the server says the text starts. */
export async function placeMount(mount, area, { apiBase, namedArea, waitMs }) {
  if (area !== document.body) {
    area.before(mount);
    return "area";
  }
  let target = null;
  try {
    const { markup, locate } = pageCopy();
    const marks = await withinTime(askStart(apiBase, payload(markup, namedArea)), waitMs);
    target = Array.isArray(marks) ? markedElement(marks, locate) : null;
  } catch {
    // Whatever went wrong (an answer of another shape), the page still gets its button.
    target = null;
  }
  if (target) {
    mountPoint(target).before(mount);
  } else {
    placeByHeading(mount, area);
  }
  keepOffTheEdge(mount);
  return target ? "server" : "heading";
}

/** The server's marks for this page version (known by digest, else read from a post). */
async function askStart(apiBase, body) {
  const digest = await digestOf(body);
  if (digest) {
    const known = await fetch(new URL(`/api/start/${digest}`, apiBase), { credentials: "omit" });
    if (known.status === 200) return (await known.json()).start;
    if (known.status !== 204) throw new Error(`HTTP ${known.status}`); // 204: not read yet
  }
  const { body: sent, headers } = await packed(body);
  const response = await fetch(new URL("/api/start", apiBase), {
    method: "POST",
    credentials: "omit",
    headers: { "Content-Type": "application/json", ...headers },
    body: sent,
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()).start;
}

/** First 32 hex digits of the SHA-256 of the payload; null where pages have no crypto.subtle
 * (plain http), which then post the page every time. */
async function digestOf(text) {
  if (!globalThis.crypto?.subtle) return null;
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(hash)].map((byte) => byte.toString(16).padStart(2, "0")).join("")
    .slice(0, 32);
}

/** The promise's value, or null when it fails or takes longer than `ms`. */
function withinTime(promise, ms) {
  return Promise.race([
    promise.catch(() => null),
    new Promise((resolve) => { setTimeout(() => resolve(null), ms); }),
  ]);
}

/** The live element of the first mark the page shows: by its locator when the element there
 * holds the mark's text, else the first element in reading order whose text is the mark's. */
function markedElement(marks, locate) {
  for (const mark of marks) {
    const key = textKey(String(mark?.text ?? ""));
    if (!key) continue;
    const located = locate(String(mark.locator ?? ""));
    const opening = key.split(" ").slice(0, CHECKED_WORDS).join(" ");
    if (located && shown(located) && textKey(located.textContent).startsWith(opening)) {
      return located;
    }
    const found = byText(key, mark.kind === "heading" ? HEADINGS : "*");
    if (found) return found;
  }
  return null;
}

function byText(key, selector) {
  const candidates = [...document.body.querySelectorAll(selector)]
    .filter((element) => !element.closest("[data-reader-widget]") && shown(element));
  for (const matches of [(text) => text === key, (text) => text.startsWith(key)]) {
    let best = null;
    for (const element of candidates) {
      if (!matches(textKey(element.textContent))) continue;
      // The innermost element holding just that text, not a wrapper that starts with it.
      if (best === null || best.contains(element)) best = element;
      else break;
    }
    if (best) return best;
  }
  return null;
}

/** Text compared by its words only: case, spacing and punctuation aside. */
function textKey(text) {
  return (text.normalize("NFC").toLowerCase().match(WORD) ?? []).join(" ");
}

function shown(element) {
  return element.getClientRects().length > 0;
}

function mountPoint(target) {
  let point = target;
  while (point.parentElement && point.parentElement !== document.body
    && point.parentElement.matches(NO_DIV_INSIDE)) {
    point = point.parentElement;
  }
  return point;
}

/** The placement without the server: before the first h1 (else heading) of the content. */
export function placeByHeading(mount, area) {
  const headings = [...area.querySelectorAll("h1, h2, h3, h4, h5, h6")]
    .filter((h) => !h.closest(NOT_CONTENT) && shown(h));
  const heading = headings.find((h) => h.localName === "h1") ?? headings[0];
  if (heading) heading.before(mount);
  else if (area === document.body) area.prepend(mount);
  else area.before(mount);
}

/** A button flush against the window's edge gets a margin (a page whose content has none). */
function keepOffTheEdge(mount) {
  const box = mount.getBoundingClientRect();
  const rtl = getComputedStyle(mount).direction === "rtl";
  const gap = rtl ? document.documentElement.clientWidth - box.right : box.left;
  if (gap < EDGE_PX) mount.classList.add("reader-widget--inset");
}
