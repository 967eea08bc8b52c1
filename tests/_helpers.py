"""Helpers shared by the test files (imported as ``from _helpers import ...``; pytest puts tests/ on the path)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def pixels(png: bytes) -> np.ndarray:
    """The RGBA pixels of a PNG (as a live figure or a static twin returns it), rows x columns x 4."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
