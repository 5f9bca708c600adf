"""ProgressBar: how far training has come, drawn where the learner is looking.

- In a Jupyter notebook: a live ipywidgets bar. Its saved output is the same
  short text however training went, so notebook outputs stay byte-stable.
- In a terminal: one line redrawn in place with ``\\r``, with speed and ETA.
- Anywhere else (a pipe, a log file, pytest): nothing while training, then
  the final state once, without timing numbers (unless ``show_timing=True``),
  so captured output is deterministic.
"""
import datetime
import html
import sys
import time

from teachgrad.training import extension
from teachgrad.training.util import in_notebook, is_terminal


class ProgressBar(extension.Extension):
    """Show training progress as a bar.

    Args:
        training_length: ``(length, unit)`` such as ``(10, 'epoch')``; taken
            from the trainer's stop trigger when None.
        update_interval (int): redraw at least every this many iterations
            (a live bar also redraws at each new epoch and every 0.1 s).
        bar_length (int): characters in the text bar.
        out: the stream for the text bar (default: ``sys.stdout`` when
            drawing). Giving a stream turns the notebook widget off.
        show_timing: iterations/sec and the estimated time left. None (the
            default) shows them in live bars only, never in the final printed
            line; True shows them everywhere; False nowhere.

    >>> bar = ProgressBar(training_length=(10, 'epoch'))
    >>> print(bar.format_line(iteration=45, epoch=3, fraction=0.3))
    [#########.....................]  30.00%  epoch 3/10  iteration 45
    """

    trigger = 1, 'iteration'
    priority = extension.PRIORITY_READER

    def __init__(self, training_length=None, update_interval=100, bar_length=30,
                 out=None, show_timing=None):
        self._training_length = training_length
        self._update_interval = update_interval
        self._bar_length = bar_length
        self._out = out
        self._show_timing = show_timing
        self._mode = None
        self._trainer = None
        self._start = None
        self._start_iteration = 0
        self._last_draw = 0.0
        self._widget = None

    # -- what to show ------------------------------------------------------------
    def format_line(self, iteration, epoch, fraction=None, rate=None, eta=None):
        """The one-line text of the bar (used by every mode)."""
        parts = []
        length = self._training_length
        if fraction is not None:
            fraction = min(max(fraction, 0.0), 1.0)
            done = int(fraction * self._bar_length)
            parts.append('[{}{}] {:6.2f}%'.format(
                '#' * done, '.' * (self._bar_length - done), fraction * 100))
        if length is not None and length[1] == 'epoch':
            parts.append('epoch {}/{}'.format(epoch, _fmt(length[0])))
            parts.append('iteration {}'.format(iteration))
        elif length is not None:
            parts.append('iteration {}/{}'.format(iteration, _fmt(length[0])))
            parts.append('epoch {}'.format(epoch))
        else:
            parts.append('epoch {}'.format(epoch))
            parts.append('iteration {}'.format(iteration))
        if rate is not None:
            parts.append('{:.2f} iters/sec'.format(rate))
        if eta is not None:
            parts.append('ETA {}'.format(datetime.timedelta(seconds=int(eta))))
        return '  '.join(parts)

    def _state(self, trainer, timing):
        updater = trainer.updater
        iteration = updater.iteration
        length = self._training_length
        fraction = remaining = None
        if length is not None:
            if length[1] == 'iteration':
                fraction = iteration / length[0]
                remaining = length[0] - iteration
            else:
                detail = updater.epoch_detail
                fraction = detail / length[0]
                if detail > 0:    # iterations left = epochs left * iterations per epoch
                    remaining = (length[0] - detail) * iteration / detail
        rate = eta = None
        if timing and self._start is not None:
            elapsed = time.perf_counter() - self._start
            steps = iteration - self._start_iteration
            if elapsed > 0 and steps > 0:
                rate = steps / elapsed
                if remaining is not None:
                    eta = max(remaining, 0) / rate
        return dict(iteration=iteration, epoch=updater.epoch, fraction=fraction,
                    rate=rate, eta=eta)

    # -- the extension -----------------------------------------------------------
    def initialize(self, trainer):
        self._setup(trainer)

    def _setup(self, trainer):
        self._trainer = trainer
        if self._training_length is None:
            get_length = getattr(trainer.stop_trigger, 'get_training_length', None)
            if get_length is not None:
                self._training_length = get_length()
        self._start = time.perf_counter()
        self._start_iteration = trainer.updater.iteration
        if self._out is None and in_notebook():
            self._mode = 'widget' if _ipywidgets() is not None else 'final'
        else:
            self._mode = 'terminal' if is_terminal(self.out) else 'final'
        if self._mode == 'widget':
            self._make_widget()

    @property
    def out(self):
        return self._out if self._out is not None else sys.stdout

    def __call__(self, trainer):
        if self._mode is None or self._trainer is not trainer:
            self._setup(trainer)
        if self._mode == 'final':
            return
        now = time.perf_counter()
        updater = trainer.updater
        if (updater.iteration % self._update_interval == 0 or updater.is_new_epoch
                or now - self._last_draw >= 0.1):
            self._last_draw = now
            self._draw(trainer, final=False)

    def finalize(self):
        if self._trainer is not None:
            self._draw(self._trainer, final=True)

    def _draw(self, trainer, final):
        timing = self._show_timing
        if timing is None:
            timing = self._mode != 'final' and not final
        line = self.format_line(**self._state(trainer, timing))
        if self._mode == 'widget':
            state = self._state(trainer, False)
            bar, label = self._widget.children
            if state['fraction'] is not None:
                bar.value = min(state['fraction'], 1.0)
            # The widget shows only the text after the bar (it is the bar).
            label.value = '<code>{}</code>'.format(html.escape(line.split('%  ', 1)[-1]))
            if final:
                bar.bar_style = 'success' if (state['fraction'] or 0) >= 1 else 'warning'
            return
        out = self.out
        if self._mode == 'terminal':
            # Leave the cursor at the start of the line, so the next draw (or a
            # PrintReport row, which clears the line first) writes over it.
            out.write('\033[J' + line + ('\n' if final else '\r'))
        else:
            out.write(line + '\n')
        if hasattr(out, 'flush'):
            out.flush()

    def _make_widget(self):
        widgets = _ipywidgets()
        from IPython.display import display
        bar = widgets.FloatProgress(value=0.0, min=0.0, max=1.0,
                                    layout=widgets.Layout(width='40%'))
        label = widgets.HTML(value='')
        self._widget = widgets.HBox([bar, label])
        length = self._training_length
        text = 'ProgressBar' if length is None else 'ProgressBar: {} {}{}'.format(
            _fmt(length[0]), length[1], '' if length[0] == 1 else 's')
        display(_WidgetView(self._widget, text))


class _WidgetView:
    """Displays a widget with a fixed plain-text form.

    A saved notebook keeps the text/plain of the display message; a widget's
    default one lists its current values, which would differ between runs.
    """

    def __init__(self, widget, text):
        self.widget = widget
        self.text = text

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle)
        bundle['text/plain'] = self.text
        return bundle


def _ipywidgets():
    try:
        import ipywidgets
    except ImportError:
        return None
    return ipywidgets


def _fmt(x):
    return '{:g}'.format(x)
