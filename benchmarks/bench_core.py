"""Core speed of teachgrad against its peers, measured in one run.

W1  a chain of 1000 elementwise ops, ``y = y * 1.0001 + 0.0001`` repeated 500
    times on a float32 array of shape (1,), forward and backward: the cost of
    the framework itself (graph building and the backward loop), per op.
W3  ``y = x @ W.T`` with 2048x2048 float32 operands, forward and backward
    (``y.grad = ones``): the cost on top of the three matrix products that
    raw numpy does by hand.

Peers (when importable): raw numpy doing the same arithmetic by hand, and
PyTorch on the CPU. Implementations are interleaved (each repetition runs
every implementation once, in rotating order) and all use the same number of
threads (1 unless --threads says otherwise), so the ratios are fair even on a
busy machine. Targets: W1 per op <= PyTorch's; W3 <= 1.05x raw numpy.

Usage::

    python benchmarks/bench_core.py           # full run (a minute or two)
    python benchmarks/bench_core.py --quick   # a short run (a few seconds)
"""
import argparse
import sys

import _threads  # the folder of a script run as `python benchmarks/x.py` is on sys.path


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--quick', action='store_true', help='few repetitions, a short run')
    parser.add_argument('--threads', type=int, default=1,
                        help='BLAS/OpenMP/PyTorch threads for every implementation (default 1)')
    parser.add_argument('--reps', type=int, default=None, help='repetitions per workload')
    parser.add_argument('--size', type=int, default=2048, help='matrix size for W3')
    return parser.parse_args()


ARGS = _parse_args()
_threads.pin(ARGS.threads)     # before numpy is imported

import statistics  # NOQA: E402
import time  # NOQA: E402

import numpy as np  # NOQA: E402

import teachgrad  # NOQA: E402

threadpoolctl, torch = _threads.peers(ARGS.threads)

N_ITER = 500          # 500 x (mul, add) = 1000 function nodes


# -- W1: framework overhead per op -----------------------------------------------

def w1_teachgrad():
    x = teachgrad.Variable(np.ones(1, dtype=np.float32))
    t0 = time.perf_counter()
    y = x
    for _ in range(N_ITER):
        y = y * 1.0001 + 0.0001
    y.backward()
    return time.perf_counter() - t0


def w1_numpy():
    # The same forward, and the backward done by hand: the grad passes
    # through each add unchanged and is scaled by each mul.
    x = np.ones(1, dtype=np.float32)
    t0 = time.perf_counter()
    y = x
    for _ in range(N_ITER):
        y = y * 1.0001 + 0.0001
    g = np.ones_like(y)
    for _ in range(N_ITER):
        g = g * 1.0001
    return time.perf_counter() - t0


def w1_torch():
    x = torch.ones(1, dtype=torch.float32, requires_grad=True)
    t0 = time.perf_counter()
    y = x
    for _ in range(N_ITER):
        y = y * 1.0001 + 0.0001
    y.backward(torch.ones_like(y))
    return time.perf_counter() - t0


# -- W3: overhead on top of big matrix products ---------------------------------------

def w3_inputs(n):
    rng = np.random.RandomState(0)
    return (rng.standard_normal((n, n)).astype(np.float32),
            rng.standard_normal((n, n)).astype(np.float32))


def w3_teachgrad(x, W):
    vx, vW = teachgrad.Variable(x), teachgrad.Variable(W)
    t0 = time.perf_counter()
    y = vx @ vW.T
    y.grad = np.ones_like(y.data)
    y.backward()
    return time.perf_counter() - t0


def w3_numpy(x, W):
    t0 = time.perf_counter()
    y = x @ W.T
    gy = np.ones_like(y)
    gx = gy @ W          # noqa: F841 (computed, as backward would)
    gW = gy.T @ x        # noqa: F841
    return time.perf_counter() - t0


def w3_torch(x, W):
    tx = torch.from_numpy(x).requires_grad_()
    tW = torch.from_numpy(W).requires_grad_()
    t0 = time.perf_counter()
    y = tx @ tW.T
    y.backward(torch.ones_like(y))
    return time.perf_counter() - t0


# -- measuring --------------------------------------------------------------------

def interleaved(impls, reps, args=()):
    """Run each implementation once per repetition, rotating the order; the
    first (warm-up) repetition is not counted. Returns name -> list of seconds."""
    names = list(impls)
    times = {name: [] for name in names}
    for rep in range(reps + 1):
        order = names[rep % len(names):] + names[:rep % len(names)]
        for name in order:
            t = impls[name](*args)
            if rep:
                times[name].append(t)
    return times


def _fmt_ratio(a, b):
    return '{:.2f}x'.format(a / b) if b else '-'


def report(title, unit, scale, times, target_peer, target_ratio):
    print('\n' + title)
    print('{:<10} {:>14} {:>14} {:>12} {:>12}'.format(
        'impl', unit + ' median', unit + ' min', '/numpy', '/torch'))
    med = {k: statistics.median(v) * scale for k, v in times.items()}
    best = {k: min(v) * scale for k, v in times.items()}
    for name in times:
        print('{:<10} {:>14.3f} {:>14.3f} {:>12} {:>12}'.format(
            name, med[name], best[name],
            _fmt_ratio(med[name], med['numpy']),
            _fmt_ratio(med[name], med['torch']) if 'torch' in med else '-'))
    if target_peer in med:
        ratio_med = med['teachgrad'] / med[target_peer]
        ratio_min = best['teachgrad'] / best[target_peer]
        ok = ratio_min <= target_ratio
        print('target: teachgrad <= {:.2f}x {}: median {:.2f}x, min {:.2f}x -> {}'.format(
            target_ratio, target_peer, ratio_med, ratio_min, 'met' if ok else 'NOT met'))
        return ok
    print('target: teachgrad <= {:.2f}x {}: {} not available'.format(
        target_ratio, target_peer, target_peer))
    return None


def main():
    reps = ARGS.reps or (5 if ARGS.quick else 30)
    reps_w3 = ARGS.reps or (2 if ARGS.quick else 7)
    _threads.banner(teachgrad, np, torch)
    with _threads.limits(threadpoolctl, ARGS.threads):
        if threadpoolctl:
            libs = ', '.join('{} ({} threads)'.format(i['internal_api'], i['num_threads'])
                             for i in threadpoolctl.threadpool_info())
            print('thread pools: {}'.format(libs or 'none found'))
        print('threads for every implementation: {}'.format(ARGS.threads))

        w1 = {'teachgrad': w1_teachgrad, 'numpy': w1_numpy}
        w3 = {'teachgrad': w3_teachgrad, 'numpy': w3_numpy}
        if torch is not None:
            w1['torch'] = w1_torch
            w3['torch'] = w3_torch
        results = []
        times = interleaved(w1, reps)
        results.append(report(
            'W1: 1000-op elementwise chain on shape (1,), forward+backward, '
            '{} reps'.format(reps), 'us/op', 1e6 / (2 * N_ITER), times,
            'torch', 1.0))
        x, W = w3_inputs(ARGS.size)
        times = interleaved(w3, reps_w3, (x, W))
        results.append(report(
            'W3: x @ W.T with {0}x{0} float32, forward+backward, {1} reps'.format(
                ARGS.size, reps_w3), 'ms', 1e3, times, 'numpy', 1.05))
    return 0 if all(r is not False for r in results) else 1


if __name__ == '__main__':
    sys.exit(main())
