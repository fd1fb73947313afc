/*
 * trace.h: the append-only record of everything that happens in a
 * session. The REPL, the ladder, the exports and the tests all read it;
 * core/ only appends.
 */
#ifndef IKELAB_CORE_TRACE_H
#define IKELAB_CORE_TRACE_H

#include <stddef.h>
#include <stdint.h>

/* Event kinds; the names (trace_kind_name) are the JSON "event" values. */
enum tr_kind {
	TR_SEND,		/* a peer put a new message on the link */
	TR_RESEND,		/* a peer sent stored bytes again */
	TR_DELIVER,		/* the link handed a packet to its receiver */
	TR_DROP,		/* the link lost a packet (rule or command) */
	TR_DELAY,		/* a packet's due time moved */
	TR_DUP,			/* the link copied a packet */
	TR_SWAP,		/* two packets exchanged due times */
	TR_CORRUPT,		/* a byte or bit of a packet changed */
	TR_INJECT,		/* the user put raw bytes on the link */
	TR_RULE_MATCH,		/* an armed rule matched a packet */
	TR_DISCARD,		/* a receiver threw a packet away */
	TR_FRAGMENT,
	TR_REASSEMBLE,
	TR_STATE,		/* a state transition, with its reason */
	TR_TIMER_ARMED,
	TR_TIMER_FIRED,
	TR_TIMER_CANCELLED,
	TR_GIVE_UP,		/* retransmissions exhausted */
	TR_NOTIFY,		/* a notify was sent or received */
	TR_SA_UP,		/* an ISAKMP or IPsec SA is established */
	TR_SA_DELETED,
	TR_RESTART,		/* a peer starts an exchange again */
	TR_KEYS,		/* keying material was derived */
	TR_ESP,
	TR_NKINDS
};

#define TR_LABEL_LEN	24
#define TR_TEXT_LEN	160

/*
 * One event. Fields that do not apply are 0, -1 or "" as noted; the
 * JSON writer in cli/ prints only those that apply to the kind.
 */
struct tr_event {
	uint64_t	 t_ms;		/* virtual time */
	enum tr_kind	 kind;
	char		 peer;		/* 'i' or 'r'; link events: the sender */
	int		 pkt;		/* packet number, 0 for none */
	char		 label[TR_LABEL_LEN];
	char		 reason[TR_TEXT_LEN];	/* "" when none applies */
	int		 try_no;	/* resend, timer_*: try count */
	uint64_t	 due_ms;	/* timer_armed, delay, send: due time */
	int		 copy_of;	/* dup: the original packet */
	int		 other;		/* swap: the other packet; rule: id */
	long		 off;		/* corrupt: byte offset, -1 if none */
	int		 bit;		/* corrupt: bit 0-7, -1 for a byte */
	uint8_t		 was;		/* corrupt: byte before */
	uint8_t		 now;		/* corrupt: byte after */
	char		 from[16];	/* state: old and new state names */
	char		 to[16];
	uint32_t	 msgid;		/* state, keys, notify, sa_*: M-ID */
	uint16_t	 notify;	/* notify: type */
	uint32_t	 spi;		/* sa_up (phase 2), keys: SPI */
};

struct trace {
	struct tr_event	*ev;
	size_t		 n;
	size_t		 cap;
};

/* Append a copy of EV. 0 or IKE_ENOMEM (the event is then lost). */
int	trace_add(struct trace *t, const struct tr_event *ev);
/* Release all events. */
void	trace_free(struct trace *t);
/* JSON name of KIND ("send", "timer_armed", ...). */
const char *trace_kind_name(enum tr_kind kind);

/*
 * The name a state event EV is drawn with on a lifeline (the ladder and
 * the timeline): its state, with "QM " before a Quick Mode's FAILED or
 * DELETED so that it is not read as phase 1's. Returns OUT.
 */
const char *trace_state_mark(const struct tr_event *ev, char *out,
	    size_t len);

#endif /* IKELAB_CORE_TRACE_H */
