"""Plumbing shared by skmusic's estimators.

:mod:`skmusic.utils.validation`
    Batches of sequences: validation (:func:`~skmusic.utils.validation.validate_batch`
    returns the batch and its layout), :func:`~skmusic.utils.validation.restore_layout`,
    the one minimum-length check, and
    :class:`~skmusic.utils.validation.SequenceTransformerMixin` (tags of
    sequence-to-sequence steps).
:mod:`skmusic.utils.windows`
    Fixed-width windows (``width`` timesteps every ``hop``) over sequences.
:mod:`skmusic.utils.parallel`
    :func:`~skmusic.utils.parallel.parallel_map`: a map over items on ``n_jobs``
    joblib workers.
:mod:`skmusic.utils.estimator_checks`
    The walker over every public estimator and sklearn's checks for them.
"""
