# tests/supervisor/vyomad_client.py — what the Python drivers of the suites
# that run a real vyomad share (tests/supervisor/*.py, tests/display/screen.py):
# the verdict lines they hand to their shell suite, requests on the control
# socket, an app's log, waiting for a condition.
#
# A driver does not count or label cases itself: it prints "pass NAME" or
# "fail NAME WHY" (one line each) and its shell suite turns those into
# lib.sh's pass/fail (tests/supervisor/py_cases.sh), so that every case of a
# suite is counted in one place.  Any other line it prints is shown as
# detail; its last line is "end" (end()), so that a crash is a failure.
import json, os, socket, subprocess, sys, time


def result(name, ok, why=""):
    if ok:
        print("pass %s" % name)
    else:
        print("fail %s %s" % (name, " ".join(str(why).split())[:400] or "failed"))
    sys.stdout.flush()
    return ok


def end():
    print("end")
    sys.stdout.flush()


def wait_for(pred, secs, step=0.02):
    """True once pred() is true, False after secs; an error in pred (a file
    not there yet, a reply not parsed) counts as not yet."""
    end = time.time() + secs
    while time.time() < end:
        try:
            if pred():
                return True
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(step)
    return False


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Root:
    """A scratch root that a vyomad runs on: its control socket, its apps'
    logs, vyctl pointed at it."""

    def __init__(self, root, vyctl=None):
        self.root, self.vyctl_bin = root, vyctl
        self.sock = os.path.join(root, "run/vyoma/control.sock")

    def request(self, line, timeout=5):
        """one request line on the control socket: (status line, body)"""
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(timeout)
        s.connect(self.sock)
        s.sendall((line + "\n").encode())
        out = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
        s.close()
        status, _, body = out.decode(errors="replace").partition("\n")
        return status, body

    def raw(self, data, close_early=False):
        """bytes on the control socket as they are; the reply is read and
        dropped (or not waited for at all)"""
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(5)
        s.connect(self.sock)
        try:
            s.sendall(data)
            if not close_early:
                while s.recv(65536):
                    pass
        except OSError:
            pass
        s.close()

    def ps(self):
        """the apps by name, as `ps --json` gives them"""
        return {a["name"]: a for a in json.loads(self.request("ps --json")[1])["apps"]}

    def vyctl(self, *args, timeout=10):
        return subprocess.run([self.vyctl_bin, "--root", self.root] + list(args),
                              capture_output=True, timeout=timeout)

    def log(self, name):
        try:
            with open(os.path.join(self.root, "run/vyoma/logs/%s.log" % name)) as f:
                return f.read()
        except OSError:
            return ""
