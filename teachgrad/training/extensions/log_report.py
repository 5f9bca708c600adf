"""LogReport: average what was reported over each epoch and keep it as a log."""
import json
import os
import tempfile

from teachgrad import reporter
from teachgrad.training import extension
from teachgrad.training.util import get_trigger, is_writer


class LogReport(extension.Extension):
    """Average the observations over each interval and append them to ``log``.

    Every iteration it adds ``trainer.observation`` to a running summary; when
    ``trigger`` fires (each epoch by default) it appends the means, plus
    ``epoch``, ``iteration`` and ``elapsed_time``, as one dict to
    :attr:`log` and writes the whole log as JSON to ``<out>/<filename>``.

    Args:
        keys: the observation keys to keep (None: all).
        trigger: when to close an interval, ``(1, 'epoch')`` by default.
        postprocess: a function that may edit each new entry (a dict).
        filename: the JSON file in the trainer's ``out`` directory
            (``'log'``). It may use entry fields, e.g. ``'log_{epoch}'``.
            As in Chainer, ``log_name=None`` (and no filename) writes no file.

    >>> log_report = LogReport(keys=['main/loss'], log_name=None)
    >>> log_report.log
    []
    """

    def __init__(self, keys=None, trigger=(1, 'epoch'), postprocess=None,
                 filename=None, **kwargs):
        log_name = kwargs.pop('log_name', 'log')   # Chainer's older spelling
        if kwargs:
            raise TypeError('LogReport() got unexpected arguments: {}'.format(
                ', '.join(sorted(kwargs))))
        self._keys = keys
        self._trigger = get_trigger(trigger)
        self._postprocess = postprocess
        self._log_name = filename if filename is not None else log_name
        self._log = []
        self._summary = reporter.DictSummary()

    @property
    def log(self):
        """The list of entries so far, one dict per interval."""
        return self._log

    def __call__(self, trainer):
        observation = trainer.observation
        if self._keys is None:
            self._summary.add(observation)
        else:
            self._summary.add({k: observation[k] for k in self._keys if k in observation})
        if not self._trigger(trainer):
            return
        entry = {name: float(value) for name, value in self._summary.compute_mean().items()}
        updater = trainer.updater
        entry['epoch'] = updater.epoch
        entry['iteration'] = updater.iteration
        entry['elapsed_time'] = trainer.elapsed_time
        if self._postprocess is not None:
            self._postprocess(entry)
        self._log.append(entry)
        if self._log_name is not None:
            _write_json_atomically(self._log, trainer.out,
                                   self._log_name.format(**entry))
        self._summary = reporter.DictSummary()

    def serialize(self, serializer):
        if hasattr(self._trigger, 'serialize'):
            self._trigger.serialize(serializer['_trigger'])
        self._summary.serialize(serializer['_summary'])
        log = serializer('_log', json.dumps(self._log))
        if not is_writer(serializer):
            self._log = json.loads(str(log))


def _write_json_atomically(obj, directory, name):
    # A reader (PlotReport, a person running `cat log`) never sees a half-written file.
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.' + name + '.', dir=directory)
    try:
        with os.fdopen(fd, 'w') as f:
            json.dump(obj, f, indent=4)
        os.replace(tmp, os.path.join(directory, name))
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
