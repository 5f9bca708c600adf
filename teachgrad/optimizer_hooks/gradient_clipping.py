"""GradientClipping: shrink all gradients together when their norm is too large."""
import math

from teachgrad._checks import CheckedAttribute


class GradientClipping:
    """If the L2 norm of all gradients together exceeds ``threshold``, scale
    every gradient by ``threshold / norm`` (the direction is kept).

    Args:
        threshold: the largest allowed norm.
    """
    name = 'GradientClipping'
    timing = 'pre'
    threshold = CheckedAttribute('threshold', low=0, low_open=True,
                                 meaning='the largest gradient norm')

    def __init__(self, threshold):
        self.threshold = threshold

    def __call__(self, opt):
        grads = [p.grad for p in opt.target.params(include_uninit=False)
                 if p.grad is not None]
        norm = math.sqrt(sum(float((g * g).sum()) for g in grads))
        rate = self.threshold / (norm + 1e-6)
        if rate < 1:
            for g in grads:
                g *= rate

    def __repr__(self):
        return 'GradientClipping(threshold={!r})'.format(self.threshold)
