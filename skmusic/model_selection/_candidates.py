"""The standard candidates -- classical and deep -- for a kind of data."""

from dataclasses import dataclass, field

from sklearn.ensemble import AdaBoostClassifier, GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from ..ensemble import VotingSliceClassifier
from ..features import MFCC, ChannelScaler, MelSpectrogram, NoteSequence, ScoreFeatures, SequenceStats
from ..nn import (
    CRNNClassifier,
    LSTMClassifier,
    RCNNClassifier,
    ResNet1DClassifier,
    SpectrogramCNNClassifier,
)

__all__ = ["Candidate", "make_candidates", "CLASSICAL_MODELS", "DEEP_MODELS", "DATA_KINDS"]

CLASSICAL_MODELS = (
    "random_forest",
    "svm",
    "knn",
    "logistic_regression",
    "gradient_boosting",
    "adaboost",
)
DEEP_MODELS = ("lstm", "crnn_nn2", "crnn_nn3", "resnet1d", "spectrogram_cnn", "rcnn")
DATA_KINDS = ("symbolic", "audio")

# Note series the networks read: four rows per note (melody line on top).
NOTE_FEATURES = ("pitch", "interval", "duration", "ioi")


@dataclass
class Candidate:
    """One model of a comparison: a full pipeline and its small grid.

    Attributes
    ----------
    name : str
        Short name (``"random_forest"``, ``"lstm"``, ...); the table's ``model``.
    family : {"classical", "deep"}
    estimator : Pipeline
        Takes the dataset's items (note-event arrays or waveforms) and
        predicts one label per song. The final step is named ``"clf"``.
    param_grid : dict
        Grid for :class:`~sklearn.model_selection.GridSearchCV`, keys prefixed
        for ``estimator`` (e.g. ``"clf__n_estimators"``,
        ``"clf__estimator__lr"``).
    """

    name: str
    family: str
    estimator: Pipeline
    param_grid: dict = field(default_factory=dict)


def _classical(kind, name, quick, random_state):
    """(classifier, grid without the ``clf__`` prefix)."""
    rs = random_state
    models = {
        "random_forest": (
            RandomForestClassifier(n_estimators=200, random_state=rs),
            {"max_features": ["sqrt", 0.3]} if not quick else {},
        ),
        "svm": (SVC(kernel="rbf", random_state=rs), {"C": [1.0, 10.0] if quick else [1.0, 10.0, 100.0]}),
        "knn": (KNeighborsClassifier(), {"n_neighbors": [3, 7] if quick else [3, 5, 9, 15]}),
        "logistic_regression": (
            LogisticRegression(max_iter=3000),
            {"C": [0.1, 1.0] if quick else [0.01, 0.1, 1.0, 10.0]},
        ),
        "gradient_boosting": (
            GradientBoostingClassifier(n_estimators=100 if quick else 200, random_state=rs),
            {} if quick else {"learning_rate": [0.05, 0.1]},
        ),
        "adaboost": (
            AdaBoostClassifier(n_estimators=100, random_state=rs),
            {} if quick else {"learning_rate": [0.5, 1.0]},
        ),
    }
    clf, grid = models[name]
    if kind == "symbolic":
        steps = [("features", ScoreFeatures()), ("scale", StandardScaler())]
    else:
        steps = [
            ("mfcc", MFCC(n_mfcc=20)),
            ("stats", SequenceStats(stats=("mean", "std", "min", "max"))),
            ("scale", StandardScaler()),
        ]
    return Pipeline([*steps, ("clf", clf)]), {f"clf__{k}": v for k, v in grid.items()}


def _networks(max_epochs, random_state):
    """CPU-sized versions of the papers' networks (same layouts, fewer units)."""
    common = dict(max_epochs=max_epochs, batch_size=64, random_state=random_state, device="auto")
    return {
        # seed 000 NN1 / seed 004: stacked LSTM, dense head
        "lstm": LSTMClassifier(64, num_layers=2, dense=(32,), dropout=0.1, lr=0.003, **common),
        # seed 000 NN2: Conv1D and BiLSTM alternating
        "crnn_nn2": CRNNClassifier.from_preset(
            "nn2", conv_channels=(32, 32, 32), hidden_size=(32, 32, 32), dense=(32,),
            kernel_size=3, pool_size=2, lr=0.003, **common),
        # seed 000 NN3: heavy Conv1D then one BiLSTM
        "crnn_nn3": CRNNClassifier.from_preset(
            "nn3", conv_channels=(64, 32, 32), hidden_size=16, kernel_size=3, pool_size=2,
            lr=0.003, **common),
        # seed 001: ResNet-1D
        "resnet1d": ResNet1DClassifier(32, n_blocks=3, lr=0.003, **common),
        # seeds 002/003: 2D CNN (pooling along time only: few rows per slice)
        "spectrogram_cnn": SpectrogramCNNClassifier(
            (16, 32, 32), pool_size=(1, 2), dropout=0.3, lr=0.003, **common),
        # seed 004: recurrent CNN
        "rcnn": RCNNClassifier((16, 32), n_recurrent=2, n_steps=2, pool_size=(1, 2), lr=0.003,
                               **common),
    }


