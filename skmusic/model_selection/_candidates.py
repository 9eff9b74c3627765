"""The standard candidates -- classical and deep -- for a kind of data."""

from dataclasses import dataclass, field

import numpy as np
from sklearn.ensemble import AdaBoostClassifier, GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression, RidgeClassifierCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from ..ensemble import VotingSliceClassifier
from ..features import (
    MFCC,
    MelSpectrogram,
    NoteSequence,
    ScoreFeatures,
    SequenceStats,
)
from ..generation import ClassConditionalGenerator, ViewpointGenerator
from ..nn import (
    CRNNClassifier,
    InceptionTimeClassifier,
    LSTMClassifier,
    NoteNetworkClassifier,
    RCNNClassifier,
    ResNet1DClassifier,
    SpectrogramCNNClassifier,
)
from ..nn.notes import NOTE_NETWORK_FEATURES
from ..utils.windows import check_window
from ._minirocket import _MiniRocketFeatures, minirocket_backend

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
    "ngram_events",
    "minirocket",
)
DEEP_MODELS = (
    "note_network",
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
# Candidates that read scores only (left out for audio unless named).
SYMBOLIC_ONLY = ("ngram_events", "minirocket", "note_network")
# Candidates that need an optional package, left out where it is missing unless named.
OPTIONAL = {"minirocket": ("sktime or aeon", minirocket_backend)}

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


def _event_model():
    """The event classifier: a multiple-viewpoint model of the melody line per class.

    One :class:`~skmusic.generation.ViewpointGenerator` per class (IDyOM's
    variable-order PPM* models of pitch, interval, scale degree, duration,
    duration ratio and linked pairs, combined by entropy-weighted geometric
    means; Conklin and Witten 1995, Pearce 2005); the class whose model
    gives a song the highest mean log-likelihood per note wins (Hillewaere,
    Manderick and Conklin 2009). Two settings differ from the generator's
    defaults, which are IDyOM's for predicting a melody: no short-term model
    (the piece's own model is the same for every class and blurs them) and an
    unweighted geometric mean of the viewpoints (``bias=0``); both were the
    more accurate on the folk and composers corpora
    (``benchmarks/results/viewpoints.md``).
    """
    model = ClassConditionalGenerator(ViewpointGenerator(short_term=False, bias=0.0))
    return Pipeline([("clf", model)]), {}


def _minirocket(random_state):
    """MiniRocket on the note series the networks read, then a ridge classifier."""
    steps = [
        ("notes", NoteSequence(features=NOTE_FEATURES)),
        ("minirocket", _MiniRocketFeatures(random_state=random_state)),
        ("scale", StandardScaler(with_mean=False)),
        ("clf", RidgeClassifierCV(alphas=np.logspace(-3, 3, 10))),
    ]
    return Pipeline(steps), {}


def _classical(kind, name, quick, random_state):
    """(classifier, grid without the ``clf__`` prefix)."""
    if name == "ngram_events":
        return _event_model()
    if name == "minirocket":
        return _minirocket(random_state)
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


def _networks(max_epochs, random_state, quick=False):
    """Every network at its defaults (the shared training recipe normalizes the
    input, holds out a validation split and stops early); the papers' CRNN
    layouts NN2 and NN3 as presets, sized for a CPU and reading the input as
    every other network does (``normalize="series+stats"``; the presets'
    own normalization keeps the papers' exact parameter counts, and with
    ``"series"`` NN2/NN3 fell from 0.86 to 0.31-0.39 on ``compare --quick``)."""
    common = dict(random_state=random_state)
    if max_epochs is not None:
        common["max_epochs"] = max_epochs
    # quick: one network, not an ensemble of seeds ("auto" would train up to five)
    single = dict(n_estimators=1) if quick else {}
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
            normalize="series+stats",
            **common,
        ),
        "crnn_nn3": CRNNClassifier.from_preset(
            "nn3",
            conv_channels=(64, 32, 32),
            hidden_size=16,
            kernel_size=3,
            pool_size=2,
            normalize="series+stats",
            **common,
        ),
        "resnet1d": ResNet1DClassifier(**common, **single),
        "inception_time": InceptionTimeClassifier(**common, **single),
        "spectrogram_cnn": SpectrogramCNNClassifier(**common),
        "rcnn": RCNNClassifier(**common),
    }


