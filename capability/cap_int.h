/*
** cap_int.h — what the files of capability/ share (not a public
** interface: cap.h is).
**
**   cap_abi.c     the vyoma_hal function table (names, kinds, types) and
**                 the import check; no HAL calls, so vyoma-manifest links it
**   cap_grants.c  the manifest's grant lists, parsed for matching, and the
**                 text of a resource ("17", "1:0x48", "ttyS1")
**   cap_own.c     the process-wide ownership registry
**   cap_stats.c   counters and the once-per-resource denial log
**   cap.c         one run's world: handles, cancellation, linking
**   cap_imports.c the host functions themselves
*/
#ifndef VY_CAP_INT_H
#define VY_CAP_INT_H

#include "cap.h"

/* X(name, kind, nparams): every vyoma_hal function, in the ABI's order;
** each takes nparams i32 and returns one i32 */
#define CAP_FUNCS(X)                                                           \
  X(gpio_open, VY_CAP_GPIO, 2)                                                 \
  X(gpio_read, VY_CAP_GPIO, 1)                                                 \
  X(gpio_write, VY_CAP_GPIO, 2)                                                \
  X(gpio_wait_edge, VY_CAP_GPIO, 3)                                            \
  X(gpio_close, VY_CAP_GPIO, 1)                                                \
  X(i2c_transaction, VY_CAP_I2C, 4)                                            \
  X(spi_transfer, VY_CAP_SPI, 7)                                               \
  X(uart_open, VY_CAP_UART, 2)                                                 \
  X(uart_config, VY_CAP_UART, 5)                                               \
  X(uart_read, VY_CAP_UART, 4)                                                 \
  X(uart_write, VY_CAP_UART, 3)                                                \
  X(uart_close, VY_CAP_UART, 1)                                                \
  X(adc_read, VY_CAP_ADC, 3)

#define CAP_COUNT_(n, k, p) +1
enum { CAP_NFUNCS = 0 CAP_FUNCS(CAP_COUNT_) };

typedef struct cap_abi_fn {
  const char *name;
  int kind;
  uint32_t nparams;
} cap_abi_fn;
extern const cap_abi_fn cap_abi[CAP_NFUNCS];
int cap_abi_find(const char *name); /* index, or -1 */

/* ---- grants -------------------------------------------------------------- */
typedef struct cap_pair {
  uint32_t a, b; /* i2c bus:addr, spi bus:cs, adc dev:channel */
} cap_pair;

typedef struct cap_grants {
  const uint32_t *gpio;
  size_t ngpio;
  cap_pair *i2c, *spi, *adc;
  size_t ni2c, nspi, nadc;
  const vy_strlist *uart;
} cap_grants;

int cap_grants_parse(cap_grants *g, const vy_manifest *m); /* -1: no memory */
void cap_grants_free(cap_grants *g);
bool cap_grants_gpio(const cap_grants *g, int32_t line);
bool cap_grants_pair(const cap_pair *p, size_t n, int32_t a, int32_t b);
bool cap_grants_uart(const cap_grants *g, const char *name);
/* "17, 27" or "1:0x48" or "none": the grants of a kind, for messages */
void cap_grants_list(const vy_manifest *m, int kind, char *buf, size_t len);
/* the resource as granted: "17", "1:0x48", "0:1", "0:3" (uart: the name) */
void cap_resource(int kind, uint32_t a, uint32_t b, char *buf, size_t len);

/* ---- ownership ----------------------------------------------------------- */
/* Takes kind/res for owner (app name `app`): 1 newly taken, 0 it was the
** owner's already, VY_HAL_EBUSY (another's, named in *holder), or
** VY_HAL_ENOMEM. */
int cap_own_take(vy_cap_registry *r, int kind, const char *res, const char *app,
                 const void *owner, char *holder, size_t hlen);
void cap_own_drop(vy_cap_registry *r, int kind, const char *res,
                  const void *owner);
void cap_own_drop_all(vy_cap_registry *r, const void *owner);

/* ---- counters and the log ------------------------------------------------ */
void cap_count(vy_cap_stats *s, int kind, int32_t result);
/* true the first time (kind, what, res) is seen for these stats: log it */
bool cap_first_time(vy_cap_stats *s, int kind, const char *what,
                    const char *res);

/* ---- one run ------------------------------------------------------------- */
#define CAP_MAX_HANDLES 64

typedef struct cap_handle {
  int kind; /* VY_CAP_GPIO or VY_CAP_UART; -1: free */
  vy_hal_line *line;
  vy_hal_uart *uart;
} cap_handle;

typedef struct cap_binding {
  vy_cap *c;
  int fn; /* index into cap_abi */
} cap_binding;

struct vy_cap {
  char app[64];
  const vy_manifest *m;
  vy_board *board;
  vy_cap_registry *reg;
  int safe_state;
  vy_cap_stats *stats;
  void (*log)(void *ud, const char *line);
  void *log_ud;
  cap_grants g;
  int efd; /* the HAL's cancel fd: readable once cancelled */
  atomic_int cancelled;
  vw_store *store;
  vw_func *funcs[CAP_NFUNCS];
  cap_binding bind[CAP_NFUNCS];
  cap_handle h[CAP_MAX_HANDLES];
};

/* a log line of the cap's app */
void cap_log(vy_cap *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* one host call: the cap and the engine's call, for memory access */
typedef struct cap_call {
  vy_cap *c;
  vw_host_call *hc;
} cap_call;

typedef int32_t (*cap_impl)(cap_call *k, const vw_raw *args);
extern const cap_impl cap_impls[CAP_NFUNCS];

#endif
