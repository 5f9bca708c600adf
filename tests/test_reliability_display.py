"""Class 6 of reliability: the display path. NaN arrays draw without numpy
warnings, and a picture cut short by a dying renderer is never handed on."""
import os
import stat
import warnings
from xml.etree import ElementTree

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from teachgrad import Variable, viz
from teachgrad.viz import render, values


@pytest.fixture(autouse=True)
def default_options():
    yield
    viz.set_options(reset=True)


def texts(svg):
    return [t.text for t in ElementTree.fromstring(svg).iter() if t.tag.endswith('text')
            and t.text]


@settings(max_examples=20, deadline=None)
@given(size=st.integers(1, 60), nan_share=st.sampled_from([1.0, 0.5]))
def test_nan_arrays_draw_without_numpy_warnings(size, nan_share):
    a = np.arange(size, dtype=np.float32)
    a[:int(np.ceil(size * nan_share))] = np.nan
    x = Variable(a, name='x')
    y = x * 2
    y.grad = np.full(size, np.nan, np.float32)
    y.backward()
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        viz.draw(y).source
        summary = values.summary(a)
        repr(x)
    if nan_share == 1.0:
        assert summary == 'min nan  mean nan  max nan'


def test_all_nan_summary_example():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert values.summary(np.full((30,), np.nan)) == 'min nan  mean nan  max nan'


def renderer_script(tmp_path, body):
    script = tmp_path / 'half-dot'
    script.write_text('#!/bin/sh\ncat > /dev/null\n' + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


@pytest.mark.skipif(os.name != 'posix', reason='uses a shell script as the renderer')
@pytest.mark.parametrize('output', [
    '<?xml version="1.0"?>\\n<svg xmlns="http://www.w3.org/2000/svg"><g><text>x',
    '<svg xmlns="http://www.w3.org/2000/svg"><g>',
    '<html><body>not a picture</body></html>',
    'garbage',
])
def test_half_an_svg_falls_back_to_the_message_card(tmp_path, output):
    viz.set_options(executable=renderer_script(tmp_path, "printf '{}'\nexit 0\n".format(output)))
    x = Variable(np.array([1.], np.float32), name='x')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        svg = (x * 2)._repr_svg_()
    words = texts(svg)          # well-formed: it parses
    assert words[0] == 'This graph was not drawn.'
    assert any('incomplete SVG' in w or 'not an SVG' in w for w in words)


@pytest.mark.skipif(os.name != 'posix', reason='uses a shell script as the renderer')
def test_a_complete_svg_passes_unchanged(tmp_path):
    picture = '<svg xmlns="http://www.w3.org/2000/svg"><text>ok</text></svg>'
    viz.set_options(executable=renderer_script(tmp_path, "printf '{}'\n".format(picture)))
    x = Variable(np.array([1.], np.float32))
    assert (x * 2)._repr_svg_() == picture


def test_check_svg_directly():
    render._check_svg(b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    with pytest.raises(render.RenderError, match=r'incomplete SVG \(12 bytes'):
        render._check_svg(b'<svg><g></g>')
