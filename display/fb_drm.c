/*
** fb_drm.c — the DRM/KMS backend (display/vd.h): two dumb buffers, page
** flipped, through raw ioctls (no libdrm: the supervisor is a static musl
** binary), for virtio-gpu, bochs and friends.
**
** Open: the first of /dev/dri/card0..3 that has a connected connector with
** modes; its preferred mode (else the first); the connector's encoder's
** CRTC (else one from possible_crtcs); two XRGB8888 dumb buffers, added as
** framebuffers and mapped; SETCRTC shows buffer 0.
**
** Present: the compositor's screen is ordinary memory.  The back buffer is
** one frame old, so it gets this frame's damage plus the previous frame's;
** then PAGE_FLIP with an event, and we wait for the event (<= 100 ms) so
** flips never queue up behind one another.  A driver that refuses
** PAGE_FLIP gets single buffering for good: copy into the shown buffer and
** DIRTYFB the rectangles (virtual GPUs upload only on dirty).
*/
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>
#include <drm_mode.h>

#include "vd.h"

#define DRM_MAX_DAMAGE 32

typedef struct drm_buf {
  uint32_t handle, fb_id, pitch;
  uint64_t size;
  uint8_t *map;
  vd_surface view; /* the mapping as a surface, to blit to */
} drm_buf;

typedef struct drm_backend {
  vd_backend b; /* first: the vd_backend* is ours       */
  int fd;
  uint32_t crtc_id, conn_id;
  struct drm_mode_modeinfo mode;
  drm_buf buf[2];
  int shown;                    /* index of the buffer being scanned out */
  bool single;                  /* PAGE_FLIP refused: one buffer + DIRTYFB */
  bool pending;                 /* a flip whose event has not come      */
  vd_rect prev[DRM_MAX_DAMAGE]; /* last frame's damage: the back buffer */
  int nprev;                    /* lacks it                             */
} drm_backend;

/* ioctl restarted on EINTR/EAGAIN, as libdrm's drmIoctl does. */
static int xioctl(int fd, unsigned long req, void *arg) {
  int rc;
  do rc = ioctl(fd, req, arg);
  while (rc < 0 && (errno == EINTR || errno == EAGAIN));
  return rc;
}

static void copy_rect(drm_backend *d, drm_buf *dst, vd_rect r) {
  vd_blit(&dst->view, r, r.x, r.y, &d->b.screen, r, false);
}

/* Waits (<= 100 ms) for the pending flip's event; false on timeout. */
static bool wait_flip(drm_backend *d) {
  struct timespec t0, t1;
  char buf[1024];
  clock_gettime(CLOCK_MONOTONIC, &t0);
  while (d->pending) {
    struct pollfd p = { d->fd, POLLIN, 0 };
    long ms;
    ssize_t n, off;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = 100 -
         ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
    if (ms <= 0) return false;
    if (poll(&p, 1, (int)ms) <= 0) continue;
    n = read(d->fd, buf, sizeof buf);
    if (n <= 0) continue;
    /* Events are packed back to back; skip any that are not ours. */
    for (off = 0; off + (ssize_t)sizeof(struct drm_event) <= n;) {
      struct drm_event ev;
      memcpy(&ev, buf + off, sizeof ev);
      if (ev.type == DRM_EVENT_FLIP_COMPLETE) d->pending = false;
      if (ev.length < sizeof ev) break;
      off += ev.length;
    }
  }
  return true;
}

