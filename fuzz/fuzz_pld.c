/*
 * fuzz_pld.c: libFuzzer target for the ISAKMP decoder. The input is one
 * datagram. It goes through the header parser, the payload chain
 * walker, every body decoder on every payload (whatever its type, so
 * that each decoder meets bytes it was not written for), the transform
 * readers on every transform, and the tree and hex dumps.
 *
 * Build with scripts/fuzz.sh (clang, -fsanitize=fuzzer,address,undefined).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pld.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
			(void)pld_p1_from_xform(&sa->prop[i].xf[j], &p1, &dg);
			(void)pld_p2_from_xform(&sa->prop[i].xf[j], &p2, &dg);
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
	(void)pld_id_parse(r, &id, &dg);
	(void)pld_notify_parse(r, &n, &dg);
	(void)pld_delete_parse(r, &d, &dg);
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
