/*
** shell — the interactive console of VyomaOS.  Reads command lines from
** stdin (the keyboard, when it has focus) and turns them into IPC lines on
** stdout:
**   ps | status NAME | logs NAME                      ->  "@sys: ..."
**   kill NAME | restart NAME | start NAME | stop NAME ->  "@sys: ..."
**   send NAME MSG                                     ->  "@NAME: MSG"
**   hal [ARGS...]                                     ->  "@sys: hal ARGS"
**   ota [status|apply FILE|commit|rollback]           ->  "@sys: ota ARGS"
**   poweroff                                          ->  "@sys: shutdown"
**   help
** The supervisor answers ps, status and logs with reply lines (ps: the
** same aligned table as vyctl ps); they come back on the same stdin as
** "@sender: text" lines, one per line of the answer, and are printed as
** "[sender] text".  Never echoed with their "@": a line starting with "@"
** on stdout would be a message to send, not a print.
** The prompt, line editing, history and Tab completion are the console's
** (input/tty.c): vyomad draws "shell> " and the typed text again below
** every line printed meanwhile, which an app reading stdin cannot.  Its
** Tab completion knows the verbs below (supervisor/console.c's
** shell_verbs: keep them in step).  The shell prints no prompt: the
** supervisor reads stdout by lines.  It is a system app: vyomad brings it
** back whatever ends it, but a shutdown.  Exits 0 at end of input or on
** "@sys: shutdown" (the supervisor stopping).
*/
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "vyoma.h"

static void help(void) {
  puts(
      "commands:\n"
      "  ps                 the apps, as vyctl ps lists them\n"
      "  status NAME        one app's state\n"
      "  logs NAME          the last lines of an app's log\n"
      "  kill NAME          kill an app (no restart; the shell comes back)\n"
      "  restart NAME       restart an app\n"
      "  start NAME         start an app\n"
      "  stop NAME          stop an app gracefully\n"
      "  send NAME MSG      send MSG to app NAME (as @NAME: MSG)\n"
      "  hal [gpio LINE [0|1] | i2c BUS:ADDR write BYTE... | adc DEV:CH RAW]\n"
      "                     the board's devices; peek / poke them (vyctl hal)\n"
      "  ota [status]       the system's update slots, versions, state\n"
      "  ota apply FILE [--allow-downgrade]\n"
      "                     install a signed update bundle (FILE: a path of\n"
      "                     the system, e.g. /data/updates/v2.vyb)\n"
      "  ota commit         keep the update on trial now\n"
      "  ota rollback       the previous system boots next\n"
      "  poweroff           shut VyomaOS down\n"
      "  help               this text\n"
      "keys:\n"
      "  Backspace, Ctrl-U  erase a character, the line\n"
      "  Up, Down           earlier lines (history)\n"
      "  Tab                complete a command or an app name\n"
      "  Ctrl-D             end of input for the app with the keys\n"
      "  Ctrl-A n, Ctrl-A p the keys to the next, previous app\n"
      "  Ctrl-A 1..9        the keys to app 1..9\n"
      "  Ctrl-A l           list the apps that take keys\n"
      "  Ctrl-A Ctrl-A      a Ctrl-A typed into the line\n"
      "in QEMU (make run):\n"
      "  Ctrl-T x           quit QEMU at once\n"
      "  Ctrl-T c           QEMU's monitor: screendump FILE.ppm saves the\n"
      "                     screen; Ctrl-T c again comes back\n"
      "  vyctl screenshot FILE  on the supervisor's host: the screen as PNG");
}

/* true if s is a plausible app name (the broker checks it for real) */
static int is_name(const char *s) {
  if (!*s || strlen(s) > VY_NAME_MAX) return 0;
  for (; *s; s++)
    if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
      return 0;
  return 1;
}

/* Splits off the first word of *p (in place); returns it, "" if none. */
static char *word(char **p) {
  char *s = *p;
  while (*s == ' ' || *s == '\t') s++;
  char *w = s;
  while (*s && *s != ' ' && *s != '\t') s++;
  if (*s) *s++ = 0;
  while (*s == ' ' || *s == '\t') s++;
  *p = s;
  return w;
}

static void command(char *line) {
  char *rest = line;
  char *cmd = word(&rest);
  if (!*cmd) return;
  if (!strcmp(cmd, "help") || !strcmp(cmd, "?")) {
    help();
  } else if (!strcmp(cmd, "ps")) {
    vy_send("sys", "ps");
  } else if (!strcmp(cmd, "kill") || !strcmp(cmd, "restart") ||
             !strcmp(cmd, "start") || !strcmp(cmd, "stop") ||
             !strcmp(cmd, "status") || !strcmp(cmd, "logs")) {
    char *name = word(&rest);
    if (!is_name(name) || *rest)
      printf("usage: %s NAME\n", cmd);
    else
      vy_send("sys", "%s %s", cmd, name);
  } else if (!strcmp(cmd, "send")) {
    char *name = word(&rest);
    if (!is_name(name) || !*rest)
      puts("usage: send NAME MESSAGE");
    else
      vy_send(name, "%s", rest);
  } else if (!strcmp(cmd, "hal")) {
    /* the supervisor parses and checks the rest, as for vyctl hal */
    vy_send("sys", "hal%s%s", *rest ? " " : "", rest);
  } else if (!strcmp(cmd, "ota")) {
    /* the supervisor checks the words, as for vyctl ota */
    vy_send("sys", "ota%s%s", *rest ? " " : "", rest);
  } else if (!strcmp(cmd, "poweroff") || !strcmp(cmd, "shutdown")) {
    puts("shell: asking the supervisor to shut down");
    vy_send("sys", "shutdown");
  } else {
    printf("shell: unknown command '%s' (try help)\n", cmd);
  }
}

int main(void) {
  char line[VY_LINE_MAX];
  puts("VyomaOS shell; type help");
  fflush(stdout);
  while (vy_read_line(line, sizeof line) >= 0) {
    vy_msg m;
    if (!vy_parse(line, &m)) {
      command(line);
    } else if (!strcmp(m.sender, "sys") && !strcmp(m.payload, "shutdown")) {
      puts("shell: the system is shutting down");
      return 0;
    } else {
      printf("[%s] %s\n", m.sender, m.payload);
    }
    fflush(stdout);
  }
  return 0;
}
