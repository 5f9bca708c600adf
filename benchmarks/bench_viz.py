"""W4: how fast a Variable draws itself (``_repr_svg_``), measured in one run.

The W1 chain, ``y = y * 1.0001 + 0.0001`` on a float32 array of shape (1,),
at 100 and 1000 function nodes (50 and 500 repetitions of the line), after
``y.backward()``, drawn:

- **default**: ``y._repr_svg_()`` as Jupyter calls it (the node cap folds the
  middle of the chain);
- **uncapped**: ``draw(y, max_nodes=None).svg``, every one of the 2001 boxes;

end to end (DOT text, Graphviz, SVG back), with the DOT generation (walking
the graph, labels, DOT text) timed on its own. Peer: torchviz's
``make_dot(y).pipe('svg')`` on the same chain in PyTorch, when torchviz and a
system Graphviz ``dot`` are installed (``pip install torchviz``,
``apt-get install graphviz``).

Targets: default ``_repr_svg_`` <= torchviz; uncapped 1000-op picture <= 500 ms;
DOT generation <= 10 % of the total. The implementations run interleaved
(every repetition runs each once, in rotating order); the verdict uses the
minimum over repetitions, and the medians are printed beside it.

Also checked once: a 2000-op chain and a 2000-op graph in which every op reads
``x`` both draw within 10 s with the default options.

Usage::

    python benchmarks/bench_viz.py            # full run (about a minute)
    python benchmarks/bench_viz.py --quick    # a short run
"""
import argparse
import os
import statistics
import sys
import time


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--quick', action='store_true', help='few repetitions, a short run')
    parser.add_argument('--reps', type=int, default=None, help='repetitions per case')
    return parser.parse_args()


ARGS = _parse_args()
os.environ.setdefault('OMP_NUM_THREADS', '1')

import numpy as np  # NOQA: E402

import teachgrad  # NOQA: E402
from teachgrad import viz  # NOQA: E402

SIZES = (100, 1000)


def tg_chain(n_ops):
    x = teachgrad.Variable(np.array([1.0], dtype=np.float32), name='x')
    y = x
    for _ in range(n_ops // 2):
        y = y * 1.0001 + 0.0001
    y.backward()
    return y


def torch_chain(n_ops):
    import torch
    x = torch.ones(1, dtype=torch.float32, requires_grad=True)
    y = x
    for _ in range(n_ops // 2):
        y = y * 1.0001 + 0.0001
    y.backward()
    return y


def _torchviz():
    try:
        import torch  # NOQA
        from torchviz import make_dot
    except ImportError as e:
        return None, 'torchviz peer left out ({})'.format(e)
    import shutil
    if shutil.which('dot') is None:
        return None, 'torchviz peer left out (no system Graphviz `dot` on PATH)'
    sys.setrecursionlimit(20000)    # make_dot recurses once per op
    return make_dot, None


def cases():
    """name -> (dot_fn, total_fn): each builds its picture from scratch."""
    out = {}
    for n in SIZES:
        y = tg_chain(n)
        out['teachgrad default {}'.format(n)] = (
            lambda y=y: viz.draw(y).source, lambda y=y: y._repr_svg_())
        out['teachgrad uncapped {}'.format(n)] = (
            lambda y=y: viz.draw(y, max_nodes=None).source,
            lambda y=y: viz.draw(y, max_nodes=None).svg)
    make_dot, why = _torchviz()
    if make_dot is not None:
        for n in SIZES:
            t = torch_chain(n)
            out['torchviz {}'.format(n)] = (
                lambda t=t: make_dot(t).source, lambda t=t: make_dot(t).pipe('svg'))
    return out, why


def measure(fns, reps):
    """Interleaved: each repetition runs every case once (DOT, then end to end),
    in an order that rotates; the first repetition is a warm-up."""
    names = list(fns)
    times = {name: {'dot': [], 'total': []} for name in names}
    for rep in range(reps + 1):
        k = rep % len(names)
        for name in names[k:] + names[:k]:
            dot_fn, total_fn = fns[name]
            t0 = time.perf_counter()
            dot_fn()
            t1 = time.perf_counter()
            out = total_fn()
            t2 = time.perf_counter()
            if not out:
                raise SystemExit('{}: no picture came back (is Graphviz installed?)'.format(name))
            if rep:
                times[name]['dot'].append((t1 - t0) * 1e3)
                times[name]['total'].append((t2 - t1) * 1e3)
    return times


def big_graphs():
    """Seconds for the default picture of the two 2000-op graphs."""
    x = teachgrad.Variable(np.array([1.0], dtype=np.float32), name='x')
    chain = x
    for _ in range(1000):
        chain = chain * 1.0001 + 0.0001     # 2000 function nodes
    star = x
    for _ in range(2000):
        star = star * x                     # every op also reads x
    out = {}
    for name, y in (('2000-op chain', chain), ('2000-op graph reading x', star)):
        t = time.perf_counter()
        svg = y._repr_svg_()
        out[name] = (time.perf_counter() - t, svg is not None and 'more nodes' in svg)
    return out


def main():
    reps = ARGS.reps or (3 if ARGS.quick else 15)
    print('renderer: {}'.format(viz.renderer()))
    fns, why = cases()
    if why:
        print(why)
    times = measure(fns, reps)
    print('\nW4: ms per picture ({} repetitions; min / median)'.format(reps))
    print('{:<28} {:>17} {:>19} {:>10}'.format('case', 'DOT ms', 'end to end ms', 'DOT share'))
    best = {}
    for name, t in times.items():
        d, total = min(t['dot']), min(t['total'])
        best[name] = (d, total)
        print('{:<28} {:>8.1f} / {:>6.1f} {:>9.1f} / {:>7.1f} {:>9.1%}'.format(
            name, d, statistics.median(t['dot']), total, statistics.median(t['total']),
            d / total))
    print('\n(DOT ms is timed apart; "end to end" includes its own DOT generation.)')

    missed = []
    print('\ntargets:')
    for n in SIZES:
        peer = best.get('torchviz {}'.format(n))
        ours = best['teachgrad default {}'.format(n)][1]
        if peer is not None:
            ok = ours <= peer[1]
            missed += [] if ok else ['default {} <= torchviz'.format(n)]
            print('  default _repr_svg_ {} ops: {:.1f} ms vs torchviz {:.1f} ms ({:.2f}x) {}'
                  .format(n, ours, peer[1], ours / peer[1], 'ok' if ok else 'MISSED'))
    full = best['teachgrad uncapped 1000'][1]
    ok = full <= 500
    missed += [] if ok else ['uncapped 1000 <= 500 ms']
    print('  uncapped 1000-op picture: {:.1f} ms (target <= 500) {}'.format(
        full, 'ok' if ok else 'MISSED'))
    for name, (d, total) in best.items():
        if name.startswith('teachgrad'):
            ok = d <= 0.10 * total
            missed += [] if ok else ['DOT share of ' + name]
            print('  DOT share, {}: {:.1%} (target <= 10%) {}'.format(
                name, d / total, 'ok' if ok else 'MISSED'))
    for name, (seconds, folded) in big_graphs().items():
        ok = seconds < 10 and folded
        missed += [] if ok else [name]
        print('  {}: {:.2f} s, folded: {} (target < 10 s) {}'.format(
            name, seconds, folded, 'ok' if ok else 'MISSED'))
    if missed:
        print('\nmissed: ' + ', '.join(missed))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
