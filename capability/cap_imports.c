/*
** cap_imports.c — the vyoma_hal host functions (sdk/vyoma_hal.h), one per
** import.  Each checks every argument before the HAL sees it, in one
** order: the resource against the grants (ENOTGRANTED, logged once per
** resource), handles (EBADHANDLE), flags, modes and sizes (EINVAL,
** ETOOBIG), guest pointers against the memory as it is now (EFAULT), the
** board (ENODEV without one), then ownership (EBUSY).  Guest bytes are
** copied into host buffers for the call and results copied back, with the
** memory looked up again after the call: it may have grown (moved) while
** the call blocked.  Nothing here traps; results are >= 0 or a code.
*/
#include <stdio.h>
#include <string.h>

#include "cap_int.h"

/* ---- guest memory -------------------------------------------------------- */

/* ptr..ptr+len inside the calling instance's memory 0 as it is now, or
** NULL: the sum is taken in 64 bits, so a length that wraps 32-bit
** arithmetic is outside too */
static uint8_t *span(cap_call *k, uint32_t ptr, uint32_t len) {
  static uint8_t empty;
  vw_memory *m = vw_host_memory(k->hc);
  if (!m || (uint64_t)ptr + len > vw_memory_size(m)) return NULL;
  uint8_t *d = vw_memory_data(m);
  return d ? d + ptr : len == 0 ? &empty : NULL;
}

static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

#define A32(i) ((int32_t)(uint32_t)args[i])
#define U32(i) ((uint32_t)args[i])

/* ---- grants, ownership, handles ------------------------------------------ */

/* ENOTGRANTED, said once per app and resource */
static int32_t deny(vy_cap *c, int kind, const char *what, const char *res) {
  if (cap_first_time(c->stats, kind, "denied", res)) {
    char grants[256];
    cap_grants_list(c->m, kind, grants, sizeof grants);
    cap_log(c, "app %s: %s %s%s not granted (grants: %s)", c->app,
            vy_cap_kind_name(kind), what, res, grants);
  }
  return VY_HAL_ENOTGRANTED;
}

/* the resource for this run: 0 (*fresh when newly taken) or EBUSY/ENOMEM */
static int32_t take(vy_cap *c, int kind, const char *res, bool *fresh) {
  char holder[64] = "";
  int r = cap_own_take(c->reg, kind, res, c->app, c, holder, sizeof holder);
  if (r == VY_HAL_EBUSY && cap_first_time(c->stats, kind, "busy", res))
    cap_log(c, "app %s: %s %s is busy: app %s has it", c->app,
            vy_cap_kind_name(kind), res, holder);
  *fresh = r == 1;
  return r < 0 ? r : 0;
}

/* a resource the board does not have is nobody's to hold */
static void settle(vy_cap *c, int kind, const char *res, bool fresh,
                   int32_t r) {
  if (fresh && r == VY_HAL_ENODEV) cap_own_drop(c->reg, kind, res, c);
}

static int free_slot(const vy_cap *c) {
  for (int i = 0; i < CAP_MAX_HANDLES; i++)
    if (c->h[i].kind < 0) return i;
  return -1;
}

static cap_handle *handle(vy_cap *c, int32_t h, int kind) {
  if (h < 1 || h > CAP_MAX_HANDLES || c->h[h - 1].kind != kind) return NULL;
  return &c->h[h - 1];
}

/* The common end of gpio_open and uart_open, once the arguments are
** checked: a free handle, the resource taken, the HAL's open by fn (with
** arg), and the handle >= 1. */
typedef int (*open_fn)(vy_cap *c, const void *arg, cap_handle *h);

static int32_t open_handle(vy_cap *c, int kind, const char *res, open_fn fn,
                           const void *arg) {
  if (!c->board) return VY_HAL_ENODEV;
  int slot = free_slot(c);
  if (slot < 0) return VY_HAL_ENOMEM;
  bool fresh;
  int32_t r = take(c, kind, res, &fresh);
  if (r) return r;
  cap_handle h = { kind, NULL, NULL };
  r = fn(c, arg, &h);
  settle(c, kind, res, fresh, r);
  if (r < 0) return r;
  c->h[slot] = h;
  return slot + 1;
}

/* arg: the line and the flags */
static int open_line(vy_cap *c, const void *arg, cap_handle *h) {
  const uint32_t *a = arg;
  return vy_hal_gpio_open(c->board, a[0], a[1], &h->line);
}

