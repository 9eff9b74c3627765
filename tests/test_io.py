"""Readers and writers of skmusic.io, on real corpus scores and rendered audio."""

import os
import pickle
import subprocess
import sys

import joblib
import numpy as np
import pytest
from music21 import corpus
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skmusic.io import (
    NOTE_DTYPE,
    AudioLoader,
    ReadError,
    ScoreLoader,
    SeriesLoader,
    list_tunes,
    make_notes,
    read_audio,
    read_files,
    read_score,
    split_tune_number,
    write_midi,
    write_wav,
)

CHORALE = str(corpus.getWork("bach/bwv66.6"))
ONEILLS = str(corpus.getWork("oneills1850/0001-0050.abc"))


def test_score_loader_reads_a_real_chorale():
    notes = ScoreLoader().fit_transform([CHORALE])[0]
    assert notes.dtype == NOTE_DTYPE
    assert sorted(np.unique(notes["part"]).tolist()) == [0, 1, 2, 3]
    assert 36 <= notes["pitch"].min() and notes["pitch"].max() <= 84
    assert np.all(np.diff(notes["onset"]) >= 0), "events are sorted by onset"
    assert np.all(notes["duration"] > 0)


@pytest.mark.parametrize("fmt", ["krn", "abc", "xml"])
def test_score_loader_reads_each_format(fmt, corpus_scores):
    paths = [p for p in corpus_scores.filenames if p.split("#")[0].endswith(fmt)]
    if fmt == "xml":  # MusicXML: a trecento piece
        paths = [str(corpus.getWork("trecento/Fava_Dicant_nunc_iudei.xml"))]
    notes = ScoreLoader().transform(paths[:1])[0]
    assert notes.shape[0] > 20


def test_fast_midi_reader_matches_music21(corpus_scores, tmp_path):
    """Scores written to MIDI read back identically through symusic and music21."""
    for i, notes in enumerate(corpus_scores.data[:6]):
        path = write_midi(notes, tmp_path / f"{i}.mid")
        fast = read_score(path, reader="fast")
        slow = read_score(path, reader="music21")
        assert fast.shape == slow.shape == notes.shape
        for field in NOTE_DTYPE.names:
            np.testing.assert_allclose(fast[field], slow[field], atol=1e-6, err_msg=field)
            np.testing.assert_allclose(fast[field], notes[field], atol=1e-3, err_msg=field)


def test_abc_collection_is_addressed_one_tune_at_a_time():
    tunes = list_tunes(ONEILLS)
    assert len(tunes) == 50 and tunes[4] == f"{ONEILLS}#5"
    first, fifth = ScoreLoader().transform([tunes[0], tunes[4]])
    assert not np.array_equal(first["pitch"][:20], fifth["pitch"][:20])
    with pytest.raises(ReadError, match=r"holds 50 tunes; address one as"):
        read_score(ONEILLS)
    with pytest.raises(ReadError, match=r"has no tune X:9999"):
        read_score(f"{ONEILLS}#9999")


def test_score_loader_parallel_equals_serial(corpus_scores):
    paths = list(corpus_scores.filenames[:2])
    serial = ScoreLoader().transform(paths)
    parallel = ScoreLoader(n_jobs=2).transform(paths)
    for a, b in zip(serial, parallel, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "paths, message",
    [
        (["/no/such/file.mid"], r"Cannot read '/no/such/file.mid': no such file"),
        (["song.docx"], r"unknown extension '.docx'; ScoreLoader reads"),
        ([], r"X is empty"),
        ("song.mid", r"single path"),
        (np.zeros((2, 3)), r"1D list of file paths"),
        ([1.5, 2.5], r"must hold file paths"),
    ],
)
def test_score_loader_bad_input(paths, message):
    with pytest.raises(ValueError, match=message):
        ScoreLoader().transform(paths)


def test_unreadable_files_name_the_file(tmp_path):
    broken = tmp_path / "broken.mid"
    broken.write_bytes(b"this is not midi")
    with pytest.raises(ReadError, match=r"broken.mid.*not a valid MIDI file"):
        ScoreLoader().transform([str(broken)])
    folder = tmp_path / "folder.mid"
    folder.mkdir()
    with pytest.raises(ReadError, match=r"it is a folder"):
        ScoreLoader().transform([str(folder)])
    with pytest.raises(ReadError, match=r"with reader='fast': it reads MIDI files only"):
        ScoreLoader(reader="fast").transform([CHORALE])
    with pytest.raises(ValueError, match=r"reader must be 'auto', 'music21' or 'fast'"):
        ScoreLoader(reader="pretty").fit([CHORALE])


def test_read_files_skip_warns_once_listing_every_file(tmp_path):
    good = write_midi(make_notes([60], [0.0], [1.0]), tmp_path / "good.mid")
    bad1, bad2 = tmp_path / "bad1.mid", tmp_path / "bad2.mid"
    bad1.write_bytes(b"x")
    bad2.write_bytes(b"y")
    loader = ScoreLoader()
    with pytest.warns(UserWarning, match=r"Skipped 2 of 3 file\(s\)") as record:
        items, kept = read_files([str(bad1), good, str(bad2)], loader.read, on_error="skip")
    assert len(record) == 1
    assert "bad1.mid" in str(record[0].message) and "bad2.mid" in str(record[0].message)
    assert kept.tolist() == [False, True, False] and len(items) == 1


