"""Run Chainer's documentation, docstring examples and example scripts against teachgrad.

A development tool, not part of the package. It reads a Chainer v7 checkout
(its ``docs/source``, ``chainer/`` and ``examples/`` folders) from the path
given with ``--chainer`` and runs the code found there with ``chainer``
replaced by ``teachgrad``: the module name is replaced in the text, and an
import hook maps ``chainer`` and ``chainer.*`` to ``teachgrad`` and
``teachgrad.*`` for code that is run unchanged (the example scripts and the
modules they import). Nothing of Chainer's is copied into this repository.

    python tools/chainer_docs.py --chainer PATH pages       # guides/ and examples/ pages
    python tools/chainer_docs.py --chainer PATH docstrings  # >>> examples in chainer/**/*.py
    python tools/chainer_docs.py --chainer PATH scripts     # examples/*/train_*.py, tiny settings
    python tools/chainer_docs.py --chainer PATH all

Data that would be downloaded (get_mnist, get_cifar10/100, get_ptb_words...)
is replaced by small seeded stand-ins of the same shapes and types, in pages,
docstrings and scripts alike (``--no-standins`` uses the real getters).

Each page (or docstring, or script) runs in a child process of its own, in a
scratch directory, so a crash, a hang or a file written by a snippet cannot
affect the next one. Blocks of one page run in order in one namespace, as
Sphinx's doctest builder runs them; each block has a time limit.

The report gives per-page pass/fail counts and, for each failure, the first
line of its error. ``--json FILE`` also writes every result.
"""
import argparse
import ast
import doctest
import importlib
import importlib.abc
import importlib.util
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import traceback
import types
from contextlib import redirect_stdout, redirect_stderr

# ----------------------------------------------------------------------------
# Renaming: chainer -> teachgrad
# ----------------------------------------------------------------------------

# `chainer` as a whole word, so chainerx / chainermn / chainercv stay as they are.
_NAME_RE = re.compile(r'\bchainer\b')


def rename(text):
    """Replace the module name ``chainer`` by ``teachgrad`` in source text."""
    return _NAME_RE.sub('teachgrad', text)


class ChainerAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import hook: ``import chainer.x.y`` gives the module ``teachgrad.x.y``."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname == 'chainer' or fullname.startswith('chainer.'):
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        real = importlib.import_module('teachgrad' + spec.name[len('chainer'):])
        self._real_spec = real.__spec__
        return real

    def exec_module(self, module):
        # The import system stamped the alias spec on the real module; give it
        # its own back so teachgrad's own imports and reloads are undisturbed.
        module.__spec__ = self._real_spec


def _stub_chainerx():
    """A stand-in ``chainerx`` that says it is unavailable (chainerx is out of scope)."""
    mod = types.ModuleType('chainerx')
    mod.is_available = lambda: False
    mod.ndarray = type('ndarray', (), {})
    return mod


def install_alias():
    if not any(isinstance(f, ChainerAlias) for f in sys.meta_path):
        sys.meta_path.insert(0, ChainerAlias())
    sys.modules.setdefault('chainerx', _stub_chainerx())
    prelude = os.environ.get('CHAINER_DOCS_PRELUDE')
    if prelude:         # --prelude: stand-ins for APIs another branch is adding
        with open(prelude) as f:
            exec(compile(f.read(), prelude, 'exec'), {'__name__': '__prelude__'})


# ----------------------------------------------------------------------------
# Extraction of code blocks from reStructuredText
# ----------------------------------------------------------------------------

_DIRECTIVE_RE = re.compile(r'^(\s*)\.\.\s+([\w-]+)::\s*(.*?)\s*$')
_OPTION_RE = re.compile(r'^\s*:([\w-]+):\s*(.*?)\s*$')
_CODE_DIRECTIVES = {'testcode', 'doctest', 'testsetup', 'testcleanup', 'testoutput',
                    'code-block', 'code', 'sourcecode'}
_PYTHON_LANGUAGES = {'python', 'py', 'python3', 'pycon', ''}
# Directives whose body is never scanned for code (not Python, or not inline).
_OPAQUE_DIRECTIVES = {'math', 'literalinclude', 'image', 'figure', 'glossary', 'raw',
                      'graphviz', 'csv-table', 'only'}


