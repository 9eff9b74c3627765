"""Walk skmusic for its public estimators and say how to check them.

The test suite (``tests/test_common.py``) and anyone else run exactly the same
checks from here:

* :func:`all_estimators` lists ``(name, class)`` for every public estimator of
  skmusic, found by walking the package as :func:`sklearn.utils.all_estimators`
  walks sklearn, so a new estimator is checked from the day it appears;
* :data:`INIT_PARAMS` gives tiny, fast constructor arguments per class (as
  imbalanced-learn does), for networks that would otherwise train for minutes;
* :data:`EXPECTED_FAILED_CHECKS` says, per class and check, why a check of
  sklearn's cannot apply. Few entries, each with its reason.

Estimators whose input is a list of file paths (the readers in
:mod:`skmusic.io`) declare ``input_tags.two_d_array = False``; sklearn's checks
need numeric 2D input, so :func:`path_estimator_checks` lists the API checks
that do apply to them.

Examples
--------
>>> from skmusic.utils.estimator_checks import all_estimators
>>> names = [name for name, _ in all_estimators()]
>>> "AudioLoader" in names
True
"""

import importlib
import inspect
import pkgutil

from sklearn.base import BaseEstimator
from sklearn.utils import get_tags

__all__ = [
    "all_estimators",
    "instances_to_check",
    "expected_failed_checks",
    "path_estimator_checks",
    "INIT_PARAMS",
    "EXPECTED_FAILED_CHECKS",
]

# Modules that hold no estimators or must not be imported by a walk.
_SKIP_MODULES = {"skmusic.cli", "skmusic.__main__"}


def all_estimators():
    """Every public estimator class of skmusic.

    Returns
    -------
    estimators : list of (str, type)
        ``(class name, class)`` pairs sorted by name. Abstract classes, base
        classes (named ``Base...``, as sklearn's walker leaves them out) and
        private ones (leading underscore) are left out.
    """
    import skmusic

    found = {}
    for info in pkgutil.walk_packages(skmusic.__path__, prefix="skmusic."):
        name = info.name
        if name in _SKIP_MODULES or any(p.startswith("_") for p in name.split(".")):
            continue
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, BaseEstimator)
                and not cls_name.startswith(("_", "Base"))
                and cls.__module__.startswith("skmusic")
                and not inspect.isabstract(cls)
            ):
                found[cls_name] = cls
    return sorted(found.items())


def _small_classifier():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=200)


def _small_generator():
    from skmusic.generation import NGramTokenGenerator

    return NGramTokenGenerator()


# Tiny, fast constructor arguments per class name. Values that are callables are
# called for every instance, so each gets fresh sub-estimators.
INIT_PARAMS = {
    # --- io ---
    # --- features ---
    # audio steps: windows short enough for the checks' 2D inputs (>= 2 samples)
    "Spectrogram": {"n_fft": 2, "hop_length": 1},
    "MelSpectrogram": {"sr": 8000, "n_fft": 2, "hop_length": 1, "n_mels": 2},
    "MFCC": {"sr": 8000, "n_fft": 2, "hop_length": 1, "n_mels": 2, "n_mfcc": 2},
    # --- nn ---
    # Tiny networks, trained just long enough to pass check_classifiers_train
    # (the shared recipe otherwise: AdamW, cosine schedule, validation split).
    "LSTMClassifier": {
        "hidden_size": 4,
        "num_layers": 1,
        "bidirectional": False,
        "dense": (),
        "max_epochs": 15,
        "lr": 0.05,
        "batch_size": 32,
    },
    "CRNNClassifier": {
        "conv_channels": (4,),
        "hidden_size": 4,
        "kernel_size": 1,
        "pool_size": 1,
        "dense": (),
        "max_epochs": 15,
        "lr": 0.05,
        "batch_size": 32,
        "dropout": 0.0,
    },
    "ResNet1DClassifier": {
        "n_estimators": 2,  # the ensemble path, kept cheap ("auto" gives 5 on tiny sets)
        "n_filters": 4,
        "n_blocks": 1,
        "max_epochs": 15,
        "lr": 0.05,
        "batch_size": 32,
    },
    "SpectrogramCNNClassifier": {
        "channels": (4,),
        "pool_size": 1,
        "dropout": 0.0,
        "max_epochs": 15,
        "lr": 0.05,
        "batch_size": 32,
    },
    "RCNNClassifier": {
        "channels": (4,),
        "n_recurrent": 1,
        "n_steps": 1,
        "pool_size": 1,
        "dropout": 0.0,
        "max_epochs": 15,
        "lr": 0.05,
        "batch_size": 32,
    },
    "InceptionTimeClassifier": {
        "n_estimators": 1,
        "n_filters": 2,
        "depth": 3,
        "kernel_size": 4,
        "bottleneck": 2,
        "max_epochs": 15,
        "lr": 0.05,
        "batch_size": 32,
    },
    "NoteNetworkClassifier": {
        "n_estimators": 1,
        "d_model": 4,
        "embedding_dim": 2,
        "n_blocks": 1,
        "dropout": 0.0,
        "max_epochs": 15,
        "lr": 0.05,
        "batch_size": 32,
    },
    # --- ensemble ---
    "VotingSliceClassifier": {"estimator": _small_classifier, "width": 2},
    # --- generation ---
    # tiny networks, 2 epochs; windows short enough for the checks' 2D inputs
    "NoteLSTMGenerator": {
        "width": 2,
        "hidden_size": 4,
        "num_layers": 1,
        "embedding_dim": 4,
        "dense": (),
        "dropout": 0.0,
        "max_epochs": 2,
        "random_state": 0,
    },
    "SequenceForecaster": {
        "width": 1,
        "conv_channels": 2,
        "hidden_size": 4,
        "max_epochs": 2,
        "random_state": 0,
    },
    "WaveformGenerator": {
        "width": 1,
        "horizon": 1,
        "sr": 100,
        "kernel_size": 1,
        "conv_stride": 1,
        "conv_channels": 2,
        "hidden_size": 4,
        "decoder_size": 4,
        "max_epochs": 2,
        "random_state": 0,
    },
    "SpectralGenerator": {
        "width": 1,
        "sr": 100,
        "n_fft": 2,
        "hop_length": 1,
        "n_mels": 1,
        "conv_channels": 2,
        "hidden_size": 2,
        "n_components": 1,
        "n_iter": 2,
        "max_epochs": 2,
        "random_state": 0,
    },
    "MeanSpectrumGenerator": {"sr": 100, "n_fft": 2, "hop_length": 1, "n_mels": 1, "n_iter": 2},
    "ClassConditionalGenerator": {"generator": _small_generator},
    "ChoraleGenerator": {
        "embedding_dim": 4,
        "hidden_size": 8,
        "max_epochs": 1,
        "random_state": 0,
    },
    # --- model_selection ---
}

