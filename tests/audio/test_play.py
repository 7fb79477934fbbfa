"""Speaking through a device: frames are delivered in reading order and the keys steer them."""

from __future__ import annotations

from collections.abc import Generator, Iterator

import pytest

from reader.audio.play import ClipFeed, Player, open_device, speak_page
from reader.errors import AudioError
from reader.options import ReadOptions, SpeechOptions
from reader.pipeline import read_page

PAGE_HTML = (
    "<html lang='en'><body><main><h1>Opening hours</h1>"
    "<p>The library opens at nine. It closes at five.</p>"
    "<p lang='sv'>Välkommen till biblioteket.</p><h2>Address</h2><p>Main street one.</p>"
    "</main></body></html>"
)
FRAMES = 1024  # frames the device asks for per callback


@pytest.fixture
def player() -> Iterator[Player]:
    page = read_page(PAGE_HTML, ReadOptions(languages=("en", "sv")))
    feed = ClipFeed(page, SpeechOptions())
    try:
        yield Player(page, feed, show=lambda line: None)
    finally:
        feed.close()


def pull(frames: Generator[bytes, int, None], player: Player, limit: int = 4000) -> int:
    """Drive the device callback by hand until the player is done; return the calls made."""
    for calls in range(limit):
        if player.done.is_set():
            return calls
        chunk = frames.send(FRAMES)
        assert len(chunk) == FRAMES * 2
    raise AssertionError("playback never finished")


def wait_for_clips(player: Player) -> None:
    for index in range(len(player.sentences)):
        while player.feed.clip(index) is None:
            with player.feed.ready:
                player.feed.ready.wait(0.05)


def started(player: Player) -> Generator[bytes, int, None]:
    frames = player.frames(22050)
    next(frames)
    return frames


def order_played(player: Player) -> list[int]:
    seen: list[int] = []
    for index, _ in player.delivered:
        if not seen or seen[-1] != index:
            seen.append(index)
    return seen


def test_every_utterance_is_delivered_whole_and_in_order(player: Player) -> None:
    wait_for_clips(player)
    pull(started(player), player)
    assert order_played(player) == list(range(len(player.sentences)))
    for index in range(len(player.sentences)):
        delivered = sum(size for i, size in player.delivered if i == index)
        clip = player.feed.clip(index)
        assert clip is not None and delivered == len(clip.pcm)


def test_next_and_previous_sentence_keys(player: Player) -> None:
    wait_for_clips(player)
    frames = started(player)
    frames.send(FRAMES)  # first sentence starts
    player.handle("n")  # skip to the second
    frames.send(FRAMES)
    player.handle("p")  # back to the first
    pull(frames, player)
    assert order_played(player)[:3] == [0, 1, 0]


def test_block_keys_jump_to_the_first_sentence_of_a_block(player: Player) -> None:
    wait_for_clips(player)
    frames = started(player)
    frames.send(FRAMES)
    player.handle("N")  # next block: the paragraph's first sentence
    frames.send(FRAMES)
    player.handle("N")
    frames.send(FRAMES)
    blocks = [player.sentences[i].block for i in order_played(player)]
    assert blocks == [0, 1, 2]


def test_pause_holds_the_place_and_delivers_silence(player: Player) -> None:
    wait_for_clips(player)
    frames = started(player)
    frames.send(FRAMES)
    before = list(player.delivered)
    player.handle(" ")
    assert frames.send(FRAMES) == bytes(FRAMES * 2)
    assert player.delivered == before
    player.handle(" ")
    frames.send(FRAMES)
    assert len(player.delivered) == len(before) + 1


def test_speed_keys_resynthesize_what_follows_faster(player: Player) -> None:
    wait_for_clips(player)
    slow = player.feed.clip(1)
    player.handle("+")
    player.handle("+")
    assert player.feed.words_per_minute == SpeechOptions().words_per_minute + 50
    while (fast := player.feed.clip(1)) is None:
        with player.feed.ready:
            player.feed.ready.wait(0.05)
    assert slow is not None and len(fast.pcm) < 0.85 * len(slow.pcm)


def test_q_stops_reading_and_the_status_says_where(player: Player) -> None:
    shown: list[str] = []
    player.status = shown.append
    wait_for_clips(player)
    frames = started(player)
    frames.send(FRAMES)  # the first sentence starts
    player.handle("n")
    player.handle("q")
    assert pull(frames, player) == 0
    assert shown[-1] == "block 2/5 · sentence 1/2 · 175 wpm · stopped"


def test_speak_page_plays_through_the_null_device_in_real_time() -> None:
    page = read_page("<html lang='en'><main><p>One. Two.</p></main></html>")
    shown: list[str] = []
    player = speak_page(page, SpeechOptions(), backend="null", show=shown.append)
    assert shown == ["[en] One. Two."]
    assert order_played(player) == [0, 1]


def test_no_sound_system_is_one_clear_error() -> None:
    with pytest.raises(AudioError, match="no sound device"):
        open_device("jack", 22050)


def test_the_status_line_follows_keys_pause_and_speed() -> None:
    page = read_page(PAGE_HTML, ReadOptions(languages=("en", "sv")))
    feed = ClipFeed(page, SpeechOptions())
    shown: list[str] = []
    try:
        player = Player(page, feed, show=lambda line: None, status=shown.append)
        wait_for_clips(player)
        frames = started(player)
        frames.send(FRAMES)  # the first sentence starts
        player.handle("n")
        player.handle(" ")
        player.handle("+")
        player.handle(" ")
        player.handle("p")
        player.handle("N")
        player.handle("-")
        player.handle("-")
    finally:
        feed.close()
    assert shown == [
        "block 1/5 · sentence 1/1 · 175 wpm · playing",
        "block 2/5 · sentence 1/2 · 175 wpm · playing",
        "block 2/5 · sentence 1/2 · 175 wpm · paused",
        "block 2/5 · sentence 1/2 · 200 wpm · paused",
        "block 2/5 · sentence 1/2 · 200 wpm · playing",
        "block 1/5 · sentence 1/1 · 200 wpm · playing",
        "block 2/5 · sentence 1/2 · 200 wpm · playing",
        "block 2/5 · sentence 1/2 · 175 wpm · playing",
        "block 2/5 · sentence 1/2 · 150 wpm · playing",
    ]
