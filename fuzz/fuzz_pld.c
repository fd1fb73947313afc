/*
 * fuzz_pld.c: libFuzzer target for the ISAKMP decoder. The input is one
 * datagram. It goes through the header parser, the payload chain
 * walker, every body decoder on every payload (whatever its type, so
 * that each decoder meets bytes it was not written for), the transform
 * readers on every transform, and the tree and hex dumps.
 *
 * Whatever decodes is also built again with the builders and decoded
 * once more: the result must be the same (a round trip), so that the
 * decoders and builders agree on every field.
 *
 * Build with scripts/fuzz.sh (clang, -fsanitize=fuzzer,address,undefined).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pld.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A message of one payload: the builder's output for round trips. */
struct rt {
	struct buf	 b;
	struct pld_wr	 w;
	struct pld_chain c;
};

static void
rt_begin(struct rt *t)
{
	struct pld_hdr	 h;

	memset(&h, 0, sizeof(h));
	memset(t, 0, sizeof(*t));
	h.version = IKE_VERSION_1_0;
	h.exch = IKE_EXCH_INFO;
	if (pld_wr_hdr(&t->w, &t->b, &h) != IKE_OK)
		abort();
}

/* Finish the message and walk it: its one payload must come back. */
static const struct pld_ref *
rt_end(struct rt *t, uint8_t type)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct pld_hdr	 h;

	pld_wr_done(&t->w);
	if (pld_hdr_parse(t->b.p, t->b.len, &h, &dg) != IKE_OK ||
	    pld_chain_parse(t->b.p + IKE_HDR_LEN, t->b.len - IKE_HDR_LEN,
	    IKE_HDR_LEN, h.next, &t->c, &dg) != IKE_OK || t->c.n != 1 ||
	    t->c.p[0].type != type)
		abort();
	return &t->c.p[0];
}

/* Are N bytes at A and B the same (either may be NULL when N is 0)? */
static bool
same(const uint8_t *a, const uint8_t *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}

/* Build P1 as an SA and read it back. */
static void
rt_p1(const struct p1_prop *p1)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct rt	 t;
	struct pld_sa	 sa;
	struct p1_prop	 back;

	rt_begin(&t);
	if (pld_add_sa_p1(&t.w, p1, 1) == IKE_OK) {
		if (pld_sa_parse(rt_end(&t, IKE_PLD_SA), &sa, &dg) != IKE_OK ||
		    sa.nprop != 1 || sa.prop[0].nxf != 1 ||
		    pld_p1_from_xform(&sa.prop[0].xf[0], &back, &dg) !=
		    IKE_OK || memcmp(&back, p1, sizeof(back)) != 0)
			abort();
	}
	buf_free(&t.b);
}

/* Build P2 as an ESP SA and read it back. */
static void
rt_p2(const struct p2_prop *p2)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct rt	 t;
	struct pld_sa	 sa;
	struct p2_prop	 back;

	rt_begin(&t);
	if (pld_add_sa_p2(&t.w, 0x01020304u, p2, 1) == IKE_OK) {
		if (pld_sa_parse(rt_end(&t, IKE_PLD_SA), &sa, &dg) != IKE_OK ||
		    sa.nprop != 1 || sa.prop[0].nxf != 1 ||
		    sa.prop[0].spi_size != 4 ||
		    pld_p2_from_xform(&sa.prop[0].xf[0], &back, &dg) !=
		    IKE_OK || memcmp(&back, p2, sizeof(back)) != 0)
			abort();
	}
	buf_free(&t.b);
}

/* Build ID, N and D payloads from what was decoded, and read them back. */
static void
rt_id(const struct pld_id *id)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct rt	 t;
	struct pld_id	 back;

	rt_begin(&t);
	if (pld_add_id(&t.w, id) == IKE_OK) {
		if (pld_id_parse(rt_end(&t, IKE_PLD_ID), &back, &dg) !=
		    IKE_OK || back.type != id->type ||
		    back.proto != id->proto || back.port != id->port ||
		    back.len != id->len || !same(back.data, id->data, id->len))
			abort();
	}
	buf_free(&t.b);
}

