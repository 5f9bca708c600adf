"""Order samplers: decide the order in which an iterator visits the examples."""
import numpy


class OrderSampler:
    """Base class: ``sampler(current_order, current_position)`` returns the
    order (a permutation of indices) for the next epoch."""

    def __call__(self, current_order, current_position):
        raise NotImplementedError


class ShuffleOrderSampler(OrderSampler):
    """A fresh random permutation every epoch.

    Draws from ``random_state`` (default: numpy's global random state, so
    ``np.random.seed(0)`` makes the shuffling reproducible).

    >>> import numpy as np
    >>> np.random.seed(0)
    >>> ShuffleOrderSampler()(np.arange(4), 0)
    array([2, 3, 1, 0])
    """

    def __init__(self, random_state=None):
        self._random = random_state

    def __call__(self, current_order, current_position):
        random = self._random if self._random is not None else numpy.random
        return random.permutation(len(current_order))