static void dirty(drm_backend *d, const vd_rect *damage, int n) {
  struct drm_clip_rect clips[DRM_MAX_DAMAGE];
  struct drm_mode_fb_dirty_cmd cmd;
  vd_rect all = { 0, 0, d->b.screen.w, d->b.screen.h };
  int i, k = 0;
  for (i = 0; i < n && k < DRM_MAX_DAMAGE; i++) {
    vd_rect r = vd_rect_intersect(damage[i], all);
    if (vd_rect_empty(r)) continue;
    clips[k].x1 = (unsigned short)r.x;
    clips[k].y1 = (unsigned short)r.y;
    clips[k].x2 = (unsigned short)(r.x + r.w);
    clips[k].y2 = (unsigned short)(r.y + r.h);
    k++;
  }
  if (i < n) { /* too many: one clip for everything   */
    clips[0].x1 = clips[0].y1 = 0;
    clips[0].x2 = (unsigned short)all.w;
    clips[0].y2 = (unsigned short)all.h;
    k = 1;
  }
  memset(&cmd, 0, sizeof cmd);
  cmd.fb_id = d->buf[d->shown].fb_id;
  cmd.num_clips = (uint32_t)k;
  cmd.clips_ptr = (uint64_t)(uintptr_t)clips;
  /* Drivers that scan out memory directly answer ENOSYS: nothing to do. */
  (void)xioctl(d->fd, DRM_IOCTL_MODE_DIRTYFB, &cmd);
}

static int drm_present(vd_backend *vb, const vd_rect *damage, int n) {
  drm_backend *d = (drm_backend *)vb;
  struct drm_mode_crtc_page_flip flip;
  vd_rect all = { 0, 0, vb->screen.w, vb->screen.h };
  int i, back, rc, nd = 0;
  for (i = 0; i < n; i++)
    if (!vd_rect_empty(vd_rect_intersect(damage[i], all))) nd++;
  if (nd == 0) return VD_OK;

  if (d->single) {
    for (i = 0; i < n; i++) copy_rect(d, &d->buf[d->shown], damage[i]);
    dirty(d, damage, n);
    vb->frames++;
    return VD_OK;
  }

  /* The back buffer is about to be written: the flip that made it the
  ** old buffer must be over, or we would draw on the screen being shown. */
  if (d->pending) (void)wait_flip(d);
  back = 1 - d->shown;
  for (i = 0; i < d->nprev; i++) copy_rect(d, &d->buf[back], d->prev[i]);
  for (i = 0; i < n; i++) copy_rect(d, &d->buf[back], damage[i]);

  memset(&flip, 0, sizeof flip);
  flip.crtc_id = d->crtc_id;
  flip.fb_id = d->buf[back].fb_id;
  flip.flags = DRM_MODE_PAGE_FLIP_EVENT;
  rc = xioctl(d->fd, DRM_IOCTL_MODE_PAGE_FLIP, &flip);
  if (rc < 0 && errno == EBUSY) {
    /* An earlier flip timed out but is still queued: give it once more. */
    d->pending = true;
    (void)wait_flip(d);
    d->pending = false;
    rc = xioctl(d->fd, DRM_IOCTL_MODE_PAGE_FLIP, &flip);
  }
  if (rc < 0) {
    /* Refused (no flip support, or a flip that never completes): single
    ** buffering for good.  The shown buffer is up to date but for this
    ** frame; the back buffer is abandoned. */
    d->single = true;
    d->pending = false;
    for (i = 0; i < n; i++) copy_rect(d, &d->buf[d->shown], damage[i]);
    dirty(d, damage, n);
    d->nprev = 0;
    vb->frames++;
    return VD_OK;
  }
  d->pending = true;
  d->shown = back;
  (void)wait_flip(d);
  /* This frame's damage is what the buffer now at the back lacks. */
  if (n <= DRM_MAX_DAMAGE) {
    memcpy(d->prev, damage, (size_t)n * sizeof *damage);
    d->nprev = n;
  } else {
    vd_rect u = damage[0];
    for (i = 1; i < n; i++) u = vd_rect_union(u, damage[i]);
    d->prev[0] = u;
    d->nprev = 1;
  }
  vb->frames++;
  return VD_OK;
}

