/* Escape attempt by exhaustion: very long paths (ENAMETOOLONG), very deep
** ones, long components, and symlink loops (ELOOP): errors, never a host
** crash or a stack overflow. */
#include "wt.h"

/* Writes `times` copies of "sub/../" (7 bytes each) into p, then `last` with
** its NUL: a path that goes down and back up again and again. */
static void down_and_up(char *p, int times, const char *last) {
  size_t n = 0;
  for (int i = 0; i < times; i++) {
    memcpy(p + n, "sub/../", 7);
    n += 7;
  }
  memcpy(p + n, last, strlen(last) + 1);
}

int main(void) {
  static char p[70000];
  __wasi_fd_t fd;
  /* 60000 bytes of "a/" */
  for (int i = 0; i < 30000; i++) memcpy(p + 2 * i, "a/", 2);
  p[60000] = 0;
  __wasi_errno_t e = wopen(SB, p, FOLLOW, 0, __WASI_RIGHTS_FD_READ, 0, &fd);
  DENY("60000-byte path", e);
  /* 9000 levels of "sub/.." (7 bytes each): long, deep, but inside */
  down_and_up(p, 9000, "ok.txt");
  e = wopen(SB, p, FOLLOW, 0, __WASI_RIGHTS_FD_READ, 0, &fd);
  printf("63000-byte sub/.. path: %d\n", e);
  /* a 300-byte component */
  memset(p, 'x', 300);
  p[300] = 0;
  e = wopen(SB, p, FOLLOW, __WASI_OFLAGS_CREAT, RIGHTS_RW, 0, &fd);
  printf("300-byte name: %d\n", e);
  /* ".." that climbs out after a long way down and back */
  down_and_up(p, 100, "../stdout");
  e = wopen(SB, p, FOLLOW, 0, __WASI_RIGHTS_FD_READ, 0, &fd);
  DENY("long way then ..", e);
  /* a symlink loop */
  SHOW("symlink l1 -> l2", __wasi_path_symlink("l2", SB, "l1"));
  SHOW("symlink l2 -> l1", __wasi_path_symlink("l1", SB, "l2"));
  SHOW("open l1", wopen(SB, "l1", FOLLOW, 0, __WASI_RIGHTS_FD_READ, 0, &fd));
  SHOW("open l1/x",
       wopen(SB, "l1/x", FOLLOW, 0, __WASI_RIGHTS_FD_READ, 0, &fd));
  __wasi_filestat_t st;
  SHOW("stat l1 (follow)", __wasi_path_filestat_get(SB, FOLLOW, "l1", &st));
  (void)__wasi_path_unlink_file(SB, "l1");
  (void)__wasi_path_unlink_file(SB, "l2");
  /* a chain of 60 symlinks, each to the next */
  char a[16], b[16];
  for (int i = 0; i < 60; i++) {
    snprintf(a, sizeof a, "c%d", i);
    snprintf(b, sizeof b, i == 59 ? "ok.txt" : "c%d", i + 1);
    (void)__wasi_path_symlink(b, SB, a);
  }
  SHOW("open 60-link chain",
       wopen(SB, "c0", FOLLOW, 0, __WASI_RIGHTS_FD_READ, 0, &fd));
  SHOW("open 30-link chain",
       wopen(SB, "c30", FOLLOW, 0, __WASI_RIGHTS_FD_READ, 0, &fd));
  for (int i = 0; i < 60; i++) {
    snprintf(a, sizeof a, "c%d", i);
    (void)__wasi_path_unlink_file(SB, a);
  }
  return 0;
}
