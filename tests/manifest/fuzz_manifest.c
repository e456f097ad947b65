/*
** fuzz_manifest.c — libFuzzer target for the manifest loader
** (`make manifest-fuzz`, clang).  Each input is a vyoma.toml: an accepted
** one must satisfy the schema's promises (valid name, module inside the
** app's folder, every string set), a rejected one must give exactly one
** printable line naming the file.  ASan/UBSan/LeakSanitizer find the rest.
*/
#include "../../profile/manifest.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  vy_manifest m;
  char err[512];
  if (vy_manifest_parse("fz/vyoma.toml", (const char *)data, size, &m, err,
                        sizeof err) == 0) {
    if (!m.name || !m.version || !m.module || !m.dir || !m.path)
      __builtin_trap();
    if (strncmp(m.module, "fz/", 3) != 0 || strstr(m.module, "/../"))
      __builtin_trap();
    if (m.name[0] < 'a' || m.name[0] > 'z' || strlen(m.name) > 32)
      __builtin_trap();
    if (m.memory_bytes &&
        (m.memory_bytes < 65536 || m.memory_bytes > (4ull << 30)))
      __builtin_trap();
    for (size_t i = 0; i < m.ngpio; i++)
      if (m.gpio[i] > 1023) __builtin_trap();
    (void)vy_manifest_may_send(&m, "sys");
    vy_manifest_free(&m);
  } else {
    if (strncmp(err, "fz/vyoma.toml", 13) != 0) __builtin_trap();
    for (const char *p = err; *p; p++)
      if ((unsigned char)*p < 0x20) __builtin_trap();
    vy_manifest zero;
    memset(&zero, 0, sizeof zero);
    if (memcmp(&m, &zero, sizeof m) != 0) __builtin_trap();
  }
  return 0;
}
