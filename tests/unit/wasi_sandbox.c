/*
** wasi_sandbox.c — native tests of the WASI host's guarantees that a wasm
** program cannot exercise by itself:
**   - the path resolver, in both modes (openat2 RESOLVE_BENEATH, and the
**     user-space per-component walk used when openat2 is missing), denies
**     every escape and resolves every inside path the same way;
**   - TOCTOU: a symlink or a directory swapped by another thread while the
**     guest resolves a path never lets it reach outside (both modes);
**   - an allocation failure anywhere in vwasi_new or the resolver is
**     NULL / ENOMEM without a leak;
**   - sock_accept / sock_recv / sock_send / sock_shutdown on a real
**     listening socket handed in through vwasi_config.sockets.
**
** The socket module, assembled with wat2wasm from:
**   (module
**     (import "wasi_snapshot_preview1" "sock_accept" (func $acc (param i32 i32
*i32) (result i32)))
**     (import "wasi_snapshot_preview1" "sock_recv" (func $recv (param i32 i32
*i32 i32 i32 i32) (result i32)))
**     (import "wasi_snapshot_preview1" "sock_send" (func $send (param i32 i32
*i32 i32 i32) (result i32)))
**     (import "wasi_snapshot_preview1" "sock_shutdown" (func $shut (param i32
*i32) (result i32)))
**     (memory (export "memory") 1)
**     (func (export "accept") (param i32 i32) (result i32)
**       (call $acc (local.get 0) (local.get 1) (i32.const 0)))
**     (func (export "recv") (param i32 i32) (result i32)
**       (i32.store (i32.const 16) (i32.const 64))
**       (i32.store (i32.const 20) (i32.const 32))
**       (call $recv (local.get 0) (i32.const 16) (i32.const 1) (local.get 1)
**                   (i32.const 4) (i32.const 8)))
**     (func (export "send") (param i32 i32) (result i32)
**       (i32.store (i32.const 24) (i32.const 64))
**       (i32.store (i32.const 28) (local.get 1))
**       (call $send (local.get 0) (i32.const 24) (i32.const 1) (i32.const 0)
**                   (i32.const 12)))
**     (func (export "shutdown") (param i32 i32) (result i32)
**       (call $shut (local.get 0) (local.get 1))))
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../wasi/wasi_int.h"
#include "../check.h"

static char root[64]; /* the temp dir: root/box is the sandbox */
static int boxfd;

static void mk(const char *rel, const char *content) {
  char p[256];
  snprintf(p, sizeof p, "%s/%s", root, rel);
  FILE *f = fopen(p, "w");
  if (f) {
    fputs(content, f);
    fclose(f);
  }
}
static void mkd(const char *rel) {
  char p[256];
  snprintf(p, sizeof p, "%s/%s", root, rel);
  mkdir(p, 0755);
}
static void ln(const char *target, const char *rel) {
  char p[256];
  snprintf(p, sizeof p, "%s/%s", root, rel);
  if (symlink(target, p) != 0) perror(p);
}

