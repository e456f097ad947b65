/* fd_readdir: the dirent layout (24-byte header, then the name), resuming
** from d_next cookies with a buffer too small for everything, and a buffer
** that cuts an entry off (bufused == buf_len). */
#include "wt.h"

static char names[64][64];
static int count;

static int cmp(const void *a, const void *b) {
  return strcmp((const char *)a, (const char *)b);
}

static void collect(__wasi_fd_t fd, size_t bufsize) {
  uint8_t buf[512];
  __wasi_dircookie_t cookie = 0;
  count = 0;
  int rounds = 0;
  for (;;) {
    __wasi_size_t used;
    __wasi_errno_t e = __wasi_fd_readdir(fd, buf, bufsize, cookie, &used);
    if (e) {
      printf("fd_readdir: %d\n", e);
      return;
    }
    rounds++;
    size_t pos = 0;
    int progressed = 0;
    while (pos + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t d;
      memcpy(&d, buf + pos, sizeof d);
      if (pos + sizeof d + d.d_namlen > used) break; /* cut off */
      char nm[64];
      memcpy(nm, buf + pos + sizeof d, d.d_namlen);
      nm[d.d_namlen] = 0;
      if (strcmp(nm, ".") && strcmp(nm, "..") && count < 64) {
        char *slot = names[count];
        snprintf(slot, 64, "%s type=%u", nm, d.d_type);
        count++;
      }
      cookie = d.d_next;
      progressed = 1;
      pos += sizeof d + d.d_namlen;
    }
    if (used < bufsize) break; /* the end of the directory */
    if (!progressed) {
      printf("buffer too small\n");
      return;
    }
  }
  qsort(names, count, sizeof names[0], cmp);
  printf("buffer %u: %d entries, several calls=%d\n", (unsigned)bufsize, count,
         rounds > 1);
  for (int i = 0; i < count; i++) printf("  %s\n", names[i]);
}

int main(void) {
  printf("dirent size=%u\n", (unsigned)sizeof(__wasi_dirent_t));
  collect(SB, 512);
  collect(SB, 40);
  __wasi_fd_t sub;
  SHOW("open sub",
       wopen(SB, "sub", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, &sub));
  collect(sub, 512);
  /* a buffer that ends inside the first entry's name */
  uint8_t small[26];
  __wasi_size_t used = 0;
  SHOW("fd_readdir tiny",
       __wasi_fd_readdir(sub, small, sizeof small, 0, &used));
  printf("bufused=%u (full=%d)\n", (unsigned)used, used == sizeof small);
  /* a regular file is not a directory */
  __wasi_fd_t f;
  (void)wopen(SB, "hello.txt", 0, 0, RIGHTS_RW & ~__WASI_RIGHTS_FD_WRITE, 0,
              &f);
  SHOW("fd_readdir on a file",
       __wasi_fd_readdir(f, small, sizeof small, 0, &used));
  SHOW("fd_readdir bad fd",
       __wasi_fd_readdir(99, small, sizeof small, 0, &used));
  return 0;
}
