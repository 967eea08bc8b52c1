"""nnlib.cones: the ReLU projection, psi_1 of (12), the ReLU cone (Definition 3, Lemma 1,
Corollary 1) and its faces F_I(S) (structure (24))."""

from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlib import Architecture, image_dimension
from nnlib import cones
from nnlib.viz import cones as viz_cones
from _helpers import explorer_parts, pixels, same_picture

SHAPES = [(3, 1), (5, 1), (6, 2), (8, 3), (4, 5), (10, 2), (12, 4)]


def _naive_relu_cone_point(S, a, b):
    """sigma_max(a^T s_i + b), one observation at a time (Definition 3 written out)."""
    return np.array([max(0.0, float(np.dot(a, s)) + b) for s in S])


def rank_deficient_samples():
    return {
        "repeated point on the line": np.array([[0.0], [1.0], [1.0], [2.0]]),
        "all points equal": np.full((4, 2), 0.7),
        "collinear points in the plane": np.array([[0.0, 0.0], [1.0, 2.0], [2.0, 4.0], [-1.0, -2.0]]),
        "points on an affine plane of R^3": np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0], [0.2, 0.3, 0.5]]),
        "repeated points in the plane": np.array([[0.0, 1.0], [0.0, 1.0], [2.0, 0.5], [2.0, 0.5], [1.0, 1.0]]),
    }


# --- Definitions 2 and 3, equation (12) ------------------------------------------------------

def test_relu_projection_is_coordinatewise_max_with_zero():
    X = np.array([[-2.0, 0.0, 3.5], [1e-300, -1e-300, 7.0]])
    assert np.array_equal(cones.relu_projection(X), np.where(X > 0, X, 0.0))


def test_psi_1_matches_definition_12_row_by_row():
    rng = np.random.default_rng(3)
    S, A, b = rng.standard_normal((7, 3)), rng.standard_normal((4, 3)), rng.standard_normal(4)
    expected = np.column_stack([_naive_relu_cone_point(S, A[j], b[j]) for j in range(4)])
    assert np.allclose(cones.psi_1(S, A, b), expected, atol=1e-14)


def test_relu_cone_points_are_images_of_their_weights():
    rng = np.random.default_rng(4)
    S = rng.standard_normal((6, 2))
    X, thetas = cones.relu_cone_points(S, 50, rng=5, return_weights=True)
    for x, t in zip(X, thetas):
        assert np.allclose(x, _naive_relu_cone_point(S, t[:-1], t[-1]), atol=1e-13)


def test_definition3_relu_cone_is_a_cone():
    rng = np.random.default_rng(6)
    S = rng.standard_normal((6, 2))
    for x in cones.relu_cone_points(S, 30, rng=7):
        for lam in (1e-3, 0.5, 7.0):
            assert cones.in_relu_cone(lam * x, S)


def test_relu_cone_points_hit_every_face_of_a_small_sample():
    S = np.array([[0.0], [1.0], [2.5], [3.0]])
    X = cones.relu_cone_points(S, 400, rng=0)
    supports = {tuple(np.flatnonzero(x > 0)) for x in X}
    faces = {f.indices for f in cones.relu_cone_faces(S)}
    assert supports == faces


# --- Lemma 1 (i) -----------------------------------------------------------------------------

@pytest.mark.parametrize("n,p", SHAPES)
def test_lemma1_set_dimension_equals_rank_S1_on_random_samples(n, p):
    S = np.random.default_rng(n * 10 + p).standard_normal((n, p))
    d = cones.relu_cone_dimensions(S, rng=1)
    assert d.set_dimension == d.jacobian_rank == d.rank_S1 == min(n, p + 1)


@pytest.mark.parametrize("n,p", SHAPES)
def test_lemma1_dim_span_cmax_is_the_number_of_distinct_points_not_rank_S1(n, p):
    """The paper defines dim C = dim span C; with that definition (13) fails whenever n > p + 1."""
    S = np.random.default_rng(n * 10 + p).standard_normal((n, p))
    d = cones.relu_cone_dimensions(S, rng=1)
    assert d.span == n
    assert (d.span == d.rank_S1) == (n <= p + 1)


