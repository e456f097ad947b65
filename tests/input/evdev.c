/*
** tests/input/evdev.c — keyboard events to terminal bytes (input/evdev.c):
** letters with Shift and Caps Lock, symbols, Enter/Backspace/arrows,
** Ctrl+letter (Ctrl-A reaches the router as 0x01), releases and modifiers
** typing nothing, key repeat, and a whole typed line through the TTY router
** as an app would receive it.
*/
#define _GNU_SOURCE
#include <linux/input.h>

#include "../../input/evdev.h"
#include "../../input/tty.h"
#include "../check.h"

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

/* Typing on a fresh keyboard: each key is tapped (pressed and released),
** or held down (DOWN) and let go (UP); a case is what the keys type. */
#define DOWN(code) (0x10000 | (code))
#define UP(code)   (0x20000 | (code))

static const struct typing_case {
  const char *name, *want;
  int keys[12]; /* up to the first 0 (KEY_RESERVED) */
} typing[] = {
  { "letters_and_shift",
    "hiH!? -",
    { KEY_H, KEY_I, DOWN(KEY_LEFTSHIFT), KEY_H, KEY_1, KEY_SLASH,
      UP(KEY_LEFTSHIFT), KEY_SPACE, KEY_MINUS } },
  /* caps does not shift digits; shift under caps gives lower case */
  { "caps_lock",
    "A2aa",
    { KEY_CAPSLOCK, KEY_A, KEY_2, DOWN(KEY_RIGHTSHIFT), KEY_A,
      UP(KEY_RIGHTSHIFT), KEY_CAPSLOCK, KEY_A } },
  { "special_keys",
    "\r\x7f\x1b[A\x1b[D\t",
    { KEY_ENTER, KEY_BACKSPACE, KEY_UP, KEY_LEFT, KEY_TAB } },
  /* Ctrl+letter is the control byte; Ctrl+digit types nothing */
  { "ctrl_keys",
    "\x01\x15n",
    { DOWN(KEY_LEFTCTRL), KEY_A, KEY_U, KEY_1, UP(KEY_LEFTCTRL), KEY_N } },
};
static const struct typing_case *typing_now;

static void type_keys(void) {
  char buf[64];
  size_t n = 0;
  vy_evdev k;
  vy_evdev_init(&k);
  buf[0] = 0;
  for (const int *key = typing_now->keys; *key; key++) {
    if (*key & DOWN(0))
      hold(&k, *key & 0xffff, 1);
    else if (*key & UP(0))
      hold(&k, *key & 0xffff, 0);
    else
      tap(&k, *key, buf, &n);
  }
  EQ(buf, typing_now->want);
}

static void releases_and_repeat(void) {
  vy_evdev k;
  vy_evdev_init(&k);
  char out[8];
  EQ(vy_evdev_key(&k, KEY_X, 0, out), 0); /* release */
  EQ(vy_evdev_key(&k, KEY_LEFTSHIFT, 1, out), 0);
  REQUIRE(vy_evdev_key(&k, KEY_X, 2, out) == 1 && out[0] == 'X'); /* repeat */
  EQ(vy_evdev_key(&k, KEY_LEFTSHIFT, 0, out), 0);
  EQ(vy_evdev_key(&k, KEY_F1, 1, out), 0); /* unmapped */
  EQ(vy_evdev_key(&k, 0x2ff, 1, out), 0);  /* out of range */
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
  EQ(got, "ls\n");
  REQUIREF(focus == 1, "focus %d", focus);
}

int main(int argc, char **argv) {
  check_init(argc, argv, NULL);
  for (size_t i = 0; i < sizeof typing / sizeof typing[0]; i++) {
    typing_now = &typing[i];
    check_run(typing[i].name, type_keys);
  }
  RUN(releases_and_repeat);
  RUN(through_router);
  return check_end();
}
