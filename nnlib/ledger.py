r"""The claims ledger: one record per numbered result (and worked example) of the paper.

This module is the *one* place where the book's verdict on each claim of the paper is written
down.  Three things read it:

* the appendix page ``chapters/appendix/claims_ledger.md`` is rendered from ``RECORDS`` by
  :func:`render_markdown` (:func:`write_appendix` rewrites it; a test fails when the committed
  page differs from the rendering);
* the chapters call :func:`confirm` in the cells that check a claim, with what the cell computed;
  if the computation contradicts the recorded verdict, :func:`confirm` raises, so executing the
  chapter (and nbval) fails instead of the ledger drifting from the chapters;
* ``tests/test_ledger.py`` checks that every numbered result of the paper (``PAPER_RESULTS``)
  has a record, that every record names unit tests that exist and a chapter section carrying its
  MyST label, and that the chapters confirm what the ledger says.

The errata page ``chapters/appendix/errata.md`` is rendered from the same module
(:func:`render_errata`, from ``ERRATA`` and ``READ_LOG``): every place where the paper's text is
wrong, each linked to a record.  Every record with a ``correction`` has an erratum on its
statement, and every erratum on a statement belongs to a record with a correction
(:func:`errata_problems`, checked by the tests).

Every record carries the strength of its evidence (``EVIDENCE_CLASSES``):

``proved in the book``
    the argument is written out in a chapter (or in a docstring of ``nnlib``) and checked
    against computation;
``certified by exact computation``
    exact arithmetic (rationals, integer ranks over a prime field) settles it, with a proven
    bound where one is needed;
``numerical evidence``
    floating-point computation on sampled cases, with second looks, but no proof;
``sketch``
    an argument is given, but not checked in full; computation backs it;
``open``
    neither the paper nor the book settles it;
``definition``
    nothing to prove.

Verdicts (``VERDICTS``):

``holds``
    the statement as printed agrees with computation (proof slips are noted in the evidence);
``holds with a correction``
    the statement as printed is wrong in a detail, and the corrected statement (``correction``)
    agrees with computation;
``fails``
    the statement as printed is contradicted by computation; ``correction`` says what is true;
``open``
    the paper leaves the question open and the book does not settle it;
``definition``
    a definition: nothing to prove; the book checks that the code's objects are the paper's.

>>> record("Lemma 1 (i), dimension (13)").verdict
'fails'
>>> record("Theorem 3").chapter, record("Theorem 3").section
('05_two_layer_geometry', '5.5')
>>> confirm("Theorem 3", holds=True)          # agrees with the ledger: returns None
>>> confirm("Corollary 4, general samples", holds=True)
Traceback (most recent call last):
...
nnlib.ledger.LedgerMismatch: Corollary 4, general samples: the ledger records 'fails', but this computation found the statement as printed to hold...
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

__all__ = [
    "VERDICTS",
    "EVIDENCE_CLASSES",
    "PAPER_RESULTS",
    "RECORDS",
    "Record",
    "LedgerMismatch",
    "record",
    "records_for_chapter",
    "confirm",
    "render_markdown",
    "write_appendix",
    "APPENDIX_PATH",
    "Erratum",
    "ERRATA",
    "ERRATUM_SCOPES",
    "READ_LOG",
    "errata_problems",
    "render_errata",
    "write_errata",
    "ERRATA_PATH",
]

VERDICTS = ("holds", "holds with a correction", "fails", "open", "definition")

EVIDENCE_CLASSES = ("proved in the book", "certified by exact computation", "numerical evidence", "sketch",
                    "open", "definition")

# The paper's numbered results in order, then the worked examples and unnumbered claims that the
# book checks.  (tests/test_ledger.py compares the numbered ones with the paper's text when it is
# available.)
PAPER_RESULTS = (
    "Definition 1", "Definition 2", "Definition 3",
    "Lemma 1", "Lemma 2", "Lemma 3",
    "Theorem 1", "Theorem 2", "Theorem 3", "Theorem 4",
    "Corollary 1", "Corollary 2", "Corollary 3", "Corollary 4",
    "Proposition 1", "Proposition 2",
    # worked examples and displayed claims
    "§1 example", "§2 (i)", "§2 (ii)", "§2 ill-conditioning", "(24)", "Remark after Corollary 4",
    "§5 one-neuron networks", "§6 sigmoid example", "§6 tanh example",
)

# Where the committed appendix pages live, relative to the repository root.
APPENDIX_PATH = "chapters/appendix/claims_ledger.md"
ERRATA_PATH = "chapters/appendix/errata.md"

_CHAPTER_TITLES = {
    "01_introduction": "Chapter 1",
    "02_geometry_of_erm": "Chapter 2",
    "03_relu_cone": "Chapter 3",
    "04_ill_posedness": "Chapter 4",
    "05_two_layer_geometry": "Chapter 5",
    "06_smooth_activations": "Chapter 6",
}


class LedgerMismatch(AssertionError):
    """A chapter's computation contradicts the verdict recorded in the ledger."""


@dataclass(frozen=True)
class Record:
    """One claim of the paper and the book's verdict on it.

    Attributes
    ----------
    key : str
        Unique name, e.g. ``"Lemma 1 (ii)"``; the name chapters pass to :func:`confirm`.
    result : str
        The entry of ``PAPER_RESULTS`` it belongs to, e.g. ``"Lemma 1"``.
    paper : str
        Section (and equation) of the paper, e.g. ``"§3, (13)"``.
    statement : str
        The claim in our own words (MyST markdown, math in dollars).
    verdict : str
        One of ``VERDICTS``.
    evidence : str
        One line: what the chapter computed.
    chapter : str
        The chapter notebook that checks it, without ``.ipynb``.
    section : str
        Number of the chapter section that checks it, e.g. ``"3.3"``.
    label : str
        MyST label placed right above that section's heading.
    tests : tuple of str
        pytest node ids of the unit tests that check it.
    correction : str
        What is true instead (for ``holds with a correction`` and ``fails``), else ``""``.
    evidence_class : str
        One of ``EVIDENCE_CLASSES``: the strength of the evidence for the verdict.
    """

    key: str
    result: str
    paper: str
    statement: str
    verdict: str
    evidence: str
    chapter: str
    section: str
    label: str
    tests: tuple
    correction: str = ""
    evidence_class: str = ""


def _r(key, result, paper, verdict, chapter, section, label, statement, evidence, tests, correction=""):
    return Record(key=key, result=result, paper=paper, statement=statement, verdict=verdict,
                  evidence=evidence, chapter=chapter, section=section, label=label,
                  tests=tuple(tests), correction=correction)


_CH1, _CH2, _CH3 = "01_introduction", "02_geometry_of_erm", "03_relu_cone"
_CH4, _CH5, _CH6 = "04_ill_posedness", "05_two_layer_geometry", "06_smooth_activations"