static void
rt_notify(const struct pld_notify *n)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct rt	 t;
	struct pld_notify back;

	rt_begin(&t);
	if (pld_add_notify(&t.w, n) == IKE_OK) {
		if (pld_notify_parse(rt_end(&t, IKE_PLD_N), &back, &dg) !=
		    IKE_OK || back.doi != n->doi || back.proto != n->proto ||
		    back.spi_size != n->spi_size || back.type != n->type ||
		    !same(back.spi, n->spi, n->spi_size) ||
		    back.data_len != n->data_len ||
		    !same(back.data, n->data, n->data_len))
			abort();
	}
	buf_free(&t.b);
}

static void
rt_delete(const struct pld_delete *d)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct rt	 t;
	struct pld_delete back;

	rt_begin(&t);
	if (pld_add_delete(&t.w, d) == IKE_OK) {
		if (pld_delete_parse(rt_end(&t, IKE_PLD_D), &back, &dg) !=
		    IKE_OK || back.doi != d->doi || back.proto != d->proto ||
		    back.spi_size != d->spi_size || back.count != d->count ||
		    !same(back.spis, d->spis, (size_t)d->spi_size * d->count))
			abort();
	}
	buf_free(&t.b);
}

/* Read every transform of SA both as a phase 1 and a phase 2 one. */
static void
fuzz_sa(const struct pld_sa *sa)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct p1_prop	 p1;
	struct p2_prop	 p2;
	size_t		 i, j;

	if (sa->nprop > PLD_MAX_PROPS)
		abort();
	for (i = 0; i < sa->nprop; i++) {
		if (sa->prop[i].nxf > PLD_MAX_XFORMS)
			abort();
		for (j = 0; j < sa->prop[i].nxf; j++) {
			if (sa->prop[i].xf[j].nattr > PLD_MAX_ATTRS)
				abort();
			if (pld_p1_from_xform(&sa->prop[i].xf[j], &p1, &dg) ==
			    IKE_OK)
				rt_p1(&p1);
			if (pld_p2_from_xform(&sa->prop[i].xf[j], &p2, &dg) ==
			    IKE_OK)
				rt_p2(&p2);
		}
	}
}

/* Run every body decoder over one payload. */
static void
fuzz_ref(const struct pld_ref *r)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct pld_sa	 sa;
	struct pld_id	 id;
	struct pld_notify n;
	struct pld_delete d;

	if (pld_sa_parse(r, &sa, &dg) == IKE_OK)
		fuzz_sa(&sa);
	if (pld_id_parse(r, &id, &dg) == IKE_OK)
		rt_id(&id);
	if (pld_notify_parse(r, &n, &dg) == IKE_OK)
		rt_notify(&n);
	if (pld_delete_parse(r, &d, &dg) == IKE_OK)
		rt_delete(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct pld_hdr	 h;
	struct pld_chain c;
	struct buf	 out = { 0 };
	size_t		 i;
	uint8_t		 first, *copy;

	if (size > PLD_MAX_MSG)
		return 0;
	/*
	 * Walk the body even when the header is refused (a wrong length
	 * field, say): the chain walker must stand on its own.
	 */
	(void)pld_hdr_parse(data, size, &h, &dg);
	if (size >= IKE_HDR_LEN) {
		first = data[16];
		if (pld_chain_parse(data + IKE_HDR_LEN, size - IKE_HDR_LEN,
		    IKE_HDR_LEN, first, &c, &dg) == IKE_OK) {
			if (c.n > PLD_MAX_CHAIN || c.end > size)
				abort();
			for (i = 0; i < c.n; i++) {
				if (c.p[i].off + c.p[i].len > size)
					abort();
				fuzz_ref(&c.p[i]);
			}
			(void)pld_find(&c, IKE_PLD_SA);
		}
	}

	(void)pld_dump(data, size, NULL, 0, &out);
	buf_free(&out);
	/*
	 * Again with the encryption flag set and the body handed over as
	 * if it were the decrypted text.
	 */
	if (size >= IKE_HDR_LEN && (copy = malloc(size)) != NULL) {
		memcpy(copy, data, size);
		copy[19] |= IKE_FLAG_ENC;
		(void)pld_dump(copy, size, copy + IKE_HDR_LEN,
		    size - IKE_HDR_LEN, &out);
		buf_free(&out);
		free(copy);
	}
	(void)pld_hexdump(data, size, 0, &out);
	buf_free(&out);
	return 0;
}
