"""Save and load links, optimizers and trainers as NumPy ``.npz`` files.

Each value gets a key made of its path, like ``l1/W`` for a parameter or
``l1/W/v`` for MomentumSGD's velocity of that parameter; the file is a plain
zip of ``.npy`` arrays that ``numpy.load`` can read.

Loading never unpickles (``allow_pickle=False``), so a file from elsewhere
cannot run code. It first checks every key against the target: a key the
target needs but the file lacks, a key the file has but the target does not
know, or an array of another shape raises :class:`SerializationError`, which
lists each such key with both shapes, and the target is left exactly as it
was. Only then are the values copied in. If the copying pass still fails
(a value that the object's ``serialize`` cannot use, such as a log that is
not JSON), everything it changed is put back before the error is raised:
see :class:`_Undo`.

An uninitialized parameter (``L.Linear(2)`` before its first call) and any
other None are stored as the text ``'<None>'`` (Chainer pickles None, which
would need ``allow_pickle``).

>>> import io
>>> import numpy as np
>>> import teachgrad.links as L
>>> f = L.Linear(3, 2)
>>> buffer = io.BytesIO()
>>> save_npz(buffer, f)
>>> sorted(np.load(io.BytesIO(buffer.getvalue())).files)
['W', 'b']
"""
import os
import types
import zipfile
import zlib

import numpy

from teachgrad import backend
from teachgrad.serializer import Deserializer, Serializer

NONE_MARK = '<None>'


class SerializationError(KeyError, ValueError):
    """The file and the object being loaded do not match (keys or shapes).

    It is a KeyError (a key is missing, as in Chainer) and a ValueError (a
    value does not fit), so either ``except`` catches it.
    """

    def __str__(self):
        return str(self.args[0]) if self.args else ''


def _is_none(array):
    return (array.dtype.kind == 'U' and array.shape == ()
            and str(array[()]) == NONE_MARK)


def _describe(value):
    if value is None:
        return 'None (e.g. an uninitialized parameter)'
    if backend.is_array(value):
        return 'shape {} ({})'.format(value.shape, value.dtype)
    name = type(value).__name__
    return '{} {} ({!r})'.format('an' if name[0] in 'aeiou' else 'a', name, value)


class DictionarySerializer(Serializer):
    """Collect values into a flat dict ``{'l1/W': array, ...}`` (``target``).

    >>> import teachgrad.links as L
    >>> s = DictionarySerializer()
    >>> s.save(L.Linear(2, 1))
    >>> sorted(s.target)
    ['W', 'b']
    """

    def __init__(self, target=None, path=''):
        self.target = {} if target is None else target
        self.path = path

    def __getitem__(self, key):
        key = key.strip('/')
        return DictionarySerializer(self.target, self.path + key + '/')

    def __call__(self, key, value):
        full = self.path + key.lstrip('/')
        if value is None:
            array = numpy.array(NONE_MARK)
        else:
            # A copy: the saved snapshot must not change when training goes on.
            array = numpy.array(backend.to_cpu(value) if backend.is_array(value) else value)
            if array.dtype == object:
                raise TypeError(
                    'cannot save {!r}: a {} is neither an array, a number nor a '
                    'string'.format(full, type(value).__name__))
        self.target[full] = array
        return value


def save_npz(file, obj, compression=True):
    """Save ``obj`` (a link, an optimizer, a trainer...) to an ``.npz`` file.

    Args:
        file: a path or a binary file object.
        obj: anything with a ``serialize(serializer)`` method.
        compression: zip-compress the arrays (smaller, slower).
    """
    s = DictionarySerializer()
    s.save(obj)
    savez = numpy.savez_compressed if compression else numpy.savez
    if isinstance(file, (str, os.PathLike)):
        with open(file, 'wb') as f:
            savez(f, **s.target)
    else:
        savez(file, **s.target)


class _Context:
    """What the deserializers of one load share: keys read, problems found."""

    def __init__(self, check_only, undo=None):
        self.check_only = check_only
        self.visited = set()
        self.problems = []
        self.last_key = None       # the latest key read, named if a later step fails
        self.undo = undo


