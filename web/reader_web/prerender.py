"""Clips made ahead: `reader render --cache-dir DIR` keeps every sentence it speaks in the
clip cache, as the speech service would have made it, so a server using that cache directory
serves a rendered page's clips without synthesis.

The clip is the exported sentence with the pause after it that the widget's back-to-back
playback needs (what `render_clip` makes), under the same content address: engine and
version, speech options, the sentence and its parts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reader.audio.pauses import sentence_pause
from reader.audio.pcm import silence
from reader.model import Sentence, SentenceClip
from reader.options import SpeechOptions
from reader.site.page import Observer, engine_id
from reader_web.cache import ClipCache
from reader_web.clips import clip_key
from reader_web.clipstore import ClipStore
from reader_web.worker import clip_result

if TYPE_CHECKING:
    from reader.speech import Engine


@dataclass(frozen=True, slots=True, kw_only=True)
class CacheFiller:
    """Made in `reader render`, sent to each render process, opened there beside its engine."""

    directory: Path
    max_bytes: int

    def __call__(self, engine: Engine, options: SpeechOptions) -> Observer:
        store = ClipStore(ClipCache(self.directory, self.max_bytes))
        made_by = engine_id(engine)
        pause = sentence_pause(options.words_per_minute)

        def keep(sentence: Sentence, clip: SentenceClip) -> None:
            key = clip_key(made_by, options, sentence)
            if store.finished(key) is not None:
                return
            spaced = replace(clip, pcm=clip.pcm + silence(pause, clip.sample_rate))
            store.keep(key, clip_result(spaced, sentence.lang))

        return keep
