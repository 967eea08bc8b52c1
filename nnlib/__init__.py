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
fitting      solvers returning loss and ||theta|| histories
plotting     the book's figure style and shared plots
widgets      ipywidgets builders for the chapters
"""

from .activations import ACTIVATION_NAMES, Activation, get_activation
from .dimension import DimensionReport, RankReport, image_dimension, numerical_rank, sample_weights
from .fitting import (
    FitResult,
    FitTrend,
    best_of_starts,
    fit_trend,
    gradient_descent,
    least_squares_fit,
    multistart_gradient_descent,
)
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
from .widgets import fit_explorer, fit_history_figure
from .paper import tanh_example_data, theorem1_architecture, theorem1_data, theta_k

__version__ = "0.1.0"

__all__ = [
    "ACTIVATION_NAMES",
    "Activation",
    "Architecture",
    "DimensionReport",
    "FitResult",
    "FitTrend",
    "RankReport",
    "batch_loss_gradient",
    "best_of_starts",
    "fit_explorer",
    "fit_history_figure",
    "fit_trend",
    "get_activation",
    "gradient_descent",
    "hidden_layers",
    "image_dimension",
    "jacobian",
    "least_squares_fit",
    "loss",
    "loss_gradient",
    "multistart_gradient_descent",
    "network",
    "num_weights",
    "numerical_rank",
    "sample_weights",
    "tanh_example_data",
    "theorem1_architecture",
    "theorem1_data",
    "theta_k",
    "weight_norm",
    "weights_map",
]