static void setup(void) {
  strcpy(root, "/tmp/vwasi-sandbox-XXXXXX");
  if (!mkdtemp(root)) {
    perror("mkdtemp");
    exit(1);
  }
  mk("outside_secret", "secret\n");
  mkd("x");
  mkd("box");
  mk("box/in.txt", "in\n");
  mkd("box/d");
  mkd("box/d/e");
  mk("box/d/f.txt", "f\n");
  char abs[256];
  snprintf(abs, sizeof abs, "%s/outside_secret", root);
  ln(abs, "box/abs");
  ln("../outside_secret", "box/up");
  ln("..", "box/dirup");
  ln("d/f.txt", "box/ok");
  ln("d", "box/okdir");
  ln("../in.txt", "box/d/back");
  ln("loop2", "box/loop1");
  ln("loop1", "box/loop2");
  ln("/proc/self/root", "box/magic");
  ln("../nothing_here", "box/dangling_out");
  for (int i = 0; i < 45; i++) {
    char t[32], n[32];
    snprintf(t, sizeof t, i == 44 ? "in.txt" : "chain%d", i + 1);
    snprintf(n, sizeof n, "box/chain%d", i);
    ln(t, n);
  }
  char p[256];
  snprintf(p, sizeof p, "%s/box", root);
  boxfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void teardown(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  if (system(cmd) != 0) printf("cannot remove %s\n", root);
  close(boxfd);
}

/* opens path beneath the box; returns 0 or the WASI errno */
static int try_open(const char *path, int flags, int follow) {
  int fd = wasi_open_beneath(NULL, boxfd, path, flags, 0644, follow);
  if (fd >= 0) {
    close(fd);
    return 0;
  }
  return -fd;
}

static void resolver_cases(const char *mode) {
  static const struct {
    const char *path;
    int follow, want;
  } cases[] = {
    { "in.txt", 1, 0 },
    { "d/f.txt", 1, 0 },
    { "ok", 1, 0 },
    { "ok", 0, W_ELOOP },
    { "okdir/f.txt", 0, 0 },
    { "d/back", 1, 0 },
    { "d/../in.txt", 1, 0 },
    { "./d/./e/../f.txt", 1, 0 },
    { "chain20", 1, 0 },
    { "chain0", 1, W_ELOOP },
    { "loop1", 1, W_ELOOP },
    { "loop1/x", 1, W_ELOOP },
    { "../outside_secret", 1, W_ENOTCAPABLE },
    { "d/../../outside_secret", 1, W_ENOTCAPABLE },
    { "/etc/passwd", 1, W_ENOTCAPABLE },
    { "abs", 1, W_ENOTCAPABLE },
    { "up", 1, W_ENOTCAPABLE },
    { "dirup/outside_secret", 0, W_ENOTCAPABLE },
    { "dirup/box/in.txt", 0, W_ENOTCAPABLE },
    { "magic/etc/passwd", 0, W_ENOTCAPABLE },
    { "d/back/x", 1, W_ENOTDIR },
    { "nope", 1, W_ENOENT },
    { "in.txt/", 1, W_ENOTDIR },
    { "", 1, W_ENOENT },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int got = try_open(cases[i].path, O_RDONLY, cases[i].follow);
    /* magic links: openat2 refuses them as ELOOP or EXDEV; both deny */
    if (strncmp(cases[i].path, "magic", 5) == 0 && got == W_ELOOP)
      got = W_ENOTCAPABLE;
    CHECKF(got == cases[i].want, "%s: open \"%s\" follow=%d: got %d, want %d",
           mode, cases[i].path, cases[i].follow, got, cases[i].want);
  }
  /* creating through a dangling symlink that points outside */
  int got = try_open("dangling_out", O_WRONLY | O_CREAT, 1);
  CHECKF(got == W_ENOTCAPABLE, "%s: create via dangling_out: %d", mode, got);
  char p[256];
  snprintf(p, sizeof p, "%s/nothing_here", root);
  CHECKF(access(p, F_OK) != 0, "%s: file created outside the box", mode);
  got = try_open("ok", O_WRONLY | O_CREAT | O_EXCL, 1);
  CHECKF(got == W_EEXIST, "%s: O_CREAT|O_EXCL on a symlink: %d", mode, got);
  got = try_open("d/new.txt", O_WRONLY | O_CREAT | O_EXCL, 0);
  CHECKF(got == 0, "%s: create inside: %d", mode, got);
  unlinkat(boxfd, "d/new.txt", 0);

  /* wasi_resolve: parent + last component */
  int parent;
  char *buf;
  const char *name;
  int slash;
  int e = wasi_resolve(NULL, boxfd, "d/f.txt", 0, &parent, &buf, &name, &slash);
  CHECKF(e == 0 && strcmp(name, "f.txt") == 0 && !slash,
         "%s: resolve d/f.txt: %d", mode, e);
  if (!e) {
    close(parent);
    vw_free(NULL, buf);
  }
  e = wasi_resolve(NULL, boxfd, "okdir/", 0, &parent, &buf, &name, &slash);
  CHECKF(e == 0 && slash, "%s: resolve okdir/: %d", mode, e);
  if (!e) {
    close(parent);
    vw_free(NULL, buf);
  }
  e = wasi_resolve(NULL, boxfd, "up", 1, &parent, &buf, &name, &slash);
  CHECKF(e == W_ENOTCAPABLE, "%s: resolve up (follow): %d", mode, e);
  e = wasi_resolve(NULL, boxfd, "up", 0, &parent, &buf, &name, &slash);
  CHECKF(e == 0 && strcmp(name, "up") == 0, "%s: resolve up (nofollow): %d",
         mode, e);
  if (!e) {
    close(parent);
    vw_free(NULL, buf);
  }
  e = wasi_resolve(NULL, boxfd, "dirup/outside_secret", 0, &parent, &buf, &name,
                   &slash);
  CHECKF(e == W_ENOTCAPABLE, "%s: resolve dirup/outside_secret: %d", mode, e);
  e = wasi_resolve(NULL, boxfd, "d/..", 0, &parent, &buf, &name, &slash);
  CHECKF(e == 0 && strcmp(name, ".") == 0, "%s: resolve d/..: %d", mode, e);
  if (!e) {
    close(parent);
    vw_free(NULL, buf);
  }
  e = wasi_resolve(NULL, boxfd, "d/../..", 0, &parent, &buf, &name, &slash);
  CHECKF(e == W_ENOTCAPABLE, "%s: resolve d/../..: %d", mode, e);
}

/* ---- races --------------------------------------------------------------- */
static atomic_int stop;

/* flips box/race between a symlink to "d" (inside) and one to ".."
** (outside), atomically with rename */
static void *flip_symlink(void *arg) {
  (void)arg;
  char in[256], out[256], race[256];
  snprintf(in, sizeof in, "%s/box/race_in", root);
  snprintf(out, sizeof out, "%s/box/race_out", root);
  snprintf(race, sizeof race, "%s/box/race", root);
  for (int i = 0; !atomic_load(&stop); i++) {
    unlink(in);
    unlink(out);
    if (symlink("d", in) != 0 || symlink("..", out) != 0) break;
    rename(i & 1 ? out : in, race);
  }
  return NULL;
}

/* moves box/d/e out of the box (to root/x/e) and back */
static void *flip_dir(void *arg) {
  (void)arg;
  char a[256], b[256];
  snprintf(a, sizeof a, "%s/box/d/e", root);
  snprintf(b, sizeof b, "%s/x/e", root);
  while (!atomic_load(&stop)) {
    rename(a, b);
    rename(b, a);
  }
  return NULL;
}

static void race(const char *mode, void *(*fn)(void *), const char *path,
                 const char *label) {
  pthread_t t;
  atomic_store(&stop, 0);
  REQUIREF(pthread_create(&t, NULL, fn, NULL) == 0, "%s: no thread", label);
  int escaped = 0, inside = 0;
  for (int i = 0; i < 20000; i++) {
    int fd = wasi_open_beneath(NULL, boxfd, path, O_RDONLY, 0, 1);
    if (fd >= 0) {
      char buf[16] = { 0 };
      if (read(fd, buf, sizeof buf - 1) > 0 && strcmp(buf, "secret\n") == 0)
        escaped++;
      else
        inside++;
      close(fd);
    }
  }
  atomic_store(&stop, 1);
  pthread_join(t, NULL);
  CHECKF(escaped == 0, "%s: %s: reached the outside file %d times", mode, label,
         escaped);
  printf("%s: %s: 20000 tries, 0 escapes wanted, %d escapes, %d inside\n", mode,
         label, escaped, inside);
}

/* ---- out of memory ------------------------------------------------------- */
static int fail_at = -1, nallocs;
static void *t_malloc(size_t n, void *ud) {
  (void)ud;
  if (nallocs++ == fail_at) return NULL;
  return malloc(n);
}
static void *t_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  if (nallocs++ == fail_at) return NULL;
  return realloc(p, n);
}
static void t_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

