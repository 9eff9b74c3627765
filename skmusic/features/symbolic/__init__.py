"""Symbolic features: transformers over note-event scores.

Every transformer here takes a list of scores, each a note-event array of
:data:`skmusic.io.notes.NOTE_DTYPE` (what :class:`skmusic.io.ScoreLoader`
returns), and gives back skmusic's usual batch or ordinary 2D features:

========================  ===================================================
:class:`NoteSequence`     one column per note: ``(n_features, n_notes)``
:class:`PianoRoll`        one column per frame: ``(n_pitches, n_frames)``
:class:`MelodicViewpoints` linked viewpoint tokens (interval, duration ratio)
:func:`viewpoint_sequence`  one (linked) melodic viewpoint's symbols per note
:class:`NoteTokenizer`    music21-style note/chord tokens -> ids ``(1, n_tokens)``
:class:`ScoreFeatures`    one row of global features per piece (2D, named)
========================  ===================================================

The functional core (:func:`notes_to_tokens`, :func:`tokens_to_notes`,
:func:`score_features`) works on one score and is what the transformers map
over the batch, on ``n_jobs`` cores through joblib where asked.

Their input is a list of structured arrays, not a numeric 2D array, so they
declare ``input_tags.two_d_array = False``.

The package holds one topic per module: ``_base`` (validating scores, what the
transformers share), ``_sequence``, ``_pianoroll``, ``_tokens`` and
``_score_features`` (the registry of named feature groups), ``_viewpoints``
(melodic viewpoints for :class:`skmusic.generation.ViewpointGenerator`).
"""

from ._base import check_scores
from ._pianoroll import PianoRoll
from ._score_features import (
    SCORE_FEATURE_GROUPS,
    FeatureGroup,
    ScoreFeatures,
    score_feature_groups,
    score_feature_names,
    score_features,
)
from ._sequence import CATEGORICAL_NOTE_FEATURES, MelodicViewpoints, NoteSequence
from ._tokens import REST, UNKNOWN_TOKEN, NoteTokenizer, notes_to_tokens, tokens_to_notes
from ._viewpoints import VIEWPOINTS, viewpoint_sequence

__all__ = [
    "NoteSequence",
    "CATEGORICAL_NOTE_FEATURES",
    "MelodicViewpoints",
    "PianoRoll",
    "NoteTokenizer",
    "ScoreFeatures",
    "FeatureGroup",
    "SCORE_FEATURE_GROUPS",
    "check_scores",
    "notes_to_tokens",
    "tokens_to_notes",
    "score_features",
    "score_feature_groups",
    "score_feature_names",
    "REST",
    "UNKNOWN_TOKEN",
    "VIEWPOINTS",
    "viewpoint_sequence",
]
