"""PlotReport: plot reported values against iterations or epochs, as a PNG.

matplotlib is imported only when the first plot is drawn, and only its
object-oriented API is used (a ``Figure`` drawn by the Agg canvas): no pyplot
window, no global figure state, safe on machines without a display.
"""
import json
import os
import warnings

from teachgrad import reporter
from teachgrad.training import extension
from teachgrad.training.util import get_trigger, in_notebook, is_writer


def _matplotlib_available():
    try:
        import matplotlib  # NOQA
    except ImportError:
        return False
    return True


class PlotReport(extension.Extension):
    """Save (and in a notebook, show) a plot of ``y_keys`` against ``x_key``.

    Every iteration it averages the observed values; each time ``trigger``
    fires it adds one point per key and redraws ``<out>/<filename>``.

    Args:
        y_keys (str or list of str): the keys to plot, e.g.
            ``['main/loss', 'validation/main/loss']``.
        x_key (str): ``'iteration'``, ``'epoch'`` or another reported key.
        trigger: when to add a point, ``(1, 'epoch')`` by default.
        postprocess: ``postprocess(figure, axes, summary)`` may decorate the plot.
        filename (str): the PNG file in the trainer's ``out`` directory
            (``file_name`` is accepted too, as in older Chainer).
        marker (str): the matplotlib marker of the points.
        grid (bool): draw a grid.
        show: show the plot in the notebook output, updated in place (None:
            only when running in a notebook).

    In a notebook one image output is shown when training starts and updated
    at every point (so it never lands in the middle of PrintReport's table);
    its plain-text form is fixed, so saved notebooks are stable.

    >>> plot = PlotReport(['main/loss'], x_key='epoch', filename='loss.png')
    >>> plot.available()
    True
    """

    def __init__(self, y_keys, x_key='iteration', trigger=(1, 'epoch'),
                 postprocess=None, filename=None, marker='x', grid=True, show=None,
                 **kwargs):
        file_name = kwargs.pop('file_name', 'plot.png')
        if kwargs:
            raise TypeError('PlotReport() got unexpected arguments: {}'.format(
                ', '.join(sorted(kwargs))))
        self._x_key = x_key
        self._y_keys = [y_keys] if isinstance(y_keys, str) else list(y_keys)
        self._trigger = get_trigger(trigger)
        self._file_name = filename if filename is not None else file_name
        self._marker = marker
        self._grid = grid
        self._postprocess = postprocess
        self._show = show
        self._display = None
        self._summary = reporter.DictSummary()
        self._data = {k: [] for k in self._y_keys}
        self._warned = False

    @staticmethod
    def available():
        """True when matplotlib can be imported (it is in teachgrad[training])."""
        return _matplotlib_available()

    @property
    def data(self):
        """``{key: [(x, y), ...]}``: the points plotted so far."""
        return self._data

    def initialize(self, trainer):
        # In a notebook the plot's output is made now, before the first
        # epoch, and then updated in place: so it sits above PrintReport's
        # table instead of splitting it in two.
        show = self._show if self._show is not None else in_notebook()
        if show and self._display is None and self.available():
            self._show_in_notebook(self._render({}))

    def __call__(self, trainer):
        observation = trainer.observation
        keys = self._y_keys + [self._x_key]
        self._summary.add({k: observation[k] for k in keys if k in observation})
        if not self._trigger(trainer):
            return
        stats = self._summary.compute_mean()
        self._summary = reporter.DictSummary()
        updater = trainer.updater
        values = {k: float(v) for k, v in stats.items()}
        values['epoch'] = updater.epoch
        values['iteration'] = updater.iteration
        if self._x_key not in values:
            return     # nothing to put on the x axis this time
        x = values[self._x_key]
        for key in self._y_keys:
            if key in values:
                self._data[key].append((x, values[key]))
        if not self.available():
            if not self._warned:
                warnings.warn('PlotReport needs matplotlib, which is not installed; no '
                              'plot is drawn. Install it with: pip install '
                              '"teachgrad[training]"')
                self._warned = True
            return
        png = self._render(stats)
        os.makedirs(trainer.out, exist_ok=True)
        path = os.path.join(trainer.out, self._file_name)
        tmp = path + '.tmp'
        with open(tmp, 'wb') as f:
            f.write(png)
        os.replace(tmp, path)
        show = self._show if self._show is not None else in_notebook()
        if show:
            self._show_in_notebook(png)

    def _render(self, summary):
        import io
        from matplotlib.figure import Figure
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        fig = Figure()
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1)
        ax.set_xlabel(self._x_key)
        if self._grid:
            ax.grid()
        for key in self._y_keys:
            points = self._data[key]
            if points:
                xs, ys = zip(*points)
                ax.plot(xs, ys, marker=self._marker, label=key)
        if ax.has_data():
            ax.legend(loc='best')
        else:
            ax.text(0.5, 0.5, 'no point yet: the first comes with the trigger',
                    ha='center', va='center', transform=ax.transAxes, color='#777777')
        if self._postprocess is not None:
            self._postprocess(fig, ax, summary)
        buf = io.BytesIO()
        fig.savefig(buf, format='png', bbox_inches='tight')
        return buf.getvalue()

    def _show_in_notebook(self, png):
        from IPython.display import Image, display
        image = Image(data=png, format='png')
        if self._display is None:
            self._display = display(image, display_id=True)
        else:
            self._display.update(image)

    def serialize(self, serializer):
        if hasattr(self._trigger, 'serialize'):
            self._trigger.serialize(serializer['_plot_trigger'])
        data = serializer('_plot_data', json.dumps(self._data))
        if not is_writer(serializer):
            data = json.loads(str(data))
            self._data = {k: [tuple(p) for p in data.get(k, [])] for k in self._y_keys}