/* Every allocation of vwasi_new and of the resolver (both modes) fails in
** turn: the result is NULL / ENOMEM, and ASan's leak check sees nothing. */
static void out_of_memory(void) {
  vw_allocator a = { t_malloc, t_realloc, t_free, NULL };
  char boxp[128];
  snprintf(boxp, sizeof boxp, "%s/box", root);
  vwasi_preopen pre = { boxp, "/sandbox" };
  const char *argv[] = { "app", "one" }, *envp[] = { "A=1" };
  vwasi_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.argc = 2;
  cfg.argv = argv;
  cfg.envc = 1;
  cfg.envp = envp;
  cfg.npreopens = 1;
  cfg.preopens = &pre;
  cfg.allocator = &a;
  cfg.stdio[0] = 0;
  cfg.stdio[1] = 1;
  cfg.stdio[2] = 2;
  int ok = 0;
  for (fail_at = 0; fail_at < 200 && !ok; fail_at++) {
    nallocs = 0;
    char eb[64];
    vwasi *w = vwasi_new(&cfg, eb, sizeof eb);
    if (w) {
      ok = 1;
      vwasi_free(w);
    } else
      CHECKF(strstr(eb, "memory") != NULL, "oom %d: %s", fail_at, eb);
  }
  CHECKF(ok, "vwasi_new never succeeded");
  for (int mode = 0; mode < 2; mode++) {
    vwasi__no_openat2 = mode;
    ok = 0;
    for (fail_at = 0; fail_at < 200 && !ok; fail_at++) {
      nallocs = 0;
      int parent;
      char *buf;
      const char *name;
      int slash;
      int e = wasi_resolve(&a, boxfd, "okdir/../d/back", 1, &parent, &buf,
                           &name, &slash);
      if (e == 0) {
        ok = 1;
        close(parent);
        vw_free(&a, buf);
      } else
        CHECKF(e == W_ENOMEM, "oom %d (mode %d): errno %d", fail_at, mode, e);
    }
    CHECKF(ok, "wasi_resolve never succeeded (mode %d)", mode);
  }
  vwasi__no_openat2 = 0;
  fail_at = -1;
}

