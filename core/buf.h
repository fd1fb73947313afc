/*
 * buf.h: a growable byte buffer for building messages, and the
 * bounds-checked reader through which all untrusted bytes are read.
 */
#ifndef IKELAB_CORE_BUF_H
#define IKELAB_CORE_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growable byte string. A zeroed struct is an empty buffer. */
struct buf {
	uint8_t	*p;
	size_t	 len;
	size_t	 cap;
};

/* Append N bytes (P may be NULL to append zeros). 0 or IKE_ENOMEM. */
int	buf_add(struct buf *b, const void *p, size_t n);
int	buf_add_u8(struct buf *b, uint8_t v);
int	buf_add_u16(struct buf *b, uint16_t v);	/* big-endian */
int	buf_add_u32(struct buf *b, uint32_t v);	/* big-endian */
/* Overwrite bytes already in the buffer (OFF + 2 or 4 <= len). */
void	buf_put_u16(struct buf *b, size_t off, uint16_t v);
void	buf_put_u32(struct buf *b, size_t off, uint32_t v);
/* Make B an exact copy of SRC. */
int	buf_copy(struct buf *b, const struct buf *src);
int	buf_set(struct buf *b, const void *p, size_t n);
/* Wipe the bytes (they may hold keys) and release the memory. */
void	buf_free(struct buf *b);
bool	buf_eq(const struct buf *a, const struct buf *b);

/* Big-endian loads from memory the caller has already bounds-checked. */
uint16_t be16(const uint8_t *p);
uint32_t be32(const uint8_t *p);

/*
 * The reader: a window [0, len) over untrusted bytes with a cursor.
 * BASE is the offset of buf[0] in the whole message, so that offsets in
 * diagnostics always count from the start of the message.
 */
struct ike_rd {
	const uint8_t	*buf;
	size_t		 len;
	size_t		 off;
	size_t		 base;
};

#define RD_INIT(b, n)	{ (b), (n), 0, 0 }

size_t	rd_left(const struct ike_rd *rd);
/* Offset of the cursor from the start of the whole message. */
size_t	rd_pos(const struct ike_rd *rd);
int	rd_u8(struct ike_rd *rd, uint8_t *v);
int	rd_u16(struct ike_rd *rd, uint16_t *v);
int	rd_u32(struct ike_rd *rd, uint32_t *v);
/* Copy N bytes out. */
int	rd_bytes(struct ike_rd *rd, void *out, size_t n);
/* Point *P at the next N bytes (inside RD's buffer) and skip them. */
int	rd_ptr(struct ike_rd *rd, const uint8_t **p, size_t n);
int	rd_skip(struct ike_rd *rd, size_t n);
/* Split off exactly N bytes as a child reader; the parent skips them. */
int	rd_sub(struct ike_rd *rd, size_t n, struct ike_rd *child);

#endif /* IKELAB_CORE_BUF_H */
