"""depth2space and space2depth: trade channels for pixels and back.

``depth2space(x, r)`` turns (N, r·r·C, H, W) into (N, C, r·H, r·W): each
pixel's r·r groups of C channels become an r×r block of pixels. It is the
"pixel shuffle" that super-resolution networks end with; ``space2depth`` is
its exact inverse. Channel ``(i * r + j) * C + c`` goes to row offset ``i``,
column offset ``j`` of channel ``c``.

>>> import numpy as np
>>> x = np.arange(4, dtype=np.float32).reshape(1, 4, 1, 1)
>>> depth2space(x, 2).data
array([[[[0., 1.],
         [2., 3.]]]], dtype=float32)
>>> space2depth(depth2space(x, 2), 2).data.ravel()
array([0., 1., 2., 3.], dtype=float32)
"""
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops


def _to_space(x, r):
    n, c, h, w = x.shape
    c //= r * r
    x = ops.transpose(ops.reshape(x, (n, r, r, c, h, w)), (0, 3, 4, 1, 5, 2))   # n, c, h, i, w, j
    return ops.reshape(x, (n, c, h * r, w * r))


def _to_depth(x, r):
    n, c, h, w = x.shape
    x = ops.transpose(ops.reshape(x, (n, c, h // r, r, w // r, r)), (0, 3, 5, 1, 2, 4))
    return ops.reshape(x, (n, r * r * c, h // r, w // r))       # from n, i, j, c, h, w


class Depth2Space(FunctionNode):
    double_backprop = True
    label = 'depth2space'
    chain_rule = ('{gy} moved back to the channels (space2depth)',)

    def __init__(self, r):
        self.r = r

    def forward(self, x):
        if x.ndim != 4 or x.shape[1] % (self.r * self.r):
            raise ValueError(
                'depth2space needs x of shape (batch, r*r*channels, height, width) with '
                'r={}, so the channels must be a multiple of {}, but x has shape '
                '{}'.format(self.r, self.r * self.r, x.shape))
        return _to_space(x, self.r)

    def backward(self, gy):
        return _to_depth(gy, self.r)          # moving values back is the whole gradient


def depth2space(X, r):
    """(N, r·r·C, H, W) -> (N, C, r·H, r·W): channels become r×r pixel blocks.

    >>> import numpy as np
    >>> depth2space(np.zeros((2, 12, 3, 3), 'f'), 2).shape
    (2, 3, 6, 6)
    """
    return Depth2Space(r).apply((X,))[0]


class Space2Depth(FunctionNode):
    double_backprop = True
    label = 'space2depth'
    chain_rule = ('{gy} moved back to the pixels (depth2space)',)

    def __init__(self, r):
        self.r = r

    def forward(self, x):
        if x.ndim != 4 or x.shape[2] % self.r or x.shape[3] % self.r:
            raise ValueError(
                'space2depth needs x of shape (batch, channels, height, width) with '
                'height and width multiples of r={}, but x has shape {}'.format(
                    self.r, x.shape))
        return _to_depth(x, self.r)

    def backward(self, gy):
        return _to_space(gy, self.r)


def space2depth(X, r):
    """(N, C, r·H, r·W) -> (N, r·r·C, H, W): each r×r pixel block becomes channels.

    >>> import numpy as np
    >>> space2depth(np.zeros((2, 3, 6, 6), 'f'), 2).shape
    (2, 12, 3, 3)
    """
    return Space2Depth(r).apply((X,))[0]
