// Talking to the reader API and playing its sentence clips in order.
//
// One <audio> element plays every clip: it is unlocked inside the click that opened the
// player (mobile browsers only let an element start sound from a user gesture), and later
// clips reuse it. Upcoming clips are fetched ahead as blobs so sentences follow without a gap.

// How many clips after the current one are fetched ahead.
const PREFETCH = 2;
// Clips further behind than this are released (previous sentence stays instant).
const KEEP_BEHIND = 1;
// The widget's own markup never goes to the server.
const WIDGET_SELECTOR = "[data-reader-widget]";
// Left out of the copy sent to the server: never read, and they only add bytes. Extraction
// drops each of these tags whole too (reader_web.posted.UNSENT_TAGS, checked by a test), so
// what is read does not change, and the `nth-of-type` positions of other tags stay put.
// `source` and `track` must go: the server's parser does not know them as empty elements and
// would take the `<img>` after a `<source>` (as the browser writes it out) for its content.
const UNSENT_SELECTOR = "script, style, link, svg, template, iframe, canvas, video, "
  + "audio, object, embed, select, textarea, source, track";
// Attributes left out likewise: image sources and framework data, never read.
const UNSENT_ATTRIBUTES = new Set(["src", "srcset", "sizes"]);
const KEPT_DATA_PREFIX = "data-reader-";

function isUnsentAttribute(name) {
  if (name.startsWith("data-")) return !name.startsWith(KEPT_DATA_PREFIX);
  return UNSENT_ATTRIBUTES.has(name) || name.startsWith("on");
}

/**
 * A copy of the page's body to send, and a function that finds the live element a block
 * locator names. The server reads the whole page and finds its text itself; locators are
 * CSS selectors into the copy it was sent, so they are resolved in that copy and led back to
 * the live element the copy was made from. The live page is never changed.
 */
export function pageCopy(body = document.body) {
  const copy = body.cloneNode(true);
  const originals = new Map();
  const live = document.createTreeWalker(body, NodeFilter.SHOW_ELEMENT);
  const copied = document.createTreeWalker(copy, NodeFilter.SHOW_ELEMENT);
  for (let node = copied.currentNode; node; node = copied.nextNode()) {
    originals.set(node, live.currentNode);
    live.nextNode();
  }
  for (const unsent of copy.querySelectorAll(`${WIDGET_SELECTOR}, ${UNSENT_SELECTOR}`)) {
    unsent.remove();
  }
  for (const element of [copy, ...copy.querySelectorAll("*")]) {
    for (const name of element.getAttributeNames()) {
      if (isUnsentAttribute(name)) element.removeAttribute(name);
    }
  }
  const markup = copy.outerHTML;
  // Locators start at `body` or an id: a detached root above the copy lets `body` match.
  const root = document.createElement("html");
  root.append(copy);
  const locate = (locator) => {
    try {
      return locator ? originals.get(root.querySelector(locator)) ?? null : null;
    } catch {
      return null;
    }
  };
  return { markup, locate };
}

// A page's lang as the API takes it: as written when shaped like a tag (`sv_SE` too), else ""
// (a malformed one declares nothing, and the API refuses it).
function postedLang(lang) {
  const tag = lang.trim();
  return tag.length <= 35 && /^[a-z]{1,8}([-_][a-z0-9]{1,8})*$/i.test(tag) ? tag : "";
}

/** The page as the widget posts it: its body's copy and what the server needs around it. */
export function pagePayload(markup, area) {
  const language = document.querySelector('meta[http-equiv="content-language" i]');
  return JSON.stringify({
    html: markup,
    url: window.location.href,
    lang: postedLang(document.documentElement.getAttribute("lang") ?? ""),
    title: document.title,
    content_language: language?.getAttribute("content") ?? "",
    area,
  });
}

/** The request body, gzipped where the browser can: a page's markup shrinks about sixfold. */
export async function packed(text) {
  if (typeof CompressionStream !== "function") return { body: text, headers: {} };
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  const body = await new Response(stream).arrayBuffer();
  return { body, headers: { "Content-Encoding": "gzip" } };
}

/**
 * POSTs the page to the API; returns its JSON answer and the locator resolver. `area` is the
 * selector list the site owner named on the script tag ("" when none). Throws with a message.
 */
