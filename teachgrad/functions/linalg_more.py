"""More linear algebra: the determinant, the inverse and the Cholesky factor of square
matrices, one matrix (det, inv, cholesky) or a batch of them (batch_det, batch_inv).

Each backward is again made of inverses, products and triangular solves, so it can
be differentiated once more:

>>> import numpy as np
>>> from teachgrad import Variable
>>> a = Variable(np.array([[2., 1.], [1., 3.]]))
>>> d = det(a)
>>> d.data
array(5.)
>>> d.backward()
>>> a.grad                 # d det(A) / dA = det(A) · A⁻ᵀ, the cofactors
array([[ 3., -1.],
       [-1.,  2.]])
"""
from teachgrad import backend
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops
from teachgrad.functions.linalg import _solve


def _check_square(name, a, batched):
    ndim = 3 if batched else 2
    form = '(batch, n, n)' if batched else '(n, n)'
    if a.ndim != ndim or a.shape[-1] != a.shape[-2]:
        hint = (' (for a single matrix use {})'.format(name[len('batch_'):]) if batched else
                ' (for a stack of matrices use batch_{})'.format(name))
        raise ValueError('{}: the input must be square matrices of shape {}, but it has shape '
                         '{}{}'.format(name, form, a.shape, hint))
    if a.dtype.kind != 'f':
        raise TypeError('{}: the input must be a float array, but got dtype {}; convert with '
                        'a.astype(numpy.float32)'.format(name, a.dtype))


def _inverse(name, a):
    """a⁻¹ of an array; inv / batch_inv of a Variable (for double backprop)."""
    if ops._is_variable(a):
        return batch_inv(a) if a.ndim == 3 else inv(a)
    return _inv_or_explain(name, a)


def _inv_or_explain(name, a):
    import numpy
    xp = backend.get_array_module(a)
    try:
        return xp.linalg.inv(a)
    except numpy.linalg.LinAlgError:
        raise ValueError(
            '{}: a matrix of shape {} is singular (its determinant is 0), so it has no '
            'inverse; check for a row or column that is a combination of the others'.format(
                name, a.shape[-2:])) from None


def _mT(a):
    return ops.swapaxes(a, -1, -2)


class Inv(FunctionNode):
    double_backprop = True
    chain_rule = ('-{out}ᵀ @ {gy} @ {out}ᵀ',)

    def __init__(self, batched):
        self.batched = batched

    @property
    def label(self):
        return 'batch_inv' if self.batched else 'inv'

    def forward(self, a):
        _check_square(self.label, a, self.batched)
        self.y = y = _inv_or_explain(self.label, a)
        return y

    def backward(self, gy):
        # d(A⁻¹) = -A⁻¹ dA A⁻¹, so gA = -A⁻ᵀ gy A⁻ᵀ
        yT = _mT(self.y)
        return -ops.matmul(ops.matmul(yT, gy), yT)


def inv(a):
    """The inverse of the square matrix ``a`` (shape (n, n)); a singular one raises.

    >>> import numpy as np
    >>> inv(np.array([[2., 0.], [0., 4.]])).data
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    return Inv(False).apply((a,))[0]


def batch_inv(a):
    """The inverse of each matrix of a batch, shape (batch, n, n).

    >>> import numpy as np
    >>> batch_inv(np.array([[[2.]], [[4.]]])).data.ravel()
    array([0.5 , 0.25])
    """
    return Inv(True).apply((a,))[0]


class Det(FunctionNode):
    double_backprop = True
    chain_rule = ('{gy} · {out} · {0}⁻ᵀ',)

    def __init__(self, batched):
        self.batched = batched

    @property
    def label(self):
        return 'batch_det' if self.batched else 'det'

    def forward(self, a):
        _check_square(self.label, a, self.batched)
        self.a = a
        self.y = y = backend.get_array_module(a).asarray(
            backend.get_array_module(a).linalg.det(a), dtype=a.dtype)
        return y

    def backward(self, gy):
        # Jacobi's formula: d det(A) = det(A) · trace(A⁻¹ dA), so gA = gy det(A) A⁻ᵀ
        # (it needs A⁻¹: a singular A has a gradient, the cofactors, but not this way)
        a = self.a
        scale = gy * self.y
        if self.batched:
            scale = ops.reshape(scale, (len(a), 1, 1))
        return scale * _mT(_inverse(self.label, a))


def det(a):
    """The determinant of the square matrix ``a`` (shape (n, n)), a 0-dimensional result.
    The gradient uses ``a``'s inverse, so a singular ``a`` raises in backward.

    >>> import numpy as np
    >>> det(np.array([[1., 2.], [3., 4.]])).data
    array(-2.)
    """
    return Det(False).apply((a,))[0]


def batch_det(a):
    """The determinant of each matrix of a batch: shape (batch, n, n) gives (batch,).

    >>> import numpy as np
    >>> batch_det(np.array([[[1., 2.], [3., 4.]], [[2., 0.], [0., 3.]]])).data
    array([-2.,  6.])
    """
    return Det(True).apply((a,))[0]


class Cholesky(FunctionNode):
    double_backprop = True
    label = 'cholesky'
    chain_rule = 'gA = sym(L⁻ᵀ Φ(Lᵀ gy) L⁻¹), Φ: the lower triangle with half its diagonal'

    def forward(self, a):
        import numpy
        _check_square('cholesky', a, batched=False)
        xp = backend.get_array_module(a)
        try:
            self.y = y = xp.linalg.cholesky(a)
        except numpy.linalg.LinAlgError:
            raise ValueError('cholesky: the matrix of shape {} is not positive definite, so it '
                             'has no Cholesky factor; a covariance needs positive variances '
                             'and symmetry (a @ a.T + eps * eye is always fine)'.format(
                                 a.shape)) from None
        if not xp.isfinite(y).all():           # cupy gives nan instead of raising
            raise ValueError('cholesky: the matrix of shape {} is not positive definite'
                             .format(a.shape))
        return y

    def backward(self, gy):
        # A = L Lᵀ; with Φ(X) the lower triangle of X with its diagonal halved,
        # gA = L⁻ᵀ Φ(Lᵀ gy) L⁻¹, made symmetric since A is (both of its triangles are
        # one number each); two triangular solves apply L⁻ᵀ and L⁻¹.
        L = self.y
        xp = backend.get_array_module(ops.data(L))
        n = L.shape[-1]
        mask = xp.tri(n, dtype=L.dtype) - 0.5 * xp.eye(n, dtype=L.dtype)
        phi = ops.matmul(_mT(L), gy) * mask
        left = _solve(_mT(L), phi, False)                  # L⁻ᵀ Φ
        s = _mT(_solve(_mT(L), _mT(left), False))          # (L⁻ᵀ (L⁻ᵀ Φ)ᵀ)ᵀ = L⁻ᵀ Φ L⁻¹
        return (s + _mT(s)) * 0.5


def cholesky(a):
    """The lower triangular L with ``L @ L.T == a``, for a symmetric positive definite
    ``a`` of shape (n, n). Only the lower triangle of ``a`` is read; the gradient is made
    symmetric, as ``a`` is.

    >>> import numpy as np
    >>> cholesky(np.array([[4., 2.], [2., 2.]])).data
    array([[2., 0.],
           [1., 1.]])
    """
    return Cholesky().apply((a,))[0]
