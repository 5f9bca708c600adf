"""W2: one training step of an MLP, teachgrad against raw numpy and PyTorch.

The step: forward a batch of 128 float32 examples through a 64-256-256-10
MLP with ReLU, softmax cross entropy against int labels, backward, and an SGD
update of the six parameters. Implementations:

- **teachgrad**: ``L.Linear``, ``F.relu``, ``F.softmax_cross_entropy`` and
  ``optimizers.SGD``, stepped with ``optimizer.update(lossfun, x, t)`` (what
  ``StandardUpdater`` does every iteration).
- **numpy**: the same forward and backward written by hand on arrays, updated
  in place: the floor no framework can beat.
- **torch**: ``nn.Linear``/``nn.ReLU``, ``F.cross_entropy`` and
  ``torch.optim.SGD`` on the CPU (when importable).

All three start from the same weights and are checked to compute the same
loss. They are interleaved (each repetition runs every implementation for a
block of steps, in rotating order) with the same number of threads (1 unless
--threads says otherwise). Targets: teachgrad <= 1.0x PyTorch and <= 1.3x
the numpy floor, per step (ratios of the minimums over repetitions). Then
memory: teachgrad's traced memory (tracemalloc) after step 100 and after the
last step must not grow.

Usage::

    python benchmarks/bench_train.py            # full run (about a minute)
    python benchmarks/bench_train.py --quick    # a short run
    python benchmarks/bench_train.py --profile  # also show where teachgrad's time goes
"""
import argparse
import sys

import _threads  # the folder of a script run as `python benchmarks/x.py` is on sys.path


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--quick', action='store_true', help='few repetitions, a short run')
    parser.add_argument('--threads', type=int, default=1,
                        help='BLAS/OpenMP/PyTorch threads for every implementation (default 1)')
    parser.add_argument('--reps', type=int, default=None, help='repetitions')
    parser.add_argument('--steps', type=int, default=None, help='steps per repetition')
    parser.add_argument('--memory-steps', type=int, default=None,
                        help='steps of the memory check (default 1000, 300 with --quick)')
    parser.add_argument('--breakdown', action='store_true',
                        help='time forward, backward and update separately against numpy')
    parser.add_argument('--profile', action='store_true',
                        help="cProfile teachgrad's steps and print the top functions")
    return parser.parse_args()


ARGS = _parse_args()
_threads.pin(ARGS.threads)     # before numpy is imported

import gc  # NOQA: E402
import statistics  # NOQA: E402
import time  # NOQA: E402
import tracemalloc  # NOQA: E402

import numpy as np  # NOQA: E402

import teachgrad  # NOQA: E402
import teachgrad.functions as F  # NOQA: E402
import teachgrad.links as L  # NOQA: E402
from teachgrad import optimizers  # NOQA: E402

threadpoolctl, torch = _threads.peers(ARGS.threads)

SIZES = (64, 256, 256, 10)
BATCH = 128
LR = 0.01


def make_problem(seed=0):
    """A batch, labels, and initial weights [(W, b), ...] shared by everyone."""
    rng = np.random.RandomState(seed)
    x = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    t = rng.randint(0, SIZES[-1], BATCH).astype(np.int32)
    layers = []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
        W = (rng.standard_normal((n_out, n_in)) * np.sqrt(1.0 / n_in)).astype(np.float32)
        b = np.zeros(n_out, dtype=np.float32)
        layers.append((W, b))
    return x, t, layers


# -- teachgrad -----------------------------------------------------------------------------

class MLP(teachgrad.Chain):
    def __init__(self, layers):
        super().__init__()
        with self.init_scope():
            for i, (W, b) in enumerate(layers):
                setattr(self, 'l{}'.format(i + 1),
                        L.Linear(W.shape[1], W.shape[0], initialW=W.copy(),
                                 initial_bias=b.copy()))

    def forward(self, x):
        h = F.relu(self.l1(x))
        h = F.relu(self.l2(h))
        return self.l3(h)


class TeachgradStep:
    name = 'teachgrad'

    def __init__(self, x, t, layers):
        self.x, self.t = x, t
        self.model = MLP(layers)
        self.optimizer = optimizers.SGD(lr=LR).setup(self.model)

    def lossfun(self, x, t):
        return F.softmax_cross_entropy(self.model(x), t)

    def __call__(self):
        self.optimizer.update(self.lossfun, self.x, self.t)

    def loss(self):
        return float(self.lossfun(self.x, self.t).data)


