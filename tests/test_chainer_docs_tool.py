"""The development tool that runs Chainer's docs against teachgrad finds the right code blocks."""
import importlib.util
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    'chainer_docs', os.path.join(HERE, '..', 'tools', 'chainer_docs.py'))
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)

PAGE = '''\
Title
=====

.. testsetup::

   import numpy as np

Some prose with ``chainer`` in it.

.. testcode::
   :hide:

   print(1 + 1)

.. testoutput::
   :options: +NORMALIZE_WHITESPACE

   2

.. doctest::

   >>> a = 3
   >>> a * 2
   6

.. note::

   A bare paragraph inside a note:

   >>> a + 1
   4

.. code-block:: console

   $ python train.py

.. code-block:: python

   import chainer.functions as F

.. math::

   >>> not code

.. testcode::
   :skipif: True

   raise RuntimeError
'''


def test_extraction_kinds_order_lines_and_options():
    blocks = tool.extract_blocks(PAGE)
    assert [b.kind for b in blocks] == ['testsetup', 'testcode', 'doctest', 'doctest-block',
                                        'code-block', 'testcode']
    assert [b.lineno for b in blocks] == [4, 10, 20, 30, 37, 45]
    setup, code, dt, bare, cb, skipped = blocks
    assert setup.code == 'import numpy as np\n'
    assert code.code == 'print(1 + 1)\n' and code.output == '2\n'
    assert code.options == {'hide': '', 'output-options': '+NORMALIZE_WHITESPACE'}
    assert dt.code == '>>> a = 3\n>>> a * 2\n6\n'
    assert bare.code == '>>> a + 1\n4\n'
    assert cb.code == 'import chainer.functions as F\n'
    assert skipped.options == {'skipif': 'True'}


def test_include_is_followed(tmp_path):
    (tmp_path / 'imports.rst').write_text('.. testcode::\n\n   import math\n')
    page = '.. include:: imports.rst\n\n.. doctest::\n\n   >>> math.pi > 3\n   True\n'
    blocks = tool.extract_blocks(page, str(tmp_path))
    assert [(b.kind, b.code) for b in blocks] == [
        ('testcode', 'import math\n'), ('doctest', '>>> math.pi > 3\nTrue\n')]


def test_rename_keeps_other_packages():
    assert tool.rename('import chainer.functions as F; import chainerx; chainer.Variable') == \
        'import teachgrad.functions as F; import chainerx; teachgrad.Variable'


def test_blocks_share_a_namespace_and_outputs_are_compared():
    import signal
    signal.signal(signal.SIGALRM, tool._on_alarm)
    globs = {}
    assert tool.run_testcode('x = 21\n', None, globs, 'b1', tool.DEFAULT_FLAGS, 5) == (True, None)
    assert tool.run_testcode('print(x * 2)\n', '42\n', globs, 'b2', tool.DEFAULT_FLAGS, 5) == \
        (True, None)
    ok, err = tool.run_testcode('print(x)\n', '22\n', globs, 'b3', tool.DEFAULT_FLAGS, 5)
    assert not ok and "expected '22', got '21'" in err
    ok, err = tool.run_doctest_text('>>> y = x + 1\n>>> y\n22\n', globs, 'b4',
                                    tool.DEFAULT_FLAGS, 5)
    assert ok and globs['y'] == 22
    ok, err = tool.run_doctest_text('>>> 1 / 0\n', globs, 'b5', tool.DEFAULT_FLAGS, 5)
    assert not ok and 'ZeroDivisionError' in err


def test_alias_maps_chainer_imports_to_teachgrad():
    tool.install_alias()
    try:
        import chainer.functions as F
        import teachgrad.functions
        assert F is teachgrad.functions
        assert teachgrad.functions.__spec__.name == 'teachgrad.functions'
    finally:
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, tool.ChainerAlias)]
        for name in [n for n in sys.modules if n == 'chainer' or n.startswith('chainer.')]:
            del sys.modules[name]
        sys.modules.pop('chainerx', None)


def test_block_time_limit():
    import signal
    signal.signal(signal.SIGALRM, tool._on_alarm)
    ok, err = tool.run_testcode('while True: pass\n', None, {}, 'slow', tool.DEFAULT_FLAGS, 1)
    assert not ok and err.startswith('BlockTimeout')


def test_literal_blocks_after_double_colon_are_not_run():
    page = 'Shown only::\n\n  >>> f = 1\n\nTested:\n\n  >>> f = 2\n'
    blocks = tool.extract_blocks(page)
    assert [(b.kind, b.code) for b in blocks] == [('doctest-block', '>>> f = 2\n')]


def test_expected_traceback_in_testoutput():
    import signal
    signal.signal(signal.SIGALRM, tool._on_alarm)
    want = 'Traceback (most recent call last):\n...\nValueError: bad shape\n'
    flags = tool._parse_flags('-IGNORE_EXCEPTION_DETAIL', tool.DEFAULT_FLAGS)
    assert tool.run_testcode("raise ValueError('bad shape')\n", want, {}, 'b', flags, 5) == \
        (True, None)
    ok, err = tool.run_testcode("raise ValueError('other')\n", want, {}, 'b', flags, 5)
    assert not ok and "expected 'ValueError: bad shape', got 'ValueError: other'" in err
    ok, err = tool.run_testcode("pass\n", want, {}, 'b', flags, 5)
    assert not ok and 'output differs' in err
