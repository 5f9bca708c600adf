"""WeightDecay: L2 regularization, ``grad += rate * param`` before each update."""
from teachgrad._checks import CheckedAttribute


class WeightDecay:
    """Pull every weight toward zero by adding ``rate * p`` to its gradient
    (the gradient of ``rate / 2 * sum(p ** 2)``).

    Args:
        rate: strength, e.g. 0.0005.
    """
    name = 'WeightDecay'
    call_for_each_param = True
    timing = 'pre'
    rate = CheckedAttribute('rate', low=0, meaning='the pull toward zero')

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, rule, param):
        p, g = param.data, param.grad
        if p is None or g is None:
            return
        g += self.rate * p        # the leaf grad is the parameter's own array

    def __repr__(self):
        return 'WeightDecay(rate={!r})'.format(self.rate)