# --- nn --- (shared reason of the convolutional networks)
_CONV_BATCH_REASON = (
    "float32 convolutions (oneDNN) choose kernels by batch size, so one sequence's "
    "probabilities differ by up to ~3e-7 between whole-batch and one-by-one "
    "prediction; the check allows 1e-7"
)

_CONV_ORDER_REASON = (
    "the same float32 kernels also depend on where a sequence sits in its batch: "
    "shuffling the samples moved one probability by 2.4e-7 relative (2.8e-9 absolute) "
    "for the tiny note network; the check allows 1e-7"
)

# {class name: {sklearn check name: why it cannot apply}}.
EXPECTED_FAILED_CHECKS = {
    # --- io ---
    # --- features ---
    # --- nn ---
    "ResNet1DClassifier": {"check_methods_subset_invariance": _CONV_BATCH_REASON},
    "SpectrogramCNNClassifier": {"check_methods_subset_invariance": _CONV_BATCH_REASON},
    "RCNNClassifier": {"check_methods_subset_invariance": _CONV_BATCH_REASON},
    "InceptionTimeClassifier": {"check_methods_subset_invariance": _CONV_BATCH_REASON},
    "NoteNetworkClassifier": {
        "check_methods_subset_invariance": _CONV_BATCH_REASON,
        "check_methods_sample_order_invariance": _CONV_ORDER_REASON,
    },
    # --- ensemble ---
    # --- generation ---
    # --- model_selection ---
}


def _instantiate(cls):
    params = {
        key: (value() if callable(value) and not isinstance(value, type) else value)
        for key, value in INIT_PARAMS.get(cls.__name__, {}).items()
    }
    return cls(**params)


def instances_to_check():
    """An instance of every public estimator, built with :data:`INIT_PARAMS`.

    Returns
    -------
    estimators : list of BaseEstimator
    """
    return [_instantiate(cls) for _, cls in all_estimators()]


def expected_failed_checks(estimator):
    """The expected failures of ``estimator``, for ``parametrize_with_checks``.

    Parameters
    ----------
    estimator : BaseEstimator

    Returns
    -------
    checks : dict of {str: str}
        Check name to the reason it cannot apply.
    """
    return dict(EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {}))


def takes_paths(estimator):
    """Whether ``estimator`` reads file paths rather than numeric arrays."""
    return not get_tags(estimator).input_tags.two_d_array


def path_estimator_checks():
    """sklearn's API checks that apply to estimators whose input is file paths.

    sklearn skips every check for an estimator without 2D array input; these
    need no data and so still apply.

    Returns
    -------
    checks : list of callable
        Each called as ``check(name, estimator)``.
    """
    from sklearn.utils import estimator_checks as ec

    return [
        ec.check_no_attributes_set_in_init,
        ec.check_estimator_cloneable,
        ec.check_estimator_repr,
        ec.check_estimator_tags_renamed,
        ec.check_valid_tag_types,
        ec.check_get_params_invariance,
        ec.check_set_params,
        ec.check_parameters_default_constructible,
    ]
