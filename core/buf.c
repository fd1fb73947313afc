/*
 * buf.c: growable byte buffers and the bounds-checked reader.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"

#include "buf.h"
#include "ike.h"

/* Make room for N more bytes. */
static int
buf_grow(struct buf *b, size_t n)
{
	size_t	 cap;
	uint8_t	*np;

	if (n > SIZE_MAX / 2 - b->len)
		return IKE_ENOMEM;
	if (b->len + n <= b->cap)
		return IKE_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + n)
		cap *= 2;
	/* Not realloc: the old bytes may be key material to wipe. */
	if ((np = malloc(cap)) == NULL)
		return IKE_ENOMEM;
	if (b->len > 0)
		memcpy(np, b->p, b->len);
	if (b->p != NULL) {
		crypto_wipe(b->p, b->cap);
		free(b->p);
	}
	b->p = np;
	b->cap = cap;
	return IKE_OK;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return IKE_OK;
	if (buf_grow(b, n) != IKE_OK)
		return IKE_ENOMEM;
	if (p != NULL)
		memcpy(b->p + b->len, p, n);
	else
		memset(b->p + b->len, 0, n);
	b->len += n;
	return IKE_OK;
}

int
buf_add_u8(struct buf *b, uint8_t v)
{
	return buf_add(b, &v, 1);
}

int
buf_add_u16(struct buf *b, uint16_t v)
{
	uint8_t	x[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return buf_add(b, x, sizeof(x));
}

int
buf_add_u32(struct buf *b, uint32_t v)
{
	uint8_t	x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	return buf_add(b, x, sizeof(x));
}

void
buf_put_u16(struct buf *b, size_t off, uint16_t v)
{
	b->p[off] = (uint8_t)(v >> 8);
	b->p[off + 1] = (uint8_t)v;
}

void
buf_put_u32(struct buf *b, size_t off, uint32_t v)
{
	b->p[off] = (uint8_t)(v >> 24);
	b->p[off + 1] = (uint8_t)(v >> 16);
	b->p[off + 2] = (uint8_t)(v >> 8);
	b->p[off + 3] = (uint8_t)v;
}

int
buf_set(struct buf *b, const void *p, size_t n)
{
	b->len = 0;
	return buf_add(b, p, n);
}

int
buf_copy(struct buf *b, const struct buf *src)
{
	return buf_set(b, src->p, src->len);
}

void
buf_free(struct buf *b)
{
	if (b->p != NULL) {
		crypto_wipe(b->p, b->cap);
		free(b->p);
	}
	b->p = NULL;
	b->len = b->cap = 0;
}

bool
buf_eq(const struct buf *a, const struct buf *b)
{
	if (a->len != b->len)
		return false;
	return a->len == 0 || memcmp(a->p, b->p, a->len) == 0;
}

uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

size_t
rd_left(const struct ike_rd *rd)
{
	return rd->len - rd->off;
}

size_t
rd_pos(const struct ike_rd *rd)
{
	return rd->base + rd->off;
}

int
rd_ptr(struct ike_rd *rd, const uint8_t **p, size_t n)
{
	if (rd_left(rd) < n)
		return IKE_ESHORT;
	*p = rd->buf + rd->off;
	rd->off += n;
	return IKE_OK;
}

int
rd_skip(struct ike_rd *rd, size_t n)
{
	const uint8_t	*p;

	return rd_ptr(rd, &p, n);
}

int
rd_bytes(struct ike_rd *rd, void *out, size_t n)
{
	const uint8_t	*p;

	if (rd_ptr(rd, &p, n) != IKE_OK)
		return IKE_ESHORT;
	if (n > 0)
		memcpy(out, p, n);
	return IKE_OK;
}

int
rd_u8(struct ike_rd *rd, uint8_t *v)
{
	const uint8_t	*p;

	if (rd_ptr(rd, &p, 1) != IKE_OK)
		return IKE_ESHORT;
	*v = p[0];
	return IKE_OK;
}

int
rd_u16(struct ike_rd *rd, uint16_t *v)
{
	const uint8_t	*p;

	if (rd_ptr(rd, &p, 2) != IKE_OK)
		return IKE_ESHORT;
	*v = be16(p);
	return IKE_OK;
}

int
rd_u32(struct ike_rd *rd, uint32_t *v)
{
	const uint8_t	*p;

	if (rd_ptr(rd, &p, 4) != IKE_OK)
		return IKE_ESHORT;
	*v = be32(p);
	return IKE_OK;
}

int
rd_sub(struct ike_rd *rd, size_t n, struct ike_rd *child)
{
	if (rd_left(rd) < n)
		return IKE_ESHORT;
	child->buf = rd->buf + rd->off;
	child->len = n;
	child->off = 0;
	child->base = rd->base + rd->off;
	rd->off += n;
	return IKE_OK;
}
