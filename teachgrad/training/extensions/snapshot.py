"""snapshot / snapshot_object: save the training state or a model to a file.

Files are written to a temporary name first and then renamed, so an
interrupted save never leaves a broken snapshot behind.
"""
import glob
import os
import re
import shutil
import tempfile

from teachgrad.training import extension


def snapshot_object(target, filename, savefun=None, **kwargs):
    """An extension that saves ``target`` (e.g. the model) every epoch.

    ``filename`` is formatted with the trainer, e.g.
    ``'model_epoch_{.updater.epoch}.npz'``. ``savefun(path, target)`` does
    the saving; by default :func:`teachgrad.serializers.save_npz`.

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
            :func:`teachgrad.serializers.save_npz`.
        filename (str): formatted with the trainer
            (``'snapshot_iter_{.updater.iteration}'``).
        target: what to save (default: the trainer itself).
        condition: a callable; when it returns False nothing is saved.
        writer: a callable ``writer(filename, outdir, target, savefun)`` that
            replaces the default writing (kept for Chainer compatibility).
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
    """
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
        self._target = target
        self.filename = filename
        self.condition = condition
        self.writer = writer
        self._snapshot_on_error = snapshot_on_error
        self.n_retains = n_retains
        self.autoload = autoload
        self._savefun = savefun
        self._written = []          # paths saved by this extension, oldest first

    def initialize(self, trainer):
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

    def _make_snapshot(self, trainer):
        target = self._target if self._target is not None else trainer
        if callable(self.filename):
            filename = self.filename(trainer)
        else:
            filename = self.filename.format(trainer)
        savefun = self._savefun
        if savefun is None:
            from teachgrad import serializers
            savefun = serializers.save_npz
        if self.writer is not None:
            self.writer(filename, trainer.out, target, savefun)
        else:
            _write(filename, trainer.out, target, savefun)
        path = os.path.join(trainer.out, filename)
        if path in self._written:
            self._written.remove(path)
        self._written.append(path)
        if self.n_retains > 0:
            # Only files this extension wrote are ever deleted: a
            # 'model_best.npz' beside 'model_{.updater.epoch}.npz' is not ours.
            old, self._written = (self._written[:-self.n_retains],
                                  self._written[-self.n_retains:])
            for stale in old:
                if os.path.isfile(stale):
                    os.remove(stale)


def _write(filename, outdir, target, savefun):
    os.makedirs(outdir, exist_ok=True)
    # Save under the final name inside a temporary folder (some savers add or
    # check the extension), then move it into place in one step.
    tmpdir = tempfile.mkdtemp(prefix='tmp', dir=outdir)
    try:
        tmppath = os.path.join(tmpdir, filename)
        savefun(tmppath, target)
        os.replace(tmppath, os.path.join(outdir, filename))
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


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
