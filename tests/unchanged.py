"""Proof that a failed operation changed nothing.

``Unchanged(model, optimizer, trainer, dirs=[tmp_path])`` records, before
the operation, the whole reachable state of each object (every array's
dtype, shape and bytes, every Parameter's data and grad, every optimizer
rule's t and state, every attribute and container entry) and every file
under each directory (bytes and mtime); ``assert_same()`` afterwards fails,
naming the first difference, if anything moved. numpy's global random state
is recorded too, so a failed lazy initialisation cannot draw numbers
unnoticed.

    with Unchanged(model, opt, dirs=[tmp_path]):
        with pytest.raises(SerializationError):
            serializers.load_npz(path, model)
"""
import os
import types

import numpy

from teachgrad import Variable

_OPAQUE = (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
           types.ModuleType, type)


def state(obj, _seen=None, _depth=0):
    """A comparable picture of everything reachable from ``obj``."""
    seen = {} if _seen is None else _seen
    if obj is None or isinstance(obj, (bool, int, float, complex, str, bytes)):
        return ('value', type(obj).__name__, repr(obj))
    if isinstance(obj, numpy.generic):
        return ('scalar', str(obj.dtype), obj.tobytes())
    if isinstance(obj, numpy.ndarray):
        return ('array', str(obj.dtype), obj.shape,
                obj.tobytes() if obj.dtype != object else repr(obj.tolist()))
    if isinstance(obj, _OPAQUE) or _depth > 60:
        return ('opaque', type(obj).__name__)
    if id(obj) in seen:
        return ('seen', seen[id(obj)])
    seen[id(obj)] = len(seen)
    down = lambda o: state(o, seen, _depth + 1)     # noqa: E731
    if isinstance(obj, Variable):
        rule = getattr(obj, 'update_rule', None)
        return ('variable', obj.name, down(obj.data), down(obj.grad),
                obj.requires_grad, down(rule))
    if isinstance(obj, dict):
        return ('dict', type(obj).__name__,
                [(repr(k), down(v)) for k, v in obj.items()])
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [down(v) for v in obj])
    if isinstance(obj, (set, frozenset)):
        return ('set', sorted(repr(v) for v in obj))
    d = getattr(obj, '__dict__', None)
    slots = [s for cls in type(obj).__mro__ for s in getattr(cls, '__slots__', ())
             if s not in ('__weakref__', '__dict__')]
    parts = [(k, down(v)) for k, v in sorted(d.items())] if isinstance(d, dict) else []
    parts += [(s, down(getattr(obj, s, None))) for s in slots]
    return ('object', type(obj).__name__, parts)


def files(directory):
    """``{relative path: (bytes, mtime_ns)}`` of every file under ``directory``."""
    out = {}
    for root, dirs, names in os.walk(directory):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(root, name)
            with open(path, 'rb') as f:
                out[os.path.relpath(path, directory)] = (f.read(), os.stat(path).st_mtime_ns)
    return out


def _first_difference(a, b, where='root'):
    if type(a) is not type(b):
        return where
    if isinstance(a, (tuple, list)):
        if len(a) != len(b):
            return '{} (length {} != {})'.format(where, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            label = x[0] if isinstance(x, tuple) and len(x) == 2 and \
                isinstance(x[0], str) else i
            found = _first_difference(x, y, '{}/{}'.format(where, label))
            if found:
                return found
        return None
    return None if a == b else where


class Unchanged:
    """Record objects and directories now; :meth:`assert_same` checks them later.

    Used as a context manager it checks on leaving the block (also when the
    block raises, so the check never hides the exception's own failure).
    """

    def __init__(self, *objects, dirs=()):
        self.objects = objects
        self.dirs = [os.fspath(d) for d in dirs]
        self.before = self._take()

    def _take(self):
        rng = numpy.random.get_state()
        return ([state(o) for o in self.objects],
                [files(d) for d in self.dirs],
                [sorted(os.listdir(d)) for d in self.dirs],
                (rng[0], rng[1].tobytes(), rng[2:]))

    def assert_same(self):
        after = self._take()
        objs, dir_files, listings, rng = self.before
        for i, (a, b) in enumerate(zip(objs, after[0])):
            where = _first_difference(a, b)
            assert where is None, 'object {} ({}) changed at {}'.format(
                i, type(self.objects[i]).__name__, where)
        for d, a, b in zip(self.dirs, listings, after[2]):
            assert a == b, 'the listing of {} changed: {} -> {}'.format(d, a, b)
        for d, a, b in zip(self.dirs, dir_files, after[1]):
            for name in a:
                assert a[name][0] == b[name][0], '{} changed its bytes'.format(name)
                assert a[name][1] == b[name][1], '{} changed its mtime'.format(name)
        assert rng == after[3], "numpy's random state changed"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.assert_same()
        return False
