"""A throwaway JupyterLab server for the browser tests.

It listens on 127.0.0.1 only, on a free port, behind a random token, with its
own settings, workspaces, config and runtime directories under the test's tmp
dir (so nothing from the machine's own Jupyter setup leaks in, and nothing
leaks out). The settings turn off the news toast and notebook windowing (so
every cell's output is in the page). Teardown shuts the kernels down through
the REST API and then ends the server: no process outlives the tests.
"""
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

SETTINGS = {
    # Fresh settings would ask, in a toast over the notebook, whether to fetch news.
    '@jupyterlab/apputils-extension/notification.jupyterlab-settings':
        {'fetchNews': 'false', 'checkForUpdates': False},
    # With windowing, cells outside the viewport are not in the page at all.
    '@jupyterlab/notebook-extension/tracker.jupyterlab-settings':
        {'windowingMode': 'none'},
}


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class LabServer:
    def __init__(self, root, port, token, process, log_path):
        self.root, self.port, self.token = root, port, token
        self.process, self.log_path = process, log_path
        self.base = 'http://127.0.0.1:{}'.format(port)

    def url(self, path):
        return '{}/{}?token={}'.format(self.base, path.lstrip('/'), self.token)

    def api(self, path, method='GET'):
        req = urllib.request.Request(self.base + path, method=method,
                                     headers={'Authorization': 'token ' + self.token})
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def log(self):
        return self.log_path.read_text(errors='replace')[-4000:]


def _wait_ready(server, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError('JupyterLab exited early:\n' + server.log())
        try:
            server.api('/api/status')
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.5)
    raise RuntimeError('JupyterLab did not answer within {}s:\n{}'.format(timeout, server.log()))


def _stop(server):
    try:
        for kernel in server.api('/api/kernels') or []:
            server.api('/api/kernels/' + kernel['id'], method='DELETE')
    except Exception:
        pass                          # the server may already be gone
    proc = server.process
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)   # Jupyter's clean shutdown (twice: it asks)
        time.sleep(0.3)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@contextlib.contextmanager
def running_lab(tmp, root, before_start=None):
    """Run JupyterLab on ``root`` with its own directories under ``tmp``; yield a LabServer.

    ``before_start(env)``, when given, runs first with the server's environment
    (for example to sign notebooks as trusted in the server's data directory).
    """
    settings = tmp / 'settings'
    for rel, values in SETTINGS.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = dict(os.environ,
               JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / 'workspaces'),
               JUPYTER_CONFIG_DIR=str(tmp / 'config'),
               JUPYTER_RUNTIME_DIR=str(tmp / 'runtime'),
               JUPYTER_DATA_DIR=str(tmp / 'data'),
               IPYTHONDIR=str(tmp / 'ipython'),
               JUPYTER_PLATFORM_DIRS='1')
    if before_start:
        before_start(env)
    port = _free_port()
    token = os.urandom(16).hex()
    cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser',
           '--ServerApp.ip=127.0.0.1', '--ServerApp.port={}'.format(port),
           '--ServerApp.port_retries=0',
           '--ServerApp.token={}'.format(token),
           '--ServerApp.root_dir={}'.format(root),
           # window.jupyterapp lets the test run cells the way the menu does
           '--LabApp.expose_app_in_browser=True']
    if hasattr(os, 'geteuid') and os.geteuid() == 0:
        cmd.append('--allow-root')
    log_path = tmp / 'jupyterlab.log'
    with open(log_path, 'wb') as log:
        process = subprocess.Popen(cmd, cwd=root, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = LabServer(root, port, token, process, log_path)
    try:
        _wait_ready(server)
        yield server
    finally:
        _stop(server)


@pytest.fixture(scope='module')
def lab_server(tmp_path_factory):
    """JupyterLab serving a copy of tests/browser/*.ipynb; yields a LabServer."""
    pytest.importorskip('jupyterlab')
    tmp = tmp_path_factory.mktemp('jupyterlab')
    root = tmp / 'notebooks'
    root.mkdir()
    for nb in HERE.glob('*.ipynb'):
        shutil.copy(nb, root / nb.name)
    with running_lab(tmp, root) as server:
        yield server
