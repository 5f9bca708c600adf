"""Functions that connect inputs to outputs through learned weights.

>>> import numpy as np
>>> x = np.ones((1, 3), dtype=np.float32)
>>> W = np.ones((2, 3), dtype=np.float32)
>>> linear(x, W).data
array([[3., 3.]], dtype=float32)
"""
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops


class LinearFunction(FunctionNode):
    label = 'Linear'
    double_backprop = True

    def forward(self, x, W, b=None):
        _check_linear_inputs(x, W, b)
        self.x, self.W = x, W       # the input itself, so a double backprop finds it
        y = _flat(x) @ W.T
        if b is not None:
            y = y + b       # numpy promotes mixed dtypes (float32 W, float64 b -> float64)
        return y

    chain_rule = ('{gy} @ {1}', '{gy}ᵀ @ {0}', '{gy} summed over the batch')

    def backward(self, gy):
        gx = (gy @ self.W).reshape(self.inputs[0].shape)
        gW = gy.T @ _flat(self.x)
        if len(self.inputs) == 3:
            return gx, gW, ops.sum(gy, axis=0)
        return gx, gW


def _flat(x):
    """A batch of examples as a matrix: one row of features per example."""
    return x if x.ndim == 2 else x.reshape(len(x), -1)


def _check_linear_inputs(x, W, b):
    # Checked before computing: a bias of the wrong shape would otherwise
    # broadcast through forward and fail only in backward.
    if W.ndim != 2:
        raise ValueError('Linear: W must be 2-d, (out_size, in_size), but has shape {}'
                         .format(W.shape))
    if x.ndim < 2:
        raise ValueError(
            'Linear: the input has shape {}, but it needs a batch: (batch, features). '
            'For one example write x[None] or x.reshape(1, -1).'.format(x.shape))
    features = 1
    for s in x.shape[1:]:
        features *= s
    if features != W.shape[1]:
        flat = '' if x.ndim == 2 else ' after flattening each example'
        raise ValueError(
            'Linear: the input has shape {}, so {} features per example{}, but W '
            'has shape {}, which expects {}. W is (out_size, in_size).'.format(
                x.shape, features, flat, W.shape, W.shape[1]))
    if b is not None and b.shape != (W.shape[0],):
        raise ValueError(
            'Linear: b has shape {} but W has shape {}: b needs one value per output, '
            'shape ({},).'.format(b.shape, W.shape, W.shape[0]))
    for name, array in (('the input', x), ('b', b)):
        if array is not None and array.dtype != W.dtype:
            raise TypeError(
                'Linear: {} is {} but W is {}; both must have the same dtype. '
                'numpy makes float64 by default: convert with x.astype(np.{}) '
                '(or build the layer in {}).'.format(
                    name, array.dtype, W.dtype, W.dtype, array.dtype))


def linear(x, W, b=None, n_batch_axes=1):
    """``y = x @ W.T + b``; inputs with more than 2 dims are flattened per example.

    W has shape (out_size, in_size), b has shape (out_size,). The first
    ``n_batch_axes`` axes of x count as the batch; the rest are the features.

    >>> import numpy as np
    >>> linear(np.ones((2, 5, 3), 'f'), np.ones((4, 3), 'f'), n_batch_axes=2).shape
    (2, 5, 4)
    """
    if n_batch_axes < 1:
        raise ValueError('linear: n_batch_axes must be at least 1, got {}'.format(n_batch_axes))
    args = (x, W) if b is None else (x, W, b)
    if n_batch_axes == 1:
        return LinearFunction().apply(args)[0]
    from teachgrad.functions.array import reshape
    batch_shape = x.shape[:n_batch_axes]
    y = LinearFunction().apply((reshape(x, (-1, W.shape[1])),) + args[1:])[0]
    return reshape(y, batch_shape + (W.shape[0],))
