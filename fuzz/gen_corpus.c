/*
 * gen_corpus.c: writes the seed corpora of the fuzz targets.
 *
 *   gen_corpus OUTDIR [CAPTURE | SECRETS.txt]...
 *
 * OUTDIR/fuzz_pld gets every packet of a few scenarios (the seed story,
 * clean exchanges with and without PFS and client IDs, a wrong PSK, an
 * early Quick Mode notify), each encrypted packet again in its
 * decrypted form, a few hand-built messages for the payloads the
 * scenarios never send (Delete, Notify with SPI, other ID types), and
 * the IKE messages found in the captures.
 * OUTDIR/fuzz_peer gets the same scenario packets, run with the fuzz
 * sessions' seed and settings (fuzz_sess.h) so that cookies and keys
 * match, each behind the three control bytes of fuzz_peer.c.
 * OUTDIR/fuzz_cap gets the captures and variants of them written here:
 * other byte order, nanosecond stamps, other link types, pcapng with
 * enhanced and simple packet blocks, NAT-T, VLAN, fragment, ESP frames.
 * OUTDIR/fuzz_cmd gets a few command scripts, and OUTDIR/fuzz_cmd.dict
 * the words of the command language.
 * OUTDIR/fuzz_open gets the captures, alone and with the secrets files
 * (*.txt) given, in fuzz_open.c's layout.
 * OUTDIR/fuzz_esp gets the ESP packets of the captures and ICMP echo
 * packets padded as ESP plaintext, in fuzz_esp.c's layout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cap.h"
#include "esp.h"
#include "fuzz_sess.h"
#include "pld.h"

#define MAX_FRAMES	64

static const char *outdir;
static unsigned int nwritten;

/* Write N bytes to OUTDIR/TARGET/NAME. */
static void
put_file(const char *target, const char *name, const void *p, size_t n)
{
	char	 path[4096];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(p, 1, n, f) != n ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	nwritten++;
}

static void
put_buf(const char *target, const char *name, const struct buf *b)
{
	put_file(target, name, b->p, b->len);
}

/* The fuzz_peer state whose receiver expects a message labelled LABEL. */
static int
state_of_label(const char *label, int from)
{
	int	 k;

	for (k = 0; k < FZ_NSTATES; k++)
		if (strncmp(label, fz_expect[k], 3) == 0)
			return k;
	/* INFO and the like: to whichever peer receives it, late on. */
	return from == PEER_I ? FZ_R_WAIT_QM3 : FZ_I_WAIT_QM2;
}

/* The header of MSG with the encryption flag cleared, then PLAIN. */
static int
plain_msg(const struct buf *msg, const struct buf *plain, struct buf *out)
{
	if (msg->len < IKE_HDR_LEN || buf_set(out, msg->p, IKE_HDR_LEN) ||
	    buf_add(out, plain->p, plain->len))
		return -1;
	out->p[19] &= (uint8_t)~IKE_FLAG_ENC;
	buf_put_u32(out, 24, (uint32_t)out->len);
	return 0;
}

/* Write every packet of S: to fuzz_pld, and to fuzz_peer under OPTS. */
static void
dump_packets(const struct sess *s, const char *tag, int opts)
{
	const struct pkt	*pk;
	struct buf		 b = { 0 };
	char			 name[128];
	size_t			 k;
	int			 st;

	for (k = 1; k <= s->npkt; k++) {
		pk = sess_pkt_c(s, (int)k);
		snprintf(name, sizeof(name), "%s-%02zu-%s", tag, k, pk->label);
		put_buf("fuzz_pld", name, &pk->bytes);
		if (pk->plain.len > 0 && plain_msg(&pk->bytes, &pk->plain,
		    &b) == 0) {
			snprintf(name, sizeof(name), "%s-%02zu-%s-plain", tag,
			    k, pk->label);
			put_buf("fuzz_pld", name, &b);
		}
		if (opts < 0)
			continue;
		st = state_of_label(pk->label, pk->from);
		b.len = 0;
		if (buf_add_u8(&b, (uint8_t)(opts | st)) ||
		    buf_add_u8(&b, (uint8_t)pk->from) ||
		    buf_add_u8(&b, FZ_REPLACE) ||
		    buf_add(&b, pk->bytes.p, pk->bytes.len))
			exit(1);
		snprintf(name, sizeof(name), "%s-%02zu-%s", tag, k, pk->label);
		put_buf("fuzz_peer", name, &b);
		/* Quick Mode plaintexts, for the sealed mode. */
		if (strncmp(pk->label, "QM", 2) != 0 || pk->plain.len < 4 ||
		    be16(pk->plain.p + 2) > pk->plain.len)
			continue;
		b.len = 0;
		if (buf_add_u8(&b, (uint8_t)(opts | st)) ||
		    buf_add_u8(&b, (uint8_t)pk->from) ||
		    buf_add_u8(&b, FZ_SEAL_QM) ||
		    buf_add_u8(&b, pk->plain.p[0]) ||
		    buf_add(&b, pk->plain.p + be16(pk->plain.p + 2),
		    pk->plain.len - be16(pk->plain.p + 2)))
			exit(1);
		snprintf(name, sizeof(name), "%s-%02zu-%s-sealed", tag, k,
		    pk->label);
		put_buf("fuzz_peer", name, &b);
	}
	buf_free(&b);
}

