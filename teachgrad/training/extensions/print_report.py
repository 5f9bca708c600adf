"""PrintReport: print chosen entries of the log as a table, one row per epoch."""
import sys

from teachgrad.training import extension
from teachgrad.training.extensions import log_report as log_report_module
from teachgrad.training.util import is_terminal


class PrintReport(extension.Extension):
    """Print a table of log entries: a header once, then a row per new entry.

    Args:
        entries (list of str): the columns, e.g. ``['epoch', 'main/loss',
            'validation/main/accuracy']``.
        log_report: the name of the :class:`LogReport` extension to read
            (``'LogReport'``) or a LogReport object.
        out: the stream to print to (default: ``sys.stdout`` at the time of
            printing, so notebooks and pytest capture it).

    Output, e.g.::

        epoch       main/loss   main/accuracy
        1           1.20451     0.71875
        2           0.40937     0.909722

    Rows are plain text (numbers formatted with ``{:g}``), so notebook outputs
    are stable; only in a terminal does it also clear the progress bar line.
    """

    def __init__(self, entries, log_report='LogReport', out=None):
        self._entries = list(entries)
        self._log_report = log_report
        self._out = out
        self._log_len = 0
        widths = [max(10, len(e)) for e in self._entries]
        self._header = '  '.join('{:{}}'.format(e, w)
                                 for e, w in zip(self._entries, widths)).rstrip() + '\n'
        self._templates = [(e, '{:<%dg}  ' % w, ' ' * (w + 2))
                           for e, w in zip(self._entries, widths)]

    @property
    def out(self):
        return self._out if self._out is not None else sys.stdout

    def __call__(self, trainer):
        out = self.out
        clear = '\033[J' if is_terminal(out) else ''
        if self._header:
            out.write(clear + self._header)
            self._header = None
        log_report = self._log_report
        if isinstance(log_report, str):
            log_report = trainer.get_extension(log_report)
        elif isinstance(log_report, log_report_module.LogReport):
            log_report(trainer)   # an unregistered LogReport is driven from here
        else:
            raise TypeError('log_report must be the name of a LogReport extension '
                            'or a LogReport, not {}'.format(type(log_report).__name__))
        log = log_report.log
        while len(log) > self._log_len:
            out.write(clear + self._format(log[self._log_len]))
            self._log_len += 1
        if hasattr(out, 'flush'):
            out.flush()

    def _format(self, entry):
        cells = []
        for key, template, empty in self._templates:
            cells.append(template.format(entry[key]) if key in entry else empty)
        return ''.join(cells).rstrip() + '\n'

    def serialize(self, serializer):
        if isinstance(self._log_report, log_report_module.LogReport):
            self._log_report.serialize(serializer['_log_report'])
