"""Lasso: L1 regularization, ``grad += rate * sign(param)`` before each update."""
from teachgrad import backend
from teachgrad._checks import CheckedAttribute


class Lasso:
    """Push every weight toward zero by a constant amount (drives small
    weights to exactly zero: sparse models).

    Args:
        rate: strength.
    """
    name = 'Lasso'
    call_for_each_param = True
    timing = 'pre'
    rate = CheckedAttribute('rate', low=0, meaning='the pull toward zero')

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, rule, param):
        p, g = param.data, param.grad
        if p is None or g is None:
            return
        xp = backend.get_array_module(p)
        g += self.rate * xp.sign(p)

    def __repr__(self):
        return 'Lasso(rate={!r})'.format(self.rate)