/*
 * fuzz_peer seeds of the sealed Informational mode: Delete of the
 * ISAKMP SA and of the ESP SAs, and a few notifies, to each peer once
 * Quick Mode is done (the sessions of OPTS with state FZ_R_WAIT_QM3).
 */
static void
info_seeds(int opts)
{
	static const uint16_t types[] = {
		IKE_N_INITIAL_CONTACT, IKE_N_NO_PROPOSAL_CHOSEN,
		IKE_N_INVALID_SPI, IKE_N_RESPONDER_LIFETIME,
	};
	const struct qmx *q;
	struct pld_hdr	 h;
	struct pld_wr	 w;
	struct pld_delete d;
	struct pld_notify nt;
	struct sess	*s;
	struct buf	 m = { 0 }, b = { 0 };
	uint8_t		 spis[16], esp[8];
	char		 name[64];
	size_t		 k;
	int		 from;

	if ((s = fz_setup((uint8_t)(opts | FZ_R_WAIT_QM3), NULL, NULL)) ==
	    NULL || (q = sess_qm_cur(&s->peer[PEER_R])) == NULL)
		exit(1);
	memcpy(spis, s->peer[PEER_R].p1.icookie, 8);
	memcpy(spis + 8, s->peer[PEER_R].p1.rcookie, 8);
	for (k = 0; k < 4; k++) {
		esp[k] = (uint8_t)(q->spi_i >> (24 - 8 * k));
		esp[4 + k] = (uint8_t)(q->spi_r >> (24 - 8 * k));
	}
	memset(&h, 0, sizeof(h));
	h.version = IKE_VERSION_1_0;
	h.exch = IKE_EXCH_INFO;
	for (k = 0; k < 2 + sizeof(types) / sizeof(types[0]); k++) {
		m.len = 0;
		if (pld_wr_hdr(&w, &m, &h))
			exit(1);
		memset(&d, 0, sizeof(d));
		memset(&nt, 0, sizeof(nt));
		d.doi = nt.doi = IKE_DOI_IPSEC;
		if (k == 0) {
			d.proto = IKE_PROTO_ISAKMP;
			d.spi_size = 16;
			d.count = 1;
			d.spis = spis;
		} else if (k == 1) {
			d.proto = IKE_PROTO_ESP;
			d.spi_size = 4;
			d.count = 2;
			d.spis = esp;
		} else {
			nt.proto = k % 2 ? IKE_PROTO_ESP : IKE_PROTO_ISAKMP;
			nt.spi_size = k % 2 ? 4 : 16;
			nt.spi = k % 2 ? esp : spis;
			nt.type = types[k - 2];
		}
		if (k < 2 ? pld_add_delete(&w, &d) : pld_add_notify(&w, &nt))
			exit(1);
		for (from = PEER_I; from <= PEER_R; from++) {
			b.len = 0;
			if (buf_add_u8(&b, (uint8_t)(opts | FZ_R_WAIT_QM3)) ||
			    buf_add_u8(&b, (uint8_t)from) ||
			    buf_add_u8(&b, FZ_SEAL_INFO) ||
			    buf_add_u32(&b, 0x5eed0000u + (uint32_t)k) ||
			    buf_add_u8(&b, m.p[16]) ||
			    buf_add(&b, m.p + IKE_HDR_LEN, m.len - IKE_HDR_LEN))
				exit(1);
			snprintf(name, sizeof(name), "info-o%02x-%zu-%c", opts,
			    k, from == PEER_I ? 'i' : 'r');
			put_buf("fuzz_peer", name, &b);
		}
	}
	buf_free(&m);
	buf_free(&b);
	sess_free(s);
}

