"""Local response normalization: each channel is divided by the energy of
its neighbouring channels at the same pixel (AlexNet's "brightness
normalization").

``y_c = x_c / (k + alpha * sum_{|j - c| <= n // 2} x_j ** 2) ** beta``

>>> import numpy as np
>>> x = np.array([[[[1.]], [[2.]]]], 'f')                 # two channels, one pixel
>>> local_response_normalization(x, n=3, k=1, alpha=1, beta=1).data.ravel()
array([0.16666667, 0.33333334], dtype=float32)
"""
from teachgrad import backend
from teachgrad.function_node import FunctionNode


def _window_sum(a, half_n):
    # Sum over channels c - half_n .. c + half_n (cut off at the edges).
    s = a.copy()
    for i in range(1, half_n + 1):
        s[:, i:] += a[:, :-i]
        s[:, :-i] += a[:, i:]
    return s


class LocalResponseNormalization(FunctionNode):
    first_order_reason = ('its backward is written on arrays with the sums kept from forward; '
                          'a backward written with Variables is not there yet')
    label = 'local_response_normalization'
    chain_rule = ('{gy} / scale minus 2·alpha·beta·{0} times the window sum of '
                  '{gy}·{out} / (k + alpha·Σx²)',)

    def __init__(self, n=5, k=2, alpha=1e-4, beta=.75):
        self.n, self.k, self.alpha, self.beta = n, k, alpha, beta

    def forward(self, x):
        if x.ndim < 2:
            raise ValueError('local_response_normalization needs x with a channel axis, '
                             '(batch, channels, ...), but x has shape {}'.format(x.shape))
        self.x = x
        self.unit = self.k + self.alpha * _window_sum(x * x, self.n // 2)
        self.y = y = x * self.unit ** -self.beta
        return y.astype(x.dtype, copy=False)

    def backward(self, gy):
        # x_c reaches y_c directly and, through the denominator, every y_j
        # whose window holds c.
        through = _window_sum(gy * self.y / self.unit, self.n // 2)
        gx = gy * self.unit ** -self.beta - 2 * self.alpha * self.beta * self.x * through
        return gx.astype(gy.dtype, copy=False)


def local_response_normalization(x, n=5, k=2, alpha=1e-4, beta=.75):
    """Divide each channel by ``(k + alpha * sum of squares of the n
    channels around it) ** beta``.

    Args:
        x: input (batch, channels, ...).
        n: how many channels a window spans (n // 2 on each side).
        k, alpha, beta: the constants of the formula above.

    First-order only: its backward is written on arrays with the sums kept from forward; a
    backward written with Variables is not there yet.

    >>> import numpy as np
    >>> y = local_response_normalization(np.ones((1, 5, 2, 2), 'f'))
    >>> bool(np.isclose(y.data[0, 0, 0, 0], 1 / (2 + 1e-4 * 3) ** 0.75))  # the edge sees 3
    True
    """
    return LocalResponseNormalization(n, k, alpha, beta).apply((x,))[0]
