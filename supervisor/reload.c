/*
** reload.c — `vyctl reload`, as systemctl daemon-reload: re-reads the
** profile and every app's manifest.
*/
#define _GNU_SOURCE
#include "vyomad.h"

int apps_reload(sbuf *body, bool json, char *err, size_t errlen) {
  (void)body;
  (void)json;
  snprintf(err, errlen, "not-implemented");
  return -1;
}