/*
 * Run one scenario to the end. OPTS >= 0: the fuzz sessions' settings
 * (then the packets also go to fuzz_peer); < 0: ikelab's defaults.
 * DROP_AG3 loses the first AG3 (the seed story); PSK_R, when not NULL,
 * gives the responder another pre-shared key.
 */
static void
scenario(const char *tag, int opts, bool drop_ag3, const char *psk_r)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct sess	*s;
	struct rule	 r;

	if ((s = sess_new(FZ_SEED)) == NULL)
		exit(1);
	if (opts >= 0 && fz_config(s, (uint8_t)opts, &dg) != IKE_OK)
		goto fail;
	if (psk_r != NULL && sess_set(s, 2, "psk", psk_r, &dg) != IKE_OK)
		goto fail;
	if (drop_ag3) {
		sess_rule_init(&r, RULE_DROP, "AG3", 1);
		if (sess_rule_add(s, &r, &dg) < 0)
			goto fail;
	}
	if (sess_start(s, &dg) != IKE_OK)
		goto fail;
	(void)sess_run(s, 600000, NULL, NULL);
	dump_packets(s, tag, opts);
	sess_free(s);
	return;
fail:
	fprintf(stderr, "gen_corpus: scenario %s: %s\n", tag, dg.msg);
	exit(1);
}

/* fuzz_peer seeds of the XOR modes: the real packet, unchanged. */
static void
xor_seeds(int opts)
{
	uint8_t	 in[3];
	char	 name[64];
	int	 st, from;
	struct sess *s;

	for (st = 0; st < FZ_NSTATES; st++) {
		in[0] = (uint8_t)(opts | st);
		if ((s = fz_setup(in[0], NULL, &from)) == NULL) {
			fprintf(stderr, "gen_corpus: fz_setup(%02x) failed\n",
			    in[0]);
			exit(1);
		}
		sess_free(s);
		in[1] = (uint8_t)from;
		in[2] = FZ_XOR;
		snprintf(name, sizeof(name), "xor-o%02x-%s", opts,
		    fz_expect[st]);
		put_file("fuzz_peer", name, in, sizeof(in));
	}
}