static void free_buf(drm_backend *d, drm_buf *b) {
  if (b->map) munmap(b->map, (size_t)b->size);
  if (b->fb_id) {
    uint32_t id = b->fb_id;
    (void)xioctl(d->fd, DRM_IOCTL_MODE_RMFB, &id);
  }
  if (b->handle) {
    struct drm_mode_destroy_dumb dd = { .handle = b->handle };
    (void)xioctl(d->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &dd);
  }
  memset(b, 0, sizeof *b);
}

static void drm_close(vd_backend *vb) {
  drm_backend *d = (drm_backend *)vb;
  if (!d) return;
  if (d->pending) (void)wait_flip(d);
  vd_surface_free(&vb->screen);
  free_buf(d, &d->buf[0]);
  free_buf(d, &d->buf[1]);
  if (d->fd >= 0) close(d->fd);
  free(d);
}

static int make_buf(drm_backend *d, drm_buf *b, char *err, size_t errlen) {
  struct drm_mode_create_dumb cd;
  struct drm_mode_fb_cmd fb;
  struct drm_mode_map_dumb md;
  void *m;
  memset(&cd, 0, sizeof cd);
  cd.width = d->mode.hdisplay;
  cd.height = d->mode.vdisplay;
  cd.bpp = 32;
  if (xioctl(d->fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd) < 0) {
    snprintf(err, errlen, "%s: DRM_IOCTL_MODE_CREATE_DUMB: %s", d->b.device,
             strerror(errno));
    return VD_EIO;
  }
  b->handle = cd.handle;
  b->pitch = cd.pitch;
  b->size = cd.size;
  memset(&fb, 0, sizeof fb);
  fb.width = cd.width;
  fb.height = cd.height;
  fb.pitch = cd.pitch;
  fb.bpp = 32;
  fb.depth = 24;
  fb.handle = cd.handle;
  if (xioctl(d->fd, DRM_IOCTL_MODE_ADDFB, &fb) < 0) {
    snprintf(err, errlen, "%s: DRM_IOCTL_MODE_ADDFB: %s", d->b.device,
             strerror(errno));
    return VD_EIO;
  }
  b->fb_id = fb.fb_id;
  memset(&md, 0, sizeof md);
  md.handle = cd.handle;
  if (xioctl(d->fd, DRM_IOCTL_MODE_MAP_DUMB, &md) < 0) {
    snprintf(err, errlen, "%s: DRM_IOCTL_MODE_MAP_DUMB: %s", d->b.device,
             strerror(errno));
    return VD_EIO;
  }
  m = mmap(NULL, (size_t)cd.size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
           (off_t)md.offset);
  if (m == MAP_FAILED) {
    snprintf(err, errlen, "%s: mmap dumb buffer: %s", d->b.device,
             strerror(errno));
    return VD_EIO;
  }
  b->map = m;
  memset(b->map, 0, (size_t)b->size); /* black, like the screen surface  */
  vd_surface_wrap(&b->view, (uint32_t *)(void *)m, (int)cd.width,
                  (int)cd.height, (int)(cd.pitch / 4));
  return VD_OK;
}

/* The CRTC for a connector: the one its current encoder drives, else the
** first any of its encoders allows.  0 when none. */
static uint32_t connector_crtc(drm_backend *d,
                               const struct drm_mode_get_connector *gc,
                               const uint32_t *cencs, const uint32_t *crtcs,
                               uint32_t ncrtcs) {
  struct drm_mode_get_encoder ge;
  if (gc->encoder_id) {
    memset(&ge, 0, sizeof ge);
    ge.encoder_id = gc->encoder_id;
    if (xioctl(d->fd, DRM_IOCTL_MODE_GETENCODER, &ge) == 0 && ge.crtc_id)
      return ge.crtc_id;
  }
  for (uint32_t j = 0; j < gc->count_encoders; j++) {
    memset(&ge, 0, sizeof ge);
    ge.encoder_id = cencs[j];
    if (xioctl(d->fd, DRM_IOCTL_MODE_GETENCODER, &ge) < 0) continue;
    for (uint32_t k = 0; k < ncrtcs && k < 32; k++)
      if (ge.possible_crtcs & (1u << k)) return crtcs[k];
  }
  return 0;
}

