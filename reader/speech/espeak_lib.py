"""Finding libespeak-ng: the system library where installed, else the espeakng-loader wheel.

pyttsx3 loads ``libespeak-ng.so.1`` by name when its driver is imported. The dynamic loader
answers a by-name request with an already loaded library of that soname, so loading the
wheel's copy by path first makes pyttsx3 use it on a machine without a system eSpeak NG.

The direct engine gets a private instance of the library (a copy with its own inode, hence
its own global state), so it never shares eSpeak's one-per-process state with pyttsx3.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from reader.errors import SpeechError

# Environment variable that forces where the library comes from: "auto" (system where
# installed, else the wheel), "system" or "wheel". Tests use it to prove the wheel path.
LIB_ENV = "READER_ESPEAK_LIB"
LIB_CHOICES = ("auto", "system", "wheel")
# The name pyttsx3's eSpeak driver asks the dynamic loader for.
SONAME = "libespeak-ng.so.1"

_lock = threading.Lock()
_shared: ctypes.CDLL | None = None
_private: ctypes.CDLL | None = None
_located: dict[str, EspeakLibrary] = {}


@dataclass(frozen=True, slots=True, kw_only=True)
class EspeakLibrary:
    """Where libespeak-ng is loaded from and which data directory goes with it."""

    path: str
    source: str  # "system" | "wheel"
    data_dir: str = ""  # directory holding espeak-ng-data; "" = the library's built-in path


class _DlInfo(ctypes.Structure):
    _fields_ = [
        ("dli_fname", ctypes.c_char_p),
        ("dli_fbase", ctypes.c_void_p),
        ("dli_sname", ctypes.c_char_p),
        ("dli_saddr", ctypes.c_void_p),
    ]


def locate(choice: str | None = None) -> EspeakLibrary:
    """Choose the libespeak-ng to use: `choice` or $READER_ESPEAK_LIB, default "auto"."""
    choice = (choice or os.environ.get(LIB_ENV) or "auto").strip().lower()
    if choice not in LIB_CHOICES:
        raise SpeechError(f"{LIB_ENV} must be one of {', '.join(LIB_CHOICES)}, not {choice!r}")
    # Decided once per process: once the wheel's library is loaded, a by-name lookup of the
    # "system" library would find the wheel's copy.
    with _lock:
        if choice not in _located:
            _located[choice] = _choose(choice)
        return _located[choice]


def _choose(choice: str) -> EspeakLibrary:
    if choice != "wheel":
        system = _system_library()
        if system is not None:
            return system
        if choice == "system":
            raise SpeechError("no system libespeak-ng found (install espeak-ng or use the wheel)")
    return _wheel_library()


def _system_library() -> EspeakLibrary | None:
    if ctypes.util.find_library("espeak-ng") is None:
        return None
    try:
        handle = ctypes.CDLL(SONAME)
    except OSError:
        return None
    path = _file_of(handle)
    if "espeakng_loader" in Path(path).parts:
        return None
    return EspeakLibrary(path=path, source="system")


def _wheel_library() -> EspeakLibrary:
    try:
        import espeakng_loader
    except ImportError as exc:
        raise SpeechError(
            "eSpeak NG is not available: install espeak-ng or espeakng-loader"
        ) from exc
    path = Path(espeakng_loader.get_library_path())
    lib = path.with_name(SONAME) if path.with_name(SONAME).exists() else path
    try:
        data = Path(espeakng_loader.get_data_path())
    except RuntimeError as exc:
        raise SpeechError(f"the espeakng-loader wheel has no eSpeak NG data: {exc}") from exc
    # eSpeak NG ends the process (exit 1) when it cannot read its data: check first.
    if not (data / "phontab").is_file():
        raise SpeechError(f"the espeakng-loader wheel has no eSpeak NG data in {data}")
    return EspeakLibrary(path=str(lib.resolve()), source="wheel", data_dir=str(data.parent))


def _file_of(handle: ctypes.CDLL) -> str:
    """The file a loaded library came from (dladdr on one of its functions)."""
    info = _DlInfo()
    address = ctypes.cast(handle.espeak_Initialize, ctypes.c_void_p)
    for libc in (None, "libdl.so.2"):  # dladdr moved into libc in glibc 2.34
        try:
            found = ctypes.CDLL(libc).dladdr(address, ctypes.byref(info))
        except (OSError, AttributeError):
            continue
        if found and info.dli_fname:
            return os.path.realpath(info.dli_fname.decode())
    raise SpeechError("cannot tell which file the system libespeak-ng was loaded from")


def load_shared(library: EspeakLibrary) -> ctypes.CDLL:
    """Load the instance that a by-name lookup (pyttsx3's) will find; idempotent."""
    global _shared
    with _lock:
        if _shared is None:
            try:
                _shared = ctypes.CDLL(library.path)
            except OSError as exc:
                raise SpeechError(f"cannot load {library.path}: {exc}") from exc
        return _shared


def load_private(library: EspeakLibrary) -> ctypes.CDLL:
    """Load a process-private instance of the library for the direct engine; idempotent."""
    global _private
    # The shared instance is loaded first so that a later by-name lookup never lands on
    # the private copy, whose soname is the same.
    load_shared(library)
    with _lock:
        if _private is None:
            folder = tempfile.mkdtemp(prefix="reader-espeak-")
            copy = Path(folder) / "libespeak-ng-private.so"
            try:
                shutil.copyfile(library.path, copy)
                _private = ctypes.CDLL(str(copy))
            except OSError as exc:
                raise SpeechError(f"cannot load {library.path}: {exc}") from exc
            finally:
                # The mapping outlives the file: nothing is left behind in /tmp.
                shutil.rmtree(folder, ignore_errors=True)
        return _private


def loaded_files() -> tuple[str, ...]:
    """The libespeak-ng files mapped into this process (for checks and reports)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return ()
    # A maps line is "address perms offset dev inode path"; the path may contain spaces.
    rows = (line.split(maxsplit=5) for line in maps.splitlines() if "libespeak-ng" in line)
    return tuple(sorted({row[5] for row in rows if len(row) == 6}))
