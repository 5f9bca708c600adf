"""Snapshot writers: how :func:`~teachgrad.training.extensions.snapshot` puts a file on disk.

The snapshot extension decides *what* to save and *when*; its writer decides
*how*:

- :class:`SimpleWriter` saves right away, inside the training loop (the default);
- :class:`ThreadWriter` and :class:`ProcessWriter` save in a background thread
  or process while training goes on; a new snapshot first waits for the
  previous one, so at most one save runs at a time;
- :class:`ThreadQueueWriter` and :class:`ProcessQueueWriter` put each snapshot
  on a queue that one background worker writes out in order; the training
  loop never waits, and :meth:`~QueueWriter.finalize` writes what is left.

Every writer saves atomically (:meth:`Writer.save`): the file is written into
a temporary folder beside its final place and then renamed in one step, so
nobody ever sees half a snapshot, and a save that fails leaves the files that
were there before exactly as they were.

A background writer first copies the target into a dict of numpy arrays
(the keys and values :func:`~teachgrad.serializers.save_npz` writes), in the
training loop, at the moment of the call: the file then holds the parameters
of that moment even though training goes on changing them. The trainer calls
``finalize()`` when training ends, which waits for every write; a failure in
the background is raised in the training loop, at the next snapshot or at
``finalize()``, and names the file.

>>> import os, shutil, tempfile
>>> import numpy as np
>>> import teachgrad.links as L
>>> from teachgrad import serializers
>>> out = tempfile.mkdtemp()
>>> model = L.Linear(3, 2)
>>> writer = ThreadQueueWriter()
>>> writer('model.npz', out, model)      # queued; training would go on here
>>> writer.finalize()                    # waits until everything queued is written
>>> os.listdir(out)
['model.npz']
>>> copy = L.Linear(3, 2)
>>> serializers.load_npz(os.path.join(out, 'model.npz'), copy)
>>> bool((copy.W.data == model.W.data).all())
True
>>> shutil.rmtree(out)
"""
import atexit
import glob
import multiprocessing
import multiprocessing.util  # NOQA  (its exit hook must be registered before ours)
import os
import pickle
import queue
import shutil
import sys
import tempfile
import threading
import traceback
import weakref

from teachgrad.serializers import npz

# The multiprocessing start method of the process writers; None is the
# platform's default ('fork' on Linux, 'spawn' on macOS and Windows). What
# they send to their worker is a dict of numpy arrays and a picklable
# savefun, so every start method works.
_process_start_method = None


def _context():
    return multiprocessing.get_context(_process_start_method)


class Writer:
    """Base class of snapshot writers.

    The snapshot extension calls ``writer(filename, outdir, target)`` for
    every snapshot, ``writer.initialize(outdir)`` before training and
    ``writer.finalize()`` after it. A subclass defines ``__call__`` and
    usually calls :meth:`save`, which does the atomic writing.

    Args:
        fs: a file system object, for Chainer (pytorch-pfn-extras) code that
            passes one. Writers here only use the local file system, so it
            must be None.

    >>> import os, shutil, tempfile
    >>> class CountingWriter(Writer):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.count = 0
    ...     def __call__(self, filename, outdir, target):
    ...         self.count += 1
    ...         self.save(filename, outdir, target, write_text)
    >>> def write_text(path, target):
    ...     with open(path, 'w') as f:
    ...         f.write(target)
    >>> out = tempfile.mkdtemp()
    >>> w = CountingWriter()
    >>> w('note.txt', out, 'hello')
    >>> w.count, os.listdir(out)
    (1, ['note.txt'])
    >>> shutil.rmtree(out)
    """

    def __init__(self, fs=None):
        if fs is not None:
            raise ValueError(
                'teachgrad snapshot writers write to the local file system only, '
                'so fs must be None (got a {}). Save to a local folder, e.g. '
                "Trainer(..., out='result'), and copy the files where they "
                'should go after training.'.format(type(fs).__name__))
        self.outdir = None

    def __call__(self, filename, outdir, target):
        """Write ``target`` as ``outdir/filename`` (a subclass says how)."""
        raise NotImplementedError(
            '{} derives from Writer but does not define __call__(filename, outdir, '
            'target); write one that calls self.save(filename, outdir, target, '
            'savefun), or use SimpleWriter'.format(type(self).__name__))

    def initialize(self, outdir):
        """Called before training with the output directory (``trainer.out``).

        The base class only remembers it: a later call with ``outdir=None``
        writes there.
        """
        self.outdir = outdir

    def finalize(self):
        """Called when training ends: wait for writes still in progress (none here)."""

    def save(self, filename, outdir, target, savefun, append=False, **kwds):
        """Run ``savefun(path, target, **kwds)`` and move the file into place atomically.

        ``savefun`` writes into a fresh temporary folder beside the final
        file, under the final name (so a saver that adds or checks a file
        extension behaves as usual); the file is then renamed over
        ``outdir/filename`` in one step. When ``savefun`` raises, the
        temporary folder is removed, any output folder this call created is
        removed again, and the error is raised: the disk is as it was.

        Args:
            filename (str): the file name (it may contain sub-folders).
            outdir (str): the output directory (``None``: the one given
                to :meth:`initialize`).
            target: what to save, handed to ``savefun`` unchanged (a plain
                dict of arrays, as Chainer's writers pass, can be saved by
                :func:`~teachgrad.serializers.save_npz` too).
            savefun: ``savefun(path, target, **kwds)``.
            append (bool): start from a copy of the existing file, for a
                ``savefun`` that appends to it; the copy is renamed into
                place only when the append succeeds.
        """
        if outdir is None:
            outdir = self.outdir
        if outdir is None:
            raise ValueError(
                'save() needs the output directory: pass outdir, or call '
                'initialize(outdir) first (the snapshot extension passes trainer.out)')
        _save_atomically(filename, outdir, target, savefun, append, kwds)


