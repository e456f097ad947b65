/*
** linux.c — the linux backend (placeholder until the uAPI files land):
** opening a linux board fails with a clear reason.
*/
#include "hal_int.h"

#include <stdio.h>

static int lx_open(vy_board *b, char *err, size_t errlen) {
  if (err && errlen)
    snprintf(err, errlen, "%s: the linux backend is not built yet",
             b->conf.name);
  return -1;
}
static void lx_close(vy_board *b) { (void)b; }

const hal_backend hal_linux_backend = { .name = "linux",
                                        .open = lx_open,
                                        .close = lx_close };
