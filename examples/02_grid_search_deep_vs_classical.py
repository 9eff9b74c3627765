"""Deep and classical models in one GridSearchCV, on the same songs.

A grid that swaps the classifier inside VotingSliceClassifier: an LSTM over note
slices competes with a random forest and a logistic regression on slice statistics,
all scored by song-level cross-validation (slicing happens inside each fold, so no
slice of a test song is ever trained on).

Run:  python examples/02_grid_search_deep_vs_classical.py
"""

import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline

from skmusic.datasets import load_corpus
from skmusic.ensemble import VotingSliceClassifier
from skmusic.features import NoteSequence, SequenceStats
from skmusic.nn import LSTMClassifier

songs = load_corpus("composers", classes=["ryans_mammoth", "oneills", "bach"], max_per_class=10)

model = Pipeline(
    [
        ("notes", NoteSequence(features=("pitch", "duration", "interval"))),
        ("vote", VotingSliceClassifier(LogisticRegression(), width=48, hop=24, pad="constant")),
    ]
)
grid = [
    {
        "vote__estimator": [LSTMClassifier(max_epochs=6, random_state=0)],
        "vote__estimator__hidden_size": [16, 32],
    },
    {"vote__estimator": [make_pipeline(SequenceStats(), RandomForestClassifier(random_state=0))]},
    {"vote__estimator": [make_pipeline(SequenceStats(), LogisticRegression(max_iter=2000))]},
]
search = GridSearchCV(model, grid, cv=StratifiedKFold(3, shuffle=True, random_state=0))
search.fit(songs.data, songs.target)

table = pd.DataFrame(search.cv_results_)
table["model"] = [
    type(p["vote__estimator"]).__name__
    if not hasattr(p["vote__estimator"], "steps")
    else p["vote__estimator"].steps[-1][0]
    for p in table["params"]
]
table["hidden_size"] = [p.get("vote__estimator__hidden_size", "") for p in table["params"]]
print(
    table[["model", "hidden_size", "mean_test_score", "std_test_score", "mean_fit_time"]]
    .sort_values("mean_test_score", ascending=False)
    .to_string(index=False)
)
print("best:", search.best_params_)
