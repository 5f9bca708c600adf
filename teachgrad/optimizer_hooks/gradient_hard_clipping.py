"""GradientHardClipping: clip each gradient element into [lower_bound, upper_bound]."""
from teachgrad import backend
from teachgrad._checks import check_real


class GradientHardClipping:
    """Clip every gradient element to ``[lower_bound, upper_bound]``.

    Args:
        lower_bound, upper_bound: the limits.
    """
    name = 'GradientHardClipping'
    call_for_each_param = True
    timing = 'pre'

    def __init__(self, lower_bound, upper_bound):
        self._bounds = _checked_bounds(lower_bound, upper_bound)

    @property
    def lower_bound(self):
        return self._bounds[0]

    @lower_bound.setter
    def lower_bound(self, value):
        self._bounds = _checked_bounds(value, self._bounds[1])

    @property
    def upper_bound(self):
        return self._bounds[1]

    @upper_bound.setter
    def upper_bound(self, value):
        self._bounds = _checked_bounds(self._bounds[0], value)

    def __call__(self, rule, param):
        g = param.grad
        if g is None:
            return
        backend.get_array_module(g).clip(g, self.lower_bound, self.upper_bound, out=g)

    def __repr__(self):
        return 'GradientHardClipping(lower_bound={!r}, upper_bound={!r})'.format(
            self.lower_bound, self.upper_bound)


def _checked_bounds(lower, upper):
    lower = check_real('GradientHardClipping', 'lower_bound', lower, allow_inf=True)
    upper = check_real('GradientHardClipping', 'upper_bound', upper, allow_inf=True)
    if lower > upper:
        raise ValueError(
            'GradientHardClipping: lower_bound {!r} is above upper_bound {!r}; '
            'give the smaller limit first, e.g. GradientHardClipping(-1, 1).'.format(
                lower, upper))
    return lower, upper
