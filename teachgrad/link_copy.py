"""Copies of a link hierarchy: ``link.copy(mode)`` with its three modes.

``'share'`` makes new Parameter objects over the same arrays (what a
multi-GPU updater or an evaluator needs), ``'copy'`` an independent deep
copy, ``'init'`` a deep copy with freshly initialized parameters.

>>> import teachgrad.links as L
>>> a = L.Linear(2, 3)
>>> b = a.copy()
>>> b.W is a.W, b.W.data is a.W.data
(False, True)
"""
import copy as copy_module

import numpy


class LinkCopies:
    """The copy method of :class:`~teachgrad.Link`."""

    def copy(self, mode='share'):
        """A copy of this link hierarchy.

        ``'share'`` (default): new Parameter objects that share the arrays;
        ``'copy'``: an independent deep copy; ``'init'``: a deep copy with
        freshly initialized parameters. The copy has no name (it is not in any
        chain yet).
        """
        if mode == 'share':
            ret = copy_module.copy(self)
            object.__setattr__(ret, '_params', set(self._params))
            object.__setattr__(ret, '_persistent', set(self._persistent))
            object.__setattr__(ret, 'name', None)
            d = ret.__dict__
            for name in ret._params:
                d[name] = copy_module.copy(d[name])
                d[name].grad = None
            return ret
        if mode == 'copy':
            ret = copy_module.deepcopy(self)
        elif mode == 'init':
            ret = copy_module.deepcopy(self)
            for param in ret.params(include_uninit=False):
                param.initialize(param.shape)
                if ret.xp is not numpy:
                    param.to_gpu()
        else:
            raise ValueError("copy mode must be 'share', 'copy' or 'init', not {!r}"
                             .format(mode))
        object.__setattr__(ret, 'name', None)
        return ret

    def repeat(self, n_repeat, mode='init'):
        """A :class:`~teachgrad.Sequential` of ``n_repeat`` copies of this link.

        ``mode`` is how each copy is made (see :meth:`copy`): ``'init'`` gives
        every copy freshly initialized parameters, ``'copy'`` the same values
        but its own arrays, ``'share'`` the very same arrays in all copies.

        >>> import numpy as np
        >>> import teachgrad.links as L
        >>> np.random.seed(0)
        >>> blocks = L.Linear(3, 3).repeat(2)
        >>> [name for name, _ in blocks.namedparams()]
        ['/0/W', '/0/b', '/1/W', '/1/b']
        >>> bool((blocks[0].W.array == blocks[1].W.array).all())
        False
        >>> len(L.Linear(3, 3).repeat(0))
        0
        """
        from teachgrad.sequential import Sequential
        if mode not in ('init', 'copy', 'share'):
            raise ValueError("repeat mode must be 'init' (new parameters), 'copy' (same "
                             "values, own arrays) or 'share' (same arrays), not {!r}"
                             .format(mode))
        ret = Sequential()
        for _ in range(n_repeat):
            ret.append(self.copy(mode))
        return ret
