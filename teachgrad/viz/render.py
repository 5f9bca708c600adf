"""Finding Graphviz and running it with a time limit.

A Jupyter kernel's virtual environment is often not on PATH, so the renderer is
looked for next to the running interpreter first:

1. ``teachgrad.viz.options.executable`` if set;
2. ``graphviz-pure`` in the interpreter's scripts directory (``sysconfig``);
3. ``graphviz-pure`` on PATH;
4. a system Graphviz ``dot`` on PATH.

The DOT text goes in on stdin and the picture comes out on stdout. A run that
takes longer than the time limit is killed (with anything it started) and
reported as :class:`RenderTimeout`, so a drawing never hangs a notebook.
"""
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import warnings
from xml.etree import ElementTree

from teachgrad.viz.options import options

INSTALL_HINT = (
    'teachgrad draws graphs with Graphviz, and none was found. Install it into '
    "this kernel's environment with `%pip install graphviz-pure` (or install "
    "the system package: apt-get install graphviz, brew install graphviz), "
    'then display the Variable again.')


class RendererWarning(UserWarning):
    """A picture could not be drawn (no Graphviz, a time-out, an error)."""


class RendererNotFound(RuntimeError):
    """No Graphviz executable was found."""


class RenderTimeout(RuntimeError):
    """Graphviz took longer than the time limit and was stopped."""


class RenderError(RuntimeError):
    """Graphviz ran but failed."""


class Renderer(str):
    """The renderer in use, as text (``'graphviz-pure 0.2.2 (...)'``), with
    ``name``, ``version`` and ``path`` attributes."""

    def __new__(cls, name, version, path):
        self = super().__new__(cls, '{} {}'.format(name, version).strip())
        self.name, self.version, self.path = name, version, path
        return self


def _script_dirs():
    dirs = [sysconfig.get_path('scripts'), os.path.dirname(sys.executable)]
    return list(dict.fromkeys(d for d in dirs if d))


def find_executable():
    """The path of the Graphviz executable to use, or None."""
    exe = options.executable
    if exe:
        return shutil.which(os.fspath(exe))
    for d in _script_dirs():
        path = shutil.which('graphviz-pure', path=d)
        if path:
            return path
    return shutil.which('graphviz-pure') or shutil.which('dot')


_described = {}


def renderer():
    """Which Graphviz draws the pictures, or None when there is none.

    >>> r = renderer()
    >>> r is None or r.name in ('graphviz-pure', 'dot')
    True
    """
    path = find_executable()
    if path is None:
        return None
    if path not in _described:
        name = os.path.splitext(os.path.basename(path))[0]
        try:
            done = subprocess.run([path, '-V'], capture_output=True, timeout=5)
            said = (done.stderr + done.stdout).decode('utf-8', 'replace')
            version = said.split('version', 1)[1].strip().splitlines()[0] \
                if 'version' in said else ''
        except (OSError, subprocess.SubprocessError):
            version = ''
        _described[path] = Renderer(name, version, path)
    return _described[path]


def run(source, fmt='svg', timeout=None, dpi=None):
    """Render DOT ``source`` to ``fmt`` and return the bytes.

    Raises RendererNotFound, RenderTimeout (after ``timeout`` seconds; the
    process is killed) or RenderError.
    """
    path = find_executable()
    if path is None and options.executable:
        raise RendererNotFound(
            'teachgrad.viz.options.executable is {!r}, which is not an executable '
            'program. Point it at a Graphviz `dot` (or graphviz-pure), or set it '
            'to None to search for one.'.format(options.executable))
    if path is None:
        raise RendererNotFound(INSTALL_HINT)
    timeout = options.timeout if timeout is None else timeout
    args = [path, '-T' + fmt] + (['-Gdpi={}'.format(dpi)] if dpi else [])
    if os.name == 'posix':
        group = {'start_new_session': True}    # so a kill reaches its children too
    else:
        group = {'creationflags': getattr(subprocess, 'CREATE_NEW_PROCESS_GROUP', 0)}
    try:
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, **group)
    except OSError as e:
        raise RenderError('could not start {}: {}'.format(path, e)) from None
    try:
        out, err = proc.communicate(source.encode('utf-8'), timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise RenderTimeout(
            'Graphviz took more than {:g} s to lay out this graph and was '
            'stopped.'.format(timeout)) from None
    except BaseException:       # e.g. the learner interrupted the kernel
        _kill(proc)
        raise
    if proc.returncode != 0 or not out:
        lines = [line for line in err.decode('utf-8', 'replace').splitlines()
                 if line.strip() and not line.lstrip().startswith('Warning')]
        raise RenderError('Graphviz failed (exit status {}): {}'.format(
            proc.returncode, lines[0] if lines else 'no output'))
    if fmt == 'svg':
        _check_svg(out)
    return out


def _check_svg(out):
    # A renderer that dies halfway may still exit 0 with part of a picture;
    # Jupyter would show a broken image, so only well-formed SVG goes on.
    try:
        root = ElementTree.fromstring(out)
    except ElementTree.ParseError as e:
        raise RenderError('the renderer returned an incomplete SVG ({} bytes: {})'.format(
            len(out), e)) from None
    if not root.tag.endswith('svg'):
        raise RenderError('the renderer returned <{}>, not an SVG picture'.format(root.tag))


def _kill(proc):
    try:
        if os.name == 'posix':
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except OSError:
        pass
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        try:
            pipe.close()
        except OSError:
            pass
    proc.wait()


_warned = set()


def warn_once(key, message):
    """Warn with ``message`` the first time ``key`` comes up in this process."""
    if key not in _warned:
        _warned.add(key)
        warnings.warn(message, RendererWarning, stacklevel=3)


def message_svg(title, lines):
    """A small SVG card with a message, for when a graph cannot be drawn."""
    rows = [title] + list(lines)
    width = 16 + 7 * max(len(r) for r in rows)
    height = 14 + 18 * len(rows)
    svg = ElementTree.Element('svg', {
        'xmlns': 'http://www.w3.org/2000/svg', 'width': str(width),
        'height': str(height), 'viewBox': '0 0 {} {}'.format(width, height)})
    ElementTree.SubElement(svg, 'rect', {
        'x': '0.5', 'y': '0.5', 'width': str(width - 1), 'height': str(height - 1),
        'rx': '6', 'fill': '#fff8e6', 'stroke': '#c05621'})
    for i, row in enumerate(rows):
        t = ElementTree.SubElement(svg, 'text', {
            'x': '8', 'y': str(22 + 18 * i), 'font-family': 'Helvetica,sans-serif',
            'font-size': '13' if i == 0 else '12',
            'font-weight': 'bold' if i == 0 else 'normal', 'fill': '#1f2430'})
        t.text = row
    return ElementTree.tostring(svg, encoding='unicode')