@pytest.mark.parametrize("name", list(rank_deficient_samples()))
def test_lemma1_rank_deficient_samples(name):
    S = rank_deficient_samples()[name]
    d = cones.relu_cone_dimensions(S, rng=2)
    assert d.set_dimension == d.jacobian_rank == d.rank_S1 == np.linalg.matrix_rank(np.column_stack([S, np.ones(len(S))]))
    assert d.span == cones.distinct_rows(S)


def test_lemma1_set_dimension_agrees_with_nnlib_image_dimension_of_the_affine_layer():
    """The largest face is sigma_max(L) ∩ (0, inf)^n = L ∩ (0, inf)^n, L = image of nnlib's k = 1 (affine) network."""
    rng = np.random.default_rng(8)
    for n, p in [(5, 1), (6, 2), (4, 4)]:
        S = rng.standard_normal((n, p))
        rep = image_dimension(Architecture((p, 1), "relu"), S, rng=0)
        assert rep.dimension == cones.relu_cone_dimensions(S).set_dimension


def test_lemma1_cone_is_pointed_all_points_nonnegative():
    rng = np.random.default_rng(9)
    S = rng.standard_normal((7, 2))
    X = cones.relu_cone_points(S, 300, rng=1)
    assert (X >= 0).all()
    nonzero = X[np.any(X > 0, axis=1)]
    assert not any(cones.in_relu_cone(-x, S) for x in nonzero[:20])


def test_lemma1_cone_is_closed_limit_of_cone_points_with_diverging_weights_is_a_cone_point():
    S = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, 0.2]])
    target = None
    for t in [1e1, 1e3, 1e5]:
        # a = t * (1, 1) + (1, 0), b = -1.5 t: a hinge that sharpens as t grows, weights diverge
        a, b = np.array([t + 1.0, t]), -1.5 * t + 0.5
        x = cones.relu_projection(cones.augmented_sample(S) @ np.append(a, b)) / t
        target = x
    limit = np.array([0.0, 0.0, 0.0, 0.5, 0.0])
    assert np.allclose(target, limit, atol=1e-4)
    theta = cones.relu_cone_preimage(limit, S)
    assert theta is not None and np.linalg.norm(theta) < 10


def test_relu_cone_preimage_rejects_points_outside_the_cone():
    S = np.array([[0.0], [1.0], [2.0]])
    assert cones.relu_cone_preimage([0.0, 1.0, 0.0], S) is None  # a bump: not one hinge
    assert cones.relu_cone_preimage([1.0, -1.0, 0.0], S) is None  # negative entry
    assert cones.relu_cone_preimage([1.0, 2.0, 4.0], S) is None  # positive but not affine in s
    assert np.array_equal(cones.relu_cone_preimage([0.0, 0.0, 0.0], S), np.zeros(2))


# --- Lemma 1 (ii) ----------------------------------------------------------------------------

@pytest.mark.parametrize("n,r", [(4, 1), (5, 2), (6, 3), (7, 5), (9, 4), (8, 7)])
def test_lemma1_ii_relu_projection_of_subspace_is_relu_cone(n, r):
    rng = np.random.default_rng(n + r)
    L = np.column_stack([np.ones(n), rng.standard_normal((n, r - 1))]) @ rng.standard_normal((r, r))
    S = cones.sample_for_subspace(L)
    assert S.shape[1] == max(r - 1, 1)
    assert np.linalg.matrix_rank(np.column_stack([L, cones.augmented_sample(S)])) == r
    assert cones.rank_S1(S) == r
    # sigma_max(L) ⊆ C_max(S)
    for c in rng.standard_normal((25, r)):
        assert cones.in_relu_cone(cones.relu_projection(L @ c), S)
    # C_max(S) ⊆ sigma_max(L): each cone point is the projection of a point of L
    Q = np.linalg.qr(L)[0]
    for x, th in zip(*cones.relu_cone_points(S, 25, rng=1, return_weights=True)):
        z = cones.augmented_sample(S) @ th
        assert np.allclose(Q @ (Q.T @ z), z, atol=1e-10)
        assert np.allclose(cones.relu_projection(z), x)


