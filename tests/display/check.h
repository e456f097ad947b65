/*
** check.h — the harness shared by the tests/display programs: a test is a
** bool function that returns true, or false after CHECK has written why;
** run() prints "PASS LABEL/PROG/name" or "FAIL LABEL/PROG/name: why" as
** tests/display/run.sh expects.  Define CHECK_PROG ("raster", "draw", ...)
** before including; argv[1] of each program sets label ("display" or
** "display-asan").
*/
#ifndef VD_TEST_CHECK_H
#define VD_TEST_CHECK_H

#include <stdbool.h>
#include <stdio.h>

static const char *label = "display";
static int failed;
static char why[512];

#define CHECK(cond, ...)                                                    \
  do {                                                                      \
    if (!(cond)) {                                                          \
      snprintf(why, sizeof why, __VA_ARGS__);                               \
      return false;                                                         \
    }                                                                       \
  } while (0)

static void run(const char *name, bool (*fn)(void))
{
  why[0] = 0;
  if (fn()) {
    printf("PASS %s/%s/%s\n", label, CHECK_PROG, name);
  } else {
    printf("FAIL %s/%s/%s: %s\n", label, CHECK_PROG, name, why);
    failed = 1;
  }
}

#endif
