/*
 * save.c: files written by `save`: the trace as JSON Lines, the
 * replayable command log, and the plumbing that writes any of them
 * safely (a temporary file next to the target, then a rename, so a
 * failed write never damages an existing file).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* A JSON string: quotes, backslashes and bytes outside ASCII escaped. */
static void
json_str(FILE *f, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* One event as a JSON object on one line (schema: README, trace). */
static void
json_event(FILE *f, const struct tr_event *ev)
{
	unsigned int	 fl = cli_event_fields(ev->kind);
	const char	*nn;
	char		 peer[2] = { ev->peer, '\0' };

	fprintf(f, "{\"t_ms\":%" PRIu64 ",\"event\":", ev->t_ms);
	json_str(f, trace_kind_name(ev->kind));
	fprintf(f, ",\"peer\":");
	json_str(f, peer);
	if (ev->pkt > 0)
		fprintf(f, ",\"pkt\":%d", ev->pkt);
	else
		fprintf(f, ",\"pkt\":null");
	fprintf(f, ",\"label\":");
	if (ev->label[0] != '\0')
		json_str(f, ev->label);
	else
		fprintf(f, "null");
	if (ev->reason[0] != '\0') {
		fprintf(f, ",\"reason\":");
		json_str(f, ev->reason);
	}
	if (fl & CF_TRY)
		fprintf(f, ",\"try\":%d", ev->try_no);
	if (fl & CF_DUE)
		fprintf(f, ",\"due_ms\":%" PRIu64, ev->due_ms);
	if (fl & CF_COPY)
		fprintf(f, ",\"copy_of\":%d", ev->copy_of);
	if (fl & (CF_SWAP | CF_RULE))
		fprintf(f, ",\"other\":%d", ev->other);
	if ((fl & CF_CORRUPT) && ev->off >= 0) {
		fprintf(f, ",\"off\":%ld", ev->off);
		if (ev->bit >= 0)
			fprintf(f, ",\"bit\":%d", ev->bit);
		else
			fprintf(f, ",\"bit\":null");
		fprintf(f, ",\"was\":%u,\"now\":%u", ev->was, ev->now);
	}
	if (fl & CF_STATE) {
		fprintf(f, ",\"from\":");
		json_str(f, ev->from);
		fprintf(f, ",\"to\":");
		json_str(f, ev->to);
	}
	if ((fl & CF_MSGID) && ev->msgid != 0)
		fprintf(f, ",\"msgid\":%" PRIu32, ev->msgid);
	if (fl & CF_NOTIFY) {
		fprintf(f, ",\"notify\":%u", ev->notify);
		if ((nn = ike_notify_name(ev->notify)) != NULL) {
			fprintf(f, ",\"notify_name\":");
			json_str(f, nn);
		}
	}
	if ((fl & CF_SPI) && ev->spi != 0)
		fprintf(f, ",\"spi\":%" PRIu32, ev->spi);
	fprintf(f, "}\n");
}

void
cli_trace_json(FILE *f, const struct sess *s)
{
	size_t	k;

	for (k = 0; k < s->trace.n; k++)
		json_event(f, &s->trace.ev[k]);
}

void
cli_script(FILE *f, const struct cli *cli)
{
	size_t	k;

	fprintf(f, "# ikelab script, seed %" PRIu64 "\n", cli->seed);
	fprintf(f, "seed %" PRIu64 "\n", cli->seed);
	for (k = 0; k < cli->nlog; k++)
		fprintf(f, "%s\n", cli->log[k]);
}

/* Write all N bytes of P to FD. */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Move TMP to PATH. Without FORCE, link() refuses an existing PATH
 * atomically; where hard links are not possible, check and rename.
 */
static int
put_in_place(const char *tmp, const char *path, bool force)
{
	struct stat	st;

	if (force)
		return rename(tmp, path);
	if (link(tmp, path) == 0) {
		(void)unlink(tmp);
		return 0;
	}
	if (errno == EEXIST)
		return -1;
	if (lstat(path, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(tmp, path);
}

int
cli_save(struct cli *cli, const char *path, bool force,
    void (*write_fn)(FILE *f, struct cli *cli))
{
	struct stat	 st;
	FILE		*ms;
	char		*data = NULL, *tmp;
	size_t		 len = 0;
	mode_t		 um;
	int		 fd, e;

	if (!force && lstat(path, &st) == 0)
		return cli_err(cli, "save: %s exists; use --force to overwrite",
		    path);
	if ((ms = open_memstream(&data, &len)) == NULL)
		return cli_err(cli, "save: %s", strerror(errno));
	write_fn(ms, cli);
	if (fclose(ms) != 0) {
		free(data);
		return cli_err(cli, "save: %s", strerror(errno));
	}
	if ((tmp = malloc(strlen(path) + sizeof(".XXXXXX"))) == NULL) {
		free(data);
		return IKE_ENOMEM;
	}
	sprintf(tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		e = errno;
		free(data);
		free(tmp);
		return cli_err(cli, "save: cannot write %s: %s", path,
		    strerror(e));
	}
	um = umask(0);
	umask(um);
	(void)fchmod(fd, 0666 & ~um);
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) != 0) {
		e = errno;
		goto fail;
	}
	if (put_in_place(tmp, path, force) != 0) {
		e = errno;
		goto fail;
	}
	fprintf(cli->out, "wrote %s (%zu bytes)\n", path, len);
	free(data);
	free(tmp);
	return 0;
fail:
	(void)unlink(tmp);
	free(data);
	free(tmp);
	if (e == EEXIST)
		return cli_err(cli, "save: %s exists; use --force to overwrite",
		    path);
	return cli_err(cli, "save: cannot write %s: %s", path, strerror(e));
}
