/*
** fake_hal.h — what cap-unit reads and sets of the fake board
** (fake_hal.c).
*/
#ifndef VY_FAKE_HAL_H
#define VY_FAKE_HAL_H

#include <stddef.h>
#include <stdint.h>

typedef struct fake_state {
  int level[32], requested[32], output[32];
  int closes;       /* vy_hal_gpio_close calls           */
  size_t i2c_bytes; /* bytes that reached an I2C device  */
  uint8_t uart_buf[16384];
  size_t uart_len;
} fake_state;

extern fake_state fake;

#endif