# -- the numpy floor ------------------------------------------------------------------------

class NumpyStep:
    name = 'numpy'

    def __init__(self, x, t, layers):
        self.x, self.t = x, t
        self.params = [a.copy() for layer in layers for a in layer]
        self.rows = np.arange(BATCH)

    def forward(self):
        W1, b1, W2, b2, W3, b3 = self.params
        h1 = self.x @ W1.T + b1
        a1 = np.maximum(h1, 0)
        h2 = a1 @ W2.T + b2
        a2 = np.maximum(h2, 0)
        y = a2 @ W3.T + b3
        y = y - y.max(axis=1, keepdims=True)
        e = np.exp(y)
        s = e.sum(axis=1, keepdims=True)
        loss = -(y[self.rows, self.t] - np.log(s[:, 0])).mean()
        return loss, (a1, a2, e, s)

    def backward(self, cache):
        W1, b1, W2, b2, W3, b3 = self.params
        a1, a2, e, s = cache
        gy = e / s                                  # softmax
        gy[self.rows, self.t] -= 1                  # minus one-hot
        gy *= 1.0 / BATCH                           # the mean
        ga2 = gy @ W3
        ga2 *= a2 > 0                               # ReLU's slope
        ga1 = ga2 @ W2
        ga1 *= a1 > 0
        return (ga1.T @ self.x, ga1.sum(axis=0), ga2.T @ a1, ga2.sum(axis=0),
                gy.T @ a2, gy.sum(axis=0))

    def update(self, grads):
        for p, g in zip(self.params, grads):
            p -= LR * g

    def __call__(self):
        self.update(self.backward(self.forward()[1]))

    def loss(self):
        return float(self.forward()[0])


# -- PyTorch -------------------------------------------------------------------------------

class TorchStep:
    name = 'torch'

    def __init__(self, x, t, layers):
        self.x = torch.from_numpy(x)
        self.t = torch.from_numpy(t.astype(np.int64))
        linears = []
        for W, b in layers:
            lin = torch.nn.Linear(W.shape[1], W.shape[0])
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(W))
                lin.bias.copy_(torch.from_numpy(b))
            linears.append(lin)
        self.model = torch.nn.Sequential(linears[0], torch.nn.ReLU(), linears[1],
                                         torch.nn.ReLU(), linears[2])
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=LR)

    def __call__(self):
        self.optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(self.model(self.x), self.t)
        loss.backward()
        self.optimizer.step()

    def loss(self):
        with torch.no_grad():
            return float(torch.nn.functional.cross_entropy(self.model(self.x), self.t))


# -- measuring ------------------------------------------------------------------------------

def check_same_math(impls):
    """Every implementation starts at the same loss and takes the same step."""
    before = {name: impl.loss() for name, impl in impls.items()}
    for impl in impls.values():
        impl()
    after = {name: impl.loss() for name, impl in impls.items()}
    for name in impls:
        for ref, got in ((before['numpy'], before[name]), (after['numpy'], after[name])):
            if abs(ref - got) > 1e-4 * max(1.0, abs(ref)):
                raise SystemExit('{} computes another loss than numpy: {} vs {}'.format(
                    name, got, ref))
    print('same math: loss {:.6f} -> {:.6f} after one step, for {}'.format(
        before['numpy'], after['numpy'], ', '.join(impls)))


def interleaved(impls, reps, steps):
    """Each repetition runs every implementation for ``steps`` steps, rotating
    the order; the first repetition is a warm-up. Returns name -> seconds per step."""
    names = list(impls)
    times = {name: [] for name in names}
    for rep in range(reps + 1):
        order = names[rep % len(names):] + names[:rep % len(names)]
        for name in order:
            step = impls[name]
            t0 = time.perf_counter()
            for _ in range(steps):
                step()
            dt = (time.perf_counter() - t0) / steps
            if rep:
                times[name].append(dt)
    return times