class _Undo:
    """What a loading pass may change, recorded first so that it can be put back.

    ``serialize`` methods rebind attributes (``self.t = serializer('t',
    self.t)``), fill containers (``self._summaries.clear()``), give a lazy
    parameter its array, and the loader copies into arrays in place. Before
    the pass, every object reachable from the target gets a shallow copy of
    its attributes (dicts, lists and sets a shallow copy of their items;
    parameters their data, grad and update rule); each array the loader is
    about to overwrite is copied just before. :meth:`restore` puts all of it
    back. Arrays, and lists longer than ``WALK_LIMIT`` (datasets), are copied
    but not walked into, so even a dataset of many examples costs one list copy.
    """
    WALK_LIMIT = 1000

    _SKIP = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
             types.MethodType, str, bytes, int, float, complex, bool, type(None))

    def __init__(self, root):
        from teachgrad.variable import Variable
        self._objects, self._arrays = [], []
        seen, stack = set(), [root]
        while stack:
            obj = stack.pop()
            if id(obj) in seen or isinstance(obj, self._SKIP) or backend.is_array(obj):
                continue
            seen.add(id(obj))
            if isinstance(obj, Variable):
                rule = getattr(obj, 'update_rule', None)
                self._objects.append((obj, (obj.data, obj.grad, rule)))
                stack.append(rule)
            elif isinstance(obj, dict):
                self._objects.append((obj, list(obj.items())))
                stack.extend(obj.values())
            elif isinstance(obj, (list, set)):
                self._objects.append((obj, list(obj)))
                if len(obj) <= self.WALK_LIMIT:
                    stack.extend(obj)
            elif isinstance(obj, tuple):
                if len(obj) <= self.WALK_LIMIT:
                    stack.extend(obj)
            elif isinstance(getattr(obj, '__dict__', None), dict):
                self._objects.append((obj, dict(obj.__dict__)))
                stack.extend(obj.__dict__.values())

    def before_copy(self, array):
        """Keep a copy of ``array``, which is about to be overwritten in place."""
        self._arrays.append((array, array.copy()))

    def restore(self):
        from teachgrad.variable import Variable
        for array, old in reversed(self._arrays):
            array[...] = old
        for obj, old in self._objects:
            if isinstance(obj, Variable):
                data, grad, rule = old
                if obj.data is not data:
                    obj.data = data
                obj._grad = grad        # exactly as it was, unchecked
                if hasattr(obj, 'update_rule'):
                    obj.update_rule = rule
            elif isinstance(obj, dict):
                obj.clear()
                obj.update(old)
            elif isinstance(obj, list):
                obj[:] = old
            elif isinstance(obj, set):
                obj.clear()
                obj.update(old)
            else:
                obj.__dict__.clear()
                obj.__dict__.update(old)