def test_lemma1_ii_subspace_without_ones_is_refused_and_its_projection_is_no_relu_cone():
    L = np.array([[1.0], [-1.0]])
    with pytest.raises(ValueError, match=r"^L must span a subspace containing the all-ones"):
        cones.sample_for_subspace(L)
    # sigma(span{(1,-1)}) = two rays along e1 and e2 -- it misses the ray of 1, which every ReLU cone contains
    S = np.array([[0.0], [1.0]])
    assert cones.in_relu_cone([1.0, 1.0], S)
    image = {tuple(cones.relu_projection(t * L[:, 0])) for t in (-1.0, 1.0)}
    assert (1.0, 1.0) not in image


def test_paper_proof_claim_relu_projection_cannot_increase_dimension_fails_off_the_ones_vector():
    """sigma_max(span{(1, -1)}) spans R^2: the ReLU projection does increase the span dimension."""
    X = cones.relu_projection(np.outer([-1.0, 1.0], [1.0, -1.0]))
    assert np.linalg.matrix_rank(X) == 2


# --- Corollary 1 -----------------------------------------------------------------------------

@pytest.mark.parametrize("n,p,q", [(5, 1, 2), (6, 2, 3), (4, 3, 2), (7, 2, 1)])
def test_corollary1_dimension_is_q_times_rank(n, p, q):
    rng = np.random.default_rng(n * 100 + p * 10 + q)
    S = rng.standard_normal((n, p))
    r = cones.rank_S1(S)
    # set dimension: rank of the Jacobian of (A, b) -> psi_1 at weights where every unit is active
    A, b = rng.standard_normal((q, p)), rng.standard_normal(q)
    b = np.abs(b) + np.abs(S @ A.T).max() + 1.0  # every unit active on every point
    eps = 1e-6
    base = cones.psi_1(S, A, b).ravel()
    D = []
    for k in range(q * (p + 1)):
        dA, db = np.zeros(q * p), np.zeros(q)
        (dA if k < q * p else db)[k if k < q * p else k - q * p] = eps
        D.append((cones.psi_1(S, A + dA.reshape(q, p), b + db).ravel() - base) / eps)
    assert np.linalg.matrix_rank(np.array(D), tol=1e-6) == q * r
    # span dimension: q times the span of one cone
    # (matrices with one cone point in column j and zeros elsewhere all lie in psi_1(Theta),
    # since the zero vector is a cone point; they span the span of psi_1(Theta))
    Xs = [cones.relu_cone_points(S, 60, rng=j) for j in range(q)]
    blocks = []
    for j, X in enumerate(Xs):
        B = np.zeros((60, n, q))
        B[:, :, j] = X
        blocks.append(B.reshape(60, -1))
    assert np.linalg.matrix_rank(np.vstack(blocks), tol=1e-9) == q * cones.distinct_rows(S)


def test_corollary1_psi_1_image_is_the_direct_sum_14():
    rng = np.random.default_rng(11)
    S = rng.standard_normal((6, 2))
    q = 3
    V = np.column_stack([cones.relu_cone_points(S, 7, rng=j)[j] for j in range(q)])
    thetas = [cones.relu_cone_preimage(V[:, j], S) for j in range(q)]
    A = np.array([t[:-1] for t in thetas])
    b = np.array([t[-1] for t in thetas])
    assert np.allclose(cones.psi_1(S, A, b), V, atol=1e-8)
    # and conversely every column of psi_1(A, b) lies in C_max(S)
    P = cones.psi_1(S, rng.standard_normal((q, 2)), rng.standard_normal(q))
    assert all(cones.in_relu_cone(P[:, j], S) for j in range(q))


