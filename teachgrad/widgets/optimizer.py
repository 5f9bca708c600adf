"""OptimizerStepper: run ``optimizer.update(lossfun, *args)`` one click at a time.

Each Step is one real update — forward, backward, the pre-update hooks, the
update rule — and the widget then shows what it did to every parameter: the
grad that backward left, what each hook added to it (WeightDecay's ``rate·p``),
the update the rule applied, and the rule's state (MomentumSGD's velocity
``v``, Adam's ``m`` and ``v``). The loss curve grows with each step.

>>> import numpy as np
>>> import teachgrad.links as L
>>> import teachgrad.functions as F
>>> from teachgrad import optimizers
>>> model = L.Linear(1, 1, initialW=np.array([[0.]], dtype=np.float32))
>>> x = np.array([[1.], [2.]], dtype=np.float32)
>>> t = np.array([[2.], [4.]], dtype=np.float32)
>>> opt = optimizers.SGD(lr=0.1).setup(model)
>>> s = OptimizerStepper(opt, lambda x, t: F.sum((model(x) - t) ** 2) / 2, x, t)
>>> s.step()
10.0
>>> s.last['/W'].update
array([[1.]], dtype=float32)
>>> s.step(n=3) < 1
True
>>> len(s.losses)
4
"""
import collections

from teachgrad import utils
from teachgrad.widgets._stepper import Stepper, svg_img
from teachgrad.widgets._text import caption_html, fmt_array, fmt_number

# Each rule in one line, in the names its state uses (Chainer's names).
RULES = {
    'SGD': 'p ← p - lr · grad',
    'MomentumSGD': 'v ← momentum · v - lr · grad;  p ← p + v',
    'NesterovAG': 'v ← momentum · v - lr · grad;  p ← p + momentum · v - lr · grad',
    'Adam': 'm ← m + (1-beta1)(grad - m);  v ← v + (1-beta2)(grad² - v);  '
            'p ← p - alpha_t · m / (√v + eps)',
    'AdamW': 'Adam, plus p ← p - eta · weight_decay_rate · p',
    'AMSGrad': 'Adam with v replaced by its running maximum vhat',
    'AdaGrad': 'h ← h + grad²;  p ← p - lr · grad / (√h + eps)',
    'RMSprop': 'ms ← alpha · ms + (1-alpha) · grad²;  p ← p - lr · grad / √(ms + eps)',
}
HOOKS = {
    'WeightDecay': 'adds rate · p to the grad',
    'Lasso': 'adds rate · sign(p) to the grad',
    'GradientClipping': 'scales all grads down if their norm is above the threshold',
    'GradientHardClipping': 'clips each grad element to [lower, upper]',
}

NO_DEPENDENCE = ("the loss does not depend on this optimizer's parameters: every grad "
                 "is None or zero, so the update changed nothing that matters.")
NO_DEPENDENCE_HINT = ('Does lossfun use the model given to optimizer.setup(model)? A global '
                      'name rebound in a later cell (model = ...) is a common cause: pass '
                      'the model as an argument instead.')


class ParamUpdate:
    """What one update did to one parameter (copies, safe to keep).

    Attributes:
        path: the parameter's path in the model, e.g. ``'/l1/W'``.
        value: the parameter after the update.
        backward_grad: the grad that backward left (None if none).
        hooks: ``[(hook name, what it added to the grad)]``, pre-update hooks in order.
        grad: the grad the update rule used (backward's plus the hooks').
        update: what the rule added to the parameter.
        state: the rule's state after the update, e.g. ``{'v': ...}``.
    """
    __slots__ = ('path', 'value', 'backward_grad', 'hooks', 'grad', 'update', 'state')

    def __init__(self, path, value, backward_grad, hooks, grad, update, state):
        self.path, self.value, self.backward_grad = path, value, backward_grad
        self.hooks, self.grad, self.update, self.state = hooks, grad, update, state

    def __repr__(self):
        return '<ParamUpdate {} update={}>'.format(self.path, fmt_array(self.update))


def _copy(a):
    return None if a is None else a.copy()


class _Recorder:
    """A pre-update hook that only looks: it copies every parameter's grad
    (and, the first time, its value). The stepper puts one before, between
    and after the optimizer's own pre-update hooks to see what each added."""
    call_for_each_param = False
    timing = 'pre'

    def __init__(self, sink, with_values=False):
        self.sink = sink
        self.with_values = with_values

    def __call__(self, optimizer):
        self.sink.append({path: (_copy(p.grad), _copy(p.data) if self.with_values else None)
                          for path, p in optimizer.target.namedparams()})


