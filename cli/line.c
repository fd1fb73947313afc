/*
 * line.c: reading command lines. GNU Readline when stdin is a terminal
 * (history kept across runs, tab completion from the command table),
 * a plain getline loop otherwise (scripts, pipes, transcript tests).
 * This is the only file that includes Readline.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cli.h"
#include "line.h"

#define LINE_HISTORY_MAX	1000

/*
 * Readline's callbacks take no argument, so the completion hook finds
 * the front end here; set once by line_init.
 */
static struct {
	struct cli	*cli;
	bool		 use_rl;
	char		*hist_path;	/* NULL: no history file */
	char		**matches;	/* completions being handed out */
	size_t		 next;
} line_st;

/* Set by SIGINT (Ctrl-C); read and cleared by line_interrupted. */
static volatile sig_atomic_t line_sigint;

static void
line_on_sigint(int sig)
{
	(void)sig;
	line_sigint = 1;
}

/*
 * Called by readline when a signal interrupted its read: Ctrl-C at the
 * prompt throws the half-typed line away and shows a fresh prompt.
 */
static int
line_signal_hook(void)
{
	if (!line_sigint)
		return 0;
	line_sigint = 0;
	rl_replace_line("", 0);
	rl_crlf();
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

bool
line_interrupted(void)
{
	bool	was = line_sigint != 0;

	line_sigint = 0;
	return was;
}

/* Make DIR and its parents (mode 0700 for new ones). */
static int
mkdir_p(char *dir)
{
	char	*p;

	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* $XDG_STATE_HOME/ikelab/history, or ~/.local/state/ikelab/history. */
static char *
history_path(void)
{
	const char	*base = getenv("XDG_STATE_HOME");
	const char	*home = getenv("HOME");
	char		*dir, *path;
	size_t		 n;

	if (base == NULL || base[0] != '/') {
		if (home == NULL || home[0] == '\0')
			return NULL;
		n = strlen(home) + sizeof("/.local/state/ikelab");
		if ((dir = malloc(n)) == NULL)
			return NULL;
		snprintf(dir, n, "%s/.local/state/ikelab", home);
	} else {
		n = strlen(base) + sizeof("/ikelab");
		if ((dir = malloc(n)) == NULL)
			return NULL;
		snprintf(dir, n, "%s/ikelab", base);
	}
	if (mkdir_p(dir) != 0) {
		free(dir);
		return NULL;
	}
	n = strlen(dir) + sizeof("/history");
	if ((path = malloc(n)) != NULL)
		snprintf(path, n, "%s/history", dir);
	free(dir);
	return path;
}

/* Hand out the completions computed in line_complete, one per call. */
static char *
line_generator(const char *text, int state)
{
	(void)text;
	(void)state;
	if (line_st.matches == NULL || line_st.matches[line_st.next] == NULL)
		return NULL;
	return strdup(line_st.matches[line_st.next++]);
}

/* Readline's completion hook: ask the command table what fits. */
static char **
line_complete(const char *text, int start, int end)
{
	char	**m;
	char	 *before;
	bool	  files = false;
	size_t	  k;

	(void)end;
	if (line_st.matches != NULL) {
		for (k = 0; line_st.matches[k] != NULL; k++)
			free(line_st.matches[k]);
		free(line_st.matches);
		line_st.matches = NULL;
	}
	if ((before = strndup(rl_line_buffer, (size_t)start)) == NULL)
		return NULL;
	line_st.matches = cli_complete(line_st.cli, before, text, &files);
	free(before);
	line_st.next = 0;
	if (files && line_st.matches == NULL)
		return NULL;	/* readline completes file names */
	rl_attempted_completion_over = 1;
	m = rl_completion_matches(text, line_generator);
	return m;
}

void
line_init(struct cli *cli, bool use_rl)
{
	struct sigaction	sa;
	int			fd;

	line_st.cli = cli;
	line_st.use_rl = use_rl;
	if (!use_rl)
		return;
	/* Ctrl-C clears the line or stops a long run; it does not quit. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = line_on_sigint;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	rl_signal_event_hook = line_signal_hook;
	rl_readline_name = "ikelab";
	rl_attempted_completion_function = line_complete;
	/* '>' is part of a direction ("i>r"), not a word break. */
	rl_basic_word_break_characters = " \t\n\"'";
	using_history();
	stifle_history(LINE_HISTORY_MAX);
	if ((line_st.hist_path = history_path()) == NULL)
		return;
	/* Create it private before readline ever writes to it. */
	fd = open(line_st.hist_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (fd < 0) {
		free(line_st.hist_path);
		line_st.hist_path = NULL;
		return;
	}
	(void)fchmod(fd, 0600);
	close(fd);
	(void)read_history(line_st.hist_path);
}

/*
 * Read one line with the same cap as the REPL: bytes past CLI_LINE_MAX
 * are read and thrown away (so a huge line cannot exhaust memory), and
 * a line holding a NUL byte is refused as a whole.
 */
static char *
line_read_plain(FILE *in, int *bad)
{
	char	*buf;
	size_t	 n = 0;
	bool	 nul = false;
	int	 c;

	if ((buf = malloc(CLI_LINE_MAX)) == NULL)
		return NULL;
	while ((c = getc(in)) != EOF && c != '\n') {
		/*
		 * Stop at the first bad byte: a stream without newlines
		 * (/dev/zero) must not keep us reading forever. The caller
		 * stops at a bad line anyway.
		 */
		if (c == '\0') {
			nul = true;
			break;
		}
		if (n == CLI_LINE_MAX - 1) {
			*bad = LINE_TOO_LONG;
			break;
		}
		buf[n++] = (char)c;
	}
	if (c == EOF && n == 0 && *bad == 0 && !nul) {
		free(buf);
		return NULL;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (nul) {
		buf[0] = '\0';
		*bad = LINE_NUL;
	}
	return buf;
}

char *
line_read(struct cli *cli, FILE *in, const char *prompt, int *bad)
{
	char	*l;

	(void)cli;
	*bad = 0;
	/* Readline reads the terminal; a sourced file is read plainly. */
	if (!line_st.use_rl || in != stdin)
		return line_read_plain(in, bad);
	fflush(stdout);
	if ((l = readline(prompt)) == NULL)
		return NULL;
	if (strlen(l) >= CLI_LINE_MAX) {
		*bad = LINE_TOO_LONG;
		l[CLI_LINE_MAX - 1] = '\0';
	}
	return l;
}

bool
line_is_secret(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return strncmp(line, "set", 3) == 0 && strstr(line, "psk") != NULL;
}

void
line_remember(struct cli *cli, const char *line)
{
	const char	*p = line;
	HIST_ENTRY	*last;

	char		*l;
	size_t		 n;

	(void)cli;
	if (!line_st.use_rl)
		return;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || line_is_secret(line))
		return;
	n = strlen(line);
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if ((l = strndup(line, n)) == NULL)
		return;
	line = l;
	/* Repeating the same command (step, step...) is kept once. */
	last = history_length > 0 ? history_get(history_base +
	    history_length - 1) : NULL;
	if (last == NULL || strcmp(last->line, line) != 0) {
		add_history(line);
		if (line_st.hist_path != NULL)
			(void)append_history(1, line_st.hist_path);
	}
	free(l);
}

void
line_free(struct cli *cli, char *line)
{
	(void)cli;
	free(line);
}

void
line_done(struct cli *cli)
{
	size_t	k;

	(void)cli;
	if (line_st.matches != NULL) {
		for (k = 0; line_st.matches[k] != NULL; k++)
			free(line_st.matches[k]);
		free(line_st.matches);
		line_st.matches = NULL;
	}
	if (line_st.hist_path != NULL) {
		(void)history_truncate_file(line_st.hist_path,
		    LINE_HISTORY_MAX);
		free(line_st.hist_path);
		line_st.hist_path = NULL;
	}
	if (line_st.use_rl)
		clear_history();
}
