/*
** ota_status.c — the state said for people and programs: the lines of
** `vyctl ota status`, the same as JSON, and a slot's folder.
*/
#include <stdio.h>
#include <string.h>

#include "ota_internal.h"

int vy_ota_slot_dir(const char *otadir, int slot, char *buf, size_t len) {
  if (slot < 0 || slot >= VY_OTA_SLOTS) return -1;
  int n = snprintf(buf, len, "%s/%s", otadir, vy_ota_slot_name(slot));
  return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* "committed", "on trial, 2 tries left", "not bootable", "empty" */
static const char *slot_word(const vy_ota_slot *s, char *buf, size_t len) {
  if (!s->version[0] && !s->priority) return "empty";
  if (!s->priority) return "not bootable";
  if (s->successful) return "committed";
  snprintf(buf, len, "on trial, %u %s left", s->tries_remaining,
           s->tries_remaining == 1 ? "try" : "tries");
  return buf;
}

/* snprintf appended at *used, never past len */
static void put(char *buf, size_t len, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t len, size_t *used, const char *fmt, ...) {
  if (*used >= len) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf + *used, len - *used, fmt, ap);
  va_end(ap);
  if (n > 0) *used += (size_t)n < len - *used ? (size_t)n : len - *used - 1;
}

int vy_ota_status_text(const vy_ota_state *st, char *buf, size_t len) {
  size_t u = 0;
  char w[48];
  if (!len) return -1;
  buf[0] = 0;
  put(buf, len, &u, "running: %s\n", vy_ota_slot_name(st->booted));
  for (int i = 0; i < VY_OTA_SLOTS; i++) {
    const vy_ota_slot *s = &st->slot[i];
    put(buf, len, &u, "%s: %s%s%s (priority %u)\n", vy_ota_slot_name(i),
        s->version, s->version[0] ? " " : "", slot_word(s, w, sizeof w),
        s->priority);
  }
  put(buf, len, &u, "factory: %s\n",
      st->factory_version[0] ? st->factory_version : "-");
  if (st->failed_version[0] || st->last_error[0])
    put(buf, len, &u, "last failure: %s: %s\n", st->failed_version,
        st->last_error);
  return 0;
}

/* a JSON string: the state's texts are printable ASCII (ota_state.c) */
static void put_str(char *buf, size_t len, size_t *u, const char *s) {
  put(buf, len, u, "\"");
  for (; *s; s++) {
    if (*s == '"' || *s == '\\')
      put(buf, len, u, "\\%c", *s);
    else if ((unsigned char)*s < ' ')
      put(buf, len, u, "\\u%04x", *s);
    else
      put(buf, len, u, "%c", *s);
  }
  put(buf, len, u, "\"");
}

int vy_ota_status_json(const vy_ota_state *st, char *buf, size_t len) {
  size_t u = 0;
  if (!len) return -1;
  buf[0] = 0;
  put(buf, len, &u, "{\"seq\":%llu,\"running\":\"%s\",\"slots\":[",
      (unsigned long long)st->seq, vy_ota_slot_name(st->booted));
  for (int i = 0; i < VY_OTA_SLOTS; i++) {
    const vy_ota_slot *s = &st->slot[i];
    put(buf, len, &u,
        "%s{\"name\":\"%s\",\"priority\":%u,\"tries_remaining\":%u,"
        "\"successful\":%s,\"version\":",
        i ? "," : "", vy_ota_slot_name(i), s->priority, s->tries_remaining,
        s->successful ? "true" : "false");
    put_str(buf, len, &u, s->version);
    put(buf, len, &u, "}");
  }
  put(buf, len, &u, "],\"factory_version\":");
  put_str(buf, len, &u, st->factory_version);
  put(buf, len, &u, ",\"failed_version\":");
  put_str(buf, len, &u, st->failed_version);
  put(buf, len, &u, ",\"last_error\":");
  put_str(buf, len, &u, st->last_error);
  put(buf, len, &u, "}");
  return u + 1 < len ? 0 : -1; /* -1: cut short */
}