/* Messages built by hand for payloads that the scenarios never send. */
static void
crafted(void)
{
	static const uint8_t spis[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t sub[8] = { 10, 0, 0, 0, 255, 255, 255, 0 };
	static const uint8_t data[4] = { 0, 0, 0x0e, 0x10 };
	struct pld_hdr	 h;
	struct pld_wr	 w;
	struct pld_notify n;
	struct pld_delete d;
	struct pld_id	 id;
	struct buf	 b = { 0 };

	memset(&h, 0, sizeof(h));
	memset(h.icookie, 0x11, sizeof(h.icookie));
	memset(h.rcookie, 0x22, sizeof(h.rcookie));
	h.version = IKE_VERSION_1_0;
	h.exch = IKE_EXCH_INFO;
	h.msgid = 0x01020304;

	memset(&d, 0, sizeof(d));
	d.doi = IKE_DOI_IPSEC;
	d.proto = IKE_PROTO_ESP;
	d.spi_size = 4;
	d.count = 2;
	d.spis = spis;
	memset(&n, 0, sizeof(n));
	n.doi = IKE_DOI_IPSEC;
	n.proto = IKE_PROTO_ESP;
	n.spi_size = 4;
	n.type = IKE_N_RESPONDER_LIFETIME;
	n.spi = spis;
	n.data = data;
	n.data_len = sizeof(data);
	if (pld_wr_hdr(&w, &b, &h) || pld_add_raw(&w, IKE_PLD_HASH, spis,
	    sizeof(spis)) || pld_add_delete(&w, &d) ||
	    pld_add_notify(&w, &n))
		exit(1);
	pld_wr_done(&w);
	put_buf("fuzz_pld", "crafted-delete-notify", &b);

	h.exch = IKE_EXCH_QUICK;
	memset(&id, 0, sizeof(id));
	id.type = IKE_ID_IPV4_ADDR_SUBNET;
	id.proto = 17;
	id.port = 500;
	id.data = sub;
	id.len = sizeof(sub);
	b.len = 0;
	if (pld_wr_hdr(&w, &b, &h) || pld_add_id(&w, &id))
		exit(1);
	id.type = IKE_ID_FQDN;
	id.proto = 0;
	id.port = 0;
	id.data = (const uint8_t *)"vpn.example.org";
	id.len = 15;
	if (pld_add_id(&w, &id))
		exit(1);
	id.type = IKE_ID_USER_FQDN;
	id.data = (const uint8_t *)"alice@example.org";
	id.len = 17;
	if (pld_add_id(&w, &id) || pld_add_raw(&w, IKE_PLD_NAT_D, spis, 8) ||
	    pld_add_raw(&w, IKE_PLD_VID, spis, 8) ||
	    pld_add_raw(&w, IKE_PLD_NAT_OA, sub, 8) ||
	    pld_add_raw(&w, IKE_PLD_FRAG, spis, 8))
		exit(1);
	pld_wr_done(&w);
	put_buf("fuzz_pld", "crafted-ids", &b);
	buf_free(&b);
}

/*
 * fuzz_cmd seeds: a start byte (see fuzz_cmd.c; 4 stands for 0, which
 * would end the C string), then command lines.
 */
static void
cmd_seeds(void)
{
	static const char *const seeds[] = {
		"\002rule drop AG3 once\nrun\nshow 4\nundo 1",
		"\003show 5\nkeys i\nladder\nlog",
		"\004seed 7\nset i psk 'a b'\nstart\nrun",
		"\001set r early-qm queue\nset i retransmit 500ms\nstart\n"
		    "run until r QM_R_DONE",
		"\002delay 1 2s\nstep 3\nwire\ntimers",
		"\003corrupt 2 5 bit 3\ndup 3\nswap 3 4\nrules",
		"\002rule corrupt r>i 40 nth 2\nrule dup QM1 prob 0.5\n"
		    "run\nunrule 1",
		"\001inject i 0011223344556677000000000000000001100400"
		    "00000000000000240000000800000000\nstep\nshow 1",
		"\003config r\nstate i\nhelp rule\nset both factor 1.5",
		"\004set i id vpn@example.org\nset r id 192.0.2.7\n"
		    "set both pfs 2\ntick 20ms",
	};
	char	 name[32];
	size_t	 k;

	for (k = 0; k < sizeof(seeds) / sizeof(seeds[0]); k++) {
		snprintf(name, sizeof(name), "cmd-%02zu", k);
		put_file("fuzz_cmd", name, seeds[k], strlen(seeds[k]));
	}
}

/* One libFuzzer dictionary entry. */
static void
dict_word(FILE *f, const char *w, size_t n)
{
	size_t	 k;

	fputc('"', f);
	for (k = 0; k < n; k++) {
		if (w[k] == '"' || w[k] == '\\')
			fputc('\\', f);
		fputc(w[k], f);
	}
	fputs("\"\n", f);
}

/*
 * The words of the command language for fuzz_cmd: commands (cli/ is
 * not linked here, so they are listed), knobs and their values (from
 * core's table), labels, events and states.
 */
static void
cmd_dict(void)
{
	static const char *const words[] = {
		"start", "step", "tick", "run", "wire", "deliver", "drop",
		"delay", "dup", "swap", "corrupt", "inject", "rule", "rules",
		"unrule", "timers", "state", "show", "keys", "ladder", "log",
		"set", "config", "undo", "reset", "seed", "help", "quit",
		"i", "r", "both", "i>r", "r>i", "once", "nth", "prob", "bit",
		"until", "horizon", "AG1", "AG2", "AG3", "QM1", "QM2", "QM3",
		"INFO", "ESP", "AG2b", "QM1.2", "ms", "s", "m", "0x",
	};
	char		 path[4096];
	const char	*v, *bar;
	FILE		*f;
	size_t		 k;
	int		 e;

	snprintf(path, sizeof(path), "%s/fuzz_cmd.dict", outdir);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		dict_word(f, words[k], strlen(words[k]));
	for (k = 0; k < sess_nknobs; k++) {
		dict_word(f, sess_knobs[k].name, strlen(sess_knobs[k].name));
		for (v = sess_knobs[k].values; *v != '\0'; v = bar + 1) {
			if ((bar = strchr(v, '|')) == NULL)
				bar = v + strlen(v);
			/* Upper case stands for a kind of value, not one. */
			if (*v < 'A' || *v > 'Z')
				dict_word(f, v, (size_t)(bar - v));
			if (*bar == '\0')
				break;
		}
	}
	for (e = 0; e < TR_NKINDS; e++)
		dict_word(f, trace_kind_name((enum tr_kind)e),
		    strlen(trace_kind_name((enum tr_kind)e)));
	for (e = P1_NONE; e <= P1_DELETED; e++)
		dict_word(f, sess_p1_state_name((enum p1_state)e),
		    strlen(sess_p1_state_name((enum p1_state)e)));
	for (e = QM_NONE; e <= QM_FAILED; e++)
		dict_word(f, sess_qm_state_name((enum qm_state)e),
		    strlen(sess_qm_state_name((enum qm_state)e)));
	if (fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* One frame of a capture being rewritten: its IPv4 packet and time. */
struct frame {
	struct buf	 ip;
	uint64_t	 ts_ns;
};

static struct frame frames[MAX_FRAMES];
static size_t nframes;

/* The secrets file (the last *.txt argument), for fuzz_open. */
static struct buf secrets;

/* The whole file PATH into B. */
static void
read_file(const char *path, struct buf *b)
{
	char	 chunk[4096];
	size_t	 n;
	FILE	*f;

	b->len = 0;
	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		exit(1);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, n))
			exit(1);
	fclose(f);
}

/* fuzz_open seeds of capture FILE: alone, with secrets, with --psk. */
static void
open_seeds(const char *base, const struct buf *file)
{
	struct buf	 b = { 0 };
	char		 name[160];
	uint8_t		 flags;

	for (flags = 0; flags < 4; flags++) {
		if (flags == 2 || (flags != 0 && secrets.len == 0))
			continue;
		b.len = 0;
		if (buf_add_u8(&b, flags) || buf_add_u16(&b, flags ?
		    (uint16_t)secrets.len : 0) ||
		    (flags && buf_add(&b, secrets.p, secrets.len)) ||
		    buf_add(&b, file->p, file->len))
			exit(1);
		snprintf(name, sizeof(name), "%s-%u", base, flags);
		put_buf("fuzz_open", name, &b);
	}
	buf_free(&b);
}

/* fuzz_esp seed: transform byte SEL, then P. */
static void
esp_seed(const char *name, uint8_t sel, const uint8_t *p, size_t n)
{
	struct buf	 b = { 0 };

	if (buf_add_u8(&b, sel) || buf_add(&b, p, n))
		exit(1);
	put_buf("fuzz_esp", name, &b);
	buf_free(&b);
}

/*
 * ICMP echo packets with ESP padding and trailer (next header IPv4),
 * for fuzz_esp's sealed plaintexts: AES-128 (16-byte blocks) and 3DES
 * (8-byte blocks), both with HMAC-SHA1-96.
 */
static void
esp_seeds(void)
{
	static const uint8_t echo[] = "ikelab ping";
	static const struct {
		uint8_t	 sel;
		size_t	 blen;
	} tf[] = { { 3, 16 }, { 5, 8 } };
	struct buf	 pt = { 0 };
	char		 name[64];
	size_t		 k, pad, i;

	for (k = 0; k < sizeof(tf) / sizeof(tf[0]); k++) {
		if (esp_icmp_build(&pt, 0xc0000201u, 0xc0000202u, k == 1,
		    ESP_ICMP_ID, 1, echo, sizeof(echo) - 1) != IKE_OK)
			exit(1);
		pad = (tf[k].blen - (pt.len + 2) % tf[k].blen) % tf[k].blen;
		for (i = 1; i <= pad; i++)
			if (buf_add_u8(&pt, (uint8_t)i))
				exit(1);
		if (buf_add_u8(&pt, (uint8_t)pad) ||
		    buf_add_u8(&pt, ESP_NEXT_IPV4))
			exit(1);
		snprintf(name, sizeof(name), "icmp-%u", tf[k].sel);
		esp_seed(name, tf[k].sel, pt.p, pt.len);
	}
	buf_free(&pt);
}

/* Read a capture: its IKE messages to fuzz_pld, its IPv4 to FRAMES. */
static void
read_capture(const char *path)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct cap_file	 cf;
	struct cap_rec	 rec;
	struct cap_pkt	 pkt;
	struct buf	 file = { 0 };
	const char	*base;
	char		 name[128];
	int		 rc;

	read_file(path, &file);
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	put_buf("fuzz_cap", base, &file);
	open_seeds(base, &file);
	if (cap_open(&cf, file.p, file.len, &dg) != IKE_OK) {
		fprintf(stderr, "gen_corpus: %s: %s\n", path, dg.msg);
		exit(1);
	}
	while ((rc = cap_next(&cf, &rec, &dg)) == IKE_OK) {
		if (cap_decode(&rec, &pkt, &dg) != IKE_OK)
			continue;
		if (pkt.kind == CAP_ESP) {
			snprintf(name, sizeof(name), "%s-%u", base, rec.no);
			esp_seed(name, 3, pkt.data, pkt.len);
		}
		if (pkt.kind != CAP_IKE)
			continue;
		snprintf(name, sizeof(name), "%s-%u", base, rec.no);
		put_file("fuzz_pld", name, pkt.data, pkt.len);
		/* The IPv4 packet starts where the frame's link layer ends. */
		if (nframes < MAX_FRAMES && rec.linktype == CAP_LINK_ETHERNET &&
		    rec.caplen > 14) {
			if (buf_set(&frames[nframes].ip, rec.data + 14,
			    rec.caplen - 14))
				exit(1);
			frames[nframes++].ts_ns = rec.ts_ns;
		}
	}
	if (rc != IKE_ENOENT)
		fprintf(stderr, "gen_corpus: %s: %s\n", path, dg.msg);
	buf_free(&file);
}

