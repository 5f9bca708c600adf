"""Linear algebra: solving a triangular system, forward beside backward.

A triangular matrix L (zeros above its diagonal) is what a Cholesky
factorisation gives, ``cov = L @ L.T``; the multivariate normal distribution
keeps its covariance that way. Solving ``L @ x = b`` for ``x`` is then the
cheap, stable way to apply ``cov``'s inverse: ``(x - mu) @ inv(cov) @ (x - mu)``
is the squared length of ``solve_triangular(L, x - mu)``.

>>> import numpy as np
>>> L = np.array([[2., 0.], [1., 1.]])
>>> solve_triangular(L, np.array([[4.], [5.]])).data      # 2 x0 = 4, x0 + x1 = 5
array([[2.],
       [3.]])
"""
import numpy

from teachgrad import backend
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops
from teachgrad.utils import sum_to


def _solve(a, b, lower):
    """``a⁻¹ b`` for arrays; the F function for Variables (so backward can be differentiated)."""
    if ops._is_variable(a) or ops._is_variable(b):
        return solve_triangular(a, b, lower=lower)
    xp = backend.get_array_module(a, b)
    a = xp.tril(a) if lower else xp.triu(a)            # the other triangle is not read
    batch = numpy.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = xp.broadcast_to(a, batch + a.shape[-2:])
    b = xp.broadcast_to(b, batch + b.shape[-2:])
    try:
        return xp.linalg.solve(a, b)
    except numpy.linalg.LinAlgError:             # cupy raises numpy's too
        raise ValueError('solve_triangular: the triangular matrix is singular (a zero on its '
                         'diagonal), so L @ x = b has no unique solution; the diagonal of L '
                         'must be nonzero (a Cholesky factor has a positive one)')


class SolveTriangular(FunctionNode):
    """x = L⁻¹ b for a lower (or upper) triangular L, batched over leading axes."""
    double_backprop = True
    label = 'solve_triangular'
    # With g_b = L⁻ᵀ gy: d(L⁻¹ b) = L⁻¹ db - L⁻¹ dL x, so gb = g_b and gL = -g_b xᵀ,
    # kept only on L's triangle (the other entries are never read).
    chain_rule = ('-tril(solve({0}ᵀ, {gy}) @ {out}ᵀ)', 'solve({0}ᵀ, {gy})')

    def __init__(self, lower=True):
        self.lower = lower

    def forward(self, a, b):
        if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
            raise ValueError('solve_triangular: the matrix must be square in its last two axes '
                             '(shape (..., n, n)), but it has shape {}'.format(a.shape))
        if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
            raise ValueError(
                'solve_triangular: the right-hand side must have shape (..., {n}, k) to match '
                'the matrix of shape {}, but it has shape {}; a vector of length {n} becomes '
                'one with b[..., None]'.format(a.shape, b.shape, n=a.shape[-1]))
        if a.dtype.kind != 'f' or a.dtype != b.dtype:
            raise TypeError('solve_triangular: the matrix and the right-hand side must be floats '
                            'of one dtype, but they are {} and {}; convert with .astype'
                            .format(a.dtype, b.dtype))
        try:
            numpy.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        except ValueError:
            raise ValueError('solve_triangular: the batch axes of the matrix {} and of the '
                             'right-hand side {} do not broadcast'.format(a.shape, b.shape))
        self.a, self.b_shape = a, b.shape
        self.x = x = _solve(a, b, self.lower)
        return x

    def backward(self, gy):
        a, x = self.a, self.x
        xp = backend.get_array_module(ops.data(a))
        n = a.shape[-1]
        triangle = xp.tril(xp.ones((n, n), a.dtype))
        if not self.lower:
            triangle = triangle.T
        gb = _solve(ops.swapaxes(a, -1, -2), gy, not self.lower)
        ga = -ops.matmul(gb, ops.swapaxes(x, -1, -2)) * triangle
        return sum_to(ga, a.shape), sum_to(gb, self.b_shape)


def solve_triangular(a, b, lower=True):
    """The solution ``x`` of ``a @ x = b`` for a triangular ``a`` (as scipy.linalg's).

    ``a`` has shape (..., n, n) and ``b`` (..., n, k); their leading (batch)
    axes broadcast. Only ``a``'s lower triangle (with ``lower=False``, its
    upper one) is read: the entries on the other side are taken as zeros and
    get zero gradient. Gradients reach both ``a`` and ``b``, and the backward
    is itself made of solves and products, so it can be differentiated again.

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> L = Variable(np.array([[2., 0.], [1., 1.]]))
    >>> x = solve_triangular(L, np.array([[4.], [5.]]))
    >>> x.data.ravel()
    array([2., 3.])
    >>> x.grad = np.array([[1.], [2.]])
    >>> x.backward()
    >>> L.grad                      # zero above the diagonal, which is never read
    array([[ 1.,  0.],
           [-4., -6.]])
    """
    return SolveTriangular(lower).apply((a, b))[0]