/* arg: the port's name */
static int open_port(vy_cap *c, const void *arg, cap_handle *h) {
  return vy_hal_uart_open(c->board, arg, &h->uart);
}

/* ---- GPIO ---------------------------------------------------------------- */

static int32_t imp_gpio_open(cap_call *k, const vw_raw *args) {
  vy_cap *c = k->c;
  int32_t line = A32(0);
  uint32_t flags = U32(1);
  char res[40];
  cap_resource(VY_CAP_GPIO, (uint32_t)line, 0, res, sizeof res);
  if (!cap_grants_gpio(&c->g, line)) return deny(c, VY_CAP_GPIO, "line ", res);
  if (flags & ~VY_GPIO_FLAGS_ALL) return VY_HAL_EINVAL;
  uint32_t arg[2] = { (uint32_t)line, flags };
  return open_handle(c, VY_CAP_GPIO, res, open_line, arg);
}

static int32_t imp_gpio_read(cap_call *k, const vw_raw *args) {
  cap_handle *h = handle(k->c, A32(0), VY_CAP_GPIO);
  return h ? vy_hal_gpio_read(h->line) : VY_HAL_EBADHANDLE;
}

static int32_t imp_gpio_write(cap_call *k, const vw_raw *args) {
  cap_handle *h = handle(k->c, A32(0), VY_CAP_GPIO);
  if (!h) return VY_HAL_EBADHANDLE;
  if (U32(1) > 1) return VY_HAL_EINVAL;
  return vy_hal_gpio_write(h->line, A32(1));
}

static int32_t imp_gpio_wait_edge(cap_call *k, const vw_raw *args) {
  cap_handle *h = handle(k->c, A32(0), VY_CAP_GPIO);
  if (!h) return VY_HAL_EBADHANDLE;
  int32_t timeout = A32(1);
  if (timeout < -1) return VY_HAL_EINVAL;
  if (!span(k, U32(2), 16)) return VY_HAL_EFAULT;
  vy_hal_edge e = { 0, 0 };
  int32_t r = vy_hal_gpio_wait_edge(h->line, timeout, k->c->efd, &e);
  if (r != VY_HAL_OK) return r;
  uint8_t *out = span(k, U32(2), 16); /* the memory may have moved */
  if (!out) return VY_HAL_EFAULT;
  put32(out, e.kind);
  put32(out + 4, 0);
  put64(out + 8, e.timestamp_ns);
  return 0;
}

static int32_t imp_gpio_close(cap_call *k, const vw_raw *args) {
  cap_handle *h = handle(k->c, A32(0), VY_CAP_GPIO);
  if (!h) return VY_HAL_EBADHANDLE;
  vy_hal_gpio_close(h->line, k->c->safe_state);
  *h = (cap_handle){ -1, NULL, NULL };
  return 0;
}

/* ---- I2C ----------------------------------------------------------------- */

/* the guest's vy_i2c_op[n] as host ops over one buffer (writes copied in);
** 0 or the error */
static int32_t i2c_ops(cap_call *k, uint32_t at, int32_t n, vy_hal_i2c_op *ops,
                       uint32_t *gbuf, uint8_t *host) {
  if (n < 1) return VY_HAL_EINVAL;
  if (n > VY_HAL_MAX_I2C_OPS) return VY_HAL_ETOOBIG;
  const uint8_t *g = span(k, at, 12u * (uint32_t)n);
  if (!g) return VY_HAL_EFAULT;
  uint32_t kind[VY_HAL_MAX_I2C_OPS], len[VY_HAL_MAX_I2C_OPS];
  uint64_t total = 0;
  for (int32_t i = 0; i < n; i++) {
    kind[i] = get32(g + 12 * i);
    gbuf[i] = get32(g + 12 * i + 4);
    len[i] = get32(g + 12 * i + 8);
    if (kind[i] > 1) return VY_HAL_EINVAL;
    total += len[i];
  }
  if (total > VY_HAL_MAX_TRANSFER) return VY_HAL_ETOOBIG;
  size_t off = 0;
  for (int32_t i = 0; i < n; i++) {
    const uint8_t *b = span(k, gbuf[i], len[i]);
    if (!b) return VY_HAL_EFAULT;
    ops[i] = (vy_hal_i2c_op){ kind[i] == 1, host + off, len[i] };
    if (!ops[i].read) memcpy(host + off, b, len[i]);
    off += len[i];
  }
  return 0;
}

