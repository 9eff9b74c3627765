"""Shared helpers for the paper_00N_*.py benchmark scripts (not part of the library).

Markdown tables, the results file (command, machine note, comparison with the
paper), rows kept one JSON object a line across runs, a wall-clock safety cap for
network training, and song-level slice/song accuracy of a fitted
``VotingSliceClassifier`` pipeline.
"""

import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

from skmusic.nn.callbacks import TimeBudget

RESULTS = Path(__file__).parent / "results"


# A wall-clock safety cap for network training on a loaded shared machine: the
# library's own budget (checked every batch, best weights restored). The scripts
# set ``max_epochs`` and the table reports the epochs actually run, so a capped
# run shows.
TimeCap = TimeBudget


def setup(threads=None):
    """One torch thread (2 shared cores: more threads oversubscribe); returns a start time."""
    torch.set_num_threads(threads or 1)
    return time.perf_counter()


def command_line():
    """The command that ran this script, as a user would type it."""
    script = os.path.relpath(sys.argv[0], Path(__file__).parent.parent)
    return " ".join(["python", script, *sys.argv[1:]])


def machine_note(elapsed):
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return (
        f"Machine: {os.cpu_count()} CPU cores, shared with other jobs (load average "
        f"{load[0]:.1f} at the end of the run), no GPU; Python "
        f"{platform.python_version()}, torch {torch.__version__} with "
        f"{torch.get_num_threads()} threads. Total wall time {elapsed / 60:.1f} min."
    )


def md_table(headers, rows, align=None):
    """A markdown table; floats are written with 3 decimals."""

    def cell(v):
        if isinstance(v, (float, np.floating)):
            return "n/a" if np.isnan(v) else f"{v:.3f}"
        return str(v)

    align = align or ["---"] + ["---:"] * (len(headers) - 1)
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_result(name, title, setup_text, tables, comparison, elapsed, extra=""):
    """Write benchmarks/results/<name>.md (``<name>_quick.md`` under --quick).

    ``tables`` is a list of (heading or None, markdown table).
    """
    if "--quick" in sys.argv[1:]:
        name = f"{name}_quick"
    parts = [
        f"# {title}",
        "",
        f"Command: `{command_line()}`",
        "",
        machine_note(elapsed),
        "",
        setup_text,
        "",
    ]
    for heading, table in tables:
        if heading:
            parts += [f"## {heading}", ""]
        parts += [table, ""]
    if extra:
        parts += [extra, ""]
    parts += ["## How this compares with the paper", "", comparison, ""]
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}.md"
    out.write_text("\n".join(parts))
    print(f"wrote {out}")
    return out


def epochs_run(voting_pipeline):
    """Epochs the network inside ``[..., VotingSliceClassifier(net)]`` trained for."""
    inner = voting_pipeline[-1].estimator_
    net = getattr(inner, "net_", None)
    return len(net.history) if net is not None else "-"


def append_row(path, row):
    """Append ``row`` (a dict) to the JSON-lines file ``path``."""
    with Path(path).open("a") as f:
        f.write(json.dumps(row) + "\n")


def read_rows(path):
    """Every row of the JSON-lines file ``path``, in order."""
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def log(msg):
    print(msg, flush=True)
