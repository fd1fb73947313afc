/*
 * open.c: the `ping` command, and `open`, which reads a real capture
 * of IKEv1 traffic (pcap or pcapng, read by core/cap.c) and shows it
 * the way ikelab shows its own sessions: a list of frames with labels,
 * a ladder, every message decoded. Given the exchange's secrets (an
 * ikelab `save secrets` file, or the strongSwan-derived keys file of
 * tests/vectors) it decrypts the encrypted messages and the ESP packets
 * and checks every hash, IV and ICV, saying for each whether it passed,
 * with the expected and actual values. `--psk P` recomputes the key
 * chain from g^xy and the nonces with P instead of the file's SKEYID,
 * so a wrong key shows exactly which checks fail.
 *
 * The capture is shown, not simulated: nothing here touches the
 * session.
 *
 * Labels follow DESIGN.md: AG1..AG3 by their place in Aggressive Mode,
 * QM1..QM3 by their order inside one message ID, INFO; a second
 * exchange of a kind adds .2, .3; a datagram byte-identical to an
 * earlier one in the same direction is a resend and gets the next
 * letter (AG2b). Every ESP packet is labelled ESP.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cap.h"
#include "cli.h"
#include "crypto.h"
#include "esp.h"
#include "frag.h"
#include "keys.h"
#include "open.h"
#include "pld.h"

#define OP_MAX_FILE	(256u * 1024 * 1024)	/* bytes of one capture */
#define OP_MAX_FRAMES	100000
#define OP_MAX_X	64	/* exchanges */
#define OP_MAX_IVS	8	/* IV lines kept per message ID */
#define OP_MAX_SAS	32	/* ESP SAs */
#define OP_MAX_SEC_P1	8
#define OP_MAX_SEC_QM	32

int
cmd_ping(struct cli *cli, int argc, char **argv)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	int		rc;

	(void)argc;
	if ((rc = sess_ping(cli->s, &dg)) < 0)
		return cli_err(cli, "%s: %s", argv[0], dg.msg[0] != '\0' ?
		    dg.msg : ike_err_name(rc)), rc;
	return 0;
}

/*
 * The secrets file, as far as `open` uses it. Phase 1 values per
 * initiator cookie; per message ID the IVs in file order and, for a
 * Quick Mode, its SPIs, KEYMAT and PFS secret.
 */
struct sec_val {
	uint8_t		 p[CRYPTO_MAX_PRIME];
	size_t		 n;		/* 0: not in the file */
	unsigned int	 line;		/* its line in the file */
};

struct sec_qm {
	uint32_t	 msgid;
	struct sec_val	 iv[OP_MAX_IVS];
	size_t		 niv;
	struct sec_val	 spi_ir, keymat_ir, spi_ri, keymat_ri, gqm;
	/* strongSwan's split form: encryption and integrity keys. */
	struct sec_val	 enc_i, int_i, enc_r, int_r;
};

struct sec_p1 {
	struct sec_val	 icookie, rcookie, gxy, skeyid, skeyid_d, skeyid_a,
			 skeyid_e, ka, iv0, lastblock;
	struct sec_qm	 qm[OP_MAX_SEC_QM];
	size_t		 nqm;
};

struct secrets {
	struct sec_p1	 p1[OP_MAX_SEC_P1];
	size_t		 np1;
};

/* One exchange seen in the capture. */
enum opx_kind { OPX_P1, OPX_QM, OPX_INFO, OPX_OTHER };

struct op_x {
	enum opx_kind	 kind;
	uint8_t		 icookie[IKE_COOKIE_LEN];
	uint32_t	 msgid;
	uint8_t		 exch;
	int		 inst;
	uint8_t		 starter[4];	/* address that sent its first message */
	int		 first[4];	/* frame of the first copy of msg 1..3 */
	int		 nmsg;
};

/* One frame of the capture. */
struct op_frame {
	struct cap_rec	 rec;
	struct cap_pkt	 pkt;
	char		 err[200];	/* cap_decode's complaint, if any */
	bool		 hdr_ok;
	struct pld_hdr	 h;
	int		 x;		/* exchange index, -1 */
	int		 msg;		/* 1..3 inside the exchange, 0 */
	int		 orig;		/* the frame this one repeats, -1 */
	unsigned int	 resends;	/* copies of this original so far */
	char		 label[TR_LABEL_LEN];
	struct buf	 plain;		/* decrypted body or ESP inner packet */
	bool		 dec;		/* PLAIN holds a good decryption */
	int		 sa;		/* ESP: index of its SA, -1 */
	char		 note[160];
	/*
	 * IKE fragments (payload 132). A fragment that completes its
	 * message holds the whole message in WHOLE, and PKT.data points
	 * there: it is labelled, decoded and checked as that message.
	 * Every fragment of a message is labelled LABEL[k/n].
	 */
	bool		 is_frag;
	uint8_t		 frag_num;	/* k */
	uint8_t		 frag_of;	/* n; 0 while the message is not whole */
	uint16_t	 frag_id;
	size_t		 frag_len;	/* the fragment datagram's size */
	int		 frag_whole;	/* frame that completes it, -1 */
	int		 frag_copy;	/* the fragment this repeats, -1 */
	unsigned int	 frag_copy_no;	/* its frame number */
	struct buf	 whole;
	char		 frag_err[120];	/* why it was not taken */
};

/* An ESP SA found for the capture. */
struct op_sa {
	struct esp_sa	 sa;
	bool		 ir;		/* initiator to responder */
	int		 qm;		/* exchange it belongs to */
	char		 src[24];	/* where its keys came from */
};

struct op {
	FILE		*f;
	const char	*path;
	uint8_t		*bytes;
	size_t		 len;
	bool		 is_ng;
	struct op_frame	*fr;
	size_t		 n;
	struct op_x	 x[OP_MAX_X];
	size_t		 nx;
	bool		 have_i;
	uint8_t		 iaddr[4];	/* the first phase 1's initiator */
	uint8_t		 raddr[4];
	struct secrets	*sec;
	const char	*psk;
	struct op_sa	 sas[OP_MAX_SAS];
	size_t		 nsa;
	unsigned int	 passed, failed, skipped;
};

/*
 * Reading the secrets file.
 */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex S (no blanks) into V; false if it is not even-length hex. */
static bool
sec_hex(const char *s, struct sec_val *v, const char **why)
{
	size_t	len = strlen(s), k;

	*why = NULL;
	for (k = 0; k < len; k++)
		if (hexval(s[k]) < 0) {
			*why = "is not followed by hex bytes";
			return false;
		}
	if (len == 0)
		*why = "has no value";
	else if (len % 2 != 0)
		*why = "has an odd number of hex digits";
	else if (len / 2 > sizeof(v->p))
		*why = "has a value longer than any ikelab reads";
	if (*why != NULL)
		return false;
	for (k = 0; k < len; k += 2)
		v->p[k / 2] = (uint8_t)(hexval(s[k]) << 4 | hexval(s[k + 1]));
	v->n = len / 2;
	return true;
}

static uint32_t
val32(const struct sec_val *v)
{
	return v->n == 4 ? be32(v->p) : 0;
}

/* The Quick Mode / Informational entry of MSGID in P (made if new). */
static struct sec_qm *
sec_qm_of(struct sec_p1 *p, uint32_t msgid)
{
	size_t	k;

	for (k = 0; k < p->nqm; k++)
		if (p->qm[k].msgid == msgid)
			return &p->qm[k];
	if (p->nqm == OP_MAX_SEC_QM)
		return NULL;
	memset(&p->qm[p->nqm], 0, sizeof(p->qm[0]));
	p->qm[p->nqm].msgid = msgid;
	return &p->qm[p->nqm++];
}

/* Phase 1 value labels: ikelab's and the strongSwan keys file's. */
static struct sec_val *
sec_p1_field(struct sec_p1 *p, const char *l)
{
	static const struct {
		const char	*a, *b;
		size_t		 off;
	} map[] = {
		{ "icookie", NULL, offsetof(struct sec_p1, icookie) },
		{ "rcookie", NULL, offsetof(struct sec_p1, rcookie) },
		{ "gxy", "shared Diffie Hellman secret",
		    offsetof(struct sec_p1, gxy) },
		{ "skeyid", "SKEYID", offsetof(struct sec_p1, skeyid) },
		{ "skeyid_d", "SKEYID_d", offsetof(struct sec_p1, skeyid_d) },
		{ "skeyid_a", "SKEYID_a", offsetof(struct sec_p1, skeyid_a) },
		{ "skeyid_e", "SKEYID_e", offsetof(struct sec_p1, skeyid_e) },
		{ "ka", "encryption key Ka", offsetof(struct sec_p1, ka) },
		{ "iv0", "initial IV", offsetof(struct sec_p1, iv0) },
		{ "p1_lastblock", NULL, offsetof(struct sec_p1, lastblock) },
	};
	size_t	k;

	for (k = 0; k < sizeof(map) / sizeof(map[0]); k++)
		if (strcmp(l, map[k].a) == 0 ||
		    (map[k].b != NULL && strcmp(l, map[k].b) == 0))
			return (struct sec_val *)(void *)((char *)p +
			    map[k].off);
	return NULL;
}

