"""Ensembles over slices of songs: ``VotingSliceClassifier``.

A song is cut into fixed-width slices, a classifier is fitted on the slices
(each inheriting its song's label), and the slices vote for the song's label.
"""

from ._voting_slice import VotingSliceClassifier

__all__ = ["VotingSliceClassifier"]
