/* Escape attempt: hard links.  path_link resolves both sides beneath their
** preopen, so neither a file outside (by "..", an absolute path or through
** a symlink) can be linked in, nor a file inside linked out. */
#include "wt.h"

int main(void) {
  DENY("link ../stdout -> in", __wasi_path_link(SB, 0, "../stdout", SB, "in"));
  DENY("link /etc/passwd -> in",
       __wasi_path_link(SB, 0, "/etc/passwd", SB, "in"));
  DENY("link abs (follow) -> in",
       __wasi_path_link(SB, FOLLOW, "abs", SB, "in"));
  DENY("link up (follow) -> in", __wasi_path_link(SB, FOLLOW, "up", SB, "in"));
  DENY("link dirup/stdout -> in",
       __wasi_path_link(SB, 0, "dirup/stdout", SB, "in"));
  DENY("link ok.txt -> ../out",
       __wasi_path_link(SB, 0, "ok.txt", SB, "../out"));
  DENY("link ok.txt -> dirup/out",
       __wasi_path_link(SB, 0, "ok.txt", SB, "dirup/out"));
  /* inside to inside still works */
  SHOW("link ok.txt -> ok2.txt",
       __wasi_path_link(SB, 0, "ok.txt", SB, "ok2.txt"));
  SHOW("unlink ok2.txt", __wasi_path_unlink_file(SB, "ok2.txt"));
  return 0;
}
