"""snapshot / snapshot_object: save the training state or a model to a file.

The extension decides what to save and when; a writer from
:mod:`~teachgrad.training.extensions.snapshot_writers` decides how (right
away, or in a background thread or process). Every writer writes the file
under a temporary name first and then renames it, so an interrupted or
failed save never leaves a broken snapshot behind.
"""
import glob
import inspect
import os
import re

from teachgrad.training import extension
from teachgrad.training.extensions import snapshot_writers


def snapshot_object(target, filename, savefun=None, **kwargs):
    """An extension that saves ``target`` (e.g. the model) every epoch.

    ``filename`` is formatted with the trainer, e.g.
    ``'model_epoch_{.updater.epoch}.npz'``. ``savefun(path, target)`` does
    the saving; by default :func:`teachgrad.serializers.save_npz`. The other
    arguments (``writer``, ``condition``, ``n_retains``...) are those of
    :func:`snapshot`.

    >>> ext = snapshot_object(object(), 'model_{.updater.epoch}.npz')
    >>> ext.trigger, ext.default_name
    ((1, 'epoch'), 'snapshot')
    """
    return snapshot(savefun=savefun, filename=filename, target=target, **kwargs)


def snapshot(savefun=None, filename='snapshot_iter_{.updater.iteration}', *,
             target=None, condition=None, writer=None, snapshot_on_error=False,
             n_retains=-1, autoload=False):
    """An extension that saves the whole trainer (to resume training) every epoch.

    Args:
        savefun: ``savefun(path, obj)``; default
            :func:`teachgrad.serializers.save_npz`. With a ``writer``, give
            the savefun to the writer instead.
        filename (str): formatted with the trainer
            (``'snapshot_iter_{.updater.iteration}'``).
        target: what to save (default: the trainer itself).
        condition: a callable; when it returns False nothing is saved.
        writer: how the file is written: a
            :class:`~teachgrad.training.extensions.snapshot_writers.Writer`
            (default ``SimpleWriter(savefun)``, which saves right away;
            ``ThreadWriter``, ``ProcessWriter``, ``ThreadQueueWriter`` and
            ``ProcessQueueWriter`` save in the background), or a function
            ``writer(filename, outdir, target)`` (or ``writer(filename,
            outdir, target, savefun)``). When training ends the trainer calls
            ``writer.finalize()``, which waits for the last file.
        snapshot_on_error (bool): also save when training fails.
        n_retains (int): keep only the newest this many of the files this
            extension wrote (-1: all). Other files in the output directory,
            and those of an earlier run, are never deleted.
        autoload (bool): on ``initialize``, load the newest existing snapshot
            from the output directory (resume after an interruption).

    To resume, build the same trainer and load the file before ``run``::

        trainer.extend(extensions.snapshot(), trigger=(1, 'epoch'))
        ...
        serializers.load_npz('result/snapshot_iter_450', trainer)
        trainer.run()      # continues from iteration 450

    >>> ext = snapshot()
    >>> ext.trigger, ext.priority
    ((1, 'epoch'), -100)

    Saving in a background process lets training go on while the file is
    written; the trainer waits for the last one when training ends:

    >>> import os, shutil, tempfile
    >>> import numpy as np
    >>> import teachgrad.links as L
    >>> from teachgrad import datasets, iterators, optimizers, training
    >>> from teachgrad.training import extensions
    >>> x = np.arange(12, dtype='f').reshape(4, 3)
    >>> t = np.array([0, 1, 0, 1], 'i')
    >>> it = iterators.SerialIterator(datasets.TupleDataset(x, t), 2)
    >>> optimizer = optimizers.SGD().setup(L.Classifier(L.Linear(3, 2)))
    >>> updater = training.updaters.StandardUpdater(it, optimizer)
    >>> out = tempfile.mkdtemp()
    >>> trainer = training.Trainer(updater, (2, 'epoch'), out=out)
    >>> writer = extensions.snapshot_writers.ProcessWriter()
    >>> trainer.extend(extensions.snapshot(writer=writer), trigger=(1, 'epoch'))
    >>> trainer.run()
    >>> sorted(os.listdir(out))
    ['snapshot_iter_2', 'snapshot_iter_4']
    >>> shutil.rmtree(out)
    """
    if savefun is not None and isinstance(writer, snapshot_writers.Writer):
        raise TypeError(
            'snapshot() got both savefun and writer={}: the writer calls its own '
            'savefun, so give it there, e.g. writer={}(savefun=my_save)'.format(
                type(writer).__name__, type(writer).__name__))
    return _Snapshot(target=target, condition=condition, writer=writer,
                     filename=filename, snapshot_on_error=snapshot_on_error,
                     n_retains=n_retains, autoload=autoload, savefun=savefun)


