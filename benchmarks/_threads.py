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
