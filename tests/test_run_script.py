"""`make run`'s helpers: third-party deprecation noise filtered, readiness waited for, a taken port named."""
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from tests.conftest import ROOT
from tests.ports import free_port

LIB = ROOT / "scripts" / "lib"


def filtered(text):
    done = subprocess.run([sys.executable, str(LIB / "quiet_warnings.py")], input=text, capture_output=True,
                          text=True, timeout=30)
    return done.stdout


def test_third_party_deprecation_warnings_go_and_ours_stay():
    noise = ("/v/lib/python3.10/site-packages/pkg_resources/__init__.py:3117: DeprecationWarning: Deprecated call\n"
             "Implementing implicit namespace packages is preferred\n"
             "  declare_namespace(pkg)\n"
             "/v/lib/python3.10/site-packages/m/f.py:66: PyparsingDeprecationWarning: 'setParseAction' deprecated\n"
             "  ).setParseAction(self._family)\n")
    ours = "/work/bot/nlp/x.py:3: DeprecationWarning: our own\n  call()\n"
    log = "2026-12-01 08:59:34 INFO     root  - Starting Rasa server on http://127.0.0.1:5005\n"
    assert filtered(noise + log + ours) == log + ours


def test_a_log_line_right_after_a_warning_is_kept():
    text = ("/v/site-packages/a.py:1: DeprecationWarning: x\n"
            "2026-12-01 09:00:00 INFO     rasa  - Loading model\n")
    assert filtered(text) == "2026-12-01 09:00:00 INFO     rasa  - Loading model\n"


class Hello(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def wait_ready(*args):
    return subprocess.run([sys.executable, str(LIB / "wait_ready.py"), *args], capture_output=True, text=True,
                          timeout=60)


def test_ready_once_every_url_answers():
    server = HTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        done = wait_ready("--timeout", "20", "--pids", str(os.getpid()), "--", f"web={url}")
        assert done.returncode == 0 and f"web answers at {url}" in done.stdout
    finally:
        server.shutdown()


def test_a_dead_process_fails_at_once_and_a_silent_url_at_the_deadline():
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    nothing = f"http://127.0.0.1:{free_port()}/"
    died = wait_ready("--timeout", "30", "--pids", str(gone.pid), "--", f"Rasa server={nothing}")
    assert died.returncode == 1 and "Rasa server did not start" in died.stderr
    silent = wait_ready("--timeout", "1", "--", f"console={nothing}")
    assert silent.returncode == 1 and "console did not answer within 1 s" in silent.stderr


def test_make_run_names_a_port_that_is_taken():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "RASA_PORT": str(port), "VENV": str(ROOT / ".venv")}
        done = subprocess.run(["bash", str(ROOT / "scripts" / "run.sh")], env=env, capture_output=True, text=True,
                              timeout=60)
    assert done.returncode == 1
    assert f"port {port} (Rasa server) is already in use" in done.stderr and "RASA_PORT=" in done.stderr
