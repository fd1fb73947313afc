/*
 * rng.c: seeded random streams, SHA2-256 in counter mode.
 */
#include <string.h>

#include "crypto.h"
#include "rng.h"

void
rng_init(struct rng *r, uint64_t seed, uint8_t stream)
{
	memset(r, 0, sizeof(*r));
	r->seed = seed;
	r->stream = stream;
	r->used = sizeof(r->blk);
}

/* Compute the next 32-byte block. */
static void
rng_refill(struct rng *r)
{
	uint8_t		in[17];
	struct ciov	v = { in, sizeof(in) };
	int		k;

	for (k = 0; k < 8; k++) {
		in[k] = (uint8_t)(r->seed >> (56 - 8 * k));
		in[9 + k] = (uint8_t)(r->ctr >> (56 - 8 * k));
	}
	in[8] = r->stream;
	(void)crypto_hash(IKE_HASH_SHA256, &v, 1, r->blk);
	r->ctr++;
	r->used = 0;
}

void
rng_bytes(struct rng *r, void *out, size_t n)
{
	uint8_t	*o = out;
	size_t	 take;

	while (n > 0) {
		if (r->used == sizeof(r->blk))
			rng_refill(r);
		take = sizeof(r->blk) - r->used;
		if (take > n)
			take = n;
		memcpy(o, r->blk + r->used, take);
		r->used += take;
		o += take;
		n -= take;
	}
}

void
rng_nonzero(struct rng *r, void *out, size_t n)
{
	const uint8_t	*p = out;
	size_t		 k;

	for (;;) {
		rng_bytes(r, out, n);
		for (k = 0; k < n; k++)
			if (p[k] != 0)
				return;
	}
}

uint32_t
rng_u32(struct rng *r)
{
	uint8_t	b[4];

	rng_bytes(r, b, sizeof(b));
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

double
rng_unit(struct rng *r)
{
	return (double)rng_u32(r) / 4294967296.0;
}
