/*
 * frag.c: IKEv1 fragments (payload 132, ikev1-reference.md 1.6): cut a
 * message into fragment datagrams, read one, and collect the fragments
 * of a message until every number from 1 to the last is held.
 *
 * Fragment datagrams come from the network, so frag_parse reads them
 * only through struct ike_rd and names the payload and offset of every
 * error, like the rest of the codec (pld.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "frag.h"
#include "pld.h"

/* Fragments of at most MAX bytes that LEN bytes need (0: no room). */
size_t
frag_count(size_t len, size_t max)
{
	size_t	chunk;

	if (max <= FRAG_HDR_LEN)
		return 0;
	chunk = max - FRAG_HDR_LEN;
	return len / chunk + (len % chunk != 0);
}

/* Fragment NUM of a message, as one datagram of at most MAX bytes. */
int
frag_build(const uint8_t *msg, size_t len, size_t max, uint16_t id,
    size_t num, struct buf *out, struct ike_diag *dg)
{
	size_t	nf = frag_count(len, max), chunk, off, n;

	if (len < IKE_HDR_LEN || len > PLD_MAX_MSG)
		return diag_set(dg, IKE_ESHORT, SIZE_MAX, "a message of %zu "
		    "bytes cannot be cut into fragments (28 to %d)", len,
		    PLD_MAX_MSG);
	if (nf == 0 || nf > FRAG_MAX)
		return diag_set(dg, IKE_ELIMIT, SIZE_MAX, "%zu bytes in "
		    "datagrams of at most %zu bytes: %zu fragments, at most %d",
		    len, max, nf, FRAG_MAX);
	if (num < 1 || num > nf)
		return diag_set(dg, IKE_ENOENT, SIZE_MAX, "fragment %zu of %zu",
		    num, nf);
	chunk = max - FRAG_HDR_LEN;
	off = (num - 1) * chunk;
	n = len - off < chunk ? len - off : chunk;
	out->len = 0;
	/* The original header, with Next Payload 132 and E cleared. */
	if (buf_add(out, msg, IKE_HDR_LEN))
		return IKE_ENOMEM;
	out->p[16] = IKE_PLD_FRAG;
	out->p[19] &= (uint8_t)~IKE_FLAG_ENC;
	buf_put_u32(out, 24, (uint32_t)(FRAG_HDR_LEN + n));
	if (buf_add_u8(out, IKE_PLD_NONE) || buf_add_u8(out, 0) ||
	    buf_add_u16(out, (uint16_t)(FRAG_PLD_LEN + n)) ||
	    buf_add_u16(out, id) || buf_add_u8(out, (uint8_t)num) ||
	    buf_add_u8(out, num == nf ? FRAG_FLAG_LAST : 0) ||
	    buf_add(out, msg + off, n))
		return IKE_ENOMEM;
	return IKE_OK;
}

#define FRAG_OFF_NUM	(IKE_HDR_LEN + 6)	/* fragment number; flags next */

/* Fill DG for an error in the fragment payload at OFF. */
static int
frag_fail(struct ike_diag *dg, enum ike_err code, size_t off,
    const char *fmt, ...) IKE_PRINTF(4, 5);

static int
frag_fail(struct ike_diag *dg, enum ike_err code, size_t off,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	(void)pld_vfail(dg, code, off, "FRAG", IKE_N_PAYLOAD_MALFORMED, fmt,
	    ap);
	va_end(ap);
	return code;
}

/* Read one fragment datagram; errors name FRAG and the offset. */
int
frag_parse(const uint8_t *msg, size_t len, struct frag *f,
    struct ike_diag *dg)
{
	struct ike_rd	rd = RD_INIT(msg, len);
	uint16_t	plen;
	uint8_t		next, reserved, flags;
	size_t		rest;

	memset(f, 0, sizeof(*f));
	if (len < IKE_HDR_LEN || msg[16] != IKE_PLD_FRAG)
		return diag_set(dg, IKE_EMALFORMED, len < IKE_HDR_LEN ? 0 : 16,
		    "not a fragment datagram (Next Payload 132)");
	(void)rd_bytes(&rd, f->icookie, IKE_COOKIE_LEN);
	(void)rd_skip(&rd, IKE_HDR_LEN - IKE_COOKIE_LEN);
	rest = rd_left(&rd);
	if (rd_u8(&rd, &next) || rd_u8(&rd, &reserved) ||
	    rd_u16(&rd, &plen))
		return frag_fail(dg, IKE_ESHORT, IKE_HDR_LEN, "generic header "
		    "needs 4 bytes, %zu left", rest);
	if (next != IKE_PLD_NONE)
		return frag_fail(dg, IKE_EMALFORMED, IKE_HDR_LEN, "next payload "
		    "%u: a fragment datagram carries only the fragment", next);
	if (plen < FRAG_PLD_LEN)
		return frag_fail(dg, IKE_EMALFORMED, IKE_HDR_LEN + 2, "length "
		    "%u is below the minimum of %d: fragment ID, number and "
		    "flags need 4 bytes", plen, FRAG_PLD_LEN);
	if (plen > rest)
		return frag_fail(dg, IKE_ESHORT, IKE_HDR_LEN + 2, "length %u "
		    "runs past the end (%zu bytes left)", plen, rest);
	if (plen < rest)
		return frag_fail(dg, IKE_EMALFORMED, IKE_HDR_LEN + 2, "length "
		    "%u leaves %zu bytes after the payload", plen, rest - plen);
	/* Cannot fail: plen >= 8 bytes are there. */
	(void)rd_u16(&rd, &f->id);
	(void)rd_u8(&rd, &f->num);
	(void)rd_u8(&rd, &flags);
	if (f->num < 1 || f->num > FRAG_MAX)
		return frag_fail(dg, IKE_EMALFORMED, IKE_HDR_LEN + 6,
		    "fragment number %u; numbers run from 1 to %d", f->num,
		    FRAG_MAX);
	f->last = (flags & FRAG_FLAG_LAST) != 0;
	f->len = (size_t)plen - FRAG_PLD_LEN;
	(void)rd_ptr(&rd, &f->data, f->len);
	return IKE_OK;
}

