"""Deep and classical models compared in one search; Optuna helpers.

make_candidates, resolve_models
    The standard classical (on ScoreFeatures / MFCC statistics) and deep (in a
    VotingSliceClassifier) pipelines for note events or waveforms.
tune_families, song_folds
    A tune identity per piece (transposition-invariant melodic incipit, small
    variants joined), and the song-level folds that keep each family whole.
compare_models
    Song-level CV of every candidate (GridSearchCV or OptunaSearchCV) into one
    tidy table: the networks and classical models of Chen and Wang's Tables 1
    and 2 side by side.
one_search, table_from_search
    The same competition as one GridSearchCV that swaps the model step.
learning_curve_table, learning_curve_summary
    Accuracy of the same candidates at growing numbers of training songs per
    class, scored on the same held-out songs: where the networks start to pay.
fit_generation, sample_generation
    The workflow of ``skmusic generate``: split pieces, tokenize them (a
    preset), fit a generator and a tuned baseline, score both on the held-out
    pieces; sample a new piece.
search_space, make_study, optimize_study, optuna_search
    Optuna search spaces per model; studies in SQLite (or any RDB URL) that
    resume after a crash and can be shared by workers on several machines.
"""

from ..utils.tunes import describe_families, tune_families
from ._candidates import (
    CLASSICAL_MODELS,
    DATA_KINDS,
    DEEP_MODELS,
    Candidate,
    make_candidates,
    resolve_models,
)
from ._compare import (
    CandidateResult,
    compare_models,
    one_search,
    out_of_fold,
    song_folds,
    table_from_search,
)
from ._generation import (
    GENERATION_KINDS,
    TOKENIZER_PRESETS,
    NotEnoughDataError,
    fit_generation,
    sample_generation,
)
from ._learning_curve import (
    DEFAULT_SIZES,
    LEARNING_CURVE_NETWORKS,
    learning_curve_summary,
    learning_curve_table,
)
from ._optuna import DEFAULT_STORAGE, make_study, optimize_study, optuna_search, search_space

__all__ = [
    "Candidate",
    "make_candidates",
    "resolve_models",
    "compare_models",
    "CandidateResult",
    "one_search",
    "table_from_search",
    "out_of_fold",
    "song_folds",
    "tune_families",
    "describe_families",
    "learning_curve_table",
    "learning_curve_summary",
    "DEFAULT_SIZES",
    "LEARNING_CURVE_NETWORKS",
    "fit_generation",
    "sample_generation",
    "NotEnoughDataError",
    "GENERATION_KINDS",
    "TOKENIZER_PRESETS",
    "search_space",
    "make_study",
    "optimize_study",
    "optuna_search",
    "CLASSICAL_MODELS",
    "DEEP_MODELS",
    "DATA_KINDS",
    "DEFAULT_STORAGE",
]
