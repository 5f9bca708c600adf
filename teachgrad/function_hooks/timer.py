"""TimerHook: how long each kind of function took, forward and backward."""
import sys
import time

from teachgrad import backend
from teachgrad.function_hook import FunctionHook


def _synchronize(arrays):
    # A GPU runs asynchronously: wait for it, or the clock measures only the launch.
    for a in arrays:
        if a is not None and backend.get_array_module(a) is not backend.numpy:
            import cupy
            cupy.cuda.Device().synchronize()
            return


class TimerHook(FunctionHook):
    """Measure the time each function spends in forward and backward.

    ``call_history`` lists ``(class name, seconds)`` per call; ``total_time()``
    sums the outermost calls (a function that runs others inside it is not
    counted twice); ``summary()`` groups by class name and ``print_report()``
    prints that as a table.

    >>> import numpy as np
    >>> import teachgrad.functions as F
    >>> from teachgrad import Variable
    >>> x = Variable(np.ones((2, 3), dtype=np.float32))
    >>> with TimerHook() as timer:
    ...     F.sum(F.relu(x)).backward()
    >>> [name for name, seconds in timer.call_history]
    ['ReLU', 'Sum', 'Sum', 'ReLU']
    >>> {name: r['occurrence'] for name, r in timer.summary().items()}
    {'ReLU': 2, 'Sum': 2}
    >>> timer.total_time() > 0
    True
    >>> timer.print_report()                      # doctest: +SKIP
    FunctionName  ElapsedTime  Occurrence
            ReLU      0.03ms            2
             Sum      0.02ms            2
    """
    name = 'TimerHook'
    table = {'sec': 1, 'ms': 10 ** 3, 'us': 10 ** 6, 'ns': 10 ** 9}

    def __init__(self):
        self.call_history = []
        self._running = []
        self._total_time = 0.

    def _start(self, arrays):
        _synchronize(arrays)
        self._running.append(time.perf_counter())

    def _stop(self, function, arrays):
        _synchronize(arrays)
        elapsed = time.perf_counter() - self._running.pop()
        self.call_history.append((type(function).__name__, elapsed))
        if not self._running:
            self._total_time += elapsed

    def forward_preprocess(self, function, in_data):
        self._start(in_data)

    def forward_postprocess(self, function, in_data):
        self._stop(function, in_data)

    def backward_preprocess(self, function, in_data, out_grad):
        self._start(tuple(in_data) + tuple(out_grad))

    def backward_postprocess(self, function, in_data, out_grad):
        self._stop(function, tuple(in_data) + tuple(out_grad))

    def total_time(self):
        """Seconds spent in the measured functions (outermost calls only)."""
        return self._total_time

    def summary(self):
        """``{class name: {'elapsed_time': seconds, 'occurrence': calls}}``, in first-call order."""
        summary = {}
        for name, elapsed in self.call_history:
            record = summary.setdefault(name, {'elapsed_time': 0., 'occurrence': 0})
            record['elapsed_time'] += elapsed
            record['occurrence'] += 1
        return summary

    @staticmethod
    def _choose_unit(seconds):
        factor = 1
        for unit in ('sec', 'ms', 'us'):
            if seconds * factor >= 1:
                return factor, unit
            factor *= 1000.
        return factor, 'ns'

    def print_report(self, unit='auto', file=None):
        """Print the summary as a table.

        ``unit`` is ``'sec'``, ``'ms'``, ``'us'``, ``'ns'``, ``'auto'`` (one
        unit that fits the largest time) or ``'auto_foreach'`` (a unit per row).
        """
        if unit not in self.table and unit not in ('auto', 'auto_foreach'):
            raise ValueError("print_report: unit must be one of 'sec', 'ms', 'us', 'ns', "
                             "'auto' or 'auto_foreach', not {!r}".format(unit))
        file = file or sys.stdout
        summary = self.summary()
        rows = [('FunctionName', 'ElapsedTime', 'Occurrence')]
        if unit == 'auto':
            factor, unit_name = self._choose_unit(
                max([r['elapsed_time'] for r in summary.values()] or [0.]))
        elif unit != 'auto_foreach':
            factor, unit_name = self.table[unit], unit
        for name, record in summary.items():
            if unit == 'auto_foreach':
                factor, unit_name = self._choose_unit(record['elapsed_time'])
            rows.append((name, '%3.2f%s' % (record['elapsed_time'] * factor, unit_name),
                         str(record['occurrence'])))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            file.write('  '.join(cell.rjust(w) for cell, w in zip(row, widths)) + '\n')
        if hasattr(file, 'flush'):
            file.flush()
