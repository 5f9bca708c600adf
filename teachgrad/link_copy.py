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