RECORDS = (
    # ------------------------------------------------------------------------------------ §1
    _r("§1 example", "§1 example", "§1, (16)-(17)", "holds", _CH1, "1.3", "ledger-s1-example",
       "On the six points of (16) the 2-2-2 ReLU network comes arbitrarily close to $T$ only "
       "along weights that blow up, such as $\\theta_k$ of (17).",
       "Along (17) the loss is exactly $5/k^2$ (exact rational arithmetic) while "
       "$\\lVert\\theta_k\\rVert \\approx \\sqrt5\\,k$; gradient-descent runs that keep improving do so "
       "while $\\lVert\\theta\\rVert$ grows. That *every* way to $T$ needs growing weights rests on "
       "Theorem 1's non-membership, whose repaired proof is a sketch (chapter 4, §4.3), and Proposition 1.",
       ["tests/test_paper.py::test_theorem1_theta_k_drives_psi2_to_T_at_rate_sqrt5_over_k",
        "tests/test_paper.py::test_the_norm_of_theta_k_grows_linearly_like_sqrt5_k",
        "tests/test_fitting.py::test_gradient_descent_from_theta_k_keeps_lowering_the_loss_while_the_weights_grow"]),
    # ------------------------------------------------------------------------------------ §2
    _r("Definition 1", "Definition 1", "§2, (9)-(10)", "definition", _CH2, "2.1", "ledger-definition-1",
       "$\\psi_k(\\Theta)$ is the *image of weights*; finding its nearest point to $T$, (9), is the "
       "best $k$-layer approximation problem.",
       "`weights_map` rows are $\\nu_\\theta(s_i)$ and `loss` is the sum (5), on the data (16).",
       ["tests/test_network.py::test_weights_map_agrees_with_a_loop_over_the_observations",
        "tests/test_network.py::test_loss_is_the_squared_frobenius_norm_of_the_residual"]),
    _r("§2 (i)", "§2 (i)", "§2, (i)", "holds", _CH2, "2.4", "ledger-s2-i",
       "A best approximation may not exist: $\\psi_k(\\Theta)$ need not be closed.",
       "1-1-1 sigmoid network on $s = (0, 1, 2)$: the step $(0, 0, 1)$ has infimum $0$, not attained "
       "(proved); the best loss over bounded weights stays positive, decaying like $e^{-\\lambda R}$.",
       ["tests/test_geometry.py::test_step_target_is_in_the_relu_image_but_not_in_the_sigmoid_image",
        "tests/test_geometry.py::test_target_outside_image_is_approached_only_with_growing_weights"]),
    _r("§2 (ii)", "§2 (ii)", "§2, (ii)", "holds", _CH2, "2.5", "ledger-s2-ii",
       "A best approximation, when it exists, may not be unique.",
       "1-1-1 ReLU network, target $(0, -1, 0)$: exactly two nearest points at squared distance "
       "$\\tfrac12$ (isotonic regression; restarts, a grid and sampling agree).",
       ["tests/test_geometry.py::test_symmetric_target_has_two_nearest_points"]),
    _r("§2 ill-conditioning", "§2 ill-conditioning", "§2", "holds", _CH2, "2.6", "ledger-s2-ill-conditioning",
       "A well-posed problem close to an ill-posed one is ill-conditioned.",
       "For targets $(0, \\varepsilon, 1)$ near the step the least-norm exact weights grow like "
       "$\\log(1/\\varepsilon)$ and the Jacobian's smallest singular value decays like a power of $\\varepsilon$.",
       ["tests/test_geometry.py::test_smallest_exact_weights_grow_as_the_target_nears_the_step"]),
    # ------------------------------------------------------------------------------------ §3
    _r("Definition 2", "Definition 2", "§2, (11)", "definition", _CH3, "3.1", "ledger-definition-2",
       "The *ReLU projection* is $\\sigma_{\\max}$ applied to each coordinate; it is linear on each orthant.",
       "$\\psi_1$ of (12) equals the ReLU of nnlib's affine layer.",
       ["tests/test_cones.py::test_relu_projection_is_coordinatewise_max_with_zero",
        "tests/test_cones.py::test_psi_1_matches_definition_12_row_by_row"]),
    _r("Definition 3", "Definition 3", "§3", "definition", _CH3, "3.2", "ledger-definition-3",
       "The *ReLU cone* $C_{\\max}(S)$ is the set of outputs $\\sigma_{\\max}(Sa + b\\mathbb{1})$; "
       "it is a cone.",
       "Every scaled sampled cone point is found in the cone (linear-programming membership test).",
       ["tests/test_cones.py::test_definition3_relu_cone_is_a_cone"]),
    _r("Lemma 1 (i), closed pointed cone", "Lemma 1", "§3", "holds", _CH3, "3.3", "ledger-lemma-1-i-closed-pointed",
       "$C_{\\max}(S)$ is a closed pointed cone.",
       "A finite union of linear images of polyhedral cones; entries are $\\ge 0$, so "
       "$C \\cap (-C) = \\{0\\}$; a limit reached by diverging weights has moderate preimage weights.",
       ["tests/test_cones.py::test_lemma1_cone_is_pointed_all_points_nonnegative",
        "tests/test_cones.py::test_lemma1_cone_is_closed_limit_of_cone_points_with_diverging_weights_is_a_cone_point"]),
    _r("Lemma 1 (i), dimension (13)", "Lemma 1", "§3, (13)", "fails", _CH3, "3.3", "ledger-lemma-1-i-dimension",
       "$\\dim C_{\\max}(S) = \\operatorname{rank}[S, \\mathbb{1}]$, with the paper's "
       "$\\dim C := \\dim \\operatorname{span} C$.",
       "The span dimension equals the number of distinct sample points on every sample (three cone "
       "points of $s = 0, 1, 2$ have a non-zero determinant); the set dimension equals "
       "$\\operatorname{rank}[S, \\mathbb{1}]$ on every sample.",
       ["tests/test_cones.py::test_lemma1_dim_span_cmax_is_the_number_of_distinct_points_not_rank_S1",
        "tests/test_cones.py::test_lemma1_set_dimension_equals_rank_S1_on_random_samples",
        "tests/test_cones.py::test_paper_proof_claim_relu_projection_cannot_increase_dimension_fails_off_the_ones_vector"],
       correction="(13) holds for the dimension of $C_{\\max}(S)$ as a set; $\\dim\\operatorname{span}"
                  "C_{\\max}(S)$ is the number of distinct sample points."),
    _r("Lemma 1 (ii)", "Lemma 1", "§3", "holds", _CH3, "3.4", "ledger-lemma-1-ii",
       "The ReLU cones are exactly the sets $\\sigma_{\\max}(L)$ for subspaces $L \\ni \\mathbb{1}$.",
       "Both inclusions on random subspaces; the proof's converse must keep $\\mathbb{1} \\in L$ "
       "($\\sigma_{\\max}(\\operatorname{span}\\{(1,-1)\\})$ is no ReLU cone).",
       ["tests/test_cones.py::test_lemma1_ii_relu_projection_of_subspace_is_relu_cone",
        "tests/test_cones.py::test_lemma1_ii_subspace_without_ones_is_refused_and_its_projection_is_no_relu_cone"]),
    _r("Corollary 1, direct sum (14)", "Corollary 1", "§3, (14)", "holds", _CH3, "3.5", "ledger-corollary-1-14",
       "With $q$ outputs, $\\psi_1(\\Theta)$ is the direct sum of $q$ copies of $C_{\\max}(S)$, (14).",
       "Both inclusions of (14) on every sampled case.",
       ["tests/test_cones.py::test_corollary1_psi_1_image_is_the_direct_sum_14",
        "tests/test_cones.py::test_corollary1_check_confirms_14_and_the_set_dimension_q_times_rank_S1"]),
    _r("Corollary 1, dimension", "Corollary 1", "§3", "fails", _CH3, "3.5", "ledger-corollary-1-dimension",
       "$\\psi_1(\\Theta)$ is a closed pointed cone of dimension $q \\cdot \\operatorname{rank}[S, \\mathbb{1}]$.",
       "As for (13): the set dimension is $q \\cdot \\operatorname{rank}[S, \\mathbb{1}]$ on every case, "
       "the span dimension is $q$ times the number of distinct points.",
       ["tests/test_cones.py::test_corollary1_dimension_is_q_times_rank"],
       correction="Closed, pointed and of set dimension $q \\cdot \\operatorname{rank}[S, \\mathbb{1}]$."),
    _r("(24)", "(24)", "§5, (24)", "holds", _CH3, "3.6", "ledger-faces-24",
       "$C_{\\max}(S)$ is the union of its faces $F_I(S)$, with "
       "$\\dim F_I(S) = \\operatorname{rank}[S_I, \\mathbb{1}_I]$.",
       "Face counts match Cover's count; sampled face dimensions agree; every sampled cone point lies on a listed face.",
       ["tests/test_cones.py::test_faces_union_is_the_cone_24_every_cone_point_lies_in_exactly_one_listed_face",
        "tests/test_cones.py::test_faces_dimension_is_rank_of_rows_in_I_checked_on_sampled_points",
        "tests/test_cones.py::test_faces_are_exactly_the_affinely_separable_index_sets_brute_force_p1"]),
    # ------------------------------------------------------------------------------------ §4
    _r("Theorem 1, closure", "Theorem 1", "§4, (15)-(17)", "holds", _CH4, "4.2", "ledger-theorem-1-closure",
       "$\\psi_2(\\theta_k) \\to T$ for $\\theta_k$ of (17), so the infimum of (15) is $0$.",
       "(17) reproduces the stated $\\alpha_1^{(k)}(s_i)$ entry by entry; in exact rational arithmetic "
       "$\\psi_2(\\theta_k) - T$ has the entries $1/k$ and $2/k$ (rows 4 and 5), so the error is "
       "$\\sqrt5/k$; $\\lVert\\theta_k\\rVert \\sim \\sqrt5\\,k$.",
       ["tests/test_illposed.py::test_theorem1_theta_k_error_is_sqrt5_over_k",
        "tests/test_corrections.py::test_theorem1_psi2_of_theta_k_minus_T_is_exactly_1_over_k_and_2_over_k",
        "tests/test_illposed.py::test_first_affine_map_of_theta_k_is_alpha_1_k_as_printed_in_the_proof"]),
    _r("Theorem 1, non-membership", "Theorem 1", "§4, (16)", "holds", _CH4, "4.3", "ledger-theorem-1-non-membership",
       "No weights give $\\psi_2(\\theta) = T$: the infimum of (15) is not attained.",
       "Holds on the evidence, not by a checked proof. The proof's step \"the points (19) lie in one "
       "quadrant\" is a gap (straddling lines have collinear images); chapter 4 fills it with a "
       "middle-distance lemma whose proof is a sketch, backed by a survey of lines built to find "
       "exceptions (no surveyed line gives the spacing $1, 1, 2, 2$) and by Gauss-Newton runs that never "
       "reach loss $0$ at a bounded norm.",
       ["tests/test_illposed.py::test_quadrant_survey_never_produces_the_target_spacing_and_middle_spacings_of_collinear_images_agree",
        "tests/test_illposed.py::test_collinear_distinct_images_of_a_straddling_line_exist_so_collinearity_alone_does_not_force_one_quadrant",
        "tests/test_illposed.py::test_t1_t3_t6_are_affinely_independent_so_beta2_must_be_an_affine_isomorphism"]),
    _r("Proposition 1", "Proposition 1", "§4", "holds", _CH4, "4.4", "ledger-proposition-1",
       "If the infimum of (15) is not attained, every minimising sequence of weights is unbounded.",
       "Compactness (chapter 2, §2.2): a bounded minimising sequence has a limit point, which attains "
       "the infimum. Quantitatively, the best loss *found* with $\\lVert\\theta\\rVert \\le R$ decays like "
       "$R^{-4}$: a rate fitted to solver values, which are upper bounds on the constrained minima, not "
       "certified minima.",
       ["tests/test_illposed.py::test_price_of_boundedness_never_increases_with_R_and_respects_the_bound",
        "tests/test_illposed.py::test_price_of_boundedness_decays_like_R_to_the_minus_4_on_the_theorem1_data"]),
    # ------------------------------------------------------------------------------------ §5
    _r("Theorem 2", "Theorem 2", "§5, (20)-(23)", "holds with a correction", _CH5, "5.2", "ledger-theorem-2",
       "For one output, $\\psi_2(\\Theta) = \\operatorname{Join}(\\Sigma_d^\\circ(C_{\\max}(S)), "
       "\\operatorname{span}\\{\\mathbb{1}\\})$, with $\\Sigma_d^\\circ$ the secant locus of (20).",
       "Outputs are real combinations of $d$ cone points plus a constant, and conversely; with the sums "
       "of (20), $-\\sigma_{\\max}(s - 1)$ on $s = 0, \\dots, 3$ is an output that is missed.",
       ["tests/test_joins.py::test_theorem2_network_output_is_join_of_d_cone_points_and_a_constant",
        "tests/test_joins.py::test_theorem2_any_real_combination_of_d_cone_points_plus_a_constant_is_a_network_output",
        "tests/test_joins.py::test_the_sum_reading_of_the_secant_locus_misses_a_network_output_with_a_negative_coefficient"],
       correction="$\\Sigma_d^\\circ$ must be the union of spans written in the theorem, not the sums of (20)."),
    _r("Corollary 2", "Corollary 2", "§5", "holds", _CH5, "5.3", "ledger-corollary-2",
       "$\\dim\\psi_2(\\Theta) \\le d\\operatorname{rank}[S, \\mathbb{1}] + 1$ and "
       "$\\le \\min(d(\\min(p, n) + 1) + 1, pn)$.",
       "Both bounds are proved: $d$ cone points from a set of dimension $\\operatorname{rank}[S, \\mathbb{1}]$, "
       "their coefficients up to the $d$ rescalings, and a constant; the second follows from "
       "$\\operatorname{rank}[S, \\mathbb{1}] \\le \\min(p, n) + 1$. They hold on every sample. The first is "
       "attained on general samples once capped by the number $N$ of *distinct* rows (not $n$), but not "
       "always: on a line of points plus one point off it the exact rank is $2d + 2 < \\min(N, 3d + 1)$ "
       "for $d \\ge 2$. The cap $pn$ is true but weaker than the trivial $n$.",
       ["tests/test_joins.py::test_corollary2_both_upper_bounds_hold_for_random_and_degenerate_samples",
        "tests/test_corrections.py::test_the_corrected_count_with_distinct_rows_is_an_upper_bound_on_every_kind_of_sample",
        "tests/test_corrections.py::test_corollary2_first_bound_is_not_always_attained_even_capped_by_the_distinct_rows",
        "tests/test_joins.py::test_corollary2_second_bound_caps_at_pn_which_exceeds_the_trivial_bound_n_when_p_exceeds_1"]),
    _r("Lemma 2", "Lemma 2", "§5", "holds", _CH5, "5.4", "ledger-lemma-2",
       "For general $x \\in \\mathbb{R}^n$ and $k \\le n$, some shift $\\lambda\\mathbb{1} + x$ has "
       "exactly $k$ positive coordinates.",
       "Exact on every random case; a tie shows \"general\" is needed; the proof writes $u$ for $x$ "
       "and the opposite sign of $\\lambda$.",
       ["tests/test_joins.py::test_lemma2_a_shift_of_a_general_vector_is_positive_on_exactly_its_k_largest_coordinates",
        "tests/test_joins.py::test_lemma2_refuses_a_tie_between_the_kth_and_next_coordinate_naming_x"]),
    _r("Lemma 3", "Lemma 3", "§5", "holds", _CH5, "5.4", "ledger-lemma-3",
       "For an open set of $v_1, \\dots, v_p$ and each $k \\ge p + 1$, shifted ReLUs of the $v_i$ give "
       "$p + 1$ independent vectors positive exactly on one $k$-set $I$.",
       "Rank $p + 1$ with support $I$ on every case (same sign remark as Lemma 2).",
       ["tests/test_joins.py::test_lemma3_the_p_plus_1_shifted_columns_are_independent_in_R_n_I"]),
    _r("Theorem 3", "Theorem 3", "§5, (25)-(28)", "holds", _CH5, "5.5", "ledger-theorem-3",
       "If $n \\ge d(p+1) + 1$, a nonempty open set of samples (general samples with increasing "
       "columns, $U$ of (26)) gives $\\dim\\psi_2(\\Theta) = d(p+1) + 1$ (25).",
       "At the threshold an exact integer Jacobian rank reaches the proven bound $d(p+1)+1$ for "
       "$(p, d) = (1, 2), (2, 2), (2, 3), (3, 2)$; a nonzero minor stays nonzero on an open set of "
       "samples and weights, which proves (25) there. Floating-point ranks agree on every case of the "
       "grid. Not every sample of $U$ will do: columns $v$ and $2v$ (collinear points) give $2d + 1$. "
       "(27) is direct although the $J_i$ are nested; below the threshold the dimension is "
       "$\\min(n, d(p+1)+1)$ (floating-point ranks).",
       ["tests/test_joins.py::test_corollary3_dimension_d_p_plus_1_plus_1_on_increasing_samples",
        "tests/test_corrections.py::test_theorem3_is_certified_at_the_threshold_on_integer_samples_with_increasing_columns",
        "tests/test_corrections.py::test_theorem3_needs_general_samples_of_U_not_every_sample_of_U",
        "tests/test_joins.py::test_theorem3_face_spans_on_nested_index_sets_form_a_direct_sum",
        "tests/test_joins.py::test_below_the_threshold_the_dimension_is_n"]),
    _r("Corollary 3", "Corollary 3", "§5", "holds", _CH5, "5.5", "ledger-corollary-3",
       "For $n \\gg pd$ and general samples, $\\dim\\psi_2(\\Theta) = d(p+1) + 1$.",
       "Equal on every general sample of the grid (floating-point ranks that reach a proven upper "
       "bound), already from $n = d(p+1) + 1$; exact integer ranks certify it on the random integer "
       "samples tested, which is evidence for, not a proof of, the claim for general samples.",
       ["tests/test_dimension.py::test_corollary3_relu_two_layer_q1_network_on_a_general_large_sample_has_dimension_d_p_plus_1_plus_1",
        "tests/test_corrections.py::test_the_corrected_count_is_attained_when_there_are_enough_independent_faces_or_it_is_capped"]),
    _r("Theorem 4", "Theorem 4", "§5, (29)", "holds with a correction", _CH5, "5.6", "ledger-theorem-4",
       "With $q$ outputs, $\\psi_2(\\Theta)$ is the set of $[x_1, \\dots, x_q]$ whose columns lie in "
       "$\\operatorname{span}\\{\\mathbb{1}, y_1, \\dots, y_d\\}$ for common cone points $y_j$.",
       "Both inclusions on random cases, to rounding.",
       ["tests/test_joins.py::test_theorem4_every_output_column_combines_the_same_d_cone_points"],
       correction="The index runs over $i = 1, \\dots, q$ (printed $i = 1, \\dots, d$, also in the inclusion "
                  "before the theorem)."),
    _r("Corollary 4, rank formula", "Corollary 4", "§5", "fails", _CH5, "5.6", "ledger-corollary-4-rank",
       "$\\dim\\psi_2(\\Theta) = (q + \\operatorname{rank}[S, \\mathbb{1}])d + q$.",
       "The printed count exceeds the proven bound $\\min(Nq, (r + q - 1)d + q)$ ($N$ distinct rows, "
       "$r = \\operatorname{rank}[S, \\mathbb{1}]$: cone points of a set of dimension $r$, $q$ coefficients "
       "each, one rescaling per hidden unit) on every sample, so it is never the dimension. Exact integer "
       "Jacobian ranks attain the bound on general, collinear and repeated-row samples with enough "
       "points, and fall below it for all rows equal ($q$), affinely independent rows, and a line of "
       "points plus one point off it.",
       ["tests/test_joins.py::test_corollary4_rank_formula_corrected_to_rank_plus_q_minus_1_on_a_degenerate_sample",
        "tests/test_corrections.py::test_the_printed_corollary4_count_exceeds_the_proven_bound_on_every_sample",
        "tests/test_corrections.py::test_the_corrected_count_is_attained_when_there_are_enough_independent_faces_or_it_is_capped",
        "tests/test_corrections.py::test_when_all_rows_are_equal_the_dimension_is_q_not_the_count_with_n_rows",
        "tests/test_corrections.py::test_with_repeated_rows_the_cap_is_the_number_of_distinct_rows_times_q_not_n_q",
        "tests/test_corrections.py::test_affinely_independent_points_give_the_rank_d_count_below_the_corrected_count",
        "tests/test_corrections.py::test_a_line_of_points_plus_one_point_off_it_stays_below_the_corrected_count"],
       correction="$\\dim\\psi_2(\\Theta) \\le \\min(Nq, (r + q - 1)d + q)$ for every sample, $N$ the number "
                  "of distinct rows (the cap $nq$ the book first wrote is too large when rows repeat), with "
                  "equality when $C_{\\max}(S)$ has $d$ faces of dimension $r$ whose spans and $\\mathbb{1}$ "
                  "form a direct sum (proved; found on every general sample computed with $N \\ge dr + 1$). If the distinct rows are "
                  "affinely independent ($N = r$; all rows equal is $N = 1$) it is "
                  "$\\min(Nq, q + d(N - 1 + q - d))$; otherwise it can be smaller than the bound, with no "
                  "closed formula claimed."),
    _r("Corollary 4, general samples", "Corollary 4", "§5", "fails", _CH5, "5.6", "ledger-corollary-4-general",
       "For large $n$ and general $S$, $\\dim\\psi_2(\\Theta) = (p + q + 1)d + q$.",
       "The printed value is $m$, above the proven bound $m - d$: the $d$ ReLU rescaling directions lie "
       "in every fibre. Every case of the grid has $m - d$.",
       ["tests/test_joins.py::test_corollary4_computed_dimension_is_m_minus_d_because_of_rescaling",
        "tests/test_dimension.py::test_relu_two_layer_vector_output_on_a_large_sample_has_dimension_m_minus_d"],
       correction="$(p + q)d + q = m - d$."),
    _r("Remark after Corollary 4", "Remark after Corollary 4", "§5", "fails", _CH5, "5.6", "ledger-remark-corollary-4",
       "In the general case $\\dim\\Theta = (p+1)d + (d+1)q = \\dim\\psi_2(\\Theta)$.",
       "They differ by $d$: the $d$ rescalings of hidden units leave $\\psi_2$ unchanged, so "
       "$\\dim\\psi_2(\\Theta) \\le m - d$ (proved); for $q = 1$ Corollary 3 itself gives $m - d$.",
       ["tests/test_joins.py::test_corollary4_at_q_1_contradicts_corollary3_by_d_while_the_corrected_count_agrees",
        "tests/test_joins.py::test_rescaling_a_hidden_unit_leaves_the_output_unchanged"],
       correction="$\\dim\\psi_2(\\Theta) = \\dim\\Theta - d$."),
    _r("§5 one-neuron networks, description", "§5 one-neuron networks", "§5", "fails", _CH5, "5.9",
       "ledger-one-neuron-description",
       "With one neuron per layer, $x \\in \\psi_k(\\Theta)$ if and only if $x$ is constant on an initial "
       "and a final run, affine in $s$ between, and non-decreasing.",
       "*Only if* holds once \"non-decreasing\" reads \"monotone\" (outputs can decrease) and, for "
       "$k = 2$, one run is constant. *If* fails for every $k$ from $n = 4$ on: $x = (0, 2, 3, 4)$ on "
       "$s = 0, 1, 2, 3$ fits the description (runs $(0)$ and $(4)$, middle $2, 3$) and is in no "
       "$\\psi_k(\\Theta)$. The description leaves out that the affine part, extended, must not cross "
       "the constant levels before the runs end. The linear-program membership test and an "
       "independent enumeration of clamp patterns agree on every vector tested.",
       ["tests/test_joins.py::test_one_neuron_image_for_k_2_has_one_constant_run_and_for_k_3_two",
        "tests/test_joins.py::test_one_neuron_outputs_can_decrease",
        "tests/test_corrections.py::test_a_vector_fitting_the_paper_description_is_in_no_one_neuron_image",
        "tests/test_corrections.py::test_one_neuron_membership_and_the_clamp_enumeration_agree_and_the_paper_form_is_wider",
        "tests/test_corrections.py::test_the_one_neuron_image_is_closed_a_limit_of_steepening_clamps_is_a_clamp"],
       correction="$\\psi_1(\\Theta)$: the affine images of $s$; $\\psi_2(\\Theta)$: the one-sided clamps "
                  "$\\max(g(s), \\ell)$ and $\\min(g(s), h)$; $\\psi_k(\\Theta)$, $k \\ge 3$: the clamps "
                  "$\\min(\\max(g(s), \\ell), h)$, $\\ell \\le h$, $g$ affine. Each is closed (finitely many "
                  "projections of polyhedra), so it is its own closure."),
    _r("§5 one-neuron networks, from k = 3 on", "§5 one-neuron networks", "§5", "holds", _CH5, "5.9",
       "ledger-one-neuron-stable",
       "From $k = 3$ on the image of weights no longer changes (stated for $n \\ge 6$).",
       "True for every $n$: clamps are closed under layers and all reached at $k = 3$; the dimension is "
       "the same for $k = 3, 4, 5$.",
       ["tests/test_joins.py::test_one_neuron_image_is_the_same_clamps_for_every_k_from_3",
        "tests/test_joins.py::test_one_neuron_dimension_is_3_for_k_2_and_4_for_k_3_to_5_already_for_n_4"]),
    # ------------------------------------------------------------------------------------ §6
    _r("§6 sigmoid example, n = 1", "§6 sigmoid example", "§6", "fails", _CH6, "6.1", "ledger-s6-sigmoid-one-sample",
       "With one sample $s \\ne 0$, a sigmoid (or $\\tanh$) network has $\\psi_k(\\Theta) = (0, 1)$, "
       "so $T \\ge 1$ or $T \\le 0$ has no best approximation.",
       "Under (1) the affine last layer reaches every real: $T = 2$ and $T = -5$ are fitted exactly "
       "for $k = 2, 3, 4$ with small weights.",
       ["tests/test_smooth.py::test_sigmoid_image_for_one_sample_is_all_of_R_under_definition_1",
        "tests/test_smooth.py::test_a_solver_fits_targets_outside_0_1_with_small_weights_for_every_depth",
        "tests/test_geometry.py::test_sigmoid_image_for_one_sample_is_the_whole_line"],
       correction="True only for a network whose output passes through $\\sigma$; under (1) the smallest "
                  "non-closed sigmoid example has $n = 3$."),
    _r("§6 tanh example, formula for ψ2", "§6 tanh example", "§6, (30)", "holds with a correction", _CH6, "6.2",
       "ledger-s6-tanh-formula",
       "The displayed parameterisation of $\\psi_2(\\Theta)$ for the 1-1-1 $\\tanh$ network (30) on $s = 0, 1, 2$.",
       "As printed, entries 2 and 3 reduce to $c\\tanh b + d$ and miss `weights_map`; corrected, they agree to rounding.",
       ["tests/test_smooth.py::test_printed_tanh_entries_two_and_three_collapse_to_the_first",
        "tests/test_smooth.py::test_tanh_parameterisation_matches_weights_map"],
       correction="Entries 2 and 3 need $e^{-(a+b)}$ and $e^{-(2a+b)}$ in place of $e^{a-b}$ and $e^{2a-b}$."),
    _r("§6 tanh example, closure point", "§6 tanh example", "§6", "holds", _CH6, "6.3", "ledger-s6-tanh-closure",
       "A best approximation of $t = (0, 2, 1)$ in the closure of $\\psi_2(\\Theta)$ has the form "
       "$(0, y, y)$ with $y \\in [1, 2]$.",
       "The closure is the set of monotone vectors; the nearest point is unique, $(0, 1.5, 1.5)$, "
       "infimum $\\tfrac12$ (isotonic regression).",
       ["tests/test_smooth.py::test_tanh_example_infimum_is_half_and_not_attained",
        "tests/test_smooth.py::test_paper_closure_form_is_the_isotonic_answer_when_t1_is_below_the_pooled_mean"]),
    _r("§6 tanh example, not attained", "§6 tanh example", "§6", "holds", _CH6, "6.3", "ledger-s6-tanh-not-attained",
       "$(0, y, y) \\notin \\psi_2(\\Theta)$ for $y \\in [1, 2]$, so $t$ has no best approximation.",
       "The image is the strictly monotone and the constant vectors; the best loss with "
       "$\\lVert\\theta\\rVert \\le R$ stays above $\\tfrac12$; solver \"convergence\" is floating-point saturation.",
       ["tests/test_smooth.py::test_the_image_is_the_strictly_monotone_and_the_constant_vectors",
        "tests/test_smooth.py::test_best_loss_with_bounded_weights_stays_above_half_and_uses_the_whole_ball",
        "tests/test_smooth.py::test_constrained_solver_stays_above_half_at_every_radius"]),
    _r("§6 tanh example, the box U(ε)", "§6 tanh example", "§6", "holds", _CH6, "6.4", "ledger-s6-box",
       "For small $\\varepsilon$, no target in the box $U(\\varepsilon)$ around $t$ has a best approximation.",
       "Exactly for $\\varepsilon \\le \\tfrac12$ (proof with $y = (t'_2 + t'_3)/2$); all sampled targets agree; "
       "beyond $\\tfrac12$ strictly increasing targets are fitted exactly.",
       ["tests/test_smooth.py::test_targets_in_U_eps_have_no_best_fit_for_small_eps",
        "tests/test_smooth.py::test_targets_in_U_eps_beyond_one_half_can_be_fitted_exactly"]),
    _r("Proposition 2", "Proposition 2", "§6", "holds", _CH6, "6.4", "ledger-proposition-2",
       "For $\\tanh$ there are a sample $S$ and a set $U$ of positive measure of targets with no best approximation.",
       "$S = (0, 1, 2)^\\top$ and $U = U(\\tfrac12)$, of volume $1$; the same for the sigmoid.",
       ["tests/test_smooth.py::test_targets_in_U_eps_have_no_best_fit_for_small_eps",
        "tests/test_smooth.py::test_tanh_and_sigmoid_networks_have_the_same_outputs_under_the_weight_bijection"]),
    _r("Proposition 2 for ReLU", "Proposition 2", "§6", "open", _CH6, "6.6", "ledger-proposition-2-relu",
       "Does Proposition 2 hold for the ReLU activation?",
       "Open in the paper and in the book: the 1-1-1 ReLU network on three points has a closed image "
       "(chapter 2); [chapter 7](../07_open_questions.ipynb) finds numerical evidence near $T$ of (16), no proof.",
       ["tests/test_geometry.py::test_relu_image_on_three_points_is_the_set_of_monotone_vectors"]),
)

