/* path_open: oflags (CREAT, EXCL, TRUNC, DIRECTORY), fdflags, lookup flags,
** and the errors of each. */
#include "wt.h"

static __wasi_rights_t RO = RIGHTS_RW & ~__WASI_RIGHTS_FD_WRITE;

static void try(const char *label, const char *p, __wasi_lookupflags_t look,
                __wasi_oflags_t of, __wasi_rights_t r) {
  __wasi_fd_t fd;
  __wasi_errno_t e = wopen(SB, p, look, of, r, 0, &fd);
  if (e) {
    printf("%s: %d\n", label, e);
    return;
  }
  __wasi_fdstat_t st;
  (void)__wasi_fd_fdstat_get(fd, &st);
  printf("%s: 0 type=%u\n", label, st.fs_filetype);
  (void)__wasi_fd_close(fd);
}

int main(void) {
  try("open file", "hello.txt", 0, 0, RO);
  try("open dir", "sub", 0, 0, RIGHTS_DIR);
  try("open dir with O_DIRECTORY", "sub/deep", 0, __WASI_OFLAGS_DIRECTORY,
      RIGHTS_DIR);
  try("O_DIRECTORY on a file", "hello.txt", 0, __WASI_OFLAGS_DIRECTORY,
      RIGHTS_DIR);
  try("missing", "nope.txt", 0, 0, RO);
  try("missing dir component", "nodir/x", 0, 0, RO);
  try("file as dir component", "hello.txt/x", 0, 0, RO);
  try("create", "new.txt", 0, __WASI_OFLAGS_CREAT, RIGHTS_RW);
  try("create again (no excl)", "new.txt", 0, __WASI_OFLAGS_CREAT, RIGHTS_RW);
  try("create excl existing", "new.txt", 0,
      __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RIGHTS_RW);
  try("create in missing dir", "nodir/new.txt", 0, __WASI_OFLAGS_CREAT,
      RIGHTS_RW);
  try("symlink, follow", "link_in", FOLLOW, 0, RO);
  try("dir symlink, follow", "link_dir", FOLLOW, __WASI_OFLAGS_DIRECTORY,
      RIGHTS_DIR);
  try("through dir symlink", "link_dir/c.txt", 0, 0, RO);
  try("dot", ".", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR);
  try("sub/..", "sub/..", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR);
  try("sub/./deep/../a.txt", "sub/./deep/../a.txt", 0, 0, RO);
  try("trailing slash on dir", "sub/", 0, 0, RIGHTS_DIR);
  try("trailing slash on file", "hello.txt/", 0, 0, RO);

  /* truncate */
  __wasi_fd_t fd;
  __wasi_size_t n;
  (void)wopen(SB, "new.txt", 0, 0, RIGHTS_RW, 0, &fd);
  (void)wwrite(fd, "0123456789", &n);
  (void)__wasi_fd_close(fd);
  SHOW("trunc",
       wopen(SB, "new.txt", 0, __WASI_OFLAGS_TRUNC, RIGHTS_RW, 0, &fd));
  __wasi_filestat_t st;
  (void)__wasi_fd_filestat_get(fd, &st);
  printf("size after trunc=%llu\n", (unsigned long long)st.size);
  (void)__wasi_fd_close(fd);
  /* append */
  SHOW("append",
       wopen(SB, "new.txt", 0, 0, RIGHTS_RW, __WASI_FDFLAGS_APPEND, &fd));
  (void)wwrite(fd, "ab", &n);
  __wasi_filesize_t pos;
  (void)__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
  (void)wwrite(fd, "cd", &n);
  (void)__wasi_fd_close(fd);
  show_file("new.txt");
  /* read-only rights: writing is not allowed */
  (void)wopen(SB, "new.txt", 0, 0, RO, 0, &fd);
  SHOW("write on read-only fd", wwrite(fd, "x", &n));
  (void)__wasi_fd_close(fd);
  SHOW("unlink new.txt", __wasi_path_unlink_file(SB, "new.txt"));
  SHOW("path_open on a file fd", __wasi_path_open(1, 0, "x", 0, RO, 0, 0, &fd));
  SHOW("path_open bad fd", __wasi_path_open(66, 0, "x", 0, RO, 0, 0, &fd));
  return 0;
}