/* Takes connector conn_id for the output if it is connected, has modes and
** a CRTC: sets d->mode (the preferred one, else the first), d->crtc_id and
** d->conn_id.  False (with why in err when it is worth saying) otherwise. */
static bool try_connector(drm_backend *d, uint32_t conn_id,
                          const uint32_t *crtcs, uint32_t ncrtcs, char *err,
                          size_t errlen) {
  struct drm_mode_get_connector gc;
  memset(&gc, 0, sizeof gc);
  gc.connector_id = conn_id;
  if (xioctl(d->fd, DRM_IOCTL_MODE_GETCONNECTOR, &gc) < 0) return false;
  if (gc.connection != 1 || gc.count_modes == 0)
    return false; /* 1: connected */
  uint32_t nmodes = gc.count_modes, crtc = 0;
  struct drm_mode_modeinfo *modes = calloc(nmodes, sizeof *modes);
  uint32_t *cencs = calloc(gc.count_encoders + 1, sizeof *cencs);
  if (!modes || !cencs) goto out;
  gc.modes_ptr = (uint64_t)(uintptr_t)modes;
  gc.encoders_ptr = (uint64_t)(uintptr_t)cencs;
  gc.count_props = 0;
  gc.props_ptr = gc.prop_values_ptr = 0;
  if (xioctl(d->fd, DRM_IOCTL_MODE_GETCONNECTOR, &gc) < 0 ||
      gc.count_modes == 0)
    goto out;
  if (gc.count_modes < nmodes) nmodes = gc.count_modes;
  d->mode = modes[0];
  for (uint32_t j = 0; j < nmodes; j++) {
    if (modes[j].type & DRM_MODE_TYPE_PREFERRED) {
      d->mode = modes[j];
      break;
    }
  }
  crtc = connector_crtc(d, &gc, cencs, crtcs, ncrtcs);
  if (!crtc)
    snprintf(err, errlen, "%s: connector %u has no usable CRTC", d->b.device,
             conn_id);
out:
  free(modes);
  free(cencs);
  if (!crtc) return false;
  d->crtc_id = crtc;
  d->conn_id = conn_id;
  return true;
}

/* Finds a connected connector with modes, its mode and a CRTC for it.
** VD_ENOENT (reason in err) when the card drives nothing. */
static int pick_output(drm_backend *d, char *err, size_t errlen) {
  struct drm_mode_card_res res;
  uint32_t *crtcs = NULL, *conns = NULL, *encs = NULL;
  int rc = VD_ENOENT;

  /* The two-call pattern: counts first, then the arrays.  Hot-plug between
  ** the calls can grow the counts; the kernel then fills only what fits. */
  memset(&res, 0, sizeof res);
  if (xioctl(d->fd, DRM_IOCTL_MODE_GETRESOURCES, &res) < 0) {
    snprintf(err, errlen, "%s: DRM_IOCTL_MODE_GETRESOURCES: %s", d->b.device,
             strerror(errno));
    return VD_EIO;
  }
  if (res.count_crtcs == 0 || res.count_connectors == 0) {
    snprintf(err, errlen, "%s: no CRTCs or connectors (not a KMS device)",
             d->b.device);
    return VD_ENOENT;
  }
  crtcs = calloc(res.count_crtcs, sizeof *crtcs);
  conns = calloc(res.count_connectors, sizeof *conns);
  encs = calloc(res.count_encoders + 1, sizeof *encs);
  if (!crtcs || !conns || !encs) {
    snprintf(err, errlen, "%s: out of memory", d->b.device);
    rc = VD_ENOMEM;
    goto out;
  }
  res.fb_id_ptr = 0;
  res.count_fbs = 0;
  res.crtc_id_ptr = (uint64_t)(uintptr_t)crtcs;
  res.connector_id_ptr = (uint64_t)(uintptr_t)conns;
  res.encoder_id_ptr = (uint64_t)(uintptr_t)encs;
  if (xioctl(d->fd, DRM_IOCTL_MODE_GETRESOURCES, &res) < 0) {
    snprintf(err, errlen, "%s: DRM_IOCTL_MODE_GETRESOURCES: %s", d->b.device,
             strerror(errno));
    rc = VD_EIO;
    goto out;
  }

  snprintf(err, errlen, "%s: no connected connector with modes", d->b.device);
  for (uint32_t i = 0; i < res.count_connectors && rc != VD_OK; i++)
    if (try_connector(d, conns[i], crtcs, res.count_crtcs, err, errlen))
      rc = VD_OK;
out:
  free(crtcs);
  free(conns);
  free(encs);
  return rc;
}