# ------------------------------------------------------------------------------- evidence classes
# The strength of each record's evidence (see EVIDENCE_CLASSES in the module docstring).  Audited
# against each record's wording: "proved" only where the argument is written out in a chapter or
# in nnlib's docstrings, "certified" only where exact arithmetic settles it.
_EVIDENCE_CLASS = {
    "§1 example": "sketch",  # rests on Theorem 1's non-membership
    "Definition 1": "definition",
    "§2 (i)": "proved in the book",
    "§2 (ii)": "proved in the book",
    "§2 ill-conditioning": "numerical evidence",
    "Definition 2": "definition",
    "Definition 3": "definition",
    "Lemma 1 (i), closed pointed cone": "proved in the book",
    "Lemma 1 (i), dimension (13)": "proved in the book",
    "Lemma 1 (ii)": "numerical evidence",
    "Corollary 1, direct sum (14)": "numerical evidence",
    "Corollary 1, dimension": "proved in the book",
    "(24)": "numerical evidence",
    "Theorem 1, closure": "certified by exact computation",
    "Theorem 1, non-membership": "sketch",
    "Proposition 1": "proved in the book",
    "Theorem 2": "numerical evidence",
    "Corollary 2": "proved in the book",
    "Lemma 2": "numerical evidence",
    "Lemma 3": "numerical evidence",
    "Theorem 3": "certified by exact computation",
    "Corollary 3": "numerical evidence",
    "Theorem 4": "numerical evidence",
    "Corollary 4, rank formula": "proved in the book",
    "Corollary 4, general samples": "proved in the book",
    "Remark after Corollary 4": "proved in the book",
    "§5 one-neuron networks, description": "proved in the book",
    "§5 one-neuron networks, from k = 3 on": "proved in the book",
    "§6 sigmoid example, n = 1": "proved in the book",
    "§6 tanh example, formula for ψ2": "proved in the book",
    "§6 tanh example, closure point": "proved in the book",
    "§6 tanh example, not attained": "proved in the book",
    "§6 tanh example, the box U(ε)": "proved in the book",
    "Proposition 2": "proved in the book",
    "Proposition 2 for ReLU": "open",
}
RECORDS = tuple(replace(r, evidence_class=_EVIDENCE_CLASS[r.key]) for r in RECORDS)


