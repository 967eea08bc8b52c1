"""The findings of issue 15's sweep, each now refused clearly or answered correctly.

Each test is one finding: a bad input that was accepted silently, an unclear error, a tolerance
that ignored scale, a failure reported as success, an endless loop, inconsistent faces.
(The fuzz test over the whole API is tests/test_api_fuzz.py.)
"""

import time

import numpy as np
import pytest

import nnlib as nn
from nnlib import cones, dimension, fitting, generic, joins

ARCH = nn.Architecture((2, 2, 1))
S = np.array([[0.0, 1.0], [1.0, 0.5], [2.0, -1.0]])
T = np.array([[0.5], [1.0], [-0.5]])
THETA = np.linspace(-1.0, 1.0, ARCH.m)
LINE = [[0.0], [1.0], [2.0]]


def test_a_complex_sample_is_refused_not_cut_to_its_real_part():
    with pytest.raises(TypeError, match=r"^S must be real"):
        nn.loss(ARCH, S + 5j, T, THETA)


@pytest.mark.parametrize("call", [lambda: nn.Architecture({5, 1, 3}), lambda: nn.num_weights({3, 2})])
def test_a_set_is_not_a_list_of_widths(call):
    with pytest.raises(TypeError, match=r"^widths must be an ordered sequence"):
        call()


def test_wilson_interval_refuses_a_negative_z():
    with pytest.raises(ValueError, match=r"^z must be"):
        nn.wilson_interval(1, 10, z=-1)


def test_one_neuron_member_refuses_a_nan_tolerance():
    with pytest.raises(ValueError, match=r"^tol must be"):
        joins.one_neuron_member([0.0, 1.0, 2.0], [0.0, 1.0, 2.0], 2, tol=float("nan"))


def test_local_dimension_refuses_a_zero_step():
    with pytest.raises(ValueError, match=r"^eps must be"):
        cones.local_dimension(LINE, [1.0, 0.5], eps=0)


def test_face_point_refuses_fractional_indices_instead_of_truncating_them():
    with pytest.raises(TypeError, match=r"^indices must be"):
        cones.face_point(LINE, (1.9, 2.2))


def test_default_n_points_refuses_negative_sizes():
    with pytest.raises(ValueError, match=r"^nq must be a positive integer"):
        dimension.default_n_points(-5, 0)


def test_an_overflowing_start_names_the_argument_the_caller_passed():
    # both S and the starting weights are huge, and only shrinking both removes the overflow
    with pytest.raises(ValueError, match=r"^init_scale and S are too large"):
        nn.gradient_descent(ARCH, S * 1e200, T, init_scale=1e200, n_steps=2)
    with pytest.raises(ValueError, match=r"^theta0 and S are too large"):
        nn.gradient_descent(ARCH, S * 1e200, T, np.full(ARCH.m, 1e200), n_steps=2)


# Each call passes exactly one huge argument; the error must name that one (the solvers used to
# blame init_scale, which the caller never passed, for a huge T or S).
_HUGE = {
    "T": lambda: dict(T=1e200 * T),
    "S": lambda: dict(S=1e200 * S),
    "theta0": lambda: dict(theta0=np.full(ARCH.m, 1e200)),
    "init_scale": lambda: dict(init_scale=1e300),
}


def _gd(S=S, T=T, theta0=None, init_scale=1.0):
    return nn.gradient_descent(ARCH, S, T, theta0, init_scale=init_scale, n_steps=2)


def _multistart(S=S, T=T, theta0=None, init_scale=1.0):
    thetas0 = None if theta0 is None else theta0[None, :]
    n_starts = 2 if thetas0 is None else None
    return fitting.multistart_gradient_descent(ARCH, S, T, n_starts, init_scale=init_scale, thetas0=thetas0, n_steps=2)


def _scan(S=S, T=T, theta0=None, init_scale=1.0):
    thetas0 = (np.full(ARCH.m, 0.5) if theta0 is None else theta0)[None, :]
    return fitting.step_size_scan(ARCH, S, T, thetas0, [1e-2], n_steps=2)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("huge", list(_HUGE))
def test_gradient_descent_names_the_one_huge_argument_not_init_scale(huge):
    with pytest.raises(ValueError, match=rf"^{huge} is too large: the loss or its gradient overflows"):
        _gd(**_HUGE[huge]())


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("huge", ["T", "S", "theta0", "init_scale"])
def test_multistart_names_the_one_huge_argument(huge):
    name = {"theta0": r"thetas0 rows \[0\] are"}.get(huge, huge + " is")
    with pytest.raises(ValueError, match=rf"^{name} too large: the loss or its gradient overflows at starts"):
        _multistart(**_HUGE[huge]())


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("huge", ["T", "S", "theta0"])
def test_step_size_scan_refuses_an_overflowing_start_naming_the_culprit(huge):
    # (it used to report such a start as blown up at step 1)
    name = {"theta0": r"thetas0 rows \[0\] are"}.get(huge, huge + " is")
    with pytest.raises(ValueError, match=rf"^{name} too large"):
        _scan(**_HUGE[huge]())


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("huge", ["theta0", "init_scale"])
@pytest.mark.parametrize("fit", ["least_squares_fit", "weight_decay_fit"])
def test_second_order_fits_name_overflowing_starting_weights(fit, huge):
    # scipy refuses such a start with "Residuals are not finite in the initial point" (no name)
    kwargs = _HUGE[huge]()
    theta0 = kwargs.pop("theta0", None)
    args = (ARCH, S, T) if fit == "least_squares_fit" else (ARCH, S, T, 0.1)
    with pytest.raises(ValueError, match=rf"^{huge} is too large"):
        getattr(fitting, fit)(*args, theta0, max_nfev=5, **kwargs)


