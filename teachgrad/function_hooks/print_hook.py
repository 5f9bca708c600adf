"""PrintHook: print what goes into every function, forward and backward."""
import sys

from teachgrad import backend
from teachgrad.function_hook import FunctionHook


def _describe(array, what='data'):
    if array is None:
        return '- {}: None'.format(what)
    xp = backend.get_array_module(array)
    lines = ['- {} shape: {}'.format(what, tuple(array.shape)),
             '- {} dtype: {}'.format(what, array.dtype)]
    if array.size and array.dtype.kind in 'fiub':
        lines.append('- {} statistics: mean={:.8f}, std={:.8f}'.format(
            what, float(xp.mean(array)), float(xp.std(array))))
    return '\n'.join(lines)


class PrintHook(FunctionHook):
    """Print each function's label and its inputs (and output grads in backward).

    Printed just before each forward and backward runs; statistics are mean
    and standard deviation, so large arrays stay one line each.

    Args:
        sep: ignored (kept so Chainer code that passes it runs).
        end (str): what ends each printed line.
        file: where to print (``sys.stdout`` by default).
        flush (bool): flush ``file`` after each function.

    >>> import numpy as np
    >>> import teachgrad.functions as F
    >>> from teachgrad import Variable
    >>> x = Variable(np.array([1., 3.], dtype=np.float32))
    >>> with PrintHook():
    ...     y = F.sum(x * 2)
    function	* 2
    input data
    - data shape: (2,)
    - data dtype: float32
    - data statistics: mean=2.00000000, std=1.00000000
    function	sum
    input data
    - data shape: (2,)
    - data dtype: float32
    - data statistics: mean=4.00000000, std=2.00000000
    """
    name = 'PrintHook'

    def __init__(self, sep=None, end='\n', file=None, flush=True):
        self.sep = sep
        self.end = end
        self.file = file
        self.flush = flush

    def _print(self, msg):
        # sys.stdout looked up at print time, so doctest and notebooks capture it
        (self.file or sys.stdout).write(msg + self.end)

    def _process(self, function, in_data, out_grad=None):
        self._print('function\t{}'.format(function.label))
        self._print('input data')
        for d in in_data:
            self._print('(removed)' if d is None else _describe(d))
        if out_grad is not None:
            self._print('output gradient')
            for g in out_grad:
                self._print(_describe(g, 'grad'))
        out = self.file or sys.stdout
        if self.flush and hasattr(out, 'flush'):
            out.flush()

    def forward_preprocess(self, function, in_data):
        self._process(function, in_data)

    def backward_preprocess(self, function, in_data, out_grad):
        self._process(function, in_data, out_grad)
