// Highlighting and scroll-following for the reader widget.
//
// Block text from the server is whitespace-normalised (runs of whitespace become one space,
// trimmed), so offsets are mapped onto the live DOM by walking the block's text nodes and
// collapsing whitespace the same way. The page is never rewritten: the CSS Custom Highlight
// API paints ranges, and where it is missing a class on the block element marks it instead.

// Text under these elements is never shown as text, so the server never reads it either.
const HIDDEN_TEXT_PARENTS = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"]);
const WHITESPACE = /\s/;
const FALLBACK_CLASS = "reader-block--current";
// Keys that scroll the page: pressing one outside a form field means the reader looks elsewhere.
const SCROLL_KEYS = new Set([
  "ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " ",
]);
const EDITABLE = "input, textarea, select, [contenteditable]";

/** Normalised text of an element with, per character, the DOM point it came from. */
export function textMap(element) {
  const points = [];
  let text = "";
  let pendingSpace = null;
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
    acceptNode: (node) => (HIDDEN_TEXT_PARENTS.has(node.nodeName) ? NodeFilter.FILTER_REJECT
      : NodeFilter.FILTER_ACCEPT),
  });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType === Node.ELEMENT_NODE) {
      // A line break separates words even though the DOM holds no whitespace for it.
      if (node.nodeName === "BR" && text && !pendingSpace) pendingSpace = pointBefore(node);
      continue;
    }
    const data = node.data;
    for (let i = 0; i < data.length; i += 1) {
      if (WHITESPACE.test(data[i])) {
        if (text && !pendingSpace) pendingSpace = { node, offset: i };
        continue;
      }
      if (pendingSpace) {
        text += " ";
        points.push(pendingSpace);
        pendingSpace = null;
      }
      text += data[i];
      points.push({ node, offset: i });
    }
  }
  return { text, points };
}

function pointBefore(node) {
  return { node: node.parentNode, offset: Array.prototype.indexOf.call(node.parentNode.childNodes, node) };
}

/** Offsets [start, end) of `blockText.slice(start, end)` inside the DOM text, or null. */
export function alignSpan(map, blockText, start, end) {
  if (map.text === blockText) return [start, end];
  const needle = blockText.slice(start, end).trim();
  if (!needle) return null;
  // The DOM text can differ from the server's (alt text, skipped parts): take the occurrence
  // nearest to where the server put it.
  let best = -1;
  for (let at = map.text.indexOf(needle); at >= 0; at = map.text.indexOf(needle, at + 1)) {
    if (best < 0 || Math.abs(at - start) < Math.abs(best - start)) best = at;
  }
  return best < 0 ? null : [best, best + needle.length];
}

/** A DOM Range over normalised characters [start, end) of a text map. */
export function rangeFor(map, start, end) {
  if (start >= end || start < 0 || end > map.points.length) return null;
  const first = map.points[start];
  const last = map.points[end - 1];
  const range = document.createRange();
  range.setStart(first.node, first.offset);
  range.setEnd(last.node, last.offset + 1);
  return range;
}

/** Normalised character offset of a DOM point inside a text map (-1 when outside). */
export function offsetAt(map, node, offset) {
  const probe = document.createRange();
  probe.setStart(node, offset);
  for (let i = 0; i < map.points.length; i += 1) {
    const point = map.points[i];
    if (probe.comparePoint(point.node, point.offset) >= 0) return i;
  }
  return map.points.length ? map.points.length - 1 : -1;
}

/** Where a sentence ([start, end) of the server's block text) sits in its live block. */
export function placeSentence(element, blockText, start, end) {
  const map = textMap(element);
  const span = alignSpan(map, blockText, start, end);
  return { map, span, range: span && rangeFor(map, span[0], span[1]), words: new Map() };
}

/** Range of a word given in block offsets, shifted as its sentence was (null if it differs). */
export function placeWord(placed, blockText, sentenceStart, start, end) {
  if (!placed.span) return null;
  const shift = placed.span[0] - sentenceStart;
  const same = placed.map.text.slice(start + shift, end + shift) === blockText.slice(start, end);
  return same ? rangeFor(placed.map, start + shift, end + shift) : null;
}

/** Which of a block's sentences ({start, end} in `blockText`) holds a DOM point: its position. */
export function sentenceAtPoint(element, blockText, sentences, node, offset) {
  if (!node || !element.contains(node)) return 0;
  const map = textMap(element);
  const at = offsetAt(map, node, offset);
  const found = sentences.findIndex((sentence) => {
    const span = alignSpan(map, blockText, sentence.start, sentence.end);
    return span && at < span[1];
  });
  return found < 0 ? sentences.length - 1 : found;
}

