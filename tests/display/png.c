/*
** tests/display/png.c — PNG encode/load (display/png.c): an encode -> load
** round trip is exact, files load from a temporary folder (and its
** subfolders), truncated/corrupt/non-PNG/oversized inputs are refused, and
** paths are confined to the folder.  argv[1] is the label.
*/
#include "../../display/vd.h"

#define CHECK_PROG "png"
#include "check.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/vd-png-XXXXXX";
static int dirfd_ = -1;


static bool put(const char *rel, const void *data, size_t len)
{
  int fd = openat(dirfd_, rel, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return false;
  bool ok = write(fd, data, len) == (ssize_t)len;
  close(fd);
  return ok;
}

static void pattern(vd_surface *s)
{
  for (int y = 0; y < s->h; y++)
    for (int x = 0; x < s->w; x++)
      s->px[y * s->stride + x] =
          0xff000000u | (uint32_t)(x * 37 % 256) << 16 |
          (uint32_t)(y * 71 % 256) << 8 | (uint32_t)((x ^ y) * 13 % 256);
}

static bool t_roundtrip(void)
{
  vd_surface s, l;
  vd_surface_init(&s, 37, 23, 0);
  pattern(&s);
  s.px[5] = 0x12345678u;         /* translucent: encoded opaque */
  uint8_t *png = NULL;
  size_t len = 0;
  CHECK(vd_png_encode(&s, &png, &len) == 0 && png && len > 8, "encode");
  CHECK(memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0, "no PNG signature");
  CHECK(put("a.png", png, len), "write a.png");
  int rc = vd_png_load(dirfd_, "a.png", &l);
  CHECK(rc == 0, "load gave %d", rc);
  CHECK(l.w == 37 && l.h == 23 && l.owned, "size %dx%d", l.w, l.h);
  s.px[5] |= 0xff000000u;
  for (int i = 0; i < 37 * 23; i++)
    CHECK(l.px[i] == s.px[i], "pixel %d: %08x != %08x", i, l.px[i], s.px[i]);
  /* a subfolder and ./ are inside the folder */
  mkdirat(dirfd_, "sub", 0755);
  CHECK(put("sub/b.png", png, len), "write sub/b.png");
  vd_surface_free(&l);
  CHECK(vd_png_load(dirfd_, "./sub/b.png", &l) == 0 && l.px[100] == s.px[100],
        "sub/b.png");
  vd_surface_free(&l);
  /* a wrapped view with stride > w encodes only its w columns */
  vd_surface view;
  vd_surface_wrap(&view, s.px + 1, 10, 3, s.stride);
  free(png);
  CHECK(vd_png_encode(&view, &png, &len) == 0, "encode view");
  put("v.png", png, len);
  CHECK(vd_png_load(dirfd_, "v.png", &l) == 0 && l.w == 10 && l.h == 3 &&
        l.px[10] == s.px[s.stride + 1], "view round trip");
  vd_surface_free(&l);
  free(png);
  vd_surface_free(&s);
  vd_surface empty = { 0 };
  CHECK(vd_png_encode(&empty, &png, &len) == VD_EINVAL, "empty surface");
  return true;
}

static bool t_refuse(void)
{
  vd_surface s, l;
  vd_surface_init(&s, 64, 64, 0);
  pattern(&s);
  uint8_t *png;
  size_t len;
  CHECK(vd_png_encode(&s, &png, &len) == 0, "encode");
  vd_surface_free(&s);
  int rc;
  CHECK(put("trunc.png", png, len / 2), "write");
  CHECK((rc = vd_png_load(dirfd_, "trunc.png", &l)) == VD_EINVAL,
        "truncated gave %d", rc);
  CHECK(l.px == NULL, "output set on failure");
  CHECK(put("sig.png", png, 8), "write");
  CHECK((rc = vd_png_load(dirfd_, "sig.png", &l)) == VD_EINVAL,
        "signature only gave %d", rc);
  /* garbage in the compressed data (IDAT follows the 33-byte header) */
  for (size_t i = 45; i < len - 12; i++) png[i] ^= 0x5a;
  CHECK(put("bad.png", png, len), "write");
  CHECK((rc = vd_png_load(dirfd_, "bad.png", &l)) == VD_EINVAL,
        "corrupt gave %d", rc);
  free(png);
  CHECK(put("text.png", "hello, not a png\n", 17), "write");
  CHECK((rc = vd_png_load(dirfd_, "text.png", &l)) == VD_EINVAL,
        "text gave %d", rc);
  CHECK(put("empty.png", "", 0), "write");
  CHECK((rc = vd_png_load(dirfd_, "empty.png", &l)) == VD_EINVAL,
        "empty gave %d", rc);
  /* a file over 16 MiB, refused before decoding */
  int fd = openat(dirfd_, "huge.png", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0 && write(fd, "\x89PNG\r\n\x1a\n", 8) == 8 &&
        ftruncate(fd, (17 << 20)) == 0, "huge file");
  close(fd);
  CHECK((rc = vd_png_load(dirfd_, "huge.png", &l)) == VD_EINVAL,
        "17 MiB gave %d", rc);
  CHECK((rc = vd_png_load(dirfd_, "sub", &l)) == VD_EINVAL,
        "a folder gave %d", rc);
  CHECK(mkfifoat(dirfd_, "fifo.png", 0644) == 0, "mkfifo");
  CHECK((rc = vd_png_load(dirfd_, "fifo.png", &l)) == VD_EINVAL,
        "a FIFO gave %d", rc);
  CHECK((rc = vd_png_load(dirfd_, "text.png/x.png", &l)) == VD_ENOENT,
        "a file as a folder gave %d", rc);
  return true;
}

static bool t_too_big(void)
{
  vd_surface s, l;
  int rc;
  for (int k = 0; k < 2; k++) {
    vd_surface_init(&s, k ? 1 : 4097, k ? 4097 : 1, 0xff336699u);
    uint8_t *png;
    size_t len;
    CHECK(vd_png_encode(&s, &png, &len) == 0, "encode");
    vd_surface_free(&s);
    put("big.png", png, len);
    free(png);
    CHECK((rc = vd_png_load(dirfd_, "big.png", &l)) == VD_EINVAL,
          "%s gave %d", k ? "1x4097" : "4097x1", rc);
  }
  /* 2049 x 2048 is within 4096 a side but over 4 Mpixel */
  {
    uint8_t *big;
    size_t blen;
    CHECK(vd_surface_init(&s, 2049, 2048, 0xff336699u) == 0, "init");
    CHECK(vd_png_encode(&s, &big, &blen) == 0, "encode");
    vd_surface_free(&s);
    put("area.png", big, blen);
    free(big);
    CHECK((rc = vd_png_load(dirfd_, "area.png", &l)) == VD_EINVAL,
          "2049x2048 gave %d", rc);
  }
  vd_surface_init(&s, 4096, 1, 0xff336699u);
  uint8_t *png;
  size_t len;
  vd_png_encode(&s, &png, &len);
  vd_surface_free(&s);
  put("edge.png", png, len);
  free(png);
  CHECK((rc = vd_png_load(dirfd_, "edge.png", &l)) == 0 && l.w == 4096 &&
        l.px[4095] == 0xff336699u, "4096x1 gave %d", rc);
  vd_surface_free(&l);
  return true;
}

static bool t_confined(void)
{
  vd_surface l;
  int rc;
  CHECK((rc = vd_png_load(dirfd_, "missing.png", &l)) == VD_ENOENT,
        "missing gave %d", rc);
  CHECK((rc = vd_png_load(dirfd_, "", &l)) == VD_EACCES, "empty gave %d", rc);
  CHECK((rc = vd_png_load(dirfd_, NULL, &l)) == VD_EACCES, "NULL gave %d",
        rc);
  CHECK((rc = vd_png_load(dirfd_, "/etc/passwd", &l)) == VD_EACCES,
        "absolute gave %d", rc);
  CHECK((rc = vd_png_load(dirfd_, "../a.png", &l)) == VD_EACCES,
        "../ gave %d", rc);
  CHECK((rc = vd_png_load(dirfd_, "sub/../../a.png", &l)) == VD_EACCES,
        "sub/../../ gave %d", rc);
  CHECK(symlinkat("/etc/passwd", dirfd_, "out.png") == 0, "symlink");
  CHECK((rc = vd_png_load(dirfd_, "out.png", &l)) == VD_EACCES,
        "symlink out gave %d", rc);
  CHECK(symlinkat("sub/b.png", dirfd_, "in.png") == 0, "symlink");
  CHECK((rc = vd_png_load(dirfd_, "in.png", &l)) == 0,
        "symlink inside gave %d", rc);
  vd_surface_free(&l);
  CHECK((rc = vd_png_load(dirfd_, "sub/../a.png", &l)) == 0,
        "sub/../a.png gave %d", rc);
  vd_surface_free(&l);
  return true;
}

int main(int argc, char **argv)
{
  if (argc > 1) label = argv[1];
  if (!mkdtemp(tmpdir) || (dirfd_ = open(tmpdir, O_RDONLY | O_DIRECTORY)) < 0) {
    printf("FAIL %s/png/setup: cannot make a temporary folder\n", label);
    return 1;
  }
  run("roundtrip", t_roundtrip);
  run("refuse", t_refuse);
  run("too-big", t_too_big);
  run("confined", t_confined);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
  if (system(cmd) != 0) printf("FAIL %s/png/cleanup: %s\n", label, cmd);
  close(dirfd_);
  return failed;
}
