// The Listen button and its player bar: one script tag embeds it in any page.
//
//   <script type="module" src="https://reader.example/widget.js" data-reader-area="main"></script>
//
// The API lives at the origin this module was loaded from. Page text only ever reaches the
// DOM through textContent; the page itself is never rewritten (highlights are painted).

import { buildBar, button, el, relabel } from "./bar.js";
import { DEFAULTS } from "./defaults.js";
import {
  caretAt, Follower, Highlighter, placeSentence, placeWord, sentenceAtPoint,
} from "./highlight.js";
import { placeMount } from "./place.js";
import {
  loadSettings, requestReading, requestRest, saveSettings, SentencePlayer,
} from "./player.js";

// Clicks on these are the page's own business, never "read from here".
const INTERACTIVE = "a[href], button, input, select, textarea, label, summary, [contenteditable], "
  + "[role=button], [role=link], [tabindex]";

export class ReaderWidget {
  // The one defaults object, every user-facing string included, lives in defaults.js.
  static defaults = DEFAULTS;

  constructor(mount, { namedArea, apiBase, pageLang }) {
    this.mount = mount;
    // The selector list the site owner named on the script tag, "" when none: only then is
    // a part of the page the author's reading area; otherwise the server finds the text.
    this.namedArea = namedArea;
    this.apiBase = apiBase;
    this.pageLang = pageLang;
    const { i18n } = ReaderWidget.defaults;
    // The interface speaks the page's language where it has strings for it, else English.
    this.lang = interfaceLang(pageLang);
    this.text = Object.hasOwn(i18n, this.lang) ? i18n[this.lang] : i18n.en;
    const { storageKey, settings, speeds } = ReaderWidget.defaults;
    this.settings = loadSettings(storageKey, settings, speeds);
    this.highlighter = new Highlighter();
    this.follower = new Follower({
      ignore: (target) => target instanceof Node && this.mount.contains(target),
      bottomInset: () => (this.bar.hidden ? 0 : this.bar.getBoundingClientRect().height),
    });
    this.session = 0;
    this.loading = false;
    this.ticking = false;
    this.blockElements = null;
    this.announced = null;
    this.pendingStart = null;
    this.now = null;
    this.locate = null;
  }

  init() {
    this.mount.setAttribute("data-reader-widget", "");
    this.mount.setAttribute("data-reader-skip", "");
    this.mount.classList.add("reader-widget");
    this.listen = button("reader-button js-reader-listen", "listen", this.text.listen, true);
    this.status = el("p", "reader-widget__status", { role: "status" });
    const { speeds } = ReaderWidget.defaults;
    const controls = buildBar(this.text, { speeds, settings: this.settings, lang: this.lang });
    // The controls the widget updates as the reading goes on; the rest are only wired.
    ({
      bar: this.bar, audio: this.audio, playButton: this.playButton, fromHere: this.fromHere,
      heading: this.heading, progress: this.progress, message: this.message, speed: this.speed,
      volume: this.volume, highlightToggle: this.highlightToggle, download: this.download,
    } = controls);
    this.wire(controls);
    this.listen.setAttribute("aria-expanded", "false");
    this.listen.setAttribute("aria-controls", this.bar.id);
    this.mount.append(this.listen, this.status, this.bar);
    this.player = new SentencePlayer(this.audio, this.apiBase);
    this.player.setSpeed(this.settings.speed);
    this.player.setVolume(this.settings.volume);
    this.highlighter.setEnabled(this.settings.highlight);
    this.player.addEventListener("sentence", () => this.showSentence());
    this.player.addEventListener("state", () => this.showState());
    this.audio.addEventListener("timeupdate", () => this.showWord());
    this.listen.addEventListener("click", () => {
      if (this.bar.hidden) this.open();
      else this.playButton.focus();
    });
    this.onDocumentClick = (event) => this.readFromClick(event);
    this.onSelection = () => this.readFromSelection();
    new ResizeObserver(() => this.reserveSpace()).observe(this.bar);
  }

