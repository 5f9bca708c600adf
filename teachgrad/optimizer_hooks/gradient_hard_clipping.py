"""GradientHardClipping: clip each gradient element into [lower_bound, upper_bound]."""
from teachgrad import backend


class GradientHardClipping:
    """Clip every gradient element to ``[lower_bound, upper_bound]``.

    Args:
        lower_bound, upper_bound: the limits.
    """
    name = 'GradientHardClipping'
    call_for_each_param = True
    timing = 'pre'

    def __init__(self, lower_bound, upper_bound):
        if lower_bound > upper_bound:
            raise ValueError('lower_bound {} is above upper_bound {}'.format(
                lower_bound, upper_bound))
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound

    def __call__(self, rule, param):
        g = param.grad
        if g is None:
            return
        backend.get_array_module(g).clip(g, self.lower_bound, self.upper_bound, out=g)

    def __repr__(self):
        return 'GradientHardClipping(lower_bound={!r}, upper_bound={!r})'.format(
            self.lower_bound, self.upper_bound)
