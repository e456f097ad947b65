#!/usr/bin/env python3
# tests/display/screen.py — drives vyomad with a headless display (root
# prepared by tests/display/screen.sh) and checks what reaches the screen;
# it prints "pass NAME" / "fail NAME WHY" lines (tests/supervisor/
# vyomad_client.py) that screen.sh counts:
#   window      each display app is told its window size ("@sys: window W H")
#   screenshot  `vyctl screenshot` writes a PNG of the screen's size; the
#               ticker's client area shows its red/blue fill
#   titles      title bars differ from the desktop and from client areas
#   flood       while flooder draws without pause, ticker keeps ticking and
#               presenting, flooder is refused by the budget, and vyomad
#               answers ps at once
#   bad-draw    malformed lines are answered "@sys: error draw ..." and
#               the app keeps running; its good fill is still drawn
#   layout      `vyctl layout stacked` re-arranges the windows: ticker is
#               told its new size; an unknown layout is refused
#   reflow      a window that goes away gives its room to the others (they
#               are told their new size); an app started again gets a window
#   no-display  an app without display = true has no window: its
#               VYOMA_DRAW lines are log lines
#   no-screen   with display = false, `vyctl screenshot` fails and says why
#   focus       on a console (a pty), the focused app's window has the
#               focus border and the other the plain one; Ctrl-A n swaps them
import functools, os, pty, struct, subprocess, sys, tempfile, time, zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../supervisor"))
from vyomad_client import Root, end, result
import vyomad_client

VYOMAD, VYCTL, ROOT = os.environ["VYOMAD"], os.environ["VYCTL"], os.environ["ROOT"]
root = Root(ROOT, VYCTL)
vyctl, log = root.vyctl, root.log
wait_for = functools.partial(vyomad_client.wait_for, step=0.05)