class Block(object):
    """One piece of code from a page.

    ``kind`` is ``testcode``, ``doctest`` (a ``.. doctest::`` directive),
    ``doctest-block`` (a bare ``>>>`` paragraph), ``code-block``,
    ``testsetup``, ``testcleanup`` or ``testoutput``.
    """

    def __init__(self, kind, code, lineno, options=None, source=''):
        self.kind = kind
        self.code = code
        self.lineno = lineno
        self.options = dict(options or {})
        self.source = source
        self.output = None    # the testoutput that follows a testcode, if any

    def __repr__(self):
        return 'Block({}, line {})'.format(self.kind, self.lineno)


def _indent(line):
    return len(line) - len(line.lstrip())


def extract_blocks(text, base_dir=None, source='<rst>'):
    """Return the code blocks of an rst text, in page order.

    ``.. include::`` of another rst file is followed when ``base_dir`` is
    given. A ``testoutput`` is attached to the ``testcode`` before it
    (``block.output``) and not returned on its own.
    """
    lines = text.splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _DIRECTIVE_RE.match(line)
        if m:
            indent, name, arg = len(m.group(1)), m.group(2), m.group(3)
            j = i + 1
            options = {}
            while j < len(lines) and lines[j].strip() and _OPTION_RE.match(lines[j]) \
                    and _indent(lines[j]) > indent:
                om = _OPTION_RE.match(lines[j])
                options[om.group(1)] = om.group(2)
                j += 1
            body_start = j
            while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > indent):
                j += 1
            body = textwrap.dedent('\n'.join(lines[body_start:j])).strip('\n')
            if name == 'include' and base_dir is not None and arg.endswith('.rst'):
                path = os.path.normpath(os.path.join(base_dir, arg))
                if os.path.exists(path):
                    with open(path, encoding='utf-8') as f:
                        blocks.extend(extract_blocks(f.read(), os.path.dirname(path), path))
                i = j
                continue
            if name in _CODE_DIRECTIVES:
                if name in ('code-block', 'code', 'sourcecode'):
                    if arg.lower() in _PYTHON_LANGUAGES:
                        blocks.append(Block('code-block', body + '\n', i + 1, options, source))
                elif name == 'testoutput':
                    if blocks and blocks[-1].kind == 'testcode' and blocks[-1].output is None:
                        blocks[-1].output = body + '\n'
                        blocks[-1].options.update(
                            {'output-' + k: v for k, v in options.items()})
                else:
                    blocks.append(Block(name, body + '\n', i + 1, options, source))
                i = j
                continue
            if name in _OPAQUE_DIRECTIVES:
                i = j
                continue
            i += 1          # note::, warning:: ...: their bodies are scanned as text
            continue
        if line.lstrip().startswith('>>>'):
            j = i
            prev = next((p for p in reversed(lines[:i]) if p.strip()), '')
            if prev.rstrip().endswith('::'):
                # A literal block (after "::"): shown, not tested, as in Sphinx.
                while j < len(lines) and lines[j].strip():
                    j += 1
                i = j
                continue
            while j < len(lines) and lines[j].strip():
                j += 1
            code = textwrap.dedent('\n'.join(lines[i:j])) + '\n'
            blocks.append(Block('doctest-block', code, i + 1, {}, source))
            i = j
            continue
        i += 1
    return blocks


# ----------------------------------------------------------------------------
# Running blocks
# ----------------------------------------------------------------------------

# Sphinx's doctest builder compares with these flags unless a block says otherwise.
DEFAULT_FLAGS = doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL | doctest.DONT_ACCEPT_TRUE_FOR_1

# Chainer's doctest set-up, run before every page (names Chainer's docs assume).
GLOBAL_SETUP = [
    'import os',
    'import numpy as np',
    'import chainer',
    'from chainer.backends import cuda',
    'from chainer.backends.cuda import cupy',
    'from chainer import Function, gradient_check, training, utils, Variable',
    'from chainer import datasets, iterators, optimizers, serializers',
    'from chainer import Link, Chain, ChainList',
    'import chainer.functions as F',
    'import chainer.links as L',
    'from chainer.testing import doctest_helper',
    'from chainer.training import extensions',
    'np.random.seed(0)',
]


class BlockTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise BlockTimeout('the block ran longer than its time limit')


