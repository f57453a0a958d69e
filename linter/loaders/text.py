"""Plain text (``.txt``): one reply per line; blank lines are skipped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from ..model import Template


def read_txt(path: str, stream: TextIO, columns=None) -> Iterator[Template]:
    for number, line in enumerate(stream, start=1):
        reply = line.strip()
        if reply:
            yield Template(path, reply, number, line.index(reply) + 1)