def png_decode(data):
    """(width, height, rows of (r, g, b)) for an 8-bit RGB or RGBA PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                raise ValueError("unexpected PNG type %d/%d" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def screenshot(path):
    r = vyctl("screenshot", path)
    if r.returncode != 0:
        raise ValueError("vyctl screenshot: %d %s" % (r.returncode, r.stderr.decode()))
    with open(path, "rb") as f:
        return png_decode(f.read())


def start(profile, tty=None):
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1")
    p = subprocess.Popen([VYOMAD, "--root", ROOT, "--profile", profile] +
                         ([] if tty is not None else ["--no-tty"]),
                         stdin=tty if tty is not None else subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, start_new_session=True,
                         stderr=open(os.path.join(ROOT, "vyomad-%s.err" % profile), "w"),
                         env=env)
    sock = os.path.join(ROOT, "run/vyoma/control.sock")
    wait_for(lambda: os.path.exists(sock) and vyctl("ps").returncode == 0, 15)
    return p


def stop(p):
    vyctl("shutdown")
    try:
        p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        return "vyomad did not stop"
    return None if p.returncode == 0 else "vyomad exit status %d" % p.returncode


tmp = tempfile.mkdtemp()
p = start("screen")

# window: every display app hears its size; ticker says so on stderr
ok = wait_for(lambda: "window " in log("ticker") and "window " in log("badraw"), 15)
result("window", ok, "ticker log: %r" % log("ticker")[-300:])
size = None
for line in log("ticker").splitlines():
    if " window " in line:
        size = tuple(int(v) for v in line.split()[-2:])

# screenshot: the screen's size; ticker's client area is red or blue
shot = None
try:
    wait_for(lambda: log("ticker").count("tick ") >= 3, 10)
    time.sleep(0.3)
    shot = screenshot(os.path.join(tmp, "a.png"))
    w, h, rows = shot
    colours = {}
    for row in rows:
        for px in row:
            colours[px] = colours.get(px, 0) + 1
    red, blue = colours.get((255, 0, 0), 0), colours.get((0, 0, 255), 0)
    # ticker fills its whole client area: at least 80% of W*H in one colour
    need = int(size[0] * size[1] * 0.8) if size else 1
    result("screenshot", w == 1024 and h == 768 and max(red, blue) >= need,
           "%dx%d, red %d blue %d px, need %d (client %s)" % (w, h, red, blue, need, size))
except (ValueError, OSError, zlib.error, subprocess.TimeoutExpired) as e:
    result("screenshot", False, str(e))

# titles: above ticker's red/blue area there is a title bar: a band whose
# colour is neither the client's nor the desktop's, with text pixels in it
if shot:
    w, h, rows = shot
    fill = ((255, 0, 0), (0, 0, 255))
    top = next(((x, y) for y in range(h) for x in range(w) if rows[y][x] in fill), None)
    ok, why = False, "no ticker pixels"
    if top:
        x, y = top
        above = [rows[yy][x + 8] for yy in range(max(0, y - 18), y)]
        band = set(above)
        desk = rows[h - 1][w - 1] if rows[h - 1][w - 1] not in fill else rows[0][0]
        ok = len(above) >= 10 and any(c not in fill and c != desk for c in band)
        why = "column above (%d,%d): %s; desktop %s" % (x, y, sorted(band)[:4], desk)
    result("titles", ok, why)

# flood: ticker keeps going while flooder floods; flooder is throttled
t0 = log("ticker").count("tick ")
t_start = time.time()
time.sleep(3)
t1 = log("ticker").count("tick ")
r = vyctl("ps", timeout=5)
m = vyctl("metrics")
metrics = m.stdout.decode()
drops = 0
for line in metrics.splitlines():
    if line.startswith("vyoma_display_budget_drops_total"):
        drops = int(float(line.split()[-1]))
# 3 s at one tick per 100 ms is about 30; 5 leaves a wide margin for a slow,
# sanitized build: the point is that ticker is not stopped
result("flood", t1 - t0 >= 5 and r.returncode == 0 and drops > 0,
       "ticker ticked %d times in %.1f s, ps %d, budget drops %d" %
       (t1 - t0, time.time() - t_start, r.returncode, drops))

# bad-draw: each bad line answered, app alive
heard = [l for l in log("badraw").splitlines() if "heard: error draw" in l]
st = vyctl("ps").stdout.decode()
alive = any(l.split()[:2] == ["badraw", "running"] for l in st.splitlines())
result("bad-draw", len(heard) == 5 and alive,
       "%d error replies (want 5), running %s: %s" % (len(heard), alive, heard[:5]))

# layout: switching to stacked tells ticker its new (smaller) window size
before = log("ticker").count(" window ")
r = vyctl("layout", "stacked")
ok = r.returncode == 0 and wait_for(lambda: log("ticker").count(" window ") > before, 10)
sizes = [l.split()[-2:] for l in log("ticker").splitlines() if " window " in l]
bad = vyctl("layout", "spiral")
result("layout", ok and sizes[-1] != sizes[0] and bad.returncode == 1 and
       b"unknown layout" in bad.stderr,
       "rc %d, sizes %s, bad: %d %s" % (r.returncode, sizes, bad.returncode, bad.stderr))

# no-display: nodisp's draw lines are plain log lines, not errors
nl = log("nodisp")
result("no-display", "VYOMA_DRAW fill 0 0 50 50 #00ff00" in nl and "heard: error" not in nl,
       nl[-300:])

# reflow: when badraw stops, its window goes and ticker, which stays, is
# told a new size; when badraw starts again it gets a window again.  Tiled
# again first: stacked windows keep their size whatever the count.
before_t = log("ticker").count(" window ")
vyctl("layout", "tiled")
wait_for(lambda: log("ticker").count(" window ") > before_t, 10)
before_t = log("ticker").count(" window ")
before_b = log("badraw").count(" window ")
r1 = vyctl("stop", "badraw")
ok1 = wait_for(lambda: log("ticker").count(" window ") > before_t, 10)
r2 = vyctl("start", "badraw")
ok2 = wait_for(lambda: log("badraw").count("heard: window") > before_b, 10)
result("reflow", r1.returncode == 0 and ok1 and r2.returncode == 0 and ok2,
       "stop %d, ticker resized %s, start %d, badraw window again %s" %
       (r1.returncode, ok1, r2.returncode, ok2))

err = stop(p)
result("shutdown", err is None, err or "")

# no-screen: the dark profile has no display
p = start("dark")
r = vyctl("screenshot", os.path.join(tmp, "b.png"))
msg = r.stderr.decode()
result("no-screen", r.returncode == 1 and "no display" in msg and
       not os.path.exists(os.path.join(tmp, "b.png")), "%d %s" % (r.returncode, msg))
err = stop(p)
result("shutdown-dark", err is None, err or "")

# focus: badraw (first input app) has focus at start, then Ctrl-A n
FOCUS, PLAIN = (0x3d, 0x9b, 0xff), (0x80, 0x80, 0x80)


def borders(path):
    """colours just left of ticker's and badraw's client areas"""
    w, h, rows = screenshot(path)
    def box(colours):
        pts = [(x, y) for y in range(0, h, 2) for x in range(0, w, 2) if rows[y][x] in colours]
        if not pts:
            raise ValueError("no pixels of %s on the screen" % sorted(colours))
        return min(p[0] for p in pts), min(p[1] for p in pts)
    tx, ty = box({(255, 0, 0), (0, 0, 255)})
    bx, by = box({(0, 255, 0)})
    return rows[ty + 10][tx - 1], rows[by + 10][bx - 1]


master, slave = pty.openpty()
p = start("focus", tty=slave)
os.close(slave)
try:
    wait_for(lambda: log("ticker").count("tick ") >= 2 and "heard" in log("badraw"), 15)
    time.sleep(0.3)
    t1, b1 = borders(os.path.join(tmp, "f1.png"))
    os.write(master, b"\x01n")
    time.sleep(0.5)
    t2, b2 = borders(os.path.join(tmp, "f2.png"))
    result("focus", (b1, t1, t2, b2) == (FOCUS, PLAIN, FOCUS, PLAIN),
           "badraw/ticker borders before %s/%s, after Ctrl-A n %s/%s" % (b1, t1, b2, t2))
except (ValueError, OSError, zlib.error, subprocess.TimeoutExpired) as e:
    result("focus", False, str(e))
err = stop(p)
os.close(master)
result("shutdown-focus", err is None, err or "")
end()
