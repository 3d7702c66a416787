// sh: a small shell. Commands are words separated by spaces, with
// "< file", "> file", "a | b" and "cd dir"; one command line per input line.
#include "user.h"

#define MAXWORDS 16

struct cmd {
  char *argv[MAXWORDS + 1];
  char *in, *out; // redirections, or 0
};

// Splits s in place at spaces into c (argv and redirections); 0 or -1.
static int parse(char *s, struct cmd *c) {
  int n = 0;
  c->in = c->out = 0;
  while (*s) {
    while (*s == ' ' || *s == '\t' || *s == '\n')
      *s++ = 0;
    if (*s == 0)
      break;
    char **slot = 0;
    if (*s == '<' || *s == '>') {
      slot = (*s == '<') ? &c->in : &c->out;
      *s++ = 0;
      while (*s == ' ')
        s++;
    }
    char *word = s;
    while (*s && *s != ' ' && *s != '\t' && *s != '\n' && *s != '<' && *s != '>')
      s++;
    if (slot)
      *slot = word;
    else if (n < MAXWORDS)
      c->argv[n++] = word;
    else
      return -1;
    if (*s == '<' || *s == '>')
      continue;
  }
  c->argv[n] = 0;
  return n > 0 ? 0 : -1;
}

// In a child: redirects and execs one command; never returns.
static void runcmd(char *s) {
  struct cmd c;
  if (parse(s, &c) < 0)
    exit(1);
  if (c.in) {
    close(0);
    if (open(c.in, O_RDONLY) < 0) {
      fprintf(2, "sh: cannot open %s\n", c.in);
      exit(1);
    }
  }
  if (c.out) {
    close(1);
    if (open(c.out, O_WRONLY | O_CREATE | O_TRUNC) < 0) {
      fprintf(2, "sh: cannot create %s\n", c.out);
      exit(1);
    }
  }
  exec(c.argv[0], c.argv);
  fprintf(2, "sh: exec %s failed\n", c.argv[0]);
  exit(1);
}

// Runs "left | right" or a single command and waits; the last exit status.
static int runline(char *line) {
  char *bar = strchr(line, '|');
  int status = 0;
  if (bar == 0) {
    if (fork() == 0)
      runcmd(line);
    wait(&status);
    return status;
  }
  *bar = 0;
  int p[2];
  if (pipe(p) < 0)
    return -1;
  if (fork() == 0) {
    close(1);
    dup(p[1]);
    close(p[0]);
    close(p[1]);
    runcmd(line);
  }
  if (fork() == 0) {
    close(0);
    dup(p[0]);
    close(p[0]);
    close(p[1]);
    runcmd(bar + 1);
  }
  close(p[0]);
  close(p[1]);
  wait(0);
  wait(&status);
  return status;
}

int main(void) {
  static char buf[128];
  for (;;) {
    fprintf(2, "$ ");
    gets(buf, sizeof(buf));
    if (buf[0] == 0)
      break; // end of input
    char *s = buf;
    while (*s == ' ')
      s++;
    if (s[0] == 'c' && s[1] == 'd' && s[2] == ' ') {
      s[strlen(s) - 1] = 0; // the newline
      if (chdir(s + 3) < 0)
        fprintf(2, "sh: cannot cd %s\n", s + 3);
      continue;
    }
    if (*s != '\n')
      runline(s);
  }
  return 0;
}
