"""The first thing every benchmark does: one thread count for every implementation.

BLAS reads its thread count when numpy is imported, so :func:`pin` must run
before that; it also puts the repository on ``sys.path``, so the benchmarks
measure this checkout's teachgrad.
"""
import os
import sys

_VARIABLES = ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS',
              'BLIS_NUM_THREADS', 'VECLIB_MAXIMUM_THREADS', 'NUMEXPR_NUM_THREADS')


def pin(threads):
    """Set the thread count of every BLAS and OpenMP; call before importing numpy."""
    if 'numpy' in sys.modules:
        raise RuntimeError('pin() must run before numpy is imported')
    for var in _VARIABLES:
        os.environ[var] = str(threads)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))


def banner(teachgrad, np, torch):
    """One line naming the versions being compared."""
    import platform
    print('teachgrad {} | numpy {} | torch {} | python {} | {}'.format(
        teachgrad.__version__, np.__version__, torch.__version__ if torch else 'absent',
        platform.python_version(), platform.machine()))


def limits(threadpoolctl, threads):
    """A context that holds every thread pool at ``threads`` (a no-op without threadpoolctl)."""
    import contextlib
    return threadpoolctl.threadpool_limits(threads) if threadpoolctl else contextlib.nullcontext()


def peers(threads):
    """``(threadpoolctl, torch)``, each None when it is not installed."""
    try:
        import threadpoolctl
    except ImportError:
        threadpoolctl = None
    try:
        import torch
        torch.set_num_threads(threads)
    except ImportError:
        torch = None
    return threadpoolctl, torch
