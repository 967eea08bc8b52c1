"""nnlib.viz: the pictures and widgets of the book, above the maths.

The maths modules of nnlib (network, dimension, fitting, cones, ...) return numbers and small
dataclasses and import neither matplotlib nor ipywidgets.  Everything drawn lives here and uses
only the maths' public API (and the validation vocabulary of ``nnlib._checks``):

plotting   the book's figure style (BOOK_STYLE, new_figure) and shared plots
live       figures that answer a slider at once: draw the still parts once, blit what moves
explorer   the one widget pattern: a render function and its controls -> an ipywidgets box
twins      the kernel-free static twin of a widget: precomputed frames and an HTML slider
fitting    chapter 1: fit histories, the gradient-descent explorer
geometry   chapter 2: the nearest-point picture and explorer
cones      chapter 3: the ReLU cone C_max(S) for three points, its explorer
illposed   chapter 4: theta_k, bounded and weight-decay fits, their explorers
joins      chapter 5: singular values, the join locus, the dimension explorer
smooth     chapter 6: the one-unit targets and their explorer
generic    chapter 7: the architecture explorer
escape     chapter 7: escape surveys and the escape detector

A viz module is named after the maths module whose objects it draws.  Import the one you need
(``from nnlib.viz import cones``); ``import nnlib.viz`` alone loads nothing heavy.
"""
