"""The defaults that ``_repr_svg_`` uses, changeable for the whole notebook.

>>> from teachgrad import viz
>>> viz.options.max_nodes
40
>>> viz.set_options(rankdir='LR')
>>> viz.options.rankdir
'LR'
>>> viz.set_options(rankdir='TB')
"""
import os

_DEFAULTS = {
    'show_values': True,     # print each variable's value in its box
    'show_grads': True,      # print the grad beside the value after backward
    'collapse_links': 'auto',  # fold each link call into one box: True, False or
                             # 'auto' (fold when the graph runs more than one link)
    'rankdir': 'TB',         # inputs at the top ('TB') or at the left ('LR')
    'max_nodes': 40,         # at most this many boxes; longer chains are folded
    'legend': False,         # add a box that explains the colours
    'max_elements': 16,      # arrays up to this size are printed in full
    'precision': 4,          # digits after the decimal point
    'timeout': 10.0,         # seconds Graphviz may take before it is stopped
    'executable': None,      # a Graphviz `dot` to use instead of searching for one
}


class Options:
    """Drawing defaults; read them as attributes, change them with :func:`set_options`."""

    def __init__(self):
        self.__dict__.update(_DEFAULTS)

    def __setattr__(self, name, value):
        _check_name(name)
        _check_value(name, value)
        super().__setattr__(name, value)

    def __repr__(self):
        return 'Options({})'.format(', '.join(
            '{}={!r}'.format(k, getattr(self, k)) for k in _DEFAULTS))


def _check_name(name):
    if name not in _DEFAULTS:
        raise AttributeError(
            'teachgrad.viz has no option {!r}; the options are: {}.'.format(
                name, ', '.join(sorted(_DEFAULTS))))


def _check_value(name, value):
    # Refused here, where it is set, rather than at the next picture.
    from teachgrad._checks import check_bool, check_real
    owner = 'viz.set_options'
    if name in ('show_values', 'show_grads', 'legend'):
        check_bool(owner, name, value)
    elif name == 'collapse_links':
        if value not in (True, False, 'auto') or not isinstance(value, (bool, str)):
            raise ValueError("{}: collapse_links must be True, False or 'auto', but got "
                             '{!r}.'.format(owner, value))
    elif name == 'rankdir':
        if value not in ('TB', 'LR', 'BT', 'RL'):
            raise ValueError("{}: rankdir must be 'TB' (top to bottom) or 'LR' (left to "
                             "right), or 'BT', 'RL'; but got {!r}.".format(owner, value))
    elif name in ('max_nodes', 'max_elements', 'precision'):
        check_real(owner, name, value, low=1 if name == 'max_nodes' else 0)
        if int(value) != value:
            raise ValueError('{}: {} must be a whole number, but got {!r}.'.format(
                owner, name, value))
    elif name == 'timeout' and value is not None:      # None: no time limit
        check_real(owner, name, value, low=0, low_open=True, allow_inf=True,
                   meaning='seconds Graphviz may take')
    elif name == 'executable':
        if value is not None and not isinstance(value, (str, os.PathLike)):
            raise TypeError('{}: executable must be a path (a str) or None, but got '
                            '{!r} (a {}).'.format(owner, value, type(value).__name__))


options = Options()


def set_options(**changes):
    """Change drawing defaults for every later picture.

    Any of: show_values, show_grads, collapse_links, rankdir, max_nodes, legend,
    max_elements, precision, timeout, executable. ``set_options(reset=True)``
    restores them all.

    >>> set_options(legend=True)
    >>> options.legend
    True
    >>> set_options(reset=True)
    >>> options.legend
    False
    """
    if changes.pop('reset', False):
        options.__dict__.update(_DEFAULTS)
    for name, value in changes.items():
        _check_name(name)
        _check_value(name, value)
    for name, value in changes.items():
        setattr(options, name, value)
