/*
 * fuzz_safe.h: which command lines a fuzz target may run. A fuzzer must
 * not read or write files under names it made up, nor take over the
 * terminal: only the commands listed here run, and `inject` only with
 * hex (not @FILE). Unknown command names may run too: they only produce
 * an error. A command added to ikelab later stays skipped until it is
 * listed here.
 */
#ifndef IKELAB_FUZZ_SAFE_H
#define IKELAB_FUZZ_SAFE_H

#include <stdbool.h>
#include <string.h>

#include "cli.h"

#define FZ_MAX_LINE	(2 * CLI_LINE_MAX)	/* longer than allowed */

/* Commands that touch neither files nor the terminal. */
static const char *const fz_safe_cmds[] = {
	"start", "step", "tick", "run", "wire", "deliver", "drop", "delay",
	"dup", "swap", "corrupt", "ping", "inject", "rule", "rules", "unrule",
	"timers", "state", "show", "keys", "ladder", "log", "set", "config",
	"undo", "reset", "seed", "help", "quit",
};

/* May LINE run in a fuzz target? */
static inline bool
fz_line_is_safe(const char *line)
{
	static char		 buf[FZ_MAX_LINE + 1];
	char			 err[CLI_ERR_LEN];
	char			*argv[CLI_MAX_ARGS + 1];
	const struct cli_cmd	*c;
	size_t			 k, n = sizeof(fz_safe_cmds) /
				    sizeof(fz_safe_cmds[0]);
	int			 argc, i;

	if (strlen(line) > FZ_MAX_LINE)
		return true;	/* refused before any command runs */
	if (cli_split(line, buf, sizeof(buf), argv, CLI_MAX_ARGS, &argc,
	    err, sizeof(err)) != 0 || argc == 0)
		return true;
	if ((c = cli_cmd_find(argv[0])) == NULL)
		return true;
	for (k = 0; k < n; k++)
		if (strcmp(c->name, fz_safe_cmds[k]) == 0)
			break;
	if (k == n)
		return false;
	for (i = 1; i < argc; i++)
		if (argv[i][0] == '@')
			return false;
	return true;
}

#endif /* IKELAB_FUZZ_SAFE_H */