class _Snapshot(extension.Extension):
    trigger = 1, 'epoch'
    priority = extension.PRIORITY_SNAPSHOT
    default_name = 'snapshot'

    def __init__(self, target=None, condition=None, writer=None,
                 filename='snapshot_iter_{.updater.iteration}', snapshot_on_error=False,
                 n_retains=-1, autoload=False, savefun=None):
        if savefun is None:
            from teachgrad import serializers
            savefun = serializers.save_npz
        if writer is None:
            writer = snapshot_writers.SimpleWriter(savefun=savefun)
        self._target = target
        self.filename = filename
        self.condition = condition
        self.writer = writer
        self._write = _writer_call(writer, savefun)
        self._snapshot_on_error = snapshot_on_error
        self.n_retains = n_retains
        self.autoload = autoload
        self._written = []          # paths saved by this extension, oldest first
        self._stale = []            # paths to delete (n_retains) once they exist

    def initialize(self, trainer):
        initialize = getattr(self.writer, 'initialize', None)
        if initialize is not None:
            initialize(trainer.out)
        if not self.autoload:
            return
        path = _find_latest(self.filename, trainer.out)
        if path is not None:
            from teachgrad import serializers
            serializers.load_npz(path, self._target if self._target is not None
                                 else trainer)

    def on_error(self, trainer, exc, tb):
        if self._snapshot_on_error:
            self._make_snapshot(trainer)

    def __call__(self, trainer):
        if self.condition is None or self.condition():
            self._make_snapshot(trainer)

    def finalize(self):
        finalize = getattr(self.writer, 'finalize', None)
        try:
            if finalize is not None:
                finalize()          # waits for the files still being written
        finally:
            self._remove_stale()
            self._stale = []

    def _make_snapshot(self, trainer):
        target = self._target if self._target is not None else trainer
        if callable(self.filename):
            filename = self.filename(trainer)
        else:
            filename = self.filename.format(trainer)
        self._write(filename, trainer.out, target)
        path = os.path.join(trainer.out, filename)
        if path in self._written:
            self._written.remove(path)
        if path in self._stale:
            self._stale.remove(path)
        self._written.append(path)
        if self.n_retains > 0:
            # Only files this extension wrote are ever deleted: a
            # 'model_best.npz' beside 'model_{.updater.epoch}.npz' is not ours.
            old, self._written = (self._written[:-self.n_retains],
                                  self._written[-self.n_retains:])
            self._stale.extend(old)
        self._remove_stale()

    def _remove_stale(self):
        # A background writer may not have written an old file yet; it stays
        # on the list and goes at a later snapshot, or at finalize.
        for stale in list(self._stale):
            if os.path.isfile(stale):
                os.remove(stale)
                self._stale.remove(stale)


def _writer_call(writer, savefun):
    """``write(filename, outdir, target)`` for a Writer or a plain function."""
    if isinstance(writer, snapshot_writers.Writer):
        return writer
    if not callable(writer):
        raise TypeError(
            'writer must be a snapshot writer such as '
            'extensions.snapshot_writers.ThreadWriter(), or a function '
            'writer(filename, outdir, target); got {!r}'.format(writer))
    # Compatibility: earlier teachgrad code passed writer functions the
    # savefun as a fourth argument; Chainer's pass three.
    try:
        signature = inspect.signature(writer)
    except (TypeError, ValueError):         # a builtin: assume Chainer's form
        return writer
    for args in ((1, 2, 3, 4), (1, 2, 3)):
        try:
            signature.bind(*args)
        except TypeError:
            continue
        if len(args) == 4:
            return lambda filename, outdir, target: writer(filename, outdir, target,
                                                           savefun)
        return writer
    raise TypeError(
        'a writer function is called as writer(filename, outdir, target) or '
        'writer(filename, outdir, target, savefun), but {} takes {}'.format(
            getattr(writer, '__name__', type(writer).__name__), signature))


def _snapshot_files(fmt, outdir):
    """``[(mtime, path), ...]`` of files made by the filename format, oldest first.

    A field of the format (``{.updater.iteration}``) stands for a number, so
    ``model_best.npz`` is not taken for a file of ``model_{.updater.epoch}.npz``.
    """
    pattern = _glob_of(fmt)
    paths = glob.glob(os.path.join(glob.escape(outdir), pattern))
    regex = _regex_of(fmt)
    return sorted((os.path.getmtime(p), p) for p in paths
                  if os.path.isfile(p) and regex.fullmatch(os.path.basename(p)))


def _regex_of(fmt):
    # 'snapshot_iter_{.updater.iteration}' -> r'snapshot_iter_[-+0-9.e]+'
    out, depth, literal = [], 0, []
    for ch in fmt:
        if ch == '{':
            if depth == 0:
                out.append(re.escape(''.join(literal)))
                literal = []
                out.append('[-+0-9.eE]+')
            depth += 1
        elif ch == '}':
            depth -= 1
        elif depth == 0:
            literal.append(ch)
    out.append(re.escape(''.join(literal)))
    return re.compile(''.join(out))


def _find_latest(fmt, outdir):
    files = _snapshot_files(fmt, outdir)
    return files[-1][1] if files else None


def _glob_of(fmt):
    # 'snapshot_iter_{.updater.iteration}' -> 'snapshot_iter_*'
    out, depth = [], 0
    for ch in fmt:
        if ch == '{':
            if depth == 0:
                out.append('*')
            depth += 1
        elif ch == '}':
            depth -= 1
        elif depth == 0:
            out.append(glob.escape(ch))
    return ''.join(out)