class SimpleWriter(Writer):
    """Save in the training loop, right away: the default writer of ``snapshot``.

    Args:
        savefun: ``savefun(path, target, **kwds)``; by default
            :func:`~teachgrad.serializers.save_npz`.
        fs: must be None (see :class:`Writer`).
        kwds: passed on to ``savefun`` (e.g. ``compression=False``).

    >>> import os, shutil, tempfile
    >>> import teachgrad.links as L
    >>> out = tempfile.mkdtemp()
    >>> SimpleWriter(compression=False)('linear.npz', out, L.Linear(2, 2))
    >>> os.listdir(out)
    ['linear.npz']
    >>> shutil.rmtree(out)
    """

    def __init__(self, savefun=npz.save_npz, fs=None, **kwds):
        super().__init__(fs)
        self._savefun = _checked_savefun(savefun, type(self).__name__)
        self._kwds = kwds

    def __call__(self, filename, outdir, target):
        self.save(filename, outdir, target, self._savefun, **self._kwds)


class StandardWriter(Writer):
    """Base class of writers that save each snapshot in a new background worker.

    ``__call__`` first waits for the previous worker (so at most one save
    runs at a time, and a failure of it is raised here), copies the target
    (see :func:`_freeze`), then starts a worker made by
    :meth:`create_worker`. :meth:`finalize` waits for the last one.

    Args:
        savefun: ``savefun(path, target, **kwds)``; default
            :func:`~teachgrad.serializers.save_npz`.
        fs: must be None (see :class:`Writer`).
        kwds: passed on to ``savefun``.
    """

    def __init__(self, savefun=npz.save_npz, fs=None, **kwds):
        super().__init__(fs)
        self._savefun = _checked_savefun(savefun, type(self).__name__)
        self._kwds = kwds
        self._worker = None

    def __call__(self, filename, outdir, target):
        self._wait()
        if outdir is None:
            outdir = self.outdir
        worker = self.create_worker(filename, outdir, _freeze(target), **self._kwds)
        worker.filename, worker.outdir = filename, outdir
        worker.start()
        self._worker = worker

    def create_worker(self, filename, outdir, target, **kwds):
        """A worker (with ``start()`` and ``join()``) that saves one snapshot.

        After ``join()`` its ``error`` attribute is None, or what went wrong
        (an exception, or a text).
        """
        raise NotImplementedError(
            '{} must define create_worker(filename, outdir, target, **kwds), '
            'as ThreadWriter and ProcessWriter do'.format(type(self).__name__))

    def finalize(self):
        """Wait for the save in progress; raise its error if it failed."""
        self._wait()

    def _wait(self):
        worker, self._worker = self._worker, None
        if worker is None:
            return
        worker.join()
        error = getattr(worker, 'error', None)
        if error is not None:
            _raise_failures(self, [(worker.filename, worker.outdir, error)])


