"""Tune a network with Optuna, in a study that survives a crash.

The search space for the LSTM inside VotingSliceClassifier comes from
skmusic.model_selection.search_space; the study is kept in a SQLite file, so running
this script again (or after killing it) resumes: finished trials are kept and count
toward n_trials. Point storage= at a PostgreSQL URL to share one study between
workers on several machines.

Run:  python examples/03_optuna_search.py   (writes skmusic_example_study.db)
"""

from optuna.distributions import IntDistribution
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from skmusic.datasets import load_corpus
from skmusic.ensemble import VotingSliceClassifier
from skmusic.features import NoteSequence
from skmusic.model_selection import optuna_search, search_space
from skmusic.nn import LSTMClassifier

songs = load_corpus("composers", classes=["ryans_mammoth", "oneills"], max_per_class=8)
model = Pipeline(
    [
        ("notes", NoteSequence(features=("pitch", "duration", "interval"))),
        (
            "vote",
            VotingSliceClassifier(
                LSTMClassifier(max_epochs=4, random_state=0),
                width=32,
                hop=16,
                voting="soft",
                pad="constant",
            ),
        ),
    ]
)
space = search_space(model)  # lr, hidden_size, num_layers, dropout of the LSTM
print("search space:", sorted(space))
space["vote__estimator__hidden_size"] = IntDistribution(8, 32, log=True)  # small, for a demo
space["vote__estimator__num_layers"] = IntDistribution(1, 2)

search = optuna_search(
    model,
    songs.data,
    songs.target,
    param_distributions=space,
    n_trials=4,
    cv=StratifiedKFold(2, shuffle=True, random_state=0),
    study_name="lstm-fiddle-tunes",
    storage="sqlite:///skmusic_example_study.db",
    random_state=0,
)
finished = [t for t in search.study_.trials if t.value is not None]
print(f"{len(finished)} finished trials in the study")
print(f"best trial: song accuracy {search.best_score_:.2f} with {search.best_params_}")