# ------------------------------------------------------------------------------- errata
ERRATUM_SCOPES = ("statement", "proof", "text")


@dataclass(frozen=True)
class Erratum:
    """One place where the paper's text is wrong, from a typo to a false theorem.

    Attributes
    ----------
    location : str
        Where in the paper (section, result, equation).
    printed : str
        What the paper prints (quoted or paraphrased closely; MyST markdown).
    record : str
        Key of the ledger record whose evidence settles it (the errata page links there).
    scope : str
        ``"statement"`` (a claimed result is wrong: the record has a ``correction``, which is
        the erratum's correction unless ``correction`` is given), ``"proof"`` (a slip or gap in
        an argument) or ``"text"`` (a reference, a name, a size, a claim outside the results).
    correction : str
        What should stand there (for ``"statement"``: default the record's correction).
    tests : tuple of str
        pytest node ids that fail if the printed text came back as the book's claim; required
        unless the erratum is a matter of reading only (scope ``"text"``).
    """

    location: str
    printed: str
    record: str
    scope: str
    correction: str = ""
    tests: tuple = ()


_TC = "tests/test_corrections.py::"

ERRATA = (
    Erratum("Abstract", "For ReLU, \"we completely classify cases where the ERM for a best two-layer neural "
            "network approximation attains its infimum.\"", "Proposition 2 for ReLU", "text",
            "The body contains no such classification: §4 gives one target without a best approximation "
            "(Theorem 1), §5 describes $\\psi_2(\\Theta)$ and its dimension, and §6 leaves open even whether "
            "ReLU can fail on a set of positive measure."),
    Erratum("Abstract and §6", "For the sigmoid and $\\tanh$, failure to attain the infimum \"can happen on a "
            "positive-measured subset of responses\".", "Proposition 2", "text",
            "True, but the body proves it for $\\tanh$ only (Proposition 2); for the sigmoid it offers the "
            "$n = 1$ example, which fails. The $\\tanh$ argument carries over through "
            "$\\sigma_{\\exp}(x) = (1 + \\tanh(x/2))/2$, an affine change of weights.",
            ("tests/test_smooth.py::test_tanh_and_sigmoid_networks_have_the_same_outputs_under_the_weight_bijection",)),
    Erratum("§3, (12)", "$\\psi_1(A, b)$ is $\\sigma_{\\max}$ of the column $[As_1 + b; \\dots; As_n + b]$.",
            "Definition 2", "text",
            "The rows are $(As_i + b)^\\top$: stacked as printed, the $q$-vectors $As_i + b$ form a vector of "
            "length $nq$, not the $n \\times q$ matrix $\\psi_1$ returns.",
            (_TC + "test_psi_1_of_12_is_an_n_by_q_matrix_whose_rows_are_the_transposed_outputs",)),
    Erratum("§3, Lemma 1 (i), (13)", "$\\dim C_{\\max}(S) = \\operatorname{rank}[S, \\mathbb{1}]$, with "
            "$\\dim C := \\dim\\operatorname{span} C$.", "Lemma 1 (i), dimension (13)", "statement",
            tests=("tests/test_cones.py::test_lemma1_dim_span_cmax_is_the_number_of_distinct_points_not_rank_S1",)),
    Erratum("§3, proof of Lemma 1", "A ReLU projection \"is a linear projection on each quadrant and thus cannot "
            "increase dimension\".", "Lemma 1 (i), dimension (13)", "proof",
            "Linearity on each orthant bounds each piece, not the span of their union: the projection of the "
            "line through $(1, -1)$ spans $\\mathbb{R}^2$. (The argument does hold for the dimension as a set.)",
            ("tests/test_cones.py::test_paper_proof_claim_relu_projection_cannot_increase_dimension_fails_off_the_ones_vector",)),
    Erratum("§3, proof of Lemma 1, last sentence", "A ReLU projection of any linear space $L$ is some "
            "$C_{\\max}(S)$.", "Lemma 1 (ii)", "proof",
            "Of any linear space containing $\\mathbb{1}$, as in the statement: "
            "$\\sigma_{\\max}(\\operatorname{span}\\{(1, -1)\\})$ is no ReLU cone.",
            ("tests/test_cones.py::test_lemma1_ii_subspace_without_ones_is_refused_and_its_projection_is_no_relu_cone",)),
    Erratum("§3, Corollary 1", "$\\psi_1(\\Theta)$ is a closed pointed cone of dimension "
            "$q \\cdot \\operatorname{rank}[S, \\mathbb{1}]$ (with $\\dim$ the dimension of the span).",
            "Corollary 1, dimension", "statement",
            tests=("tests/test_cones.py::test_corollary1_dimension_is_q_times_rank",)),
    Erratum("§4, proof of Theorem 1", "\"The five points in (19) have to be in the same quadrant, otherwise the "
            "points in (18) could not lie on a line or have successive distances "
            "$\\delta, \\delta, 2\\delta, 2\\delta$.\"", "Theorem 1, non-membership", "proof",
            "Asserted without argument, and its first reason is false: lines straddling two quadrants can "
            "have collinear, distinct images. The spacing is what excludes $T$: for such lines the middle two "
            "image distances are equal (a sketched lemma backed by a survey).",
            ("tests/test_illposed.py::test_collinear_distinct_images_of_a_straddling_line_exist_so_collinearity_alone_does_not_force_one_quadrant",
             "tests/test_illposed.py::test_quadrant_survey_never_produces_the_target_spacing_and_middle_spacings_of_collinear_images_agree")),
    Erratum("§4, after the proof of Theorem 1", "\"the hyperbolic tangent activation $\\sigma_{\\exp}$ in [4]\"",
            "Theorem 1, non-membership", "text",
            "The name and the words disagree: $\\sigma_{\\exp}$ is the paper's sigmoid $1/(1 + e^{-x})$, "
            "the hyperbolic tangent is $\\sigma_{\\tanh}$."),
    Erratum("§5, (20) and Theorem 2", "(20) defines the secant locus $\\Sigma_r^\\circ(X)$ as the sums "
            "$x_1 + \\dots + x_r$; Theorem 2 uses it as a union of spans.", "Theorem 2", "statement",
            tests=("tests/test_joins.py::test_the_sum_reading_of_the_secant_locus_misses_a_network_output_with_a_negative_coefficient",)),
    Erratum("§5, after the proof of Theorem 2, and the remark after Corollary 4",
            "The number of weights is \"$m$ as in (13)\"; \"by (13), $\\dim\\Theta = (p+1)d + (d+1)q$\".",
            "Remark after Corollary 4", "text",
            "$m$ is defined by (3); (13) is Lemma 1's dimension formula.",
            (_TC + "test_dim_theta_is_the_count_m_of_3_which_the_text_cites_as_13",)),
    Erratum("§5, proof of Lemma 2", "\"Then $\\sigma(u - \\lambda\\mathbb{1}) \\in "
            "\\mathbb{R}_{\\{n-k+1, \\dots, n\\}}$\", for the statement's $\\sigma(\\lambda\\mathbb{1} + x)$.",
            "Lemma 2", "proof",
            "$u$ is $x$; the proof's $\\lambda$ is minus the statement's; the set is "
            "$\\mathbb{R}^n_{\\{n-k+1, \\dots, n\\}}$.",
            ("tests/test_joins.py::test_lemma2_a_shift_of_a_general_vector_is_positive_on_exactly_its_k_largest_coordinates",)),
    Erratum("§5, proof of Lemma 3", "$\\sigma(v_i - \\lambda_i\\mathbb{1})$ for the statement's "
            "$\\sigma(\\lambda_i\\mathbb{1} + v_i)$.", "Lemma 3", "proof",
            "The same sign slip as in Lemma 2: the proof's $\\lambda_i$, $\\mu$ are minus the statement's.",
            ("tests/test_joins.py::test_lemma3_the_p_plus_1_shifted_columns_are_independent_in_R_n_I",)),
    Erratum("§5, proof of Theorem 3, last display", "$\\dim\\Sigma_d^\\circ(C_{\\max}(S)) = "
            "\\dim\\operatorname{Join}(F_{J_1}(S), \\dots, F_{J_d}(S)) + \\dim\\operatorname{span}\\{\\mathbb{1}\\} "
            "= d\\operatorname{rank}[S, \\mathbb{1}] + 1$", "Theorem 3", "proof",
            "The left side is $\\dim\\psi_2(\\Theta) = \\dim\\operatorname{Join}(\\Sigma_d^\\circ(C_{\\max}(S)), "
            "\\operatorname{span}\\{\\mathbb{1}\\})$; the secant locus alone has dimension $d(p+1)$ "
            "(exact ranks at the threshold).",
            (_TC + "test_theorem3_proof_left_side_the_secant_locus_alone_has_dimension_d_p_plus_1_not_plus_1",)),
    Erratum("§5, Theorem 4", "$x_i \\in \\operatorname{span}\\{\\mathbb{1}, y_1, \\dots, y_d\\}$, "
            "$i = 1, \\dots, d$.", "Theorem 4", "statement",
            tests=(_TC + "test_theorem4_constraint_on_only_d_of_the_q_columns_would_admit_non_outputs",)),
    Erratum("§5, the inclusion before Theorem 4", "$x_1, \\dots, x_d \\in "
            "\\operatorname{Join}(\\Sigma_d^\\circ(C_{\\max}(S)), \\operatorname{span}\\{\\mathbb{1}\\})$", "Theorem 4",
            "text", "$x_1, \\dots, x_q$: there are $q$ columns.",
            (_TC + "test_theorem4_constraint_on_only_d_of_the_q_columns_would_admit_non_outputs",)),
    Erratum("§5, proof of Theorem 4", "$\\alpha_2(x) = Ax + b$ with $A = [a_1, \\dots, a_q] \\in "
            "\\mathbb{R}^{d \\times q}$; coefficients for $i = 1, \\dots, n$.", "Theorem 4", "proof",
            "$\\alpha_2$ maps $\\mathbb{R}^d$ to $\\mathbb{R}^q$, so $\\alpha_2(x) = A^\\top x + b$ (or "
            "$A \\in \\mathbb{R}^{q \\times d}$); the index runs over $i = 1, \\dots, q$.",
            (_TC + "test_dim_theta_is_the_count_m_of_3_which_the_text_cites_as_13",)),
    Erratum("§5, Corollary 4, first formula", "$\\dim\\psi_2(\\Theta) = (q + \\operatorname{rank}[S, \\mathbb{1}])d + q$ "
            "for every sample.", "Corollary 4, rank formula", "statement",
            tests=(_TC + "test_the_printed_corollary4_count_exceeds_the_proven_bound_on_every_sample",
                   _TC + "test_when_all_rows_are_equal_the_dimension_is_q_not_the_count_with_n_rows")),
    Erratum("§5, Corollary 4, second formula", "For large $n$ and general $S$, "
            "$\\dim\\psi_2(\\Theta) = (p + q + 1)d + q$.", "Corollary 4, general samples", "statement",
            tests=("tests/test_joins.py::test_corollary4_computed_dimension_is_m_minus_d_because_of_rescaling",)),
    Erratum("§5, remark after Corollary 4", "$\\dim\\Theta = (p + 1)d + (d + 1)q = \\dim\\psi_2(\\Theta)$ in the "
            "general case.", "Remark after Corollary 4", "statement",
            tests=("tests/test_joins.py::test_corollary4_at_q_1_contradicts_corollary3_by_d_while_the_corrected_count_agrees",)),
    Erratum("§5, one neuron per layer", "$x \\in \\psi_k(\\Theta)$ if and only if "
            "$x_1 = \\dots = x_\\ell \\le \\dots \\le x_{\\ell+\\ell'} = \\dots = x_n$ and the middle entries are "
            "affine images of the $s_i$.", "§5 one-neuron networks, description", "statement",
            tests=(_TC + "test_a_vector_fitting_the_paper_description_is_in_no_one_neuron_image",
                   "tests/test_joins.py::test_one_neuron_outputs_can_decrease")),
    Erratum("§6, the sigmoid with $n = 1$", "For $S \\ne 0$ and every $k$, $\\psi_k(\\Theta) = (0, 1)$, so "
            "$T \\ge 1$ or $T \\le 0$ has no best approximation (likewise $\\tanh$).",
            "§6 sigmoid example, n = 1", "statement",
            tests=("tests/test_smooth.py::test_sigmoid_image_for_one_sample_is_all_of_R_under_definition_1",)),
    Erratum("§6, the parameterisation of $\\psi_2(\\Theta)$ for (30)", "Entries 2 and 3 with $e^{a+b}, e^{a-b}$ "
            "and $e^{2a+b}, e^{2a-b}$.", "§6 tanh example, formula for ψ2", "statement",
            tests=("tests/test_smooth.py::test_printed_tanh_entries_two_and_three_collapse_to_the_first",)),
    Erratum("§6, the box $U(\\varepsilon)$", "\"the open set of response matrices\" "
            "$U(\\varepsilon) = \\{T' : \\lvert t_i - t'_i\\rvert \\le \\varepsilon\\}$, later \"a nonempty open "
            "set\"; also \"$T' \\in U$\".", "§6 tanh example, the box U(ε)", "text",
            "With $\\le$ the box is closed, not open; its interior is a nonempty open set, and both have "
            "positive measure, which is what Proposition 2 needs. $U$ stands for $U(\\varepsilon)$.",
            (_TC + "test_U_eps_as_printed_contains_its_boundary_so_it_is_closed_not_open",)),
)

