"""In IPython, an error raised inside teachgrad shows its teaching message near the top."""
import re

import pytest

IPython = pytest.importorskip('IPython')


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell
    import teachgrad._ipython as tip
    sh = InteractiveShell.instance(colors='nocolor')
    sh.set_custom_exc((), None)
    assert tip.install(sh)
    yield sh
    sh.set_custom_exc((), None)
    tip.show_full_tracebacks(False)


def _run(shell, capsys, code):
    shell.run_cell(code)
    return re.sub(r'\x1b\[[0-9;]*m', '', capsys.readouterr().out)


# A reshape to the wrong size: the error is raised a few frames deep in the function node.
CODE = '''
import numpy as np
import teachgrad.functions as F
from teachgrad import Variable
x = Variable(np.ones((2, 3), dtype=np.float32))
F.reshape(x, (4, 2))
'''


def test_error_raised_inside_teachgrad_shows_its_message_first(shell, capsys):
    out = _run(shell, capsys, CODE)
    assert 'inside teachgrad not shown' in out, out
    lines = out.splitlines()
    # the message: the first unindented line that names the shape
    message = [i for i, line in enumerate(lines) if re.match(r'\S.*\(2, 3\)', line)]
    assert message and message[0] < 25, out
    import teachgrad
    teachgrad.show_full_tracebacks(True)
    full = _run(shell, capsys, CODE)
    assert 'not shown' not in full and full.count('File ') + full.count('.py:') > out.count(
        'File ') + out.count('.py:')


def test_error_in_the_learners_own_code_keeps_its_traceback(shell, capsys):
    out = _run(shell, capsys, 'def f():\n    raise KeyError("mine")\nf()\n')
    assert 'mine' in out and 'not shown' not in out
