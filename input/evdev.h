/*
** evdev.h — keyboards on a graphical console: Linux input events
** (/dev/input/event*) turned into the bytes a terminal would send, so the
** console's router (tty.h) treats a key typed on the VM's window exactly
** like one typed on the serial console.
**
** The translation is pure logic (a US layout, Shift, Ctrl, Caps Lock and
** key repeat), tested by feeding events; only vy_evdev_open_keyboards
** touches devices.
*/
#ifndef VY_EVDEV_H
#define VY_EVDEV_H

#include <stdbool.h>
#include <stddef.h>

typedef struct vy_evdev {
  bool shift_l, shift_r, ctrl_l, ctrl_r, alt_l, alt_r, caps;
} vy_evdev;

void vy_evdev_init(vy_evdev *k);
/* One EV_KEY event (code: KEY_*, value: 0 release, 1 press, 2 repeat).
** Writes the bytes it produces to out (up to 8) and returns how many:
** letters, digits and symbols; Enter "\r"; Backspace 0x7f; Tab; Esc 0x1b;
** arrows "\x1b[A".."\x1b[D"; Ctrl+letter the control byte (Ctrl-A 0x01). */
int vy_evdev_key(vy_evdev *k, int code, int value, char out[8]);

/* Opens every /dev/input/event* device that has letter keys (O_RDONLY,
** non-blocking, close-on-exec).  Returns how many fds were put in fds. */
int vy_evdev_open_keyboards(int *fds, int max);

#endif