# --- faces F_I(S) and (24) -------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 3, 5, 7])
def test_faces_of_sorted_1d_sample_are_upper_and_lower_sets(n):
    S = np.sort(np.random.default_rng(n).standard_normal(n))[:, None]
    faces = cones.relu_cone_faces(S)
    found = {f.indices for f in faces}
    upper = {tuple(range(j, n)) for j in range(n + 1)}
    lower = {tuple(range(j)) for j in range(n + 1)}
    assert found == upper | lower
    assert len(found) == 2 * n
    for f in faces:
        assert f.dimension == min(len(f.indices), 2)


def test_faces_dimension_is_rank_of_rows_in_I_checked_on_sampled_points():
    S = np.random.default_rng(12).standard_normal((6, 2))
    X = cones.relu_cone_points(S, 3000, rng=3)
    for f in cones.relu_cone_faces(S):
        on_face = X[[tuple(np.flatnonzero(x > 0)) == f.indices for x in X]]
        if len(on_face) > f.dimension + 3 and f.indices:
            assert np.linalg.matrix_rank(on_face, tol=1e-9) == f.dimension


def test_faces_union_is_the_cone_24_every_cone_point_lies_in_exactly_one_listed_face():
    S = np.random.default_rng(13).standard_normal((7, 3))
    faces = {f.indices for f in cones.relu_cone_faces(S)}
    for x in cones.relu_cone_points(S, 300, rng=4):
        assert tuple(np.flatnonzero(x > 0)) in faces


def test_faces_are_exactly_the_affinely_separable_index_sets_brute_force_p1():
    """An independent count for p = 1: the index sets cut off by a threshold, listed directly."""
    S = np.array([[0.3], [-1.0], [2.0], [0.3], [1.1]])
    s = S[:, 0]
    expected = {()}
    for c in np.concatenate([np.unique(s) - 1e-3, np.unique(s) + 1e-3]):
        expected.add(tuple(np.flatnonzero(s > c)))
        expected.add(tuple(np.flatnonzero(s < c)))
    assert {f.indices for f in cones.relu_cone_faces(S)} == expected


def test_face_point_lies_on_its_face_and_empty_faces_give_none():
    S = np.array([[0.0], [1.0], [2.0]])
    x = cones.face_point(S, (1, 2))
    assert tuple(np.flatnonzero(x > 0)) == (1, 2) and cones.in_relu_cone(x, S)
    assert cones.face_point(S, (1,)) is None
    assert np.array_equal(cones.face_point(S, ()), np.zeros(3))


# --- pictures and widget ---------------------------------------------------------------------

def test_cone_cross_section_of_three_points_on_a_line_is_exact():
    sections = dict((f.indices, V) for f, V in cones.cone_cross_section(np.array([[0.0], [1.0], [2.0]])))
    assert set(sections) == {(0,), (2,), (0, 1), (1, 2), (0, 1, 2)}
    big = sections[(0, 1, 2)]
    ends = {tuple(np.round(v, 9)) for v in big}
    assert ends == {(0.0, round(1 / 3, 9), round(2 / 3, 9)), (round(2 / 3, 9), round(1 / 3, 9), 0.0)}


def test_cone_figure_has_titles_labels_and_legends():
    fig = viz_cones.cone_figure(np.array([[0.0, 0.0], [1.0, 0.0], [0.3, 1.0]]))
    try:
        assert fig._suptitle is not None and fig._suptitle.get_text()
        assert any("rank [S, 1] = 3" in t.get_text() for t in fig.texts)
        for ax in fig.axes:
            assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None
    finally:
        plt.close(fig)


def _dims_line(fig) -> str:
    (line,) = [t.get_text() for t in fig.texts if t.get_text().startswith("rank")]
    return line


def test_cone_explorer_figure_switches_between_line_and_plane():
    fig = viz_cones.cone_explorer_figure(0.0, 1.0, 1.0, 0.0)
    assert fig._suptitle.get_text().startswith("three points on the line")
    assert _dims_line(fig) == "rank [S, 1] = 2, largest face dimension = 2, dim span = 2"
    plt.close(fig)
    fig = viz_cones.cone_explorer_figure(0.0, 1.0, 0.5, 1.0)
    assert fig._suptitle.get_text().startswith("three points in the plane")
    assert _dims_line(fig).startswith("rank [S, 1] = 3")
    plt.close(fig)


