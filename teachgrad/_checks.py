"""Checking the numbers a learner hands over, where they are handed over.

A learning rate of ``'0.1'``, ``-0.1`` or ``nan`` would only fail (or
silently spoil the parameters) steps later, far from the line that set it.
:func:`check_real` refuses it at once and says which values are accepted;
:class:`CheckedAttribute` makes an attribute run that check on every
assignment, at construction and afterwards.

>>> check_real('SGD', 'lr', 0.1, low=0)
0.1
>>> check_real('SGD', 'lr', -0.1, low=0)
Traceback (most recent call last):
...
ValueError: SGD: lr must be a number in [0, inf), but got -0.1.
"""
import math
import numbers


def _interval(low, high, low_open, high_open):
    return '{}{}, {}{}'.format('(' if low_open else '[', _fmt(low), _fmt(high),
                               ')' if high_open else ']')


def _fmt(bound):
    if bound in (math.inf, -math.inf):
        return '-inf' if bound < 0 else 'inf'
    return repr(bound)


def check_real(owner, name, value, low=-math.inf, high=math.inf,
               low_open=False, high_open=False, meaning='', allow_inf=False):
    """Return ``value`` if it is a real number in the interval, else raise.

    Args:
        owner: what the value belongs to, for the message (``'SGD'``).
        name: the argument's name (``'lr'``).
        value: the value given.
        low, high: the accepted bounds.
        low_open, high_open: True excludes the bound itself.
        meaning: a few words on what the value does, added to the message.
        allow_inf: accept an infinite bound itself (``upper_bound=inf``).

    ``TypeError`` for a non-number (a string, an array, a bool), and
    ``ValueError`` for NaN or a number outside the interval.

    >>> check_real('Adam', 'beta1', 1.0, low=0, high=1, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: Adam: beta1 must be a number in [0, 1), but got 1.0.
    """
    if not allow_inf:
        low_open = low_open or low == -math.inf
        high_open = high_open or high == math.inf
    interval = _interval(low, high, low_open, high_open)
    hint = ' ({})'.format(meaning) if meaning else ''
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        example = ''
        if isinstance(value, str):
            try:
                example = ' Write the number without quotes: {}={}.'.format(
                    name, float(value))
            except ValueError:
                pass
        elif getattr(value, 'shape', None) is not None:
            example = ' For an array holding one number write {}=float(value).'.format(name)
        raise TypeError('{}: {}{} must be a number in {}, but got {!r} ({}).{}'.format(
            owner, name, hint, interval, value, _a(value), example))
    if value != value:
        raise ValueError('{}: {}{} must be a number in {}, but got nan: every '
                         'value computed from it would be NaN too.'.format(
                             owner, name, hint, interval))
    too_low = value < low or (low_open and value == low)
    too_high = value > high or (high_open and value == high)
    if too_low or too_high:
        raise ValueError('{}: {}{} must be a number in {}, but got {!r}.'.format(
            owner, name, hint, interval, value))
    return value


def check_bool(owner, name, value):
    """Return ``value`` if it is True or False (numpy's bools too), else raise.

    >>> check_bool('Adam', 'amsgrad', 'yes')
    Traceback (most recent call last):
    ...
    TypeError: Adam: amsgrad must be True or False, but got 'yes' (a str).
    """
    if value is True or value is False or type(value).__name__ == 'bool_':
        return value
    raise TypeError('{}: {} must be True or False, but got {!r} ({}).'.format(
        owner, name, value, _a(value)))


def _a(value):
    name = type(value).__name__
    return ('an ' if name[0] in 'aeiou' else 'a ') + name


class CheckedAttribute:
    """An attribute whose every assignment goes through :func:`check_real`.

    >>> class Hook:
    ...     rate = CheckedAttribute('rate', low=0)
    ...     def __init__(self, rate):
    ...         self.rate = rate
    >>> Hook(0.5).rate
    0.5
    >>> Hook(0.5).rate = -1
    Traceback (most recent call last):
    ...
    ValueError: Hook: rate must be a number in [0, inf), but got -1.
    """

    def __init__(self, name, **bounds):
        self.name = name
        self.bounds = bounds

    def __get__(self, obj, type=None):
        if obj is None:
            return self
        try:
            return obj.__dict__['_' + self.name]
        except KeyError:
            raise AttributeError(self.name) from None

    def __set__(self, obj, value):
        obj.__dict__['_' + self.name] = check_real(
            type(obj).__name__, self.name, value, **self.bounds)
