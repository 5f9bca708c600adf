"""Short tracebacks in IPython for errors that teachgrad raises.

teachgrad's errors say what was wrong and how to fix it, but a plain
traceback buries that message under every frame of the framework that led to
the ``raise`` (backward, the function node, the link...). In IPython and
Jupyter, importing teachgrad installs a handler that shows such an error with
the learner's own frames and the first teachgrad call only, the message right
below, and one line saying how many framework frames were left out.

Only errors raised inside teachgrad are shortened: an error in the learner's
own code (a ``lossfun`` that teachgrad called) keeps its full traceback.
``teachgrad.show_full_tracebacks(True)`` turns the shortening off.
"""
import os
import types

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_state = {'full': False}


def _in_teachgrad(tb):
    return os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(_PACKAGE)


def shortened(tb):
    """(traceback without the framework frames after the first teachgrad call, how many left out).

    Returns ``(tb, 0)`` unless the error was raised inside teachgrad.
    """
    frames = []
    while tb is not None:
        frames.append(tb)
        tb = tb.tb_next
    if not frames or not _in_teachgrad(frames[-1]):
        return (frames[0] if frames else None), 0
    first = len(frames) - 1
    while first > 0 and _in_teachgrad(frames[first - 1]):
        first -= 1
    keep = frames[:first + 1]
    rebuilt = None
    for old in reversed(keep):
        rebuilt = types.TracebackType(rebuilt, old.tb_frame, old.tb_lasti, old.tb_lineno)
    return rebuilt, len(frames) - len(keep)


def _handler(shell, etype, value, tb, tb_offset=None):
    short, hidden = (tb, 0) if _state['full'] else shortened(tb)
    stb = shell.InteractiveTB.structured_traceback(etype, value, short, tb_offset=tb_offset)
    if hidden:
        stb = list(stb) + ['({} frame{} inside teachgrad not shown; '
                           'teachgrad.show_full_tracebacks(True) shows them)'.format(
                               hidden, '' if hidden == 1 else 's')]
    shell._showtraceback(etype, value, stb)
    return stb


def install(shell=None):
    """Show teachgrad's errors short in ``shell`` (the running IPython, if any).

    Does nothing outside IPython, or when the shell already has a custom
    exception handler of someone else's.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, 'set_custom_exc'):
        return False
    if getattr(shell, 'custom_exceptions', ()) not in ((), (Exception,)):
        return False
    shell.set_custom_exc((Exception,), _handler)
    return True


def show_full_tracebacks(full=True):
    """Show every frame of an error raised inside teachgrad (``False``: the short form again).

    >>> show_full_tracebacks(True)
    >>> show_full_tracebacks(False)
    """
    _state['full'] = bool(full)