  wire({ stop, previous, next, close }) {
    this.playButton.addEventListener("click", () => this.togglePlay());
    stop.addEventListener("click", () => this.player.stop());
    previous.addEventListener("click", () => this.step(-1));
    next.addEventListener("click", () => this.step(1));
    this.fromHere.addEventListener("click", () => this.startPending());
    close.addEventListener("click", () => this.close());
    this.speed.addEventListener("change", () => this.changeSettings({ speed: Number(this.speed.value) }));
    this.volume.addEventListener("input", () => this.changeSettings({ volume: Number(this.volume.value) }));
    this.highlightToggle.addEventListener("click", () => this.changeSettings(
      { highlight: this.highlightToggle.getAttribute("aria-pressed") !== "true" }));
  }

  async open() {
    // Unlock playback while still inside the click: mobile browsers demand a user gesture.
    this.player.unlock();
    const session = ++this.session;
    // The request leaves before the bar is drawn: synthesis of the first sentence starts sooner.
    const request = requestReading(this.apiBase, this.namedArea);
    this.loading = true;
    this.showBar();
    let reading;
    try {
      ({ reading, locate: this.locate, whole: this.whole } = await request);
    } catch {
      if (session === this.session) {
        this.loading = false;
        this.showError();
      }
      return;
    }
    if (session !== this.session) return;
    this.loading = false;
    this.reading = reading;
    this.player.load(reading);
    this.indexBlocks();
    this.download.href = new URL(reading.download, this.apiBase).href;
    this.download.hidden = false;
    this.player.play(0);
    if (reading.rest) this.loadRest(session, reading.rest);
  }

  /** A long page comes in two parts: the rest joins the sentences already playing. */
  async loadRest(session, rest) {
    const request = requestRest(this.apiBase, rest);
    this.player.expect(request);
    let reading;
    try {
      reading = await request.catch(() => this.whole());
    } catch (error) {
      if (session === this.session) this.player.giveUp(error);
      return;
    }
    if (session !== this.session) return;
    this.reading = reading;
    this.player.extend(reading);
    this.indexBlocks();
    this.showSentence();
  }

  showBar() {
    // The Listen button stays where it is (the page must not jump); it now leads to the bar.
    this.listen.setAttribute("aria-expanded", "true");
    this.bar.hidden = false;
    this.message.hidden = true;
    document.documentElement.classList.add("reader-player-open");
    this.reserveSpace();
    this.setPlayLabel(true);
    this.playButton.focus();
    this.announce(this.text.loading);
    this.follower.attach();
    document.addEventListener("click", this.onDocumentClick);
    document.addEventListener("selectionchange", this.onSelection);
  }

  close() {
    this.session += 1;
    this.loading = false;
    this.player.stop();
    this.player.load({ blocks: [] });
    this.blockElements = null;
    this.locate = null;
    this.highlighter.clear();
    this.follower.detach();
    document.removeEventListener("click", this.onDocumentClick);
    document.removeEventListener("selectionchange", this.onSelection);
    this.bar.hidden = true;
    this.listen.setAttribute("aria-expanded", "false");
    document.documentElement.classList.remove("reader-player-open");
    this.announced = null;
    this.listen.focus();
  }

  togglePlay() {
    if (!this.player.sentences.length) {
      // Still waiting for the server: pausing drops that wait; after a failure, play retries.
      if (this.loading) this.cancelLoading();
      else this.open();
      return;
    }
    const { state } = this.player;
    if (state === "playing" || state === "loading") {
      this.player.pause();
      return;
    }
    this.follower.resume();
    if (this.pendingStart !== null) {
      this.startPending();
    } else {
      this.player.play(state === "finished" ? 0 : this.player.index);
    }
  }

  cancelLoading() {
    this.session += 1;
    this.loading = false;
    this.setPlayLabel(false);
    this.announce(this.text.paused);
  }

  step(delta) {
    this.follower.resume();
    if (delta < 0) this.player.previous();
    else this.player.next();
  }