# The full read for errata (issue 14): what was checked, section by section, beyond the records.
READ_LOG = (
    ("Abstract", "each claim against the body: the ReLU classification is absent; the sigmoid's "
     "positive-measure failure is proved for $\\tanh$ only (both errata above)."),
    ("§1", "(1)-(5); the count (3) of $m$ ($m = 12$ for the 2-2-2 network, as stated in §4); the data "
     "(16) and the loss written out for them: no erratum."),
    ("§2", "(6)-(10), Definition 1, statements (i)-(ii); the \"open set $U$\" promised for §6 exists (the "
     "interior of the box): no erratum here."),
    ("§3", "Definition 2 (\"quadrant\" means orthant, harmless), (12) (erratum: row shape), Definition 3, "
     "Lemma 1 and its proof (errata: (13), two proof steps), Corollary 1 and (14)."),
    ("§4", "Theorem 1: the sizes $\\mathbb{R}^{2\\times 2} \\times \\mathbb{R}^2 \\times \\dots \\cong "
     "\\mathbb{R}^{12}$, $S \\in \\mathbb{R}^{6\\times 2}$, $T$ of (16), the values of $\\alpha_1^{(k)}$ "
     "against the matrices (17) (exact), the proof's steps (erratum: the quadrant step); the name "
     "$\\sigma_{\\exp}$ (erratum); Proposition 1."),
    ("§5", "(20)-(23) and Theorem 2 (erratum: sums against spans); Corollary 2 (both bounds true, $pn$ "
     "weaker than $n$: not an erratum); $\\mathbb{R}^n_I$, $F_I$, (24); Lemmas 2-3 and proofs (sign "
     "errata); Theorem 3: $U$ of (26) is open, the index ranges $J_i \\subseteq \\{1, \\dots, n\\}$ "
     "need $n \\ge d(p+1)$ (given), (27) direct although nested, (28), the last display (erratum); "
     "Corollary 3 and its proof; the one-neuron paragraph (erratum; \"for any $n \\ge 6$\" is "
     "unnecessary, not wrong); Theorem 4 (errata: index ranges, matrix size); Corollary 4 and the "
     "remark (errata, and (13) for (3))."),
    ("§6", "the $n = 1$ example (erratum), (30), the displayed parameterisation (erratum), the claims "
     "about $t = (0, 2, 1)$ (true, sharpened in chapter 6), $U(\\varepsilon)$ called open (erratum), "
     "Proposition 2."),
    ("§7", "the two questions are stated as open; nothing checkable is claimed."),
)