def test_the_figure_shows_each_face_once_with_its_name_and_the_legend_lists_the_dimensions_present():
    S = np.array([[0.0], [1.0], [1.0]])  # a repeated point: faces of dimensions 1 and 2
    panels = viz_cones._ConePanels().show(S)
    try:
        faces = [f for f in cones.relu_cone_faces(S) if f.indices]
        shown = {I for I, name in panels.names.items() if name.get_visible()}
        assert shown == {f.indices for f in faces}
        texts = [t.get_text() for t in panels.ax2.get_legend().get_texts()]
        assert texts[1:] == ["faces of dimension 1", "faces of dimension 2"]
        assert sum(legend.get_visible() for legend in panels.legends2.values()) == 1
    finally:
        plt.close(panels.fig)


def test_three_point_faces_agree_with_the_linear_programs_on_degenerate_and_generic_samples():
    samples = [np.array(S, dtype=float) for S in (
        [[0.0], [1.0], [2.0]], [[0.0], [1.0], [1.0]], [[1.0], [1.0], [1.0]], [[2.0], [0.0], [1.0]],
        [[0.0, 0.0], [1.0, 0.0], [0.5, 0.0]], [[0.0, 0.0], [1.0, 0.0], [0.3, 1.0]], [[0.0, 0.0], [0.0, 0.0], [1.0, 2.0]],
        [[0.0, 0.0], [1.0, 0.0], [1.0 + 1e-9, 0.0]], [[0.0, 0.0], [1.0, 0.0], [0.5, 1e-8]])]
    rng = np.random.default_rng(0)
    samples += [rng.standard_normal((3, p)) for p in (1, 2, 3) for _ in range(5)]
    for S in samples:
        assert cones._three_point_faces(S) == cones.relu_cone_faces(S), S


def test_cone_explorer_shows_the_cone_of_its_four_sliders_and_follows_each_of_them():
    """The image is the picture of the sliders' setting, after every slider moves, h included."""
    box = viz_cones.cone_explorer(0.0, 1.0, 2.0, 0.0)
    sliders, image = explorer_parts(box)
    assert [s.value for s in sliders] == [0.0, 1.0, 2.0, 0.0]
    assert same_picture(image.value, viz_cones.cone_explorer_live()(0.0, 1.0, 2.0, 0.0))
    setting = [0.0, 1.0, 2.0, 0.0]
    for i, value in enumerate((-0.5, 1.5, 1.25, 0.75)):  # the last move lifts s3 off the line
        before = image.value
        sliders[i].value = setting[i] = value
        assert not same_picture(image.value, before), f"moving slider {i} left the picture unchanged"
        assert same_picture(image.value, viz_cones.cone_explorer_live()(*setting)), setting


# --- the live widget ---------------------------------------------------------------------------

def test_the_live_cone_after_other_moves_equals_a_fresh_rendering_pixel_for_pixel():
    target = (0.5, 0.0, -1.0, -1.5)
    render = viz_cones.cone_explorer_live()
    render(0.0, 1.0, 2.0, 0.0)
    render(1.25, -1.75, -1.25, -1.0)   # a cone with faces of dimension 3
    render(0.0, 1.0, 1.0, 0.0)         # fewer faces: stale artists must disappear
    render(-0.5, 0.75, 1.5, 1.25)
    again = render(*target)
    fresh = viz_cones.cone_explorer_live()(*target)
    assert np.array_equal(pixels(again), pixels(fresh))


