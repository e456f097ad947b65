/*
** evdev.c — Linux input events to terminal bytes (evdev.h): the US keymap,
** modifiers, and finding the keyboards under /dev/input.
*/
#define _GNU_SOURCE
#include "evdev.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* KEY_* code -> unshifted and shifted character (0: none) */
typedef struct keychar {
  unsigned char code;
  char plain, shifted;
} keychar;

static const keychar keymap[] = {
  { KEY_1, '1', '!' },           { KEY_2, '2', '@' },
  { KEY_3, '3', '#' },           { KEY_4, '4', '$' },
  { KEY_5, '5', '%' },           { KEY_6, '6', '^' },
  { KEY_7, '7', '&' },           { KEY_8, '8', '*' },
  { KEY_9, '9', '(' },           { KEY_0, '0', ')' },
  { KEY_MINUS, '-', '_' },       { KEY_EQUAL, '=', '+' },
  { KEY_Q, 'q', 'Q' },           { KEY_W, 'w', 'W' },
  { KEY_E, 'e', 'E' },           { KEY_R, 'r', 'R' },
  { KEY_T, 't', 'T' },           { KEY_Y, 'y', 'Y' },
  { KEY_U, 'u', 'U' },           { KEY_I, 'i', 'I' },
  { KEY_O, 'o', 'O' },           { KEY_P, 'p', 'P' },
  { KEY_LEFTBRACE, '[', '{' },   { KEY_RIGHTBRACE, ']', '}' },
  { KEY_A, 'a', 'A' },           { KEY_S, 's', 'S' },
  { KEY_D, 'd', 'D' },           { KEY_F, 'f', 'F' },
  { KEY_G, 'g', 'G' },           { KEY_H, 'h', 'H' },
  { KEY_J, 'j', 'J' },           { KEY_K, 'k', 'K' },
  { KEY_L, 'l', 'L' },           { KEY_SEMICOLON, ';', ':' },
  { KEY_APOSTROPHE, '\'', '"' }, { KEY_GRAVE, '`', '~' },
  { KEY_BACKSLASH, '\\', '|' },  { KEY_Z, 'z', 'Z' },
  { KEY_X, 'x', 'X' },           { KEY_C, 'c', 'C' },
  { KEY_V, 'v', 'V' },           { KEY_B, 'b', 'B' },
  { KEY_N, 'n', 'N' },           { KEY_M, 'm', 'M' },
  { KEY_COMMA, ',', '<' },       { KEY_DOT, '.', '>' },
  { KEY_SLASH, '/', '?' },       { KEY_SPACE, ' ', ' ' },
  { KEY_KPASTERISK, '*', '*' },  { KEY_KPMINUS, '-', '-' },
  { KEY_KPPLUS, '+', '+' },      { KEY_KPSLASH, '/', '/' },
  { KEY_KPDOT, '.', '.' },       { KEY_KP0, '0', '0' },
  { KEY_KP1, '1', '1' },         { KEY_KP2, '2', '2' },
  { KEY_KP3, '3', '3' },         { KEY_KP4, '4', '4' },
  { KEY_KP5, '5', '5' },         { KEY_KP6, '6', '6' },
  { KEY_KP7, '7', '7' },         { KEY_KP8, '8', '8' },
  { KEY_KP9, '9', '9' },
};

void vy_evdev_init(vy_evdev *k) { memset(k, 0, sizeof *k); }

static int put(char out[8], const char *s) {
  size_t n = strlen(s);
  memcpy(out, s, n);
  return (int)n;
}

int vy_evdev_key(vy_evdev *k, int code, int value, char out[8]) {
  bool down = value != 0;
  switch (code) { /* modifiers: state only */
    case KEY_LEFTSHIFT: k->shift_l = down; return 0;
    case KEY_RIGHTSHIFT: k->shift_r = down; return 0;
    case KEY_LEFTCTRL: k->ctrl_l = down; return 0;
    case KEY_RIGHTCTRL: k->ctrl_r = down; return 0;
    case KEY_LEFTALT: k->alt_l = down; return 0;
    case KEY_RIGHTALT: k->alt_r = down; return 0;
    case KEY_CAPSLOCK:
      if (value == 1) k->caps = !k->caps;
      return 0;
    default: break;
  }
  if (!down) return 0; /* a release types nothing */
  switch (code) {
    case KEY_ENTER:
    case KEY_KPENTER: return put(out, "\r");
    case KEY_BACKSPACE: return put(out, "\x7f");
    case KEY_TAB: return put(out, "\t");
    case KEY_ESC: return put(out, "\x1b");
    case KEY_UP: return put(out, "\x1b[A");
    case KEY_DOWN: return put(out, "\x1b[B");
    case KEY_RIGHT: return put(out, "\x1b[C");
    case KEY_LEFT: return put(out, "\x1b[D");
    default: break;
  }
  bool shift = k->shift_l || k->shift_r, ctrl = k->ctrl_l || k->ctrl_r;
  for (size_t i = 0; i < sizeof keymap / sizeof keymap[0]; i++) {
    if (keymap[i].code != code) continue;
    char c = keymap[i].plain;
    bool letter = c >= 'a' && c <= 'z';
    /* Caps Lock inverts Shift for letters only, as on a PC console */
    if (letter ? shift != k->caps : shift) c = keymap[i].shifted;
    if (ctrl) { /* only Ctrl+letter means something */
      if (!letter) return 0;
      c = (char)(c & 0x1f);
    }
    out[0] = c;
    return 1;
  }
  return 0;
}

#define BITS_PER_LONG (8 * sizeof(long))
static bool test_bit(const unsigned long *bits, int n) {
  return (bits[n / BITS_PER_LONG] >> (n % BITS_PER_LONG)) & 1;
}

int vy_evdev_open_keyboards(int *fds, int max) {
  DIR *d = opendir("/dev/input");
  if (!d) return 0;
  int n = 0;
  struct dirent *de;
  while (n < max && (de = readdir(d))) {
    if (strncmp(de->d_name, "event", 5) != 0) continue;
    char path[300];
    snprintf(path, sizeof path, "/dev/input/%s", de->d_name);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    /* a keyboard has EV_KEY with letter keys (a power button does not) */
    unsigned long keys[KEY_MAX / BITS_PER_LONG + 1];
    memset(keys, 0, sizeof keys);
    if (ioctl(fd, EVIOCGBIT(EV_KEY, sizeof keys), keys) < 0 ||
        !test_bit(keys, KEY_A) || !test_bit(keys, KEY_ENTER)) {
      close(fd);
      continue;
    }
    fds[n++] = fd;
  }
  closedir(d);
  return n;
}
