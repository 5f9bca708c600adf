"""The ipywidgets side of the graph steppers (imported only when one is shown).

One box: the caption, the picture, and a row of controls — Reset, Prev, Next,
and a Play button linked to a slider, so a learner can click through the steps,
drag to any step, or watch them play. Every control ends in the stepper's own
``goto``/``step``/``back``, the same methods Python code calls.
"""
import ipywidgets as w

from teachgrad.widgets._stepper import CAPTION_HEIGHT, PICTURE_MAX_HEIGHT, fit_svg, legend_html
from teachgrad.widgets._text import caption_html

_PICTURE_LAYOUT = dict(overflow='auto', max_width='100%',
                       max_height='{}px'.format(PICTURE_MAX_HEIGHT + 20))


class FrameControls:
    """The widgets of a Forward/BackwardStepper and how they follow its position."""

    def __init__(self, stepper, css_class, interval=1200):
        self.stepper = stepper
        n = stepper.n_steps
        # A caption of fixed height and the controls right under it: the
        # buttons stay under the pointer while the caption's text changes.
        self.caption = w.HTML(layout=w.Layout(height=CAPTION_HEIGHT, overflow='auto'))
        self.caption.add_class('teachgrad-caption')
        self.legend = w.HTML(legend_html(getattr(stepper, '_legend', ())))
        self.picture = w.HTML(layout=w.Layout(**_PICTURE_LAYOUT))
        self.picture.add_class('teachgrad-picture')
        self.reset = w.Button(description='Reset', icon='undo',
                              tooltip='back to the state before the first step')
        self.prev = w.Button(description='Prev', icon='step-backward',
                             tooltip='undo the last step')
        self.next = w.Button(description='Next', icon='step-forward',
                             button_style='primary', tooltip='run one step')
        self.play = w.Play(min=0, max=n, step=1, interval=interval,
                           description='Play', show_repeat=False)
        self.slider = w.IntSlider(min=0, max=n, description='step',
                                  layout=w.Layout(width='320px'))
        # The browser moves the slider while playing; Python follows the slider.
        w.jslink((self.play, 'value'), (self.slider, 'value'))
        self.errors = w.Output()
        self.reset.on_click(lambda _: self._guard(stepper.reset))
        self.prev.on_click(lambda _: self._guard(stepper.back))
        self.next.on_click(lambda _: self._guard(stepper.step))
        self.slider.observe(self._on_slider, names='value')
        bar = w.HBox([self.reset, self.prev, self.next, self.play, self.slider])
        self.box = w.VBox([self.caption, bar, self.errors, self.legend, self.picture])
        self.box.add_class('teachgrad-stepper')
        self.box.add_class(css_class)

    def _guard(self, action):
        # A callback's exception would vanish into the browser's log; the
        # Output widget shows it under the stepper instead.
        with self.errors:
            action()

    def _on_slider(self, change):
        if change['new'] != self.stepper.position:
            self._guard(lambda: self.stepper.goto(change['new']))

    def update(self):
        s = self.stepper
        # The picture first: the caption changing tells a watcher the step is shown.
        self.picture.value = fit_svg(s.svg) if s.svg else '<i>(no graph renderer available)</i>'
        self.caption.value = caption_html(s.caption_lines)
        self.slider.value = s.position
        self.prev.disabled = s.position == 0
        self.reset.disabled = s.position == 0
        self.next.disabled = s.position >= s.n_steps
        # Play at the last step (or with no step at all) would do nothing.
        self.play.disabled = s.position >= s.n_steps


class RunControls:
    """Step, Run N (with a progress bar) and optionally Reset, for steppers
    whose steps only go forward (each one is a real optimizer update)."""

    def __init__(self, stepper, reset=False, n=20):
        self.stepper = stepper
        self.step = w.Button(description='Step', icon='step-forward', button_style='primary',
                             tooltip='run one optimizer.update')
        self.n = w.BoundedIntText(value=n, min=1, max=100000, description='N',
                                  layout=w.Layout(width='140px'))
        self.run = w.Button(description='Run N', icon='forward', tooltip='run N updates')
        self.progress = w.IntProgress(value=0, min=0, max=1, layout=w.Layout(width='240px'))
        self.progress.add_class('teachgrad-progress')
        self.errors = w.Output()
        self.step.on_click(lambda _: self._guard(stepper.step))
        self.run.on_click(lambda _: self._guard(lambda: self._run(self.n.value)))
        buttons = [self.step, self.n, self.run]
        if reset:
            self.reset = w.Button(description='Reset', icon='undo',
                                  tooltip='start again from the first point')
            self.reset.on_click(lambda _: self._guard(stepper.reset))
            buttons.append(self.reset)
        self.bar = w.HBox(buttons + [self.progress])

    def _guard(self, action):
        with self.errors:
            action()

    def _run(self, n):
        """n real updates; the bar moves at each, the pictures a few times."""
        s = self.stepper
        self.step.disabled = self.run.disabled = True
        self.progress.max, self.progress.value = n, 0
        every = max(1, n // 5)
        try:
            for i in range(n):
                s._update_once()
                self.progress.value = i + 1
                if (i + 1) % every == 0 and i + 1 < n:
                    s._refresh()
        finally:
            self.step.disabled = self.run.disabled = False
            s._refresh()
