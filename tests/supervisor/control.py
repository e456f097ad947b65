#!/usr/bin/env python3
# tests/supervisor/control.py — the supervisor cases that need the control
# socket itself rather than vyctl: bytes vyctl would never send, and loops
# too fast for a vyctl process per request.  Run by tests/supervisor/run.sh
# against its running vyomad:
#   control.py ROOT requests             unknown-command, malformed-requests
#   control.py ROOT kill-early APP N     kill-early-50x: kill N times right
#                                        after start, wherever APP then is
#   control.py ROOT cycles APP N PID ASAN
#                                        start-kill-cycles: N start/kill
#                                        cycles; vyomad (PID) keeps its fds,
#                                        and its RSS unless ASAN is 1
# Prints "pass NAME" / "fail NAME WHY" lines (vyomad_client.result).
import os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vyomad_client import Root, end, result, rss_kb, wait_for

root, what = Root(sys.argv[1]), sys.argv[2]

if what == "requests":
    st, _ = root.request("frobnicate")
    result("unknown-command", st.startswith("error"), st)
    # malformed requests never hurt the supervisor
    for junk in (b"\n", b"x" * 5000 + b"\n", bytes(range(256)) + b"\n", b"kill\n",
                 b"kill ../../etc\n", b"send spinner\n", b"logs ../x\n", b"ps ps ps\n",
                 b"start " + b"a" * 300 + b"\n"):
        root.raw(junk)
    root.raw(b"ps", close_early=True)
    st, _ = root.request("ps")
    result("malformed-requests", st == "ok", st)

elif what == "kill-early":
    # kill right after start, wherever the app is (loading, instantiating,
    # the first instructions: vw_call clears an interrupt that came too early)
    app, n = sys.argv[3], int(sys.argv[4])
    worst, bad = 0.0, None
    for i in range(n):
        st, _ = root.request("start " + app)
        if i % 2:
            time.sleep(0.001 * (i % 7))
        t = time.time()
        st2, _ = root.request("kill " + app)
        worst = max(worst, (time.time() - t) * 1000)
        state = root.ps()[app]["state"]
        if st != "ok" or st2 != "ok" or state != "killed":
            bad = "cycle %d: start %s, kill %s, then %s" % (i, st, st2, state)
            break
    result("kill-early-50x", bad is None and worst < 100,
           "%s; worst kill %.1f ms (limit 100)" % (bad, worst))

elif what == "cycles":
    app, n, pid, asan = sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6] == "1"
    rss, fds, bad = [], [], None
    t0 = time.time()
    for i in range(n):
        st, _ = root.request("start " + app)
        if st != "ok":
            bad = "cycle %d: start: %s" % (i, st)
            break
        if not wait_for(lambda: root.ps()[app]["state"] == "running", 3):
            bad = "cycle %d: %s is '%s' after start" % (i, app, root.ps()[app]["state"])
            break
        st, _ = root.request("kill " + app)
        state = root.ps()[app]["state"]
        if st != "ok" or state != "killed":
            bad = "cycle %d: kill: %s, then %s" % (i, st, state)
            break
        if i == min(20, n - 1) or i == n - 1:
            time.sleep(0.2)       # connection threads close their sockets
            rss.append(rss_kb(pid))
            fds.append(len(os.listdir("/proc/%d/fd" % pid)))
    grow = rss[-1] - rss[0] if len(rss) == 2 else None
    why = "%s; fds %s; RSS %s KiB%s (%.1f s)" % (bad, fds, rss, " (not judged under ASan)"
                                                if asan else "", time.time() - t0)
    # a leak is growth; fewer fds after (a transient connection closed) is
    # fine.  Under ASan the quarantine holds freed memory by design:
    # LeakSanitizer at vyomad's exit is the check there, not the RSS.
    ok = (bad is None and len(fds) == 2 and fds[1] <= fds[0] and
          (asan or (grow is not None and grow <= 2048)))
    result("start-kill-cycles", ok, why)
    if ok:
        print("%d cycles; %s" % (n, why.split("; ", 1)[1]))
end()