  startPending() {
    const index = this.pendingStart;
    this.pendingStart = null;
    this.fromHere.hidden = true;
    if (index !== null) {
      this.follower.resume();
      this.player.play(index);
    }
  }

  showState() {
    const { state } = this.player;
    this.setPlayLabel(state === "playing" || state === "loading");
    if (state === "error") {
      this.showError();
      return;
    }
    if (state === "stopped" || state === "finished") this.highlighter.clear();
    // Moving from one sentence to the next passes through "loading": not worth announcing.
    if (state !== "loading") this.announce(this.text[state]);
    if (state === "playing") {
      this.message.hidden = true;
      if (!this.ticking) this.tick();
    }
  }

  showError() {
    this.message.textContent = this.text.error;
    this.message.hidden = false;
    this.setPlayLabel(false);
    this.announce(this.text.error);
  }

  setPlayLabel(playing) {
    const name = playing ? "pause" : "play";
    relabel(this.playButton, name, this.text[name]);
  }

  announce(message) {
    if (message === this.announced) return;
    this.announced = message;
    this.status.textContent = message;
  }

  indexBlocks() {
    this.blockElements = new Map();
    this.player.sentences.forEach((sentence, index) => {
      const element = this.locate(sentence.block.locator);
      if (!element || !holdsBlock(element, sentence.block)) return;
      if (!this.blockElements.has(element)) this.blockElements.set(element, []);
      this.blockElements.get(element).push(index);
      sentence.element = element;
    });
  }

  showSentence() {
    const sentence = this.player.current;
    if (!sentence) return;
    const { n, total } = { n: this.player.index + 1, total: this.player.sentences.length };
    this.progress.textContent = this.text.progress.replace("{n}", n).replace("{total}", total);
    this.heading.textContent = this.sectionTitle(sentence.block);
    const element = sentence.element;
    if (!element || this.player.state === "stopped") {
      this.now = null;
      this.highlighter.clear();
      return;
    }
    this.now = { sentence, ...placeSentence(element, sentence.block.text, sentence.start, sentence.end) };
    this.highlighter.showSentence(element, this.now.range);
    this.follower.follow(element);
  }

  sectionTitle(block) {
    const blocks = this.reading.blocks;
    for (let i = blocks.indexOf(block); i >= 0; i -= 1) {
      if (blocks[i].kind === "heading") return blocks[i].text;
    }
    return this.reading.title || "";
  }

  tick() {
    // One frame loop at most, running while the voice is heard.
    this.ticking = this.player.state === "playing";
    if (!this.ticking) return;
    this.showWord();
    requestAnimationFrame(() => this.tick());
  }

  showWord() {
    const now = this.now;
    const words = now?.sentence.words;
    if (!words || !now.span) return;
    const time = this.player.time;
    const index = words.findLastIndex(([, , start]) => start <= time);
    if (index < 0 || time > words[index][3] + 0.25) {
      this.highlighter.showWord(null);
      return;
    }
    if (!now.words.has(index)) {
      const [start, end] = words[index];
      now.words.set(index, placeWord(now, now.sentence.block.text, now.sentence.start, start, end));
    }
    this.highlighter.showWord(now.words.get(index));
  }

  readFromClick(event) {
    if (event.button !== 0 || event.defaultPrevented || event.ctrlKey || event.metaKey
      || event.shiftKey || event.altKey || !this.blockElements) return;
    const target = event.target;
    if (!(target instanceof Element) || this.mount.contains(target) || target.closest(INTERACTIVE)) return;
    if (!window.getSelection().isCollapsed) return;
    const caret = caretAt(event.clientX, event.clientY);
    const index = this.sentenceAt(target, caret?.node, caret?.offset);
    if (index === null) return;
    this.follower.resume();
    this.player.play(index);
  }

  readFromSelection() {
    const selection = window.getSelection();
    let index = null;
    if (selection.rangeCount && !selection.isCollapsed && this.blockElements) {
      const range = selection.getRangeAt(0);
      if (!this.mount.contains(range.startContainer)) {
        index = this.sentenceAt(range.startContainer, range.startContainer, range.startOffset);
      }
    }
    this.pendingStart = index;
    this.fromHere.hidden = index === null;
  }