class _ThreadWorker(threading.Thread):
    def __init__(self, writer, filename, outdir, target, savefun, kwds):
        super().__init__(name='teachgrad-snapshot-{}'.format(filename))
        self._job = writer, filename, outdir, target, savefun, kwds
        self.error = None

    def run(self):
        writer, filename, outdir, target, savefun, kwds = self._job
        try:
            writer.save(filename, outdir, target, savefun, **kwds)
        except Exception as e:
            self.error = e


class ThreadWriter(StandardWriter):
    """Save each snapshot in a new background thread while training goes on.

    The thread shares memory with training, so the target is copied first
    (in the training loop); the file holds the values of that moment.

    >>> import os, shutil, tempfile
    >>> import teachgrad.links as L
    >>> out = tempfile.mkdtemp()
    >>> writer = ThreadWriter()
    >>> writer('linear.npz', out, L.Linear(2, 2))    # returns at once
    >>> writer.finalize()                             # waits for the thread
    >>> os.listdir(out)
    ['linear.npz']
    >>> shutil.rmtree(out)
    """

    def create_worker(self, filename, outdir, target, **kwds):
        return _ThreadWorker(self, filename, outdir, target, self._savefun, kwds)


class _ProcessWorker:
    """A child process that saves one snapshot and reports back through a pipe."""

    def __init__(self, filename, outdir, target, savefun, kwds):
        context = _context()
        self._receive, self._send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_save_in_child,
            args=(self._send, filename, outdir, target, savefun, kwds),
            name='teachgrad-snapshot-{}'.format(filename))
        self.filename, self.outdir = filename, outdir
        self.error = None

    def start(self):
        try:
            self._process.start()
        except Exception as e:
            self._receive.close()
            raise TypeError(
                'ProcessWriter could not hand the snapshot to a new process ({}: {}). '
                'The target must be a link, an optimizer or a trainer (these are '
                'turned into arrays first), or else picklable; ThreadWriter needs '
                'neither.'.format(type(e).__name__, e)) from e
        finally:
            # The child holds its own end: once it exits, recv() ends too.
            self._send.close()

    def join(self):
        try:
            # Read before joining: a child blocked on a full pipe never exits.
            self.error = self._receive.recv()
        except EOFError:            # it died without a word (killed, out of memory)
            self._process.join()
            self.error = ('the worker process ended (exit code {}) before it '
                          'reported'.format(self._process.exitcode))
            _remove_leftovers(self.filename, self.outdir)
        self._process.join()
        self._receive.close()


def _save_in_child(send, filename, outdir, target, savefun, kwds):
    try:
        _save_atomically(filename, outdir, target, savefun, False, kwds)
        send.send(None)
    except BaseException as e:
        send.send(_describe_in_child(e))
    finally:
        send.close()


class ProcessWriter(StandardWriter):
    """Save each snapshot in a new background process while training goes on.

    A process has its own memory (and its own interpreter lock, so it does
    not slow the training thread), so what it saves must travel to it.
    Handing it the live trainer would need every object of the training run
    to be picklable, and under ``fork`` a child could still see parameters
    that training is changing, or CUDA memory it cannot use. So the target
    is turned into a dict of numpy arrays in the training loop first (on
    the CPU, at the moment of the call); the child only writes that dict.
    ``savefun`` travels too, so it must be picklable: a function defined at
    the top level of a module, not a lambda.

    >>> import os, shutil, tempfile
    >>> import teachgrad.links as L
    >>> out = tempfile.mkdtemp()
    >>> writer = ProcessWriter()
    >>> writer('linear.npz', out, L.Linear(2, 2))
    >>> writer.finalize()
    >>> os.listdir(out)
    ['linear.npz']
    >>> shutil.rmtree(out)
    """

    def __init__(self, savefun=npz.save_npz, fs=None, **kwds):
        super().__init__(savefun, fs, **kwds)
        _check_picklable(type(self).__name__, savefun=savefun, **kwds)

    def create_worker(self, filename, outdir, target, **kwds):
        return _ProcessWorker(filename, outdir, target, self._savefun, kwds)