def _parse_flags(spec, flags):
    for word in spec.replace(',', ' ').split():
        name = word[1:]
        if name in doctest.OPTIONFLAGS_BY_NAME:
            if word[0] == '+':
                flags |= doctest.OPTIONFLAGS_BY_NAME[name]
            elif word[0] == '-':
                flags &= ~doctest.OPTIONFLAGS_BY_NAME[name]
    return flags


def _first_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ''


def _error_line(exc):
    if isinstance(exc, SyntaxError):
        return 'SyntaxError: {} (line {} of the block)'.format(exc.msg, exc.lineno)
    return _first_line(''.join(traceback.format_exception_only(type(exc), exc)))


def _numpy_printing():
    """Print numpy scalars as numpy 1 did (``True``, not ``np.True_``): Chainer's docs show that."""
    import numpy as np
    if int(np.__version__.split('.')[0]) >= 2:
        np.set_printoptions(legacy='1.25')


# What a learner on a CPU-only machine changes in a snippet before running it
# (the page tells them to). Applied only when cupy has no usable GPU.
CPU_EDITS = [
    (re.compile(r'^(\s*gpu_id\s*=\s*)0(\s*#.*)?$', re.M), r'\g<1>-1\2'),
]


def _gpu_usable():
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


def learner_edits(code):
    if _gpu_usable():
        return code
    for pattern, repl in CPU_EDITS:
        code = pattern.sub(repl, code)
    return code


class _Runner(doctest.DocTestRunner):
    """Keeps the first failure of a doctest as one readable line."""

    def __init__(self, **kw):
        super(_Runner, self).__init__(**kw)
        self.first_error = None

    def report_failure(self, out, test, example, got):
        if self.first_error is None:
            want = example.want
            if example.exc_msg is not None or want.startswith('Traceback'):
                # compare the exception lines, not the common "Traceback" header
                want = example.exc_msg or want.splitlines()[-1]
                got = [ln for ln in got.splitlines() if ln.strip()][-1:] or ['']
                got = got[0]
            self.first_error = 'output differs at `{}`: expected {!r}, got {!r}'.format(
                _first_line(example.source)[:80], _first_line(want)[:80],
                _first_line(got)[:80])

    def report_unexpected_exception(self, out, test, example, exc_info):
        if self.first_error is None:
            self.first_error = 'at `{}`: {}'.format(
                _first_line(example.source)[:80], _error_line(exc_info[1]))


def run_doctest_text(code, globs, name, flags, timeout):
    """Run ``>>>`` examples in ``globs``; return (ok, first error or None)."""
    parser = doctest.DocTestParser()
    test = parser.get_doctest(code, globs, name, name, 0)
    test.globs = globs           # share the page namespace (get_doctest copies nothing, but be sure)
    runner = _Runner(optionflags=flags, verbose=False)
    signal.alarm(timeout)
    try:
        with redirect_stderr(io.StringIO()):
            runner.run(test, out=lambda s: None, clear_globs=False)
    except BlockTimeout as e:
        return False, 'BlockTimeout: ' + str(e)
    finally:
        signal.alarm(0)
    if runner.failures:
        return False, runner.first_error or 'failed'
    return True, None


def run_testcode(code, want, globs, name, flags, timeout):
    """Run a ``testcode`` block; compare what it prints with ``want`` if given."""
    if want is None:
        out = io.StringIO()
        signal.alarm(timeout)
        try:
            with redirect_stdout(out), redirect_stderr(io.StringIO()):
                exec(compile(code, name, 'exec'), globs)
        except BlockTimeout as e:
            return False, 'BlockTimeout: ' + str(e)
        except BaseException as e:   # NOQA: a snippet may raise anything, SystemExit included
            if isinstance(e, KeyboardInterrupt):
                raise
            return False, _error_line(e)
        finally:
            signal.alarm(0)
        return True, None
    # With an expected output, let doctest compare (it knows tracebacks and flags).
    globs['__block_code__'] = compile(code, name, 'exec')
    m = doctest.DocTestParser._EXCEPTION_RE.match(want)     # an expected traceback
    example = doctest.Example('exec(__block_code__)\n', want,
                              exc_msg=m.group('msg') if m else None)
    test = doctest.DocTest([example], globs, name, name, 0, None)
    runner = _Runner(optionflags=flags, verbose=False)
    signal.alarm(timeout)
    try:
        with redirect_stderr(io.StringIO()):
            runner.run(test, out=lambda s: None, clear_globs=False)
    except BlockTimeout as e:
        return False, 'BlockTimeout: ' + str(e)
    finally:
        signal.alarm(0)
        globs.pop('__block_code__', None)
    if runner.failures:
        err = runner.first_error or 'failed'
        return False, err.replace('at `exec(__block_code__)`: ', '').replace(
            'output differs at `exec(__block_code__)`', 'output differs')
    return True, None