/* Little-endian or big-endian stores for capture headers. */
static void
put16(struct buf *b, uint16_t v, bool be)
{
	uint8_t	 p[2];

	p[be ? 0 : 1] = (uint8_t)(v >> 8);
	p[be ? 1 : 0] = (uint8_t)v;
	if (buf_add(b, p, 2))
		exit(1);
}

static void
put32(struct buf *b, uint32_t v, bool be)
{
	put16(b, (uint16_t)(be ? v >> 16 : v), be);
	put16(b, (uint16_t)(be ? v : v >> 16), be);
}

/* Frame IP (an IPv4 packet) for LINKTYPE; VLAN adds an 802.1Q tag. */
static void
link_frame(struct buf *out, uint32_t linktype, const struct buf *ip,
    bool vlan)
{
	static const uint8_t mac[12] = {
		2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2,
	};
	static const uint8_t sll[14] = {
		0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0,
	};
	static const uint8_t sll2[18] = {
		0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0,
	};

	out->len = 0;
	switch (linktype) {
	case CAP_LINK_ETHERNET:
		if (buf_add(out, mac, sizeof(mac)))
			exit(1);
		if (vlan) {
			put16(out, 0x8100, true);
			put16(out, 42, true);
		}
		put16(out, 0x0800, true);
		break;
	case CAP_LINK_LINUX_SLL:
		if (buf_add(out, sll, sizeof(sll)))
			exit(1);
		put16(out, 0x0800, true);
		break;
	case CAP_LINK_LINUX_SLL2:
		put16(out, 0x0800, true);
		if (buf_add(out, sll2, sizeof(sll2)))
			exit(1);
		break;
	default:
		break;
	}
	if (buf_add(out, ip->p, ip->len))
		exit(1);
}

