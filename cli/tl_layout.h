/*
 * tl_layout.h: the layout of the full-screen timeline, without a
 * terminal. The trace goes in; rows, columns and texts come out. The
 * only code that draws them with curses is timeline.c (STYLE.md B.11:
 * a pure layout step, a thin render step), so everything here can be
 * tested with exact rows and columns.
 *
 * The diagram has one row per packet put on the link (an arrow on the
 * row of its send time), per state change, give-up and restart (a mark
 * on the peer's lifeline). An index of those rows is kept up to date
 * as the trace grows, so that only the rows of the visible window are
 * ever laid out, also for a trace of 100,000 events.
 */
#ifndef IKELAB_CLI_TL_LAYOUT_H
#define IKELAB_CLI_TL_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sess.h"

#define TL_MIN_W	64	/* smaller terminals get a message */
#define TL_MIN_H	18
#define TL_TIME_W	10	/* "165060 ms", right-aligned */
#define TL_COL_I	11	/* the initiator's lifeline */
#define TL_LABEL_LEN	40
#define TL_NOTE_LEN	320
#define TL_LINE_LEN	512	/* one panel or status line */

/* Where the diagram's columns are for a given width. */
struct tl_geom {
	int	width;
	int	col_i;		/* initiator's lifeline */
	int	col_r;		/* responder's lifeline */
	int	col_note;	/* notes start here */
};

/* What a diagram row shows. */
enum tl_row_kind {
	TL_ROW_ARROW,		/* a packet: send, resend, dup, inject */
	TL_ROW_STATE,		/* a state change, marked on a lifeline */
	TL_ROW_GIVE_UP,
	TL_ROW_RESTART,
	TL_NROW_KINDS
};

/* What became of a packet. */
enum tl_fate {
	TL_FATE_INFLIGHT,
	TL_FATE_DELIVERED,
	TL_FATE_DISCARDED,	/* delivered, then thrown away */
	TL_FATE_DROPPED,	/* lost on the link */
	TL_NFATES
};

/* How a row is coloured (the render step maps these to attributes). */
enum tl_style {
	TL_ST_PLAIN,
	TL_ST_RESEND,
	TL_ST_FAULT,		/* duplicated, corrupted, delayed, injected */
	TL_ST_DROP,
	TL_ST_DISCARD,
	TL_ST_FLIGHT,
	TL_ST_STATE,
	TL_ST_FAIL,		/* FAILED, give-up */
	TL_NSTYLES
};

/* Names of the enums above, for debug output and tests. */
extern const char *const tl_row_kind_names[TL_NROW_KINDS];
extern const char *const tl_fate_names[TL_NFATES];
extern const char *const tl_style_names[TL_NSTYLES];

/*
 * One laid-out row. Columns are 0-based screen columns of the diagram.
 * An arrow's shaft covers [shaft_x0, shaft_x1]; its head (or the X of a
 * dropped packet) is at head_x. TEXT (" AG2b #5 " or a state name) is
 * written from text_x on, never past text_end; the note from note_x.
 */
struct tl_row {
	enum tl_row_kind kind;
	enum tl_style	 style;
	enum tl_fate	 fate;		/* arrows only */
	size_t		 ev;		/* the trace event of the row */
	int		 pkt;		/* packet number, 0 for none */
	char		 peer;		/* sender, or the marked peer */
	uint64_t	 t_ms;
	bool		 show_time;	/* first row or a new time */
	int		 shaft_x0;
	int		 shaft_x1;	/* < shaft_x0: no shaft */
	char		 shaft;		/* '-', '=' resend, '~' corrupted */
	int		 head_x;	/* -1: none */
	char		 head;		/* '>' '<' 'X' */
	int		 flight_x;	/* "..." of a packet in flight, or -1 */
	int		 mark_x;	/* '*' on a lifeline, or -1 */
	int		 text_x;
	int		 text_end;
	char		 text[TL_LABEL_LEN];
	int		 note_x;
	char		 note[TL_NOTE_LEN];
};

/* What the index knows of one packet: trace event indexes, -1: none. */
struct tl_pktinfo {
	long	send;		/* send, resend, dup or inject */
	long	deliver;
	long	drop;
	long	discard;
	long	delay;		/* the last delay */
	long	swap;
	long	corrupt;
	long	notify;		/* the first notify about it */
};

/*
 * The rows of the diagram as trace event indexes, kept up to date
 * incrementally (tl_index_update looks only at new events).
 */