def run_page(path, timeout):
    """Run every block of one rst page in one namespace; return a result dict."""
    install_alias()
    _numpy_printing()
    if not os.environ.get('CHAINER_DOCS_NO_STANDINS'):
        _install_standins()
    with open(path, encoding='utf-8') as f:
        blocks = extract_blocks(f.read(), os.path.dirname(path), path)
    globs = {'__name__': '__main__'}
    setup_errors = []
    for line in GLOBAL_SETUP:
        try:
            exec(rename(line), globs)
        except Exception as e:
            setup_errors.append('{}: {}'.format(rename(line), _error_line(e)))
    signal.signal(signal.SIGALRM, _on_alarm)
    ordered = [b for b in blocks if b.kind == 'testsetup'] + \
        [b for b in blocks if b.kind not in ('testsetup', 'testcleanup')] + \
        [b for b in blocks if b.kind == 'testcleanup']
    results = []
    for b in ordered:
        rec = {'kind': b.kind, 'line': b.lineno, 'source': os.path.basename(b.source)}
        if 'skipif' in b.options or 'output-skipif' in b.options:
            rec.update(status='skipped', error='skipif: ' + b.options.get(
                'skipif', b.options.get('output-skipif')))
            results.append(rec)
            continue
        name = '{}:{}'.format(os.path.basename(path), b.lineno)
        code = learner_edits(rename(b.code))
        flags = _parse_flags(b.options.get('options', ''), DEFAULT_FLAGS)
        if b.kind in ('doctest', 'doctest-block') or code.lstrip().startswith('>>>'):
            ok, err = run_doctest_text(code, globs, name, flags, timeout)
        else:
            want = rename(b.output) if b.output is not None else None
            flags = _parse_flags(b.options.get('output-options', ''), flags)
            ok, err = run_testcode(code, want, globs, name, flags, timeout)
        rec.update(status='pass' if ok else 'fail', error=err)
        # A NameError after an earlier failure is most likely that failure's echo; in a
        # code-block (which Sphinx never runs) it is a fragment that assumes names.
        rec['follow_on'] = bool(not ok and err and 'NameError' in err and (
            b.kind == 'code-block' or any(r['status'] == 'fail' for r in results)))
        results.append(rec)
    return {'page': path, 'setup_errors': setup_errors, 'blocks': results}


# ----------------------------------------------------------------------------
# Docstring examples in chainer/**/*.py
# ----------------------------------------------------------------------------

# Public names teachgrad does not have yet but should (their examples are run too).
SHOULD_HAVE = '''
chainer.dataset.converter chainer.dataset.Converter chainer.iterators.MultiprocessIterator
chainer.training.extensions.MicroAverage chainer.functions.softplus
chainer.links.Deconvolution2D chainer.functions.deconvolution_2d chainer.distributions
chainer.functions.binary_accuracy chainer.functions.huber_loss
chainer.functions.mean_absolute_error chainer.functions.squared_error
chainer.functions.select_item chainer.functions.elu chainer.functions.clipped_relu
chainer.functions.relu6 chainer.functions.hard_sigmoid chainer.functions.crelu
chainer.functions.prelu chainer.links.PReLU chainer.functions.maxout chainer.links.Maxout
chainer.functions.hstack chainer.functions.vstack chainer.functions.dstack
chainer.functions.maximum chainer.functions.minimum chainer.functions.einsum
chainer.functions.tensordot chainer.functions.diagonal chainer.functions.moveaxis
chainer.functions.permutate chainer.functions.separate chainer.functions.broadcast
chainer.functions.copy chainer.functions.forget chainer.functions.transpose_sequence
chainer.functions.upsampling_2d chainer.functions.depth2space chainer.functions.space2depth
chainer.functions.local_response_normalization chainer.functions.convolution_nd
chainer.links.ConvolutionND chainer.links.Convolution1D chainer.links.DilatedConvolution2D
chainer.functions.hinge chainer.functions.contrastive chainer.functions.triplet
chainer.function_hooks chainer.FunctionHook chainer.datasets.LabeledImageDataset
chainer.datasets.split_dataset_n_random chainer.dataset.tabular
chainer.utils.cache chainer.utils.experimental chainer.utils.type_check
chainer.functions.lstm chainer.links.LSTM chainer.links.StatelessLSTM chainer.links.NStepLSTM
chainer.functions.n_step_lstm chainer.links.GRU chainer.links.StatelessGRU
chainer.links.NStepGRU chainer.functions.n_step_gru
chainer.get_device chainer.using_device chainer.get_dtype chainer.backends.cuda
chainer.testing.assert_allclose chainer.Sequential chainer.Link.repeat
'''.split()