/* A classic pcap of the frames. */
static void
write_pcap(const char *name, bool be, bool nsec, uint32_t linktype,
    bool vlan, const struct frame *fr, size_t n)
{
	struct buf	 b = { 0 }, f = { 0 };
	uint64_t	 div = nsec ? 1 : 1000;
	size_t		 k;

	put32(&b, nsec ? 0xa1b23c4du : 0xa1b2c3d4u, be);
	put16(&b, 2, be);
	put16(&b, 4, be);
	put32(&b, 0, be);
	put32(&b, 0, be);
	put32(&b, 65535, be);
	put32(&b, linktype, be);
	for (k = 0; k < n; k++) {
		link_frame(&f, linktype, &fr[k].ip, vlan);
		put32(&b, (uint32_t)(fr[k].ts_ns / 1000000000u), be);
		put32(&b, (uint32_t)(fr[k].ts_ns % 1000000000u / div), be);
		put32(&b, (uint32_t)f.len, be);
		put32(&b, (uint32_t)f.len, be);
		if (buf_add(&b, f.p, f.len))
			exit(1);
	}
	put_buf("fuzz_cap", name, &b);
	buf_free(&b);
	buf_free(&f);
}

/* A pcapng block of TYPE around BODY (padded to 4 bytes). */
static void
ng_block(struct buf *b, uint32_t type, const struct buf *body, bool be)
{
	size_t	 pad = (4 - body->len % 4) % 4;
	uint32_t total = (uint32_t)(12 + body->len + pad);

	put32(b, type, be);
	put32(b, total, be);
	if (buf_add(b, body->p, body->len) || buf_add(b, NULL, pad))
		exit(1);
	put32(b, total, be);
}

