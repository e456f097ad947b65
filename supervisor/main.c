/*
** main.c — vyomad, the VyomaOS supervisor: the command line, loading the
** profile and every app's manifest, the main loop, and the orderly
** shutdown.
**
**   vyomad --root DIR [--profile NAME] [--grace MS] [--no-tty]
**          [--board SPEC] [--ota-dir DIR] [--ota-key FILE]
**
** Before the profile is read, the boot stage (ota.c) picks the system that
** runs: the factory one (DIR/apps, DIR/profiles) or an update slot, whose
** own supervisor may take our place (--ota-slot, given by the boot stage).
**
** The main thread owns the signals (blocked in every other thread, taken
** here with sigtimedwait) and runs the process manager's tick every 20 ms:
** joins finished app threads, applies restart policies, the watchdog and
** the heartbeat.  Nothing below main exits: every failure is logged and the
** supervisor goes on with what it has (the default profile missing:
** built-in defaults; a bad manifest: that app stays down; no control
** socket: no operators).  A profile that was asked for and does not exist,
** or any that is not valid, is refused before anything starts.
*/
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suggest.h"
#include "vyomad.h"

sup S;

#define TICK_MS         20
#define APPS_ROOM       256 /* apps a reload may add */
#define DEFAULT_PROFILE "desktop-full"

static void usage(FILE *f) {
  fputs(
      "usage: vyomad --root DIR [--profile NAME] [--grace MS] [--no-tty]\n"
      "              [--console-logs all|focused] [--board SPEC]\n"
      "       vyomad --help | --version\n"
      "Supervises the WebAssembly apps under DIR/apps (see "
      "supervisor/control.h).\n"
      "  --root DIR      the system root (as PID 1: /)\n"
      "  --profile NAME  DIR/profiles/NAME.toml (default " DEFAULT_PROFILE
      ";\n"
      "                  as PID 1: vyoma.profile=NAME on the kernel command "
      "line)\n"
      "  --grace MS      how long apps get to exit at shutdown before they "
      "are\n"
      "                  killed (default 500, at most 600000)\n"
      "  --no-tty        leave a terminal on stdin alone (no raw mode, no\n"
      "                  keyboard routing to apps)\n"
      "  --console-logs all|focused\n"
      "                  which apps' output the console shows: every app's\n"
      "                  (default without a terminal) or only the focused\n"
      "                  one's (default with one; as PID 1: vyoma.console=\n"
      "                  on the kernel command line); all go to log files\n"
      "  --board SPEC    the board apps' gpio, i2c, spi, uart and adc grants\n"
      "                  reach (over the profile's board): sim:FILE,\n"
      "                  linux:FILE, a board file, or NAME for\n"
      "                  DIR/boards/NAME.toml; \"\" for none\n"
      "  --ota-dir DIR   the update slots and their state (default "
      "DIR/data/.ota)\n"
      "  --ota-key FILE  the public key updates must be signed with "
      "(default\n"
      "                  DIR/etc/vyoma/ota.pub)\n"
      "  --ota-slot a|b  the slot the boot stage chose (it passes this to "
      "the\n"
      "                  slot's own supervisor: no selection, no mounts)\n",
      f);
}

