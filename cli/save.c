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
#include "export.h"

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

int
cli_save(struct cli *cli, const char *path, bool force,
    void (*write_fn)(FILE *f, struct cli *cli))
{
	const char	*paths[1] = { path };
	struct buf	 b = { 0 };
	const struct buf *data[1] = { &b };
	FILE		*ms;
	char		*text = NULL, err[CLI_ERR_LEN];
	size_t		 len = 0;
	int		 rc;

	if ((ms = open_memstream(&text, &len)) == NULL)
		return cli_err(cli, "save: %s", strerror(errno));
	write_fn(ms, cli);
	if (fclose(ms) != 0) {
		free(text);
		return cli_err(cli, "save: %s", strerror(errno));
	}
	b.p = (uint8_t *)text;
	b.len = b.cap = len;
	/*
	 * The same writer as the exports: temporary file, then rename. A
	 * script that sets a pre-shared key is a secret: mode 0600.
	 */
	rc = export_write_files(paths, data, 1, strstr(text, " psk ") != NULL,
	    force, err, sizeof(err));
	free(text);
	if (rc != 0)
		return cli_err(cli, "save: %s", err);
	fprintf(cli->out, "wrote %s (%zu bytes)\n", path, len);
	return 0;
}
