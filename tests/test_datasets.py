"""Datasets: the embedded music21 corpus, folders of files, rendering to audio."""

import os
import re
from pathlib import Path

import numpy as np
import pytest

from skmusic.datasets import (
    fluidsynth_available,
    get_data_home,
    load_audio_folder,
    load_corpus,
    load_score_folder,
    load_series_folder,
    render_audio,
)
from skmusic.io import ScoreLoader, make_notes, read_score, write_midi


def test_corpus_fixture_is_real_and_loadable(corpus_scores):
    assert sorted(set(corpus_scores.target)) == ["bach", "palestrina", "ryans_mammoth"]
    assert len(corpus_scores.data) == 12
    assert "Bach" in corpus_scores.DESCR
    # the filenames are addresses ScoreLoader reads back to the same events
    again = ScoreLoader().transform(list(corpus_scores.filenames[:2]))
    for a, b in zip(again, corpus_scores.data[:2]):
        np.testing.assert_array_equal(a, b)
    bach = corpus_scores.data[list(corpus_scores.target).index("bach")]
    assert np.unique(bach["part"]).size == 4  # a four-part chorale


def test_corpus_cache_reload_parses_nothing_and_is_identical(tmp_path, monkeypatch):
    """The second load reads the cache: music21 parses no score (counted, not timed)."""
    import skmusic.datasets._corpus as corpus

    parsed = []

    def counting_read_score(address, *args, **kwargs):
        parsed.append(address)
        return read_score(address, *args, **kwargs)

    monkeypatch.setattr(corpus, "read_score", counting_read_score)
    kwargs = {
        "classes": ["bach", "oneills"],
        "max_per_class": 3,
        "data_home": tmp_path,
        "verbose": False,
    }
    first = load_corpus("composers", **kwargs)
    assert len(parsed) == 6 and sorted(parsed) == sorted(first.filenames)
    assert len(os.listdir(tmp_path / "music21_corpus" / "v1")) == 6
    second = load_corpus("composers", **kwargs)
    assert len(parsed) == 6  # nothing parsed again
    assert list(first.filenames) == list(second.filenames)
    for a, b in zip(first.data, second.data):
        np.testing.assert_array_equal(a, b)
    assert any("#" in f for f in first.filenames), "O'Neill's tunes are addressed as file.abc#N"


def test_data_home_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SKMUSIC_DATA", str(tmp_path / "here"))
    assert get_data_home() == str(tmp_path / "here")
    assert os.path.isdir(tmp_path / "here")


def test_corpus_draw_depends_on_random_state_only(corpus_scores):
    again = load_corpus(
        "composers", classes=["bach", "palestrina", "ryans_mammoth"], max_per_class=4, verbose=False
    )
    assert list(again.filenames) == list(corpus_scores.filenames)
    other = load_corpus(
        "composers", classes=["bach"], max_per_class=4, verbose=False, random_state=1
    )
    assert set(other.filenames) != set(corpus_scores.filenames[corpus_scores.target == "bach"])


def test_bach_dataset():
    chorales = load_corpus("bach", max_per_class=3, verbose=False)
    assert len(chorales.data) == 3 and set(chorales.target) == {"bach"}


def test_folk_dataset_four_regions_of_single_tunes(tmp_path):
    songs = load_corpus("folk", max_per_class=3, data_home=tmp_path, verbose=False)
    assert songs.target_names == ["china", "german_ballad", "german_boehme", "ireland"]
    assert len(songs.data) == 12 and "Essen" in songs.DESCR
    files = {
        "china": r"han2\.abc",
        "ireland": r"irl\.abc",
        "german_ballad": r"ballad\d+\.abc",
        "german_boehme": r"boehme\d+\.abc",
    }
    for address, label, notes in zip(songs.filenames, songs.target, songs.data):
        assert re.search(rf"essenFolksong[/\\]{files[label]}#\d+$", address), (label, address)
        assert len(notes) > 5 and np.unique(notes["part"]).size == 1  # one melody line
    # the addresses read back to the same events
    again = ScoreLoader().transform(list(songs.filenames[-2:]))
    for a, b in zip(again, songs.data[-2:]):
        np.testing.assert_array_equal(a, b)


def test_folk_dataset_classes_and_caps():
    ireland = load_corpus("folk", classes=["ireland"], max_per_class=None, verbose=False)
    assert len(ireland.data) == 62 and set(ireland.target) == {"ireland"}  # all of irl.abc
    assert len(set(ireland.filenames)) == 62
    drawn = load_corpus("folk", classes=["ireland", "china"], max_per_class=5, verbose=False)
    assert sorted(np.unique(drawn.target, return_counts=True)[1]) == [5, 5]
    assert set(drawn.filenames[drawn.target == "ireland"]) <= set(ireland.filenames)
    with pytest.raises(ValueError, match=r"Unknown class\(es\) \['france'\] for 'folk'.*'ireland'"):
        load_corpus("folk", classes=["ireland", "france"])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"name": "jazz"}, r"Unknown corpus dataset 'jazz'"),
        ({"classes": ["mozart"]}, r"Unknown class\(es\) \['mozart'\]"),
        ({"max_per_class": 0}, r"max_per_class must be a positive int"),
    ],
)
def test_corpus_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_corpus(**kwargs)


