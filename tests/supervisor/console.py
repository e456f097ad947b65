#!/usr/bin/env python3
# tests/supervisor/console.py — the console end to end, which needs a real
# terminal (Python's pty module): vyomad with a pty on stdin puts it in raw
# mode and routes the keys through the TTY router to the focused app.
#   console.py VYOMAD VYCTL SHELL-ROOT TTY-ROOT WINDOW-ROOT
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
#   SHELL-ROOT again, profile "console" (console_app = "shell"), the pty
#               as stdin and stderr: console-shell-help, console-history,
#               console-completion, console-status-logs, console-no-app,
#               console-shell-comes-back
#   WINDOW-ROOT the shell (console_app) and "drawn", an input app with a
#               window, on a headless display: console-focus-window
# Prints "pass NAME" / "fail NAME WHY" lines (vyomad_client.result).
import os, pty, re, signal, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vyomad_client import Root, end, result, wait_for

VYOMAD, VYCTL, SHELL_ROOT, TTY_ROOT, WINDOW_ROOT = sys.argv[1:6]


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
# the reply to "ps" is the table vyctl ps prints, a "[sys] " line each
ok = ok and wait_for(lambda: "[sys] NAME " in text("shell"), 3, 0.05)
ok = ok and wait_for(lambda: re.search(r"\[sys\] pong +running ", text("shell")), 0.5, 0.05)
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


def re_word(w, text):
    """w as a word of its own in text"""
    return re.search(r"(^|\s)%s(\s|$)" % re.escape(w), text, re.M)


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

# ---- the shell on the console -----------------------------------------------
# the verbs of the shell, as supervisor/console.c completes them
VERBS = ["help", "ps", "status", "logs", "kill", "restart", "start", "stop",
         "send", "hal", "poweroff"]
KEYS = ["Up", "Tab", "Ctrl-A n", "Ctrl-A 1..9", "Ctrl-A l", "Ctrl-T x",
        "screendump", "screenshot"]
r = Root(SHELL_ROOT, VYCTL)
p, master, scr = on_console(SHELL_ROOT, ["--profile", "console"])
seen = lambda s: lambda l: any(s in x for x in l)
ok = pump(master, scr, seen("type help"), 5)
time.sleep(0.3)
mark = len(scr.lines())
os.write(master, b"help\r")
ok = ok and pump(master, scr, seen("screenshot"), 5)
helptext = "\n".join(scr.lines()[mark:])
missing = [v for v in VERBS if not re_word(v, helptext)] + \
          [k for k in KEYS if k not in helptext]
result("console-shell-help", ok and not missing, "missing %s" % missing)

# history: Up brings back "help"; Up, Up, Down goes back to the newer line
os.write(master, b"send pong ping 3\r")
ok = pump(master, scr, seen("[pong] pong 3"), 5)
os.write(master, b"x\x1b[A\x1b[A\x1b[B")
ok = ok and pump(master, scr, lambda l: l[-1] == "shell> send pong ping 3", 3)
os.write(master, b"\x1b[A\x1b[B\x1b[B")
ok = ok and pump(master, scr, lambda l: l[-1] == "shell> x", 3)
os.write(master, b"\x15\x1b[A\x1b[A\r")
ok = ok and pump(master, scr, lambda l: l.count("commands:") >= 2, 5)
result("console-history", ok, repr(scr.lines()[-3:]))

# Tab: a verb, an app name, then the line runs
os.write(master, b"se\tpo\tping 4\r")
ok = pump(master, scr, seen("[pong] pong 4"), 5)
ok = ok and "shell> send pong ping 4" in scr.lines()
os.write(master, b"s\t\t")  # "st": status, start, stop listed
ok = ok and pump(master, scr, seen("status  start  stop"), 3)
os.write(master, b"\x15")
result("console-completion", ok, repr(scr.lines()[-4:]))

# status and logs go to @sys, whose answer the shell prints
mark = len(scr.lines())
os.write(master, b"status pong\rlogs pong\r")
ok = pump(master, scr, lambda l: sum(x.startswith("[sys]") for x in l[mark:]) >= 2, 5)
ok = ok and not any("unknown command" in x for x in scr.lines()[mark:])
result("console-status-logs", ok, repr(scr.lines()[mark:][-4:]))

os.write(master, b"\x019")
ok = pump(master, scr, seen("console: no app 9"), 3)
ok = ok and pump(master, scr, lambda l: l[-1] == "shell>", 1)
result("console-no-app", ok, repr(scr.lines()[-3:]))

# the console app comes back however often it is killed, and still works
why = ""
for i in range(4):
    k = r.vyctl("kill", "shell")
    runs = lambda: r.ps().get("shell", {}).get("state") == "running"
    if not wait_for(runs, 5):
        why = "kill %d (%s): shell not running again: %s" % (
            i + 1, k.stdout.decode(errors="replace").strip(), r.ps().get("shell"))
        break
time.sleep(0.3)
os.write(master, b"send pong ping 9\r")
ok = not why and pump(master, scr, seen("[pong] pong 9"), 5)
result("console-shell-comes-back", ok, why or repr(scr.lines()[-4:]))
r.vyctl("shutdown")
ended(p, 15)
os.close(master)

# with a display the keys go first to an app with a window, not the shell
r = Root(WINDOW_ROOT, VYCTL)
p, master, scr = on_console(WINDOW_ROOT, ["--profile", "window"])
ok = pump(master, scr, seen("keys go to "), 5)
first = [x for x in scr.lines() if "keys go to " in x][:1]
os.write(master, b"hi\r")
ok = ok and "keys go to drawn" in "".join(first)
ok = ok and wait_for(lambda: "liner got: hi" in r.log("drawn"), 5)
result("console-focus-window", ok, repr(first))
r.vyctl("shutdown")
ended(p, 15)
os.close(master)
end()