@pytest.mark.filterwarnings("error")
def test_best_of_starts_names_init_scale_which_the_caller_passed_not_theta0():
    with pytest.raises(ValueError, match=r"^init_scale is too large"):
        fitting.best_of_starts(ARCH, S, T, 2, init_scale=1e300, max_nfev=5)


@pytest.mark.filterwarnings("error")
def test_constrained_fit_moves_a_start_whose_norm_overflows_onto_the_sphere():
    res = fitting.constrained_fit(ARCH, S, T, 3.0, np.full(ARCH.m, 1e200), max_iter=20)
    assert np.all(np.isfinite(res.theta)) and res.final_norm <= 3.0
    assert res.status in ("converged", "finished")


def test_a_huge_step_is_a_diverged_run_not_an_error():
    res = nn.gradient_descent(ARCH, S, T, step=1e300, n_steps=3)
    assert res.status == "diverged"


def test_theta_k_of_a_subnormal_k_names_k_not_an_internal_matrix():
    with pytest.raises(ValueError, match=r"^k must lie between"):
        nn.theta_k(1e-320)


def test_in_relu_cone_is_scale_invariant():
    for scale in (1e-300, 1e-7, 1.0, 1e7, 1e300):
        assert not nn.in_relu_cone(scale * np.array([1.0, 0.0, 1.0]), LINE)
        assert nn.in_relu_cone(scale * np.array([0.0, 0.5, 1.5]), LINE)


def test_relu_cone_preimage_finds_a_member_scaled_by_1e20():
    x = 1e20 * np.array([0.0, 0.5, 1.5])
    theta = cones.relu_cone_preimage(x, LINE)
    assert theta is not None
    np.testing.assert_allclose(cones.psi_1(LINE, theta[None, :-1], theta[-1:]).ravel(), x, rtol=1e-9)


@pytest.mark.filterwarnings("error")  # and says so without a RuntimeWarning leaking to the caller
def test_a_least_squares_fit_that_overflows_says_diverged_not_finished():
    res = nn.least_squares_fit(nn.Architecture((1, 2, 1)), np.array(LINE), 1e150 * np.array(LINE), max_nfev=50)
    assert res.status == "diverged"


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("big", [1e150, 1e200, 1e300])
def test_fits_of_a_huge_target_end_quietly_and_never_as_finished_with_a_non_finite_loss(big):
    arch, S, T = nn.Architecture((1, 2, 1)), np.array(LINE), big * np.array(LINE)
    fits = [
        nn.least_squares_fit(arch, S, T, max_nfev=50),
        fitting.weight_decay_fit(arch, S, T, 0.1, max_nfev=50),
        fitting.constrained_fit(arch, S, T, 3.0, max_iter=30),
    ]
    for res in fits:
        finite = np.isfinite(res.final_loss) and np.all(np.isfinite(res.theta))
        assert res.status == "diverged" or (finite and res.status in ("converged", "finished")), (res.method, res.status)
    assert fits[0].status == "diverged"


def test_parameter_count_width_is_bounded_for_huge_n():
    t0 = time.process_time()
    assert generic.parameter_count_width(10**6, 2, 1) == 333333  # (p + q) d + q >= n q: d = ceil((n q - q) / (p + q))
    with pytest.raises(ValueError, match=r"^n must be a positive integer"):
        generic.parameter_count_width(10**12, 2, 1)
    assert time.process_time() - t0 < 5


@pytest.mark.parametrize("delta", [1e-6, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13, 0.0])
@pytest.mark.parametrize("scale", [1e-100, 1.0, 1e100])
def test_relu_cone_faces_agree_with_their_dimensions_for_nearly_collinear_samples(delta, scale):
    # The middle point s_1 is a face on its own exactly when the three points are not collinear,
    # which is exactly when the top face has dimension 3 (rank [S, 1]).
    Sd = scale * np.array([[0.0, 0.0], [1.0, delta], [2.0, 0.0]])
    faces = cones.relu_cone_faces(Sd)
    singletons = {f.indices for f in faces if len(f.indices) == 1}
    assert ((1,) in singletons) == (faces[-1].dimension == 3)
    assert cones._three_point_faces(Sd) == faces


@pytest.mark.filterwarnings("error")
def test_a_huge_radius_skips_the_sphere_run_instead_of_failing_inside_scipy():
    # (scipy said "Residuals are not finite in the initial point": R = 1e300 puts the sphere's
    # start beyond float64, but the ball still holds moderate weights, found by SLSQP)
    res = fitting.constrained_fit(ARCH, S, T, 1e300, np.full(ARCH.m, 0.5), max_iter=20)
    assert np.all(np.isfinite(res.theta)) and np.isfinite(res.final_loss)
    assert res.status in ("converged", "finished")


@pytest.mark.parametrize("steps", [10**400, [1e-2, 10**400]])
def test_step_size_scan_names_steps_for_an_integer_beyond_float64(steps):
    with pytest.raises(ValueError, match=r"^steps must contain only finite float64 numbers"):
        fitting.step_size_scan(ARCH, S, T, THETA[None, :], steps, n_steps=2)
