"""teachgrad.notebook_check: nbval compares numbers as numbers, whitespace aside."""
import base64
import subprocess
import sys

import pytest

from teachgrad.notebook_check import outputs_match


@pytest.mark.parametrize('stored, fresh', [
    ('variable([[-0.7399,  1.4303 ]])', 'variable([[-0.7399,  1.4303]])'),  # numpy's padding
    ('[[-0.73991,  1.43034 ]]', '[[-0.7399101,  1.4303401]]'),              # last bit
    ('loss 0.25131', 'loss 0.2513112'),
    ('y="141.06735"', 'y="141.067354"'),                                   # matplotlib SVG
    ('[0. 1.]', '[-0. 1.]'),
    ('grad 1.1920929e-07', 'grad 0.'),                                     # noise near zero
    ('epoch 10', 'epoch 10.000001'),
])
def test_last_bit_differences_match(stored, fresh):
    assert outputs_match(stored, fresh)


@pytest.mark.parametrize('stored, fresh', [
    ('loss 0.2513', 'loss 0.2514'),          # the fourth digit is a real change
    ('epoch 10', 'epoch 11'),                # counts must be equal
    ('shape (2, 3)', 'shape (3, 2)'),
    ('accuracy 0.9', 'precision 0.9'),
    ('[1. 2.]', '[1. 2. 3.]'),
    ('id="p3f2a"', 'id="p3f2b"'),            # digits in names are text, not numbers
])
def test_real_differences_do_not_match(stored, fresh):
    assert not outputs_match(stored, fresh)


def test_svg_embedded_in_html_is_compared_by_its_numbers():
    def html(y):
        svg = '<svg><path d="M 0 {}"/></svg>'.format(y)
        return '<img src="data:image/svg+xml;base64,{}"/>'.format(
            base64.b64encode(svg.encode()).decode())
    assert html('141.067354') != html('141.06735')
    assert outputs_match(html('141.06735'), html('141.067354'))
    assert not outputs_match(html('141.06735'), html('142.06735'))


NOTEBOOK = '''{"cells": [{"cell_type": "code", "execution_count": 1, "id": "a", "metadata": {},
  "outputs": [{"name": "stdout", "output_type": "stream", "text": ["[[-0.7399  1.4303 ]]\\n"]}],
  "source": ["print('[[-0.7399  1.4303]]')"]}],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4, "nbformat_minor": 5}'''


@pytest.mark.slow
@pytest.mark.parametrize('options, passes', [(['--nbval-tolerance'], True), ([], False)])
def test_pytest_nbval_with_the_plugin(tmp_path, options, passes):
    # outside this project (no addopts): plain nbval fails on numpy's padding
    pytest.importorskip('nbval')
    (tmp_path / 'padded.ipynb').write_text(NOTEBOOK)
    done = subprocess.run([sys.executable, '-m', 'pytest', '--nbval', '--nbval-current-env',
                           *options, '-p', 'no:cacheprovider', '-q', 'padded.ipynb'],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert (done.returncode == 0) == passes, done.stdout[-3000:]