static vd_backend *open_card(const char *path, char *err, size_t errlen) {
  struct drm_mode_crtc sc;
  drm_backend *d;
  int fd, rc;

  fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "%s: open: %s", path, strerror(errno));
    return NULL;
  }
  d = calloc(1, sizeof *d);
  if (!d) {
    snprintf(err, errlen, "%s: out of memory", path);
    close(fd);
    return NULL;
  }
  d->fd = fd;
  d->b.name = "drm";
  snprintf(d->b.device, sizeof d->b.device, "%s", path);
  d->b.present = drm_present;
  d->b.close = drm_close;

  if (pick_output(d, err, errlen) != VD_OK) goto fail;
  if (d->mode.hdisplay < 1 || d->mode.vdisplay < 1 ||
      d->mode.hdisplay > 16384 || d->mode.vdisplay > 16384) {
    snprintf(err, errlen, "%s: bad mode %ux%u", path, d->mode.hdisplay,
             d->mode.vdisplay);
    goto fail;
  }
  if (make_buf(d, &d->buf[0], err, errlen) != VD_OK) goto fail;
  if (make_buf(d, &d->buf[1], err, errlen) != VD_OK) goto fail;
  rc = vd_surface_init(&d->b.screen, d->mode.hdisplay, d->mode.vdisplay,
                       0xff000000u);
  if (rc != VD_OK) {
    snprintf(err, errlen, "%s: cannot allocate a %ux%u screen", path,
             d->mode.hdisplay, d->mode.vdisplay);
    goto fail;
  }
  memset(&sc, 0, sizeof sc);
  sc.crtc_id = d->crtc_id;
  sc.fb_id = d->buf[0].fb_id;
  sc.set_connectors_ptr = (uint64_t)(uintptr_t)&d->conn_id;
  sc.count_connectors = 1;
  sc.mode = d->mode;
  sc.mode_valid = 1;
  if (xioctl(fd, DRM_IOCTL_MODE_SETCRTC, &sc) < 0) {
    snprintf(err, errlen, "%s: DRM_IOCTL_MODE_SETCRTC: %s", path,
             strerror(errno));
    goto fail;
  }
  d->shown = 0;
  return &d->b;
fail:
  drm_close(&d->b);
  return NULL;
}

vd_backend *vd_backend_drm(char *err, size_t errlen) {
  char path[32], why[4][192];
  int i;
  for (i = 0; i < 4; i++) {
    vd_backend *b;
    snprintf(path, sizeof path, "/dev/dri/card%d", i);
    why[i][0] = '\0';
    b = open_card(path, why[i], sizeof why[i]);
    if (b) return b;
  }
  /* card0's reason is the interesting one unless it exists and the others
  ** do not; report the first reason that is not "no such file". */
  for (i = 0; i < 4; i++)
    if (!strstr(why[i], strerror(ENOENT))) break;
  snprintf(err, errlen, "%s", why[i < 4 ? i : 0]);
  return NULL;
}
