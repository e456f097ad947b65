/*
** fswriter — boot-test app (tests/boot/run.sh), not in the product image.
** Needs filesystem = true.  Finds the highest /data/boot-N.txt left by an
** earlier boot, prints what it holds, then writes /data/boot-(N+1).txt:
**   fswriter: found /data/boot-1.txt: boot 1
**   fswriter: wrote /data/boot-2.txt: boot 2
** or "fswriter: no previous boot" on a fresh data disk.  Exits 1 if the
** file cannot be written.
*/
#include <stdio.h>
#include <string.h>

int main(void) {
  char path[64], buf[64];
  int last = 0;
  for (int n = 1; n < 1000; n++) {
    snprintf(path, sizeof path, "/data/boot-%d.txt", n);
    FILE *f = fopen(path, "r");
    if (!f) break;
    last = n;
    if (!fgets(buf, sizeof buf, f)) buf[0] = 0;
    fclose(f);
  }
  if (last) {
    buf[strcspn(buf, "\n")] = 0;
    printf("fswriter: found /data/boot-%d.txt: %s\n", last, buf);
  } else {
    printf("fswriter: no previous boot\n");
  }
  snprintf(path, sizeof path, "/data/boot-%d.txt", last + 1);
  FILE *f = fopen(path, "w");
  if (!f || fprintf(f, "boot %d\n", last + 1) < 0 || fclose(f) != 0) {
    perror("fswriter: write");
    return 1;
  }
  printf("fswriter: wrote %s: boot %d\n", path, last + 1);
  return 0;
}
