/*
 * main.c: ikelab's entry point. Parses the options, then either opens
 * the REPL (stdin is a terminal) or runs a script: `-f FILE`, or the
 * lines of a stdin that is not a terminal (named "<stdin>").
 *
 * Exit status: 0 when every line ran (or the REPL was left), 1 at the
 * first failing script line (after "FILE:LINE: message"), 2 on a usage
 * error.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lesson.h"
#include "line.h"

#define PROMPT	"ikelab> "

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ikelab [--seed N] [-f FILE | --tui] [--lesson NAME]\n"
	    "       ikelab --check-lesson FILE\n"
	    "       ikelab --help | --version\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\n"
	    "Two IKEv1 peers (Aggressive Mode with a pre-shared key, then\n"
	    "Quick Mode) on a simulated link, stepped by hand.\n"
	    "\n"
	    "  -f FILE     run the commands in FILE, printing the trace as it\n"
	    "              goes; stop at the first failing line (exit 1)\n"
	    "  --seed N    fix the random streams (cookies, nonces, DH, faults);\n"
	    "              without it a seed is chosen and shown\n"
	    "  --lesson NAME  start lesson NAME ('lesson list' shows them)\n"
	    "  --check-lesson FILE  check a lesson file and run its reference\n"
	    "              path; exit 0 when every check and answer holds\n"
	    "  --tui       open the full-screen timeline first (q leaves it\n"
	    "              for the prompt)\n"
	    "  --help      this text\n"
	    "  --version   the version\n"
	    "\n"
	    "Without -f, ikelab reads commands from the terminal (type 'help')\n"
	    "or, when stdin is not a terminal, runs them as a script named\n"
	    "<stdin>.\n");
}

/* Print the last error of CLI on stderr, after flushing stdout. */
static void
report(struct cli *cli)
{
	fflush(cli->tty);
	cli_put_escaped(cli->errf, cli->err, strlen(cli->err), false);
	fputc('\n', cli->errf);
	fflush(cli->errf);
}

/* Lesson to start before the first command (--lesson), or NULL. */
static const char *first_lesson;

/*
 * Start --lesson's lesson. A missing or broken one is reported; -1 then
 * (a script stops there, the interactive prompt goes on without it).
 */
static int
begin_lesson(struct cli *cli)
{
	int	rc = 0;

	if (first_lesson != NULL && lesson_begin(cli, first_lesson) < 0) {
		report(cli);
		rc = -1;
	}
	fflush(cli->tty);
	return rc;
}

/* The interactive loop. */
static int
repl(struct cli *cli, bool tui)
{
	char	*l;
	int	 bad;

	line_init(cli, true);
	printf("ikelab %s: two IKEv1 peers on a simulated link.\n"
	    "Type 'start', then 'step' (or 's') again and again; 'help' "
	    "lists commands.\n", IKELAB_VERSION);
	if (cli_sess(cli) == NULL) {
		fprintf(stderr, "ikelab: out of memory\n");
		return 1;
	}
	(void)begin_lesson(cli);
	if (tui && cli_exec_line(cli, "tui") < 0)
		report(cli);
	while (!cli->quit && (l = line_read(cli, stdin, PROMPT, &bad)) !=
	    NULL) {
		line_remember(cli, l);
		if (bad == LINE_TOO_LONG) {
			cli_err(cli, "line too long (at most %d bytes)",
			    CLI_LINE_MAX - 1);
			report(cli);
		} else if (cli_exec_line(cli, l) < 0)
			report(cli);
		line_free(cli, l);
		fflush(stdout);
	}
	if (!cli->quit)
		putchar('\n');
	line_done(cli);
	return 0;
}

/* Run FILE (NAME in messages) as a script. */
static int
script(struct cli *cli, FILE *f, const char *name)
{
	int	rc;

	line_init(cli, false);
	if (begin_lesson(cli) < 0)
		return 2;
	rc = cli_run_file(cli, f, name);
	fflush(stdout);
	if (rc < 0) {
		report(cli);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct cli	 cli;
	const char	*file = NULL, *seed = NULL, *check = NULL;
	bool		 tui = false;
	unsigned long	 v;
	FILE		*f;
	int		 k, rc;

	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--help") == 0 ||
		    strcmp(argv[k], "-h") == 0) {
			help();
			return 0;
		}
		if (strcmp(argv[k], "--version") == 0 ||
		    strcmp(argv[k], "-V") == 0) {
			printf("ikelab %s\n", IKELAB_VERSION);
			return 0;
		}
		if (strcmp(argv[k], "-f") == 0 && k + 1 < argc)
			file = argv[++k];
		else if (strcmp(argv[k], "--seed") == 0 && k + 1 < argc)
			seed = argv[++k];
		else if (strcmp(argv[k], "--tui") == 0)
			tui = true;
		else if (strncmp(argv[k], "--seed=", 7) == 0)
			seed = argv[k] + 7;
		else if (strcmp(argv[k], "--lesson") == 0 && k + 1 < argc)
			first_lesson = argv[++k];
		else if (strcmp(argv[k], "--check-lesson") == 0 &&
		    k + 1 < argc)
			check = argv[++k];
		else {
			if (strcmp(argv[k], "-f") == 0 ||
			    strcmp(argv[k], "--seed") == 0 ||
			    strcmp(argv[k], "--lesson") == 0 ||
			    strcmp(argv[k], "--check-lesson") == 0)
				fprintf(stderr, "ikelab: %s needs a value\n",
				    argv[k]);
			else if (argv[k][0] == '-')
				fprintf(stderr, "ikelab: unknown option '%s'\n",
				    argv[k]);
			else
				fprintf(stderr, "ikelab: unexpected '%s' "
				    "(scripts are given with -f)\n", argv[k]);
			usage(stderr);
			return 2;
		}
	}

	if (check != NULL)
		return lesson_check_file(check, stdout, stderr);
	cli_init(&cli, stdout, stderr);
	if (seed != NULL) {
		if (cli_parse_ulong(seed, 0, ULONG_MAX, &v) != 0) {
			fprintf(stderr, "ikelab: --seed '%s' is not a whole "
			    "number from 0 to %lu\n", seed, ULONG_MAX);
			usage(stderr);
			return 2;
		}
		cli.seed = v;
		cli.has_seed = true;
	}

	if (tui && (file != NULL || !isatty(STDIN_FILENO))) {
		fprintf(stderr, "ikelab: --tui needs a terminal and no -f\n");
		usage(stderr);
		return 2;
	}
	if (file != NULL) {
		if ((f = fopen(file, "r")) == NULL) {
			fprintf(stderr, "ikelab: cannot open '%s': %s\n", file,
			    strerror(errno));
			return 2;
		}
		rc = script(&cli, f, file);
		fclose(f);
	} else if (isatty(STDIN_FILENO)) {
		cli.interactive = true;
		cli.show_seed = true;	/* also a seed given with --seed */
		rc = repl(&cli, tui);
	} else
		rc = script(&cli, stdin, "<stdin>");
	lesson_end(&cli);
	cli_free(&cli);
	return rc;
}
