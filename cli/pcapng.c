/*
 * pcapng.c: the session's packets as a capture file in memory, pcapng
 * (one section, one interface, an Enhanced Packet Block with a comment
 * per packet) or classic pcap; and the comments themselves, which say
 * from the trace what happened to each packet. Layouts: the pcapng
 * draft (draft-ietf-opsawg-pcapng) and pcap (draft-ietf-opsawg-pcap);
 * IPv4 RFC 791, UDP RFC 768. export.h describes what lands where.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "export.h"

/* pcapng block types and option codes. */
#define NG_SHB			0x0a0d0d0aU
#define NG_IDB			0x00000001U
#define NG_EPB			0x00000006U
#define NG_BOM			0x1a2b3c4dU
#define NG_OPT_END		0
#define NG_OPT_COMMENT		1
#define NG_SHB_USERAPPL		4
#define NG_IF_NAME		2
#define NG_IF_DESCRIPTION	3

#define PCAP_MAGIC_USEC		0xa1b2c3d4U

#define IP_HDR_LEN		20
#define UDP_HDR_LEN		8
#define IP_MAX_LEN		65535
#define IKE_PORT		500
#define IPPROTO_UDP_NUM		17
#define IPPROTO_ESP_NUM		50

/* Little-endian appends: the whole file has one byte order. */
static int
put_le16(struct buf *b, uint16_t v)
{
	uint8_t	o[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	return buf_add(b, o, sizeof(o));
}

static int
put_le32(struct buf *b, uint32_t v)
{
	uint8_t	o[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
		    (uint8_t)(v >> 24) };

	return buf_add(b, o, sizeof(o));
}

static void
set_le32(struct buf *b, size_t off, uint32_t v)
{
	b->p[off] = (uint8_t)v;
	b->p[off + 1] = (uint8_t)(v >> 8);
	b->p[off + 2] = (uint8_t)(v >> 16);
	b->p[off + 3] = (uint8_t)(v >> 24);
}

/* Zero bytes up to the next multiple of 4 of the buffer's length. */
static int
pad4(struct buf *b)
{
	size_t	n = (4 - b->len % 4) % 4;

	return n ? buf_add(b, NULL, n) : IKE_OK;
}

/* A pcapng option: code, length, value, padding to 32 bits. */
static int
ng_opt(struct buf *b, uint16_t code, const void *v, size_t len)
{
	if (len > UINT16_MAX)
		len = UINT16_MAX;
	if (put_le16(b, code) || put_le16(b, (uint16_t)len) ||
	    buf_add(b, v, len) || pad4(b))
		return IKE_ENOMEM;
	return IKE_OK;
}

static int
ng_opt_str(struct buf *b, uint16_t code, const char *s)
{
	return ng_opt(b, code, s, strlen(s));
}

/* Start a block: type and a length patched by ng_end. */
static int
ng_begin(struct buf *b, uint32_t type, size_t *start)
{
	*start = b->len;
	return put_le32(b, type) || put_le32(b, 0) ? IKE_ENOMEM : IKE_OK;
}

static int
ng_end(struct buf *b, size_t start)
{
	uint32_t	len = (uint32_t)(b->len - start + 4);

	if (put_le32(b, len))
		return IKE_ENOMEM;
	set_le32(b, start + 4, len);
	return IKE_OK;
}

/* The one's complement sum of RFC 1071, folded, not yet inverted. */
static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t	k;

	for (k = 0; k + 1 < len; k += 2)
		sum += (uint32_t)p[k] << 8 | p[k + 1];
	if (len % 2)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static void
be16_to(uint8_t *o, uint16_t v)
{
	o[0] = (uint8_t)(v >> 8);
	o[1] = (uint8_t)v;
}

static void
be32_to(uint8_t *o, uint32_t v)
{
	o[0] = (uint8_t)(v >> 24);
	o[1] = (uint8_t)(v >> 16);
	o[2] = (uint8_t)(v >> 8);
	o[3] = (uint8_t)v;
}

/*
 * Append packet PK as an IPv4 datagram (UDP 500 -> 500, or ESP) to
 * OUT. A payload too big for one datagram is cut to fit; *CUT says so.
 */
static int
ip_datagram(const struct sess *s, const struct pkt *pk, struct buf *out,
    bool *cut)
{
	uint8_t		 h[IP_HDR_LEN + UDP_HDR_LEN];
	uint32_t	 src, dst, sum;
	size_t		 plen = pk->bytes.len, hlen;
	bool		 esp = strncmp(pk->label, "ESP", 3) == 0;

	hlen = IP_HDR_LEN + (esp ? 0 : UDP_HDR_LEN);
	*cut = plen > IP_MAX_LEN - hlen;
	if (*cut)
		plen = IP_MAX_LEN - hlen;
	src = s->peer[pk->from].cfg.addr;
	dst = s->peer[pk->from == PEER_I ? PEER_R : PEER_I].cfg.addr;
	memset(h, 0, sizeof(h));
	h[0] = 0x45;				/* version 4, 5 words */
	be16_to(h + 2, (uint16_t)(hlen + plen));
	be16_to(h + 4, (uint16_t)pk->num);	/* identification */
	h[8] = 64;				/* TTL */
	h[9] = esp ? IPPROTO_ESP_NUM : IPPROTO_UDP_NUM;
	be32_to(h + 12, src);
	be32_to(h + 16, dst);
	be16_to(h + 10, (uint16_t)~csum_add(0, h, IP_HDR_LEN));
	if (!esp) {
		uint8_t	ph[12];

		be16_to(h + 20, IKE_PORT);
		be16_to(h + 22, IKE_PORT);
		be16_to(h + 24, (uint16_t)(UDP_HDR_LEN + plen));
		/* Pseudo-header: addresses, zero, protocol, UDP length. */
		memcpy(ph, h + 12, 8);
		ph[8] = 0;
		ph[9] = IPPROTO_UDP_NUM;
		be16_to(ph + 10, (uint16_t)(UDP_HDR_LEN + plen));
		sum = csum_add(0, ph, sizeof(ph));
		sum = csum_add(sum, h + 20, UDP_HDR_LEN);
		sum = csum_add(sum, pk->bytes.p, plen);
		sum = ~sum & 0xffff;
		be16_to(h + 26, (uint16_t)(sum == 0 ? 0xffff : sum));
	}
	if (buf_add(out, h, hlen) || buf_add(out, pk->bytes.p, plen))
		return IKE_ENOMEM;
	return IKE_OK;
}

/* Per packet while the comments are built. */
struct note {
	struct buf	 text;
	bool		 moved;		/* delayed or swapped */
	bool		 told;		/* a drop or discard was noted */
};

/* Append "; " and the formatted text to a comment. */
static void IKE_PRINTF(2, 3)
note_add(struct note *n, const char *fmt, ...)
{
	char	t[2 * TR_TEXT_LEN + 64];
	va_list	ap;
	int	k;

	va_start(ap, fmt);
	k = vsnprintf(t, sizeof(t), fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	if (n->text.len > 0)
		(void)buf_add(&n->text, "; ", 2);
	(void)buf_add(&n->text, t, strlen(t));
}

/*
 * A reason as a phrase after VERB: "rule 1" becomes "by rule 1 (drop
 * AG3 nth 1)" with the rule's text from the rule_match event just
 * before event EVI; "dropped by command" stays as it is when it begins
 * with VERB; anything else gets "VERB: " in front.
 */
static void
reason_phrase(const struct sess *s, size_t evi, const char *verb,
    const char *reason, char *out, size_t len)
{
	const struct tr_event	*ev;
	const char		*text;
	size_t			 k, back;
	int			 id, used = 0;

	if (sscanf(reason, "rule %d%n", &id, &used) == 1 &&
	    reason[used] == '\0') {
		for (back = 1; back <= 8 && back <= evi; back++) {
			ev = &s->trace.ev[evi - back];
			if (ev->kind != TR_RULE_MATCH || ev->other != id)
				continue;
			text = strchr(ev->reason, ':');
			text = text != NULL ? text + 1 : ev->reason;
			while (*text == ' ')
				text++;
			snprintf(out, len, "%s by rule %d (%s)", verb, id,
			    text);
			return;
		}
		snprintf(out, len, "%s by rule %d", verb, id);
		return;
	}
	k = strlen(verb);
	if (strncmp(reason, verb, k) == 0)
		snprintf(out, len, "%s", reason);
	else if (reason[0] == '\0')
		snprintf(out, len, "%s", verb);
	else
		snprintf(out, len, "%s: %s", verb, reason);
}

/* Add what trace event EVI says about its packet(s) to the notes. */
static void
note_event(const struct sess *s, size_t evi, struct note *nt)
{
	const struct tr_event	*ev = &s->trace.ev[evi];
	struct note		*n = &nt[ev->pkt - 1];
	char			 ph[TR_TEXT_LEN + 64];
	char			 what[64];

	switch (ev->kind) {
	case TR_DROP:
		reason_phrase(s, evi, "dropped", ev->reason, ph, sizeof(ph));
		note_add(n, "%s", ph);
		n->told = true;
		break;
	case TR_DELAY:
		reason_phrase(s, evi, "delayed", ev->reason, ph, sizeof(ph));
		note_add(n, "%s, due at %" PRIu64 " ms", ph, ev->due_ms);
		n->moved = true;
		break;
	case TR_SWAP:
		note_add(n, "swapped with #%d, due at %" PRIu64 " ms",
		    ev->other, ev->due_ms);
		n->moved = true;
		if (ev->other >= 1 && (size_t)ev->other <= s->npkt) {
			note_add(&nt[ev->other - 1], "swapped with #%d",
			    ev->pkt);
			nt[ev->other - 1].moved = true;
		}
		break;
	case TR_CORRUPT:
		reason_phrase(s, evi, "corrupted", ev->reason, ph,
		    sizeof(ph));
		if (ev->bit >= 0)
			snprintf(what, sizeof(what), "bit %d of byte %ld",
			    ev->bit, ev->off);
		else
			snprintf(what, sizeof(what), "byte %ld", ev->off);
		note_add(n, "%s: %s was 0x%02x, now 0x%02x", ph, what,
		    ev->was, ev->now);
		break;
	case TR_DUP:
		/* EV->pkt is the copy; the original hears about it. */
		if (ev->copy_of >= 1 && (size_t)ev->copy_of <= s->npkt) {
			reason_phrase(s, evi, "copied", ev->reason, ph,
			    sizeof(ph));
			note_add(&nt[ev->copy_of - 1], "%s to #%d", ph,
			    ev->pkt);
		}
		break;
	case TR_DISCARD:
		note_add(n, "discarded by %c: %s", ev->peer, ev->reason);
		n->told = true;
		break;
	case TR_DELIVER:
		if (n->moved)
			note_add(n, "delivered at %" PRIu64 " ms", ev->t_ms);
		break;
	default:
		break;
	}
}

/* The opening words of a packet's comment: number, label, origin. */
static void
note_start(const struct pkt *pk, struct note *n)
{
	char	t[TR_LABEL_LEN + 48];

	snprintf(t, sizeof(t), "#%d %s", pk->num, pk->label);
	(void)buf_add(&n->text, t, strlen(t));
	if (pk->copy_of > 0)
		note_add(n, "copy of #%d", pk->copy_of);
	if (pk->injected)
		note_add(n, "injected");
}

/* The closing words: states the trace did not spell out. */
static void
note_finish(const struct sess *s, const struct pkt *pk, struct note *n)
{
	if (!n->told && pk->note[0] != '\0')
		note_add(n, "%s %s", pk->st == PKT_DROPPED ? "dropped:" :
		    "discarded:", pk->note);
	if (pk->st == PKT_INFLIGHT)
		note_add(n, "in flight when saved at %" PRIu64 " ms",
		    s->now_ms);
}

/* Notes for every packet, from one pass over the trace. */
static struct note *
notes_build(const struct sess *s)
{
	struct note	*nt;
	size_t		 k;

	if ((nt = calloc(s->npkt ? s->npkt : 1, sizeof(*nt))) == NULL)
		return NULL;
	for (k = 0; k < s->npkt; k++)
		note_start(&s->pkts[k], &nt[k]);
	for (k = 0; k < s->trace.n; k++) {
		int p = s->trace.ev[k].pkt;

		if (p >= 1 && (size_t)p <= s->npkt)
			note_event(s, k, nt);
	}
	for (k = 0; k < s->npkt; k++)
		note_finish(s, &s->pkts[k], &nt[k]);
	return nt;
}

static void
notes_free(struct note *nt, size_t n)
{
	size_t	k;

	for (k = 0; nt != NULL && k < n; k++)
		buf_free(&nt[k].text);
	free(nt);
}

void
export_pkt_comment(const struct sess *s, const struct pkt *pk, char *out,
    size_t len)
{
	struct note	*nt;
	size_t		 i = (size_t)(pk->num - 1), n;

	if (len == 0)
		return;
	out[0] = '\0';
	if ((nt = notes_build(s)) == NULL)
		return;
	n = nt[i].text.len < len - 1 ? nt[i].text.len : len - 1;
	memcpy(out, nt[i].text.p, n);
	out[n] = '\0';
	notes_free(nt, s->npkt);
}

/* Section Header Block and the one Interface Description Block. */
static int
ng_head(const struct sess *s, struct buf *b)
{
	char	 t[160];
	size_t	 at;
	uint32_t ia = s->peer[PEER_I].cfg.addr, ra = s->peer[PEER_R].cfg.addr;

	if (ng_begin(b, NG_SHB, &at) || put_le32(b, NG_BOM) ||
	    put_le16(b, 1) || put_le16(b, 0) ||
	    put_le32(b, 0xffffffffU) || put_le32(b, 0xffffffffU))
		return IKE_ENOMEM;
	snprintf(t, sizeof(t), "ikelab session, seed %" PRIu64, s->seed);
	if (ng_opt_str(b, NG_OPT_COMMENT, t) ||
	    ng_opt_str(b, NG_SHB_USERAPPL, "ikelab " IKELAB_VERSION) ||
	    ng_opt(b, NG_OPT_END, NULL, 0) || ng_end(b, at))
		return IKE_ENOMEM;
	snprintf(t, sizeof(t), "simulated link: initiator %u.%u.%u.%u, "
	    "responder %u.%u.%u.%u", ia >> 24, ia >> 16 & 0xff,
	    ia >> 8 & 0xff, ia & 0xff, ra >> 24, ra >> 16 & 0xff,
	    ra >> 8 & 0xff, ra & 0xff);
	if (ng_begin(b, NG_IDB, &at) || put_le16(b, EXPORT_LINKTYPE) ||
	    put_le16(b, 0) || put_le32(b, EXPORT_SNAPLEN) ||
	    ng_opt_str(b, NG_IF_NAME, "ikelab") ||
	    ng_opt_str(b, NG_IF_DESCRIPTION, t) ||
	    ng_opt(b, NG_OPT_END, NULL, 0) || ng_end(b, at))
		return IKE_ENOMEM;
	return IKE_OK;
}

/* One Enhanced Packet Block: interface 0, microseconds, a comment. */
static int
ng_packet(struct buf *b, const struct pkt *pk, const struct buf *dgram,
    const struct note *n, bool cut)
{
	uint64_t	us = pk->sent_ms * 1000;
	size_t		at;

	if (ng_begin(b, NG_EPB, &at) || put_le32(b, 0) ||
	    put_le32(b, (uint32_t)(us >> 32)) || put_le32(b, (uint32_t)us) ||
	    put_le32(b, (uint32_t)dgram->len) ||
	    put_le32(b, (uint32_t)dgram->len) ||
	    buf_add(b, dgram->p, dgram->len) || pad4(b))
		return IKE_ENOMEM;
	if (n->text.len > 0 || cut) {
		struct buf	c = { NULL, 0, 0 };
		int		rc;

		rc = buf_add(&c, n->text.p, n->text.len);
		if (rc == IKE_OK && cut)
			rc = buf_add(&c, "; cut to fit one IPv4 datagram",
			    30);
		if (rc == IKE_OK)
			rc = ng_opt(b, NG_OPT_COMMENT, c.p, c.len);
		buf_free(&c);
		if (rc != IKE_OK || ng_opt(b, NG_OPT_END, NULL, 0))
			return IKE_ENOMEM;
	}
	return ng_end(b, at);
}

/* Classic pcap: the global header (microsecond timestamps). */
static int
pcap_head(struct buf *b)
{
	if (put_le32(b, PCAP_MAGIC_USEC) || put_le16(b, 2) ||
	    put_le16(b, 4) || put_le32(b, 0) || put_le32(b, 0) ||
	    put_le32(b, EXPORT_SNAPLEN) || put_le32(b, EXPORT_LINKTYPE))
		return IKE_ENOMEM;
	return IKE_OK;
}

static int
pcap_packet(struct buf *b, const struct pkt *pk, const struct buf *dgram)
{
	uint64_t	sec = pk->sent_ms / 1000;

	if (put_le32(b, (uint32_t)sec) ||
	    put_le32(b, (uint32_t)(pk->sent_ms % 1000 * 1000)) ||
	    put_le32(b, (uint32_t)dgram->len) ||
	    put_le32(b, (uint32_t)dgram->len) ||
	    buf_add(b, dgram->p, dgram->len))
		return IKE_ENOMEM;
	return IKE_OK;
}

int
export_capture_buf(const struct sess *s, bool classic, struct buf *out,
    char *err, size_t errlen)
{
	struct note	*nt = NULL;
	struct buf	 d = { NULL, 0, 0 };
	size_t		 k;
	bool		 cut;
	int		 rc;

	if (!classic && (nt = notes_build(s)) == NULL)
		goto nomem;
	rc = classic ? pcap_head(out) : ng_head(s, out);
	for (k = 0; rc == IKE_OK && k < s->npkt; k++) {
		d.len = 0;
		rc = ip_datagram(s, &s->pkts[k], &d, &cut);
		if (rc == IKE_OK)
			rc = classic ? pcap_packet(out, &s->pkts[k], &d) :
			    ng_packet(out, &s->pkts[k], &d, &nt[k], cut);
	}
	buf_free(&d);
	notes_free(nt, s->npkt);
	if (rc == IKE_OK)
		return IKE_OK;
nomem:
	snprintf(err, errlen, "out of memory building the capture");
	return IKE_ENOMEM;
}

int
export_pcap(const struct sess *s, const char *path, bool classic,
    bool force, char *err, size_t errlen)
{
	struct buf		 b = { NULL, 0, 0 };
	const struct buf	*data[1] = { &b };
	const char		*paths[1] = { path };
	int			 rc;

	rc = export_capture_buf(s, classic, &b, err, errlen);
	if (rc == IKE_OK)
		rc = export_write_files(paths, data, 1, false, force, err,
		    errlen);
	buf_free(&b);
	return rc;
}
