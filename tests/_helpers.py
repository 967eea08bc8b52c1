"""Helpers shared by the test files (imported as ``from _helpers import ...``; pytest puts tests/ on the path)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def pixels(png: bytes) -> np.ndarray:
    """The RGBA pixels of a PNG (as a live figure or a static twin returns it), rows x columns x 4."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def explorer_parts(box):
    """The value controls (in the order they are shown) and the image of an explorer's ipywidgets box."""
    import ipywidgets as w

    controls, images, stack = [], [], [box]
    while stack:
        widget = stack.pop(0)
        if isinstance(widget, w.Image):
            images.append(widget)
        elif isinstance(widget, w.ValueWidget) and not isinstance(widget, w.HTML):
            controls.append(widget)
        stack[:0] = list(getattr(widget, "children", ()))
    (image,) = images
    return controls, image


def same_picture(png_a: bytes, png_b: bytes) -> bool:
    """True if two PNGs have the same pixels (whatever their encoding)."""
    a, b = pixels(png_a), pixels(png_b)
    return a.shape == b.shape and bool(np.array_equal(a, b))