export async function requestReading(apiBase, area) {
  const { markup, locate } = pageCopy();
  const { body, headers } = await packed(pagePayload(markup, area));
  const post = async (path) => {
    const response = await fetch(new URL(path, apiBase), {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/json", ...headers },
      body,
    });
    if (!response.ok) throw new Error(await errorMessage(response));
    return response.json();
  };
  // `first`: a long page is answered with its first sentences and a `rest` URL, so that the
  // listener hears the start while the server plans the rest (see requestRest). `whole`
  // asks again for the whole page at once, should the rest be lost (another server node).
  return { reading: await post("/api/read?first=1"), locate, whole: () => post("/api/read") };
}

/** The whole reading of a page answered in parts (its `rest` URL). Throws with a message. */
export async function requestRest(apiBase, rest) {
  const response = await fetch(new URL(rest, apiBase), { credentials: "omit" });
  if (!response.ok) throw new Error(await errorMessage(response));
  return response.json();
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    if (body && typeof body.error === "string") return body.error;
  } catch {
    // Not JSON: the status line says enough.
  }
  return `HTTP ${response.status}`;
}

/** Settings kept from an earlier visit, each checked, else the defaults. */
export function loadSettings(key, defaults, speeds) {
  let stored = {};
  try {
    stored = JSON.parse(window.localStorage.getItem(key) || "{}") ?? {};
  } catch {
    stored = {};
  }
  // Earlier versions stored the speed as `rate`: a returning visitor keeps the chosen speed.
  const speed = stored.speed ?? stored.rate;
  return {
    speed: speeds.includes(speed) ? speed : defaults.speed,
    volume: Number.isFinite(stored.volume) ? Math.min(1, Math.max(0, stored.volume)) : defaults.volume,
    highlight: typeof stored.highlight === "boolean" ? stored.highlight : defaults.highlight,
  };
}

export function saveSettings(key, settings) {
  try {
    window.localStorage.setItem(key, JSON.stringify(settings));
  } catch {
    // Storage can be full or switched off; the settings still hold for this visit.
  }
}

/** A short silent WAV made on the spot: it unlocks the audio element under any CSP with blob:. */
function silentWavUrl() {
  const sampleRate = 8000;
  const samples = 400;
  const bytes = new DataView(new ArrayBuffer(44 + samples));
  const text = (at, value) => [...value].forEach((c, i) => bytes.setUint8(at + i, c.charCodeAt(0)));
  text(0, "RIFF");
  bytes.setUint32(4, 36 + samples, true);
  text(8, "WAVEfmt ");
  bytes.setUint32(16, 16, true);
  bytes.setUint16(20, 1, true);
  bytes.setUint16(22, 1, true);
  bytes.setUint32(24, sampleRate, true);
  bytes.setUint32(28, sampleRate, true);
  bytes.setUint16(32, 1, true);
  bytes.setUint16(34, 8, true);
  text(36, "data");
  bytes.setUint32(40, samples, true);
  for (let i = 0; i < samples; i += 1) bytes.setUint8(44 + i, 128);
  return URL.createObjectURL(new Blob([bytes.buffer], { type: "audio/wav" }));
}

function sentencesOf(reading) {
  return reading.blocks.flatMap((block) => block.sentences.map((sentence) => ({
    ...sentence, block, words: sentence.words ?? null,
  })));
}

/** Plays the sentences of a reading one after another; reports through events. */
export class SentencePlayer extends EventTarget {
  constructor(audio, apiBase) {
    super();
    this.audio = audio;
    this.apiBase = apiBase;
    this.sentences = [];
    this.index = 0;
    this.state = "stopped";
    this.clips = new Map();
    this.generation = 0;
    this.speed = 1;
    audio.preservesPitch = true;
    audio.addEventListener("ended", () => this.advance());
    audio.addEventListener("error", () => this.failIfCurrent());
  }

  /** Must run synchronously inside a click or key handler. */
  unlock() {
    this.silence ??= silentWavUrl();
    delete this.audio.dataset.index;
    this.audio.src = this.silence;
    this.audio.play().catch(() => {});
  }

  load(reading) {
    this.releaseAll();
    this.sentences = sentencesOf(reading);
    this.index = 0;
    this.more = null;
    this.waiting = false;
  }

  /** The rest of the reading is on its way: at the end of what it has, the player waits. */
  expect(rest) {
    this.more = rest;
  }

  /**
   * The whole reading, whose first sentences are those already loaded: they are kept (with
   * their clips and timings) and the rest follow them, in order.
   */
  extend(reading) {
    this.sentences = [...this.sentences, ...sentencesOf(reading).slice(this.sentences.length)];
    this.more = null;
    if (this.waiting && this.state === "loading") this.play(this.index + 1);
    this.waiting = false;
  }