def _module_name(root, path):
    rel = os.path.relpath(path, root)[:-3].replace(os.sep, '.')
    return rel[:-len('.__init__')] if rel.endswith('.__init__') else rel


def _export_map(root):
    """``{public alias: defining name}`` from the ``from X import Y`` lines of __init__.py files."""
    aliases = {}
    for dirpath, _, files in os.walk(os.path.join(root, 'chainer')):
        if '__init__.py' not in files:
            continue
        path = os.path.join(dirpath, '__init__.py')
        package = _module_name(root, path)
        with open(path, encoding='utf-8') as f:
            tree = ast.parse(f.read())
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module is not None or \
                    isinstance(node, ast.ImportFrom) and node.level:
                if node.level:
                    base = package.split('.')
                    base = base[:len(base) - node.level + 1]
                    module = '.'.join(base + ([node.module] if node.module else []))
                else:
                    module = node.module
                for a in node.names:
                    if a.name != '*':
                        aliases[package + '.' + (a.asname or a.name)] = module + '.' + a.name
    return aliases


def _public_names(canonical, aliases):
    """Every name under which ``canonical`` can be reached, shortest first."""
    reverse = {}
    for alias, target in aliases.items():
        reverse.setdefault(target, []).append(alias)
    names, todo = {canonical}, [canonical]
    while todo:
        n = todo.pop()
        parts = n.split('.')
        # an alias of any prefix (module or class) also reaches n
        for k in range(len(parts), 0, -1):
            prefix = '.'.join(parts[:k])
            for alias in reverse.get(prefix, ()):
                full = '.'.join([alias] + parts[k:])
                if full not in names:
                    names.add(full)
                    todo.append(full)
    return sorted(names, key=lambda s: (s.count('.'), len(s), s))


def collect_docstrings(root):
    """Yield (public names, file, line, docstring) for each docstring with ``>>>``."""
    aliases = _export_map(root)
    for dirpath, dirs, files in os.walk(os.path.join(root, 'chainer')):
        dirs.sort()
        for fn in sorted(files):
            if not fn.endswith('.py'):
                continue
            path = os.path.join(dirpath, fn)
            module = _module_name(root, path)
            with open(path, encoding='utf-8') as f:
                try:
                    tree = ast.parse(f.read())
                except SyntaxError:
                    continue

            def visit(node, qual):
                doc = ast.get_docstring(node, clean=True)
                if doc and '>>>' in doc:
                    lineno = node.body[0].lineno if getattr(node, 'body', None) else 1
                    yield _public_names(qual, aliases), path, lineno, doc
                for child in getattr(node, 'body', []):
                    if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                        for item in visit(child, qual + '.' + child.name):
                            yield item
            for item in visit(tree, module):
                yield item


