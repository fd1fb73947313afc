/*
 * export_driver.c: runs one scenario and writes every export, for the
 * shell tests that check the files with tshark and psk-crack
 * (tests/sh/export_*.sh).
 *
 *   export_driver [-s SEED] [-d LABEL]... [-k i|r|both KEY VALUE]... DIR
 *
 * -d adds "rule drop LABEL nth 1", -k is `set`. It starts, runs until
 * nothing is pending, writes DIR/x.pcapng, x.pcap, x.keys (and
 * x.keys.esp_sa), x.secrets and x.psk (each export that fails is
 * reported on stderr and skipped), then prints one line per packet:
 *     NUM LABEL FROM ICOOKIE RCOOKIE MSGID STATE
 * (cookies and message ID in hex from the ISAKMP header, "-" when the
 * bytes do not parse; STATE is delivered, dropped or inflight).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "sess.h"

static void
usage(void)
{
	fprintf(stderr, "usage: export_driver [-s SEED] [-d LABEL]... "
	    "[-k i|r|both KEY VALUE]... DIR\n");
	exit(2);
}

static void
hex(const uint8_t *p, size_t n)
{
	size_t	k;

	for (k = 0; k < n; k++)
		printf("%02x", p[k]);
}

int
main(int argc, char **argv)
{
	static const char *const st[] = { "inflight", "delivered",
	    "dropped" };
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct sess	*s;
	struct rule	 r;
	struct pld_hdr	 h;
	char		 path[4096], err[256];
	uint64_t	 seed = 1;
	unsigned int	 mask;
	const char	*dir;
	int		 k, rc = 0;
	size_t		 n;

	for (k = 1; k < argc && argv[k][0] == '-'; k++)
		if (strcmp(argv[k], "-s") == 0 && k + 1 < argc)
			seed = strtoull(argv[++k], NULL, 10);
		else if ((strcmp(argv[k], "-d") == 0 && k + 1 < argc) ||
		    (strcmp(argv[k], "-k") == 0 && k + 3 < argc))
			k += argv[k][1] == 'd' ? 1 : 3;
		else
			usage();
	if (k != argc - 1)
		usage();
	dir = argv[k];
	if ((s = sess_new(seed)) == NULL)
		return 1;
	for (k = 1; k < argc - 1; k++) {
		if (strcmp(argv[k], "-d") == 0) {
			memset(&r, 0, sizeof(r));
			r.act = RULE_DROP;
			r.dir = -1;
			r.nth = 1;
			snprintf(r.sel, sizeof(r.sel), "%s", argv[++k]);
			snprintf(r.text, sizeof(r.text), "drop %s nth 1",
			    argv[k]);
			if (sess_rule_add(s, &r, &dg) < 0)
				goto bad;
		} else if (strcmp(argv[k], "-k") == 0) {
			mask = argv[k + 1][0] == 'i' ? 1 :
			    argv[k + 1][0] == 'r' ? 2 : 3;
			if (sess_set(s, mask, argv[k + 2], argv[k + 3],
			    &dg) != IKE_OK)
				goto bad;
			k += 3;
		} else if (strcmp(argv[k], "-s") == 0)
			k++;
	}
	if (sess_start(s, &dg) != IKE_OK)
		goto bad;
	(void)sess_run(s, 600000, NULL, NULL);

#define OUT(name)	(snprintf(path, sizeof(path), "%s/%s", dir, name), path)
	if (export_pcap(s, OUT("x.pcapng"), false, true, err, sizeof(err)) ||
	    export_pcap(s, OUT("x.pcap"), true, true, err, sizeof(err))) {
		fprintf(stderr, "export_driver: %s\n", err);
		rc = 1;
	}
	if (export_keys(s, OUT("x.keys"), true, err, sizeof(err)))
		fprintf(stderr, "export_driver: keys: %s\n", err);
	if (export_secrets(s, OUT("x.secrets"), true, err, sizeof(err)))
		fprintf(stderr, "export_driver: secrets: %s\n", err);
	if (export_psk_crack(s, OUT("x.psk"), true, err, sizeof(err)))
		fprintf(stderr, "export_driver: psk-crack: %s\n", err);

	for (n = 0; n < s->npkt; n++) {
		const struct pkt *pk = &s->pkts[n];

		printf("%d %s %c ", pk->num, pk->label,
		    pk->from == PEER_I ? 'i' : 'r');
		if (pld_hdr_parse(pk->bytes.p, pk->bytes.len, &h, NULL) ==
		    IKE_OK) {
			hex(h.icookie, 8);
			printf(" ");
			hex(h.rcookie, 8);
			printf(" %08" PRIx32, h.msgid);
		} else
			printf("- - -");
		printf(" %s\n", st[pk->st]);
	}
	sess_free(s);
	return rc;
bad:
	fprintf(stderr, "export_driver: %s\n", dg.msg);
	sess_free(s);
	return 2;
}