  /** The rest of the reading could not be had: the player ends with what it has. */
  giveUp(error) {
    this.more = null;
    if (this.waiting && this.state === "loading") this.fail(error);
    this.waiting = false;
  }

  get current() {
    return this.sentences[this.index] ?? null;
  }

  setSpeed(speed) {
    this.speed = speed;
    this.audio.defaultPlaybackRate = speed;
    this.audio.playbackRate = speed;
  }

  setVolume(volume) {
    this.audio.volume = volume;
  }

  async play(index = this.index) {
    if (!this.sentences.length) return;
    const generation = ++this.generation;
    this.index = Math.max(0, Math.min(index, this.sentences.length - 1));
    if (this.audio.dataset.index !== String(this.index) || this.state === "finished") {
      this.setState("loading");
      this.emit("sentence");
      let url;
      try {
        url = await this.clip(this.index);
      } catch (error) {
        if (generation === this.generation) this.fail(error);
        return;
      }
      if (generation !== this.generation) return;
      this.audio.src = url;
      this.audio.dataset.index = String(this.index);
      this.audio.playbackRate = this.speed;
    }
    this.prefetch();
    try {
      await this.audio.play();
    } catch (error) {
      // A newer command replaced this one (AbortError): that one reports its own state.
      if (generation === this.generation && error.name !== "AbortError") this.fail(error);
      return;
    }
    if (generation === this.generation) this.setState("playing");
  }

  pause() {
    this.generation += 1;
    this.audio.pause();
    this.setState("paused");
  }

  stop() {
    this.generation += 1;
    this.audio.pause();
    this.audio.removeAttribute("src");
    delete this.audio.dataset.index;
    this.audio.load();
    this.index = 0;
    this.setState("stopped");
    this.emit("sentence");
  }

  next() {
    if (this.index < this.sentences.length - 1) this.play(this.index + 1);
  }

  previous() {
    if (this.index > 0) this.play(this.index - 1);
  }

  advance() {
    if (this.state !== "playing") return;
    if (this.index < this.sentences.length - 1) {
      this.play(this.index + 1);
    } else if (this.more) {
      this.waiting = true;
      this.setState("loading");
    } else {
      this.setState("finished");
    }
  }

  /** Current time in the clip being played (seconds). */
  get time() {
    return this.audio.currentTime;
  }

  clip(index) {
    if (!this.clips.has(index)) {
      const sentence = this.sentences[index];
      const promise = fetch(new URL(sentence.audio, this.apiBase), { credentials: "omit" })
        .then((response) => {
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          return response.blob();
        })
        .then((blob) => URL.createObjectURL(blob));
      if (!sentence.words && sentence.timing) this.fetchTiming(sentence);
      this.clips.set(index, promise);
      // A failed fetch is forgotten so that pressing play again retries it.
      promise.catch(() => this.clips.get(index) === promise && this.clips.delete(index));
    }
    return this.clips.get(index);
  }

  fetchTiming(sentence) {
    fetch(new URL(sentence.timing, this.apiBase), { credentials: "omit" })
      .then((response) => (response.ok ? response.json() : null))
      .then((timing) => {
        if (timing && Array.isArray(timing.words)) {
          sentence.words = timing.words;
          sentence.duration = timing.duration;
        }
      })
      .catch(() => {});
  }

  prefetch() {
    for (let ahead = 1; ahead <= PREFETCH; ahead += 1) {
      const index = this.index + ahead;
      if (index < this.sentences.length) this.clip(index).catch(() => {});
    }
    for (const [index, promise] of this.clips) {
      if (index < this.index - KEEP_BEHIND || index > this.index + PREFETCH) {
        this.clips.delete(index);
        promise.then((url) => URL.revokeObjectURL(url), () => {});
      }
    }
  }

  releaseAll() {
    for (const promise of this.clips.values()) promise.then((url) => URL.revokeObjectURL(url), () => {});
    this.clips.clear();
  }

  failIfCurrent() {
    if (this.audio.dataset.index && this.state === "playing") {
      this.fail(new Error("audio"));
    }
  }

  fail(error) {
    this.error = error;
    this.setState("error");
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.emit("state");
  }

  emit(type) {
    this.dispatchEvent(new Event(type));
  }
}
