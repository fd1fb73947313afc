/*
 * fuzz_open.c: libFuzzer target for the `open` command: a capture of
 * someone else's IKEv1 traffic, and optionally its secrets file, read,
 * labelled, decoded, decrypted and checked (cli/open.c over core's
 * capture reader, codec, keys and ESP code).
 *
 * Input: byte 0 holds flags (bit 0: give a secrets file, bit 1: also
 * --psk letmein, the PSK of tests/vectors); bytes 1-2 are the length S
 * (big-endian) of the secrets text that follows; the rest is the
 * capture. Both are written to files in a private temporary folder
 * (`open` reads files), which is removed at exit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define FZ_OPEN_SEED	20240601u

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char	 dir[256];
static char	 cap_path[300];
static char	 sec_path[300];
static FILE	*devnull;

static void
cleanup(void)
{
	(void)unlink(cap_path);
	(void)unlink(sec_path);
	(void)rmdir(dir);
}

/* The private folder and /dev/null, made on first use. */
static void
setup(void)
{
	const char	*tmp = getenv("TMPDIR");

	if (devnull != NULL)
		return;
	snprintf(dir, sizeof(dir), "%s/ikelab-fuzz-open.XXXXXX",
	    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL || (devnull = fopen("/dev/null", "w")) ==
	    NULL)
		abort();
	snprintf(cap_path, sizeof(cap_path), "%s/capture", dir);
	snprintf(sec_path, sizeof(sec_path), "%s/secrets", dir);
	atexit(cleanup);
}

/* Replace file PATH with N bytes from P. */
static void
put_file(const char *path, const uint8_t *p, size_t n)
{
	FILE	*f;

	if ((f = fopen(path, "wb")) == NULL ||
	    (n > 0 && fwrite(p, 1, n, f) != n) || fclose(f) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cli	 cli;
	char		 line[1024];
	size_t		 slen;
	uint8_t		 flags;

	if (size < 3)
		return 0;
	setup();
	flags = data[0];
	slen = (size_t)data[1] << 8 | data[2];
	data += 3;
	size -= 3;
	if (slen > size)
		slen = size;
	put_file(cap_path, data + slen, size - slen);
	if (flags & 1)
		put_file(sec_path, data, slen);
	snprintf(line, sizeof(line), "open %s%s%s%s", cap_path,
	    flags & 1 ? " --secrets " : "", flags & 1 ? sec_path : "",
	    flags & 2 ? " --psk letmein" : "");

	cli_init(&cli, devnull, devnull);
	cli.seed = FZ_OPEN_SEED;
	cli.has_seed = true;
	(void)cli_exec_line(&cli, line);
	cli_free(&cli);
	return 0;
}
