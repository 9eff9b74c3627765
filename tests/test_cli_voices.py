"""``skmusic generate --tokens satb`` and ``skmusic harmonize``, in-process (main(argv))."""

import re

import numpy as np
import pytest
import symusic

from skmusic import cli
from skmusic.cli import main
from skmusic.datasets import load_corpus
from skmusic.generation import ChoraleGenerator
from skmusic.io import make_notes, read_score, write_midi

# the command sets torch's thread count (--torch-threads): the fixture restores it
pytestmark = pytest.mark.usefixtures("one_torch_thread")

# "O Welt, ich muss dich lassen"-like opening, in G major, in the soprano's range
ABC = """X:1
T:A test melody
M:4/4
L:1/4
K:G
G | G A B c | d2 B d | c B A A | G3 |]
"""


@pytest.fixture(scope="module")
def tiny_model():
    """A small ChoraleGenerator fitted on 16 real chorales (seconds, not minutes)."""
    bunch = load_corpus("bach", max_per_class=24, verbose=False)
    chorales = [c for c in bunch.data if len(set(c["part"].tolist())) == 4][:16]
    params = {"embedding_dim": 8, "hidden_size": 32, "max_epochs": 2, "random_state": 0}
    return ChoraleGenerator(**params).fit(chorales), chorales


@pytest.fixture
def use_tiny_model(tiny_model, monkeypatch):
    monkeypatch.setattr(cli, "_chorale_model", lambda args: tiny_model[0])
    return tiny_model


def _tracks(path):
    score = symusic.Score(str(path))
    return [t for t in score.tracks if len(t.notes)]


def test_harmonize_a_midi_melody(use_tiny_model, tmp_path, capsys):
    _, chorales = use_tiny_model
    soprano = chorales[-1][chorales[-1]["part"] == 0]
    melody = write_midi(soprano, tmp_path / "melody.mid")
    out = tmp_path / "out" / "chorale.mid"
    assert main(["harmonize", melody, "--out", str(out), "--candidates", "2", "--silent"]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out}" in printed and "voice leading:" in printed
    assert len(_tracks(out)) == 4 and out.with_suffix(".png").stat().st_size > 1000
    back = read_score(str(out))
    top = back[back["part"] == 0]
    np.testing.assert_array_equal(top["pitch"], soprano["pitch"])
    np.testing.assert_allclose(top["onset"], soprano["onset"])
    np.testing.assert_allclose(top["duration"], soprano["duration"])


def test_harmonize_musicxml_and_abc(use_tiny_model, tmp_path, capsys):
    from music21 import corpus

    # a whole chorale in MusicXML: its first part (the soprano) is the melody
    xml = str(corpus.getWork("bach/bwv66.6"))
    out = tmp_path / "xml.mid"
    assert main(["harmonize", xml, "--out", str(out)]) == 0
    assert "has 4 parts; harmonizing its first" in capsys.readouterr().err
    first = read_score(xml)
    np.testing.assert_array_equal(
        read_score(str(out))["pitch"][read_score(str(out))["part"] == 0],
        first["pitch"][first["part"] == 0],
    )
    abc = tmp_path / "tune.abc"
    abc.write_text(ABC)
    out = tmp_path / "abc.mid"
    assert main(["harmonize", str(abc), "--out", str(out), "--silent"]) == 0
    assert len(_tracks(out)) == 4
    assert read_score(str(out))["pitch"][read_score(str(out))["part"] == 0].tolist() == [
        67, 67, 69, 71, 72, 74, 71, 74, 72, 71, 69, 69, 67,
    ]  # fmt: skip


def test_harmonize_errors_name_the_file(tmp_path, capsys, monkeypatch):
    def never(args):
        raise AssertionError("the model must not be trained for a bad melody")

    monkeypatch.setattr(cli, "_chorale_model", never)
    garbage = tmp_path / "broken.mid"
    garbage.write_bytes(b"not a midi file at all")
    high = write_midi(make_notes([84, 86, 88], [0, 1, 2], [1, 1, 1]), tmp_path / "high.mid")
    chords = write_midi(make_notes([67, 71, 72], [0, 0, 1], [1, 1, 1]), tmp_path / "chords.mid")
    cases = [
        (str(tmp_path / "missing.mid"), "melody file '", "missing.mid' does not exist"),
        (str(garbage), "broken.mid", "not a valid MIDI file"),
        (high, "high.mid' spans MIDI 84-88 (C6-E6)", "soprano's range 57-81 (A3-A5)"),
        (chords, "chords.mid' has notes sounding together", "single melodic line"),
        (str(tmp_path / "notes.txt"), "notes.txt", ""),
    ]
    (tmp_path / "notes.txt").write_text("C D E")
    for path, *fragments in cases:
        assert main(["harmonize", path, "--silent"]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("skmusic: error: ") and "\n" not in err, err
        assert all(f in err for f in fragments), err


def test_harmonize_bad_option_is_a_one_line_error(capsys):
    assert main(["harmonize", "x.mid", "--candidates", "0", "--silent"]) == 2
    assert "--candidates must be a positive number of harmonizations" in capsys.readouterr().err


def test_generate_satb_writes_four_tracks(tmp_path, capsys):
    out = tmp_path / "chorale.mid"
    argv = ["generate", "--tokens", "satb", "--max-pieces", "16", "--max-time", "4"]
    assert main([*argv, "--steps", "24", "--out", str(out), "--silent"]) == 0
    printed = capsys.readouterr().out
    assert "four tracks: soprano, alto, tenor, bass" in printed
    assert re.search(r"four-part model \d+\.\d+ .*independent per-key Bernoulli \d+\.\d+", printed)
    tracks = _tracks(out)
    assert len(tracks) == 4 and out.with_suffix(".png").stat().st_size > 1000
    notes = read_score(str(out))
    means = [notes["pitch"][notes["part"] == v].mean() for v in range(4)]
    assert means == sorted(means, reverse=True)  # soprano on top, bass below
    assert (notes["onset"] + notes["duration"]).max() <= 24


def test_generate_satb_needs_four_part_scores(tmp_path, capsys):
    folder = tmp_path / "tunes" / "folk"
    folder.mkdir(parents=True)
    for i in range(5):
        write_midi(make_notes([60 + i, 62, 64], [0, 1, 2], [1, 1, 1]), folder / f"{i}.mid")
    argv = ["generate", "--tokens", "satb", "--data", str(tmp_path / "tunes"), "--silent"]
    assert main(argv) == 2
    assert "0 of the 5 pieces of" in capsys.readouterr().err
