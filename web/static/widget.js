// The Listen button and its player bar: one script tag embeds it in any page.
//
//   <script type="module" src="https://reader.example/widget.js" data-reader-area="main"></script>
//
// The API lives at the origin this module was loaded from. Page text only ever reaches the
// DOM through textContent; the page itself is never rewritten (highlights are painted).

import {
  caretAt, Follower, Highlighter, placeSentence, placeWord, sentenceAtPoint,
} from "./highlight.js";
import { loadSettings, requestReading, saveSettings, SentencePlayer } from "./player.js";

const SVG_NS = "http://www.w3.org/2000/svg";
// Material Design icon paths (Apache 2.0), 24 × 24.
const ICONS = {
  listen: "M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 7.97v8.05A4.5 4.5 0 0 0 16.5 12zM14 3.23v2.06a7 7 0 0 1 0 13.42v2.06A9 9 0 0 0 14 3.23z",
  play: "M8 5v14l11-7z",
  pause: "M6 19h4V5H6v14zm8-14v14h4V5h-4z",
  stop: "M6 6h12v12H6z",
  previous: "M6 6h2v12H6zm3.5 6 8.5 6V6z",
  next: "M6 18l8.5-6L6 6v12zM16 6v12h2V6h-2z",
  fromHere: "M4 5h10v2H4zm0 4h10v2H4zm0 4h6v2H4zm10 0v8l6-4z",
  download: "M19 9h-4V3H9v6H5l7 7 7-7zM5 18v2h14v-2H5z",
  close: "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z",
};
// Clicks on these are the page's own business, never "read from here".
const INTERACTIVE = "a[href], button, input, select, textarea, label, summary, [contenteditable], "
  + "[role=button], [role=link], [tabindex]";

export class ReaderWidget {
  static defaults = {
    area: "main, [role=main], article, body",
    rates: [0.75, 1, 1.25, 1.5, 1.75, 2],
    storageKey: "reader-settings",
    settings: { rate: 1, volume: 1, highlight: true },
    i18n: {
      sv: {
        listen: "Lyssna",
        player: "Uppläsning",
        play: "Spela upp",
        pause: "Pausa",
        stop: "Stoppa",
        previous: "Föregående mening",
        next: "Nästa mening",
        fromHere: "Läs härifrån",
        speed: "Hastighet",
        volume: "Volym",
        highlight: "Markera texten",
        download: "Ladda ner MP3",
        close: "Stäng uppläsningen",
        progress: "Mening {n} av {total}",
        loading: "Hämtar uppläsningen",
        playing: "Läser upp",
        paused: "Pausad",
        stopped: "Stoppad",
        finished: "Uppläsningen är klar",
        error: "Sidan kunde inte läsas upp. Försök igen senare.",
      },
      en: {
        listen: "Listen",
        player: "Read aloud",
        play: "Play",
        pause: "Pause",
        stop: "Stop",
        previous: "Previous sentence",
        next: "Next sentence",
        fromHere: "Read from here",
        speed: "Speed",
        volume: "Volume",
        highlight: "Highlight text",
        download: "Download MP3",
        close: "Close the player",
        progress: "Sentence {n} of {total}",
        loading: "Preparing the reading",
        playing: "Playing",
        paused: "Paused",
        stopped: "Stopped",
        finished: "Finished",
        error: "The page could not be read aloud. Please try again later.",
      },
    },
  };

  constructor(mount, { area, apiBase, pageLang }) {
    this.mount = mount;
    this.area = area;
    this.apiBase = apiBase;
    this.pageLang = pageLang;
    const { i18n } = ReaderWidget.defaults;
    // The interface speaks the page's language where it has strings for it, else English.
    this.lang = pageLang.split("-")[0].toLowerCase();
    this.text = i18n[this.lang] ?? i18n.en;
    const { storageKey, settings, rates } = ReaderWidget.defaults;
    this.settings = loadSettings(storageKey, settings, rates);
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
  }

  init() {
    this.mount.setAttribute("data-reader-widget", "");
    this.mount.setAttribute("data-reader-skip", "");
    this.mount.classList.add("reader-widget");
    this.listen = this.button("reader-button js-reader-listen", "listen", this.text.listen, true);
    this.status = el("p", "reader-widget__status", { role: "status" });
    this.bar = this.buildBar();
    this.listen.setAttribute("aria-expanded", "false");
    this.listen.setAttribute("aria-controls", this.bar.id);
    this.mount.append(this.listen, this.status, this.bar);
    this.player = new SentencePlayer(this.audio, this.apiBase);
    this.player.setRate(this.settings.rate);
    this.player.setVolume(this.settings.volume);
    this.highlighter.setEnabled(this.settings.highlight);
    this.player.addEventListener("sentence", () => this.showSentence());
    this.player.addEventListener("state", () => this.showState());
    this.audio.addEventListener("timeupdate", () => this.showWord());
    this.listen.addEventListener("click", () => this.open());
    this.onDocumentClick = (event) => this.readFromClick(event);
    this.onSelection = () => this.readFromSelection();
    new ResizeObserver(() => this.reserveSpace()).observe(this.bar);
  }

