#!/usr/bin/env python3
# tests/supervisor/console.py — the console end to end, which needs a real
# terminal (Python's pty module): vyomad with a pty on stdin puts it in raw
# mode and routes the keys through the TTY router to the focused app.
#   console.py VYOMAD VYCTL SHELL-ROOT TTY-ROOT
# Both roots are prepared by tests/supervisor/run.sh:
#   SHELL-ROOT  shell (the only input app) and pong, profile "test":
#               shell-console — the shell driven by typed keys, with a typo
#               fixed by Backspace and a line erased by Ctrl-U
#   TTY-ROOT    two liners "one" and "two" with input = true, no profile:
#               tty-* — line editing, Ctrl-A focus switching, end of input,
#               the echo; sigterm-shutdown — SIGTERM ends vyomad cleanly;
#               console-async-line — with the console on the pty (stdin and
#               stderr), an app's line printed while a line is half typed
#               lands on a row of its own, and the prompt and the typed
#               text are drawn again below it
# Prints "pass NAME" / "fail NAME WHY" lines (vyomad_client.result).
import os, pty, signal, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vyomad_client import Root, end, result, wait_for

VYOMAD, VYCTL, SHELL_ROOT, TTY_ROOT = sys.argv[1:5]


def on_pty(root, args, errname):
    """vyomad on root with a new pty as stdin: (process, pty master, err path)"""
    master, slave = pty.openpty()
    err = os.path.join(root, errname)
    p = subprocess.Popen([VYOMAD, "--root", root] + args, stdin=slave,
                         stdout=open(err, "w"), stderr=subprocess.STDOUT,
                         start_new_session=True)
    os.close(slave)
    return p, master, err


def ended(p, secs):
    """vyomad's exit status, or "timeout" (then it is killed: never leave
    one behind)"""
    try:
        return p.wait(secs)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        return "timeout"


# ---- the shell on the console ----------------------------------------------
r = Root(SHELL_ROOT, VYCTL)
p, master, _ = on_pty(SHELL_ROOT, ["--profile", "test"], "vyomad.log")
text = lambda app: r.vyctl("logs", app).stdout.decode(errors="replace")
ok = wait_for(lambda: "type help" in text("shell"), 5, 0.05)
time.sleep(0.2)
for keys in [b"pz\x7fs\r", b"garbage\x15send pong ping 5\r"]:
    os.write(master, keys)
    time.sleep(0.3)
ok = ok and wait_for(lambda: "[sys] ps" in text("shell"), 3, 0.05)
ok = ok and wait_for(lambda: "pong=running" in text("shell"), 0.5, 0.05)
ok = ok and wait_for(lambda: "[pong] pong 5" in text("shell"), 3, 0.05)
ok = ok and "unknown command" not in text("shell")
shell_log = text("shell").replace("\n", " | ")[-400:]
r.vyctl("shutdown")
rc = ended(p, 15)
os.close(master)
result("shell-console", ok and rc == 0,
       "vyomad exit %s; shell log: %s" % (rc, shell_log))

# ---- the TTY router: line editing, focus, end of input, echo ----------------
r = Root(TTY_ROOT, VYCTL)
p, master, err = on_pty(TTY_ROOT, ["--grace", "100"], "vyomad.err")
errtext = lambda: open(err).read()
wait_for(lambda: os.path.exists(r.sock), 5)
time.sleep(0.3)
os.write(master, b"helx\x7flo\r")
ok = wait_for(lambda: "liner got: hello" in r.log("one"), 5)
result("tty-line-to-focused-app", ok, r.log("one")[-200:])
os.write(master, b"junk\x15abc\r")
ok = wait_for(lambda: "liner got: abc" in r.log("one"), 5)
result("tty-ctrl-u", ok and "junk" not in r.log("one"), r.log("one")[-200:])
os.write(master, b"\x01ntwo\r")
ok = wait_for(lambda: "liner got: two" in r.log("two"), 5)
result("tty-ctrl-a-next", ok and "two" not in r.log("one"), r.log("two")[-200:])
os.write(master, b"\x011\x04")
ok = wait_for(lambda: "app one exited" in errtext(), 5)
result("tty-ctrl-a-1-and-eof", ok and "liner: end of input" in r.log("one"),
       "one did not see end of input")
# the echo goes to the console log (vyomad's stderr, here a file)
result("tty-echo", "helx\b \blo" in errtext(), repr(errtext()[-300:]))

# orderly shutdown on SIGTERM: exit 0, the socket removed, sanitizers quiet
t = time.time()
p.send_signal(signal.SIGTERM)
rc = ended(p, 10)
os.close(master)
text = errtext()
reports = [l for l in text.splitlines() if "Sanitizer" in l or "runtime error" in l]
result("sigterm-shutdown", rc == 0 and not os.path.exists(r.sock) and not reports,
       "rc %s in %.1f s, socket %s; %s" % (rc, time.time() - t,
       "left behind" if os.path.exists(r.sock) else "removed", reports[:3]))
if reports:
    print("\n".join(text.splitlines()[-20:]))


# ---- the console on a terminal: what the screen shows -----------------------
class Screen:
    """the rows a terminal shows for the bytes vyomad wrote: CR, LF, BS,
    erase to end of row (ESC [ K); other escape sequences are skipped"""

    def __init__(self):
        self.rows, self.col, self.esc = [[]], 0, b""

    def feed(self, data):
        for c in data:
            if self.esc:
                self.esc += bytes([c])
                csi = self.esc[1:2] == b"["
                if not csi or (len(self.esc) > 2 and 0x40 <= c <= 0x7e):
                    if self.esc == b"\x1b[K":
                        del self.rows[-1][self.col:]
                    self.esc = b""
                continue
            row = self.rows[-1]
            if c == 0x1b:
                self.esc = b"\x1b"
            elif c == 13:
                self.col = 0
            elif c == 10:
                self.rows.append([])
                self.col = 0
            elif c == 8:
                self.col = max(0, self.col - 1)
            elif c >= 0x20:
                row[self.col:self.col + 1] = [chr(c)]
                self.col += 1

    def lines(self):
        return ["".join(r).rstrip() for r in self.rows]


def on_console(root, args):
    """vyomad on root with the pty as its stdin, stdout and stderr"""
    master, slave = pty.openpty()
    p = subprocess.Popen([VYOMAD, "--root", root] + args, stdin=slave,
                         stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    os.set_blocking(master, False)
    return p, master, Screen()


def pump(master, scr, pred, secs):
    """reads the pty into scr until pred(scr.lines()) or secs pass"""
    end_at = time.time() + secs
    while True:
        try:
            while True:
                scr.feed(os.read(master, 65536))
        except (BlockingIOError, OSError):
            pass
        if pred(scr.lines()) or time.time() > end_at:
            return pred(scr.lines())
        time.sleep(0.02)


r = Root(TTY_ROOT, VYCTL)
p, master, scr = on_console(TTY_ROOT, ["--grace", "100"])
ok = pump(master, scr, lambda l: any("keys go to one" in x for x in l), 5)
time.sleep(0.3)
os.write(master, b"hal")
pump(master, scr, lambda l: l[-1].endswith("hal"), 2)
r.vyctl("send", "one", "async hello")
said = "liner got: @sys: async hello"
own_row = lambda l: said in l and l[-1] == "one> hal"
ok = ok and pump(master, scr, own_row, 5)
os.write(master, b"f\r")
ok = ok and wait_for(lambda: "liner got: half" in r.log("one"), 5)
result("console-async-line", ok, repr(scr.lines()[-6:]))
p.send_signal(signal.SIGTERM)
ended(p, 10)
os.close(master)
end()
