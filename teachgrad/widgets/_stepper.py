"""What every stepper shares: a static picture plus caption, and a live widget.

A stepper is a plain Python object. Its picture and caption are available
without ipywidgets (``.svg``, ``.caption``, and the ``_repr_*_`` methods that
Jupyter, nbconvert and nbval use), so a saved notebook or a front end without
widgets still shows the current step. ``.widget`` builds the interactive
version on first use; only then are ipywidgets imported.
"""
import base64
import re

from teachgrad.widgets._text import caption_html

# A graph stepper fits a 1280x720 screen with its caption, controls, legend
# and picture: the picture is scaled down to at most this height (CSS px).
PICTURE_MAX_HEIGHT = 420
# The caption box has room for this many lines, so the controls below it stay
# where they are whatever the step says.
CAPTION_LINES = 5
CAPTION_HEIGHT = '{:.2f}em'.format(CAPTION_LINES * 1.45)


class Stepper:
    """Base class. Subclasses define ``position``, ``_frame()`` (styles,
    notes and caption lines of the current step), ``_render()`` (its
    picture), ``_build_widget()`` and ``_update_widget()``."""

    _widget = None
    _cache = None             # (key, svg) of the last picture drawn

    # -- the static side ------------------------------------------------------
    @property
    def caption_lines(self):
        """The caption of the current step, one sentence per line."""
        return self._frame()[2]

    @property
    def caption(self):
        """The caption of the current step as plain text."""
        return '\n'.join(self.caption_lines)

    @property
    def svg(self):
        """The picture of the current step as SVG text (None without a renderer)."""
        key = self._frame_key()
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, self._render())
        return self._cache[1]

    def _frame_key(self):
        return self.position

    def _render(self):
        raise NotImplementedError

    def _repr_svg_(self):
        return self.svg

    def _repr_html_(self):
        return static_html(self.caption_lines, self.svg, self._css_class,
                           getattr(self, '_legend', ()))

    def _repr_mimebundle_(self, include=None, exclude=None):
        # The static picture and caption always; the live widget too when
        # ipywidgets is there. Front ends pick the richest they can show, and
        # a saved notebook keeps the static ones.
        data = {'text/plain': self.caption}
        svg = self.svg
        if svg:
            data['image/svg+xml'] = svg
        data['text/html'] = static_html(self.caption_lines, svg, self._css_class,
                                        getattr(self, '_legend', ()))
        try:
            view = self.widget._repr_mimebundle_()
        except ImportError:
            view = None
        if view:
            key = 'application/vnd.jupyter.widget-view+json'
            if key in view:
                data[key] = view[key]
        return data

    def __repr__(self):
        return '<{} {}>'.format(type(self).__name__, self.caption_lines[0])

    # -- the live side --------------------------------------------------------
    @property
    def widget(self):
        """The ipywidgets box (built on first use; display the stepper to see it)."""
        if self._widget is None:
            self._widget = self._build_widget()
            self._refresh()
        return self._widget

    def _refresh(self):
        """Show the current step in the widget, if one was built."""
        if self._widget is not None:
            self._update_widget()


class GraphStepper(Stepper):
    """A stepper over a graph picture: Reset / Prev / Next / Play and a slider.

    Subclasses define ``position``, ``n_steps``, ``step()``, ``back()``,
    ``reset()``, ``goto(position)`` and ``_frame()``; ``_show_grads`` says
    whether the picture shows grads.
    """
    _show_grads = True
    _legend = ()          # (colour, what it marks) for the highlight colours

    def _render(self):
        styles, notes, _ = self._frame()
        try:
            from teachgrad import viz
            return viz.draw(self.y, show_values=True, show_grads=self._show_grads,
                            styles=styles, notes=notes, fixed_size=True)._repr_svg_()
        except Exception:           # the display path degrades, never crashes
            return None

    def _build_widget(self):
        from teachgrad.widgets._controls import FrameControls
        self._controls = FrameControls(self, self._css_class)
        return self._controls.box

    def _update_widget(self):
        self._controls.update()


def svg_inline(svg):
    """SVG text ready to sit inside HTML: without its XML prolog."""
    if not svg:
        return ''
    start = svg.find('<svg')
    return svg[start:] if start >= 0 else svg


def svg_img(svg, alt=''):
    """An ``<img>`` tag holding the SVG as a data URI (keeps its ids to itself)."""
    data = base64.b64encode(svg.encode('utf-8')).decode('ascii')
    return '<img alt="{}" src="data:image/svg+xml;base64,{}"/>'.format(alt, data)


def _px(value, unit):
    return float(value) * (4 / 3 if unit == 'pt' else 1)


def fit_svg(svg, max_height=PICTURE_MAX_HEIGHT):
    """Inline SVG scaled down to ``max_height`` px (never up) and to the width it is given.

    >>> fit_svg('<svg width="300pt" height="600pt" viewBox="0 0 300 600"></svg>', 400)
    '<svg width="200px" height="400px" style="max-width:100%;height:auto" viewBox="0 0 300 600"></svg>'
    """
    svg = svg_inline(svg)
    tag = re.match(r'<svg\b[^>]*>', svg)
    if not tag:
        return svg
    head = tag.group(0)
    w = re.search(r'\swidth="([\d.]+)(pt|px)?"', head)
    h = re.search(r'\sheight="([\d.]+)(pt|px)?"', head)
    if not (w and h):
        return svg
    width, height = _px(*w.groups()), _px(*h.groups())
    scale = min(1.0, max_height / height) if height > 0 else 1.0
    new = head.replace(w.group(0), ' width="{:g}px"'.format(round(width * scale, 1)))
    new = new.replace(h.group(0), ' height="{:g}px" style="max-width:100%;height:auto"'.format(
        round(height * scale, 1)))
    return new + svg[len(head):]


def legend_html(items):
    """One line that names each highlight colour of the picture."""
    if not items:
        return ''
    parts = ['<span style="white-space:nowrap;margin-right:14px"><span style="display:inline-block;'
             'width:18px;height:0;border-top:3px solid {};vertical-align:middle;margin-right:5px">'
             '</span>{}</span>'.format(colour, text) for colour, text in items]
    return '<div class="teachgrad-legend" style="font-size:90%;line-height:1.6">{}</div>'.format(
        ''.join(parts))


def static_html(lines, svg, css_class, legend=()):
    picture = '<div>{}</div>'.format(fit_svg(svg)) if svg else ''
    return '<div class="{}"><div>{}</div>{}{}</div>'.format(
        css_class, caption_html(lines), legend_html(legend), picture)
