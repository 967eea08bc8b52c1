"""nnlib.activations: sigma by name, its values and its derivative."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnlib.activations import ACTIVATION_NAMES, Activation, get_activation

# Points away from the ReLU kink at 0 (the derivative there is a convention, not a limit).
POINTS = np.array([-3.0, -1.7, -0.4, 0.3, 0.9, 2.5])


def central_difference(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


# ------------------------------------------------------------------------------------ values


def test_relu_is_max_of_x_and_zero_on_known_points():
    relu = get_activation("relu")
    np.testing.assert_array_equal(relu(np.array([-2.0, -0.5, 0.0, 0.5, 3.0])), [0.0, 0.0, 0.0, 0.5, 3.0])


def test_tanh_takes_known_values():
    tanh = get_activation("tanh")
    # tanh(atanh(1/2)) = 1/2 with atanh(1/2) = log(3)/2; tanh(log 2) = 3/5; tanh is odd.
    x = np.array([0.0, math.log(3.0) / 2, math.log(2.0), -math.log(2.0)])
    np.testing.assert_allclose(tanh(x), [0.0, 0.5, 0.6, -0.6], rtol=1e-15, atol=1e-16)


def test_sigmoid_takes_known_values():
    sigmoid = get_activation("sigmoid")
    # 1 / (1 + e^{-x}): 1/2 at 0, 3/4 at log 3, 1/4 at -log 3, 1/(1 + e) at -1.
    x = np.array([0.0, math.log(3.0), -math.log(3.0), -1.0])
    np.testing.assert_allclose(sigmoid(x), [0.5, 0.75, 0.25, 1.0 / (1.0 + math.e)], rtol=1e-15)


def test_identity_returns_its_input_unchanged_as_a_new_array():
    identity = get_activation("identity")
    x = np.array([-2.0, 0.0, 7.5])
    y = identity(x)
    np.testing.assert_array_equal(y, x)
    y[0] = 100.0
    assert x[0] == -2.0, "identity must not hand back its input array for callers to overwrite"


@pytest.mark.parametrize("r", [1, 2, 3, 4])
def test_polynomial_activation_is_x_to_the_r(r):
    poly = get_activation("polynomial", degree=r)
    x = np.array([-2.0, -0.5, 0.0, 1.5, 3.0])
    expected = [xi**r for xi in [-2.0, -0.5, 0.0, 1.5, 3.0]]
    np.testing.assert_allclose(poly(x), expected, rtol=1e-15)
    assert poly.name == f"poly{r}"


def test_activations_act_coordinatewise_on_matrices():
    X = np.array([[-1.0, 2.0], [0.5, -3.0]])
    for name in ["relu", "tanh", "sigmoid", "identity", "poly3"]:
        sigma = get_activation(name)
        expected = np.array([[float(sigma(np.array([v]))[0]) for v in row] for row in X])
        out = sigma(X)
        assert out.shape == X.shape
        np.testing.assert_allclose(out, expected, rtol=1e-15)


def test_calling_an_activation_converts_lists_and_integers_to_floats():
    relu = get_activation("relu")
    out = relu([-1, 2])
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [0.0, 2.0])
    assert float(get_activation("sigmoid")(0)) == 0.5


# ------------------------------------------------------------------------------- derivatives


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "identity", "poly1", "poly2", "poly3", "poly4"])
def test_derivative_matches_central_finite_differences_away_from_kinks(name):
    sigma = get_activation(name)
    # Central differences with h = 1e-6 have truncation error ~h^2 |sigma'''| ~ 1e-11 and
    # rounding error ~eps |sigma| / h ~ 1e-9 on these points (|sigma| <= 81): 1e-7 is a safe bound.
    fd = central_difference(sigma.function, POINTS)
    np.testing.assert_allclose(sigma.derivative(POINTS), fd, rtol=1e-7, atol=1e-7)


def test_relu_derivative_is_the_step_function_with_value_0_at_the_kink():
    relu = get_activation("relu")
    np.testing.assert_array_equal(relu.derivative(np.array([-1.0, 0.0, 1e-300, 5.0])), [0.0, 0.0, 1.0, 1.0])


@pytest.mark.parametrize("r", [1, 2, 3, 4])
def test_polynomial_derivative_is_r_x_to_the_r_minus_1_including_at_zero(r):
    poly = get_activation("polynomial", degree=r)
    x = np.array([-2.0, 0.0, 1.5])
    np.testing.assert_allclose(poly.derivative(x), [r * xi ** (r - 1) for xi in [-2.0, 0.0, 1.5]], rtol=1e-15)


# ---------------------------------------------------------------------- sigmoid stability


def test_sigmoid_has_the_right_limits_without_overflow_for_inputs_up_to_1e3():
    sigmoid = get_activation("sigmoid")
    x = np.array([-1e3, -745.0, -700.0, -50.0, 50.0, 700.0, 745.0, 1e3])
    # Any overflow, invalid operation or division by zero raises here (underflow to 0 is the
    # correct result in the tails and is allowed).
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        y = sigmoid(x)
        dy = sigmoid.derivative(x)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dy))
    assert y[0] == 0.0 and y[-1] == 1.0
    assert np.all((y >= 0.0) & (y <= 1.0))
    assert np.all(np.diff(y) >= 0.0), "sigmoid must be non-decreasing"
    # sigmoid(-x) = 1 - sigmoid(x); for x = -50 the value e^{-50} / (1 + e^{-50}) is representable.
    np.testing.assert_allclose(y[3], math.exp(-50.0) / (1.0 + math.exp(-50.0)), rtol=1e-14)
    assert np.all(dy >= 0.0)
    assert dy[0] == 0.0 and dy[-1] == 0.0


def test_sigmoid_derivative_keeps_relative_accuracy_in_both_tails():
    # sigma'(x) = e^{-|x|} / (1 + e^{-|x|})^2 is even and, written this way, accurate to a few ulps
    # for every x.  s(1 - s) loses all relative accuracy for large positive x because 1 - s cancels.
    sigmoid = get_activation("sigmoid")
    x = np.array([5.0, 20.0, 30.0, 40.0, 100.0])
    exact = np.exp(-x) / (1.0 + np.exp(-x)) ** 2
    np.testing.assert_allclose(sigmoid.derivative(-x), exact, rtol=1e-12)
    np.testing.assert_allclose(sigmoid.derivative(x), exact, rtol=1e-12)


def test_tanh_saturates_to_plus_minus_one_without_warnings():
    tanh = get_activation("tanh")
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        y = tanh(np.array([-1e3, 1e3]))
        dy = tanh.derivative(np.array([-1e3, 1e3]))
    np.testing.assert_array_equal(y, [-1.0, 1.0])
    np.testing.assert_array_equal(dy, [0.0, 0.0])


# --------------------------------------------------------------------------- names, aliases


@pytest.mark.parametrize(
    "alias, canonical",
    [
        ("max", "relu"),
        ("sigma_max", "relu"),
        ("exp", "sigmoid"),
        ("sigma_exp", "sigmoid"),
        ("logistic", "sigmoid"),
        ("sigma_tanh", "tanh"),
        ("linear", "identity"),
        ("  ReLU ", "relu"),
        ("TANH", "tanh"),
        ("poly2", "poly2"),
        ("POLY3", "poly3"),
    ],
)
def test_aliases_and_case_variants_resolve_to_the_canonical_activation(alias, canonical):
    sigma = get_activation(alias)
    assert sigma.name == canonical
    np.testing.assert_array_equal(sigma(POINTS), get_activation(canonical)(POINTS))


def test_activation_names_lists_the_five_families():
    assert set(ACTIVATION_NAMES) == {"relu", "tanh", "sigmoid", "identity", "polynomial"}
    for name in ACTIVATION_NAMES:
        kwargs = {"degree": 2} if name == "polynomial" else {}
        assert isinstance(get_activation(name, **kwargs), Activation)


def test_an_activation_object_is_returned_unchanged():
    sigma = get_activation("tanh")
    assert get_activation(sigma) is sigma


def test_activations_compare_by_name_only():
    assert get_activation("polynomial", degree=2) == get_activation("poly2")
    assert get_activation("relu") != get_activation("identity")
    assert get_activation("relu").is_relu and get_activation("max").is_relu
    assert not get_activation("tanh").is_relu


# -------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("name", ["softplus", "", "poly", "polyx", "relu6", "poly-2"])
def test_unknown_activation_names_raise_value_error_naming_the_argument(name):
    with pytest.raises(ValueError, match="activation"):
        get_activation(name)


@pytest.mark.parametrize("name", [None, 3, 2.5, ["relu"]])
def test_an_activation_that_is_not_a_string_raises_type_error(name):
    with pytest.raises(TypeError, match="activation"):
        get_activation(name)


def test_polynomial_without_degree_raises_naming_degree():
    with pytest.raises(ValueError, match="degree"):
        get_activation("polynomial")


@pytest.mark.parametrize("degree, exc", [(0, ValueError), (-1, ValueError), (2.5, TypeError), (True, TypeError)])
def test_polynomial_degree_must_be_a_positive_integer(degree, exc):
    with pytest.raises(exc, match="degree"):
        get_activation("polynomial", degree=degree)


def test_poly0_is_refused_naming_degree():
    with pytest.raises(ValueError, match="degree"):
        get_activation("poly0")


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "identity"])
def test_a_degree_given_to_a_non_polynomial_activation_raises(name):
    with pytest.raises(ValueError, match="degree"):
        get_activation(name, degree=2)


def test_a_degree_that_contradicts_the_poly_r_name_raises():
    # "poly2" with degree=3 is contradictory; silently returning x^2 hides the mistake.
    with pytest.raises(ValueError, match="degree"):
        get_activation("poly2", degree=3)


def _sech2_reference(x: float) -> float:
    """sech^2 x = 4 / (e^x + e^-x)^2 to 60 significant digits (decimal arithmetic), as a float."""
    from decimal import Decimal, getcontext

    getcontext().prec = 60
    ex = Decimal(x).exp()
    return float(4 / (ex + 1 / ex) ** 2)


@pytest.mark.parametrize("x", [0.0, 1e-8, 0.3, 1.0, 5.0, 15.0, 19.1, 20.0, 40.0, 100.0, 300.0, -0.7, -18.0, -50.0])
def test_tanh_derivative_keeps_full_relative_accuracy_in_both_tails(x):
    # 1 - tanh^2 x has no correct digit beyond |x| ~ 18 and is exactly 0 from 19.1: sech^2 is not
    got = float(get_activation("tanh").derivative(np.array([x]))[0])
    ref = _sech2_reference(x)
    assert ref > 0 and got > 0
    assert abs(got - ref) <= 8 * np.finfo(float).eps * ref


def test_tanh_derivative_underflows_only_where_sech_squared_is_below_the_smallest_double():
    # sech^2 x = 4 e^{-2|x|} is a subnormal double up to |x| ~ 373 and below half the smallest one after
    d = get_activation("tanh").derivative(np.array([350.0, -370.0, 380.0, 1e3, -1e300]))
    assert d[0] > 0 and d[1] > 0 and np.all(d[2:] == 0.0)
    assert _sech2_reference(370.0) > 0 and _sech2_reference(380.0) == 0.0


# ------------------------------------------------- the Jacobian kernel's tanh and tanh' together


def test_the_jacobian_kernels_fused_tanh_is_within_1_5_eps_of_tanh_on_every_scale():
    from nnlib._kernel import TANH_SPLIT, _tanh_and_prime

    if np.finfo(np.longdouble).nmant < 60:
        pytest.skip("needs an extended long double as the reference for tanh")
    rng = np.random.default_rng(7)
    x = np.concatenate([
        np.linspace(-3.0, 3.0, 200_001),  # both branches and the split at |x| = TANH_SPLIT
        np.geomspace(1e-300, 400.0, 20_000), -np.geomspace(1e-300, 400.0, 20_000),
        np.nextafter(TANH_SPLIT, [0.0, 1.0]), -np.nextafter(TANH_SPLIT, [0.0, 1.0]),
        5.0 * rng.standard_normal(50_000),
    ])
    x = x[x != 0.0]  # (tanh 0 = 0 exactly: the signed zeros are checked below)
    t, _ = _tanh_and_prime(x)
    exact = np.tanh(x.astype(np.longdouble))
    rel = np.abs((t.astype(np.longdouble) - exact) / exact)
    assert float(rel.max()) <= 1.5 * np.finfo(float).eps


def test_the_jacobian_kernels_fused_tanh_prime_has_the_bits_of_the_stable_derivative():
    from nnlib._kernel import _tanh_and_prime

    tanh = get_activation("tanh")
    x = np.concatenate([np.linspace(-30.0, 30.0, 10_001), [0.0, -0.0, 19.1, 373.0, 400.0, 1e3, -1e3]])
    _, dt = _tanh_and_prime(x)
    np.testing.assert_array_equal(dt, tanh.derivative(x))


def test_the_jacobian_kernels_fused_tanh_keeps_signed_zeros_limits_and_nan():
    from nnlib._kernel import _tanh_and_prime

    x = np.array([0.0, -0.0, 5e-324, -5e-324, np.inf, -np.inf, np.nan])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        t, dt = _tanh_and_prime(x[:-1])
    np.testing.assert_array_equal(t, [0.0, -0.0, 5e-324, -5e-324, 1.0, -1.0])
    assert list(np.signbit(t[:2])) == [False, True]
    np.testing.assert_array_equal(dt, [1.0, 1.0, 1.0, 1.0, 0.0, 0.0])
    t, dt = _tanh_and_prime(x[-1:])
    assert np.isnan(t[0]) and np.isnan(dt[0])


def test_the_jacobian_kernels_fused_tanh_writes_into_out_for_matrices():
    from nnlib._kernel import activation_value_and_derivative

    Z = np.random.default_rng(3).standard_normal((7, 40)) * 2.0
    out = np.empty_like(Z)
    t, dt = activation_value_and_derivative(get_activation("tanh"), Z, out)
    assert t is out
    np.testing.assert_allclose(t, np.tanh(Z), rtol=4 * np.finfo(float).eps, atol=0)
    np.testing.assert_array_equal(dt, get_activation("tanh").derivative(Z))