def _note_network(max_epochs, random_state, deep_grid):
    """The note network at its defaults on whole songs, in its own representation,
    ``quick`` or not: its 20 epochs are under the quick cap of 30, and its networks
    ("auto": five on a folder of a few dozen songs a class) cost less than one
    ResNet-1D (one network of 30 epochs had 0.840 on ``compare --quick``, the
    defaults 0.860; benchmarks/results/compare_quick.md)."""
    notes = NoteSequence(features=NOTE_NETWORK_FEATURES)
    params = dict(categorical=notes.categorical_rows(), random_state=random_state)
    if max_epochs is not None:
        params["max_epochs"] = max_epochs
    # the slice networks' grid keys (clf__estimator__lr) name the network directly here
    grid = {k.replace("clf__estimator__", "clf__"): v for k, v in (deep_grid or {}).items()}
    return Pipeline([("notes", notes), ("clf", NoteNetworkClassifier(**params))]), grid


def _deep(kind, name, quick, random_state, width, hop, max_epochs, deep_grid):
    if name == "note_network":
        return _note_network(max_epochs, random_state, deep_grid)
    if max_epochs is None and quick:
        max_epochs = 30
    net = _networks(max_epochs, random_state, quick)[name]
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
    audio. For scores two sequence models join them: the n-gram event
    classifier (``"ngram_events"``: a multiple-viewpoint model of the melody
    per class, :class:`~skmusic.generation.ViewpointGenerator`) and,
    where sktime or aeon is installed (an optional extra), MiniRocket on the
    note series (``"minirocket"``). The note network (``"note_network"``,
    :class:`~skmusic.nn.NoteNetworkClassifier`) reads whole songs in its own
    representation (``NOTE_NETWORK_FEATURES``: categories embedded). The other
    networks (LSTM, CRNN and the CRNN layouts NN2 and NN3 of [1]_,
    ResNet-1D, InceptionTime, the 2D spectrogram CNN and the RCNN) read
    fixed-width slices of each song inside a
    :class:`~skmusic.ensemble.VotingSliceClassifier` that votes per song, so
    any song-level split is leak-free. Networks run at their defaults: they
    normalize their own input (no scaler step), hold out a validation split
    and stop early (the note network trains on every song for its whole
    schedule). Candidates for scores only are left out for audio, and
    MiniRocket where neither sktime nor aeon is installed, unless named
    (then a ValueError says why).

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
        ends sooner); ``None``: 30 with ``quick`` (and one network where
        a network averages several: ResNet-1D's and InceptionTime's
        ``n_estimators="auto"``, up to five networks), else the networks'
        default. The note network keeps its defaults (20 epochs, up to five
        networks) with ``quick`` too: they cost less than one ResNet-1D.
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
    named = set(resolve_models(models)) if models is not None else set()
    for name in names:
        if kind != "symbolic" and name in SYMBOLIC_ONLY:
            if name in named and not _named_by_family(models, name):
                raise ValueError(f"Model {name!r} reads scores: it is a candidate for scores only.")
            continue
        if name in OPTIONAL and OPTIONAL[name][1]() is None:
            if name in named and not _named_by_family(models, name):
                raise ValueError(
                    f"Model {name!r} needs {OPTIONAL[name][0]} (an optional extra): "
                    "pip install sktime"
                )
            continue
        if name in CLASSICAL_MODELS:
            est, grid = _classical(kind, name, quick, random_state)
            out.append(Candidate(name, "classical", est, grid))
        else:
            est, grid = _deep(kind, name, quick, random_state, width, hop, max_epochs, deep_grid)
            out.append(Candidate(name, "deep", est, grid))
    return out


def _named_by_family(models, name):
    """Whether ``name`` came in only through ``"classical"`` / ``"deep"`` (not by name)."""
    if isinstance(models, str):
        models = [m.strip() for m in models.split(",") if m.strip()]
    return name not in list(models)


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
