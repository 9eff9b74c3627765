"""A pipeline from a folder of MIDI files to a whole-song label, saved and reused.

A user's music usually sits in a folder with one sub-folder per class. Here we make
one from real scores of the music21 corpus (Bach chorales against fiddle tunes from
Ryan's Mammoth Collection), then: load it, cross-validate over whole songs, save the
fitted pipeline with joblib and predict a new file straight from its path.

Run:  python examples/01_pipeline_from_files.py
"""

import os
import tempfile

import joblib
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from skmusic.datasets import load_corpus, load_score_folder
from skmusic.ensemble import VotingSliceClassifier
from skmusic.features import NoteSequence, SequenceStats
from skmusic.io import ScoreLoader, write_midi

folder = tempfile.mkdtemp(prefix="my_music_")
corpus = load_corpus("composers", classes=["bach", "ryans_mammoth"], max_per_class=15)
for i, (notes, label) in enumerate(zip(corpus.data, corpus.target)):
    os.makedirs(os.path.join(folder, label), exist_ok=True)
    write_midi(notes, os.path.join(folder, label, f"piece{i:02d}.mid"))

songs = load_score_folder(folder)  # labels from the sub-folder names
print(f"{len(songs.filenames)} MIDI files, classes {songs.target_names}")

model = make_pipeline(
    ScoreLoader(),  # paths -> note events (MIDI through the fast reader)
    NoteSequence(features=("pitch", "duration", "interval")),
    VotingSliceClassifier(
        make_pipeline(SequenceStats(), RandomForestClassifier(random_state=0)),
        width=32,
        hop=16,
        voting="soft",
        pad="constant",
    ),
)
scores = cross_val_score(model, songs.filenames, songs.target, cv=5)
print(f"5-fold song accuracy: {scores.mean():.2f} +/- {scores.std():.2f}")

model.fit(songs.filenames[1:], songs.target[1:])
path = os.path.join(folder, "model.joblib")
joblib.dump(model, path)
reloaded = joblib.load(path)
new_file = songs.filenames[0]  # a song the saved model never saw
proba = dict(zip(reloaded.classes_, reloaded.predict_proba([new_file])[0].round(2)))
print(
    f"{os.path.basename(new_file)}: predicted {reloaded.predict([new_file])[0]}, "
    f"true {songs.target[0]}, probabilities {proba}"
)