class QueueWriter(Writer):
    """Base class of writers whose snapshots wait in a queue for one worker.

    ``__call__`` copies the target (in the training loop) and puts
    ``(task, filename, outdir, target)`` on the queue; one consumer started
    on the first call takes them in order and runs
    ``task(filename, outdir, target)``. The training loop never waits for
    a save; :meth:`finalize` writes everything still queued, stops the
    consumer and raises any failure.

    Args:
        savefun: given to :meth:`create_task` when ``task`` is None.
        fs: must be None (see :class:`Writer`).
        task: ``task(filename, outdir, target)`` that does the saving;
            default ``SimpleWriter(savefun)``.
    """

    def __init__(self, savefun=npz.save_npz, fs=None, task=None):
        super().__init__(fs)
        if task is None:
            task = self.create_task(_checked_savefun(savefun, type(self).__name__))
        elif not callable(task):
            raise TypeError('{}: task must be callable as task(filename, outdir, '
                            'target), e.g. a SimpleWriter; got a {}'.format(
                                type(self).__name__, type(task).__name__))
        self._task = task
        self._queue = self._results = self._consumer = None
        self._pending = []              # (filename, outdir) queued, not reported yet

    def __call__(self, filename, outdir, target):
        if self._consumer is not None and not self._consumer_alive():
            self.finalize()         # it died: report what it never wrote; restart
        self._collect(block=False)
        if outdir is None:
            outdir = self.outdir
        item = self._pack((self._task, filename, outdir, _freeze(target)))
        if self._consumer is None:
            self._queue = self.create_queue()
            self._results = self._create_results_queue()
            self._consumer = self.create_consumer(self._queue)
            self._consumer.start()
            _unfinished.add(self)
        self._pending.append((filename, outdir))
        self._queue.put(item)

    def create_task(self, savefun):
        """What each queued snapshot runs: ``SimpleWriter(savefun)``."""
        return SimpleWriter(savefun=savefun)

    def create_queue(self):
        """The queue of snapshots waiting to be written."""
        raise NotImplementedError('{} must define create_queue()'.format(
            type(self).__name__))

    def create_consumer(self, q):
        """The worker (with ``start()`` and ``join()``) that empties ``q``."""
        raise NotImplementedError('{} must define create_consumer(q)'.format(
            type(self).__name__))

    def consume(self, q):
        """Write the snapshots on ``q`` in order until a ``None`` arrives."""
        _consume(q, self._results, False)

    def finalize(self):
        """Write everything still queued, stop the worker, raise what failed."""
        if self._consumer is None:
            return
        self._queue.put(None)
        try:
            self._collect(block=True)
        finally:
            self._consumer.join()
            self._close_queues()
            self._queue = self._results = self._consumer = None
            _unfinished.discard(self)

    def _pack(self, item):
        return item

    def _close_queues(self):
        pass

    def _create_results_queue(self):
        return queue.Queue()

    def _consumer_alive(self):
        return self._consumer.is_alive()

    def _collect(self, block):
        """Take the consumer's reports (one per snapshot); raise the failures."""
        failures = []
        while self._pending:
            try:
                report = self._results.get(block=block, timeout=0.2 if block else None)
            except queue.Empty:
                if not block:
                    break
                if self._consumer_alive():
                    continue
                try:        # its last report may still be on its way
                    report = self._results.get(timeout=1.0)
                except queue.Empty:
                    for name, outdir in self._pending:
                        _remove_leftovers(name, outdir)
                    failures.extend(
                        (name, outdir, 'the worker stopped before writing it')
                        for name, outdir in self._pending)
                    self._pending = []
                    break
            filename, outdir = self._pending.pop(0)
            if report is not None:
                failures.append((filename, outdir, report))
        if failures:
            _raise_failures(self, failures)


def _consume(q, results, unpickle):
    while True:
        item = q.get()
        if item is None:
            return
        try:
            if unpickle:
                item = pickle.loads(item)
            task, filename, outdir, target = item
            task(filename, outdir, target)
            results.put(None)
        except Exception as e:
            results.put(_describe_in_child(e) if unpickle else e)


class ThreadQueueWriter(QueueWriter):
    """Queue the snapshots; one background thread writes them in order.

    >>> import os, shutil, tempfile
    >>> import teachgrad.links as L
    >>> out = tempfile.mkdtemp()
    >>> writer = ThreadQueueWriter()
    >>> for name in ['a.npz', 'b.npz']:
    ...     writer(name, out, L.Linear(2, 2))
    >>> writer.finalize()
    >>> sorted(os.listdir(out))
    ['a.npz', 'b.npz']
    >>> shutil.rmtree(out)
    """

    def create_queue(self):
        return queue.Queue()

    def create_consumer(self, q):
        # A daemon, because it waits on the queue forever when nobody calls
        # finalize(); the exit hook below still writes what is queued.
        return threading.Thread(target=self.consume, args=(q,), daemon=True,
                                name='teachgrad-snapshot-queue')