class NpzDeserializer(Deserializer):
    """Load values from a dict-like of arrays (what ``numpy.load`` returns).

    ``load(obj)`` checks everything first and changes nothing when any key
    is missing, unexpected or of another shape (see :func:`load_npz`). It
    runs ``obj.serialize`` twice: the checking pass returns every value it
    is given unchanged, so a ``serialize`` that passes the current value
    (``self.t = serializer('t', self.t)``) stays untouched by a failed load.

    Args:
        npz: mapping from keys to arrays.
        path: prefix of the keys to read, e.g. ``'updater/model:main/'``.
        strict: False skips keys the file lacks and ignores extra keys.
        ignore_names: keys (without the path) to skip, or a function
            ``name -> bool``.
    """

    def __init__(self, npz, path='', strict=True, ignore_names=None, _context=None):
        self.npz = npz
        self.path = path
        self.strict = strict
        if ignore_names is not None and not callable(ignore_names):
            ignore_names = set([ignore_names] if isinstance(ignore_names, str)
                               else ignore_names)
        self.ignore_names = ignore_names
        self._context = _context

    def __getitem__(self, key):
        key = key.strip('/')
        return NpzDeserializer(self.npz, self.path + key + '/', self.strict,
                               self.ignore_names, self._context)

    def load(self, obj):
        """Check every value ``obj`` asks for, then (if all fit) load them."""
        if self._context is not None:        # a part of a load already running
            obj.serialize(self)
            return
        # The checking pass hands back the current values, but a serialize
        # method may still change something on its way (a state dict it
        # builds, a list it clears): whatever it did is put back.
        undo = _Undo(obj)
        check = _Context(check_only=True)
        try:
            obj.serialize(self._with_context(check))
        except Exception as e:
            undo.restore()
            _unusable(obj, check, e)
        undo.restore()
        if self.strict:
            for key in sorted(self.npz.keys()):
                if (key.startswith(self.path) and key not in check.visited
                        and not self._ignored(key)):
                    check.problems.append(
                        '{!r}: the file has {} but {} has no such entry'.format(
                            key, _describe(self._read(key)), type(obj).__name__))
        if check.problems:
            raise SerializationError(
                'cannot load into {}: the file does not match it, so nothing was '
                'changed.\n  {}\nWas the file saved from a model built the same way? '
                'load_npz(..., strict=False) skips missing and extra keys.'.format(
                    type(obj).__name__, '\n  '.join(check.problems)))
        run = _Context(check_only=False, undo=undo)
        try:
            obj.serialize(self._with_context(run))
        except BaseException as e:
            undo.restore()
            if not isinstance(e, Exception):
                raise
            _unusable(obj, run, e)

    def _with_context(self, context):
        return NpzDeserializer(self.npz, self.path, self.strict, self.ignore_names, context)

    def _ignored(self, full):
        names = self.ignore_names
        if names is None:
            return False
        return names(full) if callable(names) else full in names

    def _read(self, full):
        try:
            return self.npz[full]
        except ValueError as e:   # numpy refuses object arrays without allow_pickle
            raise SerializationError(
                '{!r} holds a pickled Python object, and teachgrad never unpickles '
                '(it could run code). ({})'.format(full, e)) from None

    def has_key(self, key):
        """True if the file has ``key`` under this serializer's path."""
        return self.path + key.lstrip('/') in self.npz

    def _problem(self, message):
        ctx = self._context
        if ctx is None or not ctx.check_only:
            raise SerializationError(message)
        ctx.problems.append(message)

    def __call__(self, key, value):
        full = self.path + key.lstrip('/')
        ctx = self._context
        check_only = ctx is not None and ctx.check_only
        if ctx is not None:
            ctx.visited.add(full)
            ctx.last_key = full
        if self._ignored(full):
            return value
        if full not in self.npz:
            if self.strict:
                self._problem('{!r}: {} needs {} but the file has no such key'.format(
                    full, 'the target', _describe(value)))
            return value
        data = self._read(full)
        if _is_none(data):
            return value if check_only else None
        if value is None:
            return value if check_only else numpy.array(data)
        if backend.is_array(value):
            if value.shape != data.shape:
                self._problem('{!r}: the target has shape {} but the file has shape {}'
                              .format(full, value.shape, data.shape))
            elif not numpy.can_cast(data.dtype, value.dtype, 'same_kind'):
                self._problem('{!r}: the target has dtype {} and the file {}, which '
                              'cannot be converted'.format(full, value.dtype, data.dtype))
            if check_only:
                return value
            if ctx is not None and ctx.undo is not None:
                ctx.undo.before_copy(value)
            if isinstance(value, numpy.ndarray):
                numpy.copyto(value, data)
            else:
                value.set(numpy.asarray(data, dtype=value.dtype))
            return value
        # A Python number, bool or string (t, epoch, an iterator's position...).
        if data.size != 1:
            self._problem('{!r}: the target has {} but the file has shape {}'.format(
                full, _describe(value), data.shape))
            return value
        try:
            loaded = _convert(data, value)
        except (TypeError, ValueError) as e:
            self._problem('{!r}: {}'.format(full, e))
            return value
        return value if check_only else loaded


