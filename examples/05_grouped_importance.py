"""Which kinds of score features tell the composers apart?

A random forest on ScoreFeatures classifies 500 pieces of five composers and
collections (Bach, Palestrina, the trecento, two folk-tune books). sklearn's
permutation_importance shuffles one column at a time, and since the features are
redundant (pitch_mean and pitch_max, twelve pitch-class bins) the forest reads each
shuffled column from its neighbours: single columns look unimportant. Shuffling a
named group of columns at once -- the groups ScoreFeatures is built from -- answers
the question: how much accuracy the model loses without that kind of information.

Run:  python examples/05_grouped_importance.py   (about half a minute)
"""

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.inspection import permutation_importance
from sklearn.model_selection import train_test_split

from skmusic.datasets import load_corpus
from skmusic.features import (
    ScoreFeatures,
    grouped_permutation_importance,
    score_feature_groups,
    score_feature_names,
)

songs = load_corpus("composers")
features = ScoreFeatures().fit(songs.data)
X = features.transform(songs.data)
X_train, X_test, y_train, y_test = train_test_split(
    X, songs.target, test_size=0.3, stratify=songs.target, random_state=0
)
forest = RandomForestClassifier(n_estimators=300, random_state=0, n_jobs=-1)
forest.fit(X_train, y_train)
print(
    f"held-out accuracy: {forest.score(X_test, y_test):.3f} "
    f"({len(np.unique(songs.target))} classes, {X.shape[1]} features)"
)

single = permutation_importance(forest, X_test, y_test, n_repeats=10, random_state=0, n_jobs=-1)
names = np.asarray(score_feature_names())
top = np.argsort(single.importances_mean)[::-1][:5]
print("\nlargest single-column importances (accuracy lost):")
for i in top:
    print(f"  {names[i]:<24} {single.importances_mean[i]:.3f}")

grouped = grouped_permutation_importance(
    forest, X_test, y_test, groups=score_feature_groups(), n_repeats=10, random_state=0
)
print("\ngroup importance (accuracy lost when the whole group is shuffled):")
for i in np.argsort(grouped.importances_mean)[::-1]:
    print(
        f"  {grouped.groups[i]:<12} {grouped.importances_mean[i]:.3f} "
        f"+/- {grouped.importances_std[i]:.3f}"
    )
