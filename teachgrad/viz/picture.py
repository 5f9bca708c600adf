"""A drawn picture: DOT text that renders itself lazily, shows itself in
Jupyter, and saves itself as .svg, .png or .dot."""
import os
import re

from teachgrad.viz import render

# Jupyter shows an SVG output at its own size and cuts off what is wider than
# the output area. A picture wider than this (CSS px) is given the width of
# the output area instead: scaled down as far as needed, never cut off, and at
# a 1280 px screen still more than half of its size (legible text).
WIDE = 800
_SIZE = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)(pt|px)?"\s+height="([\d.]+)(pt|px)?"')


def fit_to_width(svg, wide=WIDE):
    """The SVG as Jupyter should show it: wider than ``wide`` px, at 100% of the output's width.

    >>> fit_to_width('<svg width="1500pt" height="300pt" viewBox="0 0 1500 300">')
    '<svg width="100%" viewBox="0 0 1500 300">'
    >>> fit_to_width('<svg width="300pt" height="100pt" viewBox="0 0 300 100">')
    '<svg width="300pt" height="100pt" viewBox="0 0 300 100">'
    """
    match = _SIZE.search(svg or '')
    if not match:
        return svg
    width = float(match.group(1)) * (4 / 3 if match.group(2) == 'pt' else 1)
    if width <= wide:
        return svg
    head = match.group(0)
    new = re.sub(r'\swidth="[^"]*"\s+height="[^"]*"', ' width="100%"', head)
    return svg[:match.start()] + new + svg[match.end():]


class Picture:
    """What :func:`teachgrad.viz.draw` returns.

    ``source`` is the DOT text; ``svg`` renders it (once) with Graphviz;
    ``_repr_svg_`` is what Jupyter shows, and never raises: without Graphviz
    it returns None (Jupyter then shows the text) and warns once how to
    install one; when Graphviz is too slow or fails, it shows a short message
    with a hint instead of the graph.

    >>> import numpy as np
    >>> from teachgrad import Variable, viz
    >>> x = Variable(np.array([2.], dtype=np.float32), name='x')
    >>> picture = viz.draw(x * x)
    >>> picture
    <teachgrad.viz.Picture: 3 boxes>
    >>> picture.source.splitlines()[0]
    'digraph {'
    """

    def __init__(self, source, boxes, hint=''):
        self.source = source
        self.boxes = boxes
        self._hint = hint
        self._svg = None

    @property
    def svg(self):
        """The picture as SVG text (raises RendererNotFound without Graphviz)."""
        if self._svg is None:
            try:
                self._svg = render.run(self.source, 'svg').decode('utf-8')
            except render.RenderTimeout as e:
                self._svg = render.message_svg('This graph was not drawn.', [
                    '{} ({} boxes)'.format(e, self.boxes), self._hint])
            except render.RenderError as e:
                self._svg = render.message_svg('This graph was not drawn.', [str(e)])
        return self._svg

    def _repr_svg_(self):
        try:
            return fit_to_width(self.svg)
        except render.RendererNotFound as e:
            render.warn_once('missing', str(e))
        except Exception as e:      # the display path degrades, never crashes
            render.warn_once(('failed', type(e).__name__),
                             'teachgrad could not draw this picture: {}'.format(e))
        return None

    def pipe(self, format='svg', dpi=None):
        """The picture rendered to ``format`` ('svg', 'png', 'pdf', ...) as bytes."""
        return render.run(self.source, format, dpi=dpi)

    def save(self, path, dpi=144):
        """Write the picture to ``path``: .svg, .png (at ``dpi``) or .dot/.gv.

        Returns ``path``.
        """
        ext = os.path.splitext(os.fspath(path))[1].lower()
        if ext in ('.dot', '.gv'):
            data = self.source.encode('utf-8')
        elif ext == '.svg':
            data = self.svg.encode('utf-8')
        elif ext == '.png':
            data = self.pipe('png', dpi=dpi)
        else:
            raise ValueError(
                'cannot save a picture as {!r}: use a file name ending in .svg, '
                '.png or .dot'.format(ext or os.fspath(path)))
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def __repr__(self):
        return '<teachgrad.viz.Picture: {} boxes>'.format(self.boxes)
