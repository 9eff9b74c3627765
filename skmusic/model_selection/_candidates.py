"""The standard candidates -- classical and deep -- for a kind of data."""

from dataclasses import dataclass, field

from sklearn.ensemble import AdaBoostClassifier, GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from ..ensemble import VotingSliceClassifier
from ..features import MFCC, MelSpectrogram, NoteSequence, ScoreFeatures, SequenceStats
from ..nn import (
    CRNNClassifier,
    InceptionTimeClassifier,
    LSTMClassifier,
    RCNNClassifier,
    ResNet1DClassifier,
    SpectrogramCNNClassifier,
)
from ..utils.windows import check_window

__all__ = [
    "Candidate",
    "make_candidates",
    "resolve_models",
    "CLASSICAL_MODELS",
    "DEEP_MODELS",
    "DATA_KINDS",
]

CLASSICAL_MODELS = (
    "random_forest",
    "svm",
    "knn",
    "logistic_regression",
    "gradient_boosting",
    "adaboost",
)
DEEP_MODELS = (
    "lstm",
    "crnn",
    "crnn_nn2",
    "crnn_nn3",
    "resnet1d",
    "inception_time",
    "spectrogram_cnn",
    "rcnn",
)
DATA_KINDS = ("symbolic", "audio")

# The networks' standard slicing per kind, (width, hop): 50% overlap.
_STANDARD_SLICES = {"symbolic": (64, 32), "audio": (86, 43)}

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
        "svm": (
            SVC(kernel="rbf", random_state=rs),
            {"C": [1.0, 10.0] if quick else [1.0, 10.0, 100.0]},
        ),
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
    """Every network at its defaults (the shared training recipe normalizes the
    input, holds out a validation split and stops early); the papers' CRNN
    layouts NN2 and NN3 as presets, sized for a CPU."""
    common = dict(random_state=random_state)
    if max_epochs is not None:
        common["max_epochs"] = max_epochs
    return {
        "lstm": LSTMClassifier(**common),
        "crnn": CRNNClassifier(**common),
        # Conv1D and BiLSTM alternating (NN2), heavy Conv1D then one BiLSTM (NN3)
        "crnn_nn2": CRNNClassifier.from_preset(
            "nn2",
            conv_channels=(32, 32, 32),
            hidden_size=(32, 32, 32),
            dense=(32,),
            kernel_size=3,
            pool_size=2,
            **common,
        ),
        "crnn_nn3": CRNNClassifier.from_preset(
            "nn3", conv_channels=(64, 32, 32), hidden_size=16, kernel_size=3, pool_size=2, **common
        ),
        "resnet1d": ResNet1DClassifier(**common),
        "inception_time": InceptionTimeClassifier(**common),
        "spectrogram_cnn": SpectrogramCNNClassifier(**common),
        "rcnn": RCNNClassifier(**common),
    }


def _deep(kind, name, quick, random_state, width, hop, max_epochs, deep_grid):
    if max_epochs is None and quick:
        max_epochs = 30
    net = _networks(max_epochs, random_state)[name]
    if kind == "symbolic":
        steps = [("notes", NoteSequence(features=NOTE_FEATURES))]
    else:
        steps = [("mel", MelSpectrogram(n_mels=32))]
    voting = VotingSliceClassifier(net, width=width, hop=hop, voting="soft", pad="constant")
    grid = {} if deep_grid is None else dict(deep_grid)
    return Pipeline([*steps, ("clf", voting)]), grid


def make_candidates(
    kind="symbolic",
    *,
    models=None,
    quick=False,
    width=None,
    hop=None,
    max_epochs=None,
    deep_grid=None,
    random_state=0,
):
    """The standard classical and deep candidates for a kind of data.

    Classical models (random forest, SVM, KNN, logistic regression, gradient
    boosting, AdaBoost, as in Table 2 of Chen and Wang [1]_) read one row of
    global features per song: :class:`~skmusic.features.ScoreFeatures` for
    scores, MFCC statistics (:class:`~skmusic.features.SequenceStats`) for
    audio. Networks (LSTM, CRNN and the CRNN layouts NN2 and NN3 of [1]_,
    ResNet-1D, InceptionTime, the 2D spectrogram CNN and the RCNN) read
    fixed-width slices of each song inside a
    :class:`~skmusic.ensemble.VotingSliceClassifier` that votes per song, so
    any song-level split is leak-free. Networks run at their defaults: they
    normalize their own input (no scaler step), hold out a validation split
    and stop early.

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
    width : int, default=None
        Slice width of the networks: notes for scores, mel frames for audio.
        ``None``: the standard slicing, 64 notes with hop 32 for scores, 86
        mel frames (about 2 s) with hop 43 for audio (50% overlap).
    hop : int, default=None
        Timesteps between slice starts. ``None``: the standard hop when
        ``width`` is ``None`` too; else ``width`` (no overlap), what
        ``hop=None`` means everywhere in skmusic
        (:mod:`skmusic.utils.windows`).
    max_epochs : int, default=None
        Upper bound on the epochs of every network (early stopping usually
        ends sooner); ``None``: 30 with ``quick``, else the networks' default.
    deep_grid : dict, default=None
        Grid of every network, keys for the candidate pipeline, e.g.
        ``{"clf__estimator__lr": [0.001, 0.003]}``; ``None``: the defaults
        alone, since each setting costs a full CV of a network.
    random_state : int, default=0

    Returns
    -------
    candidates : list of Candidate

    References
    ----------
    .. [1] S. Chen and Y. Wang, "Convolutional Recurrent Music Sequence
       Classification and Generation", MIT (manuscript).

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
    names = resolve_models(models)
    if width is None:
        width, standard_hop = _STANDARD_SLICES[kind]
        hop = standard_hop if hop is None else hop
    width, hop = check_window(width, hop)  # hop=None: width, as everywhere
    out = []
    for name in names:
        if name in CLASSICAL_MODELS:
            est, grid = _classical(kind, name, quick, random_state)
            out.append(Candidate(name, "classical", est, grid))
        else:
            est, grid = _deep(kind, name, quick, random_state, width, hop, max_epochs, deep_grid)
            out.append(Candidate(name, "deep", est, grid))
    return out


def resolve_models(models):
    """Model names from a list or comma-separated string; ``"classical"``/``"deep"`` expand.

    Parameters
    ----------
    models : str, list of str or None
        ``None`` gives every model.

    Returns
    -------
    names : list of str
        In the order given, without repeats.

    Examples
    --------
    >>> from skmusic.model_selection import resolve_models
    >>> resolve_models("svm,lstm,svm")
    ['svm', 'lstm']
    """
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
