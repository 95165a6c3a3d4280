"""Shared helpers for the end-to-end tests: run the real binary, load its outputs."""
import json
import os
import socket
import subprocess
import tempfile

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
ROOT = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())


def scenario(name):
    return os.path.join(ROOT, "scenarios", name if name.endswith(".json") else name + ".json")


def run(*args, check=True, timeout=120):
    proc = subprocess.run([MAILSIM, *args], capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"mailsim {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}")
    return proc


def run_with_trace(name, *extra):
    """Runs a scenario and returns (trace, summary, export_dir, stdout)."""
    tmp = tempfile.mkdtemp(prefix="mailsim-")
    trace, summary, export = (os.path.join(tmp, n) for n in ("t.json", "s.json", "export"))
    proc = run("run", scenario(name), "--trace", trace, "--summary", summary, "--export", export, *extra)
    with open(trace) as f:
        t = json.load(f)
    with open(summary) as f:
        s = json.load(f)
    return t, s, export, proc.stdout


def free_port():
    """A loopback TCP port that was free a moment ago."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
