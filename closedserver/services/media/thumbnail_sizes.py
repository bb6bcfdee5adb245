"""Thumbnail sizes and the spec's nearest-size rule (no Pillow: cheap to import)."""

from __future__ import annotations

Size = tuple[int, int, str]  # width, height, method


def choose_size(sizes: list[Size], width: int, height: int, method: str) -> Size:
    """The nearest advertised size: the smallest of the method's sizes that is at least
    the requested one; a request larger than all of them is made at its own size."""
    same_method = [s for s in sizes if s[2] == method]
    covering = [s for s in same_method if s[0] >= width and s[1] >= height]
    if covering:
        return min(covering, key=lambda s: (s[0] * s[1], s[0]))
    return (width, height, method)