static int32_t imp_i2c_transaction(cap_call *k, const vw_raw *args) {
  vy_cap *c = k->c;
  int32_t bus = A32(0), addr = A32(1), n = A32(3);
  char res[40];
  cap_resource(VY_CAP_I2C, (uint32_t)bus, (uint32_t)addr, res, sizeof res);
  /* one transaction, one address: refused whole before any byte moves */
  if (!cap_grants_pair(c->g.i2c, c->g.ni2c, bus, addr))
    return deny(c, VY_CAP_I2C, "", res);
  vy_hal_i2c_op ops[VY_HAL_MAX_I2C_OPS];
  uint32_t gbuf[VY_HAL_MAX_I2C_OPS];
  uint8_t host[VY_HAL_MAX_TRANSFER];
  int32_t r = i2c_ops(k, U32(2), n, ops, gbuf, host);
  if (r) return r;
  if (!c->board) return VY_HAL_ENODEV;
  bool fresh;
  if ((r = take(c, VY_CAP_I2C, res, &fresh))) return r;
  r = vy_hal_i2c_transaction(c->board, (uint32_t)bus, (uint32_t)addr, ops,
                             (size_t)n);
  settle(c, VY_CAP_I2C, res, fresh, r);
  for (int32_t i = 0; r == VY_HAL_OK && i < n; i++) {
    if (!ops[i].read) continue;
    uint8_t *b = span(k, gbuf[i], (uint32_t)ops[i].len);
    if (!b) return VY_HAL_EFAULT;
    memcpy(b, ops[i].buf, ops[i].len);
  }
  return r;
}

/* ---- SPI ----------------------------------------------------------------- */

static int32_t imp_spi_transfer(cap_call *k, const vw_raw *args) {
  vy_cap *c = k->c;
  int32_t bus = A32(0), cs = A32(1);
  uint32_t mode = U32(2), speed = U32(3), tx = U32(4), rx = U32(5);
  uint32_t len = U32(6);
  char res[40];
  cap_resource(VY_CAP_SPI, (uint32_t)bus, (uint32_t)cs, res, sizeof res);
  if (!cap_grants_pair(c->g.spi, c->g.nspi, bus, cs))
    return deny(c, VY_CAP_SPI, "", res);
  if (mode > 3) return VY_HAL_EINVAL;
  if (len > VY_HAL_MAX_TRANSFER) return VY_HAL_ETOOBIG;
  const uint8_t *gtx = tx ? span(k, tx, len) : NULL;
  if ((tx && !gtx) || (rx && !span(k, rx, len))) return VY_HAL_EFAULT;
  if (!c->board) return VY_HAL_ENODEV;
  bool fresh;
  int32_t r = take(c, VY_CAP_SPI, res, &fresh);
  if (r) return r;
  uint8_t htx[VY_HAL_MAX_TRANSFER], hrx[VY_HAL_MAX_TRANSFER];
  if (gtx) memcpy(htx, gtx, len);
  r = vy_hal_spi_transfer(c->board, (uint32_t)bus, (uint32_t)cs, mode, speed,
                          gtx ? htx : NULL, rx ? hrx : NULL, len);
  settle(c, VY_CAP_SPI, res, fresh, r);
  if (r == VY_HAL_OK && rx) {
    uint8_t *out = span(k, rx, len);
    if (!out) return VY_HAL_EFAULT;
    memcpy(out, hrx, len);
  }
  return r;
}

/* ---- UART ---------------------------------------------------------------- */

/* the guest's port name, printable for a log line (a name with other
** bytes matches no grant: manifest.c allows [A-Za-z0-9_-]) */
static int32_t uart_name(cap_call *k, uint32_t at, uint32_t len, char *name) {
  if (len == 0 || len > 32) return VY_HAL_EINVAL;
  const uint8_t *g = span(k, at, len);
  if (!g) return VY_HAL_EFAULT;
  for (uint32_t i = 0; i < len; i++) {
    char ch = (char)g[i];
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
    name[i] = ok ? ch : '?';
  }
  name[len] = 0;
  return 0;
}