def _deep(kind, name, quick, random_state, width, hop, max_epochs, deep_grid):
    if max_epochs is None:
        max_epochs = 15 if quick else 30
    net = _networks(max_epochs, random_state)[name]
    if kind == "symbolic":
        steps = [("notes", NoteSequence(features=NOTE_FEATURES)), ("scale", ChannelScaler())]
    else:
        steps = [("mel", MelSpectrogram(n_mels=32)), ("scale", ChannelScaler())]
        if name in ("spectrogram_cnn", "rcnn"):
            net.set_params(pool_size=2)
    voting = VotingSliceClassifier(net, width=width, hop=hop, voting="soft", pad="constant")
    grid = {} if deep_grid is None else dict(deep_grid)
    return Pipeline([*steps, ("clf", voting)]), grid


def make_candidates(kind="symbolic", *, models=None, quick=False, width=None, hop=None,
                    max_epochs=None, deep_grid=None, random_state=0):
    """The standard classical and deep candidates for a kind of data.

    Classical models (random forest, SVM, KNN, logistic regression, gradient
    boosting, AdaBoost -- seed 000's Table 2) read one row of global features
    per song: :class:`~skmusic.features.ScoreFeatures` for scores, MFCC
    statistics (:class:`~skmusic.features.SequenceStats`) for audio. Networks
    (LSTM, the CRNN layouts NN2 and NN3, ResNet-1D, the 2D spectrogram CNN and
    the RCNN -- seed 000's Table 1 and the other papers) read fixed-width
    slices of each song inside a
    :class:`~skmusic.ensemble.VotingSliceClassifier` that votes per song, so
    any song-level split is leak-free. Networks are sized to train on a CPU
    in seconds to minutes.

    Parameters
    ----------
    kind : {"symbolic", "audio"}, default="symbolic"
        ``"symbolic"``: items are note-event arrays (:mod:`skmusic.io.notes`);
        ``"audio"``: items are ``(1, n_samples)`` waveforms at 22,050 Hz.
    models : list of str, default=None
        Names to keep (from ``CLASSICAL_MODELS`` and ``DEEP_MODELS``), also
        ``"classical"`` or ``"deep"`` for a whole family; ``None`` keeps all.
    quick : bool, default=False
        Smaller grids of the classical models, fewer epochs of the networks.
    width, hop : int, default=None
        Slice width and hop of the networks: notes for scores (default 64 and
        32), mel frames for audio (default 86, about 2 s, and 43).
    max_epochs : int, default=None
        Epochs of every network; ``None``: 15 with ``quick``, else 30.
    deep_grid : dict, default=None
        Grid of every network, keys for the candidate pipeline, e.g.
        ``{"clf__estimator__lr": [0.001, 0.003]}``; ``None``: a single
        setting (lr 0.003), since each setting costs a full CV of a network.
    random_state : int, default=0

    Returns
    -------
    candidates : list of Candidate

    Examples
    --------
    >>> from skmusic.model_selection import make_candidates
    >>> [c.name for c in make_candidates("symbolic", models=["svm", "lstm"])]
    ['svm', 'lstm']
    >>> make_candidates(models=["svm"])[0].estimator.steps[0][0]
    'features'
    """
    if kind not in DATA_KINDS:
        raise ValueError(f"Unknown data kind {kind!r}; choose one of {list(DATA_KINDS)}.")
    names = _resolve_models(models)
    if width is None:
        width = 64 if kind == "symbolic" else 86
    if hop is None:
        hop = width // 2
    out = []
    for name in names:
        if name in CLASSICAL_MODELS:
            est, grid = _classical(kind, name, quick, random_state)
            out.append(Candidate(name, "classical", est, grid))
        else:
            est, grid = _deep(kind, name, quick, random_state, width, hop, max_epochs,
                              deep_grid)
            out.append(Candidate(name, "deep", est, grid))
    return out


def _resolve_models(models):
    everything = CLASSICAL_MODELS + DEEP_MODELS
    if models is None:
        return list(everything)
    if isinstance(models, str):
        models = [m.strip() for m in models.split(",") if m.strip()]
    names = []
    for m in models:
        if m == "classical":
            names.extend(CLASSICAL_MODELS)
        elif m == "deep":
            names.extend(DEEP_MODELS)
        elif m in everything:
            names.append(m)
        else:
            raise ValueError(
                f"Unknown model {m!r}; choose from {list(everything)} (or 'classical', 'deep')."
            )
    if not names:
        raise ValueError("models is empty; name at least one model.")
    return list(dict.fromkeys(names))
