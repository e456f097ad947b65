/* path_link: hard links, with and without following a source symlink. */
#include "wt.h"

static void nlink(const char *p) {
  __wasi_filestat_t s;
  __wasi_errno_t e = __wasi_path_filestat_get(SB, 0, p, &s);
  printf("  %s: %d nlink=%llu type=%u\n", p, e,
         e ? 0ull : (unsigned long long)s.nlink, e ? 0 : s.filetype);
}

int main(void) {
  SHOW("link hello.txt -> h2", __wasi_path_link(SB, 0, "hello.txt", SB, "h2"));
  nlink("hello.txt");
  show_file("h2");
  SHOW("link onto existing", __wasi_path_link(SB, 0, "hello.txt", SB, "h2"));
  SHOW("link missing", __wasi_path_link(SB, 0, "nope", SB, "h3"));
  SHOW("link a directory", __wasi_path_link(SB, 0, "sub", SB, "sub2"));
  SHOW("link into missing dir",
       __wasi_path_link(SB, 0, "hello.txt", SB, "nodir/h"));
  SHOW("link via sub fd",
       __wasi_path_link(SB, 0, "sub/a.txt", SB, "sub/a2.txt"));
  nlink("sub/a.txt");
  SHOW("unlink h2", __wasi_path_unlink_file(SB, "h2"));
  SHOW("unlink sub/a2.txt", __wasi_path_unlink_file(SB, "sub/a2.txt"));
  nlink("hello.txt");
  /* a symlink source, followed: links the target file */
  SHOW("link link_in (follow) -> lf",
       __wasi_path_link(SB, FOLLOW, "link_in", SB, "lf"));
  nlink("lf");
  SHOW("unlink lf", __wasi_path_unlink_file(SB, "lf"));
  SHOW("link bad fd", __wasi_path_link(77, 0, "hello.txt", SB, "x"));
  SHOW("link to bad fd", __wasi_path_link(SB, 0, "hello.txt", 77, "x"));
  return 0;
}
