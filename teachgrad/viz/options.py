"""The defaults that ``_repr_svg_`` uses, changeable for the whole notebook.

>>> from teachgrad import viz
>>> viz.options.max_nodes
40
>>> viz.set_options(rankdir='LR')
>>> viz.options.rankdir
'LR'
>>> viz.set_options(rankdir='TB')
"""

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
        super().__setattr__(name, value)

    def __repr__(self):
        return 'Options({})'.format(', '.join(
            '{}={!r}'.format(k, getattr(self, k)) for k in _DEFAULTS))


def _check_name(name):
    if name not in _DEFAULTS:
        raise AttributeError(
            'teachgrad.viz has no option {!r}; the options are: {}.'.format(
                name, ', '.join(sorted(_DEFAULTS))))


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
    for name in changes:
        _check_name(name)
    for name, value in changes.items():
        setattr(options, name, value)
