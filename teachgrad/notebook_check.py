"""Check stored notebook outputs the way a reader compares them: numbers that agree, not bits.

A notebook checked with ``pytest --nbval`` is re-run and every output is
compared with the stored one, character for character. That fails on a
machine whose CPU sums a float32 array in another order (another BLAS kernel,
another processor): the last bit of a float moves, numpy prints ``1.4303401``
where ``1.43034`` was stored, pads the whole array to the new width, and a
plot's coordinates move in their sixth decimal.

This module is a pytest plugin (teachgrad installs it; ``pytest`` loads it
by itself) that adds one option to nbval::

    pytest --nbval --nbval-current-env --nbval-tolerance my_notebooks/

With ``--nbval-tolerance[=RTOL]`` two outputs are equal when

- the text between the numbers is the same, ignoring whitespace (numpy's
  padding), and
- each pair of numbers is close: ``|a - b| <= max(RTOL * max(|a|, |b|), ATOL)``
  with ``RTOL = 1e-4`` unless given and ``ATOL = RTOL / 100``; numbers written
  without a point or exponent on both sides (counts, epochs, shapes) must be
  equal exactly, and
- SVG pictures embedded in HTML as ``data:image/svg+xml;base64,...`` are
  decoded first, so their coordinates are compared as numbers too.

Everything else (a word, a shape, a changed digit in the fourth place)
still fails, with nbval's usual report.
"""
import base64
import math
import re

DEFAULT_RTOL = 1e-4

# A number standing on its own: not the tail of a name or hex id ("x1",
# "p3f2a"), not followed by letters ("10px" stays text).
_NUMBER = re.compile(r'(?<![\w.])-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])')
_SPACE = re.compile(r'\s+')
_SVG_DATA = re.compile(r'data:image/svg\+xml;base64,([A-Za-z0-9+/=\s]+)')


def _decoded(text):
    def decode(match):
        try:
            return 'data:image/svg+xml,' + base64.b64decode(match.group(1)).decode('utf-8')
        except (ValueError, UnicodeDecodeError):
            return match.group(0)
    return _SVG_DATA.sub(decode, text)


def _tokens(text):
    """[text, number, text, number, ..., text] with the whitespace removed from the texts."""
    text = _decoded(text)
    parts = []
    start = 0
    for match in _NUMBER.finditer(text):
        parts.append(_SPACE.sub('', text[start:match.start()]))
        parts.append(match.group(0))
        start = match.end()
    parts.append(_SPACE.sub('', text[start:]))
    return parts


def _numbers_close(a, b, rtol, atol):
    exact = not any(c in a + b for c in '.eE')
    if exact:
        return int(a) == int(b)
    x, y = float(a), float(b)
    return abs(x - y) <= max(rtol * max(abs(x), abs(y)), atol)


def outputs_match(stored, fresh, rtol=DEFAULT_RTOL):
    """Whether two output texts agree up to whitespace and close numbers.

    Args:
        stored (str): the output kept in the notebook.
        fresh (str): the output of the re-run.
        rtol (float): relative tolerance for numbers with a point or an
            exponent; the absolute tolerance is ``rtol / 100``.

    >>> outputs_match('variable([[-0.73991,  1.43034 ]])',
    ...               'variable([[-0.7399101,  1.4303401]])')
    True
    >>> outputs_match('loss 0.2513', 'loss 0.2613')
    False
    >>> outputs_match('epoch 10', 'epoch 10.00001'), outputs_match('epoch 10', 'epoch 11')
    (True, False)
    """
    if stored == fresh:
        return True
    a, b = _tokens(stored), _tokens(fresh)
    if len(a) != len(b):
        return False
    atol = rtol / 100
    for i, (x, y) in enumerate(zip(a, b)):
        if i % 2 == 0:
            if x != y:
                return False
        elif x != y and not _numbers_close(x, y, rtol, atol):
            return False
    return True


class _CloseText(str):
    """A string that nbval compares with ``outputs_match`` (and prints as itself)."""

    rtol = DEFAULT_RTOL

    def __eq__(self, other):
        if isinstance(other, str):
            return outputs_match(str(self), str(other), self.rtol)
        return NotImplemented

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__


def pytest_addoption(parser):
    group = parser.getgroup('nbval')
    group.addoption(
        '--nbval-tolerance', nargs='?', type=float, const=DEFAULT_RTOL, default=None,
        metavar='RTOL',
        help='(teachgrad) compare nbval outputs as a reader would: whitespace ignored, '
             'numbers equal within RTOL (default {}), embedded SVG decoded'.format(DEFAULT_RTOL))


def pytest_configure(config):
    rtol = config.getoption('nbval_tolerance', None)
    if rtol is None:
        return
    import pytest
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:
        raise pytest.UsageError('--nbval-tolerance works with nbval: pip install nbval')
    if not (math.isfinite(rtol) and 0 <= rtol < 1):
        raise pytest.UsageError('--nbval-tolerance takes a relative tolerance between 0 and 1, '
                                'such as 1e-4; got {}'.format(rtol))
    original = IPyNbCell.sanitize

    class Close(_CloseText):
        pass
    Close.rtol = rtol

    def sanitize(self, s):
        s = original(self, s)
        return Close(s) if isinstance(s, str) else s

    IPyNbCell.sanitize = sanitize
    config.add_cleanup(lambda: setattr(IPyNbCell, 'sanitize', original))
