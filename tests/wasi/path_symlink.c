/* path_symlink and path_readlink; following links that stay inside. */
#include "wt.h"

static void rl(const char *p, size_t len) {
  char buf[64];
  __wasi_size_t used = 0;
  memset(buf, 0, sizeof buf);
  __wasi_errno_t e = __wasi_path_readlink(SB, p, (uint8_t *)buf, len, &used);
  printf("readlink %s (buf %u): %d used=%u \"%.*s\"\n", p, (unsigned)len, e,
         (unsigned)used, (int)used, buf);
}

int main(void) {
  SHOW("symlink s1 -> sub/a.txt", __wasi_path_symlink("sub/a.txt", SB, "s1"));
  rl("s1", 64);
  show_file("s1");
  SHOW("symlink onto existing", __wasi_path_symlink("x", SB, "s1"));
  SHOW("symlink dangling", __wasi_path_symlink("missing", SB, "s2"));
  rl("s2", 64);
  show_file("s2");
  SHOW("symlink chain", __wasi_path_symlink("s1", SB, "s4"));
  show_file("s4");
  rl("link_in", 64);
  rl("link_dir", 64);
  rl("hello.txt", 64);
  rl("nope", 64);
  show_file("link_dir/c.txt");
  SHOW("symlink loop a", __wasi_path_symlink("loopb", SB, "loopa"));
  SHOW("symlink loop b", __wasi_path_symlink("loopa", SB, "loopb"));
  show_file("loopa");
  /* (symlinks with ".." that stay inside, and ELOOP without
  ** SYMLINK_FOLLOW: symlink_inside.c, where node deviates) */
  const char *rm[] = { "s1", "s2", "s4", "loopa", "loopb" };
  for (int i = 0; i < 5; i++)
    printf("unlink %s: %d\n", rm[i], __wasi_path_unlink_file(SB, rm[i]));
  return 0;
}
