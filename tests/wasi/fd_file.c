/* A regular file through the fd_* calls: path_open (create), fd_write,
** fd_seek, fd_tell, fd_read, fd_pread, fd_pwrite, fd_filestat_get,
** fd_filestat_set_size, fd_allocate, fd_advise, fd_datasync, fd_sync,
** fd_close; the file is removed again at the end. */
#include "wt.h"

int main(void) {
  __wasi_fd_t fd;
  __wasi_errno_t e =
      wopen(SB, "work.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
            RIGHTS_RW, 0, &fd);
  printf("path_open creat: %d fd=%u\n", e, (unsigned)fd);
  __wasi_size_t n;
  e = wwrite(fd, "0123456789", &n);
  printf("fd_write: %d n=%u\n", e, (unsigned)n);
  __wasi_filesize_t pos = 99;
  SHOW("fd_tell", __wasi_fd_tell(fd, &pos));
  printf("pos=%llu\n", (unsigned long long)pos);
  e = __wasi_fd_seek(fd, 2, __WASI_WHENCE_SET, &pos);
  printf("fd_seek set 2: %d pos=%llu\n", e, (unsigned long long)pos);
  e = __wasi_fd_seek(fd, 3, __WASI_WHENCE_CUR, &pos);
  printf("fd_seek cur +3: %d pos=%llu\n", e, (unsigned long long)pos);
  e = __wasi_fd_seek(fd, -4, __WASI_WHENCE_END, &pos);
  printf("fd_seek end -4: %d pos=%llu\n", e, (unsigned long long)pos);
  e = __wasi_fd_seek(fd, -100, __WASI_WHENCE_CUR, &pos);
  printf("fd_seek before start: %d\n", e);
  e = __wasi_fd_seek(fd, 0, 3, &pos);
  printf("fd_seek bad whence: %d\n", e);
  char buf[32];
  e = wread(fd, buf, sizeof buf, &n);
  printf("fd_read: %d n=%u [%s]\n", e, (unsigned)n, buf);
  e = wread(fd, buf, sizeof buf, &n);
  printf("fd_read at eof: %d n=%u\n", e, (unsigned)n);

  __wasi_iovec_t iv = { (uint8_t *)buf, 4 };
  e = __wasi_fd_pread(fd, &iv, 1, 1, &n);
  buf[n] = 0;
  printf("fd_pread @1: %d n=%u [%s]\n", e, (unsigned)n, buf);
  __wasi_ciovec_t cv = { (const uint8_t *)"AB", 2 };
  e = __wasi_fd_pwrite(fd, &cv, 1, 4, &n);
  printf("fd_pwrite @4: %d n=%u\n", e, (unsigned)n);
  SHOW("fd_tell unchanged by pread/pwrite", __wasi_fd_tell(fd, &pos));
  printf("pos=%llu\n", (unsigned long long)pos);
  e = __wasi_fd_pwrite(fd, &cv, 1, 20, &n);
  printf("fd_pwrite @20 (past end): %d n=%u\n", e, (unsigned)n);

  __wasi_filestat_t st;
  SHOW("fd_filestat_get", __wasi_fd_filestat_get(fd, &st));
  printf("type=%u size=%llu nlink=%llu\n", st.filetype,
         (unsigned long long)st.size, (unsigned long long)st.nlink);
  SHOW("fd_filestat_set_size 6", __wasi_fd_filestat_set_size(fd, 6));
  (void)__wasi_fd_filestat_get(fd, &st);
  printf("size=%llu\n", (unsigned long long)st.size);
  SHOW("fd_allocate 0+100", __wasi_fd_allocate(fd, 0, 100));
  (void)__wasi_fd_filestat_get(fd, &st);
  printf("size=%llu\n", (unsigned long long)st.size);
  SHOW("fd_filestat_set_size 6", __wasi_fd_filestat_set_size(fd, 6));
  SHOW("fd_advise sequential",
       __wasi_fd_advise(fd, 0, 6, __WASI_ADVICE_SEQUENTIAL));
  SHOW("fd_advise dontneed",
       __wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_DONTNEED));
  SHOW("fd_datasync", __wasi_fd_datasync(fd));
  SHOW("fd_sync", __wasi_fd_sync(fd));
  SHOW("fd_filestat_set_times",
       __wasi_fd_filestat_set_times(
           fd, 1000000000ull * 1000000, 1000000000ull * 2000000,
           __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  (void)__wasi_fd_filestat_get(fd, &st);
  printf("atim=%llu mtim=%llu\n", (unsigned long long)st.atim,
         (unsigned long long)st.mtim);
  SHOW("fd_filestat_set_times conflicting",
       __wasi_fd_filestat_set_times(
           fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  SHOW("fd_close", __wasi_fd_close(fd));
  SHOW("fd_close again", __wasi_fd_close(fd));
  SHOW("fd_sync closed", __wasi_fd_sync(fd));
  show_file("work.txt");
  SHOW("path_unlink_file", __wasi_path_unlink_file(SB, "work.txt"));
  return 0;
}
