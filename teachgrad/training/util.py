"""Helpers shared by the trainer and its extensions."""
import os
import sys

from teachgrad.reporter import is_writer  # NOQA  (used by the extensions)


def get_trigger(trigger):
    """Turn what the user wrote into a trigger.

    A callable is used as is; ``None`` never fires; a tuple such as
    ``(1, 'epoch')`` or ``(100, 'iteration')`` becomes an
    :class:`~teachgrad.training.triggers.IntervalTrigger`.

    >>> get_trigger((2, 'epoch'))
    IntervalTrigger(2, 'epoch')
    """
    if callable(trigger):
        return trigger
    if trigger is None:
        return _never_fire
    from teachgrad.training.triggers.interval_trigger import IntervalTrigger
    try:
        period, unit = trigger
    except (TypeError, ValueError):
        raise TypeError(
            'a trigger must be a callable or a (period, unit) tuple such as '
            "(1, 'epoch') or (100, 'iteration'), not {!r}".format(trigger)) from None
    return IntervalTrigger(period, unit)


def _never_fire(trainer):
    return False


def in_notebook():
    """True when running inside a Jupyter kernel (IPython imported, ZMQ shell)."""
    if 'IPython' not in sys.modules:      # never import IPython just to ask
        return False
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except Exception:
        return False
    return shell is not None and type(shell).__name__ == 'ZMQInteractiveShell'


def is_terminal(stream):
    """True when ``stream`` is an interactive terminal that understands ``\\r``."""
    try:
        return stream.isatty() and os.environ.get('TERM') != 'dumb'
    except (AttributeError, ValueError):
        return False