def errata_problems(records=None, errata=None) -> list:
    """The ways the errata and the records disagree (an empty list when they agree).

    Every record with a correction needs an erratum on its statement; every erratum on a
    statement needs a record with a correction; every erratum names an existing record, a known
    scope, and (unless it is a ``"text"`` erratum) tests.

    >>> errata_problems()
    []
    """
    records = RECORDS if records is None else tuple(records)
    errata = ERRATA if errata is None else tuple(errata)
    by_key = {r.key: r for r in records}
    problems = []
    for e in errata:
        if e.scope not in ERRATUM_SCOPES:
            problems.append(f"{e.location}: scope {e.scope!r} is not one of {ERRATUM_SCOPES}")
        rec = by_key.get(e.record)
        if rec is None:
            problems.append(f"{e.location}: no ledger record named {e.record!r}")
            continue
        if e.scope == "statement" and not rec.correction:
            problems.append(f"{e.location}: an erratum on a statement, but the record {e.record!r} has no correction")
        if e.scope != "text" and not e.tests:
            problems.append(f"{e.location}: no test that fails if the printed text came back")
    stated = {e.record for e in errata if e.scope == "statement"}
    for r in records:
        if r.correction and r.key not in stated:
            problems.append(f"{r.key}: the record has a correction but no erratum on its statement")
    return problems


