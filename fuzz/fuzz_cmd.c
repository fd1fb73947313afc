/*
 * fuzz_cmd.c: libFuzzer target for the command line (cli_exec_line).
 *
 * Input: byte 0 picks a starting point (low two bits: no session yet;
 * a session on MODP group 1; that session started; that session after
 * a complete exchange), the rest is up to FZ_MAX_LINES command lines
 * separated by '\n', run one after the other against the session with
 * a fixed seed. Output goes to /dev/null.
 *
 * Commands that read or write files (save, source, open, inject @FILE)
 * are skipped: a fuzzer must not write files under names it made up.
 * So is any command this file does not know yet, since it might too;
 * unknown command names still go through (they only produce an error
 * and a suggestion).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz_safe.h"

#define FZ_CMD_SEED	20240601u
#define FZ_MAX_LINES	4

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

/* The starting point that byte 0 picks. */
static int
prepare(struct cli *cli, uint8_t start)
{
	static const char *const steps[] = {
		"set both group 1", "start", "run",
	};
	int	 k, n = start & 3;

	for (k = 0; k < n; k++)
		if (cli_exec_line(cli, steps[k]) < 0)
			return -1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cli	 cli;
	char		 line[FZ_MAX_LINE + 1];
	size_t		 off, end;
	int		 nlines = 0;

	if (size < 1)
		return 0;
	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	cli_init(&cli, devnull, devnull);
	cli.seed = FZ_CMD_SEED;
	cli.has_seed = true;
	if (prepare(&cli, data[0]) != 0)
		abort();	/* the unfuzzed start must always work */
	for (off = 1; off < size && nlines < FZ_MAX_LINES && !cli.quit;
	    off = end + 1, nlines++) {
		for (end = off; end < size && data[end] != '\n'; end++)
			;
		if (end - off > FZ_MAX_LINE)
			continue;
		memcpy(line, data + off, end - off);
		line[end - off] = '\0';
		if (fz_line_is_safe(line))
			(void)cli_exec_line(&cli, line);
	}
	cli_free(&cli);
	return 0;
}
