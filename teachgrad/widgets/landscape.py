"""LossLandscape: several optimizers on one two-parameter loss, side by side.

A loss of two numbers can be drawn as a contour map, and an optimizer's
progress as a path on it. Each optimizer gets its own two-parameter Link,
starts from the same point, and takes real ``optimizer.update`` steps; the
picture shows where each one went. On the default long, narrow valley, SGD
zigzags across it, MomentumSGD overshoots and swings back, and Adam heads
straight down with steps of about the same size in both directions.

>>> from teachgrad import optimizers
>>> land = LossLandscape('valley', {'SGD': optimizers.SGD(lr=0.4)}, start=(-4., 1.))
>>> land.step(n=2)
>>> land.paths['SGD'].round(3).tolist()
[[-4.0, 1.0], [-3.68, -0.6], [-3.386, 0.36]]
"""
import numpy

from teachgrad.configuration import no_backprop_mode
from teachgrad.variable import Parameter, Variable
from teachgrad.widgets._stepper import Stepper, svg_img
from teachgrad.widgets._text import caption_html, fmt_number

# name: (loss of two Variables, start, x range, y range, where the minimum is,
#        rates for SGD, MomentumSGD and Adam that show their characters there)
LANDSCAPES = {
    'valley': (lambda a, b: 0.1 * a ** 2 + 2 * b ** 2,
               (-4.5, 1.5), (-5, 5), (-2.5, 2.5), (0., 0.),
               dict(SGD={'lr': 0.45}, MomentumSGD={'lr': 0.05, 'momentum': 0.9},
                    Adam={'alpha': 0.3})),
    'rosenbrock': (lambda a, b: (1 - a) ** 2 + 100 * (b - a ** 2) ** 2,
                   (-1.2, 1.0), (-2., 2.), (-1., 3.), (1., 1.),
                   dict(SGD={'lr': 0.002}, MomentumSGD={'lr': 0.0005, 'momentum': 0.9},
                        Adam={'alpha': 0.1})),
}
COLORS = {'SGD': '#d62728', 'MomentumSGD': '#2ca02c', 'Adam': '#9467bd'}


def default_optimizers(landscape='valley'):
    """SGD, MomentumSGD and Adam, with rates chosen for the given landscape."""
    from teachgrad import optimizers
    rates = LANDSCAPES[landscape][5]
    return {name: getattr(optimizers, name)(**kwargs) for name, kwargs in rates.items()}


def _point_link(start):
    from teachgrad.link import Link

    class TwoParameters(Link):
        """The model: just a point (w1, w2) on the landscape."""

        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.w1 = Parameter(numpy.array(start[0], dtype=numpy.float32), name='w1')
                self.w2 = Parameter(numpy.array(start[1], dtype=numpy.float32), name='w2')

    return TwoParameters()


