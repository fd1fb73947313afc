/*
 * rng.h: seeded, reproducible random streams. The same seed and stream
 * number give the same bytes on every machine, so a session can be
 * replayed exactly (DESIGN.md, "Randomness").
 */
#ifndef IKELAB_CORE_RNG_H
#define IKELAB_CORE_RNG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Stream numbers. RNG_FRAG draws IKE fragment IDs only, so that a
 * fragmented resend never shifts a cookie, nonce or SPI of the crypto
 * stream.
 */
enum { RNG_CRYPTO = 1, RNG_FAULT = 2, RNG_FRAG = 3 };

/* SHA2-256 in counter mode over (seed, stream, block counter). */
struct rng {
	uint64_t	 seed;
	uint8_t		 stream;
	uint64_t	 ctr;
	uint8_t		 blk[32];
	size_t		 used;		/* bytes of blk already handed out */
};

void	 rng_init(struct rng *r, uint64_t seed, uint8_t stream);
void	 rng_bytes(struct rng *r, void *out, size_t n);
/* Like rng_bytes, but never all zero bytes (cookies, M-IDs). */
void	 rng_nonzero(struct rng *r, void *out, size_t n);
uint32_t rng_u32(struct rng *r);
/* Uniform in [0, 1). */
double	 rng_unit(struct rng *r);

#endif /* IKELAB_CORE_RNG_H */