static int32_t imp_uart_open(cap_call *k, const vw_raw *args) {
  vy_cap *c = k->c;
  char name[33];
  int32_t r = uart_name(k, U32(0), U32(1), name);
  if (r) return r;
  if (!cap_grants_uart(&c->g, name)) return deny(c, VY_CAP_UART, "", name);
  return open_handle(c, VY_CAP_UART, name, open_port, name);
}

static int32_t imp_uart_config(cap_call *k, const vw_raw *args) {
  cap_handle *h = handle(k->c, A32(0), VY_CAP_UART);
  if (!h) return VY_HAL_EBADHANDLE;
  uint32_t baud = U32(1), parity = U32(2), stop = U32(3), data = U32(4);
  /* the same answer whatever the backend; the rates are the HAL's */
  if (!baud || parity > VY_UART_PARITY_EVEN || (stop != 1 && stop != 2) ||
      data < 5 || data > 8)
    return VY_HAL_EINVAL;
  return vy_hal_uart_config(h->uart, baud, parity, stop, data);
}

static int32_t imp_uart_read(cap_call *k, const vw_raw *args) {
  cap_handle *h = handle(k->c, A32(0), VY_CAP_UART);
  if (!h) return VY_HAL_EBADHANDLE;
  uint32_t at = U32(1), len = U32(2);
  int32_t timeout = A32(3);
  if (len == 0 || timeout < -1) return VY_HAL_EINVAL;
  if (len > VY_HAL_MAX_TRANSFER) return VY_HAL_ETOOBIG;
  if (!span(k, at, len)) return VY_HAL_EFAULT;
  uint8_t host[VY_HAL_MAX_TRANSFER];
  int32_t r = vy_hal_uart_read(h->uart, host, len, timeout, k->c->efd);
  if (r <= 0) return r;
  uint8_t *out = span(k, at, (uint32_t)r); /* the memory may have moved */
  if (!out) return VY_HAL_EFAULT;
  memcpy(out, host, (size_t)r);
  return r;
}

static int32_t imp_uart_write(cap_call *k, const vw_raw *args) {
  cap_handle *h = handle(k->c, A32(0), VY_CAP_UART);
  if (!h) return VY_HAL_EBADHANDLE;
  uint32_t len = U32(2);
  if (len > VY_HAL_MAX_TRANSFER) return VY_HAL_ETOOBIG;
  const uint8_t *g = span(k, U32(1), len);
  if (!g) return VY_HAL_EFAULT;
  if (!len) return 0;
  uint8_t host[VY_HAL_MAX_TRANSFER];
  memcpy(host, g, len);
  return vy_hal_uart_write(h->uart, host, len);
}

static int32_t imp_uart_close(cap_call *k, const vw_raw *args) {
  cap_handle *h = handle(k->c, A32(0), VY_CAP_UART);
  if (!h) return VY_HAL_EBADHANDLE;
  vy_hal_uart_close(h->uart);
  *h = (cap_handle){ -1, NULL, NULL };
  return 0;
}

/* ---- ADC ----------------------------------------------------------------- */

static int32_t imp_adc_read(cap_call *k, const vw_raw *args) {
  vy_cap *c = k->c;
  int32_t dev = A32(0), ch = A32(1);
  char res[40];
  cap_resource(VY_CAP_ADC, (uint32_t)dev, (uint32_t)ch, res, sizeof res);
  if (!cap_grants_pair(c->g.adc, c->g.nadc, dev, ch))
    return deny(c, VY_CAP_ADC, "", res);
  if (!span(k, U32(2), 8)) return VY_HAL_EFAULT;
  if (!c->board) return VY_HAL_ENODEV;
  bool fresh;
  int32_t r = take(c, VY_CAP_ADC, res, &fresh);
  if (r) return r;
  int32_t raw = 0, mv = 0;
  r = vy_hal_adc_read(c->board, (uint32_t)dev, (uint32_t)ch, &raw, &mv);
  settle(c, VY_CAP_ADC, res, fresh, r);
  if (r != VY_HAL_OK) return r;
  uint8_t *out = span(k, U32(2), 8);
  if (!out) return VY_HAL_EFAULT;
  put32(out, (uint32_t)raw);
  put32(out + 4, (uint32_t)mv);
  return 0;
}

#define CAP_IMPL_(n, k, p) imp_##n,
const cap_impl cap_impls[CAP_NFUNCS] = { CAP_FUNCS(CAP_IMPL_) };
