/*
** ota_key.c — key files: the key as lower-case hex on one line (64 digits
** for a public key, 128 for a secret one), so that a key can be read,
** compared and pasted; a secret key file is created with mode 0600 and
** never over an existing file.
*/
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ota_internal.h"

int vy_ota_key_read(const char *path, uint8_t *key, size_t n, char *err,
                    size_t errlen) {
  char buf[260];
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return ota_err(err, errlen, "%s: %s", path, strerror(errno));
  size_t len = 0;
  ssize_t r;
  while (len < sizeof buf && (r = read(fd, buf + len, sizeof buf - len)) > 0)
    len += (size_t)r;
  close(fd);
  if (len > 0 && buf[len - 1] == '\n') len--;
  if (len != 2 * n || ota_unhex(buf, n, key) < 0)
    return ota_err(err, errlen,
                   "%s: not a %s key (%zu lower-case hex digits on one line)",
                   path, n == 32 ? "public" : "secret", 2 * n);
  return 0;
}

int vy_ota_key_write(const char *path, const uint8_t *key, size_t n, char *err,
                     size_t errlen) {
  char buf[260];
  if (n > 128) return ota_err(err, errlen, "%s: key too long", path);
  ota_hex(key, n, buf);
  buf[2 * n] = '\n';
  mode_t mode = n == 32 ? 0644 : 0600;
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return ota_err(err, errlen, "%s: %s", path, strerror(errno));
  int rc = 0;
  if (fchmod(fd, mode) < 0 || write(fd, buf, 2 * n + 1) != (ssize_t)(2 * n + 1))
    rc = ota_err(err, errlen, "%s: %s", path, strerror(errno));
  if (close(fd) < 0 && rc == 0)
    rc = ota_err(err, errlen, "%s: %s", path, strerror(errno));
  if (rc < 0) unlink(path);
  return rc;
}
