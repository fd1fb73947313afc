/*
 * cap.h: reading packet captures from memory. Classic pcap (either
 * byte order, microsecond or nanosecond timestamps) and pcapng (SHB,
 * IDB, EPB and SPB blocks; other blocks are skipped), then taking the
 * IPv4 / UDP / ESP layers apart to reach the IKE messages.
 *
 * core/ does no file I/O: the caller reads the whole file into memory
 * and hands the bytes over. Every problem is reported as "record N at
 * offset X: ..." with X counted from the start of the file.
 */
#ifndef IKELAB_CORE_CAP_H
#define IKELAB_CORE_CAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike.h"

/* Caps: a bigger record or block is refused with IKE_ELIMIT. */
#define CAP_MAX_RECORD	262144		/* captured bytes of one packet */
#define CAP_MAX_BLOCK	(CAP_MAX_RECORD + 65536) /* one pcapng block */
#define CAP_MAX_IFS	16		/* pcapng interfaces per section */

/* Link-layer header types (tcpdump.org "LINKTYPE_" registry). */
#define CAP_LINK_ETHERNET	1
#define CAP_LINK_RAW		101	/* bare IPv4 or IPv6 */
#define CAP_LINK_LINUX_SLL	113	/* Linux "cooked" v1 */
#define CAP_LINK_IPV4		228	/* bare IPv4 */
#define CAP_LINK_LINUX_SLL2	276	/* Linux "cooked" v2 */

/* One pcapng interface: what its packets' link type and clock are. */
struct cap_if {
	uint16_t	 linktype;
	uint32_t	 snaplen;	/* 0: no limit given */
	bool		 ts_pow2;	/* units are 2^-ts_exp s, else 10^-ts_exp s */
	uint8_t		 ts_exp;	/* 6 (microseconds) unless if_tsresol */
	int64_t		 ts_off;	/* if_tsoffset, seconds */
};

/*
 * A reader over a capture held in memory. Set up by cap_open; the
 * bytes must stay valid while records are read from it.
 */
struct cap_file {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;		/* where the next record/block starts */
	unsigned int	 recno;		/* packet records returned so far */
	bool		 is_ng;		/* pcapng, else classic pcap */
	bool		 swap;		/* file byte order is big-endian */
	/* Classic pcap: */
	bool		 nsec;		/* nanosecond timestamps */
	uint32_t	 snaplen;
	uint32_t	 linktype;
	/* pcapng, current section: */
	size_t		 nif;
	struct cap_if	 ifs[CAP_MAX_IFS];
};

/* One packet record. DATA points into the caller's file bytes. */
struct cap_rec {
	unsigned int	 no;		/* 1-based, as Wireshark numbers frames */
	uint64_t	 ts_ns;		/* nanoseconds since the Unix epoch */
	uint32_t	 linktype;	/* CAP_LINK_* or any other LINKTYPE_ */
	const uint8_t	*data;
	size_t		 caplen;	/* bytes present in DATA */
	size_t		 origlen;	/* bytes the packet had on the wire */
	size_t		 off;		/* file offset of DATA[0] */
};

/* What cap_decode found inside a frame. */
enum cap_kind {
	CAP_NOT_IPV4,	/* ARP, IPv6, unknown link type: not looked into */
	CAP_IPV4,	/* IPv4, neither UDP nor ESP; DATA = IP payload */
	CAP_FRAGMENT,	/* IPv4 fragment; DATA = this fragment's payload */
	CAP_UDP,	/* UDP other than 500/4500; DATA = UDP payload */
	CAP_IKE,	/* ISAKMP message (non-ESP marker removed) */
	CAP_ESP,	/* ESP packet from the SPI on (IP proto 50 or UDP) */
	CAP_KEEPALIVE,	/* NAT-T keepalive, one 0xff byte on UDP 4500 */
};

/* The layers of one frame. DATA points into the record's bytes. */
struct cap_pkt {
	enum cap_kind	 kind;
	uint8_t		 src[4];	/* IPv4 addresses, network order */
	uint8_t		 dst[4];
	uint8_t		 proto;		/* IP protocol: 17 UDP, 50 ESP ... */
	uint16_t	 sport;		/* UDP ports, 0 when not UDP */
	uint16_t	 dport;
	bool		 natt;		/* carried on UDP 4500 (RFC 3948) */
	const uint8_t	*data;
	size_t		 len;
	size_t		 off;		/* file offset of DATA[0] */
};

/*
 * Recognise the file format from its first bytes and prepare CF to
 * read records. For pcapng, the first section header is read here.
 */
int	cap_open(struct cap_file *cf, const uint8_t *p, size_t len,
	    struct ike_diag *dg);

/*
 * Read the next packet record into REC. Returns 0, IKE_ENOENT at a
 * clean end of the file, or an error naming the record and offset.
 */
int	cap_next(struct cap_file *cf, struct cap_rec *rec, struct ike_diag *dg);

/*
 * Take an Ethernet, raw IPv4 or Linux cooked frame apart down to the
 * IKE message or ESP packet it carries. Frames that are not IPv4 give
 * CAP_NOT_IPV4 (not an error); broken headers are errors.
 */
int	cap_decode(const struct cap_rec *rec, struct cap_pkt *pkt,
	    struct ike_diag *dg);

#endif /* IKELAB_CORE_CAP_H */
