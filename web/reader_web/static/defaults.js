// The widget's defaults: where it reads, the speeds it offers, its stored settings, and every
// text it shows. One object, so a translation or a site's wording is changed in one place.
//
// Icon buttons show a short name under the icon (`previousShort`) and the full one as their
// accessible name and tooltip (`previous`): the full name must begin with the short one.
//
// To add a language, add an entry under `i18n` with the same keys under its primary language
// subtag (`fi`, `nb`, …): pages whose <html lang> starts with that subtag then use it.

export const DEFAULTS = {
  area: "main, [role=main], article, body",
  speeds: [0.75, 1, 1.25, 1.5, 1.75, 2], // playback multipliers
  storageKey: "reader-settings",
  // How long the button waits for the server to say where the text starts (pages without
  // main/article): after that it is placed by the page's headings, and stays there.
  placeWaitMs: 1500,
  settings: { speed: 1, volume: 1, highlight: true },
  i18n: {
    sv: {
      listen: "Lyssna",
      player: "Uppläsning",
      play: "Spela upp",
      pause: "Pausa",
      stop: "Stoppa",
      previous: "Föregående mening",
      previousShort: "Föregående",
      next: "Nästa mening",
      nextShort: "Nästa",
      fromHere: "Läs härifrån",
      speed: "Hastighet",
      volume: "Volym",
      highlight: "Markera texten",
      highlightShort: "Markera",
      download: "Ladda ner MP3",
      downloadShort: "MP3",
      close: "Stäng uppläsningen",
      closeShort: "Stäng",
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
      previousShort: "Previous",
      next: "Next sentence",
      nextShort: "Next",
      fromHere: "Read from here",
      speed: "Speed",
      volume: "Volume",
      highlight: "Highlight text",
      highlightShort: "Highlight",
      download: "Download MP3",
      downloadShort: "MP3",
      close: "Close the player",
      closeShort: "Close",
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
