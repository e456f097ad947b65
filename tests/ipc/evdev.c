/*
** tests/ipc/evdev.c — keyboard events to terminal bytes (input/evdev.c):
** letters with Shift and Caps Lock, symbols, Enter/Backspace/arrows,
** Ctrl+letter (Ctrl-A reaches the router as 0x01), releases and modifiers
** typing nothing, key repeat, and a whole typed line through the TTY router
** as an app would receive it.
*/
#define _GNU_SOURCE
#include <linux/input.h>

#include "../../input/evdev.h"
#include "../../input/tty.h"
#include "check.h"

/* press (and release) code, appending what it types to buf */
static void tap(vy_evdev *k, int code, char *buf, size_t *n) {
  char out[8];
  int m = vy_evdev_key(k, code, 1, out);
  memcpy(buf + *n, out, (size_t)m);
  *n += (size_t)m;
  m = vy_evdev_key(k, code, 0, out);
  memcpy(buf + *n, out, (size_t)m);
  *n += (size_t)m;
  buf[*n] = 0;
}

static void hold(vy_evdev *k, int code, int down) {
  char out[8];
  vy_evdev_key(k, code, down, out);
}

static void letters_and_shift(void) {
  vy_evdev k;
  vy_evdev_init(&k);
  char buf[64];
  size_t n = 0;
  tap(&k, KEY_H, buf, &n);
  tap(&k, KEY_I, buf, &n);
  hold(&k, KEY_LEFTSHIFT, 1);
  tap(&k, KEY_H, buf, &n);
  tap(&k, KEY_1, buf, &n);
  tap(&k, KEY_SLASH, buf, &n);
  hold(&k, KEY_LEFTSHIFT, 0);
  tap(&k, KEY_SPACE, buf, &n);
  tap(&k, KEY_MINUS, buf, &n);
  CHECKF(!strcmp(buf, "hiH!? -"), "typed \"%s\"", buf);
}

static void caps_lock(void) {
  vy_evdev k;
  vy_evdev_init(&k);
  char buf[64];
  size_t n = 0;
  tap(&k, KEY_CAPSLOCK, buf, &n);
  tap(&k, KEY_A, buf, &n);
  tap(&k, KEY_2, buf, &n);          /* caps does not shift digits */
  hold(&k, KEY_RIGHTSHIFT, 1);
  tap(&k, KEY_A, buf, &n);          /* shift under caps: lower case */
  hold(&k, KEY_RIGHTSHIFT, 0);
  tap(&k, KEY_CAPSLOCK, buf, &n);
  tap(&k, KEY_A, buf, &n);
  CHECKF(!strcmp(buf, "A2aa"), "typed \"%s\"", buf);
}

static void special_keys(void) {
  vy_evdev k;
  vy_evdev_init(&k);
  char buf[64];
  size_t n = 0;
  tap(&k, KEY_ENTER, buf, &n);
  tap(&k, KEY_BACKSPACE, buf, &n);
  tap(&k, KEY_UP, buf, &n);
  tap(&k, KEY_LEFT, buf, &n);
  tap(&k, KEY_TAB, buf, &n);
  CHECKF(!strcmp(buf, "\r\x7f\x1b[A\x1b[D\t"), "got %zu bytes", n);
}

static void ctrl_keys(void) {
  vy_evdev k;
  vy_evdev_init(&k);
  char buf[64];
  size_t n = 0;
  hold(&k, KEY_LEFTCTRL, 1);
  tap(&k, KEY_A, buf, &n);
  tap(&k, KEY_U, buf, &n);
  tap(&k, KEY_1, buf, &n);          /* Ctrl+digit: nothing */
  hold(&k, KEY_LEFTCTRL, 0);
  tap(&k, KEY_N, buf, &n);
  CHECKF(n == 3 && buf[0] == 0x01 && buf[1] == 0x15 && buf[2] == 'n',
         "got %zu bytes", n);
}

static void releases_and_repeat(void) {
  vy_evdev k;
  vy_evdev_init(&k);
  char out[8];
  CHECK(vy_evdev_key(&k, KEY_X, 0, out) == 0);        /* release */
  CHECK(vy_evdev_key(&k, KEY_LEFTSHIFT, 1, out) == 0);
  CHECK(vy_evdev_key(&k, KEY_X, 2, out) == 1 && out[0] == 'X');   /* repeat */
  CHECK(vy_evdev_key(&k, KEY_LEFTSHIFT, 0, out) == 0);
  CHECK(vy_evdev_key(&k, KEY_F1, 1, out) == 0);       /* unmapped */
  CHECK(vy_evdev_key(&k, 0x2ff, 1, out) == 0);        /* out of range */
}

/* "ls<Enter>" then Ctrl-A n on the keyboard, through the router */
static void through_router(void) {
  vy_evdev k;
  vy_evdev_init(&k);
  vy_tty t;
  vy_tty_init(&t, 2);
  vy_tty_set_focus(&t, 0);
  int codes[] = { KEY_L, KEY_S, KEY_ENTER };
  char got[64] = "";
  int focus = -2;
  for (int step = 0; step < 5; step++) {
    char out[8];
    int m;
    if (step < 3) {
      m = vy_evdev_key(&k, codes[step], 1, out);
    } else {
      vy_evdev_key(&k, KEY_LEFTCTRL, step == 3, out);
      m = vy_evdev_key(&k, step == 3 ? KEY_A : KEY_N, 1, out);
    }
    for (int i = 0; i < m; i++) {
      vy_tty_action a[VY_TTY_MAX_ACTIONS];
      int na = vy_tty_feed(&t, (unsigned char)out[i], a);
      for (int j = 0; j < na; j++) {
        if (a[j].kind == VY_TTY_DELIVER && a[j].app == 0)
          snprintf(got, sizeof got, "%.*s", (int)a[j].len, a[j].data);
        if (a[j].kind == VY_TTY_FOCUS) focus = a[j].app;
      }
    }
  }
  CHECKF(!strcmp(got, "ls\n"), "app 0 got \"%s\"", got);
  CHECKF(focus == 1, "focus %d", focus);
}

int main(int argc, char **argv) {
  CHECK_MAIN_BEGIN(argc, argv);
  RUN(letters_and_shift);
  RUN(caps_lock);
  RUN(special_keys);
  RUN(ctrl_keys);
  RUN(releases_and_repeat);
  RUN(through_router);
  return check_failures ? 1 : 0;
}