class ProcessQueueWriter(QueueWriter):
    """Queue the snapshots; one background process writes them in order.

    Each snapshot is turned into a dict of numpy arrays and pickled in the
    training loop (see :class:`ProcessWriter` for why), so a target that
    cannot travel fails at once, where it was made. ``savefun`` (or
    ``task``) is pickled too: use a top-level function, not a lambda.

    >>> import os, shutil, tempfile
    >>> import teachgrad.links as L
    >>> out = tempfile.mkdtemp()
    >>> writer = ProcessQueueWriter()
    >>> for name in ['a.npz', 'b.npz']:
    ...     writer(name, out, L.Linear(2, 2))
    >>> writer.finalize()
    >>> sorted(os.listdir(out))
    ['a.npz', 'b.npz']
    >>> shutil.rmtree(out)
    """

    def __init__(self, savefun=npz.save_npz, fs=None, task=None):
        super().__init__(savefun, fs, task)
        if isinstance(self._task, SimpleWriter):
            _check_picklable(type(self).__name__, savefun=self._task._savefun)
        else:
            _check_picklable(type(self).__name__, task=self._task)

    def create_queue(self):
        return _context().Queue()

    def _create_results_queue(self):
        return _context().Queue()

    def create_consumer(self, q):
        return _context().Process(target=_consume, args=(q, self._results, True),
                                  daemon=True, name='teachgrad-snapshot-queue')

    def consume(self, q):
        _consume(q, self._results, True)

    def _close_queues(self):
        # The consumer has ended, so nobody reads these any more; without
        # cancel_join_thread an exiting interpreter would wait for ever on a
        # queue's feeder thread that still holds data for a dead worker.
        for q in (self._queue, self._results):
            q.close()
            q.cancel_join_thread()

    def _pack(self, item):
        # Pickled here rather than by the queue's feeder thread: a failure
        # there would only be printed, and the snapshot silently lost.
        try:
            return pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as e:
            raise TypeError(
                'ProcessQueueWriter cannot send the snapshot {!r} to its process: '
                '{}: {}. The target must be a link, an optimizer or a trainer (these '
                'are turned into arrays first), or else picklable; ThreadQueueWriter '
                'needs neither. Nothing was queued.'.format(
                    item[1], type(e).__name__, e)) from e



# -- helpers ------------------------------------------------------------------------------

class _Frozen(dict):
    """What a snapshot holds: ``{key: numpy array}``, copied at one moment.

    A dict (what a Chainer-style ``savefun`` is given) whose ``serialize``
    hands every array to the serializer again, so ``save_npz`` writes the
    same keys and values as it would for the object it was taken from, and
    ``load_npz`` loads the file into that kind of object.
    """

    def serialize(self, serializer):
        for key, value in self.items():
            serializer(key, value)


def _freeze(target):
    """A copy of ``target`` as ``{key: numpy array}``, safe to write later.

    Links, optimizers and trainers go through the same serializer as
    ``save_npz`` (which copies each array, and moves GPU arrays to the CPU);
    a plain dict of arrays is copied the same way. Anything else is passed
    on as it is, for a ``savefun`` that knows it.
    """
    if isinstance(target, _Frozen):
        return target
    serializer = npz.DictionarySerializer()
    if isinstance(target, dict):
        for key, value in target.items():
            serializer(str(key), value)
    elif hasattr(target, 'serialize'):
        serializer.save(target)
    else:
        return target
    return _Frozen(serializer.target)


