/*
** shell — the interactive console of VyomaOS.  Reads command lines from
** stdin (the keyboard, when it has focus; the TTY router does the line
** editing) and turns them into IPC lines on stdout:
**   ps | kill NAME | restart NAME | start NAME | stop NAME  ->  "@sys: ..."
**   send NAME MSG                                           ->  "@NAME: MSG"
**   poweroff                                                ->  "@sys:
*shutdown"
**   help
** Replies come back on the same stdin as "@sender: text" lines; they are
** printed as "[sender] text".  Never echoed with their "@": a line
** starting with "@" on stdout would be a message to send, not a print.
** No prompt is printed: the supervisor reads stdout by lines, and an
** unterminated prompt would glue itself to the front of the next line.
** Exits 0 at end of input or on "@sys: shutdown" (the supervisor
** stopping: the orderly way apps are asked to end).
*/
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "vyoma.h"

static void help(void) {
  puts(
      "commands:\n"
      "  ps                 list apps\n"
      "  kill NAME          kill an app (no restart)\n"
      "  restart NAME       restart an app\n"
      "  start NAME         start an app\n"
      "  stop NAME          stop an app gracefully\n"
      "  send NAME MSG      send MSG to app NAME (as @NAME: MSG)\n"
      "  poweroff           shut VyomaOS down\n"
      "  help               this text");
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
             !strcmp(cmd, "start") || !strcmp(cmd, "stop")) {
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