_BY_KEY = {r.key: r for r in RECORDS}


def record(key: str) -> Record:
    """The record named ``key``.

    >>> record("Proposition 1").verdict
    'holds'
    """
    if not isinstance(key, str):
        raise TypeError(f"key: expected a string, got {type(key).__name__}")
    try:
        return _BY_KEY[key]
    except KeyError:
        raise ValueError(f"key: no ledger record named {key!r}") from None


def records_for_chapter(chapter: str) -> tuple:
    """The records checked in ``chapter`` (a notebook name without ``.ipynb``), in ledger order.

    >>> [r.key for r in records_for_chapter("01_introduction")]
    ['§1 example']
    """
    if chapter not in _CHAPTER_TITLES:
        raise ValueError(f"chapter: unknown chapter {chapter!r}; known: {sorted(_CHAPTER_TITLES)}")
    return tuple(r for r in RECORDS if r.chapter == chapter)


def _as_flag(name, value):
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name}: expected True or False (a computed check), got {type(value).__name__}")


def confirm(key: str, *, holds=None, corrected=None) -> None:
    """Raise :class:`LedgerMismatch` if a chapter's computation contradicts the recorded verdict.

    Parameters
    ----------
    key : str
        The record's key.
    holds : bool, optional
        Whether the computation found the statement *as printed* to hold (for a definition:
        whether the code's objects agree with it).  Expected ``True`` for ``holds`` and
        ``definition``, ``False`` for ``fails`` and ``holds with a correction``.
    corrected : bool, optional
        Whether the computation found the record's ``correction`` to hold; expected ``True``.
        Only records with a correction accept it.

    Returns ``None``, so a call at the end of a cell prints nothing.

    >>> confirm("Lemma 1 (i), dimension (13)", holds=False, corrected=True)
    >>> confirm("Lemma 1 (ii)", holds=False)
    Traceback (most recent call last):
    ...
    nnlib.ledger.LedgerMismatch: Lemma 1 (ii): the ledger records 'holds', but this computation found the statement as printed not to hold...
    """
    rec = record(key)
    holds = _as_flag("holds", holds)
    corrected = _as_flag("corrected", corrected)
    if holds is None and corrected is None:
        raise ValueError("holds: give holds= and/or corrected=, the outcome of the chapter's check")
    if rec.verdict == "open":
        raise ValueError(f"key: {key!r} is open in the ledger; there is no verdict to confirm")
    if corrected is not None and not rec.correction:
        raise ValueError(f"corrected: the record {key!r} has no correction to confirm")
    fix = "; update nnlib/ledger.py (and the chapter's summary) or find the error in the computation"
    if holds is not None:
        expected = rec.verdict in ("holds", "definition")
        if holds != expected:
            found = "to hold" if holds else "not to hold"
            raise LedgerMismatch(f"{key}: the ledger records {rec.verdict!r}, but this computation found "
                                 f"the statement as printed {found}{fix}")
    if corrected is False:
        raise LedgerMismatch(f"{key}: the ledger records the correction {rec.correction!r}, but this "
                             f"computation found it not to hold{fix}")