def _save_atomically(filename, outdir, target, savefun, append, kwds):
    if not isinstance(filename, str) or not filename or os.path.isabs(filename):
        raise ValueError('a snapshot filename must be a non-empty relative file name '
                         'like "model_3.npz" (it is joined to outdir); got {!r}'.format(
                             filename))
    if type(target) is dict:
        target = _Frozen(target)        # save_npz can write a plain dict of arrays too
    dest = os.path.join(outdir, filename)
    folder = os.path.dirname(dest) or os.curdir
    base = os.path.basename(dest)
    created = _missing_folders(folder)
    try:
        os.makedirs(folder, exist_ok=True)
        # Beside the final file, so that the rename stays on one file system.
        tmpdir = tempfile.mkdtemp(prefix='tmp-{}-'.format(base), dir=folder)
        try:
            tmppath = os.path.join(tmpdir, base)
            if append and os.path.isfile(dest):
                shutil.copy2(dest, tmppath)
            savefun(tmppath, target, **kwds)
            if not os.path.isfile(tmppath):
                made = sorted(os.listdir(tmpdir))
                raise RuntimeError(
                    'savefun {} returned without writing the file it was given ({!r}){}; '
                    'a savefun must write exactly to that path'.format(
                        getattr(savefun, '__name__', repr(savefun)), base,
                        ' (it wrote {} instead)'.format(made) if made else ''))
            os.replace(tmppath, dest)
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
    except BaseException:
        for path in reversed(created):      # innermost first; only if still empty
            try:
                os.rmdir(path)
            except OSError:
                break
        raise


def _remove_leftovers(filename, outdir):
    """Remove the temporary folders of a save whose worker died halfway."""
    dest = os.path.join(outdir, filename)
    pattern = os.path.join(glob.escape(os.path.dirname(dest) or os.curdir),
                           'tmp-{}-*'.format(glob.escape(os.path.basename(dest))))
    for path in glob.glob(pattern):
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)


def _missing_folders(folder):
    """The folders ``os.makedirs(folder)`` would create, outermost first."""
    missing = []
    folder = os.path.abspath(folder)
    while not os.path.exists(folder):
        missing.append(folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return missing[::-1]


def _checked_savefun(savefun, writer_name):
    if isinstance(savefun, Writer):
        raise TypeError(
            '{} got a writer ({}) as its savefun. A savefun writes one file, '
            'savefun(path, target); to choose a writer for a snapshot, pass it '
            'as snapshot(writer=...)'.format(writer_name, type(savefun).__name__))
    if not callable(savefun):
        raise TypeError(
            '{}: savefun must be a function savefun(path, target) that writes '
            'target to path, such as serializers.save_npz; got {!r}'.format(
                writer_name, savefun))
    return savefun


def _check_picklable(writer_name, **objects):
    for name, obj in objects.items():
        try:
            pickle.dumps(obj)
        except Exception as e:
            raise TypeError(
                '{} sends {} to another process, so it must be picklable, but '
                '{!r} is not ({}: {}). Define it with def at the top level of a '
                'module (not a lambda or a function inside a function), or use '
                'the thread version of this writer.'.format(
                    writer_name, name, obj, type(e).__name__, e)) from None


def _describe_in_child(exc):
    # An exception may not survive pickling; its text always does.
    text = ''.join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return '{}: {}\n{}'.format(type(exc).__name__, exc, text[-4000:])


def _raise_failures(writer, failures):
    where = 'process' if isinstance(writer, (ProcessWriter, ProcessQueueWriter)) else 'thread'
    lines, cause = [], None
    for filename, outdir, error in failures:
        if isinstance(error, BaseException):
            cause = cause or error
            error = '{}: {}'.format(type(error).__name__, error)
        lines.append('  {!r} in {!r}: {}'.format(filename, outdir, error))
    message = (
        '{} could not write {} in its background {}:\n{}\nNothing was written under '
        '{} (files saved before are untouched). The save ran in the background, so '
        'its error is raised here, at the next snapshot or when training ends '
        '(finalize).'.format(
            type(writer).__name__,
            'this snapshot' if len(failures) == 1 else 'these snapshots',
            where, '\n'.join(lines), 'that name' if len(failures) == 1 else 'those names'))
    raise RuntimeError(message) from cause


# Queue writers whose worker still runs. Their consumers are daemons, so an
# interpreter that exits without finalize() would drop what is queued: this
# hook writes it first. atexit runs the last registered hook first, so ours
# (registered after multiprocessing's) runs before multiprocessing stops its
# daemon processes.
_unfinished = weakref.WeakSet()


def _finalize_unfinished():
    for writer in list(_unfinished):
        try:
            writer.finalize()
        except Exception as e:
            sys.stderr.write('{}\n'.format(e))


atexit.register(_finalize_unfinished)