/* ---- sockets ------------------------------------------------------------- */
static const unsigned char sock_module[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x21, 0x04, 0x60, 0x03,
  0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x06, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
  0x01, 0x7f, 0x60, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x02,
  0x7f, 0x7f, 0x01, 0x7f, 0x02, 0x93, 0x01, 0x04, 0x16, 0x77, 0x61, 0x73, 0x69,
  0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73, 0x68, 0x6f, 0x74, 0x5f, 0x70, 0x72, 0x65,
  0x76, 0x69, 0x65, 0x77, 0x31, 0x0b, 0x73, 0x6f, 0x63, 0x6b, 0x5f, 0x61, 0x63,
  0x63, 0x65, 0x70, 0x74, 0x00, 0x00, 0x16, 0x77, 0x61, 0x73, 0x69, 0x5f, 0x73,
  0x6e, 0x61, 0x70, 0x73, 0x68, 0x6f, 0x74, 0x5f, 0x70, 0x72, 0x65, 0x76, 0x69,
  0x65, 0x77, 0x31, 0x09, 0x73, 0x6f, 0x63, 0x6b, 0x5f, 0x72, 0x65, 0x63, 0x76,
  0x00, 0x01, 0x16, 0x77, 0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73,
  0x68, 0x6f, 0x74, 0x5f, 0x70, 0x72, 0x65, 0x76, 0x69, 0x65, 0x77, 0x31, 0x09,
  0x73, 0x6f, 0x63, 0x6b, 0x5f, 0x73, 0x65, 0x6e, 0x64, 0x00, 0x02, 0x16, 0x77,
  0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73, 0x68, 0x6f, 0x74, 0x5f,
  0x70, 0x72, 0x65, 0x76, 0x69, 0x65, 0x77, 0x31, 0x0d, 0x73, 0x6f, 0x63, 0x6b,
  0x5f, 0x73, 0x68, 0x75, 0x74, 0x64, 0x6f, 0x77, 0x6e, 0x00, 0x03, 0x03, 0x05,
  0x04, 0x03, 0x03, 0x03, 0x03, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x2c, 0x05,
  0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x06, 0x61, 0x63, 0x63,
  0x65, 0x70, 0x74, 0x00, 0x04, 0x04, 0x72, 0x65, 0x63, 0x76, 0x00, 0x05, 0x04,
  0x73, 0x65, 0x6e, 0x64, 0x00, 0x06, 0x08, 0x73, 0x68, 0x75, 0x74, 0x64, 0x6f,
  0x77, 0x6e, 0x00, 0x07, 0x0a, 0x53, 0x04, 0x0a, 0x00, 0x20, 0x00, 0x20, 0x01,
  0x41, 0x00, 0x10, 0x00, 0x0b, 0x1f, 0x00, 0x41, 0x10, 0x41, 0xc0, 0x00, 0x36,
  0x02, 0x00, 0x41, 0x14, 0x41, 0x20, 0x36, 0x02, 0x00, 0x20, 0x00, 0x41, 0x10,
  0x41, 0x01, 0x20, 0x01, 0x41, 0x04, 0x41, 0x08, 0x10, 0x01, 0x0b, 0x1d, 0x00,
  0x41, 0x18, 0x41, 0xc0, 0x00, 0x36, 0x02, 0x00, 0x41, 0x1c, 0x20, 0x01, 0x36,
  0x02, 0x00, 0x20, 0x00, 0x41, 0x18, 0x41, 0x01, 0x41, 0x00, 0x41, 0x0c, 0x10,
  0x02, 0x0b, 0x08, 0x00, 0x20, 0x00, 0x20, 0x01, 0x10, 0x03, 0x0b
};