class OptimizerStepper(Stepper):
    """Step an optimizer through ``optimizer.update(lossfun, *args)``.

    Args:
        optimizer: an optimizer already set up on the model
            (``optimizers.SGD().setup(model)``), hooks included.
        lossfun: returns the loss Variable; called as ``lossfun(*args)`` by
            the optimizer at each update.
        args: the arguments for ``lossfun`` (e.g. a batch ``x, t``).

    Attributes:
        losses: the loss of every update so far (computed before that update).
        last: ``{path: ParamUpdate}`` for the latest update.

    In a notebook, display it for Step, Run N with a progress bar, the loss
    curve and the parameter table.
    """
    _css_class = 'teachgrad-optimizer-stepper'

    def __init__(self, optimizer, lossfun, *args):
        if getattr(optimizer, 'target', None) is None:
            raise RuntimeError(
                'the optimizer is not set up: call optimizer.setup(model) first, '
                'e.g. OptimizerStepper(optimizers.SGD().setup(model), lossfun, x, t).')
        if not callable(lossfun):
            raise TypeError('lossfun must be a function returning the loss, got {}'.format(
                type(lossfun).__name__))
        self.optimizer = optimizer
        self.lossfun = lossfun
        self.args = args
        self.losses = []
        self.last = {}

    @property
    def position(self):
        return len(self.losses)

    def _frame_key(self):
        return self.position

    # -- stepping -------------------------------------------------------------
    def step(self, n=1):
        """Run ``n`` real updates; returns the loss of the last one."""
        for _ in range(n):
            self._update_once()
        self._refresh()
        return self.losses[-1] if self.losses else None

    def _update_once(self):
        opt = self.optimizer
        captured = []

        def lossfun(*args, **kwargs):
            loss = self.lossfun(*args, **kwargs)
            captured.append(loss)
            return loss

        snapshots = []
        hooks = getattr(opt, '_pre_update_hooks', None)
        names = list(hooks) if hooks is not None else []
        if hooks is not None:
            watched = collections.OrderedDict(
                [('teachgrad.widgets:before', _Recorder(snapshots, True))])
            for i, (name, hook) in enumerate(hooks.items()):
                watched[name] = hook
                watched['teachgrad.widgets:after{}'.format(i)] = _Recorder(snapshots)
            opt._pre_update_hooks = watched
        try:
            opt.update(lossfun, *self.args)
        finally:
            if hooks is not None:
                opt._pre_update_hooks = hooks
        loss = captured[-1] if captured else None
        data = getattr(loss, 'data', loss)
        self.losses.append(float(data.reshape(())) if getattr(data, 'size', 0) == 1
                           else float('nan'))
        self.last = self._read_params(snapshots, names, hooks)
        if self.last and not self.loss_depends_on_params:
            import warnings
            warnings.warn(NO_DEPENDENCE + ' ' + NO_DEPENDENCE_HINT, RuntimeWarning, stacklevel=3)

    @property
    def loss_depends_on_params(self):
        """False when the latest update's grads were all None or zero.

        Then the loss did not depend on the parameters this optimizer updates:
        typically ``lossfun`` uses another model (a global name that a later
        cell rebound) than the one given to ``optimizer.setup``.

        >>> import numpy as np, warnings
        >>> import teachgrad.links as L, teachgrad.functions as F
        >>> from teachgrad import optimizers
        >>> mine, other = L.Linear(1, 1), L.Linear(1, 1)
        >>> x = np.ones((2, 1), dtype=np.float32)
        >>> s = OptimizerStepper(optimizers.SGD().setup(mine), lambda x: F.sum(other(x)), x)
        >>> with warnings.catch_warnings(record=True):
        ...     _ = s.step()
        >>> s.loss_depends_on_params
        False
        """
        if not self.last:
            return True
        grads = [rec.backward_grad for rec in self.last.values() if rec.backward_grad is not None]
        return any(bool((g != 0).any()) for g in grads)

    def _read_params(self, snapshots, names, hooks):
        out = {}
        for path, p in self.optimizer.target.namedparams():
            rule = p.update_rule
            grads = [s[path][0] for s in snapshots]
            before = snapshots[0][path][1] if snapshots else None
            contributions = []
            for i, name in enumerate(names):
                g0, g1 = grads[i], grads[i + 1]
                if g0 is not None and g1 is not None:
                    contributions.append((name, g1 - g0))
            update = getattr(rule, 'last_update', None)
            if update is None and before is not None and p.data is not None:
                update = p.data - before
            state = rule.state if rule is not None and rule.state is not None else {}
            out[path] = ParamUpdate(
                path, _copy(p.data), grads[0] if grads else None, contributions,
                grads[-1] if grads else _copy(p.grad), _copy(update),
                {k: _copy(v) for k, v in sorted(state.items())})
        return out

    # -- the static side ------------------------------------------------------
    def _frame(self):
        opt = self.optimizer
        name = type(opt).__name__
        if not self.losses:
            lines = ['Ready: each Step runs one optimizer.update(lossfun, …)']
        else:
            lines = ['Step {}: loss {} (computed before this update)'.format(
                self.position, fmt_number(self.losses[-1]))]
            if len(self.losses) > 1:
                lines[0] += ', was {} a step earlier'.format(fmt_number(self.losses[-2]))
        if not self.loss_depends_on_params:
            lines.append('⚠ ' + NO_DEPENDENCE)
            lines.append(NO_DEPENDENCE_HINT)
        lines.append('optimizer: {!r}, t = {}'.format(opt, opt.t))
        if name in RULES:
            lines.append('{} rule: {}'.format(name, RULES[name]))
        hooks = getattr(opt, '_pre_update_hooks', None) or {}
        for hname, hook in hooks.items():
            lines.append('pre-update hook {!r} {}'.format(
                hook, HOOKS.get(type(hook).__name__, 'changes the grads')))
        return None, None, lines

    def table_rows(self):
        """The parameter table: one ``(column, text)`` list per parameter."""
        rows = []
        params = list(self.optimizer.target.namedparams())
        for path, p in params:
            rec = self.last.get(path)
            row = [('parameter', '{} {}'.format(path, _shape(p)))]
            if rec is None:
                row.append(('value', fmt_array(p.data)))
            else:
                row.append(('value', fmt_array(rec.value)))
                row.append(('grad (backward)', fmt_array(rec.backward_grad)))
                for hname, added in rec.hooks:
                    row.append(('+ ' + hname, fmt_array(added)))
                if rec.hooks:
                    row.append(('grad used', fmt_array(rec.grad)))
                row.append(('update', fmt_array(rec.update)))
                for key, v in rec.state.items():
                    row.append(('state ' + key, fmt_array(v)))
            rows.append(row)
        return rows

    def table_html(self):
        parts = ['<table class="teachgrad-params" style="border-collapse:collapse;'
                 'line-height:1.3">']
        for row in self.table_rows():
            cells = []
            for i, (col, text) in enumerate(row):
                style = 'padding:1px 8px;text-align:left;font-family:monospace'
                if i == 0:
                    cells.append('<th style="{};padding-top:6px">{}</th>'.format(
                        style, _esc(text)))
                else:
                    cells.append('<tr><td style="{}">{}</td><td style="{}">{}</td></tr>'
                                 .format(style, _esc(col), style, _esc(text)))
            parts.append('<tr>{}</tr>'.format(cells[0]) + ''.join(cells[1:]))
        parts.append('</table>')
        return ''.join(parts)

    def table_text(self):
        lines = []
        for row in self.table_rows():
            lines.append(row[0][1])
            lines.extend('  {}: {}'.format(col, text) for col, text in row[1:])
        return '\n'.join(lines)

    @property
    def caption(self):
        return '\n'.join(self.caption_lines) + '\n' + self.table_text()

    def loss_figure(self):
        from teachgrad.widgets import _plots
        fig = _plots.figure(4.2, 2.8)
        _plots.loss_curve(fig.add_subplot(), self.losses,
                          'loss of each update ({})'.format(type(self.optimizer).__name__))
        return fig

    def _render(self):
        try:
            from teachgrad.widgets import _plots
            return _plots.to_svg(self.loss_figure())
        except ImportError:              # no matplotlib: the table still shows
            return None

    def _repr_html_(self):
        svg = self.svg
        plot = svg_img(svg, 'loss curve') if svg else ''
        return ('<div class="{}"><div>{}</div><div style="display:flex;gap:16px;'
                'align-items:flex-start">{}{}</div></div>').format(
            self._css_class, caption_html(self.caption_lines), plot, self.table_html())

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
        self._ui = ui = RunControls(self)
        ui.caption = w.HTML()
        ui.caption.add_class('teachgrad-caption')
        ui.plot = w.Image(format='png', layout=w.Layout(width='420px', height='auto',
                                                        flex='0 0 auto'))
        ui.plot.add_class('teachgrad-loss-plot')
        ui.table = w.HTML()
        ui.table.add_class('teachgrad-params')
        middle = w.HBox([ui.plot, ui.table], layout=w.Layout(align_items='flex-start'))
        box = w.VBox([ui.caption, middle, ui.bar, ui.errors])
        box.add_class('teachgrad-stepper')
        box.add_class(self._css_class)
        return box

    def _update_widget(self):
        from teachgrad.widgets import _plots
        ui = self._ui
        # The caption last: when it changes, the rest of the step is shown too.
        ui.plot.value = _plots.to_png(self.loss_figure())
        ui.table.value = self.table_html()
        ui.caption.value = caption_html(self.caption_lines)


def _shape(p):
    return utils.shape_text(None if p.data is None else p.data.shape)


def _esc(text):
    import html
    return html.escape(text)