struct tl_index {
	const struct sess *s;		/* the session indexed */
	size_t		   scanned;	/* trace events looked at */
	size_t		  *rows;
	size_t		   nrows;
	size_t		   caprows;
	struct tl_pktinfo *pk;		/* pk[N] is packet N; pk[0] unused */
	long		   last_state[2];	/* each peer's last state event */
	size_t		   npk;		/* entries in pk */
	size_t		   cappk;
};

/* The areas of the screen, for one terminal size. */
struct tl_rect {
	int	y;
	int	x;
	int	h;
	int	w;
};

struct tl_screen {
	bool		too_small;
	struct tl_rect	status;		/* top line */
	struct tl_rect	head;		/* "time  I ... R" */
	struct tl_rect	diag;		/* the diagram rows (or a viewer) */
	struct tl_rect	peers_title;
	struct tl_rect	peer[2];	/* i on the left, r on the right */
	struct tl_rect	timers_title;
	struct tl_rect	timers[2];
	struct tl_rect	out;		/* the last command's output */
	struct tl_rect	cmd;		/* the command line */
	int		sep_x;		/* the column between i and r */
};

/* One armed timer, for the timers panel. */
struct tl_timer {
	char		 peer;		/* 'i' or 'r' */
	char		 what[TR_LABEL_LEN];	/* the label it resends */
	char		 xchg[24];	/* "phase 1", "quick mode 1" */
	bool		 give_up;	/* gives up instead of resending */
	unsigned int	 next_try;	/* resend number it will make */
	unsigned int	 tries;		/* the policy's resends */
	uint64_t	 due_ms;
	uint64_t	 in_ms;		/* countdown from the current time */
};

/* The diagram's columns for a terminal WIDTH columns wide. */
void	tl_geom_init(struct tl_geom *g, int width);
/* The screen areas for W x H; too_small when below TL_MIN_W x TL_MIN_H. */
void	tl_screen_layout(struct tl_screen *sc, int w, int h);

/* An empty index. */
void	tl_index_init(struct tl_index *ix);
/* Free what the index holds (it is empty again). */
void	tl_index_free(struct tl_index *ix);
/*
 * Take in the trace events of S that the index has not seen; rebuild
 * from scratch when S is another session or its trace got shorter.
 * 0 or IKE_ENOMEM.
 */
int	tl_index_update(struct tl_index *ix, const struct sess *s);
/* The row of packet N's arrow, or -1. */
long	tl_index_row_of_pkt(const struct tl_index *ix, int n);

/*
 * Lay out diagram rows FIRST .. FIRST + N - 1 (as far as they exist)
 * into ROWS; returns how many. Only these rows are looked at.
 */
size_t	tl_layout_window(const struct tl_index *ix, const struct sess *s,
	    const struct tl_geom *g, size_t first, size_t n,
	    struct tl_row *rows);
/* The row as text, G->width columns at most, trailing blanks cut. */
void	tl_row_text(const struct tl_row *r, const struct tl_geom *g,
	    char *out, size_t len);
/* The header line of the diagram ("      time  I ... R"). */
void	tl_head_text(const struct tl_geom *g, char *out, size_t len);

/* The armed timers of both peers, initiator first; returns how many. */
size_t	tl_timers(const struct sess *s, struct tl_timer *out, size_t max);
/* One timer as a line: "r AG2 resend 1/5 in 3990 ms, due 4005". */
void	tl_timer_text(const struct tl_timer *t, char *out, size_t len);
/*
 * The panel of peer P (PEER_I or PEER_R) as lines of at most WIDTH
 * columns: a title (name and phase 1 state), the last transition
 * ("FROM > TO: reason", from the index IX; without IX the reason
 * only), the cookies, then each Quick Mode (newest first) with message
 * ID, state and SPIs. The transition wraps onto more lines when MAX
 * leaves room for them. Returns the number of lines written.
 */
size_t	tl_peer_lines(const struct sess *s, const struct tl_index *ix, int p,
	    int width, char lines[][TL_LINE_LEN], size_t max);
/*
 * The status line: virtual time, running or paused and the speed, the
 * seed, the rules (spent ones marked).
 */
void	tl_status_text(const struct sess *s, uint64_t seed, bool running,
	    unsigned int speed, char *out, size_t len);

#endif /* IKELAB_CLI_TL_LAYOUT_H */