def _unusable(obj, context, error):
    """Raise the error of a load whose changes were put back."""
    if isinstance(error, SerializationError) or context.last_key is None:
        raise error         # (nothing read yet: about the object, not the file)
    raise SerializationError(
        'cannot load into {}: {}the file\'s value could not be used ({}: {}), so '
        'nothing was changed. Was the file written by teachgrad\'s save_npz from an '
        'object of the same kind?'.format(
            type(obj).__name__,
            'after reading {!r}, '.format(context.last_key) if context.last_key else '',
            type(error).__name__, error)) from error


def _convert(data, value):
    """The file's one-element array ``data`` as a value of ``value``'s type."""
    kind = data.dtype.kind
    text = kind in 'US'
    item = str(data.reshape(())[()]) if text else data.reshape(()).item()
    if isinstance(value, str):
        if not text:
            raise TypeError('the target has text but the file has a number ({!r})'
                            .format(item))
        return item
    if text:
        raise TypeError('the target has {} but the file has the text {!r}'
                        .format(_describe(value), item[:40]))
    if kind in 'fc' and isinstance(value, int) and not isinstance(value, bool):
        raise TypeError('the target has an int but the file has {}'.format(data.dtype))
    return type(value)(item)


def load_npz(file, obj, path='', strict=True, ignore_names=None):
    """Load ``obj`` (a link, an optimizer, a trainer...) from an ``.npz`` file.

    Everything is checked before anything changes: a missing key, an
    unexpected key or a shape mismatch raises :class:`SerializationError`
    naming each key and both shapes, and ``obj`` stays as it was.

    Args:
        file: a path or a binary file object.
        obj: the object to fill; it must have the same structure as the saved one.
        path: read only keys under this prefix (e.g. a model inside a
            trainer snapshot: ``'updater/model:main/'``).
        strict: False skips keys the file lacks and ignores extra ones.
        ignore_names: keys (without ``path``) to skip, or a function.
    """
    if isinstance(file, (str, os.PathLike)):
        # Opened here, so the file is closed even when numpy gives up halfway
        # (a truncated archive would otherwise stay open with the traceback).
        with open(file, 'rb') as f:
            arrays = _read_npz(f, os.fspath(file))
    else:
        arrays = _read_npz(file, 'the file object')
    NpzDeserializer(arrays, path=path, strict=strict, ignore_names=ignore_names).load(obj)


_HOW_TO_MAKE = ('An npz archive is what serializers.save_npz(path, model) writes '
                '(numpy.savez makes one too).')


def _read_npz(f, name):
    """Every array of the npz archive open in ``f``, read without unpickling."""
    start = f.tell()
    magic = f.read(16)
    f.seek(start)
    if magic.startswith(b'\x93NUMPY'):
        raise SerializationError(
            '{} is a single .npy array (numpy.save), not an npz archive of named '
            'arrays, so there is nothing to match to the parameters. {}'.format(
                name, _HOW_TO_MAKE))
    if not magic.startswith(b'PK'):
        raise SerializationError(
            '{} is not an npz archive (a zip of .npy arrays): it starts with {!r}. '
            'Is it a text file, or a file of another kind? {}'.format(
                name, magic, _HOW_TO_MAKE))
    try:
        with numpy.load(f, allow_pickle=False) as npz:
            arrays = {}
            for key in npz.files:
                try:
                    arrays[key] = npz[key]
                except ValueError as e:
                    if 'pickle' not in str(e):
                        raise
                    raise SerializationError(
                        '{!r} holds a pickled Python object, and teachgrad never '
                        'unpickles (it could run code). Save arrays, numbers and '
                        'strings only.'.format(key)) from None
    except SerializationError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as e:
        raise SerializationError(
            '{} is a damaged or truncated npz archive ({}: {}), so nothing was '
            'loaded. Was it copied completely? Save it again with '
            'serializers.save_npz.'.format(name, type(e).__name__, e)) from None
    return arrays
