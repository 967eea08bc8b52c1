"""nnlib: the computations behind the executable companion to *Best k-layer neural network
approximations* (Lim, Michałek, Qi, arXiv:1907.01507).

The paper's objects are plain data: a sample ``S`` (n x p, one observation per row), responses
``T`` (n x q), and weights ``theta`` (a vector in R^m).  An :class:`Architecture` holds the
widths (d_1, ..., d_{k+1}) and the activation.

Modules
-------
activations  sigma by name (relu, tanh, sigmoid, identity, polynomial) with derivatives
network      m of (3); packing theta; nu_theta (1); the weights map psi_k (Definition 1);
             the loss (9) and its gradient; the Jacobian of psi_k
dimension    dim psi_k(Theta) from Jacobian ranks, with the singular values as evidence
paper        the paper's data: S, T of (16), theta_k of (17), the tanh example of §6
fitting      solvers returning loss and ||theta|| histories (gradient descent, trust-region
             least squares, ||theta|| <= R, weight decay)
geometry     chapter 2: small images of weights, nearest points, monotone projections
cones        chapter 3: the ReLU projection, psi_1 (12), the ReLU cone C_max(S), its faces (24)
illposed     chapter 4: Theorem 1's quadrant argument as code, rates, price of boundedness
joins        chapter 5: join/secant decompositions (Theorems 2, 4), Lemmas 2-3, dimension grids
smooth       chapter 6: the sigmoid and tanh examples of §6, closure points, Proposition 2's box survey
plotting     the book's figure style and shared plots
widgets      ipywidgets builders for the chapters
live         figures that answer a slider at once: draw the still parts once, blit what moves
twins        the kernel-free static twin of a widget: precomputed frames and an HTML slider
ledger       the claims ledger: the book's verdict on every numbered result, used by chapters and tests
generic      chapter 7: symmetry counts, generic dimension and rank, Wilson intervals, polynomial networks
escape       chapter 7: escape to infinity vs bounded minimisers, a classifier of fits and target surveys
certify      certified dimensions: proven bounds on dim psi_k(Theta), exact (mod p) and ball arithmetic
"""

from .activations import ACTIVATION_NAMES, Activation, get_activation
from .dimension import DimensionReport, RankReport, image_dimension, numerical_rank, sample_weights
from . import cones, geometry, illposed, joins, smooth
from .cones import Face, in_relu_cone, psi_1, relu_cone_dimensions, relu_cone_faces, relu_cone_points, relu_projection
from .fitting import (
    FitResult,
    FitTrend,
    best_of_starts,
    constrained_fit,
    fit_trend,
    gradient_descent,
    least_squares_fit,
    multistart_gradient_descent,
    step_size_scan,
    verdict_margin,
    weight_decay_fit,
)
from .geometry import NearestPoint, nearest_point
from .illposed import price_of_boundedness, quadrant_survey, weight_decay_path
from .joins import dimension_grid, join_decomposition, network_from_join, rescaling_directions
from .smooth import box_survey, closure_verdict
from .network import (
    Architecture,
    batch_loss_gradient,
    hidden_layers,
    jacobian,
    loss,
    loss_gradient,
    network,
    num_weights,
    weight_norm,
    weights_map,
)
from . import ledger
from .paper import tanh_example_data, theorem1_architecture, theorem1_data, theta_k
from . import escape, generic
from .escape import classify_fit, survey_target
from .generic import continuous_symmetries, generic_dimension, symmetry_bound, wilson_interval
from . import certify
from .certify import CertifiedDimension, certified_dimension  # python-flint is imported on first call

__version__ = "0.1.0"

#: Names of the pictures layer (nnlib.viz) re-exported here for the chapters, loaded on first
#: use so that ``import nnlib`` (the maths) imports neither matplotlib nor ipywidgets.
_VIZ_NAMES = {
    "fit_explorer": "nnlib.viz.fitting",
    "fit_history_figure": "nnlib.viz.fitting",
    "static_twin": "nnlib.viz.twins",
    "StaticTwin": "nnlib.viz.twins",
    "twins": "nnlib.viz.twins",
    "plotting": "nnlib.viz.plotting",
    "viz": "nnlib.viz",
}


def __getattr__(name):
    """Load a name of the pictures layer (``nn.fit_explorer``, ``nn.static_twin``, ...) on first use."""
    if name in _VIZ_NAMES:
        import importlib

        module = importlib.import_module(_VIZ_NAMES[name])
        value = module if module.__name__.endswith("." + name) else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'nnlib' has no attribute {name!r}")

__all__ = [
    "Activation",
    "ACTIVATION_NAMES",
    "Architecture",
    "batch_loss_gradient",
    "best_of_starts",
    "box_survey",
    "classify_fit",
    "closure_verdict",
    "certified_dimension",
    "CertifiedDimension",
    "certify",
    "cones",
    "continuous_symmetries",
    "escape",
    "constrained_fit",
    "DimensionReport",
    "dimension_grid",
    "Face",
    "fit_explorer",
    "fit_history_figure",
    "fit_trend",
    "verdict_margin",
    "step_size_scan",
    "FitResult",
    "FitTrend",
    "generic",
    "generic_dimension",
    "geometry",
    "get_activation",
    "gradient_descent",
    "hidden_layers",
    "illposed",
    "image_dimension",
    "in_relu_cone",
    "jacobian",
    "join_decomposition",
    "joins",
    "least_squares_fit",
    "ledger",
    "loss",
    "loss_gradient",
    "multistart_gradient_descent",
    "nearest_point",
    "NearestPoint",
    "network",
    "network_from_join",
    "num_weights",
    "numerical_rank",
    "price_of_boundedness",
    "psi_1",
    "quadrant_survey",
    "RankReport",
    "relu_cone_dimensions",
    "relu_cone_faces",
    "relu_cone_points",
    "relu_projection",
    "rescaling_directions",
    "sample_weights",
    "smooth",
    "survey_target",
    "symmetry_bound",
    "static_twin",
    "StaticTwin",
    "tanh_example_data",
    "theorem1_architecture",
    "theorem1_data",
    "theta_k",
    "twins",
    "weight_decay_fit",
    "weight_decay_path",
    "weight_norm",
    "weights_map",
    "wilson_interval",
]
