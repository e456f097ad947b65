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

/* A fresh keyboard's keys: tapped (pressed and released) or held down
** and let go; what they type, as a string. */
enum { TAP, DOWN, UP };
typedef struct key_step { int code, how; } key_step;

static const char *typed(const key_step *steps, size_t nsteps) {
  static char buf[64];
  vy_evdev k;
  vy_evdev_init(&k);
  size_t n = 0;
  buf[0] = 0;
  for (size_t i = 0; i < nsteps; i++) {
    if (steps[i].how == TAP) tap(&k, steps[i].code, buf, &n);
    else hold(&k, steps[i].code, steps[i].how == DOWN);
  }
  return buf;
}
#define TYPED(steps) typed((steps), sizeof (steps) / sizeof (steps)[0])

static void letters_and_shift(void) {
  static const key_step s[] = {
    {KEY_H, TAP}, {KEY_I, TAP}, {KEY_LEFTSHIFT, DOWN}, {KEY_H, TAP},
    {KEY_1, TAP}, {KEY_SLASH, TAP}, {KEY_LEFTSHIFT, UP}, {KEY_SPACE, TAP},
    {KEY_MINUS, TAP}};
  EQ(TYPED(s), "hiH!? -");
}

/* caps does not shift digits; shift under caps gives lower case */
static void caps_lock(void) {
  static const key_step s[] = {
    {KEY_CAPSLOCK, TAP}, {KEY_A, TAP}, {KEY_2, TAP}, {KEY_RIGHTSHIFT, DOWN},
    {KEY_A, TAP}, {KEY_RIGHTSHIFT, UP}, {KEY_CAPSLOCK, TAP}, {KEY_A, TAP}};
  EQ(TYPED(s), "A2aa");
}

static void special_keys(void) {
  static const key_step s[] = {
    {KEY_ENTER, TAP}, {KEY_BACKSPACE, TAP}, {KEY_UP, TAP}, {KEY_LEFT, TAP},
    {KEY_TAB, TAP}};
  EQ(TYPED(s), "\r\x7f\x1b[A\x1b[D\t");
}

/* Ctrl+letter is the control byte; Ctrl+digit types nothing */
static void ctrl_keys(void) {
  static const key_step s[] = {
    {KEY_LEFTCTRL, DOWN}, {KEY_A, TAP}, {KEY_U, TAP}, {KEY_1, TAP},
    {KEY_LEFTCTRL, UP}, {KEY_N, TAP}};
  EQ(TYPED(s), "\x01\x15n");
}

static void releases_and_repeat(void) {
  vy_evdev k;
  vy_evdev_init(&k);
  char out[8];
  EQ(vy_evdev_key(&k, KEY_X, 0, out), 0);        /* release */
  EQ(vy_evdev_key(&k, KEY_LEFTSHIFT, 1, out), 0);
  REQUIRE(vy_evdev_key(&k, KEY_X, 2, out) == 1 && out[0] == 'X');   /* repeat */
  EQ(vy_evdev_key(&k, KEY_LEFTSHIFT, 0, out), 0);
  EQ(vy_evdev_key(&k, KEY_F1, 1, out), 0);       /* unmapped */
  EQ(vy_evdev_key(&k, 0x2ff, 1, out), 0);        /* out of range */
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
  RUN(letters_and_shift);
  RUN(caps_lock);
  RUN(special_keys);
  RUN(ctrl_keys);
  RUN(releases_and_repeat);
  RUN(through_router);
  return check_end();
}