/* Quick Mode value labels, for the newest message ID. */
static struct sec_val *
sec_qm_field(struct sec_qm *q, const char *l)
{
	if (strcmp(l, "spi_ir") == 0)
		return &q->spi_ir;
	if (strcmp(l, "keymat_ir") == 0)
		return &q->keymat_ir;
	if (strcmp(l, "spi_ri") == 0)
		return &q->spi_ri;
	if (strcmp(l, "keymat_ri") == 0)
		return &q->keymat_ri;
	if (strcmp(l, "DH secret") == 0 || strcmp(l, "gqm") == 0)
		return &q->gqm;
	if (strcmp(l, "encryption initiator key") == 0)
		return &q->enc_i;
	if (strcmp(l, "integrity initiator key") == 0)
		return &q->int_i;
	if (strcmp(l, "encryption responder key") == 0)
		return &q->enc_r;
	if (strcmp(l, "integrity responder key") == 0)
		return &q->int_r;
	return NULL;
}

/*
 * Parse the text of a secrets file. Lines are LABEL<TAB>HEX, "#" lines
 * are comments, unknown labels are skipped. An icookie line starts a
 * new phase 1 when the current one already has one.
 */
static int
sec_parse(char *text, struct secrets *sec, const char *name, char *err,
    size_t errlen)
{
	struct sec_p1	*p = NULL;
	struct sec_qm	*q = NULL;
	char		*line = text, *eol, *tab;
	const char	*why;
	unsigned int	 lineno = 0, nvals = 0;
	bool		 seen_mid0 = false;

	memset(sec, 0, sizeof(*sec));
	for (; line != NULL && *line != '\0'; line = eol) {
		struct sec_val	 v, *dst;
		char		*label;

		lineno++;
		if ((eol = strchr(line, '\n')) != NULL)
			*eol++ = '\0';
		if (*line != '\0' && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (*line == '#' || *line == '\0')
			continue;
		if ((tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		label = line;
		memset(&v, 0, sizeof(v));
		if (!sec_hex(tab + 1, &v, &why)) {
			snprintf(err, errlen, "%s line %u: '%.60s' %s", name,
			    lineno, label, why);
			return IKE_ESYNTAX;
		}
		v.line = lineno;
		nvals++;
		if (p == NULL || (strcmp(label, "icookie") == 0 &&
		    p->icookie.n > 0)) {
			if (sec->np1 == OP_MAX_SEC_P1) {
				snprintf(err, errlen, "%s line %u: more than "
				    "%d phase 1 SAs", name, lineno,
				    OP_MAX_SEC_P1);
				return IKE_ELIMIT;
			}
			p = &sec->p1[sec->np1++];
			q = NULL;
			seen_mid0 = false;
		}
		if (strcmp(label, "qm_msgid") == 0) {
			if ((q = sec_qm_of(p, val32(&v))) == NULL) {
				snprintf(err, errlen, "%s line %u: more than %d "
				    "message IDs", name, lineno,
				    OP_MAX_SEC_QM);
				return IKE_ELIMIT;
			}
			continue;
		}
		if (strcmp(label, "qm_iv") == 0 ||
		    strncmp(label, "next IV for MID ", 16) == 0) {
			if (label[0] == 'n') {
				unsigned long	mid = strtoul(label + 16,
				    NULL, 10);

				if (mid == 0 && !seen_mid0) {
					p->lastblock = v;
					seen_mid0 = true;
					continue;
				}
				q = sec_qm_of(p, (uint32_t)mid);
			}
			if (q != NULL && q->niv < OP_MAX_IVS)
				q->iv[q->niv++] = v;
			continue;
		}
		if ((dst = sec_p1_field(p, label)) != NULL) {
			*dst = v;
			continue;
		}
		if (q != NULL && (dst = sec_qm_field(q, label)) != NULL)
			*dst = v;
	}
	if (nvals == 0) {
		snprintf(err, errlen, "%s: no 'label<TAB>hex' line: not a "
		    "secrets file (save secrets writes one)", name);
		return IKE_ESYNTAX;
	}
	return IKE_OK;
}

/*
 * Output helpers.
 */

static void
put_hex(FILE *f, const uint8_t *p, size_t n)
{
	size_t	k;

	for (k = 0; k < n; k++)
		fprintf(f, "%02x", p[k]);
}

static void
fmt_addr(const uint8_t *a, char *out, size_t len)
{
	snprintf(out, len, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/*
 * One check: WHAT passed when GOT equals WANT. WANT is what ikelab
 * computed, GOT what the capture (or the secrets file) holds; GOT NULL
 * means there was nothing to compare with (WHY says why), a failure.
 */
static bool
check(struct op *op, const char *what, const uint8_t *want, size_t wlen,
    const uint8_t *got, size_t glen, const char *why)
{
	bool	ok = got != NULL && wlen == glen &&
		    crypto_equal(want, got, wlen);

	if (ok) {
		op->passed++;
		fprintf(op->f, "  passed  %s: ", what);
		put_hex(op->f, want, wlen);
		fputc('\n', op->f);
		return true;
	}
	op->failed++;
	fprintf(op->f, "  FAILED  %s\n            expected ", what);
	if (want != NULL)
		put_hex(op->f, want, wlen);
	else
		fprintf(op->f, "(not computed)");
	fprintf(op->f, "\n            actual   ");
	if (got != NULL)
		put_hex(op->f, got, glen);
	else
		fprintf(op->f, "(none: %s)", why != NULL ? why : "missing");
	fputc('\n', op->f);
	return false;
}

/* One line of the checks list: TAG (8 columns), then the text. */
static void
check_vline(struct op *op, const char *tag, const char *fmt, va_list ap)
{
	fprintf(op->f, "  %-8s", tag);
	vfprintf(op->f, fmt, ap);
	fputc('\n', op->f);
}

/* A check that could not be made at all, counted as failed. */
static void IKE_PRINTF(2, 3)
check_fail(struct op *op, const char *fmt, ...)
{
	va_list	ap;

	op->failed++;
	va_start(ap, fmt);
	check_vline(op, "FAILED", fmt, ap);
	va_end(ap);
}

/*
 * A check that needs a value an earlier step did not give (a message
 * that does not decrypt, keys that are missing): not a failure of its
 * own, but counted and shown, so that the summary adds up.
 */
static void IKE_PRINTF(2, 3)
check_skip(struct op *op, const char *fmt, ...)
{
	va_list	ap;

	op->skipped++;
	va_start(ap, fmt);
	check_vline(op, "skipped", fmt, ap);
	va_end(ap);
}

/* A note in the checks list that is not a check. */
static void IKE_PRINTF(2, 3)
note(struct op *op, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	check_vline(op, "note", fmt, ap);
	va_end(ap);
}

/*
 * Reading and labelling the frames.
 */


static int
op_read_file(struct op *op, char *err, size_t errlen)
{
	FILE	*f;
	long	 n;

	if ((f = cli_fopen_regular(op->path, err, errlen)) == NULL)
		return IKE_ENOENT;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		snprintf(err, errlen, "cannot read '%s': %s", op->path,
		    strerror(errno));
		fclose(f);
		return IKE_ENOENT;
	}
	if ((unsigned long)n > OP_MAX_FILE) {
		snprintf(err, errlen, "'%s' has %ld bytes; at most %u are "
		    "read", op->path, n, OP_MAX_FILE);
		fclose(f);
		return IKE_ELIMIT;
	}
	op->len = (size_t)n;
	if ((op->bytes = malloc(op->len + 1)) == NULL ||
	    fread(op->bytes, 1, op->len, f) != op->len) {
		snprintf(err, errlen, "cannot read '%s'", op->path);
		fclose(f);
		return IKE_ENOENT;
	}
	fclose(f);
	return IKE_OK;
}

/* The exchange a frame belongs to, made when new. */
static int
op_exchange(struct op *op, const struct op_frame *fr)
{
	enum opx_kind	 kind;
	size_t		 k;
	int		 inst = 1;
	struct op_x	*x;

	kind = fr->h.exch == IKE_EXCH_AGGRESSIVE ? OPX_P1 :
	    fr->h.exch == IKE_EXCH_QUICK ? OPX_QM :
	    fr->h.exch == IKE_EXCH_INFO ? OPX_INFO : OPX_OTHER;
	for (k = 0; k < op->nx; k++) {
		x = &op->x[k];
		if (x->kind == kind && x->exch == fr->h.exch &&
		    memcmp(x->icookie, fr->h.icookie, IKE_COOKIE_LEN) == 0 &&
		    (kind == OPX_P1 || x->msgid == fr->h.msgid))
			return (int)k;
		if (x->kind == kind && x->exch == fr->h.exch)
			inst++;
	}
	if (op->nx == OP_MAX_X)
		return -1;
	x = &op->x[op->nx];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->exch = fr->h.exch;
	memcpy(x->icookie, fr->h.icookie, IKE_COOKIE_LEN);
	x->msgid = fr->h.msgid;
	x->inst = inst;
	memcpy(x->starter, fr->pkt.src, 4);
	x->first[0] = x->first[1] = x->first[2] = x->first[3] = -1;
	return (int)op->nx++;
}

/* Label frame K: a resend of an earlier frame, or a new message. */
static void
op_label(struct op *op, size_t k)
{
	struct op_frame	*fr = &op->fr[k];
	struct op_x	*x;
	size_t		 j;
	bool		 zero_r;

	fr->x = -1;
	fr->orig = -1;
	fr->sa = -1;
	if (fr->err[0] != '\0') {
		snprintf(fr->label, sizeof(fr->label), "?");
		return;
	}
	/* A fragment that does not complete its message: op_label_frags. */
	if (fr->is_frag && fr->frag_whole != (int)k)
		return;
	if (fr->pkt.kind != CAP_IKE && fr->pkt.kind != CAP_ESP) {
		snprintf(fr->label, sizeof(fr->label), "-");
		return;
	}
	for (j = 0; j < k; j++) {
		struct op_frame	*o = &op->fr[j];

		if (o->is_frag && o->frag_whole != (int)j)
			continue;
		if (o->orig < 0 && o->pkt.kind == fr->pkt.kind &&
		    o->err[0] == '\0' && o->pkt.len == fr->pkt.len &&
		    memcmp(o->pkt.src, fr->pkt.src, 4) == 0 &&
		    memcmp(o->pkt.dst, fr->pkt.dst, 4) == 0 &&
		    memcmp(o->pkt.data, fr->pkt.data, fr->pkt.len) == 0) {
			fr->orig = (int)j;
			fr->x = o->x;
			fr->msg = o->msg;
			fr->hdr_ok = o->hdr_ok;
			fr->h = o->h;
			o->resends++;
			if (o->resends <= 25)
				snprintf(fr->label, sizeof(fr->label), "%s%c",
				    o->label, 'a' + (int)o->resends);
			else
				snprintf(fr->label, sizeof(fr->label), "%s~%u",
				    o->label, o->resends + 1);
			return;
		}
	}
	if (fr->pkt.kind == CAP_ESP) {
		snprintf(fr->label, sizeof(fr->label), "ESP");
		return;
	}
	if (!fr->hdr_ok) {
		snprintf(fr->label, sizeof(fr->label), "?");
		return;
	}
	if ((fr->x = op_exchange(op, fr)) < 0) {
		snprintf(fr->label, sizeof(fr->label), "?");
		return;
	}
	x = &op->x[fr->x];
	zero_r = memcmp(fr->h.rcookie, "\0\0\0\0\0\0\0\0", 8) == 0;
	switch (x->kind) {
	case OPX_P1:
		if (zero_r)
			memcpy(x->starter, fr->pkt.src, 4);
		fr->msg = zero_r ? 1 :
		    memcmp(fr->pkt.src, x->starter, 4) == 0 ? 3 : 2;
		if (!op->have_i) {
			op->have_i = true;
			memcpy(op->iaddr, fr->msg == 2 ? fr->pkt.dst :
			    fr->pkt.src, 4);
			memcpy(op->raddr, fr->msg == 2 ? fr->pkt.src :
			    fr->pkt.dst, 4);
		}
		sess_label(fr->label, "AG", fr->msg, x->inst);
		break;
	case OPX_QM:
		/*
		 * By direction: the sender of the first message sends QM1
		 * and, once QM2 was seen, QM3; the other side QM2. A message
		 * of QM1's size is a QM1 (a copy that differs, e.g. one
		 * corrupted on the way): QM3 carries only HASH(3) and is
		 * always shorter.
		 */
		if (memcmp(fr->pkt.src, x->starter, 4) != 0)
			fr->msg = 2;
		else if (x->first[2] < 0 || (x->first[1] >= 0 &&
		    op->fr[x->first[1]].pkt.len == fr->pkt.len))
			fr->msg = 1;
		else
			fr->msg = 3;
		sess_label(fr->label, "QM", fr->msg, x->inst);
		break;
	case OPX_INFO:
		fr->msg = x->nmsg < 3 ? x->nmsg + 1 : 3;
		sess_label(fr->label, "INFO", 0, x->inst);
		break;
	default:
		fr->msg = 0;
		snprintf(fr->label, sizeof(fr->label), "X%u", fr->h.exch);
		break;
	}
	x->nmsg++;
	if (fr->msg >= 1 && fr->msg <= 3 && x->first[fr->msg] < 0)
		x->first[fr->msg] = (int)k;
}

/*
 * IKE fragments: collect them per sender, as a receiver would, and put
 * each whole message into the frame of the fragment that completed it.
 */
static void
op_reassemble(struct op *op)
{
	struct frag_set	 set[2];
	uint8_t		 src[2][4];
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct frag	 f;
	size_t		 k, j, s, nsrc = 0;
	int		 rc;

	memset(set, 0, sizeof(set));
	for (k = 0; k < op->n; k++) {
		struct op_frame	*fr = &op->fr[k];

		fr->frag_whole = -1;
		fr->frag_copy = -1;
		if (fr->err[0] != '\0' || fr->pkt.kind != CAP_IKE ||
		    !fr->hdr_ok || fr->h.next != IKE_PLD_FRAG)
			continue;
		fr->is_frag = true;
		if (frag_parse(fr->pkt.data, fr->pkt.len, &f, &dg) != IKE_OK) {
			diag_text(&dg, fr->frag_err, sizeof(fr->frag_err));
			continue;
		}
		fr->frag_num = f.num;
		fr->frag_id = f.id;
		fr->frag_len = fr->pkt.len;
		/* One set per sender (the two peers of a capture). */
		for (s = 0; s < nsrc && memcmp(src[s], fr->pkt.src, 4) != 0;
		    s++)
			;
		if (s == nsrc) {
			if (nsrc == 2) {
				snprintf(fr->frag_err, sizeof(fr->frag_err),
				    "a third sender: not collected");
				continue;
			}
			memcpy(src[nsrc++], fr->pkt.src, 4);
		}
		/* A copy of a fragment of a message already joined. */
		if ((rc = frag_copy_of(&set[s], &f)) >= 0) {
			fr->frag_copy = rc;
			fr->frag_copy_no = op->fr[rc].rec.no;
			fr->frag_whole = op->fr[rc].frag_whole;
			fr->frag_of = op->fr[rc].frag_of;
			continue;
		}
		if (frag_replaces(&set[s], &f))
			frag_clear(&set[s]);
		if ((rc = frag_add(&set[s], &f, (int)k, &dg)) < 0) {
			diag_text(&dg, fr->frag_err, sizeof(fr->frag_err));
			continue;
		}
		if (rc != FRAG_COMPLETE)
			continue;
		for (j = 0; j < FRAG_MAX; j++)
			if (set[s].have & (1u << j)) {
				op->fr[set[s].pkt[j]].frag_whole = (int)k;
				op->fr[set[s].pkt[j]].frag_of = set[s].last;
			}
		if (frag_take(&set[s], &fr->whole) != IKE_OK) {
			snprintf(fr->frag_err, sizeof(fr->frag_err),
			    "out of memory");
			continue;
		}
		fr->pkt.data = fr->whole.p;
		fr->pkt.len = fr->whole.len;
		fr->hdr_ok = pld_hdr_parse(fr->pkt.data, fr->pkt.len, &fr->h,
		    &dg) == IKE_OK;
		if (!fr->hdr_ok) {
			char	why[sizeof(fr->frag_err) - 40];

			diag_text(&dg, why, sizeof(why));
			snprintf(fr->frag_err, sizeof(fr->frag_err), "the "
			    "joined message has a bad ISAKMP header: %s", why);
		}
	}
	frag_clear(&set[0]);
	frag_clear(&set[1]);
}

/* Fragments carry their message's label and [k/n]; see op_reassemble. */
static void
op_label_frags(struct op *op)
{
	struct op_frame	*fr;
	char		 base[TR_LABEL_LEN];
	size_t		 k;
	int		 pass;

	/* The completing frames last: the others read their label. */
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < op->n; k++) {
			fr = &op->fr[k];
			if (!fr->is_frag ||
			    (fr->frag_whole == (int)k) != (pass == 1))
				continue;
			if (fr->frag_whole < 0) {
				snprintf(fr->label, sizeof(fr->label), "FRAG");
				continue;
			}
			snprintf(base, sizeof(base), "%s",
			    op->fr[fr->frag_whole].label);
			snprintf(fr->label, sizeof(fr->label), "%.*s[%u/%u]",
			    (int)(sizeof(fr->label) - 10), base, fr->frag_num,
			    fr->frag_of);
		}
}

/* Read every record; a broken file is an error naming record/offset. */
static int
op_load(struct op *op, char *err, size_t errlen)
{
	struct cap_file	 cf;
	struct cap_rec	 rec;
	struct ike_diag	 dg = IKE_DIAG_INIT;
	size_t		 cap = 0, k;
	int		 rc;

	if (op->len == 0) {
		snprintf(err, errlen, "%s: the file is empty (0 bytes): not "
		    "a pcap or pcapng capture", op->path);
		return IKE_ESHORT;
	}
	if ((rc = cap_open(&cf, op->bytes, op->len, &dg)) != IKE_OK) {
		snprintf(err, errlen, "%s: %s", op->path, dg.msg);
		return rc;
	}
	op->is_ng = cf.is_ng;
	while ((rc = cap_next(&cf, &rec, &dg)) == IKE_OK) {
		struct op_frame	*fr;

		if (op->n == OP_MAX_FRAMES) {
			snprintf(err, errlen, "%s: more than %d frames",
			    op->path, OP_MAX_FRAMES);
			return IKE_ELIMIT;
		}
		if (op->n == cap) {
			struct op_frame	*nf;

			cap = cap ? cap * 2 : 32;
			if ((nf = realloc(op->fr, cap * sizeof(*nf))) == NULL) {
				snprintf(err, errlen, "out of memory");
				return IKE_ENOMEM;
			}
			op->fr = nf;
		}
		fr = &op->fr[op->n++];
		memset(fr, 0, sizeof(*fr));
		fr->rec = rec;
		if (cap_decode(&rec, &fr->pkt, &dg) != IKE_OK)
			snprintf(fr->err, sizeof(fr->err), "%s", dg.msg);
		else if (fr->pkt.kind == CAP_IKE)
			fr->hdr_ok = pld_hdr_parse(fr->pkt.data, fr->pkt.len,
			    &fr->h, NULL) == IKE_OK;
	}
	if (rc != IKE_ENOENT) {
		snprintf(err, errlen, "%s: %s", op->path, dg.msg);
		return rc;
	}
	if (op->n == 0) {
		snprintf(err, errlen, "%s: no packets in the capture",
		    op->path);
		return IKE_ENOENT;
	}
	op_reassemble(op);
	for (k = 0; k < op->n; k++)
		op_label(op, k);
	op_label_frags(op);
	return IKE_OK;
}

/* "i>r", "r>i" or "?" for a frame. */
static const char *
op_dir(const struct op *op, const struct op_frame *fr)
{
	if (!op->have_i)
		return "?";
	if (memcmp(fr->pkt.src, op->iaddr, 4) == 0)
		return "i>r";
	if (memcmp(fr->pkt.src, op->raddr, 4) == 0)
		return "r>i";
	return "?";
}

/* What a frame is, in a few words. */
static void
op_what(const struct op_frame *fr, char *out, size_t len)
{
	const char	*name;

	if (fr->err[0] != '\0') {
		snprintf(out, len, "undecodable: %s", fr->err);
		return;
	}
	switch (fr->pkt.kind) {
	case CAP_IKE:
		if (fr->is_frag && fr->frag_err[0] != '\0') {
			snprintf(out, len, "IKE fragment%s: %s",
			    fr->whole.len > 0 ? " that completes its message" :
			    ", not taken", fr->frag_err);
			return;
		}
		if (fr->is_frag && fr->frag_copy >= 0) {
			snprintf(out, len, "IKE fragment %u of %u (ID %u), "
			    "%zu bytes: a copy of frame %u, whose message is "
			    "joined already", fr->frag_num, fr->frag_of,
			    fr->frag_id, fr->pkt.len,
			    fr->frag_copy_no);
			return;
		}
		if (fr->is_frag && fr->frag_whole < 0) {
			snprintf(out, len, "IKE fragment %u (ID %u), %zu "
			    "bytes: its message is not complete in the "
			    "capture", fr->frag_num, fr->frag_id, fr->pkt.len);
			return;
		}
		if (fr->is_frag && fr->whole.len == 0) {
			snprintf(out, len, "IKE fragment %u of %u (ID %u), "
			    "%zu bytes, UDP %u", fr->frag_num, fr->frag_of,
			    fr->frag_id, fr->pkt.len, fr->pkt.dport);
			return;
		}
		if (!fr->hdr_ok) {
			snprintf(out, len, "UDP %u, %zu bytes, not an ISAKMP "
			    "header", fr->pkt.dport, fr->pkt.len);
			return;
		}
		name = ike_exch_name(fr->h.exch);
		if (fr->whole.len > 0) {
			snprintf(out, len, "IKE fragment %u of %u (ID "
			    "%u), %zu bytes, completes %s%s, %zu bytes, "
			    "UDP %u", fr->frag_num, fr->frag_of, fr->frag_id,
			    fr->frag_len, name != NULL ? name : "exchange ?",
			    fr->h.flags & IKE_FLAG_ENC ? " (encrypted)" : "",
			    fr->pkt.len, fr->pkt.dport);
			return;
		}
		snprintf(out, len, "%s%s, %zu bytes, UDP %u%s",
		    name != NULL ? name : "exchange ?",
		    fr->h.flags & IKE_FLAG_ENC ? " (encrypted)" : "",
		    fr->pkt.len, fr->pkt.dport,
		    fr->pkt.natt ? " (non-ESP marker)" : "");
		return;
	case CAP_ESP:
		if (fr->pkt.len >= 8)
			snprintf(out, len, "ESP SPI 0x%08x seq %u, %zu bytes, "
			    "%s", be32(fr->pkt.data), be32(fr->pkt.data + 4),
			    fr->pkt.len, fr->pkt.natt ? "UDP 4500" :
			    "IP protocol 50");
		else
			snprintf(out, len, "ESP, %zu bytes (too short)",
			    fr->pkt.len);
		return;
	case CAP_KEEPALIVE:
		snprintf(out, len, "NAT-T keepalive");
		return;
	case CAP_UDP:
		snprintf(out, len, "UDP %u > %u, not IKE", fr->pkt.sport,
		    fr->pkt.dport);
		return;
	case CAP_FRAGMENT:
		snprintf(out, len, "IPv4 fragment (not reassembled)");
		return;
	case CAP_IPV4:
		snprintf(out, len, "IPv4 protocol %u, not IKE", fr->pkt.proto);
		return;
	default:
		snprintf(out, len, "not IPv4");
		return;
	}
}

/* Time of frame K since the first frame, in ms. */
static uint64_t
op_ms(const struct op *op, size_t k)
{
	uint64_t	t0 = op->fr[0].rec.ts_ns, t = op->fr[k].rec.ts_ns;

	return t >= t0 ? (t - t0) / 1000000 : 0;
}

static void
op_list(struct op *op)
{
	char	 a[16], b[16], what[256];
	size_t	 k;

	fprintf(op->f, "capture %s: %s, %zu frame%s\n", op->path,
	    op->is_ng ? "pcapng" : "pcap", op->n, op->n == 1 ? "" : "s");
	if (op->have_i) {
		fmt_addr(op->iaddr, a, sizeof(a));
		fmt_addr(op->raddr, b, sizeof(b));
		fprintf(op->f, "initiator %s, responder %s\n", a, b);
	}
	fprintf(op->f, "frame      time  dir  label   what\n");
	for (k = 0; k < op->n; k++) {
		const struct op_frame	*fr = &op->fr[k];

		op_what(fr, what, sizeof(what));
		fprintf(op->f, "%5u %6" PRIu64 " ms  %-3s  %-7s %s",
		    fr->rec.no, op_ms(op, k), op_dir(op, fr), fr->label, what);
		if (fr->orig >= 0)
			fprintf(op->f, "; resend of frame %u",
			    op->fr[fr->orig].rec.no);
		fputc('\n', op->f);
	}
}

#define LD_TIME_W	9
#define LD_I		11
#define LD_R		46
#define LD_WIDTH	80

/*
 * Print ROW with NOTE right of R's lifeline; a note too long for the
 * row goes on at word breaks in rows of its own under it.
 */
static void
ladder_note(FILE *f, char *row, const char *note)
{
	const size_t	 w = LD_WIDTH - LD_R - 2;
	size_t		 n, cut;

	do {
		n = strlen(note);
		cut = n;
		if (n > w) {
			for (cut = w; cut > 0 && note[cut] != ' '; cut--)
				;
			if (cut == 0)
				cut = w;
		}
		memcpy(row + LD_R + 2, note, cut);
		row[LD_R + 2 + cut] = '\0';
		for (n = strlen(row); n > 0 && row[n - 1] == ' '; n--)
			row[n - 1] = '\0';
		fprintf(f, "%s\n", row);
		note += cut;
		while (*note == ' ')
			note++;
		/* The next rows: only the two lifelines. */
		memset(row, ' ', LD_WIDTH);
		row[LD_WIDTH] = '\0';
		row[LD_I] = '|';
		row[LD_R] = '|';
	} while (*note != '\0');
}

/* The frames as a sequence diagram, one arrow per IKE or ESP frame. */
static void
op_ladder(struct op *op)
{
	char	 row[LD_WIDTH + 1], t[32], tag[40];
	size_t	 k, n;
	int	 at;

	if (!op->have_i)
		return;
	fprintf(op->f, "\n     time  I%*sR\n", LD_R - LD_I - 1, "");
	for (k = 0; k < op->n; k++) {
		const struct op_frame	*fr = &op->fr[k];
		const char		*d = op_dir(op, fr);
		bool			 ir = strcmp(d, "i>r") == 0;

		if (strcmp(d, "?") == 0 || fr->label[0] == '-')
			continue;
		memset(row, ' ', LD_WIDTH);
		row[LD_WIDTH] = '\0';
		/* The time column holds 9 characters: ms, then s. */
		if (op_ms(op, k) < 1000000)
			snprintf(t, sizeof(t), "%" PRIu64 " ms", op_ms(op, k));
		else if (op_ms(op, k) / 1000 < 10000000)
			snprintf(t, sizeof(t), "%" PRIu64 " s",
			    op_ms(op, k) / 1000);
		else
			snprintf(t, sizeof(t), "later");
		if (k == 0 || op_ms(op, k) != op_ms(op, k - 1))
			memcpy(row + LD_TIME_W - strlen(t), t, strlen(t));
		for (at = LD_I + 1; at < LD_R; at++)
			row[at] = '-';
		row[LD_I] = '|';
		row[LD_R] = '|';
		snprintf(tag, sizeof(tag), " %s #%u ", fr->label, fr->rec.no);
		n = strlen(tag);
		if (n > LD_R - LD_I - 5)	/* room between the arrow ends */
			n = LD_R - LD_I - 5;
		if (ir) {
			memcpy(row + LD_I + 3, tag, n);
			row[LD_R - 1] = '>';
		} else {
			memcpy(row + LD_R - 3 - n, tag, n);
			row[LD_I + 1] = '<';
		}
		ladder_note(op->f, row, fr->note);
	}
}

/*
 * Keys and checks.
 */

/* The first payload of TYPE in C (NTH 0-based), or NULL. */
static const struct pld_ref *
nth_pld(const struct pld_chain *c, uint8_t type, int nth)
{
	size_t	k;

	for (k = 0; k < c->n; k++)
		if (c->p[k].type == type && nth-- == 0)
			return &c->p[k];
	return NULL;
}

/* Parse the clear chain of frame index K into C. */
static bool
clear_chain(const struct op *op, int k, struct pld_chain *c)
{
	const struct op_frame	*fr;

	if (k < 0)
		return false;
	fr = &op->fr[k];
	return fr->hdr_ok && !(fr->h.flags & IKE_FLAG_ENC) &&
	    pld_chain_parse(fr->pkt.data + IKE_HDR_LEN, fr->pkt.len -
	    IKE_HDR_LEN, IKE_HDR_LEN, fr->h.next, c, NULL) == IKE_OK;
}

/*
 * Decrypt frame K with KEYS and IV into its PLAIN and parse the chain
 * into C; LAST gets the last ciphertext block. Resent copies share the
 * original's plaintext. False when it does not decrypt to payloads.
 */
static bool
decrypt_frame(struct op *op, int k, const struct p1_keys *keys,
    const uint8_t *iv, struct pld_chain *c, uint8_t *last, char *why,
    size_t whylen)
{
	struct op_frame	*fr = &op->fr[k];
	struct ike_diag	 dg = IKE_DIAG_INIT;

	fr->dec = false;
	if (!fr->hdr_ok || fr->pkt.len <= IKE_HDR_LEN) {
		snprintf(why, whylen, "no encrypted body");
		return false;
	}
	if (keys_decrypt(keys, iv, fr->pkt.data + IKE_HDR_LEN, fr->pkt.len -
	    IKE_HDR_LEN, &fr->plain, last, &dg) != IKE_OK) {
		snprintf(why, whylen, "%s", dg.msg);
		return false;
	}
	if (pld_chain_parse(fr->plain.p, fr->plain.len, IKE_HDR_LEN,
	    fr->h.next, c, &dg) != IKE_OK) {
		snprintf(why, whylen, "it does not decrypt to payloads "
		    "(%s): wrong key?", dg.msg);
		return false;
	}
	if (c->n == 0 || c->p[0].type != IKE_PLD_HASH) {
		snprintf(why, whylen, "decrypted, but the first payload is "
		    "not HASH");
		return false;
	}
	fr->dec = true;
	return true;
}

/* Bytes after the first (HASH) payload up to the end of the chain. */
static const uint8_t *
after_hash(const struct op_frame *fr, const struct pld_chain *c,
    size_t *len)
{
	size_t	from = c->p[0].off + c->p[0].len - IKE_HDR_LEN;

	*len = c->end - IKE_HDR_LEN - from;
	return fr->plain.p + from;
}

/* The secrets' phase 1 for ICOOKIE (or the only one without cookie). */
static struct sec_p1 *
sec_for(struct secrets *sec, const uint8_t *icookie)
{
	size_t	k;

	if (sec == NULL)
		return NULL;
	for (k = 0; k < sec->np1; k++)
		if (sec->p1[k].icookie.n == IKE_COOKIE_LEN &&
		    memcmp(sec->p1[k].icookie.p, icookie, 8) == 0)
			return &sec->p1[k];
	if (sec->np1 == 1 && sec->p1[0].icookie.n == 0)
		return &sec->p1[0];
	return NULL;
}

/* Compare a computed value with the file's line, when the file has it. */
static void
check_sec(struct op *op, const char *what, const uint8_t *mine, size_t n,
    const struct sec_val *v)
{
	if (v->n > 0)
		check(op, what, mine, n, v->p, v->n, NULL);
}

/* The IV lines of message ID MSGID in the file, compared in order. */
static void
check_ivs(struct op *op, struct sec_p1 *sp, const char *xl, uint32_t msgid,
    uint8_t ivs[][CRYPTO_MAX_BLOCK], size_t nivs, size_t blen)
{
	struct sec_qm	*q = NULL;
	char		 what[96];
	size_t		 k;

	for (k = 0; sp != NULL && k < sp->nqm; k++)
		if (sp->qm[k].msgid == msgid)
			q = &sp->qm[k];
	if (q == NULL)
		return;
	for (k = 0; k < q->niv; k++) {
		if (k < nivs)
			snprintf(what, sizeof(what), "%s IV %zu of message ID "
			    "%08x (secrets file line %u)", xl, k + 1, msgid,
			    q->iv[k].line);
		else {
			note(op, "%s: IV line %zu of message ID %08x not "
			    "checked (no message for it in the capture)", xl,
			    k + 1, msgid);
			continue;
		}
		check(op, what, ivs[k], blen, q->iv[k].p, q->iv[k].n, NULL);
	}
}

/* Everything the checks of one phase 1 share. */
struct p1ctx {
	struct op_x		*x;
	struct sec_p1		*sp;
	struct p1_inputs	 in;
	struct p1_keys		 k;
	bool			 have_keys;
	uint8_t			 last[CRYPTO_MAX_BLOCK];
	bool			 have_last;
	uint8_t			 gxi[CRYPTO_MAX_PRIME], gxr[CRYPTO_MAX_PRIME];
};

/* Add an ESP SA from a Quick Mode, when its keys are known. */
static void
add_sa(struct op *op, int qm, bool ir, uint32_t spi,
    const struct p2_prop *prop, const uint8_t *km, size_t km_len,
    const char *src)
{
	struct op_sa	*s;
	struct ike_diag	 dg = IKE_DIAG_INIT;

	if (op->nsa == OP_MAX_SAS)
		return;
	s = &op->sas[op->nsa];
	if (esp_sa_init(&s->sa, spi, prop, km, km_len, &dg) != IKE_OK) {
		note(op, "ESP SA 0x%08x: %s", spi, dg.msg);
		return;
	}
	s->ir = ir;
	s->qm = qm;
	snprintf(s->src, sizeof(s->src), "%s", src);
	op->nsa++;
}

/* Phase 1: keys, HASH_R, AG3 and HASH_I. */
static void
check_p1(struct op *op, struct p1ctx *c)
{
	struct pld_chain	 c1, c2, c3;
	const struct pld_ref	*r, *sa1, *id1, *id2, *ke1, *ke2, *n1, *n2,
				*hr;
	struct pld_sa		 sa;
	struct p1_prop		 pp;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	uint8_t			 out[CRYPTO_MAX_HASH];
	char			 what[96], why[200];
	int			 f1 = c->x->first[1], f2 = c->x->first[2],
				 f3 = c->x->first[3];
	size_t			 glen;

	fprintf(op->f, "phase 1 (Aggressive Mode), initiator cookie ");
	put_hex(op->f, c->x->icookie, 8);
	fputc('\n', op->f);
	if (!clear_chain(op, f1, &c1) || !clear_chain(op, f2, &c2)) {
		check_fail(op, "phase 1: the capture lacks a clear AG1 and "
		    "AG2, so no key can be computed");
		return;
	}
	sa1 = nth_pld(&c1, IKE_PLD_SA, 0);
	ke1 = nth_pld(&c1, IKE_PLD_KE, 0);
	n1 = nth_pld(&c1, IKE_PLD_NONCE, 0);
	id1 = nth_pld(&c1, IKE_PLD_ID, 0);
	ke2 = nth_pld(&c2, IKE_PLD_KE, 0);
	n2 = nth_pld(&c2, IKE_PLD_NONCE, 0);
	id2 = nth_pld(&c2, IKE_PLD_ID, 0);
	hr = nth_pld(&c2, IKE_PLD_HASH, 0);
	r = nth_pld(&c2, IKE_PLD_SA, 0);
	if (sa1 == NULL || ke1 == NULL || n1 == NULL || id1 == NULL ||
	    ke2 == NULL || n2 == NULL || id2 == NULL || r == NULL) {
		check_fail(op, "phase 1: AG1 or AG2 lacks SA, KE, nonce or ID");
		return;
	}
	if (pld_sa_parse(r, &sa, &dg) != IKE_OK || sa.nprop < 1 ||
	    sa.prop[0].nxf < 1 ||
	    pld_p1_from_xform(&sa.prop[0].xf[0], &pp, &dg) != IKE_OK) {
		check_fail(op, "phase 1: AG2's SA: %s", dg.msg);
		return;
	}
	glen = crypto_group_len(pp.group);
	if (glen == 0 || ke1->body_len > glen || ke2->body_len > glen) {
		check_fail(op, "phase 1: MODP group %u with KE payloads of "
		    "%zu and %zu bytes", pp.group, ke1->body_len,
		    ke2->body_len);
		return;
	}
	/* KE bodies are left-padded to the prime's length. */
	memset(c->gxi, 0, sizeof(c->gxi));
	memset(c->gxr, 0, sizeof(c->gxr));
	memcpy(c->gxi + glen - ke1->body_len, ke1->body, ke1->body_len);
	memcpy(c->gxr + glen - ke2->body_len, ke2->body, ke2->body_len);
	c->in.ni = n1->body;
	c->in.ni_len = n1->body_len;
	c->in.nr = n2->body;
	c->in.nr_len = n2->body_len;
	c->in.gxi = c->gxi;
	c->in.gxr = c->gxr;
	c->in.glen = glen;
	c->in.icookie = op->fr[f2].h.icookie;
	c->in.rcookie = op->fr[f2].h.rcookie;

	if (c->sp == NULL || c->sp->gxy.n == 0) {
		check_fail(op, "phase 1: no g^xy for this initiator cookie in "
		    "the secrets (label gxy or 'shared Diffie Hellman "
		    "secret'): nothing can be decrypted");
		return;
	}
	if (c->sp->gxy.n != glen) {
		check_fail(op, "phase 1: g^xy in the secrets has %zu bytes; "
		    "group %u needs %zu", c->sp->gxy.n, pp.group, glen);
		return;
	}
	c->in.gxy = c->sp->gxy.p;
	if (op->psk != NULL) {
		c->in.psk = (const uint8_t *)op->psk;
		c->in.psk_len = strlen(op->psk);
		if (keys_p1(pp.hash, pp.enc, pp.keylen, &c->in, &c->k,
		    &dg) != IKE_OK) {
			check_fail(op, "phase 1: %s", dg.msg);
			return;
		}
		note(op, "keys: SKEYID from the PSK given with --psk, the "
		    "chain from g^xy and the nonces");
		check_sec(op, "SKEYID (secrets file)", c->k.skeyid, c->k.hlen,
		    &c->sp->skeyid);
	} else {
		if (c->sp->skeyid.n == 0) {
			check_fail(op, "phase 1: the secrets have no SKEYID "
			    "(give --psk to compute it)");
			return;
		}
		/* keys_p1 sets lengths and IV0; SKEYID is replaced. */
		c->in.psk = (const uint8_t *)"";
		if (keys_p1(pp.hash, pp.enc, pp.keylen, &c->in, &c->k,
		    &dg) != IKE_OK) {
			check_fail(op, "phase 1: %s", dg.msg);
			return;
		}
		if (c->sp->skeyid.n != c->k.hlen) {
			check_fail(op, "phase 1: SKEYID in the secrets has %zu "
			    "bytes; the prf gives %zu", c->sp->skeyid.n,
			    c->k.hlen);
			return;
		}
		memcpy(c->k.skeyid, c->sp->skeyid.p, c->k.hlen);
		if (keys_p1_chain(&c->k, &c->in) != IKE_OK) {
			check_fail(op, "phase 1: key derivation failed");
			return;
		}
		note(op, "keys: SKEYID from the secrets file, the chain from "
		    "g^xy and the cookies");
	}
	c->have_keys = true;
	check_sec(op, "SKEYID_d (secrets file)", c->k.skeyid_d, c->k.hlen,
	    &c->sp->skeyid_d);
	check_sec(op, "SKEYID_a (secrets file)", c->k.skeyid_a, c->k.hlen,
	    &c->sp->skeyid_a);
	check_sec(op, "SKEYID_e (secrets file)", c->k.skeyid_e, c->k.hlen,
	    &c->sp->skeyid_e);
	check_sec(op, "Ka (secrets file)", c->k.ka, c->k.klen, &c->sp->ka);
	check_sec(op, "IV0 = hash(g^xi | g^xr) (secrets file)", c->k.iv0,
	    c->k.blen, &c->sp->iv0);

	/* HASH_R in AG2. */
	snprintf(what, sizeof(what), "HASH_R in %s (frame %u)",
	    op->fr[f2].label, op->fr[f2].rec.no);
	if (keys_hash_ir(&c->k, &c->in, false, sa1->body, sa1->body_len,
	    id2->body, id2->body_len, out) != IKE_OK)
		check_fail(op, "%s: cannot compute", what);
	else
		check(op, what, out, c->k.hlen, hr ? hr->body : NULL,
		    hr ? hr->body_len : 0, "AG2 has no HASH payload");

	/* AG3: HASH_I, and the last phase 1 block. */
	if (keys_hash_ir(&c->k, &c->in, true, sa1->body, sa1->body_len,
	    id1->body, id1->body_len, out) != IKE_OK) {
		check_fail(op, "HASH_I: cannot compute");
		return;
	}
	if (f3 < 0) {
		check_fail(op, "HASH_I: the capture has no AG3");
		if (c->sp->lastblock.n == c->k.blen) {
			memcpy(c->last, c->sp->lastblock.p, c->k.blen);
			c->have_last = true;
			note(op, "later IVs start from the secrets' last phase "
			    "1 block");
		}
		return;
	}
	snprintf(what, sizeof(what), "HASH_I in %s (frame %u)",
	    op->fr[f3].label, op->fr[f3].rec.no);
	if (op->fr[f3].h.flags & IKE_FLAG_ENC) {
		if (!decrypt_frame(op, f3, &c->k, c->k.iv0, &c3, c->last, why,
		    sizeof(why))) {
			check(op, what, out, c->k.hlen, NULL, 0, why);
			/* The block is still the ciphertext's last. */
			c->have_last = op->fr[f3].pkt.len >= IKE_HDR_LEN +
			    c->k.blen;
			return;
		}
		r = &c3.p[0];
	} else {
		if (!clear_chain(op, f3, &c3) ||
		    (r = nth_pld(&c3, IKE_PLD_HASH, 0)) == NULL) {
			check(op, what, out, c->k.hlen, NULL, 0,
			    "AG3 has no HASH payload");
			return;
		}
		/* A clear AG3 leaves IV0 as the last block (ikelab's and
		 * RFC 2409's reading; daemons encrypt AG3). */
		memcpy(c->last, c->k.iv0, c->k.blen);
		note(op, "AG3 is not encrypted: Quick Mode IVs start from IV0");
	}
	check(op, what, out, c->k.hlen, r->body, r->body_len, NULL);
	c->have_last = true;
	check_sec(op, "last phase 1 CBC block (secrets file)", c->last,
	    c->k.blen, &c->sp->lastblock);
}

/* A Quick Mode exchange: IVs, HASH(1), HASH(2), HASH(3), KEYMAT. */
static void
check_qm(struct op *op, struct p1ctx *c, int xi)
{
	struct op_x		*x = &op->x[xi];
	struct pld_chain	 ch[4];
	bool			 ok[4] = { false, false, false, false };
	uint8_t			 ivs[OP_MAX_IVS][CRYPTO_MAX_BLOCK];
	uint8_t			 out[CRYPTO_MAX_HASH], iv[CRYPTO_MAX_BLOCK];
	uint8_t			 km_ir[96], km_ri[96];
	char			 what[96], why[4][200];
	size_t			 niv = 0, len;
	const uint8_t		*rest;
	const struct pld_ref	*ni = NULL, *nr = NULL, *sa1, *sa2, *ke;
	struct pld_sa		 sa;
	struct p2_prop		 prop;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	struct sec_qm		*sq = NULL;
	uint32_t		 spi_i = 0, spi_r = 0;
	size_t			 kmlen, k;
	int			 m;
	char			 xl[TR_LABEL_LEN];

	sess_label(xl, "QM", 0, x->inst);
	fprintf(op->f, "%s, message ID %08x\n", xl, x->msgid);
	if (keys_exch_iv(&c->k, c->last, x->msgid, iv) != IKE_OK)
		return;
	for (m = 1; m <= 3; m++) {
		int	f = x->first[m];

		if (f < 0)
			continue;
		memcpy(ivs[niv++], iv, c->k.blen);
		if (!(op->fr[f].h.flags & IKE_FLAG_ENC)) {
			snprintf(why[m], sizeof(why[m]), "the message is not "
			    "encrypted");
			continue;
		}
		ok[m] = decrypt_frame(op, f, &c->k, iv, &ch[m], iv, why[m],
		    sizeof(why[m]));
	}
	memcpy(ivs[niv++], iv, c->k.blen);	/* after the last message */
	if (ok[1])
		ni = nth_pld(&ch[1], IKE_PLD_NONCE, 0);
	if (ok[2])
		nr = nth_pld(&ch[2], IKE_PLD_NONCE, 0);
	for (m = 1; m <= 3; m++) {
		const struct op_frame	*fr;

		if (x->first[m] < 0)
			continue;
		fr = &op->fr[x->first[m]];
		snprintf(what, sizeof(what), "HASH(%d) in %s (frame %u)", m,
		    fr->label, fr->rec.no);
		if (!ok[m]) {
			/* The key does not open it: the hash fails with it. */
			check_fail(op, "%s: cannot be verified: %s", what,
			    why[m]);
			continue;
		}
		rest = after_hash(fr, &ch[m], &len);
		if (m == 1)
			(void)keys_qm_hash1(&c->k, x->msgid, rest, len, out);
		else if (ni == NULL || (m == 3 && nr == NULL)) {
			check_skip(op, "%s: needs the nonces of QM1/QM2",
			    what);
			continue;
		} else if (m == 2)
			(void)keys_qm_hash2(&c->k, x->msgid, ni->body,
			    ni->body_len, rest, len, out);
		else
			(void)keys_qm_hash3(&c->k, x->msgid, ni->body,
			    ni->body_len, nr->body, nr->body_len, out);
		check(op, what, out, c->k.hlen, ch[m].p[0].body,
		    ch[m].p[0].body_len, NULL);
	}
	check_ivs(op, c->sp, xl, x->msgid, ivs, niv, c->k.blen);

	/* The ESP SAs: SPIs from the SA payloads, transform from QM2. */
	for (k = 0; c->sp != NULL && k < c->sp->nqm; k++)
		if (c->sp->qm[k].msgid == x->msgid)
			sq = &c->sp->qm[k];
	if (!ok[1] || !ok[2] || ni == NULL || nr == NULL ||
	    (sa1 = nth_pld(&ch[1], IKE_PLD_SA, 0)) == NULL ||
	    (sa2 = nth_pld(&ch[2], IKE_PLD_SA, 0)) == NULL) {
		note(op, "%s: no ESP keys (QM1 and QM2 did not decrypt)", xl);
		return;
	}
	if (pld_sa_parse(sa1, &sa, &dg) != IKE_OK || sa.nprop < 1 ||
	    sa.prop[0].spi_size != 4) {
		note(op, "%s: QM1's SA has no 4-byte SPI", xl);
		return;
	}
	spi_i = be32(sa.prop[0].spi);
	if (pld_sa_parse(sa2, &sa, &dg) != IKE_OK || sa.nprop < 1 ||
	    sa.prop[0].spi_size != 4 || sa.prop[0].nxf < 1 ||
	    pld_p2_from_xform(&sa.prop[0].xf[0], &prop, &dg) != IKE_OK) {
		note(op, "%s: QM2's SA: %s", xl, dg.msg);
		return;
	}
	spi_r = be32(sa.prop[0].spi);
	fprintf(op->f, "  ESP SAs: i>r SPI 0x%08x, r>i SPI 0x%08x\n", spi_r,
	    spi_i);
	kmlen = esp_keymat_len(&prop);
	if (kmlen == 0 || kmlen > sizeof(km_ir)) {
		note(op, "%s: ESP transform %u is not supported", xl,
		    prop.esp_id);
		return;
	}
	if (sq != NULL && sq->spi_ir.n > 0) {
		uint8_t	b[4] = { (uint8_t)(spi_r >> 24),
		    (uint8_t)(spi_r >> 16), (uint8_t)(spi_r >> 8),
		    (uint8_t)spi_r };

		check(op, "spi_ir (secrets file)", b, 4, sq->spi_ir.p,
		    sq->spi_ir.n, NULL);
	}
	if (sq != NULL && sq->spi_ri.n > 0) {
		uint8_t	b[4] = { (uint8_t)(spi_i >> 24),
		    (uint8_t)(spi_i >> 16), (uint8_t)(spi_i >> 8),
		    (uint8_t)spi_i };

		check(op, "spi_ri (secrets file)", b, 4, sq->spi_ri.p,
		    sq->spi_ri.n, NULL);
	}
	ke = nth_pld(&ch[1], IKE_PLD_KE, 0);
	if (ke != NULL && (sq == NULL || sq->gqm.n == 0)) {
		/* PFS without its secret: only the file's KEYMAT. */
		if (op->psk == NULL && sq != NULL && sq->keymat_ir.n >= kmlen &&
		    sq->keymat_ri.n >= kmlen) {
			note(op, "%s: PFS and no Quick Mode DH secret in the "
			    "secrets: KEYMAT taken from the file", xl);
			add_sa(op, xi, true, spi_r, &prop, sq->keymat_ir.p,
			    kmlen, "secrets file");
			add_sa(op, xi, false, spi_i, &prop, sq->keymat_ri.p,
			    kmlen, "secrets file");
		} else
			note(op, "%s: PFS and no Quick Mode DH secret ('DH "
			    "secret'): KEYMAT unknown", xl);
		return;
	}
	if (keys_keymat(&c->k, ke != NULL ? sq->gqm.p : NULL,
	    ke != NULL ? sq->gqm.n : 0, IKE_PROTO_ESP, spi_r, ni->body,
	    ni->body_len, nr->body, nr->body_len, km_ir, kmlen) != IKE_OK ||
	    keys_keymat(&c->k, ke != NULL ? sq->gqm.p : NULL,
	    ke != NULL ? sq->gqm.n : 0, IKE_PROTO_ESP, spi_i, ni->body,
	    ni->body_len, nr->body, nr->body_len, km_ri, kmlen) != IKE_OK) {
		note(op, "%s: KEYMAT computation failed", xl);
		return;
	}
	if (sq != NULL) {
		uint8_t		 split[96];

		check_sec(op, "KEYMAT i>r (secrets file)", km_ir, kmlen,
		    &sq->keymat_ir);
		check_sec(op, "KEYMAT r>i (secrets file)", km_ri, kmlen,
		    &sq->keymat_ri);
		/* strongSwan logs the two keys of each direction apart. */
		if (sq->enc_i.n > 0 && sq->int_i.n > 0 &&
		    sq->enc_i.n + sq->int_i.n == kmlen) {
			memcpy(split, sq->enc_i.p, sq->enc_i.n);
			memcpy(split + sq->enc_i.n, sq->int_i.p, sq->int_i.n);
			check(op, "KEYMAT i>r (encryption and integrity "
			    "initiator key)", km_ir, kmlen, split, kmlen, NULL);
		}
		if (sq->enc_r.n > 0 && sq->int_r.n > 0 &&
		    sq->enc_r.n + sq->int_r.n == kmlen) {
			memcpy(split, sq->enc_r.p, sq->enc_r.n);
			memcpy(split + sq->enc_r.n, sq->int_r.p, sq->int_r.n);
			check(op, "KEYMAT r>i (encryption and integrity "
			    "responder key)", km_ri, kmlen, split, kmlen, NULL);
		}
		crypto_wipe(split, sizeof(split));
	}
	add_sa(op, xi, true, spi_r, &prop, km_ir, kmlen, "computed");
	add_sa(op, xi, false, spi_i, &prop, km_ri, kmlen, "computed");
	crypto_wipe(km_ir, sizeof(km_ir));
	crypto_wipe(km_ri, sizeof(km_ri));
}

/* An Informational exchange: IV and HASH(1). */
static void
check_info(struct op *op, struct p1ctx *c, int xi)
{
	struct op_x		*x = &op->x[xi];
	struct pld_chain	 ch;
	uint8_t			 ivs[2][CRYPTO_MAX_BLOCK], out[CRYPTO_MAX_HASH];
	char			 what[96], why[200], xl[TR_LABEL_LEN];
	const struct op_frame	*fr;
	const uint8_t		*rest;
	size_t			 len;
	int			 f = x->first[1];

	sess_label(xl, "INFO", 0, x->inst);
	if (f < 0)
		return;
	fr = &op->fr[f];
	fprintf(op->f, "%s, message ID %08x\n", xl, x->msgid);
	if (!(fr->h.flags & IKE_FLAG_ENC)) {
		note(op, "%s (frame %u) is not encrypted: it carries no hash "
		    "(sent before phase 1 completed)", xl, fr->rec.no);
		return;
	}
	if (keys_exch_iv(&c->k, c->last, x->msgid, ivs[0]) != IKE_OK)
		return;
	snprintf(what, sizeof(what), "HASH(1) in %s (frame %u)", fr->label,
	    fr->rec.no);
	if (!decrypt_frame(op, f, &c->k, ivs[0], &ch, ivs[1], why,
	    sizeof(why))) {
		check_fail(op, "%s: cannot be verified: %s", what, why);
		check_ivs(op, c->sp, xl, x->msgid, ivs, 2, c->k.blen);
		return;
	}
	rest = after_hash(fr, &ch, &len);
	(void)keys_qm_hash1(&c->k, x->msgid, rest, len, out);
	check(op, what, out, c->k.hlen, ch.p[0].body, ch.p[0].body_len, NULL);
	check_ivs(op, c->sp, xl, x->msgid, ivs, 2, c->k.blen);
}

/* Every ESP frame: SA by SPI, ICV, decryption, replays. */
static void
check_esp(struct op *op)
{
	size_t	k, j;
	bool	any = false;

	for (k = 0; k < op->n; k++) {
		struct op_frame		*fr = &op->fr[k];
		struct ike_diag		 dg = IKE_DIAG_INIT;
		struct esp_info		 info;
		const struct esp_sa	*sa = NULL;
		uint32_t		 spi, seq;
		char			 what[96], t[96];
		uint8_t			 icv[CRYPTO_MAX_HASH];
		struct ciov		 v;

		if (fr->pkt.kind != CAP_ESP || fr->err[0] != '\0')
			continue;
		if (!any)
			fprintf(op->f, "ESP\n");
		any = true;
		if (esp_peek(fr->pkt.data, fr->pkt.len, &spi, &seq, &dg) !=
		    IKE_OK) {
			check_fail(op, "ESP (frame %u): %s", fr->rec.no,
			    dg.msg);
			continue;
		}
		for (j = 0; j < op->nsa && sa == NULL; j++)
			if (op->sas[j].sa.spi == spi) {
				sa = &op->sas[j].sa;
				fr->sa = (int)j;
			}
		if (sa == NULL) {
			check_skip(op, "ICV of ESP (frame %u) SPI 0x%08x seq "
			    "%u: no keys for this SPI",
			    fr->rec.no, spi, seq);
			snprintf(fr->note, sizeof(fr->note), "SPI %08x seq %u",
			    spi, seq);
			continue;
		}
		snprintf(what, sizeof(what), "ICV of ESP (frame %u) SPI "
		    "0x%08x seq %u", fr->rec.no, spi, seq);
		if (esp_open(sa, fr->pkt.data, fr->pkt.len, &fr->plain, &info,
		    &dg) == IKE_OK) {
			fr->dec = true;
			check(op, what, fr->pkt.data + info.icv_off,
			    sa->icv_len, fr->pkt.data + info.icv_off,
			    sa->icv_len, NULL);
			esp_describe(fr->plain.p, fr->plain.len, t, sizeof(t));
			fprintf(op->f, "            carries %s\n", t);
			snprintf(fr->note, sizeof(fr->note), "%s", t);
		} else if (dg.code == IKE_EAUTH) {
			v = (struct ciov){ fr->pkt.data, dg.off };
			(void)crypto_esp_hmac(sa->auth, sa->akey, sa->alen, &v,
			    1, icv, NULL);
			check(op, what, icv, sa->icv_len, fr->pkt.data + dg.off,
			    sa->icv_len, NULL);
			snprintf(fr->note, sizeof(fr->note), "%s", dg.msg);
		} else {
			check_fail(op, "%s: %s", what, dg.msg);
			snprintf(fr->note, sizeof(fr->note), "%s", dg.msg);
			continue;
		}
		for (j = 0; j < k; j++)
			if (op->fr[j].pkt.kind == CAP_ESP && op->fr[j].dec &&
			    op->fr[j].sa == fr->sa &&
			    be32(op->fr[j].pkt.data + 4) == seq && fr->dec)
				note(op, "ESP (frame %u): sequence number %u "
				    "was already used in frame %u (a replay)",
				    fr->rec.no, seq, op->fr[j].rec.no);
	}
}

/* The checks, one phase 1 at a time, then the ESP packets. */
static void
op_checks(struct op *op)
{
	size_t		 k, j;
	unsigned int	 n;

	if (op->sec == NULL && op->psk == NULL) {
		fprintf(op->f, "\nno secrets given (--secrets FILE): the "
		    "encrypted messages stay encrypted\n");
		return;
	}
	fprintf(op->f, "\nchecks (expected: what ikelab computes from the "
	    "keys;\n        actual: what the capture or the secrets file "
	    "holds)\n");
	for (k = 0; k < op->nx; k++) {
		struct p1ctx	*c;

		if (op->x[k].kind != OPX_P1)
			continue;
		if ((c = calloc(1, sizeof(*c))) == NULL)
			return;
		c->x = &op->x[k];
		c->sp = sec_for(op->sec, c->x->icookie);
		check_p1(op, c);
		for (j = 0; j < op->nx; j++) {
			char	xl[TR_LABEL_LEN];

			if (memcmp(op->x[j].icookie, c->x->icookie, 8) != 0 ||
			    (op->x[j].kind != OPX_QM &&
			    op->x[j].kind != OPX_INFO))
				continue;
			if (!c->have_keys || !c->have_last) {
				sess_label(xl, op->x[j].kind == OPX_QM ? "QM" :
				    "INFO", 0, op->x[j].inst);
				check_skip(op, "%s, message ID %08x: %s", xl,
				    op->x[j].msgid,
				    !c->have_keys ? "no phase 1 keys" :
				    "no last phase 1 block (AG3 missing)");
				continue;
			}
			if (op->x[j].kind == OPX_QM)
				check_qm(op, c, (int)j);
			else if (op->x[j].kind == OPX_INFO)
				check_info(op, c, (int)j);
		}
		crypto_wipe(c, sizeof(*c));
		free(c);
	}
	check_esp(op);
	n = op->passed + op->failed + op->skipped;
	fprintf(op->f, "%u check%s: %u passed, %u failed", n,
	    n == 1 ? "" : "s", op->passed, op->failed);
	if (op->skipped > 0)
		fprintf(op->f, ", %u skipped (they need a value that an "
		    "earlier check did not give)", op->skipped);
	fputc('\n', op->f);
}

/* Every frame decoded: ISAKMP as a tree (decrypted when known), ESP. */
static void
op_decode(struct op *op)
{
	struct buf	out = { 0 };
	size_t		k;

	for (k = 0; k < op->n; k++) {
		const struct op_frame	*fr = &op->fr[k];
		const struct op_frame	*o = fr->orig >= 0 ?
					    &op->fr[fr->orig] : fr;
		char			 what[256];

		if (fr->pkt.kind != CAP_IKE && fr->pkt.kind != CAP_ESP)
			continue;
		op_what(fr, what, sizeof(what));
		fprintf(op->f, "\nframe %u  %s  %s  %s\n", fr->rec.no,
		    fr->label, op_dir(op, fr), what);
		if (fr->err[0] != '\0')
			continue;
		out.len = 0;
		if (fr->pkt.kind == CAP_ESP) {
			const struct op_sa *os = o->sa >= 0 ?
			    &op->sas[o->sa] : NULL;
			const struct esp_sa *sa = os != NULL ? &os->sa : NULL;

			if (os != NULL) {
				char	xl[TR_LABEL_LEN];

				sess_label(xl, "QM", 0, op->x[os->qm].inst);
				fprintf(op->f, "  (SA %s of %s, message ID "
				    "%08x; KEYMAT %s)\n", os->ir ? "i>r" :
				    "r>i", xl, op->x[os->qm].msgid, os->src);
			}
			(void)esp_dump(fr->pkt.data, fr->pkt.len,
			    sa ? sa->blen : 0, sa ? sa->icv_len : 0,
			    o->dec ? o->plain.p : NULL, o->plain.len, &out);
		} else {
			if (fr->whole.len > 0)
				fprintf(op->f, "  (the whole message, joined "
				    "from its %u fragments)\n", fr->frag_of);
			if (o->dec)
				fprintf(op->f, "  (decrypted with the secrets)\n");
			(void)pld_dump(fr->pkt.data, fr->pkt.len,
			    o->dec ? o->plain.p : NULL, o->plain.len, &out);
		}
		cli_put_escaped(op->f, (const char *)out.p, out.len, true);
		if (out.len > 0 && out.p[out.len - 1] != '\n')
			fputc('\n', op->f);
	}
	buf_free(&out);
}

static void
op_free(struct op *op)
{
	size_t	k;

	for (k = 0; k < op->n; k++) {
		buf_free(&op->fr[k].plain);
		buf_free(&op->fr[k].whole);
	}
	free(op->fr);
	free(op->bytes);
	if (op->sec != NULL)
		crypto_wipe(op->sec, sizeof(*op->sec));
	free(op->sec);
	crypto_wipe(op->sas, sizeof(op->sas));
}

/* Read the secrets file PATH into OP->sec. */
static int
op_secrets(struct op *op, const char *path, char *err, size_t errlen)
{
	FILE	*f;
	char	*text;
	long	 n;
	int	 rc;

	if ((f = cli_fopen_regular(path, err, errlen)) == NULL)
		return IKE_ENOENT;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    n > 16 * 1024 * 1024 || fseek(f, 0, SEEK_SET) != 0 ||
	    (text = malloc((size_t)n + 1)) == NULL) {
		snprintf(err, errlen, "cannot read '%s'", path);
		fclose(f);
		return IKE_ENOENT;
	}
	if (fread(text, 1, (size_t)n, f) != (size_t)n) {
		snprintf(err, errlen, "cannot read '%s'", path);
		fclose(f);
		free(text);
		return IKE_ENOENT;
	}
	fclose(f);
	text[n] = '\0';
	if (memchr(text, '\0', (size_t)n) != NULL) {
		snprintf(err, errlen, "%s: a secrets file is text, but byte "
		    "%zu is 0 (a capture or other binary file?)", path,
		    (size_t)((char *)memchr(text, '\0', (size_t)n) - text));
		crypto_wipe(text, (size_t)n);
		free(text);
		return IKE_ESYNTAX;
	}
	if ((op->sec = calloc(1, sizeof(*op->sec))) == NULL) {
		free(text);
		snprintf(err, errlen, "out of memory");
		return IKE_ENOMEM;
	}
	rc = sec_parse(text, op->sec, path, err, errlen);
	crypto_wipe(text, (size_t)n);
	free(text);
	return rc;
}

int
cmd_open(struct cli *cli, int argc, char **argv)
{
	struct op	 op;
	const char	*secrets = NULL;
	char		 err[400];
	int		 k, rc;

	memset(&op, 0, sizeof(op));
	op.f = cli->out;
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--secrets") == 0 && k + 1 < argc)
			secrets = argv[++k];
		else if (strcmp(argv[k], "--psk") == 0 && k + 1 < argc)
			op.psk = argv[++k];
		else if (strcmp(argv[k], "--secrets") == 0 ||
		    strcmp(argv[k], "--psk") == 0)
			return cli_err(cli, "open: %s needs a value (usage: "
			    "open FILE [--secrets F] [--psk P])", argv[k]);
		else if (argv[k][0] == '-' && argv[k][1] == '-')
			return cli_err(cli, "open: unknown option '%s' (usage: "
			    "open FILE [--secrets F] [--psk P])", argv[k]);
		else if (op.path == NULL)
			op.path = argv[k];
		else
			return cli_err(cli, "open: one capture at a time "
			    "('%s' and '%s')", op.path, argv[k]);
	}
	if (op.path == NULL)
		return cli_err(cli, "open: which capture? (usage: open FILE "
		    "[--secrets F] [--psk P])");
	if (op.psk != NULL && secrets == NULL)
		return cli_err(cli, "open: --psk needs --secrets F for g^xy "
		    "(the Diffie-Hellman secret cannot be taken from the "
		    "wire)");
	err[0] = '\0';
	rc = op_read_file(&op, err, sizeof(err));
	if (rc == IKE_OK && secrets != NULL)
		rc = op_secrets(&op, secrets, err, sizeof(err));
	if (rc == IKE_OK)
		rc = op_load(&op, err, sizeof(err));
	if (rc != IKE_OK) {
		op_free(&op);
		return cli_err(cli, "open: %s", err), rc;
	}
	/* Decrypt and check first, so the list and decodes can use it. */
	{
		FILE	*save = op.f;
		char	*cbuf = NULL;
		size_t	 clen = 0;
		FILE	*mem = open_memstream(&cbuf, &clen);

		if (mem != NULL)
			op.f = mem;
		op_checks(&op);
		if (mem != NULL) {
			fclose(mem);
			op.f = save;
		}
		op_list(&op);
		op_ladder(&op);
		op_decode(&op);
		if (cbuf != NULL)
			fwrite(cbuf, 1, clen, op.f);
		free(cbuf);
	}
	op_free(&op);
	return 0;
}