/*
 * A pcapng of the frames: SPB uses simple packet blocks, else enhanced
 * ones; TSRESOL (when not 0) is written as the if_tsresol option.
 */
static void
write_pcapng(const char *name, bool be, bool spb, uint8_t tsresol,
    const struct frame *fr, size_t n)
{
	struct buf	 b = { 0 }, body = { 0 }, f = { 0 };
	uint64_t	 ts, unit = 1000;	/* ns per tick, microseconds */
	size_t		 k;

	put32(&body, 0x1a2b3c4du, be);
	put16(&body, 1, be);
	put16(&body, 0, be);
	put32(&body, 0xffffffffu, be);
	put32(&body, 0xffffffffu, be);
	ng_block(&b, 0x0a0d0d0au, &body, be);

	body.len = 0;
	put16(&body, CAP_LINK_ETHERNET, be);
	put16(&body, 0, be);
	put32(&body, 0, be);
	if (tsresol != 0) {
		put16(&body, 9, be);		/* if_tsresol */
		put16(&body, 1, be);
		if (buf_add_u8(&body, tsresol) || buf_add(&body, NULL, 3))
			exit(1);
		put16(&body, 0, be);		/* opt_endofopt */
		put16(&body, 0, be);
		unit = tsresol == 9 ? 1 : 1000;
	}
	ng_block(&b, 1, &body, be);

	for (k = 0; k < n; k++) {
		link_frame(&f, CAP_LINK_ETHERNET, &fr[k].ip, false);
		body.len = 0;
		if (spb)
			put32(&body, (uint32_t)f.len, be);
		else {
			ts = fr[k].ts_ns / unit;
			put32(&body, 0, be);
			put32(&body, (uint32_t)(ts >> 32), be);
			put32(&body, (uint32_t)ts, be);
			put32(&body, (uint32_t)f.len, be);
			put32(&body, (uint32_t)f.len, be);
		}
		if (buf_add(&body, f.p, f.len))
			exit(1);
		ng_block(&b, spb ? 3 : 6, &body, be);
	}
	put_buf("fuzz_cap", name, &b);
	buf_free(&b);
	buf_free(&body);
	buf_free(&f);
}

/* An IPv4 packet (no options) of protocol PROTO around PAYLOAD. */
static void
ipv4(struct buf *out, uint8_t proto, uint16_t frag, const uint8_t *payload,
    size_t n)
{
	static const uint8_t addrs[8] = { 10, 213, 0, 1, 10, 213, 0, 2 };

	out->len = 0;
	if (buf_add_u8(out, 0x45) || buf_add_u8(out, 0) ||
	    buf_add_u16(out, (uint16_t)(20 + n)) || buf_add_u16(out, 7) ||
	    buf_add_u16(out, frag) || buf_add_u8(out, 64) ||
	    buf_add_u8(out, proto) || buf_add_u16(out, 0) ||
	    buf_add(out, addrs, sizeof(addrs)) || buf_add(out, payload, n))
		exit(1);
}

/* A UDP datagram (no checksum) between PORT and PORT. */
static void
udp(struct buf *out, uint16_t port, const uint8_t *payload, size_t n)
{
	out->len = 0;
	if (buf_add_u16(out, port) || buf_add_u16(out, port) ||
	    buf_add_u16(out, (uint16_t)(8 + n)) || buf_add_u16(out, 0) ||
	    buf_add(out, payload, n))
		exit(1);
}