def report(times):
    med = {k: statistics.median(v) * 1e3 for k, v in times.items()}
    best = {k: min(v) * 1e3 for k, v in times.items()}
    print('{:<10} {:>12} {:>12} {:>10} {:>10}'.format(
        'impl', 'ms median', 'ms min', '/numpy', '/torch'))
    for name in times:
        print('{:<10} {:>12.3f} {:>12.3f} {:>10} {:>10}'.format(
            name, med[name], best[name], '{:.2f}x'.format(med[name] / med['numpy']),
            '{:.2f}x'.format(med[name] / med['torch']) if 'torch' in med else '-'))
    verdicts = []
    for peer, target in (('torch', 1.0), ('numpy', 1.3)):
        if peer not in best:
            print('target: teachgrad <= {:.2f}x {}: {} not available'.format(
                target, peer, peer))
            continue
        ratio_min = best['teachgrad'] / best[peer]
        ratio_med = med['teachgrad'] / med[peer]
        ok = ratio_min <= target
        verdicts.append(ok)
        print('target: teachgrad <= {:.2f}x {}: min {:.2f}x, median {:.2f}x -> {}'.format(
            target, peer, ratio_min, ratio_med, 'met' if ok else 'NOT met'))
    return all(verdicts)


def memory_check(x, t, layers, n_steps):
    """tracemalloc's current size after step 100 and after the last step."""
    step = TeachgradStep(x, t, layers)
    for _ in range(5):           # allocate the grads and any lazy state first
        step()
    gc.collect()
    tracemalloc.start()
    try:
        at = {}
        for i in range(1, n_steps + 1):
            step()
            if i in (100, n_steps):
                gc.collect()
                at[i] = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    growth = at[n_steps] - at[100]
    # Flat: nothing kept per step. 4 KiB absorbs the odd interpreter cache.
    ok = growth <= 4096
    print('memory (tracemalloc current): step 100: {:.1f} KiB, step {}: {:.1f} KiB, '
          'growth {:+d} bytes -> {}'.format(at[100] / 1024, n_steps, at[n_steps] / 1024,
                                            growth, 'flat' if ok else 'GROWS'))
    return ok


def breakdown(x, t, layers, reps, steps):
    """The step in three parts, each against its numpy counterpart."""
    tg, nf = TeachgradStep(x, t, layers), NumpyStep(x, t, layers)
    tg()
    cache = nf.forward()[1]
    grads = nf.backward(cache)

    def tg_backward():
        loss = tg.lossfun(x, t)
        tg.model.cleargrads()
        loss.backward()
    parts = {
        ('forward', 'teachgrad'): lambda: tg.lossfun(x, t),
        ('forward', 'numpy'): nf.forward,
        ('forward+backward', 'teachgrad'): tg_backward,
        ('forward+backward', 'numpy'): lambda: nf.backward(nf.forward()[1]),
        ('update', 'teachgrad'): tg.optimizer.update,     # grads already there
        ('update', 'numpy'): lambda: nf.update(grads),
    }
    times = interleaved(parts, reps, steps)
    print('\nbreakdown (min over reps, us per call):')
    print('{:<18} {:>10} {:>10} {:>12}'.format('part', 'teachgrad', 'numpy', 'difference'))
    for part in ('forward', 'forward+backward', 'update'):
        a = min(times[(part, 'teachgrad')]) * 1e6
        b = min(times[(part, 'numpy')]) * 1e6
        print('{:<18} {:>10.1f} {:>10.1f} {:>+12.1f}'.format(part, a, b, a - b))


def profile(x, t, layers, steps):
    import cProfile
    import pstats
    step = TeachgradStep(x, t, layers)
    step()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(steps):
        step()
    prof.disable()
    print('\nteachgrad, {} steps under cProfile (times inflated by the profiler):'.format(
        steps))
    pstats.Stats(prof).sort_stats('tottime').print_stats(18)


def main():
    reps = ARGS.reps or (5 if ARGS.quick else 20)
    steps = ARGS.steps or (20 if ARGS.quick else 50)
    memory_steps = ARGS.memory_steps or (300 if ARGS.quick else 1000)
    _threads.banner(teachgrad, np, torch)
    with _threads.limits(threadpoolctl, ARGS.threads):
        print('threads for every implementation: {}'.format(ARGS.threads))
        x, t, layers = make_problem()
        kinds = [TeachgradStep, NumpyStep] + ([TorchStep] if torch is not None else [])
        check_same_math({k.name: k(x, t, layers) for k in kinds})
        impls = {k.name: k(x, t, layers) for k in kinds}
        print('\nW2: one SGD step of a {} MLP (ReLU, softmax cross entropy), batch {}, '
              'float32; {} reps x {} steps'.format('-'.join(map(str, SIZES)), BATCH,
                                                  reps, steps))
        ok = report(interleaved(impls, reps, steps))
        ok = memory_check(x, t, layers, memory_steps) and ok
        if ARGS.breakdown:
            breakdown(x, t, layers, reps, steps)
        if ARGS.profile:
            profile(x, t, layers, steps * 4)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