/* Does F belong to another message than the one SET holds? */
bool
frag_replaces(const struct frag_set *set, const struct frag *f)
{
	return set->active && (set->id != f->id ||
	    memcmp(set->icookie, f->icookie, IKE_COOKIE_LEN) != 0);
}

/* Fragments held in SET. */
size_t
frag_held(const struct frag_set *set)
{
	size_t		n = 0;
	uint32_t	h;

	for (h = set->have; h != 0; h &= h - 1)
		n++;
	return n;
}

/* The highest fragment number held, 0 for none. */
static unsigned int
highest(const struct frag_set *set)
{
	unsigned int	k;

	for (k = FRAG_MAX; k > 0; k--)
		if (set->have & (1u << (k - 1)))
			return k;
	return 0;
}

/* Forget the message being collected (not the done one). */
static void
clear_active(struct frag_set *set)
{
	size_t	k;

	for (k = 0; k < FRAG_MAX; k++) {
		buf_free(&set->part[k]);
		set->pkt[k] = 0;
	}
	set->active = false;
	memset(set->icookie, 0, sizeof(set->icookie));
	set->id = 0;
	set->last = 0;
	set->have = 0;
	set->total = 0;
}

/* Keep fragment F of packet PKT in SET, unless it contradicts it. */
int
frag_add(struct frag_set *set, const struct frag *f, int pkt,
    struct ike_diag *dg)
{
	uint32_t	bit;

	if (f->num < 1 || f->num > FRAG_MAX)
		return frag_fail(dg, IKE_EMALFORMED, FRAG_OFF_NUM,
		    "fragment number %u; numbers run from 1 to %d", f->num,
		    FRAG_MAX);
	bit = 1u << (f->num - 1);
	if (set->active && (set->have & bit))
		return frag_fail(dg, IKE_ESTATE, FRAG_OFF_NUM, "fragment %u "
		    "of ID %u is already held", f->num, f->id);
	if (set->active && set->last != 0 && f->num > set->last)
		return frag_fail(dg, IKE_EMALFORMED, FRAG_OFF_NUM, "fragment "
		    "%u of ID %u comes after the last one, %u", f->num, f->id,
		    set->last);
	if (set->active && f->last && highest(set) > f->num)
		return frag_fail(dg, IKE_EMALFORMED, FRAG_OFF_NUM + 1,
		    "fragment %u of ID %u is marked last, but fragment %u is "
		    "held", f->num, f->id, highest(set));
	if ((set->active ? set->total : 0) + f->len > PLD_MAX_MSG)
		return frag_fail(dg, IKE_ELIMIT, IKE_HDR_LEN + 2, "fragment "
		    "%u of ID %u would make the message longer than %d bytes",
		    f->num, f->id, PLD_MAX_MSG);
	if (!set->active) {
		clear_active(set);
		set->active = true;
		memcpy(set->icookie, f->icookie, IKE_COOKIE_LEN);
		set->id = f->id;
	}
	if (buf_set(&set->part[f->num - 1], f->data, f->len) != IKE_OK)
		return diag_set(dg, IKE_ENOMEM, SIZE_MAX, "out of memory");
	set->have |= bit;
	set->total += f->len;
	set->pkt[f->num - 1] = pkt;
	if (f->last)
		set->last = f->num;
	if (set->last != 0 && set->have == (1u << set->last) - 1)
		return FRAG_COMPLETE;
	return FRAG_HELD;
}

/* Join a complete SET into OUT; SET keeps it as the done message. */
int
frag_take(struct frag_set *set, struct buf *out)
{
	struct buf	t;
	unsigned int	k;
	int		rc = IKE_OK;

	out->len = 0;
	for (k = 0; k < set->last && rc == IKE_OK; k++)
		rc = buf_add(out, set->part[k].p, set->part[k].len);
	for (k = 0; k < FRAG_MAX; k++) {
		t = set->done_part[k];
		set->done_part[k] = set->part[k];
		set->part[k] = t;
		set->done_pkt[k] = set->pkt[k];
	}
	set->done = true;
	memcpy(set->done_icookie, set->icookie, IKE_COOKIE_LEN);
	set->done_id = set->id;
	set->done_last = set->last;
	clear_active(set);
	return rc;
}

int
frag_copy_of(const struct frag_set *set, const struct frag *f)
{
	const struct buf	*b;

	if (!set->done || f->num < 1 || f->num > set->done_last ||
	    f->id != set->done_id ||
	    memcmp(f->icookie, set->done_icookie, IKE_COOKIE_LEN) != 0)
		return -1;
	b = &set->done_part[f->num - 1];
	if (b->len != f->len || (f->len > 0 && memcmp(b->p, f->data,
	    f->len) != 0) || f->last != (f->num == set->done_last))
		return -1;
	return set->done_pkt[f->num - 1];
}

/* Empty SET and wipe what it held, the done message too. */
void
frag_clear(struct frag_set *set)
{
	size_t	k;

	for (k = 0; k < FRAG_MAX; k++)
		buf_free(&set->done_part[k]);
	clear_active(set);
	crypto_wipe(set, sizeof(*set));
}