  buildBar() {
    const t = this.text;
    const bar = el("section", "reader-player", { "aria-label": t.player });
    bar.id = `reader-player-${Math.random().toString(36).slice(2, 8)}`;
    bar.hidden = true;
    this.playButton = this.button("reader-player__button reader-player__button--primary js-reader-play",
      "pause", t.pause, true);
    const stop = this.button("reader-player__button js-reader-stop", "stop", t.stop);
    const previous = this.button("reader-player__button js-reader-previous", "previous", t.previous);
    const next = this.button("reader-player__button js-reader-next", "next", t.next);
    this.fromHere = this.button("reader-player__button js-reader-from-here", "fromHere", t.fromHere, true);
    this.fromHere.hidden = true;
    this.heading = el("p", "reader-player__heading");
    this.progress = el("p", "reader-player__progress");
    this.message = el("p", "reader-player__message");
    this.message.hidden = true;
    this.speed = el("select", "reader-player__select js-reader-speed");
    for (const rate of ReaderWidget.defaults.rates) {
      const option = el("option", "", { value: String(rate) });
      option.textContent = `${rate.toLocaleString(this.lang)}×`;
      this.speed.append(option);
    }
    this.speed.value = String(this.settings.rate);
    this.volume = el("input", "reader-player__range js-reader-volume",
      { type: "range", min: "0", max: "1", step: "0.05" });
    this.volume.value = String(this.settings.volume);
    this.highlightToggle = this.button("reader-player__toggle js-reader-highlight", null, t.highlight, true);
    this.highlightToggle.setAttribute("aria-pressed", String(this.settings.highlight));
    this.download = el("a", "reader-player__download js-reader-download", { download: "" });
    this.download.append(icon("download"), label(t.download));
    this.download.hidden = true;
    const close = this.button("reader-player__button js-reader-close", "close", t.close);
    this.audio = el("audio", "reader-player__audio js-reader-audio", { preload: "auto" });
    this.layOut(bar, { stop, previous, next, close });
    this.wire({ stop, previous, next, close });
    return bar;
  }

  layOut(bar, { stop, previous, next, close }) {
    const t = this.text;
    const transport = el("div", "reader-player__transport");
    transport.append(this.playButton, stop, previous, next, this.fromHere);
    const now = el("div", "reader-player__now");
    now.append(this.heading, this.progress, this.message);
    const settings = el("div", "reader-player__settings");
    settings.append(field(this.speed, t.speed), field(this.volume, t.volume), this.highlightToggle);
    const end = el("div", "reader-player__end");
    end.append(this.download, close);
    const inner = el("div", "reader-player__inner");
    inner.append(transport, now, settings, end);
    bar.append(inner, this.audio);
  }

  wire({ stop, previous, next, close }) {
    this.playButton.addEventListener("click", () => this.togglePlay());
    stop.addEventListener("click", () => this.player.stop());
    previous.addEventListener("click", () => this.step(-1));
    next.addEventListener("click", () => this.step(1));
    this.fromHere.addEventListener("click", () => this.startPending());
    close.addEventListener("click", () => this.close());
    this.speed.addEventListener("change", () => this.changeSettings({ rate: Number(this.speed.value) }));
    this.volume.addEventListener("input", () => this.changeSettings({ volume: Number(this.volume.value) }));
    this.highlightToggle.addEventListener("click", () => this.changeSettings(
      { highlight: this.highlightToggle.getAttribute("aria-pressed") !== "true" }));
  }

  button(className, iconName, text, visibleText = false) {
    const button = el("button", className, { type: "button" });
    if (iconName) button.append(icon(iconName));
    button.append(label(text, visibleText));
    if (!visibleText) button.title = text;
    return button;
  }

  async open() {
    // Unlock playback while still inside the click: mobile browsers demand a user gesture.
    this.player.unlock();
    const session = ++this.session;
    // The request leaves before the bar is drawn: synthesis of the first sentence starts sooner.
    const request = requestReading(this.apiBase, this.area, this.pageLang);
    this.loading = true;
    this.showBar();
    let reading;
    try {
      reading = await request;
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
  }

  showBar() {
    this.listen.hidden = true;
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
    this.highlighter.clear();
    this.follower.detach();
    document.removeEventListener("click", this.onDocumentClick);
    document.removeEventListener("selectionchange", this.onSelection);
    this.bar.hidden = true;
    this.listen.hidden = false;
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
    this.playButton.replaceChildren(icon(name), label(this.text[name], true));
  }

  announce(message) {
    if (message === this.announced) return;
    this.announced = message;
    this.status.textContent = message;
  }

  indexBlocks() {
    this.blockElements = new Map();
    this.player.sentences.forEach((sentence, index) => {
      const element = resolve(sentence.block.locator);
      if (!element || !this.area.contains(element)) return;
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
    this.player.setRate(this.settings.rate);
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

function el(tag, className, attributes = {}) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

function label(text, visible = true) {
  const span = el("span", visible ? "reader-player__label" : "reader-widget__visually-hidden");
  span.textContent = text;
  return span;
}

function field(control, text) {
  const wrapper = el("label", "reader-player__field");
  const caption = el("span", "reader-player__field-label");
  caption.textContent = text;
  wrapper.append(caption, control);
  return wrapper;
}

function icon(name) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("class", "reader-icon");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

function resolve(locator) {
  try {
    return locator ? document.querySelector(locator) : null;
  } catch {
    return null;
  }
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

function boot() {
  if (document.querySelector(".js-reader-listen")) return;
  const script = ownScript();
  const area = findArea(script?.dataset.readerArea || ReaderWidget.defaults.area);
  let mount = document.querySelector("[data-reader-widget]");
  if (!mount) {
    mount = el("div", "reader-widget");
    if (area === document.body) area.prepend(mount);
    else area.before(mount);
  }
  const pageLang = document.documentElement.lang || "en";
  ensureStylesheet();
  const apiBase = new URL(import.meta.url).origin;
  new ReaderWidget(mount, { area, apiBase, pageLang }).init();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", boot, { once: true });
} else {
  boot();
}