class LossLandscape(Stepper):
    """Compare optimizers on a loss of two parameters ``w1, w2``.

    Args:
        loss: ``'valley'`` (0.1·w1² + 2·w2², the default), ``'rosenbrock'``,
            or a function of two Variables made of elementwise operations
            (it is also evaluated on whole grids to draw the contours).
        optimizers: ``{name: optimizer}``, optimizers not yet set up; by
            default SGD, MomentumSGD and Adam.
        start: the point every optimizer starts from.
        xlim, ylim: the drawn range of w1 and w2.

    Attributes:
        paths: ``{name: array of shape (steps + 1, 2)}``, the points visited.
        losses: ``{name: [loss before each update]}``.
    """
    _css_class = 'teachgrad-loss-landscape'

    def __init__(self, loss='valley', optimizers=None, start=None, xlim=None, ylim=None,
                 resolution=61):
        self.minimum = None
        if isinstance(loss, str):
            if loss not in LANDSCAPES:
                raise ValueError('unknown landscape {!r}: choose one of {} or pass a '
                                 'function of two Variables'.format(loss, sorted(LANDSCAPES)))
            self.name = loss
            loss, start0, xlim0, ylim0, self.minimum, _ = LANDSCAPES[loss]
            start, xlim, ylim = start or start0, xlim or xlim0, ylim or ylim0
        else:
            self.name = getattr(loss, '__name__', 'loss')
            if start is None or xlim is None or ylim is None:
                raise ValueError('a loss function of your own needs start=(w1, w2), '
                                 'xlim=(lo, hi) and ylim=(lo, hi)')
        self.loss = loss
        self.start = tuple(float(v) for v in start)
        self.xlim, self.ylim = tuple(xlim), tuple(ylim)
        if optimizers is None:
            optimizers = default_optimizers(self.name if self.name in LANDSCAPES else 'valley')
        self.optimizers = optimizers
        self.resolution = resolution
        self._grid = None
        self.reset()

    def reset(self):
        """Every optimizer back at the start, with fresh state (t = 0)."""
        self._cache = None          # the picture of step k is not the old one
        self._links = {}
        self._paths = {}
        self.losses = {}
        for name, opt in self.optimizers.items():
            link = _point_link(self.start)
            opt.setup(link)
            self._links[name] = link
            self._paths[name] = [self.start]
            self.losses[name] = []
        self._refresh()

    @property
    def position(self):
        return min((len(v) for v in self.losses.values()), default=0)

    def step(self, n=1):
        """``n`` real updates of every optimizer."""
        for _ in range(n):
            self._update_once()
        self._refresh()

    def _update_once(self):
        for name, opt in self.optimizers.items():
            link = self._links[name]
            captured = []

            def lossfun():
                y = self.loss(link.w1, link.w2)
                captured.append(float(y.data))
                return y
            opt.update(lossfun)
            self.losses[name].append(captured[-1])
            self._paths[name].append((float(link.w1.data), float(link.w2.data)))

    @property
    def paths(self):
        return {k: numpy.array(v) for k, v in self._paths.items()}

    # -- pictures -------------------------------------------------------------
    def grid(self):
        """The loss on a grid over the drawn range: (W1, W2, Z) arrays."""
        if self._grid is None:
            xs = numpy.linspace(*self.xlim, self.resolution, dtype=numpy.float32)
            ys = numpy.linspace(*self.ylim, self.resolution, dtype=numpy.float32)
            a, b = numpy.meshgrid(xs, ys)
            with no_backprop_mode():
                try:
                    z = self.loss(Variable(a), Variable(b)).data
                except Exception:
                    z = None
                if z is None or z.shape != a.shape:
                    # not elementwise: one point at a time
                    z = numpy.array([[float(self.loss(Variable(numpy.array(p)),
                                                      Variable(numpy.array(q))).data)
                                      for p, q in zip(ra, rb)] for ra, rb in zip(a, b)])
            self._grid = (a, b, numpy.asarray(z, dtype=numpy.float64))
        return self._grid

    def figure(self):
        from teachgrad.widgets import _plots
        k = len(self.optimizers)
        fig = _plots.figure(3.4 * k, 3.3)
        a, b, z = self.grid()
        levels = _levels(z)
        # shade by contour level, so the colours follow the lines
        shade = numpy.searchsorted(levels, numpy.where(numpy.isfinite(z), z, levels[-1]))
        axes = fig.subplots(1, k, sharey=True, squeeze=False)[0]
        paths = self.paths
        for i, (ax, name) in enumerate(zip(axes, self.optimizers)):
            # A shaded image under the contour lines: filled contours would make
            # the SVG of a saved notebook ten times bigger.
            ax.imshow(shade, extent=(*self.xlim, *self.ylim), origin='lower', cmap='Blues_r',
                      alpha=0.7, aspect='auto', interpolation='none')
            ax.contour(a, b, z, levels=levels, colors='#4c72b0', linewidths=0.4)
            p = paths[name]
            color = COLORS.get(name, '#d62728')
            ax.plot(p[:, 0], p[:, 1], '-o', color=color, markersize=2.5, linewidth=1.2)
            ax.plot(*p[0], 's', color='black', markersize=5)
            ax.plot(*p[-1], 'o', color=color, markersize=7, markeredgecolor='black')
            if self.minimum is not None:
                ax.plot(*self.minimum, '*', color='gold', markersize=12,
                        markeredgecolor='black')
            losses = self.losses[name]
            status = 'start' if not losses else 'step {}: loss {}'.format(
                len(losses), fmt_number(self._loss_now(name)))
            ax.set_title('{}\n{}'.format(_label(name, self.optimizers[name]), status),
                         fontsize=9)
            ax.set_xlim(*self.xlim)
            ax.set_ylim(*self.ylim)
            ax.set_xlabel('w1')
            if i == 0:
                ax.set_ylabel('w2')
        return fig

    def _loss_now(self, name):
        w1, w2 = self._paths[name][-1]
        with no_backprop_mode():
            return float(self.loss(Variable(numpy.array(w1, dtype=numpy.float32)),
                                   Variable(numpy.array(w2, dtype=numpy.float32))).data)

    def _frame(self):
        lines = ['Loss landscape {!r}: {} optimizers from ({}, {}), {} steps each'.format(
            self.name, len(self.optimizers), fmt_number(self.start[0]),
            fmt_number(self.start[1]), self.position)]
        for name in self.optimizers:
            w1, w2 = self._paths[name][-1]
            lines.append('{}: at ({}, {}), loss {}'.format(
                _label(name, self.optimizers[name]), fmt_number(w1), fmt_number(w2),
                fmt_number(self._loss_now(name))))
        return None, None, lines

    def _render(self):
        try:
            from teachgrad.widgets import _plots
            return _plots.to_svg(self.figure())
        except ImportError:
            return None

    def _repr_html_(self):
        svg = self.svg
        plot = svg_img(svg, 'loss landscape') if svg else ''
        return '<div class="{}"><div>{}</div>{}</div>'.format(
            self._css_class, caption_html(self.caption_lines), plot)

    def _repr_svg_(self):
        # The plot is inside the HTML (with the caption); sending it a second
        # time as image/svg+xml would double the size of a saved notebook.
        return None

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = super()._repr_mimebundle_(include, exclude)
        data['text/html'] = self._repr_html_()
        data.pop('image/svg+xml', None)
        return data

    # -- the live side --------------------------------------------------------
    def _build_widget(self):
        import ipywidgets as w
        from teachgrad.widgets._controls import RunControls
        self._ui = ui = RunControls(self, reset=True, n=10)
        ui.caption = w.HTML()
        ui.caption.add_class('teachgrad-caption')
        ui.plot = w.Image(format='png', layout=w.Layout(max_width='100%', height='auto'))
        ui.plot.add_class('teachgrad-landscape-plot')
        box = w.VBox([ui.caption, ui.plot, ui.bar, ui.errors])
        box.add_class('teachgrad-stepper')
        box.add_class(self._css_class)
        return box

    def _update_widget(self):
        from teachgrad.widgets import _plots
        ui = self._ui
        fig = self.figure()
        ui.plot.layout.width = _plots.css_width(fig)
        ui.plot.value = _plots.to_png(fig)
        if self.position == 0:
            ui.progress.value = 0     # after Reset the bar of the last run is no news
        ui.caption.value = caption_html(self.caption_lines)


def _levels(z):
    finite = z[numpy.isfinite(z)]
    lo, hi = float(finite.min()), float(numpy.percentile(finite, 95))
    if hi <= lo:
        hi = lo + 1.0
    if lo >= 0:
        # Losses near a minimum vary over decades: space the contours evenly in log.
        return numpy.geomspace(max(lo, hi * 1e-3), hi, 12)
    return numpy.linspace(lo, hi, 12)


def _short(opt):
    """``SGD(lr=0.45)``: the optimizer with the hyperparameters that set its step."""
    hp = getattr(opt, 'hyperparam', None)
    values = hp.get_dict() if hp is not None and hasattr(hp, 'get_dict') else {}
    keys = [k for k in ('lr', 'momentum', 'alpha') if k in values]
    return '{}({})'.format(type(opt).__name__, ', '.join(
        '{}={}'.format(k, fmt_number(values[k])) for k in keys))


def _label(name, opt):
    short = _short(opt)
    return short if name == type(opt).__name__ else '{} = {}'.format(name, short)
