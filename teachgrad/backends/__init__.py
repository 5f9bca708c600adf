"""Chainer's ``chainer.backends``: :mod:`teachgrad.backends.cuda` for the GPU.

The device objects themselves live in :mod:`teachgrad.backend`
(``CpuDevice``, ``GpuDevice``, ``get_device``).

>>> from teachgrad.backends import cuda
>>> cuda.get_array_module(cuda.to_cpu([1, 2])).__name__
'numpy'
"""
from teachgrad.backends import cuda  # NOQA