# ------------------------------------------------------------------------------- rendering
def _cell(text: str) -> str:
    """Text for a markdown table cell (a bare | would end the cell)."""
    if "|" in text.replace("\\|", ""):
        raise ValueError(f"text: a table cell may not contain '|' (use \\lVert, \\rVert or \\mid): {text!r}")
    return text.replace("\n", " ")


def _link(rec: Record) -> str:
    return f"{{ref}}`{_CHAPTER_TITLES[rec.chapter].replace('Chapter', 'ch.')} §{rec.section} <{rec.label}>`"


def render_markdown() -> str:
    """The appendix page, rendered from ``RECORDS`` (MyST markdown).

    >>> page = render_markdown()
    >>> page.splitlines()[0]
    '# Claims ledger'
    >>> "{ref}`ch. 3 §3.3 <ledger-lemma-1-i-dimension>`" in page
    True
    """
    counts = {v: sum(r.verdict == v for r in RECORDS) for v in VERDICTS}
    classes = {c: sum(r.evidence_class == c for r in RECORDS) for c in EVIDENCE_CLASSES}
    lines = [
        "# Claims ledger",
        "",
        "<!-- Generated from nnlib/ledger.py by nnlib.ledger.write_appendix(): do not edit by hand.",
        "     tests/test_ledger.py fails when this page differs from the rendering. -->",
        "",
        "Every numbered result of {cite:t}`lim2019best`, and the worked examples and displayed claims that",
        "the chapters check, with the book's verdict. The table is generated from one data source,",
        "`nnlib.ledger`, which the chapters' check cells also call: a chapter whose computation",
        "contradicts the verdict recorded here fails to execute. Verdicts:",
        "",
        "holds",
        ": the statement as printed agrees with computation (slips in a proof are noted in the evidence).",
        "",
        "holds with a correction",
        ": the statement is wrong in a detail; the corrected statement agrees with computation.",
        "",
        "fails",
        ": the statement as printed is contradicted by computation; the correction says what is true.",
        "",
        "open",
        ": the paper leaves the question open, and the book does not settle it.",
        "",
        "definition",
        ": nothing to prove; the book checks that its code computes the objects defined.",
        "",
        "Each verdict also carries the strength of its evidence:",
        "",
        "proved in the book",
        ": the argument is written out (in a chapter or in a docstring of `nnlib`) and checked against computation.",
        "",
        "certified by exact computation",
        ": exact arithmetic (rationals, integer ranks over a prime field) settles it, with a proven bound where needed.",
        "",
        "numerical evidence",
        ": floating-point computation on sampled cases, with second looks, but no proof.",
        "",
        "sketch",
        ": an argument is given but not checked in full; computation backs it.",
        "",
        "open",
        ": neither the paper nor the book settles it.",
        "",
        "Counts: " + ", ".join(f"{v} {counts[v]}" for v in VERDICTS) + f" ({len(RECORDS)} records for "
        f"{len(PAPER_RESULTS)} results and examples). Evidence: "
        + ", ".join(f"{c} {classes[c]}" for c in EVIDENCE_CLASSES) + ". Where the paper's text is wrong, "
        "the {doc}`errata <errata>` list it, generated from the same records.",
        "",
        "| Result | Claim | Verdict | Evidence class | Evidence | Checked in |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in RECORDS:
        verdict = f"**{r.verdict}**" if r.verdict in ("fails", "holds with a correction") else r.verdict
        evidence = r.evidence + (f" *Correction:* {r.correction}" if r.correction else "")
        lines.append(f"| {_cell(r.key)} ({_cell(r.paper)}) | {_cell(r.statement)} | {verdict} | {r.evidence_class} "
                     f"| {_cell(evidence)} | {_link(r)} |")
    lines += [
        "",
        "## Unit tests",
        "",
        "The unit tests of `nnlib` (run by `pytest tests`) that each verdict also rests on.",
        "",
    ]
    for r in RECORDS:
        tests = ", ".join(f"`{t.split('::')[1]}` ({t.split('::')[0].removeprefix('tests/')})" for t in r.tests)
        lines += [f"{r.key}", f": {tests}", ""]
    lines.append("")
    return "\n".join(lines)


def render_errata() -> str:
    """The errata page, rendered from ``ERRATA``, ``READ_LOG`` and the records (MyST markdown).

    >>> page = render_errata()
    >>> page.splitlines()[0]
    '# Errata'
    """
    problems = errata_problems()
    if problems:
        raise ValueError("errata: the errata and the records disagree: " + "; ".join(problems))
    by_key = {r.key: r for r in RECORDS}
    counts = {sc: sum(e.scope == sc for e in ERRATA) for sc in ERRATUM_SCOPES}
    lines = [
        "# Errata",
        "",
        "<!-- Generated from nnlib/ledger.py by nnlib.ledger.write_appendix(): do not edit by hand.",
        "     tests/test_ledger.py fails when this page differs from the rendering. -->",
        "",
        "Every place where the text of {cite:t}`lim2019best` (arXiv:1907.01507) is wrong, from a typo to a",
        "false theorem, with what should stand there and a link to the evidence: the chapter section",
        "that checks it and the record of the {doc}`claims ledger <claims_ledger>`. The list is",
        "generated from the same module as the ledger; a correction in the ledger without an erratum",
        "here, or an erratum on a statement without a correction in the ledger, fails the tests.",
        "",
        f"{len(ERRATA)} errata: {counts['statement']} in statements of results, {counts['proof']} in proofs, "
        f"{counts['text']} elsewhere in the text.",
        "",
        "| | Location | Printed | Correction | Evidence |",
        "| --- | --- | --- | --- | --- |",
    ]
    for i, e in enumerate(ERRATA, 1):
        rec = by_key[e.record]
        correction = e.correction or rec.correction
        kind = {"statement": "statement", "proof": "proof", "text": "text"}[e.scope]
        lines.append(f"| {i} | {_cell(e.location)} ({kind}) | {_cell(e.printed)} | {_cell(correction)} | "
                     f"{_link(rec)}; ledger: {_cell(rec.key)}, *{rec.verdict}* |")
    lines += [
        "",
        "## What was read",
        "",
        "The whole paper was read section by section for errata; each suspected erratum was checked by",
        "computation (the tests named in `nnlib.ledger.ERRATA`) or by the argument given in the chapter",
        "before it was listed. Besides the results of the ledger, the read covered:",
        "",
    ]
    for section, checked in READ_LOG:
        lines += [section, f": {checked}", ""]
    lines.append("")
    return "\n".join(lines)


def write_appendix(root="."):
    """Write :func:`render_markdown` and :func:`render_errata` to their pages under ``root``; return the ledger's path.

    From the repository root: ``.venv/bin/python -c "from nnlib import ledger; ledger.write_appendix()"``.
    """
    path = Path(root) / APPENDIX_PATH
    if not path.parent.is_dir():
        raise ValueError(f"root: {Path(root).resolve()} has no folder {path.parent.relative_to(root)}")
    path.write_text(render_markdown(), encoding="utf-8")
    write_errata(root)
    return path


def write_errata(root="."):
    """Write :func:`render_errata` to the errata page under the repository ``root``; return its path."""
    path = Path(root) / ERRATA_PATH
    if not path.parent.is_dir():
        raise ValueError(f"root: {Path(root).resolve()} has no folder {path.parent.relative_to(root)}")
    path.write_text(render_errata(), encoding="utf-8")
    return path


if __name__ == "__main__":  # pragma: no cover
    print(f"wrote {write_appendix(sys.argv[1] if len(sys.argv) > 1 else '.')}")
