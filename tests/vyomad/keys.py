#!/usr/bin/env python3
# keys.py — the console input router end to end: vyomad on a pseudo-terminal,
# keys typed into it reach the focused app's stdin with line editing, and
# Ctrl-A switches the focus.  VYOMAD, OUT (built test apps) from run.sh.
import os, pty, shutil, signal, subprocess, sys, tempfile, time

VYOMAD, OUT = os.environ["VYOMAD"], os.environ["OUT"]
failed = 0


def result(name, ok, why=""):
    global failed
    if ok:
        print("PASS vyomad/%s" % name)
    else:
        failed += 1
        print("FAIL vyomad/%s: %s" % (name, why))
    sys.stdout.flush()


root = tempfile.mkdtemp(prefix="vyomad-tty.")
try:
    for name in ("one", "two"):
        d = os.path.join(root, "apps", name)
        os.makedirs(d)
        shutil.copy(os.path.join(OUT, "sink.wasm"), d)
        with open(os.path.join(d, "vyoma.toml"), "w") as f:
            f.write('[app]\nname = "%s"\nversion = "1"\nmodule = "sink.wasm"\n'
                    '[capabilities]\ninput = true\n[lifecycle]\nrestart = "never"\n' % name)

    def log(name):
        try:
            with open(os.path.join(root, "run/vyoma/logs/%s.log" % name)) as f:
                return f.read()
        except OSError:
            return ""

    def wait_for(pred, secs=5):
        end = time.time() + secs
        while time.time() < end:
            if pred():
                return True
            time.sleep(0.02)
        return False

    master, slave = pty.openpty()
    err = open(os.path.join(root, "vyomad.err"), "w")
    p = subprocess.Popen([VYOMAD, "--root", root, "--grace", "100"], stdin=slave,
                         stdout=err, stderr=err, start_new_session=True)
    os.close(slave)
    ok = wait_for(lambda: os.path.exists(os.path.join(root, "run/vyoma/control.sock")))
    time.sleep(0.3)
    os.write(master, b"helx\x7flo\r")
    ok = wait_for(lambda: "sink got: hello" in log("one"))
    result("tty-line-to-focused-app", ok, log("one")[-200:])
    os.write(master, b"junk\x15abc\r")
    ok = wait_for(lambda: "sink got: abc" in log("one"))
    result("tty-ctrl-u", ok and "junk" not in log("one"), log("one")[-200:])
    os.write(master, b"\x01ntwo\r")
    ok = wait_for(lambda: "sink got: two" in log("two"))
    result("tty-ctrl-a-next", ok and "two" not in log("one"), log("two")[-200:])
    os.write(master, b"\x011\x04")
    ok = wait_for(lambda: "app one exited" in open(os.path.join(root, "vyomad.err")).read())
    result("tty-ctrl-a-1-and-eof", ok, "one did not see end of input")
    # the echo goes to the console log (vyomad's stderr, here a file)
    echoed = open(os.path.join(root, "vyomad.err")).read()
    result("tty-echo", "helx\b \blo" in echoed, repr(echoed[-300:]))
    p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = "timeout"
    text = open(os.path.join(root, "vyomad.err")).read()
    result("tty-shutdown", rc == 0 and "Sanitizer" not in text, "rc %s" % rc)
    if failed:
        sys.stdout.write("".join("    " + l + "\n" for l in text.splitlines()[-20:]))
finally:
    shutil.rmtree(root, ignore_errors=True)
sys.exit(1 if failed else 0)