  /** Index of the sentence at a DOM point inside a readable block, or null. */
  sentenceAt(start, node, offset) {
    let element = start instanceof Element ? start : start?.parentElement;
    while (element && !this.blockElements.has(element)) element = element.parentElement;
    if (!element) return null;
    const indexes = this.blockElements.get(element);
    const sentences = indexes.map((index) => this.player.sentences[index]);
    return indexes[sentenceAtPoint(element, sentences[0].block.text, sentences, node, offset)];
  }

  changeSettings(change) {
    this.settings = { ...this.settings, ...change };
    this.player.setSpeed(this.settings.speed);
    this.player.setVolume(this.settings.volume);
    this.highlighter.setEnabled(this.settings.highlight);
    this.highlightToggle.setAttribute("aria-pressed", String(this.settings.highlight));
    saveSettings(ReaderWidget.defaults.storageKey, this.settings);
  }

  reserveSpace() {
    // The bar is fixed to the bottom: the page gets room to scroll its last lines above it.
    const height = this.bar.hidden ? 0 : Math.ceil(this.bar.getBoundingClientRect().height);
    document.documentElement.style.setProperty("--reader-player-height", `${height}px`);
  }
}

// Words of a block compared with its element's text: a locator that led elsewhere (markup
// the server's parser nests differently) gives no highlight rather than a wrong one.
const CHECKED_WORDS = 5;
const WORD = /[\p{L}\p{N}]+/gu;

function holdsBlock(element, block) {
  if (!document.body.contains(element) || element.closest("[data-reader-widget]")) return false;
  if (block.kind === "image") return element.localName === "img";
  const words = (block.text.match(WORD) ?? []).slice(0, CHECKED_WORDS);
  const text = element.textContent.replace(/[\u200b\u00ad\ufeff]/g, "");
  return words.every((word) => text.includes(word));
}

function ownScript() {
  return [...document.querySelectorAll("script[src]")].find((script) => script.src === import.meta.url)
    ?? null;
}

function findArea(selectors) {
  for (const selector of selectors.split(",")) {
    const area = document.querySelector(selector.trim());
    if (area) return area;
  }
  return document.body;
}

function ensureStylesheet() {
  const href = new URL("widget.css", import.meta.url).href;
  if ([...document.styleSheets].some((sheet) => sheet.href === href)) return;
  if (document.querySelector(`link[rel~="stylesheet"][href="${CSS.escape(href)}"]`)) return;
  const link = el("link", "", { rel: "stylesheet", href });
  document.head.append(link);
}

// A page's lang is whatever its author typed ("sv_SE", " ", or markup): the interface uses
// the primary language of a tag the browser accepts (number formats throw on others).
function interfaceLang(pageLang) {
  const primary = pageLang.trim().replaceAll("_", "-").split("-")[0].toLowerCase();
  try {
    return Intl.getCanonicalLocales(primary)[0] ?? "en";
  } catch {
    return "en";
  }
}

// Set once a copy of the widget has started on this page (the script may be included twice).
const STARTED = Symbol.for("reader-widget");

function boot() {
  if (globalThis[STARTED] || document.querySelector(".js-reader-listen")) return;
  globalThis[STARTED] = true;
  const script = ownScript();
  const area = findArea(script?.dataset.readerArea || ReaderWidget.defaults.area);
  const placed = document.querySelector("[data-reader-widget]");
  const mount = placed ?? el("div", "reader-widget");
  const pageLang = document.documentElement.lang || "en";
  ensureStylesheet();
  const apiBase = new URL(import.meta.url).origin;
  const namedArea = script?.dataset.readerArea?.trim() ?? "";
  new ReaderWidget(mount, { namedArea, apiBase, pageLang }).init();
  if (!placed) {
    placeMount(mount, area, { apiBase, namedArea, waitMs: ReaderWidget.defaults.placeWaitMs });
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", boot, { once: true });
} else {
  boot();
}
