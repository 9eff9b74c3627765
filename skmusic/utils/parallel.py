"""Parallel maps over the items of a batch, through joblib's public API.

One helper, :func:`parallel_map`, serves every skmusic step that applies a
function to each item of a batch (waveforms, scores, songs) on ``n_jobs``
workers. It honours :func:`joblib.parallel_config`, so a Dask cluster or loky
processes can take the work instead of threads.
"""

from itertools import pairwise

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from threadpoolctl import threadpool_limits

__all__ = ["n_workers", "parallel_map"]


def n_workers(n_jobs, n_items):
    """How many workers a map over ``n_items`` items at ``n_jobs`` uses.

    ``n_jobs`` is read as joblib reads it (``None``: 1 unless a
    :func:`joblib.parallel_config` says otherwise; ``-1``: all cores), and never
    more workers than items.

    Parameters
    ----------
    n_jobs : int or None
    n_items : int

    Returns
    -------
    n : int
        At least 1.

    Examples
    --------
    >>> from skmusic.utils.parallel import n_workers
    >>> n_workers(None, 10), n_workers(4, 3), n_workers(1, 100)
    (1, 3, 1)
    """
    if n_jobs == 1 or n_items <= 1:
        return 1
    return max(1, min(int(n_items), effective_n_jobs(n_jobs)))


def _apply_chunk(func, items):
    return [func(item) for item in items]


def parallel_map(
    func,
    items,
    n_jobs=None,
    *,
    prefer="threads",
    chunked=True,
    limit_inner_threads=True,
    lazy=False,
):
    """``[func(item) for item in items]``, on ``n_jobs`` joblib workers.

    Parameters
    ----------
    func : callable
        Applied to every item.
    items : sequence
        Anything ``len`` and slicing work on (a list, a 3D array).
    n_jobs : int or None, default=None
        Workers, as joblib reads it. One worker (or one item) runs a plain loop
        in the calling thread: no pool is started.
    prefer : {"threads", "processes"}, default="threads"
        joblib's backend hint; a :func:`joblib.parallel_config` backend wins.
        Threads suit functions that release the GIL (NumPy, SciPy, torch).
    chunked : bool, default=True
        Hand each worker one contiguous chunk of items, so that dispatching is
        paid once per worker, not once per item. ``False`` dispatches item by
        item (better when items take very different times).
    limit_inner_threads : bool, default=True
        With more than one worker, run them with one BLAS/OpenMP thread each
        (:func:`threadpoolctl.threadpool_limits`): the workers take the cores,
        and threads inside them would only fight them.
    lazy : bool, default=False
        Return a generator that yields the results in order as they come (for
        a progress bar, or to stop at the first failure), item by item
        (``chunked`` is ignored).

    Returns
    -------
    results : list or generator
        One result per item, in the order of ``items``.

    Examples
    --------
    >>> from skmusic.utils.parallel import parallel_map
    >>> parallel_map(abs, [-1, 2, -3], n_jobs=2)
    [1, 2, 3]
    """
    n = len(items)
    workers = n_workers(n_jobs, n)
    if lazy:
        if workers == 1:
            return (func(item) for item in items)
        return Parallel(n_jobs=workers, prefer=prefer, return_as="generator")(
            delayed(func)(item) for item in items
        )
    if workers == 1:
        return [func(item) for item in items]
    parallel = Parallel(n_jobs=workers, prefer=prefer)
    if chunked:
        bounds = np.linspace(0, n, workers + 1).astype(int)
        tasks = (delayed(_apply_chunk)(func, items[a:b]) for a, b in pairwise(bounds))
    else:
        tasks = (delayed(func)(item) for item in items)
    if limit_inner_threads:
        with threadpool_limits(limits=1):
            results = parallel(tasks)
    else:
        results = parallel(tasks)
    if chunked:
        return [out for chunk in results for out in chunk]
    return list(results)
