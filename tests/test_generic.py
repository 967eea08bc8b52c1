"""nnlib.generic: symmetry counts, generic dimension and rank, Wilson intervals, polynomial networks (chapter 7)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlib import generic
from nnlib.viz import generic as viz_generic
from nnlib.dimension import image_dimension, symmetry_bound
from nnlib.network import Architecture, jacobian, weights_map
from _helpers import pixels, same_picture


# ----------------------------------------------------------------------------- symmetries
@pytest.mark.parametrize("widths", [(2, 3, 1), (2, 3, 4, 2), (1, 2, 2, 2, 1)])
def test_relu_and_powers_have_one_continuous_symmetry_per_hidden_unit(widths):
    hidden = sum(widths[1:-1])
    assert generic.continuous_symmetries(Architecture(widths, "relu")) == hidden
    assert generic.continuous_symmetries(Architecture(widths, "poly3")) == hidden
    assert generic.symmetry_bound(Architecture(widths, "relu")) == Architecture(widths).m - hidden


@pytest.mark.parametrize("act", ["tanh", "sigmoid"])
def test_tanh_and_sigmoid_have_no_continuous_symmetry(act):
    arch = Architecture((2, 3, 3, 1), act)
    assert generic.continuous_symmetries(arch) == 0
    assert generic.symmetry_directions(arch, arch.random_theta(0)).shape == (0, arch.m)


def test_identity_hidden_layers_carry_a_general_linear_group():
    assert generic.continuous_symmetries(Architecture((2, 3, 4, 1), "identity")) == 9 + 16


def test_the_symmetry_counts_are_dimensions_own_re_exported_not_copies():
    from nnlib import dimension

    assert generic.continuous_symmetries is dimension.continuous_symmetries
    assert generic.symmetry_bound is dimension.symmetry_bound


@pytest.mark.parametrize("act, power", [("relu", 1), ("poly2", 2), ("poly3", 3)])
def test_rescaling_a_hidden_unit_leaves_the_network_unchanged_and_its_tangent_is_in_the_kernel(act, power):
    rng = np.random.default_rng(1)
    arch = Architecture((2, 3, 2, 1), act)
    S = rng.standard_normal((30, 2))
    theta = arch.random_theta(rng)
    layers = [(A.copy(), b.copy()) for A, b in arch.unpack(theta)]
    t = 1.7
    layers[1][0][1] *= t          # unit 1 of the second hidden layer: incoming row and bias times t
    layers[1][1][1] *= t
    layers[2][0][:, 1] /= t ** power   # outgoing column divided by t^r
    np.testing.assert_allclose(weights_map(arch, S, arch.pack(layers)), weights_map(arch, S, theta), rtol=1e-10, atol=1e-10)
    D = generic.symmetry_directions(arch, theta)
    assert D.shape == (5, arch.m)
    J = jacobian(arch, S, theta)
    assert np.abs(J @ D.T).max() < 1e-10 * max(1.0, np.abs(J).max())


def test_at_a_generic_point_the_jacobian_kernel_of_a_relu_network_is_exactly_its_rescalings():
    rng = np.random.default_rng(0)
    arch = Architecture((2, 3, 3, 1))
    S = rng.standard_normal((40, 2))
    rep = generic.jacobian_kernel(arch, S, generic.max_rank_weights(arch, S, rng))
    assert rep.symmetry_rank == 6
    assert rep.symmetry_residual < 1e-10
    assert rep.unexplained == 0 and rep.kernel_dimension == 6


def test_at_a_special_point_the_kernel_holds_more_than_the_rescalings():
    arch = Architecture((2, 3, 1))
    S = np.random.default_rng(1).standard_normal((20, 2))
    theta = arch.pack([(np.eye(3, 2), np.array([100.0, 100.0, 100.0])), (np.ones((1, 3)), np.zeros(1))])
    rep = generic.jacobian_kernel(arch, S, theta)  # every unit active on every point: the network is affine
    assert rep.symmetry_residual < 1e-10
    assert rep.unexplained > 0


def test_a_tanh_jacobian_on_many_points_has_no_kernel():
    rng = np.random.default_rng(2)
    arch = Architecture((2, 3, 1), "tanh")
    S = rng.standard_normal((30, 2))
    rep = generic.jacobian_kernel(arch, S, arch.random_theta(rng))
    assert rep.kernel_dimension == 0 and rep.unexplained == 0


# ----------------------------------------------------------------------------- generic dimension
def test_generic_dimension_never_exceeds_its_bounds():
    for seed, widths in enumerate([(2, 3, 3, 1), (2, 2, 2, 2, 1), (3, 2, 2, 2)]):
        row = generic.generic_dimension(Architecture(widths), 25, rng=seed, n_points=10)
        assert row.dimension <= min(row.symmetry_bound, row.nq)
        assert row.shortfall == min(row.symmetry_bound, row.nq) - row.dimension >= 0


def test_generic_dimension_tries_every_point_past_the_symmetry_bound():
    # the rows test m - symmetries, so the search must not stop there: all 12 points are tried
    row = generic.generic_dimension(Architecture((2, 3, 1)), 25, rng=0, n_points=12)
    assert row.dimension == row.symmetry_bound == 10 < min(row.m, row.nq)
    assert row.n_points == 12


def test_a_chain_of_one_unit_relu_layers_computes_a_clamp_with_p_plus_3_parameters():
    for p in (1, 2, 3):
        row = generic.generic_dimension(Architecture((p, 1, 1, 1, 1)), 20, rng=p, n_points=200)
        assert row.dimension == p + 3
        assert row.symmetry_bound == p + 4


# ----------------------------------------------------------------------------- generic rank
@pytest.mark.parametrize("n, p, q", [(6, 2, 1), (10, 2, 2), (7, 3, 1)])
def test_parameter_count_width_is_the_smallest_width_whose_count_reaches_nq(n, p, q):
    for act, extra in (("relu", 0), ("tanh", 1)):
        d = generic.parameter_count_width(n, p, q, act)
        assert (p + q + extra) * d + q >= n * q
        assert d == 1 or (p + q + extra) * (d - 1) + q < n * q


def test_smallest_filling_width_fills_and_one_less_does_not():
    d, tried = generic.smallest_filling_width(6, 2, 1, "relu", rng=0)
    assert d == 2 and tried[-1] == (2, 6) and tried[0][1] < 6
    S = np.random.default_rng(0).standard_normal((6, 2))
    assert image_dimension(Architecture((2, d, 1)), S, rng=1, n_points=20).dimension == 6


def test_smallest_filling_width_reports_failure_as_minus_one():
    assert generic.smallest_filling_width(12, 1, 1, "relu", d_max=2)[0] == -1


@pytest.mark.parametrize("n", [16, 24])
def test_one_input_relu_networks_fill_at_the_predicted_width_with_alternating_breakpoints(n):
    S = np.random.default_rng(0).standard_normal((n, 1))
    d = generic.parameter_count_width(n, 1, 1, "relu")
    ranks = [np.linalg.matrix_rank(jacobian(Architecture((1, w, 1)), S, generic.alternating_breakpoint_weights(
        Architecture((1, w, 1)), S, rng=w))) for w in (d - 1, d)]
    assert ranks == [n - 1, n]


def test_alternating_breakpoint_weights_names_a_wrong_architecture():
    with pytest.raises(ValueError, match="^arch"):
        generic.alternating_breakpoint_weights(Architecture((2, 3, 1)), np.zeros((4, 2)))


def test_wilson_interval_known_values_and_coverage_of_the_estimate():
    lo, hi = generic.wilson_interval(5, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.2366, 0.7634)
    lo, hi = generic.wilson_interval(20, 20)
    assert hi == 1.0 and 0.83 < lo < 0.84
    for k in range(0, 31, 5):
        lo, hi = generic.wilson_interval(k, 30)
        assert lo <= k / 30 <= hi


def test_wilson_interval_rejects_more_successes_than_trials():
    with pytest.raises(ValueError, match="^successes"):
        generic.wilson_interval(4, 3)


def test_targets_in_the_image_are_fitted_to_zero_loss_and_a_far_one_is_not():
    rng = np.random.default_rng(3)
    arch = Architecture((1, 3, 1), "tanh")
    S = np.array([[0.0], [1.0], [2.0]])
    inside = weights_map(arch, S, arch.random_theta(rng))
    rel = generic.zero_loss_fraction(arch, S, inside[None], n_starts=4, rng=0)
    assert rel[0] <= 1e-10
    lin = Architecture((1, 1), "identity")       # affine maps: (0, 1, 0) is not affine in s
    rel = generic.zero_loss_fraction(lin, S, np.array([[[0.0], [1.0], [0.0]]]), n_starts=2, rng=0)
    assert rel[0] > 0.1


def test_zero_loss_fraction_names_a_wrong_target_shape():
    with pytest.raises(ValueError, match="^targets"):
        generic.zero_loss_fraction(Architecture((1, 2, 1)), [[0.0], [1.0]], np.zeros((2, 3, 1)))


# ----------------------------------------------------------------------------- polynomial networks
def test_monomial_and_polynomial_space_counts():
    assert generic.monomial_count(2, 3) == 4
    assert generic.polynomial_space_bound(Architecture((2, 3, 3, 1), "poly2")) == 15   # degree <= 4 in 2 variables
    with pytest.raises(ValueError, match="^arch"):
        generic.polynomial_space_bound(Architecture((2, 3, 1), "relu"))


def test_ktb_expected_dimension_is_the_count_less_the_scalings_capped_by_the_ambient_space():
    # shallow, single output: d0 d1 parameters less nothing, capped by binom(d0 + r - 1, r)
    assert generic.ktb_expected_dimension((3, 2, 1), 2) == 6
    assert generic.ktb_expected_dimension((3, 5, 1), 4) == 15
    assert generic.ktb_expected_dimension((2, 2, 2, 1), 3) == 4 + 4 + 2 - 4   # = 6, below binom(10, 9) = 10


@pytest.mark.parametrize("widths, r, dim", [((3, 2, 1), 2, 5), ((3, 5, 1), 4, 14), ((5, 7, 1), 3, 34), ((3, 4, 1), 3, 10)])
def test_bias_free_power_networks_show_the_alexander_hirschowitz_defects(widths, r, dim):
    assert generic.polynomial_functional_dimension(widths, r, rng=0)[0] == dim


def test_polynomial_functional_dimension_refuses_a_linear_activation():
    with pytest.raises(ValueError, match="^r "):
        generic.polynomial_functional_dimension((2, 2, 1), 1)


# ----------------------------------------------------------------------------- figure
def test_architecture_figure_marks_the_bounds():
    fig = viz_generic.architecture_figure((2, 3, 3, 1), "relu", 30, seed=1)
    ax = fig.axes[0]
    # The numbers are in the title (it changes on every move; the legend stays still).
    assert "computed dim = 19" in ax.get_title() and "m - symmetries = 19" in ax.get_title()
    assert [t.get_text() for t in ax.get_legend().get_texts()][3:] == ["computed dimension", "m - symmetries", "min(m, nq)"]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    # ... and the marks stand between s_r and s_(r+1) for r = the dimension, m - symmetries, min(m, nq)
    arch = Architecture((2, 3, 3, 1), "relu")
    assert (arch.m, symmetry_bound(arch)) == (25, 19)
    marks = [line for line in ax.get_lines() if line.get_label() in ("computed dimension", "m - symmetries", "min(m, nq)")]
    assert [(line.get_label(), *line.get_xdata()) for line in marks] == [
        ("computed dimension", 19.5, 19.5), ("m - symmetries", 19.5, 19.5), ("min(m, nq)", 25.5, 25.5)]
    (values,) = [line for line in ax.get_lines() if line.get_label() == "singular values $s_i$"]
    assert values.get_xdata()[0] == 1 and np.all(np.diff(values.get_ydata()) <= 0)
    plt.close(fig)


_OPENING = dict(depth=3, width=3, p=2, q=1, activation="relu", n=30)


def test_the_live_architecture_figure_after_other_moves_equals_a_fresh_renderer_pixel_for_pixel():
    render = viz_generic.architecture_live()
    for values in [dict(_OPENING, depth=5, width=8, activation="tanh", n=60), dict(_OPENING, p=4, q=3, n=2),
                   dict(_OPENING, activation="poly2"), dict(_OPENING, width=4)]:
        render(**values)
    moved = render(**_OPENING)
    assert np.array_equal(pixels(moved), pixels(viz_generic.architecture_live()(**_OPENING)))


def test_the_live_architecture_figure_shows_what_architecture_figure_draws():
    render = viz_generic.architecture_live(seed=1)
    render(**_OPENING)
    fig = viz_generic.architecture_figure((2, 3, 3, 1), "relu", 30, seed=1)
    live_ax, ax = render.live.fig.axes[0], fig.axes[0]
    assert live_ax.get_title() == ax.get_title()
    assert [t.get_text() for t in live_ax.get_legend().get_texts()] == [t.get_text() for t in ax.get_legend().get_texts()]
    assert (live_ax.get_xlim(), live_ax.get_ylim()) == (ax.get_xlim(), ax.get_ylim())
    for live_line, line in zip(live_ax.get_lines(), ax.get_lines()):
        np.testing.assert_array_equal(live_line.get_xydata(), line.get_xydata())
    plt.close(fig)


def test_moving_the_sample_size_slider_keeps_the_limits_and_blits():
    render = viz_generic.architecture_live()
    first = render(**_OPENING)
    limits = render.live.fig.axes[0].get_xlim(), render.live.fig.axes[0].get_ylim()
    for n in (29, 31, 32):  # 25 weights, nq = n: x up to 30, y from 1e-18 to 1e3 throughout
        moved = render(**dict(_OPENING, n=n))
        assert render.live.last_mode == "blit"
        assert (render.live.fig.axes[0].get_xlim(), render.live.fig.axes[0].get_ylim()) == limits
        assert not np.array_equal(pixels(first), pixels(moved))


@pytest.mark.parametrize("values, exc, pattern", [
    (dict(n=0), ValueError, r"^n\b"),
    (dict(depth=0), ValueError, r"^depth\b"),
    (dict(activation="softplus"), ValueError, r"softplus"),
])
def test_the_live_architecture_renderer_refuses_bad_values_naming_them(values, exc, pattern):
    with pytest.raises(exc, match=pattern):
        viz_generic.architecture_live()(**dict(_OPENING, **values))


def test_architecture_live_refuses_bad_arguments_naming_them():
    with pytest.raises(ValueError, match=r"^seed\b"):
        viz_generic.architecture_live(seed=-1)
    with pytest.raises(ValueError, match=r"^n_points\b"):
        viz_generic.architecture_live(n_points=0)


def test_the_architecture_explorer_shows_the_live_picture_and_redraws_it_on_a_move():
    import ipywidgets as w

    box = viz_generic.architecture_explorer()
    (image,) = [c for c in box.children if isinstance(c, w.Image)]
    sliders = {}
    stack = [box]
    while stack:
        widget = stack.pop()
        if isinstance(widget, w.IntSlider):
            sliders[widget.description] = widget
        stack.extend(getattr(widget, "children", ()))
    render = viz_generic.architecture_live()  # the widget's pictures: the opening setting, then each move
    assert same_picture(image.value, render(**_OPENING))
    sliders["sample size n"].value = 12
    assert same_picture(image.value, render(**dict(_OPENING, n=12)))
    sliders["hidden width"].value = 5
    assert same_picture(image.value, render(**dict(_OPENING, n=12, width=5)))


def test_balanced_points_settle_a_one_input_shortfall_of_the_chapter_7_table():
    # Row 12 of experiments/data/generic_dimension.csv (1-3-3-1 ReLU, n = 32, rng = 12): the
    # Gaussian/centred search stops at 14 of m - symmetries = 16; with a balanced point before
    # each random one the same sample reaches 16, with a clear gap.
    arch = Architecture((1, 3, 3, 1))
    plain = generic.generic_dimension(arch, 32, rng=12, n_points=400)
    row = generic.generic_dimension(arch, 32, rng=12, n_points=400, balanced=True)
    assert (plain.dimension, row.dimension, row.symmetry_bound) == (14, 16, 16)
    assert row.shortfall == 0 and not row.ambiguous and row.gap > 1e10
    with pytest.raises(TypeError, match="^balanced must be True or False"):
        generic.generic_dimension(arch, 32, balanced="yes")


# ----------------------------------------------------------------------------- printing that rounding cannot change
def test_gap_text_bounds_a_gap_whose_first_dropped_value_is_rounding_noise_by_a_power_of_ten():
    from nnlib.dimension import numerical_rank

    # s_2 / (3 eps s_1) = 1e-3 / 6.7e-16 = 1.5e12: "≥ 1e12" whatever the noise value below is
    for noise in (1e-20, 3e-17, 0.0):
        assert generic.gap_text(numerical_rank(np.diag([1.0, 1e-3, noise]))) == "≥ 1e12"


def test_gap_text_of_a_full_rank_decision_says_nothing_was_dropped():
    from nnlib.dimension import numerical_rank

    assert generic.gap_text(numerical_rank(np.diag([1.0, 1e-3]))) == "none dropped"


def test_gap_text_prints_a_signal_gap_with_fewer_digits_when_the_dropped_value_is_near_rounding():
    from nnlib.dimension import numerical_rank

    far = numerical_rank(np.diag([1.0, 0.5, 1e-9]), rtol=1e-6)      # 1e-9 is 1.5e6 times the rounding level
    near = numerical_rank(np.diag([1.0, 0.5, 1e-12]), rtol=1e-6)    # only 1.5e3 times
    assert generic.gap_text(far) == "5.0e+08" and generic.gap_text(near) == "5e+11"


def test_gap_text_is_the_same_under_another_summation_order_of_the_jacobian():
    # The gap of the 2-3-3-1 ReLU network divides by rounding noise; perturbing the Jacobian by a
    # few ulps (as another BLAS kernel does) changes that gap but not the printed bound.
    arch = Architecture((2, 3, 3, 1))
    row = generic.generic_dimension(arch, 35, rng=0, n_points=20)
    J = jacobian(arch, np.random.default_rng(0).standard_normal((35, 2)), arch.random_theta(1))
    from nnlib.dimension import numerical_rank

    texts = {generic.gap_text(numerical_rank(J * (1 + k * np.finfo(float).eps))) for k in range(-3, 4)}
    assert len(texts) == 1 and texts.pop().startswith("≥ 1e")
    assert generic.gap_text(row).startswith("≥ 1e") and row.best.rank == row.dimension


def test_gap_text_asks_for_a_rank_report():
    with pytest.raises(TypeError, match="^report must be"):
        generic.gap_text(3.0)


def test_minority_bound_is_the_largest_count_with_wilson_upper_bound_below_the_share():
    k = generic.minority_bound(20)
    assert generic.wilson_interval(k, 20)[1] < 0.5 <= generic.wilson_interval(k + 1, 20)[1]
    assert generic.minority_bound(1) == -1      # one trial cannot show a minority at 95 %


def test_fitted_count_counts_fits_below_rtol_and_the_borderline_ones():
    fc = generic.fitted_count([1e-25, 0.3, 2e-3, 1e-12, 5e-11], rtol=1e-10, band=(1e-15, 1e-5))
    assert (fc.fitted, fc.total, fc.borderline) == (3, 5, 2)   # 1e-12 and 5e-11 sit near rtol
    assert fc.wilson() == generic.wilson_interval(3, 5)


@pytest.mark.parametrize("bad, match", [([], "^relative_losses"), ([0.1, -1.0], "^relative_losses"),
                                        ([[0.1]], "^relative_losses")])
def test_fitted_count_rejects_bad_losses(bad, match):
    with pytest.raises(ValueError, match=match):
        generic.fitted_count(bad)


def test_fitted_count_needs_the_band_around_rtol():
    with pytest.raises(ValueError, match="^band"):
        generic.fitted_count([0.1], rtol=1e-10, band=(1e-9, 1e-5))
