"""Write reader/language/data/*.words from the word lists of an installed wordfreq.

    pip install wordfreq==3.1.1 && python scripts/make_word_lists.py

Each file holds, for one language, the words that occur at least once in ten million
(rarer ones are mostly names, typing errors and other languages' words) as 32-bit hashes
(see reader/language/frequencies.py), sorted, with each word's frequency in bins of four
centibels: a few megabytes that load in milliseconds, where the lists themselves take half a
second and a hundred megabytes in every process. The output is the same on every run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import wordfreq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.language.frequencies import (  # noqa: E402
    BIN_CENTIBELS,
    KEPT_CENTIBELS,
    LANGUAGES,
    data_path,
    word_hash,
)


def table(lang: str) -> tuple[np.ndarray, np.ndarray]:
    if lang not in wordfreq.available_languages("large"):
        # wordfreq would answer with a neighbour's list.
        raise SystemExit(f"wordfreq has no large list of {lang!r}")
    best: dict[int, int] = {}
    for centibels, words in enumerate(wordfreq.get_frequency_list(lang, "large")):
        if centibels > KEPT_CENTIBELS:
            break
        for word in words:
            key = word_hash(word)
            # Two words with one hash: the commoner one counts.
            best.setdefault(key, centibels // BIN_CENTIBELS)
    keys = np.array(sorted(best), dtype="<u4")
    bins = np.array([best[int(k)] for k in keys], dtype="u1")
    return keys, bins


def main() -> None:
    for lang in LANGUAGES:
        keys, bins = table(lang)
        path = data_path(lang)
        with path.open("wb") as out:
            out.write(np.array([len(keys)], dtype="<u4").tobytes())
            out.write(keys.tobytes())
            out.write(bins.tobytes())
        print(f"{path}: {len(keys)} words, {path.stat().st_size // 1000} kB")


if __name__ == "__main__":
    main()
