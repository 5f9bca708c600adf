"""Which array module (numpy or cupy) an array belongs to, and moving arrays between them.

cupy is imported only when something asks for the GPU, so ``import teachgrad``
stays fast and works on machines without CUDA.

>>> import numpy as np
>>> get_array_module(np.zeros(3)) is np
True
"""
import numpy

_cupy = None          # the cupy module once imported, or False when unusable


def _load_cupy():
    global _cupy
    if _cupy is None:
        try:
            import cupy
            _cupy = cupy if cupy.is_available() else False
        except Exception:   # ImportError, or a CUDA driver that fails to load
            _cupy = False
    return _cupy


def gpu_available():
    """True when cupy imports and sees a usable GPU."""
    return bool(_load_cupy())


def _is_cupy_array(x):
    # Checking the type's module avoids importing cupy for numpy inputs.
    return type(x).__module__.startswith('cupy')


def get_array_module(*args):
    """Return ``cupy`` if any argument lives on the GPU, else ``numpy``.

    Variables are looked through to their data.

    >>> import numpy as np
    >>> get_array_module(np.ones(2)).__name__
    'numpy'
    """
    for x in args:
        if type(x) is numpy.ndarray:    # the common case, checked first for speed
            continue
        x = getattr(x, 'array', x)
        if _is_cupy_array(x):
            return _load_cupy()
    return numpy


def is_array(x):
    """True for numpy and cupy ndarrays."""
    return isinstance(x, numpy.ndarray) or _is_cupy_array(x)


def to_cpu(x):
    """Copy an array (or each array in a list/tuple) to host memory as numpy.

    >>> import numpy as np
    >>> to_cpu(np.arange(2))
    array([0, 1])
    """
    if isinstance(x, (list, tuple)):
        return type(x)(to_cpu(a) for a in x)
    if x is None or isinstance(x, numpy.ndarray):
        return x
    if _is_cupy_array(x):
        return x.get()
    return numpy.asarray(x)


def to_gpu(x, device=None):
    """Copy an array (or each array in a list/tuple) to the GPU as cupy.

    Raises a RuntimeError that says why when no GPU is usable.
    """
    if isinstance(x, (list, tuple)):
        return type(x)(to_gpu(a, device) for a in x)
    if x is None:
        return x
    cupy = _load_cupy()
    if not cupy:
        raise RuntimeError(
            'to_gpu() needs cupy and a CUDA GPU, and none is usable here. '
            'Install the GPU extra (pip install "teachgrad[gpu]") on a machine '
            'with an NVIDIA GPU, or keep working with numpy arrays on the CPU.')
    if device is None:
        return cupy.asarray(x)
    with cupy.cuda.Device(device):
        return cupy.asarray(x)


def scatter_add(xp, a, index, values):
    """``a[index] += values`` with repeated indices summed (numpy's ``add.at``)."""
    if hasattr(xp.add, 'at'):       # numpy, and cupy >= 13
        xp.add.at(a, index, values)
    else:
        import cupyx
        cupyx.scatter_add(a, index, values)


def get_dtype(dtype=None):
    """``numpy.dtype(dtype)``, or the default float dtype ``config.dtype`` for None.

    Initializers and data set getters call this, so setting
    ``teachgrad.config.dtype = 'float64'`` changes what they make.

    >>> import teachgrad
    >>> get_dtype(), get_dtype('float16')
    (dtype('float32'), dtype('float16'))
    >>> with teachgrad.using_config('dtype', numpy.float64):
    ...     get_dtype()
    dtype('float64')
    """
    if dtype is None:
        from teachgrad.configuration import config
        dtype = config.dtype
    return numpy.dtype(dtype)