def test_a_cone_move_that_keeps_the_dimensions_is_a_blit_and_changes_the_picture():
    render = viz_cones.cone_explorer_live()
    first = render(0.0, 1.0, 2.0, 0.0)
    assert render.live.last_mode == "full"
    second = render(0.0, 1.5, 2.0, 0.0)   # same rank, face dimensions and span: same legends
    assert render.live.last_mode == "blit"
    assert not np.array_equal(pixels(first), pixels(second))
    render(0.0, 1.0, 1.0, 0.0)            # span 2: the dimensions line changes, drawn in full
    assert render.live.last_mode == "full"
    render(0.0, 1.0, 2.0, 0.0)            # back to a known dimensions line: its background is kept
    assert render.live.last_mode == "blit"


def test_the_live_cone_draws_what_the_static_figure_draws():
    from IPython.core.pylabtools import print_figure

    render = viz_cones.cone_explorer_live()
    render(1.0, 2.0, 1.5, 0.0)
    live = pixels(render(-1.25, 1.25, 1.5, 0.25))
    fig = viz_cones.cone_explorer_figure(-1.25, 1.25, 1.5, 0.25)
    static = pixels(print_figure(fig, "png", bbox_inches=None))
    plt.close(fig)
    assert live.shape == static.shape
    # the blitted frame draws the moving faces above the still parts; where translucent faces
    # overlap it may blend them in another order than the figure drawn in one go (edges only)
    differ = np.any(live != static, axis=2)
    assert differ.mean() < 0.002


# --- bad input -------------------------------------------------------------------------------

def test_bad_inputs_name_the_argument():
    S = np.array([[0.0], [1.0], [2.0]])
    with pytest.raises(ValueError, match=r"^S must be a 2-D matrix"):
        cones.relu_cone_faces(np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"^S must contain only finite"):
        cones.rank_S1(np.array([[np.nan], [1.0]]))
    with pytest.raises(ValueError, match=r"^A must have 1 columns"):
        cones.psi_1(S, np.ones((2, 2)), np.ones(2))
    with pytest.raises(ValueError, match=r"^b must have length 2"):
        cones.psi_1(S, np.ones((2, 1)), np.ones(3))
    with pytest.raises(ValueError, match=r"^x must have length 3"):
        cones.relu_cone_preimage([1.0, 2.0], S)
    with pytest.raises(ValueError, match=r"^n_points must be a positive integer"):
        cones.relu_cone_points(S, 0)
    with pytest.raises(ValueError, match=r"^S must have at most MAX_FACE_N"):
        cones.relu_cone_faces(np.zeros((cones.MAX_FACE_N + 1, 1)))
    with pytest.raises(ValueError, match=r"^S must have n = 3 rows"):
        cones.cone_cross_section(np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"^indices must be distinct integers"):
        cones.face_point(S, (0, 0))
    with pytest.raises(ValueError, match=r"^h must lie in the slider range"):
        viz_cones.cone_explorer(0.0, 1.0, 2.0, 5.0)
    with pytest.raises(ValueError, match=r"^s2 must contain only finite"):
        viz_cones.cone_explorer_live()(0.0, float("nan"), 2.0, 0.0)
    with pytest.raises(TypeError, match=r"^s1 must be an array of real numbers"):
        viz_cones.cone_explorer_figure("one", 1.0, 2.0, 0.0)
    with pytest.raises(ValueError, match=r"^S must have n = 3 rows"):
        cones._three_point_faces(np.zeros((4, 1)))
    with pytest.raises(TypeError, match=r"^rng must be"):
        cones.relu_cone_points(S, 5, rng="seed")
    with pytest.raises(ValueError, match=r"^theta must have length 2"):
        cones.psi_1_jacobian(S, np.ones(3))


def test_corollary1_check_confirms_14_and_the_set_dimension_q_times_rank_S1():
    gen = np.random.default_rng(5)
    S = gen.standard_normal((6, 2))
    subset, superset, set_dim, span_dim = cones.corollary1_check(S, 3, gen)
    assert subset and superset
    assert set_dim == 3 * cones.rank_S1(S)
    assert span_dim == 3 * cones.distinct_rows(S)
    with pytest.raises(TypeError, match="^rng"):
        cones.corollary1_check(S, 3, 0)
