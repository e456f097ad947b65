/*
** png.c — PNG in and out for the VyomaOS display: vd_png_load reads a PNG
** from inside an app's folder (confined like the WASI sandbox) and decodes
** it with stb_image; vd_png_encode writes a surface with stb_image_write
** (screenshots, test references).  This file holds the only copy of the
** stb_image and stb_image_write implementations, made static.
*/
#include "vd.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../wasi/vwasi.h"

#define PNG_MAX_FILE (16u << 20)
#define PNG_MAX_DIM  4096
/* decoding needs the pixels twice (stb's buffer, then ours), outside any
** app's memory budget: 4 Mpixel is 32 MiB at the peak */
#define PNG_MAX_PIXELS (4u << 20)

/* stb's asserts guard its own invariants; library code must not abort */
#define STBI_ASSERT(x)  ((void)0)
#define STBIW_ASSERT(x) ((void)0)
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
/* stbi_failure_reason is a global: no strings, so no data race on it */
#define STBI_NO_FAILURE_STRINGS
#define STBI_MAX_DIMENSIONS PNG_MAX_DIM
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#define STBIW_STATIC
#define STBI_WRITE_NO_STDIO

#include "stb_quiet.h"
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

static const uint8_t png_sig[8] = {
  0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
};

/* Reads the whole file, refusing more than PNG_MAX_FILE bytes. */
static int read_all(int fd, uint8_t **out, size_t *len) {
  size_t cap = 64 << 10, n = 0;
  uint8_t *buf = malloc(cap);
  if (!buf) return VD_ENOMEM;
  for (;;) {
    if (n == cap) {
      if (cap > PNG_MAX_FILE) {
        free(buf);
        return VD_EINVAL;
      }
      size_t ncap = cap * 2;
      if (ncap > PNG_MAX_FILE + 1) ncap = PNG_MAX_FILE + 1;
      uint8_t *nb = realloc(buf, ncap);
      if (!nb) {
        free(buf);
        return VD_ENOMEM;
      }
      buf = nb;
      cap = ncap;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0) {
      if (errno == EINTR) continue;
      free(buf);
      return VD_EIO;
    }
    if (r == 0) break;
    n += (size_t)r;
    if (n > PNG_MAX_FILE) {
      free(buf);
      return VD_EINVAL;
    }
  }
  *out = buf;
  *len = n;
  return VD_OK;
}

static int decode(const uint8_t *data, size_t len, vd_surface *out) {
  if (len < sizeof png_sig || memcmp(data, png_sig, sizeof png_sig) != 0)
    return VD_EINVAL;
  if (len > INT_MAX) return VD_EINVAL;
  int w, h, comp;
  /* the header first: a 30000 x 30000 bomb is refused before allocating */
  if (!stbi_info_from_memory(data, (int)len, &w, &h, &comp)) return VD_EINVAL;
  if (w < 1 || h < 1 || w > PNG_MAX_DIM || h > PNG_MAX_DIM ||
      (size_t)w * (size_t)h > PNG_MAX_PIXELS)
    return VD_EINVAL;
  int dw, dh;
  unsigned char *rgba =
      stbi_load_from_memory(data, (int)len, &dw, &dh, &comp, 4);
  if (!rgba) return VD_EINVAL;
  if (dw != w || dh != h) {
    stbi_image_free(rgba);
    return VD_EINVAL;
  }
  int rc = vd_surface_init(out, w, h, 0);
  if (rc) {
    stbi_image_free(rgba);
    return rc;
  }
  size_t n = (size_t)w * (size_t)h;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *p = rgba + 4 * i;
    out->px[i] = (uint32_t)p[3] << 24 | (uint32_t)p[0] << 16 |
                 (uint32_t)p[1] << 8 | p[2];
  }
  stbi_image_free(rgba);
  return VD_OK;
}

int vd_png_load(int dirfd, const char *rel, vd_surface *out) {
  if (!out) return VD_EINVAL;
  memset(out, 0, sizeof *out);
  if (!rel || !rel[0] || rel[0] == '/') return VD_EACCES;
  /* O_NONBLOCK: a FIFO in the folder must not hang the caller in open() */
  int fd = vwasi_open_beneath(dirfd, rel, O_RDONLY | O_NONBLOCK);
  if (fd < 0) {
    if (errno == EXDEV) return VD_EACCES;
    /* "a.png/b": a missing file as far as the app is concerned */
    if (errno == ENOENT || errno == ENOTDIR) return VD_ENOENT;
    return VD_EIO;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return VD_EINVAL; /* a folder, FIFO or device is not a PNG */
  }
  uint8_t *data = NULL;
  size_t len = 0;
  int rc = read_all(fd, &data, &len);
  close(fd);
  if (rc) return rc;
  rc = decode(data, len, out);
  free(data);
  return rc;
}

/* ---- encoding ------------------------------------------------------------ */

typedef struct sink {
  uint8_t *buf;
  size_t len, cap;
  bool failed;
} sink;

static void sink_write(void *ctx, void *data, int size) {
  sink *k = ctx;
  if (k->failed || size <= 0) return;
  size_t need = k->len + (size_t)size;
  if (need > k->cap) {
    size_t ncap = k->cap ? k->cap : 4096;
    while (ncap < need) ncap *= 2;
    uint8_t *nb = realloc(k->buf, ncap);
    if (!nb) {
      k->failed = true;
      return;
    }
    k->buf = nb;
    k->cap = ncap;
  }
  memcpy(k->buf + k->len, data, (size_t)size);
  k->len = need;
}

int vd_png_encode(const vd_surface *s, uint8_t **png, size_t *len) {
  if (!s || !png || !len || !s->px || s->w <= 0 || s->h <= 0 ||
      s->stride < s->w)
    return VD_EINVAL;
  *png = NULL;
  *len = 0;
  size_t n = (size_t)s->w * (size_t)s->h;
  unsigned char *rgba = malloc(n * 4);
  if (!rgba) return VD_ENOMEM;
  for (int y = 0; y < s->h; y++) {
    const uint32_t *row = s->px + (size_t)y * (size_t)s->stride;
    unsigned char *o = rgba + (size_t)y * (size_t)s->w * 4;
    for (int x = 0; x < s->w; x++) {
      uint32_t v = row[x];
      o[4 * x] = (unsigned char)(v >> 16);
      o[4 * x + 1] = (unsigned char)(v >> 8);
      o[4 * x + 2] = (unsigned char)v;
      o[4 * x + 3] = 0xff; /* what is shown is opaque */
    }
  }
  sink k = { 0 };
  int ok =
      stbi_write_png_to_func(sink_write, &k, s->w, s->h, 4, rgba, s->w * 4);
  free(rgba);
  if (!ok || k.failed) {
    free(k.buf);
    return ok ? VD_ENOMEM : VD_EIO;
  }
  *png = k.buf;
  *len = k.len;
  return VD_OK;
}