def test_audio_loader_resamples_and_keeps_channels(tmp_path):
    sr = 8000
    t = np.arange(sr) / sr
    stereo = np.stack([np.sin(2 * np.pi * 440 * t), np.sin(2 * np.pi * 660 * t)])
    path = write_wav(stereo, tmp_path / "stereo.wav", sr=sr)
    mono = AudioLoader(sr=16000).transform([path])[0]
    assert mono.shape == (1, 16000) and mono.dtype == np.float32
    both = AudioLoader(sr=None, mono=False).transform([path])[0]
    assert both.shape == (2, sr)
    np.testing.assert_allclose(both, stereo, atol=1e-6)
    part = AudioLoader(sr=None, offset=0.25, duration=0.5).transform([path])[0]
    assert part.shape == (1, 4000)


def test_audio_loader_on_rendered_audio(audio_files):
    waves = AudioLoader(sr=audio_files.sr).transform(list(audio_files.filenames[:3]))
    for loaded, original in zip(waves, audio_files.data[:3]):
        np.testing.assert_allclose(loaded, original, atol=1e-6)


def test_audio_loader_bad_input(tmp_path):
    bad = tmp_path / "noise.wav"
    bad.write_bytes(b"RIFF....not really")
    with pytest.raises(ReadError, match=r"noise.wav"):
        AudioLoader().transform([str(bad)])
    with pytest.raises(ValueError, match=r"sr must be a positive number"):
        AudioLoader(sr=-1).fit([str(bad)])
    with pytest.raises(ReadError, match=r"unknown extension '.mid'; AudioLoader reads"):
        AudioLoader().transform(["x.mid"])


def test_series_loader_csv_excel_and_errors(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"Fp1": np.arange(5.0), "Fp2": np.arange(5.0) * 2})
    frame.to_csv(tmp_path / "a.csv", index=False)
    frame.to_excel(tmp_path / "b.xlsx", index=False)
    frame.to_csv(tmp_path / "c.tsv", sep="\t", index=False)
    a, b, c = SeriesLoader().transform(
        [tmp_path / "a.csv", tmp_path / "b.xlsx", tmp_path / "c.tsv"]
    )
    assert a.shape == (2, 5)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    only = SeriesLoader(columns=["Fp2"]).transform([tmp_path / "a.csv"])[0]
    np.testing.assert_array_equal(only[0], frame["Fp2"].to_numpy())

    frame.assign(note=["a"] * 5).to_csv(tmp_path / "text.csv", index=False)
    with pytest.raises(ReadError, match=r"text.csv.*\['note'\] are not numeric"):
        SeriesLoader().transform([tmp_path / "text.csv"])
    frame.assign(Fp2=[1.0, np.nan, 2.0, 3.0, 4.0]).to_csv(tmp_path / "gap.csv", index=False)
    message = r"gap.csv.*missing or infinite values in column\(s\) \['Fp2'\]"
    with pytest.raises(ReadError, match=message):
        SeriesLoader().transform([tmp_path / "gap.csv"])
    with pytest.raises(ReadError, match=r"column\(s\) \['Cz'\] not found"):
        SeriesLoader(columns=["Cz"]).transform([tmp_path / "a.csv"])


def test_write_wav_rejects_bad_waveforms(tmp_path):
    with pytest.raises(ValueError, match="NaN or infinity"):
        write_wav(np.array([0.0, np.nan]), tmp_path / "x.wav", sr=8000)
    with pytest.raises(ValueError, match="1D or 2D"):
        write_wav(np.zeros((1, 2, 3)), tmp_path / "x.wav", sr=8000)


def _mean_pitch(scores):
    return np.array([[s["pitch"].mean(), s["pitch"].std(), s["duration"].mean()] for s in scores])


def test_pipeline_from_paths_survives_joblib_in_a_fresh_process(corpus_scores, tmp_path):
    model = make_pipeline(
        ScoreLoader(), FunctionTransformer(_mean_pitch), LogisticRegression(max_iter=1000)
    )
    pick = [0, 1, 4, 5, 8, 9]  # two pieces of each of the three classes
    paths, y = list(corpus_scores.filenames[pick]), corpus_scores.target[pick]
    model.fit(paths, y)
    assert clone(model).get_params()["scoreloader__reader"] == "auto"
    expected = model.predict(paths)
    dumped = tmp_path / "model.joblib"
    joblib.dump(model, dumped)
    code = (
        "import sys, joblib; sys.path.insert(0, sys.argv[3]);"
        "m = joblib.load(sys.argv[1]);"
        "print(','.join(m.predict(sys.argv[2].split('|'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(dumped), "|".join(paths), os.path.dirname(__file__)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().split(",") == expected.tolist()


def test_loaded_audio_hashes_like_its_cached_copy(audio_files):
    """Pipeline(memory=...) finds a step's input in its cache on the second run only
    if the waveform hashes the same as its copy read back from the cache."""
    wave = AudioLoader(sr=audio_files.sr).transform(list(audio_files.filenames[:1]))[0]
    copy = pickle.loads(pickle.dumps(wave))
    assert joblib.hash(wave) == joblib.hash(copy)


def test_broken_mp3_raises_without_the_decoders_notes(tmp_path, capfd):
    path = tmp_path / "broken.mp3"
    path.write_bytes(bytes(np.random.default_rng(0).integers(0, 256, 3000, dtype=np.uint8)))
    with pytest.raises(ReadError, match=r"broken\.mp3.*no decoder could read it"):
        read_audio(path)
    captured = capfd.readouterr()
    assert "Note:" not in captured.err and "PySoundFile" not in captured.err
    print("stderr works again", file=sys.stderr)
    assert "stderr works again" in capfd.readouterr().err


def test_split_tune_number():
    assert split_tune_number("a/oneills.abc#3") == ("a/oneills.abc", 3)
    assert split_tune_number("a/#notes.abc") == ("a/#notes.abc", None)
    assert split_tune_number("bach.mid") == ("bach.mid", None)