static vw_func *exp_func(vw_instance *inst, const char *name) {
  vw_extern ex;
  if (vw_instance_export(inst, name, &ex) != 0 || ex.kind != VW_EXTERN_FUNC)
    return NULL;
  return ex.of.func;
}

static uint32_t call2(vw_store *s, vw_func *f, uint32_t a, uint32_t b) {
  vw_raw args[2] = { a, b }, res[1] = { 0xdead };
  vw_error err;
  if (vw_call(s, f, args, res, &err) != VW_OK) {
    printf("call failed: %s\n", err.msg);
    return 0xffff;
  }
  return (uint32_t)res[0];
}

static void sockets(void) {
  char path[100]; /* fits sun_path (108) */
  snprintf(path, sizeof path, "%s/sock", root);
  int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
  if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
      listen(lfd, 4) != 0) {
    SKIP("%s", strerror(errno));
  }
  vwasi_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.stdio[0] = cfg.stdio[1] = cfg.stdio[2] = -1;
  cfg.nsockets = 1;
  cfg.sockets = &lfd;
  char eb[128];
  vwasi *w = vwasi_new(&cfg, eb, sizeof eb);
  CHECKF(w != NULL, "vwasi_new: %s", eb);
  vw_error err;
  vw_module *m = vw_module_new(sock_module, sizeof sock_module, NULL, &err);
  CHECKF(m != NULL, "module: %s", err.msg);
  vw_store *s = vw_store_new(NULL);
  if (!w || !m || !s) return;
  vwasi_bind_store(w, s);
  vw_instance *inst = vw_instantiate(s, m, vwasi_resolve, w, &err);
  CHECKF(inst != NULL, "instantiate: %s", err.msg);
  if (!inst) return;
  uint8_t *mem = vw_memory_data(vw_instance_memory(inst, 0));
  vw_func *acc = exp_func(inst, "accept"), *recv = exp_func(inst, "recv");
  vw_func *send = exp_func(inst, "send"), *shut = exp_func(inst, "shutdown");

  /* the listening socket is fd 3 (no stdio, no preopens) */
  /* (FDF_NONBLOCK is for the accepted socket; accept itself would block,
  ** so there is no "nobody there" check) */
  CHECKF(call2(s, acc, 3, FDF_APPEND) == W_EINVAL, "accept with bad flags");
  CHECKF(call2(s, acc, 9, 0) == W_EBADF, "accept on a closed fd");
  int cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECKF(connect(cfd, (struct sockaddr *)&sa, sizeof sa) == 0, "connect");
  CHECKF(call2(s, acc, 3, FDF_NONBLOCK) == 0, "accept");
  uint32_t conn;
  memcpy(&conn, mem, 4);
  /* the lowest free number: 0, since this embedder closed stdio */
  CHECKF(conn == 0, "accepted fd %u", conn);
  CHECKF(write(cfd, "ping", 4) == 4, "client write");
  CHECKF(call2(s, recv, conn, 1) == 0, "recv peek");
  CHECKF(call2(s, recv, conn, 0) == 0, "recv");
  uint32_t got;
  memcpy(&got, mem + 4, 4);
  CHECKF(got == 4 && memcmp(mem + 64, "ping", 4) == 0, "received %u bytes",
         got);
  memcpy(mem + 64, "pong!", 5);
  CHECKF(call2(s, send, conn, 5) == 0, "send");
  memcpy(&got, mem + 12, 4);
  char buf[16] = { 0 };
  CHECKF(got == 5 && read(cfd, buf, sizeof buf) == 5 &&
             memcmp(buf, "pong!", 5) == 0,
         "client read");
  uint32_t r = call2(s, recv, 3, 0);
  CHECKF(r == W_ENOTCONN || r == W_EINVAL, "recv on the listener: %u", r);
  CHECKF(call2(s, recv, 3, 0) != 0, "recv on the listener");
  CHECKF(call2(s, recv, 7, 0) == W_EBADF, "recv on a closed fd");
  CHECKF(call2(s, shut, conn, 7) == W_EINVAL, "shutdown with bad flags");
  CHECKF(call2(s, shut, conn, 2) == 0, "shutdown wr");
  CHECKF(read(cfd, buf, sizeof buf) == 0, "client sees EOF");
  close(cfd);
  CHECKF(call2(s, recv, conn, 0) == 0, "recv after the peer closed");
  memcpy(&got, mem + 4, 4);
  CHECKF(got == 0, "recv gives 0 bytes at EOF");
  /* sending to a closed peer is EPIPE, never SIGPIPE in the host */
  CHECKF(call2(s, send, conn, 5) == W_EPIPE, "send to closed peer");
  vw_store_free(s);
  vw_module_free(m);
  vwasi_free(w);
  close(lfd);
}

static void races(const char *mode) {
  race(mode, flip_symlink, "race/f.txt", "symlink swapped to ..");
  race(mode, flip_symlink, "race/outside_secret",
       "symlink swapped, target outside");
  race(mode, flip_dir, "d/e/../../outside_secret", "directory moved out");
}

/* runs fn in one resolver mode: openat2, or the user-space walk */
static void in_mode(int walk, void (*fn)(const char *mode)) {
  vwasi__no_openat2 = walk;
  fn(walk ? "walk" : "openat2");
  vwasi__no_openat2 = 0;
}
static void resolver_openat2(void) { in_mode(0, resolver_cases); }
static void races_openat2(void) { in_mode(0, races); }
static void resolver_walk(void) { in_mode(1, resolver_cases); }
static void races_walk(void) { in_mode(1, races); }

int main(int argc, char **argv) {
  check_init(argc, argv, "wasi_sandbox");
  setup();
  RUN(resolver_openat2);
  RUN(races_openat2);
  RUN(resolver_walk);
  RUN(races_walk);
  RUN(out_of_memory);
  RUN(sockets);
  teardown();
  return check_end();
}