/* Frames that the strongSwan capture does not have. */
static void
odd_frames(void)
{
	static const uint8_t esp[24] = { 0xc0, 1, 2, 3, 0, 0, 0, 1 };
	static const uint8_t ka[1] = { 0xff };
	struct frame	 fr[5];
	struct buf	 u = { 0 }, ike = { 0 };
	size_t		 k;

	memset(fr, 0, sizeof(fr));
	if (nframes == 0)
		return;
	/* The first IKE message on UDP 4500 behind the non-ESP marker. */
	if (buf_add(&ike, NULL, 4) ||
	    buf_add(&ike, frames[0].ip.p + 28, frames[0].ip.len - 28))
		exit(1);
	udp(&u, 4500, ike.p, ike.len);
	ipv4(&fr[0].ip, 17, 0, u.p, u.len);
	udp(&u, 4500, ka, sizeof(ka));
	ipv4(&fr[1].ip, 17, 0, u.p, u.len);
	udp(&u, 4500, esp, sizeof(esp));
	ipv4(&fr[2].ip, 17, 0, u.p, u.len);
	ipv4(&fr[3].ip, 50, 0, esp, sizeof(esp));
	ipv4(&fr[4].ip, 17, 0x2000, frames[0].ip.p + 20, 64);	/* MF */
	for (k = 0; k < 5; k++)
		fr[k].ts_ns = 1700000000000000000ull + k * 1000000u;
	write_pcap("odd-eth.pcap", false, false, CAP_LINK_ETHERNET, false,
	    fr, 5);
	write_pcap("odd-raw.pcap", true, true, CAP_LINK_RAW, false, fr, 5);
	write_pcapng("odd.pcapng", false, false, 9, fr, 5);
	for (k = 0; k < 5; k++)
		buf_free(&fr[k].ip);
	buf_free(&u);
	buf_free(&ike);
}

int
main(int argc, char **argv)
{
	static const int opts[] = {
		0, FZ_OPT_PFS, FZ_OPT_CLIENT, FZ_OPT_PFS | FZ_OPT_CLIENT,
		0x20, 0x40, FZ_OPT_SWAN, FZ_OPT_SWAN | FZ_OPT_PFS,
	};
	char	 tag[32];
	size_t	 k;
	int	 a;

	if (argc < 2) {
		fprintf(stderr, "usage: gen_corpus OUTDIR "
		    "[CAPTURE | SECRETS.txt]...\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
		perror(outdir);
		return 1;
	}
	for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
		snprintf(tag, sizeof(tag), "seed-o%02x", opts[k]);
		scenario(tag, opts[k], true, NULL);
		snprintf(tag, sizeof(tag), "clean-o%02x", opts[k]);
		scenario(tag, opts[k], false, NULL);
		xor_seeds(opts[k]);
		info_seeds(opts[k]);
	}
	scenario("wrongpsk", 0, false, "not the same key");
	scenario("default", -1, false, NULL);
	crafted();
	cmd_seeds();
	cmd_dict();

	esp_seeds();
	/* Secrets first: the captures' fuzz_open seeds carry them. */
	for (a = 2; a < argc; a++)
		if (strlen(argv[a]) > 4 &&
		    strcmp(argv[a] + strlen(argv[a]) - 4, ".txt") == 0)
			read_file(argv[a], &secrets);
	for (a = 2; a < argc; a++)
		if (strlen(argv[a]) <= 4 ||
		    strcmp(argv[a] + strlen(argv[a]) - 4, ".txt") != 0)
			read_capture(argv[a]);
	if (nframes > 0) {
		write_pcap("ike-be.pcap", true, false, CAP_LINK_ETHERNET, true,
		    frames, nframes);
		write_pcap("ike-ns.pcap", false, true, CAP_LINK_IPV4, false,
		    frames, nframes);
		write_pcap("ike-sll.pcap", false, false, CAP_LINK_LINUX_SLL,
		    false, frames, nframes);
		write_pcap("ike-sll2.pcap", true, true, CAP_LINK_LINUX_SLL2,
		    false, frames, nframes);
		write_pcapng("ike-spb-be.pcapng", true, true, 0, frames,
		    nframes);
		write_pcapng("ike-epb-ns.pcapng", false, false, 9, frames,
		    nframes);
		odd_frames();
	}
	for (k = 0; k < nframes; k++)
		buf_free(&frames[k].ip);
	buf_free(&secrets);
	printf("gen_corpus: %u files in %s\n", nwritten, outdir);
	return 0;
}
