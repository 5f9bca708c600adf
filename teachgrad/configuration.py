"""Global switches that change how functions behave (Chainer's ``chainer.config``).

>>> import teachgrad
>>> teachgrad.config.train
True
>>> with teachgrad.using_config('train', False):
...     teachgrad.config.train
False
"""
import contextlib


class Config:
    """The switches, one object for the whole process.

    teachgrad keeps a single configuration rather than Chainer's per-thread
    one: notebooks run in one thread, and reading a plain attribute keeps
    every function call cheap.
    """

    def __init__(self):
        self.train = True            # dropout and batch norm behave as in training
        self.enable_backprop = True  # record the graph so backward() can run
        self.type_check = True
        self.debug = False
        self.dtype = 'float32'       # default dtype for initializers

    def show(self):
        """Print every setting, one per line."""
        for key in sorted(vars(self)):
            print('{:<16} {}'.format(key, getattr(self, key)))


config = Config()
global_config = config


@contextlib.contextmanager
def using_config(name, value, config=config):
    """Set ``config.<name>`` to ``value`` inside a ``with`` block.

    >>> with using_config('enable_backprop', False):
    ...     pass
    """
    missing = object()
    old = getattr(config, name, missing)
    setattr(config, name, value)
    try:
        yield
    finally:
        if old is missing:
            delattr(config, name)
        else:
            setattr(config, name, old)


def no_backprop_mode():
    """Run forward without recording the graph (saves memory at test time).

    >>> import numpy as np, teachgrad
    >>> x = teachgrad.Variable(np.ones(2, 'f'))
    >>> with teachgrad.no_backprop_mode():
    ...     y = x * 2
    >>> y.creator is None
    True
    """
    return using_config('enable_backprop', False)


def force_backprop_mode():
    """Record the graph even inside :func:`no_backprop_mode`."""
    return using_config('enable_backprop', True)
