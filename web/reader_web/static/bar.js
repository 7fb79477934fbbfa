// The widget's markup: the Listen button's parts and the player bar with its controls.
//
// Everything here is built from the interface strings with textContent and attributes, never
// from HTML strings; what the controls do is wired by widget.js.

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

/**
 * The hidden player bar and its controls: { bar, audio, playButton, stop, previous, next,
 * fromHere, heading, progress, message, speed, volume, highlightToggle, download, close }.
 */
export function buildBar(text, { speeds, settings, lang }) {
  const bar = el("section", "reader-player", { "aria-label": text.player });
  bar.id = `reader-player-${Math.random().toString(36).slice(2, 8)}`;
  bar.hidden = true;
  const controls = {
    bar,
    playButton: button("reader-player__button reader-player__button--primary js-reader-play",
      "pause", text.pause, true),
    stop: captioned("js-reader-stop", "stop", text.stop, text.stop),
    previous: captioned("js-reader-previous", "previous", text.previous, text.previousShort),
    next: captioned("js-reader-next", "next", text.next, text.nextShort),
    fromHere: button("reader-player__button js-reader-from-here", "fromHere", text.fromHere, true),
    heading: el("p", "reader-player__heading"),
    progress: el("p", "reader-player__progress"),
    message: el("p", "reader-player__message"),
    speed: speedSelect(speeds, settings.speed, lang),
    volume: el("input", "reader-player__range js-reader-volume",
      { type: "range", min: "0", max: "1", step: "0.05" }),
    highlightToggle: button("reader-player__toggle js-reader-highlight", null, text.highlight, true),
    download: el("a", "reader-player__download js-reader-download", { download: "" }),
    close: captioned("js-reader-close", "close", text.close, text.closeShort),
    audio: el("audio", "reader-player__audio js-reader-audio", { preload: "auto" }),
  };
  controls.fromHere.hidden = true;
  controls.message.hidden = true;
  controls.volume.value = String(settings.volume);
  controls.highlightToggle.setAttribute("aria-pressed", String(settings.highlight));
  controls.highlightToggle.append(narrowCaption(text.highlightShort));
  controls.highlightToggle.title = text.highlight;
  controls.download.append(icon("download"), label(text.download),
    narrowCaption(text.downloadShort));
  controls.download.title = text.download;
  controls.download.hidden = true;
  layOut(controls, text);
  return controls;
}

function speedSelect(speeds, speed, lang) {
  const select = el("select", "reader-player__select js-reader-speed");
  for (const value of speeds) {
    const option = el("option", "", { value: String(value) });
    option.textContent = `${value.toLocaleString(lang)}×`;
    select.append(option);
  }
  select.value = String(speed);
  return select;
}

function layOut(controls, text) {
  const transport = el("div", "reader-player__transport");
  transport.append(controls.playButton, controls.stop, controls.previous, controls.next,
    controls.fromHere);
  const now = el("div", "reader-player__now");
  now.append(controls.heading, controls.progress, controls.message);
  const settings = el("div", "reader-player__settings");
  settings.append(field(controls.speed, text.speed), field(controls.volume, text.volume),
    controls.highlightToggle);
  const end = el("div", "reader-player__end");
  end.append(controls.download, controls.close);
  const inner = el("div", "reader-player__inner");
  inner.append(transport, now, settings, end);
  controls.bar.append(inner, controls.audio);
}

/** A real <button>; without visible text its name is still read out and shown as a tooltip. */
export function button(className, iconName, text, visibleText = false) {
  const element = el("button", className, { type: "button" });
  if (iconName) element.append(icon(iconName));
  element.append(label(text, visibleText));
  if (!visibleText) element.title = text;
  return element;
}

/** The short name a control shows on a narrow screen instead of its full one. */
function narrowCaption(text) {
  const caption = el("span", "reader-player__caption reader-player__caption--narrow",
    { "aria-hidden": "true" });
  caption.textContent = text;
  return caption;
}

/**
 * An icon button with its short name shown under the icon; the full name (which begins with
 * the short one) is its accessible name and its tooltip.
 */
function captioned(hook, iconName, text, short) {
  const element = el("button", `reader-player__button reader-player__button--captioned ${hook}`,
    { type: "button", "aria-label": text });
  element.title = text;
  const caption = el("span", "reader-player__caption", { "aria-hidden": "true" });
  caption.textContent = short || text;
  element.append(icon(iconName), caption);
  return element;
}

/** Shows an icon and a visible name on a button, replacing what it showed before. */
export function relabel(element, iconName, text) {
  element.replaceChildren(icon(iconName), label(text, true));
}

/** An element with a class and attributes. */
export function el(tag, className, attributes = {}) {
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
