"""The kernel stays a book: the files README.md names under "Reading the
engine" exist, total at most 700 lines with their docstrings, and carry no
compatibility tricks (no ``inspect``)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 700


def kernel_files():
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    section = readme.split('## Reading the engine', 1)[1].split('\n## ', 1)[0]
    reading = section.split('Around the kernel', 1)[0]
    return re.findall(r'^\d+\. `([^`]+)`', reading, flags=re.M)


def test_the_reading_section_names_the_kernel_in_order():
    assert kernel_files() == ['teachgrad/variable.py', 'teachgrad/function_node.py',
                              'teachgrad/backprop.py', 'teachgrad/functions/basic_math.py']


def test_the_kernel_fits_its_line_budget():
    lines = {name: len((ROOT / name).read_text(encoding='utf-8').splitlines())
             for name in kernel_files()}
    assert sum(lines.values()) <= BUDGET, lines


def test_the_kernel_does_not_import_inspect():
    for name in kernel_files():
        source = (ROOT / name).read_text(encoding='utf-8')
        assert not re.search(r'^\s*(import inspect|from inspect )', source, flags=re.M), name
