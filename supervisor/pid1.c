/*
** pid1.c — what vyomad does only as PID 1 in the VyomaOS image: mount the
** kernel's filesystems and the data disk, reap orphaned zombies (every
** process re-parented to us), read the kernel command line, and power the
** machine off at the end of an orderly shutdown.
**
** A mount that fails is logged and skipped: a missing /data makes apps with
** filesystem = true fail to start, not the whole system.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vyomad.h"

static void mnt(const char *src, const char *dir, const char *type,
                unsigned long flags, const char *data) {
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
    vlog("pid1: mkdir %s: %s", dir, strerror(errno));
    return;
  }
  if (mount(src, dir, type, flags, data) != 0 && errno != EBUSY)
    vlog("pid1: mount %s on %s: %s", type, dir, strerror(errno));
}

void pid1_setup(void) {
  mnt("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  mnt("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  mnt("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
  mnt("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
  mnt("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
  struct stat st;
  if (stat("/dev/vda", &st) == 0 && S_ISBLK(st.st_mode))
    mnt("/dev/vda", "/data", "ext4", MS_NOSUID | MS_NODEV, NULL);
  else
    vlog("pid1: no data disk /dev/vda; /data stays on the root filesystem");
}

void pid1_reap(void) {
  int status;
  while (waitpid(-1, &status, WNOHANG) > 0) {}
}

int pid1_cmdline(const char *key, char *buf, size_t len) {
  size_t kl = strlen(key);
  char cmd[4096];
  int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, cmd, sizeof cmd - 1);
  close(fd);
  if (n <= 0) return -1;
  cmd[n] = 0;
  for (char *tok = strtok(cmd, " \t\n"); tok; tok = strtok(NULL, " \t\n")) {
    if (strncmp(tok, key, kl) != 0 || tok[kl] != '=') continue;
    snprintf(buf, len, "%s", tok + kl + 1);
    return buf[0] ? 0 : -1;
  }
  return -1;
}

/* the end of a stop: the data disk synced and let go, then how */
static void pid1_end(int how) {
  sync();
  umount2("/data", MNT_DETACH);
  sync();
  reboot(how);
  vlog("pid1: reboot: %s", strerror(errno));
}

/* a trial that failed: the previous system boots (in QEMU with -no-reboot
** the machine stops, and whoever runs it boots it again) */
void pid1_reboot(void) {
  pid1_end(RB_AUTOBOOT);
  pid1_poweroff();
}

void pid1_poweroff(void) {
  pid1_end(RB_POWER_OFF);
  /* PID 1 must never exit (the kernel would panic): wait forever */
  for (;;) pause();
}