/** The DOM point under a pointer position (null where the browser cannot tell). */
export function caretAt(x, y) {
  if (document.caretPositionFromPoint) {
    const position = document.caretPositionFromPoint(x, y);
    return position && { node: position.offsetNode, offset: position.offset };
  }
  const range = document.caretRangeFromPoint?.(x, y);
  return range && { node: range.startContainer, offset: range.startOffset };
}

/** Paints the current sentence and word, or marks the block where highlights are missing. */
export class Highlighter {
  constructor({ supported = typeof CSS !== "undefined" && "highlights" in CSS
    && typeof Highlight === "function" } = {}) {
    this.supported = supported;
    this.enabled = true;
    this.block = null;
    this.sentence = null;
    this.word = null;
  }

  setEnabled(enabled) {
    this.enabled = enabled;
    this.paint();
  }

  showSentence(block, range) {
    this.block = block;
    this.sentence = range;
    this.word = null;
    this.paint();
  }

  showWord(range) {
    if (range === this.word) return;
    this.word = range;
    if (this.supported && this.enabled) this.setHighlight("reader-word", range, 1);
  }

  clear() {
    this.block = null;
    this.sentence = null;
    this.word = null;
    this.paint();
  }

  paint() {
    const on = this.enabled;
    if (this.supported) {
      this.setHighlight("reader-sentence", on ? this.sentence : null, 0);
      this.setHighlight("reader-word", on ? this.word : null, 1);
    }
    for (const marked of document.querySelectorAll(`.${FALLBACK_CLASS}`)) {
      if (marked !== this.block || !on) marked.classList.remove(FALLBACK_CLASS);
    }
    // Without the Highlight API (or without a range for the sentence) the block is marked whole.
    if (on && this.block && (!this.supported || !this.sentence)) {
      this.block.classList.add(FALLBACK_CLASS);
    }
  }

  setHighlight(name, range, priority) {
    if (!range) {
      CSS.highlights.delete(name);
      return;
    }
    const highlight = new Highlight(range);
    highlight.priority = priority;
    CSS.highlights.set(name, highlight);
  }
}

/** Keeps the block being read in view until the reader scrolls elsewhere. */
export class Follower {
  constructor({ ignore, bottomInset }) {
    this.ignore = ignore;
    this.bottomInset = bottomInset;
    this.detached = false;
    this.current = null;
    this.reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
    this.onUserScroll = (event) => this.userScrolled(event);
    this.observer = typeof IntersectionObserver === "function"
      ? new IntersectionObserver((entries) => this.observed(entries)) : null;
  }

  attach() {
    for (const type of ["wheel", "touchmove", "keydown"]) {
      window.addEventListener(type, this.onUserScroll, { passive: true, capture: true });
    }
  }

  detach() {
    for (const type of ["wheel", "touchmove", "keydown"]) {
      window.removeEventListener(type, this.onUserScroll, { capture: true });
    }
    this.observer?.disconnect();
    this.current = null;
  }

  resume() {
    this.detached = false;
    if (this.current && !this.inView(this.current)) this.scrollTo(this.current);
  }

  follow(element) {
    if (this.detached && this.current && this.inView(this.current)) this.detached = false;
    if (element !== this.current) {
      this.observer?.disconnect();
      this.current = element;
      this.observer?.observe(element);
    }
    if (!this.detached && !this.inView(element)) this.scrollTo(element);
  }

  userScrolled(event) {
    if (this.ignore(event.target)) return;
    if (event.type === "keydown") {
      if (!SCROLL_KEYS.has(event.key) || event.target.closest?.(EDITABLE)) return;
    }
    this.detached = true;
  }

  observed(entries) {
    // Scrolling back to the sentence being read means: follow the reading again.
    if (this.detached && entries.some((entry) => entry.isIntersecting
      && entry.target === this.current && this.inView(entry.target))) {
      this.detached = false;
    }
  }

  inView(element) {
    const box = element.getBoundingClientRect();
    const bottom = window.innerHeight - this.bottomInset();
    const tallerThanView = box.height > bottom;
    return tallerThanView ? box.top < bottom && box.bottom > 0 : box.top >= 0 && box.bottom <= bottom;
  }

  scrollTo(element) {
    const behavior = this.reducedMotion.matches ? "auto" : "smooth";
    element.scrollIntoView({ block: "center", inline: "nearest", behavior });
  }
}