@pytest.mark.slow
def test_full_composers_dataset_has_five_classes_of_at_least_60():
    songs = load_corpus("composers", n_jobs=2)
    labels, counts = np.unique(songs.target, return_counts=True)
    assert len(labels) >= 5 and counts.min() >= 60


def test_render_audio_plays_the_right_pitch():
    sr = 22050
    a4 = make_notes([69], [0.0], [4.0])
    for timbre in ("organ", "strings", "clarinet"):
        wave = render_audio(a4, sr=sr, bpm=120, timbre=timbre)
        spectrum = np.abs(np.fft.rfft(wave[0, :sr]))
        peak = np.fft.rfftfreq(sr, 1 / sr)[np.argmax(spectrum)]
        assert abs(peak - 440.0) < 2.0, (timbre, peak)
        assert wave.dtype == np.float32 and np.abs(wave).max() == pytest.approx(0.9, abs=1e-3)


def test_render_audio_of_corpus_pieces(audio_files):
    assert len(audio_files.data) == 12
    for wave in audio_files.data:
        assert wave.shape == (1, 5 * audio_files.sr)
        assert np.isfinite(wave).all() and np.abs(wave).max() > 0.1


def test_render_audio_bad_input():
    notes = make_notes([60], [0.0], [1.0])
    with pytest.raises(ValueError, match=r"Unknown timbre 'kazoo'"):
        render_audio(notes, timbre="kazoo")
    with pytest.raises(ValueError, match=r"notes is empty"):
        render_audio(notes[:0])
    with pytest.raises(ValueError, match=r"not note events"):
        render_audio(np.zeros(10))
    if not fluidsynth_available():
        with pytest.raises(ValueError, match=r"needs the fluidsynth program"):
            render_audio(notes, backend="fluidsynth")


def test_load_audio_folder_gtzan_layout(audio_files, tmp_path):
    songs = load_audio_folder(audio_files.root, sr=audio_files.sr, verbose=False)
    assert sorted(songs.target_names) == ["bach", "palestrina", "ryans_mammoth"]
    assert len(songs.data) == 12 and songs.sr == audio_files.sr
    for path, label in zip(songs.filenames, songs.target):
        assert os.path.basename(os.path.dirname(path)) == label


def test_load_audio_folder_errors(audio_files, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"does not exist"):
        load_audio_folder(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"the folder is empty"):
        load_audio_folder(tmp_path / "empty")
    root = tmp_path / "mixed"
    (root / "rock").mkdir(parents=True)
    (root / "rock" / "notes.txt").write_text("liner notes")
    (root / "rock" / "broken.wav").write_bytes(b"RIFF....")
    src = audio_files.filenames[0]
    (root / "rock" / "ok.wav").write_bytes(Path(src).read_bytes())
    with (
        pytest.warns(UserWarning, match=r"Ignored 1 file\(s\).*notes.txt"),
        pytest.raises(ValueError, match=r"broken.wav"),
    ):
        load_audio_folder(root, verbose=False)
    with pytest.warns(UserWarning) as record:
        songs = load_audio_folder(root, on_error="skip", verbose=False)
    assert any(
        "Skipped 1 of 2" in str(w.message) and "broken.wav" in str(w.message) for w in record
    )
    assert len(songs.data) == 1 and list(songs.target) == ["rock"]


def test_load_score_folder(corpus_scores, tmp_path):
    for i, (notes, label) in enumerate(zip(corpus_scores.data, corpus_scores.target)):
        os.makedirs(tmp_path / label, exist_ok=True)
        write_midi(notes, tmp_path / label / f"{i}.mid")
    songs = load_score_folder(tmp_path, verbose=False)
    assert len(songs.data) == 12
    order = np.argsort([int(os.path.basename(f)[:-4]) for f in songs.filenames])
    assert list(songs.target[order]) == list(corpus_scores.target)


def test_load_series_folder_from_subfolders_and_label_table(tmp_path):
    import pandas as pd

    rng = np.random.default_rng(0)
    rows = []
    for label in ("calm", "tense"):
        (tmp_path / label).mkdir()
        for i in range(3):
            n = 50 + 10 * i  # recordings of their own lengths
            pd.DataFrame(rng.normal(size=(n, 4)), columns=["a", "b", "c", "d"]).to_csv(
                tmp_path / label / f"r{i}.csv", index=False
            )
            rows.append((f"{label}/r{i}.csv", label))
    songs = load_series_folder(tmp_path, verbose=False)
    assert [s.shape for s in songs.data[:3]] == [(4, 50), (4, 60), (4, 70)]
    pd.DataFrame(rows, columns=["file", "label"]).to_csv(tmp_path / "labels.csv", index=False)
    table = load_series_folder(tmp_path, labels=tmp_path / "labels.csv", verbose=False)
    assert list(table.target) == [r[1] for r in rows]
    pd.DataFrame({"name": ["x"]}).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['file', 'label'\]"):
        load_series_folder(tmp_path, labels=tmp_path / "bad.csv")