def _resolve(name):
    """The teachgrad object for a ``chainer...`` dotted name, or None."""
    parts = rename(name).split('.')
    obj = None
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module('.'.join(parts[:k]))
        except Exception:
            continue
        for attr in parts[k:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return None
        return obj
    return None


def _wanted(names):
    for n in names:
        if _resolve(n) is not None:
            return 'has'
    for n in names:
        if any(n == s or n.startswith(s + '.') for s in SHOULD_HAVE):
            return 'should-have'
    return None


def run_docstring(doc, name, timeout):
    install_alias()
    _numpy_printing()
    if not os.environ.get('CHAINER_DOCS_NO_STANDINS'):
        _install_standins()
    globs = {'__name__': '__main__'}
    for line in GLOBAL_SETUP:
        try:
            exec(rename(line), globs)
        except Exception:
            pass
    signal.signal(signal.SIGALRM, _on_alarm)
    return run_doctest_text(rename(doc), globs, name, DEFAULT_FLAGS, timeout)


# ----------------------------------------------------------------------------
# Example scripts
# ----------------------------------------------------------------------------

# script: the arguments that make it tiny. Data that would be downloaded is
# replaced by small stand-ins of the same format (see _install_standins).
SCRIPTS = {
    'glance/glance.py': [],
    'mnist/train_mnist.py': ['--epoch', '1', '--unit', '20', '--batchsize', '64'],
    'mnist/train_mnist_custom_loop.py': ['--epoch', '1', '--unit', '20', '--batchsize', '64'],
    'vae/train_vae.py': ['--epoch', '1', '--dim-h', '20', '--dim-z', '4', '--batch-size', '64'],
    'ptb/train_ptb.py': ['--epoch', '1', '--unit', '10', '--test'],
    'word2vec/train_word2vec.py': ['--epoch', '1', '--unit', '10', '--test'],
    'dcgan/train_dcgan.py': ['--epoch', '1', '--n_hidden', '10', '--batchsize', '8',
                             '--snapshot_interval', '4', '--display_interval', '2'],
    'cifar/train_cifar.py': ['--epoch', '1', '--batchsize', '16'],
}


def _install_standins():
    """Replace the downloading getters by small seeded data of the real shapes and types."""
    import numpy as np
    import teachgrad.datasets as D
    rng = np.random.RandomState(0)
    n_train, n_test = 256, 64

    def images(n, shape, scale):
        return (rng.randint(0, 256, (n,) + shape) / 255. * scale).astype(np.float32)

    def labels(n, k):
        return rng.randint(0, k, n).astype(np.int32)

    def make(shape, classes):
        def getter(withlabel=True, ndim=None, scale=1., dtype=None, label_dtype=np.int32,
                   rgb_format=False, **kw):
            out = []
            for n in (n_train, n_test):
                s = shape
                if ndim == 1 or (ndim is None and len(shape) == 3 and shape[0] == 1):
                    s = (int(np.prod(shape)),)
                x = images(n, s, scale).astype(dtype or np.float32)
                if withlabel:
                    out.append(D.TupleDataset(x, labels(n, classes).astype(label_dtype)))
                else:
                    out.append(x)
            return tuple(out)
        getter.standin = True
        return getter

    vocab = ['<eos>', '<unk>'] + ['w{}'.format(i) for i in range(98)]

    def get_ptb_words():
        return tuple(rng.randint(0, len(vocab), n).astype(np.int32) for n in (2000, 200, 200))

    def get_ptb_words_vocabulary():
        return {w: i for i, w in enumerate(vocab)}
    standins = {
        'get_mnist': make((1, 28, 28), 10), 'get_fashion_mnist': make((1, 28, 28), 10),
        'get_cifar10': make((3, 32, 32), 10), 'get_cifar100': make((3, 32, 32), 100),
        'get_ptb_words': get_ptb_words, 'get_ptb_words_vocabulary': get_ptb_words_vocabulary,
    }
    # the getters are reached as datasets.get_mnist and as datasets.mnist.get_mnist
    modules = [D]
    for name in ('mnist', 'fashion_mnist', 'cifar', 'ptb'):
        try:
            modules.append(importlib.import_module('teachgrad.datasets.' + name))
        except ImportError:
            pass
    for module in modules:
        for name, getter in standins.items():
            if module is D or hasattr(module, name):
                setattr(module, name, getter)


def run_script(script, args):
    """Run one example script unchanged (through the import alias); return (ok, error)."""
    install_alias()
    if not os.environ.get('CHAINER_DOCS_NO_STANDINS'):
        _install_standins()
    import runpy
    import matplotlib
    matplotlib.use('Agg')
    sys.argv = [script] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        runpy.run_path(script, run_name='__main__')
    except SystemExit as e:
        if e.code not in (None, 0):
            return False, 'SystemExit: {}'.format(e.code)
    except BaseException as e:
        here = os.path.dirname(os.path.abspath(script))
        frames = [f for f in traceback.extract_tb(e.__traceback__)
                  if os.path.abspath(f.filename).startswith(here)]
        where = ' ({}:{})'.format(os.path.basename(frames[-1].filename),
                                  frames[-1].lineno) if frames else ''
        return False, _error_line(e) + where
    return True, None


# ----------------------------------------------------------------------------
# Child-process driver and report
# ----------------------------------------------------------------------------

def _child(argv, timeout, cwd=None):
    """Run this file with ``argv`` in a child; return its JSON answer or an error record."""
    cmd = [sys.executable, os.path.abspath(__file__)] + argv
    scratch = cwd or tempfile.mkdtemp(prefix='chainer_docs_')
    env = dict(os.environ, MPLBACKEND='Agg', PYTHONHASHSEED='0')
    try:
        proc = subprocess.run(cmd, cwd=scratch, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {'crash': 'the run took more than {} s'.format(timeout)}
    finally:
        if cwd is None:
            shutil.rmtree(scratch, ignore_errors=True)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith('@@RESULT '):
            return json.loads(line[len('@@RESULT '):])
    return {'crash': _first_line(proc.stderr.splitlines()[-1] if proc.stderr.strip() else
                                 'exit status {}'.format(proc.returncode))}


def _emit(obj):
    sys.stdout.write('\n@@RESULT ' + json.dumps(obj) + '\n')


def cmd_pages(opts):
    src = os.path.join(opts.chainer, 'docs', 'source')
    pages = []
    for sub in ('guides', 'examples'):
        d = os.path.join(src, sub)
        pages += [os.path.join(d, f) for f in sorted(os.listdir(d))
                  if f.endswith('.rst') and f != 'index.rst']
    if opts.only:
        pages = [p for p in pages if any(o in p for o in opts.only)]
    out = []
    total = [0, 0, 0, 0]
    first_setup = None
    print('== pages (blocks pass / fail (of which follow-on or fragment NameErrors) / skipped) ==')
    for p in pages:
        res = _child(['_page', p, '--timeout', str(opts.timeout)], opts.timeout * 60 + 60)
        res['page'] = os.path.relpath(p, src)
        out.append(res)
        if 'crash' in res:
            print('{:28s} CRASH {}'.format(res['page'], res['crash']))
            continue
        bl = res['blocks']
        counts = [sum(b['status'] == 'pass' for b in bl), sum(b['status'] == 'fail' for b in bl),
                  sum(b.get('follow_on', False) for b in bl),
                  sum(b['status'] == 'skipped' for b in bl)]
        total = [t + c for t, c in zip(total, counts)]
        print('{:28s} {:3d} / {:3d} ({:2d}) / {:3d}'.format(res['page'], *counts))
        if first_setup is None:
            first_setup = res['setup_errors']
            for e in first_setup:
                print('    setup (every page): ' + e)
        elif res['setup_errors'] != first_setup:
            for e in res['setup_errors']:
                print('    setup: ' + e)
        for b in bl:
            if b['status'] == 'fail':
                print('    line {:4d} {:13s} {}{}'.format(b['line'], b['kind'], b['error'],
                                                       ' [follow-on]' if b['follow_on'] else ''))
    print('TOTAL pages: {} pass / {} fail ({} follow-on) / {} skipped'.format(*total))
    return out


def cmd_docstrings(opts):
    print('== docstring examples in chainer/ ==')
    root = opts.chainer
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    out = []
    counts = {'has': [0, 0], 'should-have': [0, 0]}
    for names, path, lineno, doc in collect_docstrings(root):
        public = names[0]
        if opts.only and not any(o in public for o in opts.only):
            continue
        want = 'has' if opts.all else _wanted(names)
        if want is None:
            continue
        res = _child(['_docstring', root, path, str(lineno), public, '--timeout', str(opts.timeout)],
                     opts.timeout + 60)
        ok = res.get('ok', False)
        err = res.get('error') or res.get('crash')
        counts[want][0 if ok else 1] += 1
        rec = {'name': public, 'file': os.path.relpath(path, root), 'line': lineno,
               'group': want, 'ok': ok, 'error': err}
        out.append(rec)
        print('{:4s} [{}] {}{}'.format('ok' if ok else 'FAIL', want, public,
                                        '' if ok else ': ' + str(err)))
    for k, (p, f) in counts.items():
        print('TOTAL docstrings ({}): {} pass / {} fail'.format(k, p, f))
    return out


def cmd_scripts(opts):
    print('== example scripts (tiny settings, stand-in data) ==')
    out = []
    for script, args in SCRIPTS.items():
        if opts.only and not any(o in script for o in opts.only):
            continue
        src_dir = os.path.join(opts.chainer, 'examples', os.path.dirname(script))
        scratch = tempfile.mkdtemp(prefix='chainer_example_')
        work = os.path.join(scratch, os.path.basename(src_dir))
        shutil.copytree(src_dir, work)
        try:
            res = _child(['_script', os.path.join(work, os.path.basename(script))] + ['--'] + args,
                         opts.script_timeout, cwd=work)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        ok = res.get('ok', False)
        err = res.get('error') or res.get('crash')
        out.append({'script': script, 'args': args, 'ok': ok, 'error': err})
        print('{:4s} {} {}{}'.format('ok' if ok else 'FAIL', script, ' '.join(args),
                                      '' if ok else '\n    ' + str(err)))
    print('TOTAL scripts: {} pass / {} fail'.format(sum(r['ok'] for r in out),
                                                   sum(not r['ok'] for r in out)))
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    # Internal child commands: one page / docstring / script, answer as JSON on stdout.
    if argv and argv[0] == '_page':
        timeout = int(argv[argv.index('--timeout') + 1])
        _emit(run_page(argv[1], timeout))
        return 0
    if argv and argv[0] == '_docstring':
        root, path, lineno, public = argv[1], argv[2], int(argv[3]), argv[4]
        timeout = int(argv[argv.index('--timeout') + 1])
        for names, p, ln, doc in collect_docstrings(root):
            if os.path.abspath(p) == os.path.abspath(path) and ln == lineno:
                ok, err = run_docstring(doc, public, timeout)
                _emit({'ok': ok, 'error': err})
                return 0
        _emit({'ok': False, 'error': 'docstring not found'})
        return 0
    if argv and argv[0] == '_script':
        script = argv[1]
        args = argv[argv.index('--') + 1:]
        ok, err = run_script(script, args)
        _emit({'ok': ok, 'error': err})
        return 0

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--chainer', required=True, help='path of a Chainer v7 checkout')
    parser.add_argument('what', choices=['pages', 'docstrings', 'scripts', 'all'])
    parser.add_argument('--only', nargs='*', help='only pages/names/scripts containing these')
    parser.add_argument('--all', action='store_true',
                        help='docstrings: run every example, not only names teachgrad has or should have')
    parser.add_argument('--timeout', type=int, default=60, help='seconds per block (default 60)')
    parser.add_argument('--script-timeout', type=int, default=600,
                        help='seconds per example script (default 600)')
    parser.add_argument('--json', help='also write all results to this file')
    parser.add_argument('--prelude', help='a Python file run in every child first (for '
                        'example stand-ins for APIs that another branch adds)')
    parser.add_argument('--no-standins', action='store_true',
                        help='use the real dataset getters (they download) instead of the '
                        'small seeded stand-ins')
    opts = parser.parse_args(argv)
    if opts.no_standins:
        os.environ['CHAINER_DOCS_NO_STANDINS'] = '1'
    if opts.prelude:
        os.environ['CHAINER_DOCS_PRELUDE'] = os.path.abspath(opts.prelude)
    if not os.path.isdir(os.path.join(opts.chainer, 'chainer')):
        parser.error('--chainer {!r} has no chainer/ folder: give the root of a Chainer '
                     'checkout (the folder with docs/, chainer/ and examples/)'.format(opts.chainer))
    results = {}
    if opts.what in ('pages', 'all'):
        results['pages'] = cmd_pages(opts)
    if opts.what in ('docstrings', 'all'):
        results['docstrings'] = cmd_docstrings(opts)
    if opts.what in ('scripts', 'all'):
        results['scripts'] = cmd_scripts(opts)
    if opts.json:
        with open(opts.json, 'w') as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