static int mkdirs(const char *root, const char *rel) {
  char path[4096];
  int n = snprintf(path, sizeof path, "%s/%s", root, rel);
  if (n < 0 || (size_t)n >= sizeof path) return -1;
  for (char *s = path + 1; *s; s++) {
    if (*s != '/') continue;
    *s = 0;
    if (mkdir(path, 0755) != 0 && errno != EEXIST) return -1;
    *s = '/';
  }
  return mkdir(path, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* robotics-rt: real-time scheduling and locked memory, when allowed.  App
** threads created afterwards inherit the policy (the pthread default). */
static void apply_sched(const vy_profile *p) {
  if (p->sched != VY_SCHED_FIFO && !p->mlockall) return;
  char msg[256];
  vy_profile_apply_sched(p, msg, sizeof msg);
  vlog("%s", msg);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* every DIR/apps/NAME folder, in name order */
static void load_apps(void) {
  char path[4096];
  snprintf(path, sizeof path, "%s/apps", S.sys_root);
  DIR *d = opendir(path);
  if (!d) {
    vlog("no apps: cannot open %s: %s", path, strerror(errno));
    return;
  }
  char **names = NULL;
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.') continue;
    struct stat st;
    char sub[4096 + 260];
    snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
    if (stat(sub, &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    char **nn = realloc(names, (n + 1) * sizeof *nn);
    if (!nn) break;
    names = nn;
    if (!(names[n] = strdup(de->d_name))) break;
    n++;
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, cmp_str);
  /* room for the apps a reload adds: entries never move */
  S.apps_cap = n + APPS_ROOM;
  S.apps = calloc(S.apps_cap, sizeof *S.apps);
  for (size_t i = 0; i < n; i++) {
    app *a = S.apps ? app_load(names[i]) : NULL;
    if (!a) {
      vlog("app %s: out of memory", names[i]);
    } else if (app_find(a->name)) {
      vlog("app %s (folder %s): the name is taken; not started", a->name,
           names[i]);
      app_free(a);
    } else {
      S.apps[S.napps++] = a;
    }
    free(names[i]);
  }
  free(names);
}

static void write_heartbeat(void) {
  sbuf b = { 0 };
  report_heartbeat(&b);
  if (b.oom) {
    vlog("heartbeat: out of memory");
    sb_free(&b);
    return;
  }
  /* Not vlog: its 1 KiB line would cut a heartbeat of many apps.  Not on
  ** a console someone types on (--console-logs focused) either: a long
  ** line every few seconds would scroll through the typing; the file
  ** below and `vyctl heartbeat` have it. */
  if (S.console_all) {
    char stamp[40];
    log_stamp(stamp, sizeof stamp);
    fprintf(stderr, "%s vyomad: heartbeat %s\n", stamp, b.p);
  }
  char path[4096], tmp[4200];
  snprintf(path, sizeof path, "%s/run/vyoma/heartbeat", S.root);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  /* written aside and renamed, so a reader never sees half a line */
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    bool ok =
        write(fd, b.p, b.len) == (ssize_t)b.len && write(fd, "\n", 1) == 1;
    close(fd);
    if (!ok || rename(tmp, path) != 0) unlink(tmp);
  }
  sb_free(&b);
}

static bool all_done(void) {
  bool done = true;
  pthread_mutex_lock(&S.lock);
  for (size_t i = 0; i < S.napps; i++)
    if (S.apps[i]->thread_live && !S.apps[i]->thread_done) done = false;
  pthread_mutex_unlock(&S.lock);
  return done;
}

/* waits up to ms for every app thread to finish, ticking meanwhile */
static void wait_apps(int ms) {
  int64_t end = now_ms() + ms;
  while (!all_done() && now_ms() < end) {
    struct timespec ts = { 0, TICK_MS * 1000000L };
    nanosleep(&ts, NULL);
    apps_tick();
    if (S.pid1) pid1_reap();
  }
  apps_tick();
}

/* Orderly shutdown: apps are asked to stop ("@sys: shutdown" on their
** stdin), given the grace period, then cancelled. */
static bool shutdown_apps(int grace_ms) {
  apps_event_all(EV_SHUTDOWN);
  if (!all_done()) wait_apps(grace_ms);
  apps_event_all(EV_SHUTDOWN_NOW);
  wait_apps(2000);
  bool done = all_done();
  if (!done) vlog("some apps did not stop; leaving them behind");
  return done;
}

/* A failure before anything runs.  PID 1 must not return from main (the
** kernel would panic), so it powers the machine off instead. */
static int fatal(void) {
  if (S.pid1) pid1_poweroff();
  return 1;
}

#define GRACE_MAX_MS 600000 /* ten minutes: longer is a typo */

/* the command line */
typedef struct options {
  const char *root, *profile, *console_logs, *board;
  const char *ota_dir, *ota_key, *ota_slot;
  int grace_ms;
  bool no_tty;
} options;

/* --grace MS: a whole number of milliseconds, 0 to GRACE_MAX_MS */
static int parse_grace(const char *v, int *out) {
  char *end;
  errno = 0;
  long ms = strtol(v, &end, 10);
  if (!*v || *end || errno || ms < 0 || ms > GRACE_MAX_MS) {
    fprintf(stderr,
            "vyomad: --grace: expected milliseconds from 0 to %d, "
            "not '%s'\n",
            GRACE_MAX_MS, v);
    return -1;
  }
  *out = (int)ms;
  return 0;
}

/* -1: go on; else the exit status (after --help, --version, a bad line) */
static int parse_options(int argc, char **argv, options *o) {
  static const struct option opts[] = {
    { "root", required_argument, NULL, 'r' },
    { "profile", required_argument, NULL, 'p' },
    { "grace", required_argument, NULL, 'g' },
    { "no-tty", no_argument, NULL, 'T' },
    { "console-logs", required_argument, NULL, 'C' },
    { "board", required_argument, NULL, 'B' },
    { "ota-dir", required_argument, NULL, 'O' },
    { "ota-key", required_argument, NULL, 'K' },
    { "ota-slot", required_argument, NULL, 'S' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  memset(o, 0, sizeof *o);
  o->grace_ms = 500;
  int c;
  while ((c = getopt_long(argc, argv, "r:p:g:hV", opts, NULL)) != -1) {
    switch (c) {
      case 'r': o->root = optarg; break;
      case 'p': o->profile = optarg; break;
      case 'g':
        if (parse_grace(optarg, &o->grace_ms) != 0) return 2;
        break;
      case 'T': o->no_tty = true; break;
      case 'C': o->console_logs = optarg; break;
      case 'B': o->board = optarg; break;
      case 'O': o->ota_dir = optarg; break;
      case 'K': o->ota_key = optarg; break;
      case 'S': o->ota_slot = optarg; break;
      case 'h': usage(stdout); return 0;
      case 'V': printf("vyomad %s\n", VYOMAD_VERSION); return 0;
      default: usage(stderr); return 2;
    }
  }
  if (optind < argc) {
    usage(stderr);
    return 2;
  }
  if (o->console_logs && strcmp(o->console_logs, "all") != 0 &&
      strcmp(o->console_logs, "focused") != 0) {
    fprintf(stderr,
            "vyomad: --console-logs: expected all or focused, not "
            "'%s'\n",
            o->console_logs);
    return 2;
  }
  if (o->ota_slot && strcmp(o->ota_slot, "a") && strcmp(o->ota_slot, "b")) {
    fprintf(stderr, "vyomad: --ota-slot: expected a or b, not '%s'\n",
            o->ota_slot);
    return 2;
  }
  return -1;
}

/* As PID 1: the mounts, and what the kernel command line says where the
** command line does not.  The buffers hold those values. */
static void pid1_options(options *o, char *profile, size_t plen, char *console,
                         size_t clen) {
  /* the supervisor of an update slot: the boot stage mounted everything */
  if (!o->ota_slot) pid1_setup();
  if (!o->root) o->root = "/";
  if (!o->profile && pid1_cmdline("vyoma.profile", profile, plen) == 0)
    o->profile = profile;
  if (!o->console_logs && pid1_cmdline("vyoma.console", console, clen) == 0)
    o->console_logs = console;
}

/* the names of DIR/profiles/NAME.toml, sorted, as "a, b, c" into list;
** and the one nearest to name into near ("" if none is near) */
static void list_profiles(const char *name, char *list, size_t llen, char *near,
                          size_t nlen) {
  char path[4096], *names[64];
  size_t n = 0;
  snprintf(path, sizeof path, "%s/profiles", S.sys_root);
  list[0] = near[0] = 0;
  DIR *d = opendir(path);
  struct dirent *de;
  while (d && (de = readdir(d)) && n < 64) {
    size_t l = strlen(de->d_name);
    if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".toml"))
      continue;
    if ((names[n] = strndup(de->d_name, l - 5))) n++;
  }
  if (d) closedir(d);
  if (n) qsort(names, n, sizeof *names, cmp_str);
  size_t used = 0;
  for (size_t i = 0; i < n && used < llen; i++)
    used += (size_t)snprintf(list + used, llen - used, "%s%s", i ? ", " : "",
                             names[i]);
  const char *best = vy_suggest(name, (const char *const *)names, n);
  if (best) snprintf(near, nlen, "%s", best);
  for (size_t i = 0; i < n; i++) free(names[i]);
  if (!n) snprintf(list, llen, "none");
}

/* Refuses to start: said on stderr, as everything vyomad logs */
static void refuse_profile(const char *msg) {
  vlog("refusing to start: %s", msg);
}

/* DIR/profiles/NAME.toml.  A profile that was asked for (named on the
** command line or the kernel's) must exist; the default one may be
** missing (built-in defaults then); any that exists must be valid.
** 0, -1 out of memory, -2 refused (said why). */
static int load_profile(const char *name, bool asked) {
  char path[4096], err[512], msg[8192];
  snprintf(path, sizeof path, "%s/profiles/%s.toml", S.sys_root, name);
  bool exists = access(path, F_OK) == 0;
  if (!exists && asked) {
    char list[1024], near[64];
    list_profiles(name, list, sizeof list, near, sizeof near);
    snprintf(msg, sizeof msg,
             "no profile %s (no %s); the profiles are: %s%s%s%s", name, path,
             list, near[0] ? "; did you mean " : "", near, near[0] ? "?" : "");
    refuse_profile(msg);
    return -2;
  }
  if (exists && vy_profile_load(path, &S.profile, err, sizeof err) != 0) {
    snprintf(msg, sizeof msg, "profile %s is not valid: %s", name, err);
    refuse_profile(msg);
    return -2;
  }
  if (!exists) {
    vlog("profile: no %s; using built-in defaults", path);
    if (vy_profile_defaults(&S.profile, name) != 0) return -1;
  }
  if (S.profile.runtime && strcmp(S.profile.runtime, "interp") != 0)
    vlog("profile %s: runtime %s is not built in; using interp", S.profile.name,
         S.profile.runtime);
  apply_sched(&S.profile);
  S.budget.limit = S.profile.memory_budget;
  vlog("profile %s: memory budget %llu bytes for all apps", S.profile.name,
       (unsigned long long)S.profile.memory_budget);
  return 0;
}

/* Signals belong to the main thread: blocked before any thread exists, so
** every thread inherits the mask, and taken in the main loop with
** sigtimedwait. */
static void block_signals(sigset_t *set) {
  signal(SIGPIPE, SIG_IGN);
  sigemptyset(set);
  sigaddset(set, SIGTERM);
  sigaddset(set, SIGINT);
  sigaddset(set, SIGUSR1);
  sigaddset(set, SIGCHLD);
  sigaddset(set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, set, NULL);
}

/* every app the profile starts; returns how many started */
static size_t start_apps(void) {
  size_t nstart = 0;
  char err[256];
  pthread_mutex_lock(&S.lock);
  /* every endpoint first: an app may send to another in its first line */
  for (size_t i = 0; i < S.napps; i++) {
    app *a = S.apps[i];
    if (a->have_manifest &&
        vy_profile_starts(&S.profile, a->name, a->m.autostart))
      app_register_locked(a);
  }
  for (size_t i = 0; i < S.napps; i++) {
    app *a = S.apps[i];
    if (!a->have_manifest) continue;
    if (!vy_profile_starts(&S.profile, a->name, a->m.autostart)) continue;
    app_effects fx = { .err = err, .errlen = sizeof err };
    if (app_event_locked(a, EV_START, &fx) == 0) nstart++;
  }
  pthread_mutex_unlock(&S.lock);
  return nstart;
}

/* until a signal or the shutdown command: the tick and the heartbeat */
static void main_loop(const sigset_t *set) {
  int64_t next_hb =
      now_ms() + (S.profile.heartbeat_ms ? S.profile.heartbeat_ms : 10000);
  while (!atomic_load(&S.shutdown)) {
    struct timespec ts = { 0, TICK_MS * 1000000L };
    siginfo_t si;
    int sig = sigtimedwait(set, &si, &ts);
    if (sig == SIGTERM || sig == SIGINT || sig == SIGUSR1) {
      vlog("signal %d: shutting down", sig);
      atomic_store(&S.shutdown, 1);
      break;
    }
    if (sig == SIGCHLD && S.pid1) pid1_reap();
    apps_tick();
    ota_tick();
    if (S.profile.heartbeat_ms && now_ms() >= next_hb) {
      write_heartbeat();
      next_hb = now_ms() + S.profile.heartbeat_ms;
    }
  }
}

/* the supervisor's own state, before any thread; false: no memory */
static bool init_sup(const options *o) {
  S.grace_ms = o->grace_ms;
  /* lines of different threads must not mix: line-buffered stderr */
  setvbuf(stderr, NULL, _IOLBF, 0);
  S.root = strcmp(o->root, "/") == 0 ? strdup("") : strdup(o->root);
  S.profile_name = strdup(o->profile);
  if (!S.root || !S.profile_name) return false;
  S.boot_ms = now_ms();
  atomic_init(&S.shutdown, 0);
  pthread_mutex_init(&S.lock, NULL);
  pthread_cond_init(&S.cond, NULL);
  return (S.caps = vy_cap_registry_new()) != NULL;
}

/* Everything stopped: frees what is no longer used (only when every app
** thread is gone: threads left behind may still read it). */
static void finish(bool clean) {
  if (clean) {
    for (size_t i = 0; i < S.napps; i++) app_free(S.apps[i]);
    free(S.apps);
    vy_broker_free(S.broker);
    vy_profile_free(&S.profile);
    hal_close(); /* no run holds a line any more */
    vy_cap_registry_free(S.caps);
  }
  vlog("stopped");
  if (S.pid1 && ota_reboot_wanted()) pid1_reboot();
  if (S.pid1) pid1_poweroff();
  if (clean) {
    free(S.sys_root);
    free(S.root);
    free(S.profile_name);
  }
}

int main(int argc, char **argv) {
  options o;
  int rc = parse_options(argc, argv, &o);
  if (rc >= 0) return rc;
  S.pid1 = getpid() == 1;
  char cmdline_profile[64], cmdline_console[16];
  if (S.pid1)
    pid1_options(&o, cmdline_profile, sizeof cmdline_profile, cmdline_console,
                 sizeof cmdline_console);
  S.console_all = o.console_logs ? strcmp(o.console_logs, "focused") != 0
                                 : o.no_tty || !isatty(STDIN_FILENO);
  if (!o.root) {
    fputs("vyomad: --root DIR is required\n", stderr);
    usage(stderr);
    return 2;
  }
  bool profile_asked = o.profile != NULL;
  if (!o.profile) o.profile = DEFAULT_PROFILE;
  if (!init_sup(&o)) {
    fputs("vyomad: out of memory\n", stderr);
    return fatal();
  }
  vlog("vyomad %s starting: root %s, profile %s%s", VYOMAD_VERSION,
       S.root[0] ? S.root : "/", o.profile, S.pid1 ? ", PID 1" : "");
  if (mkdirs(S.root[0] ? S.root : "/", "run/vyoma/logs") != 0)
    vlog("cannot create %s/run/vyoma/logs: %s", S.root, strerror(errno));
  char sys[4200];
  ota_boot(S.root, o.ota_dir, o.ota_key, o.ota_slot, argv, sys, sizeof sys);
  if (!(S.sys_root = strdup(sys))) {
    vlog("out of memory");
    return fatal();
  }
  int pr = load_profile(o.profile, profile_asked);
  if (pr == -1) vlog("out of memory");
  if (pr != 0) return fatal();
  hal_open(o.board);
  sigset_t set;
  block_signals(&set);
  S.broker = vy_broker_new(sys_handler, NULL);
  if (!S.broker) {
    vlog("out of memory");
    return fatal();
  }
  load_apps();
  screen_start();
  if (control_start() != 0) vlog("no control socket: vyctl cannot reach us");
  /* the profile's metrics_listen (off when ""): Prometheus scrapes us */
  if (S.profile.metrics_listen[0]) metrics_http_start(S.profile.metrics_listen);
  size_t nstart = start_apps();
  /* As PID 1, CLOCK_BOOTTIME (the kernel's uptime) is how long a boot took
  ** to here; on a host it is the machine's uptime, which says nothing
  ** about vyomad: there, the time since vyomad started. */
  struct timespec bt;
  clock_gettime(CLOCK_BOOTTIME, &bt);
  if (S.pid1)
    vlog("%zu apps, %zu started (%.2f s after kernel start)", S.napps, nstart,
         (double)bt.tv_sec + (double)bt.tv_nsec / 1e9);
  else
    vlog("%zu apps, %zu started (%.2f s after vyomad started)", S.napps, nstart,
         (double)(now_ms() - S.boot_ms) / 1e3);
  if (!o.no_tty) console_start();
  main_loop(&set);
  vlog("stopping apps (grace %d ms)", o.grace_ms);
  console_stop();
  bool clean = shutdown_apps(o.grace_ms);
  control_stop();
  metrics_http_stop();
  screen_stop();
  finish(clean);
  return 0;
}
