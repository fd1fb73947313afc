/*
 * timeline.c: the full-screen timeline. The only file that includes
 * curses; it also drives GNU Readline through its callback interface
 * (line.c keeps the completion and the history, which the timeline
 * shares with the REPL).
 *
 * One loop: wait for a key (or a frame of an animated `run`), hand it
 * to the diagram or to Readline, and redraw once when something
 * changed. Handlers never draw, they mark the view dirty (STYLE.md
 * B.11). What is drawn comes from tl_layout.c; only the visible rows
 * of the diagram are ever laid out.
 *
 * The terminal is given back on every way out: leaving with q, quit,
 * Ctrl-C, SIGTERM/SIGHUP, and fatal signals (whose handler writes the
 * saved "leave full screen" strings and the saved terminal modes, both
 * async-signal-safe, then re-raises the signal).
 */
#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cli.h"
#include "line.h"
#include "timeline.h"
#include "tl_layout.h"

#define TL_PROMPT	"ikelab> "
#define TL_FRAME_MS	40	/* one frame of an animated run */
#define TL_IDLE_MS	200	/* how often an idle loop looks at signals */
#define TL_MAX_ROWS	256	/* diagram rows on one screen */
#define TL_MAX_TIMERS	(2 * (SESS_MAX_QM + 1))

/* Where the keys go. */
enum tl_focus {
	TL_FOCUS_CMD,		/* Readline has every key */
	TL_FOCUS_DIAG,		/* keys scroll, select, pause; q leaves */
};

static const char *const tl_focus_names[] = {
	[TL_FOCUS_CMD] = "command",
	[TL_FOCUS_DIAG] = "diagram",
};

/* Lines of text: a command's output or a packet's decode. */
struct tl_text {
	char	**v;
	size_t	  n;
};

/*
 * The whole state of the timeline. Readline's callbacks and the signal
 * handlers take no argument, so it is one static object.
 */
static struct {
	struct cli	*cli;
	SCREEN		*scr;		/* made once, kept for re-entry */
	bool		 active;
	bool		 color;
	bool		 mouse;
	bool		 leave;
	bool		 dirty;
	int		 w, h;
	struct tl_screen sc;
	struct tl_geom	 g;
	struct tl_index	 ix;
	enum tl_focus	 focus;
	/* The diagram's window: first row shown, the selected row. */
	size_t		 top;
	size_t		 sel;
	bool		 follow;	/* keep the newest row in view */
	/* Output of the last command; a viewer for long output. */
	struct tl_text	 out;
	struct tl_text	 view;
	char		 view_title[96];
	size_t		 view_top;
	size_t		 view_left;	/* columns scrolled off to the left */
	bool		 viewing;
	/* An animated run. */
	bool		 running;
	bool		 paused;
	unsigned int	 speed;		/* virtual ms per wall ms; 0: off */
	double		 carry;		/* virtual ms not yet ticked */
	struct timespec	 last;
	uint64_t	 horizon_end;
	char		*log_entry;	/* our merged entry in cli->log */
	char		 log_kind;	/* its command: 't'ick or 's'tep */
	char		 log_text[48];	/* and its text */
	uint64_t	 log_total;	/* its ms or steps */
	/* Bytes for Readline, from one key. */
	unsigned char	 q[16];
	size_t		 qh;
	size_t		 qn;
	/* FILE *s the commands wrote to before the timeline. */
	FILE		*saved_tty;
	FILE		*saved_out;
	FILE		*devnull;
} tl = { .speed = 1 };

/* Saved for the signal handlers: terminal modes, "leave" strings. */
static struct termios		tl_tio;
static volatile sig_atomic_t	tl_have_tio;
static char			tl_restore[256];
static size_t			tl_restore_len;
static volatile sig_atomic_t	tl_sigint;

static const int tl_fatal_sigs[] = {
	SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
};
#define TL_NFATAL	(sizeof(tl_fatal_sigs) / sizeof(tl_fatal_sigs[0]))
static struct sigaction		tl_old_fatal[TL_NFATAL];
static struct sigaction		tl_old_int;
static bool			tl_own_int;

/* Give the terminal back from a signal handler, then die of SIG. */
static void
tl_on_fatal(int sig)
{
	struct sigaction	sa;

	if (tl_have_tio) {
		if (write(STDOUT_FILENO, tl_restore, tl_restore_len) < 0)
			tl_have_tio = 0;
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &tl_tio);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(sig, &sa, NULL);
	(void)raise(sig);
}

static void
tl_on_sigint(int sig)
{
	(void)sig;
	tl_sigint = 1;
}

/* Append capability CAP's string to the restore sequence. */
static void
restore_add(const char *cap)
{
	char	*s = tigetstr(cap);
	size_t	 n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (tl_restore_len + n >= sizeof(tl_restore))
		return;
	memcpy(tl_restore + tl_restore_len, s, n);
	tl_restore_len += n;
}

static void
signals_install(void)
{
	struct sigaction	sa;
	size_t			k;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tl_on_fatal;
	sigemptyset(&sa.sa_mask);
	for (k = 0; k < TL_NFATAL; k++)
		(void)sigaction(tl_fatal_sigs[k], &sa, &tl_old_fatal[k]);
	/* Ctrl-C: line.c's handler when the REPL set one, else ours. */
	(void)sigaction(SIGINT, NULL, &tl_old_int);
	tl_own_int = tl_old_int.sa_handler == SIG_DFL ||
	    tl_old_int.sa_handler == SIG_IGN;
	if (tl_own_int) {
		sa.sa_handler = tl_on_sigint;
		(void)sigaction(SIGINT, &sa, NULL);
	}
}

static void
signals_restore(void)
{
	size_t	k;

	for (k = 0; k < TL_NFATAL; k++)
		(void)sigaction(tl_fatal_sigs[k], &tl_old_fatal[k], NULL);
	if (tl_own_int)
		(void)sigaction(SIGINT, &tl_old_int, NULL);
}

/* Was Ctrl-C pressed (either handler)? Clears the flags. */
static bool
interrupted(void)
{
	bool	was = tl_sigint != 0;

	tl_sigint = 0;
	return line_interrupted() || was;
}

static void
text_free(struct tl_text *t)
{
	size_t	k;

	for (k = 0; k < t->n; k++)
		free(t->v[k]);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

static void
text_add(struct tl_text *t, const char *s, size_t n)
{
	char	**nv, *l;
	size_t	  k;

	if ((nv = realloc(t->v, (t->n + 1) * sizeof(*nv))) == NULL)
		return;
	t->v = nv;
	if ((l = malloc(n + 1)) == NULL)
		return;
	for (k = 0; k < n; k++)
		l[k] = s[k] == '\t' ? ' ' : (unsigned char)s[k] < 0x20 ? '?' :
		    s[k];
	l[n] = '\0';
	t->v[t->n++] = l;
}

/* Split BUF (LEN bytes) into lines appended to T. */
static void
text_split(struct tl_text *t, const char *buf, size_t len)
{
	const char	*p = buf, *e = buf + len, *nl;

	while (p < e) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (nl == NULL)
			nl = e;
		text_add(t, p, (size_t)(nl - p));
		p = nl + 1;
	}
}

static void
say(const char *fmt, ...) IKE_PRINTF(1, 2);

/* Replace the output lines with one message. */
static void
say(const char *fmt, ...)
{
	char		 m[CLI_ERR_LEN + 64];
	const char	*p;
	size_t		 n, k;
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	text_free(&tl.out);
	/* A long message takes more lines of the output area. */
	for (p = m, n = strlen(m); n > 0; p += k, n -= k) {
		k = tl.w > 0 && n > (size_t)tl.w ? (size_t)tl.w : n;
		text_add(&tl.out, p, k);
	}
	tl.dirty = true;
}

static int	view_height(void);

/*
 * Open the viewer on the lines of T (taken over), titled TITLE; at its
 * last page when AT_END (where a lesson's task or a log's news is).
 */
static void
view_open(struct tl_text *t, const char *title, bool at_end)
{
	long	h = view_height();

	text_free(&tl.view);
	tl.view = *t;
	t->v = NULL;
	t->n = 0;
	snprintf(tl.view_title, sizeof(tl.view_title), "%s", title);
	tl.view_top = at_end && h > 0 && tl.view.n > (size_t)h ?
	    tl.view.n - (size_t)h : 0;
	tl.view_left = 0;
	tl.viewing = true;
	tl.dirty = true;
}

/* Close the viewer; its hint below goes too, so 'q' is not misread. */
static void
view_close(void)
{
	text_free(&tl.view);
	tl.viewing = false;
	text_free(&tl.out);
	say("(closed; q in the diagram now leaves the timeline)");
	tl.dirty = true;
}

/* Bring the index up to date; after a command, from scratch. */
static void
index_sync(bool rebuild)
{
	struct sess	*s = tl.cli->s;

	if (s == NULL)
		return;
	if (rebuild)
		tl.ix.s = NULL;
	if (tl_index_update(&tl.ix, s) != 0)
		say("out of memory");
	if (tl.follow && tl.ix.nrows > 0)
		tl.sel = tl.ix.nrows - 1;
	if (tl.sel >= tl.ix.nrows)
		tl.sel = tl.ix.nrows > 0 ? tl.ix.nrows - 1 : 0;
	tl.dirty = true;
}

/*
 * Run LINE as the REPL would, its output captured (the diagram shows
 * the trace, so trace events are not printed as text). Returns the
 * command's result; the output goes to *OUT when OUT is not NULL.
 * A command the user typed may replace the session (undo, reset, seed,
 * a lesson): the index is then rebuilt; the steps and ticks of an
 * animated run only add events (OUT is NULL for them).
 */
static int
exec_capture(const char *line, struct tl_text *out)
{
	struct cli	*cli = tl.cli;
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*m;
	int		 rc;

	if ((m = open_memstream(&buf, &len)) == NULL) {
		say("out of memory");
		return IKE_ENOMEM;
	}
	cli->tty = m;
	cli->out = m;
	/* The diagram shows the trace: it is not printed as text. */
	cli->trace_off = true;
	rc = cli_exec_line(cli, line);
	cli->trace_off = false;
	cli->tty = tl.saved_tty;
	cli->out = tl.saved_out;
	fclose(m);
	if (out != NULL) {
		text_split(out, buf, len);
		if (rc < 0) {
			char	e[CLI_ERR_LEN + 8];

			snprintf(e, sizeof(e), "error: %s", cli->err);
			text_add(out, e, strlen(e));
		}
	}
	free(buf);
	index_sync(out != NULL);
	return rc;
}

/* Run a command typed or chosen; long output opens the viewer. */
static void
exec_show(const char *line, const char *title)
{
	struct tl_text	t = { NULL, 0 };

	(void)exec_capture(line, &t);
	if (!tl.sc.too_small && t.n > (size_t)tl.sc.out.h) {
		view_open(&t, title, strncmp(line, "lesson", 6) == 0 ||
		    strncmp(line, "log", 3) == 0);
		text_free(&tl.out);
		say("(above: PgUp/PgDn scroll it; q in the diagram closes it)");
		return;
	}
	if (tl.viewing) {
		text_free(&tl.view);
		tl.viewing = false;
	}
	text_free(&tl.out);
	tl.out = t;
	tl.dirty = true;
}

/* Wall time in ms since *T (not changed). */
static double
wall_ms_elapsed(const struct timespec *t)
{
	struct timespec	now;
	double		d;

	clock_gettime(CLOCK_MONOTONIC, &now);
	d = (double)(now.tv_sec - t->tv_sec) * 1000.0 +
	    (double)(now.tv_nsec - t->tv_nsec) / 1e6;
	return d > 0 ? d : 0;
}

/* Wall time in ms since *T; *T becomes now. */
static double
wall_ms_since(struct timespec *t)
{
	double	ms = wall_ms_elapsed(t);

	clock_gettime(CLOCK_MONOTONIC, t);
	return ms;
}

static void
anim_stop(const char *why)
{
	tl.running = false;
	tl.paused = false;
	say("%s", why);
}

/*
 * An animated run is a series of "tick D" (time only: nothing falls
 * due within D) and "step" (one event, the clock jumps to it). In the
 * command log (undo, `save script`) a run of ticks is kept as ONE tick
 * of their sum and a run of steps as ONE "step K": replaying those
 * processes exactly the same events.
 */
static void
anim_merge_log(char kind, uint64_t amount)
{
	struct cli	*cli = tl.cli;
	char		 t[48], *m;

	if (cli->nlog == 0)
		return;
	if (cli->nlog >= 2 && tl.log_entry != NULL && tl.log_kind == kind &&
	    cli->log[cli->nlog - 2] == tl.log_entry &&
	    strcmp(tl.log_entry, tl.log_text) == 0) {
		tl.log_total += amount;
		if (kind == 't')
			snprintf(t, sizeof(t), "tick %" PRIu64 "ms",
			    tl.log_total);
		else
			snprintf(t, sizeof(t), "step %" PRIu64, tl.log_total);
		if ((m = strdup(t)) == NULL)
			return;
		free(cli->log[cli->nlog - 2]);
		cli->log[cli->nlog - 2] = m;
		free(cli->log[cli->nlog - 1]);
		cli->nlog--;
		tl.log_entry = m;
		snprintf(tl.log_text, sizeof(tl.log_text), "%s", m);
		return;
	}
	tl.log_entry = cli->log[cli->nlog - 1];
	snprintf(tl.log_text, sizeof(tl.log_text), "%s", tl.log_entry);
	tl.log_kind = kind;
	tl.log_total = amount;
}

/* Run CMD for the animation, its output thrown away. */
static int
anim_exec(const char *cmd, char kind, uint64_t amount)
{
	size_t	before = tl.cli->nlog;

	if (exec_capture(cmd, NULL) < 0) {
		anim_stop("stopped: a step of the run failed");
		return -1;
	}
	if (tl.cli->nlog == before + 1)
		anim_merge_log(kind, amount);
	return 0;
}

/*
 * One frame of an animated run: virtual time moves by the wall time
 * since the last frame times the speed. Events due in that span run
 * one by one; when none is left the run stops at the last one, as a
 * plain `run` does.
 */
static void
anim_frame(void)
{
	struct sess	*s = tl.cli->s;
	struct timespec	 t0;
	uint64_t	 due, dv, target;
	unsigned long	 n;
	char		 cmd[48];

	if (!tl.running || tl.paused || s == NULL)
		return;
	tl.carry += wall_ms_since(&tl.last) * tl.speed;
	dv = (uint64_t)tl.carry;
	if (dv == 0)
		return;
	tl.carry -= (double)dv;
	target = s->now_ms + dv;
	if (target > tl.horizon_end)
		target = tl.horizon_end;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (n = 1;; n++) {
		s = tl.cli->s;
		if (!sess_next(s, &due)) {
			anim_stop("stopped: nothing pending");
			return;
		}
		if (due > target)
			break;
		if (anim_exec("step", 's', 1) != 0)
			return;
		/*
		 * More events than one frame can process: show what ran and
		 * go on from there next frame (the run is slower than asked,
		 * the keys still answer).
		 */
		if (n % 64 == 0 && wall_ms_elapsed(&t0) > TL_FRAME_MS) {
			tl.carry = 0;
			return;
		}
	}
	if (target > s->now_ms) {
		snprintf(cmd, sizeof(cmd), "tick %" PRIu64 "ms",
		    target - s->now_ms);
		if (anim_exec(cmd, 't', target - s->now_ms) != 0)
			return;
	}
	if (tl.cli->s->now_ms >= tl.horizon_end)
		anim_stop("stopped: horizon reached");
}

static void
anim_start(void)
{
	struct sess	*s = cli_sess(tl.cli);
	uint64_t	 due;

	if (s == NULL)
		return;
	if (tl.running) {
		tl.paused = false;
		clock_gettime(CLOCK_MONOTONIC, &tl.last);
		return;
	}
	if (!sess_next(s, &due)) {
		say("stopped: nothing pending%s", s->started ? "" :
		    " (type 'start' first)");
		return;
	}
	tl.running = true;
	tl.paused = false;
	tl.carry = 0;
	tl.log_entry = NULL;
	tl.horizon_end = s->now_ms + tl.cli->horizon_ms;
	clock_gettime(CLOCK_MONOTONIC, &tl.last);
	tl.follow = true;
	say("running at %ux: space (in the diagram) or Ctrl-C pauses",
	    tl.speed);
}

/* "10x" (1 to 10000) or "off" into *SPEED. */
static int
parse_speed(const char *s, unsigned int *speed)
{
	unsigned long	v;
	char		num[16];
	size_t		n = strlen(s);

	if (strcmp(s, "off") == 0) {
		*speed = 0;
		return 0;
	}
	if (n < 2 || n > sizeof(num) || s[n - 1] != 'x')
		return IKE_ESYNTAX;
	memcpy(num, s, n - 1);
	num[n - 1] = '\0';
	if (cli_parse_ulong(num, 1, 10000, &v) != 0)
		return IKE_ESYNTAX;
	*speed = (unsigned int)v;
	return 0;
}

static const unsigned int tl_speeds[] = { 1, 2, 5, 10, 20, 50, 100, 1000 };
#define TL_NSPEEDS	(sizeof(tl_speeds) / sizeof(tl_speeds[0]))

static void
speed_step(int dir)
{
	size_t	k;

	for (k = 0; k < TL_NSPEEDS && tl_speeds[k] < tl.speed; k++)
		;
	if (dir > 0 && k < TL_NSPEEDS && tl_speeds[k] == tl.speed)
		k++;
	else if (dir < 0)
		k = k > 0 ? k - 1 : 0;
	if (k >= TL_NSPEEDS)
		k = TL_NSPEEDS - 1;
	tl.speed = tl_speeds[k];
	say("speed %ux", tl.speed);
}

/* A line accepted by Readline. */
static void
on_line(char *line)
{
	char	 buf[CLI_LINE_MAX], err[80];
	char	*argv[CLI_MAX_ARGS + 1];
	int	 argc = 0;
	unsigned int sp;

	err[0] = '\0';
	if (line == NULL) {		/* Ctrl-D: as at the REPL */
		tl.cli->quit = true;
		return;
	}
	line_remember(tl.cli, line);
	tl.log_entry = NULL;	/* what the user types is never merged */
	if (cli_split(line, buf, sizeof(buf), argv, CLI_MAX_ARGS, &argc, err,
	    sizeof(err)) != 0 || argc == 0) {
		if (argc != 0 || err[0] != '\0')
			exec_show(line, line);
		free(line);
		return;
	}
	if (strcmp(argv[0], "tui") == 0) {
		if (argc == 2 && parse_speed(argv[1], &sp) == 0) {
			tl.speed = sp;
			if (sp == 0)
				say("'run' is instant now");
			else
				say("'run' animates at %ux now", sp);
		} else if (argc == 1)
			say("already in the timeline (q in the diagram leaves "
			    "it; Esc moves there)");
		else
			say("error: tui: '%s' is not a speed (1x, 10x, 100x "
			    "or off)", argv[1]);
	} else if (strcmp(argv[0], "run") == 0 && argc == 1 && tl.speed > 0)
		anim_start();
	else
		exec_show(line, line);
	free(line);
}

/*
 * Queue the bytes Readline expects for curses key C (an arrow is the
 * ANSI sequence Readline binds by default). False for a key it does
 * not use.
 */
static bool
queue_key(int c)
{
	static const struct {
		int		 key;
		const char	*seq;
	} map[] = {
		{ KEY_UP, "\033[A" }, { KEY_DOWN, "\033[B" },
		{ KEY_RIGHT, "\033[C" }, { KEY_LEFT, "\033[D" },
		{ KEY_HOME, "\033[H" }, { KEY_END, "\033[F" },
		{ KEY_DC, "\033[3~" }, { KEY_BACKSPACE, "\177" },
		{ KEY_ENTER, "\n" },
	};
	size_t	k;

	tl.qh = 0;
	tl.qn = 0;
	for (k = 0; k < sizeof(map) / sizeof(map[0]); k++)
		if (map[k].key == c) {
			tl.qn = strlen(map[k].seq);
			memcpy(tl.q, map[k].seq, tl.qn);
			return true;
		}
	if (c <= 0 || c > 255)
		return false;
	tl.q[0] = (unsigned char)c;
	tl.qn = 1;
	return true;
}

/* Readline's input: the bytes of the key being handed over. */
static int
rl_getc_tl(FILE *f)
{
	int	c;

	(void)f;
	while (tl.qn == 0) {
		/* Readline wants more than we queued: wait for a key. */
		wtimeout(stdscr, -1);
		if ((c = wgetch(stdscr)) == ERR)
			return EOF;
		(void)queue_key(c);
	}
	tl.qn--;
	return tl.q[tl.qh++];
}

static int
rl_avail_tl(void)
{
	return tl.qn > 0;
}

/* Readline wants its line shown: the loop will draw it. */
static void
rl_redisplay_tl(void)
{
	tl.dirty = true;
}

static void
rl_prep_tl(int meta)
{
	(void)meta;		/* curses owns the terminal modes */
}

static void
rl_deprep_tl(void)
{
}

/* Several completions: list them in the output lines. */
static void
rl_matches_tl(char **matches, int n, int maxlen)
{
	char	line[1024];
	size_t	o = 0;
	int	k;

	(void)maxlen;
	text_free(&tl.out);
	for (k = 1; k <= n; k++) {
		size_t	l = strlen(matches[k]);

		if (o > 0 && o + l + 2 > (size_t)(tl.w > 0 ? tl.w : 80)) {
			text_add(&tl.out, line, o);
			o = 0;
		}
		if (o + l + 2 >= sizeof(line))
			break;
		memcpy(line + o, matches[k], l);
		o += l;
		line[o++] = ' ';
		line[o++] = ' ';
	}
	if (o > 0)
		text_add(&tl.out, line, o);
	tl.dirty = true;
}

/* Hand key C (a curses key code) to Readline. */
static void
feed_key(int c)
{
	if (!queue_key(c))
		return;
	while (tl.qn > 0 && tl.active && !tl.cli->quit)
		rl_callback_read_char();
	tl.dirty = true;
}

/* Keep the selected row inside the window. */
static void
scroll_to_sel(void)
{
	size_t	h = tl.sc.diag.h > 0 ? (size_t)tl.sc.diag.h : 1;

	if (tl.ix.nrows == 0) {
		tl.top = tl.sel = 0;
		return;
	}
	if (tl.sel >= tl.ix.nrows)
		tl.sel = tl.ix.nrows - 1;
	if (tl.follow)
		tl.sel = tl.ix.nrows - 1;
	if (tl.sel < tl.top)
		tl.top = tl.sel;
	if (tl.sel >= tl.top + h)
		tl.top = tl.sel - h + 1;
	if (tl.top + h > tl.ix.nrows)
		tl.top = tl.ix.nrows > h ? tl.ix.nrows - h : 0;
}

/*
 * Say what the selected row is in full (a narrow screen cuts notes):
 * a packet's number, label and note, or the event as `log` prints it.
 */
static void
describe_sel(void)
{
	struct tl_row	r;
	char		line[TR_TEXT_LEN + 256];
	const char	*p;

	if (tl.cli->s == NULL || tl.sel >= tl.ix.nrows ||
	    tl_layout_window(&tl.ix, tl.cli->s, &tl.g, tl.sel, 1, &r) != 1)
		return;
	if (r.kind == TL_ROW_ARROW) {
		/* The arrow's text is " AG3 #3 ": without its blanks. */
		size_t	n = strlen(r.text);

		while (n > 0 && r.text[n - 1] == ' ')
			r.text[--n] = '\0';
		say("%s: %s", r.text + (r.text[0] == ' '), r.note[0] != '\0' ?
		    r.note : tl_fate_names[r.fate]);
		return;
	}
	cli_fmt_event(&tl.cli->s->trace.ev[r.ev], line, sizeof(line));
	for (p = line; *p == ' '; p++)
		;
	say("%s", p);
}

/* Lines the viewer shows: the diagram's rows and the panels'. */
static int
view_height(void)
{
	return tl.sc.out.y - tl.sc.diag.y;
}

/* Move the selection by D rows (the view follows). */
static void
move_sel(long d)
{
	size_t	n = tl.ix.nrows;

	if (tl.viewing) {
		long	t = (long)tl.view_top + d;
		long	max = (long)tl.view.n - view_height();

		if (max < 0)
			max = 0;
		tl.view_top = (size_t)(t < 0 ? 0 : t > max ? max : t);
		tl.dirty = true;
		return;
	}
	if (n == 0)
		return;
	if (d < 0 && (size_t)-d > tl.sel)
		tl.sel = 0;
	else if (d < 0)
		tl.sel -= (size_t)-d;
	else
		tl.sel = tl.sel + (size_t)d >= n ? n - 1 : tl.sel + (size_t)d;
	tl.follow = tl.sel == n - 1 && d > 0;
	scroll_to_sel();
	describe_sel();
	tl.dirty = true;
}

/* Open the decode of the packet on diagram row ROW. */
static void
open_decode(size_t row)
{
	const struct tr_event	*ev;
	char			 cmd[32], title[64];

	if (row >= tl.ix.nrows || tl.cli->s == NULL)
		return;
	ev = &tl.cli->s->trace.ev[tl.ix.rows[row]];
	if (ev->pkt <= 0) {
		describe_sel();
		return;
	}
	snprintf(cmd, sizeof(cmd), "show %d", ev->pkt);
	snprintf(title, sizeof(title), "packet #%d %s: q closes", ev->pkt,
	    ev->label);
	exec_show(cmd, title);
	if (tl.viewing)
		tl.focus = TL_FOCUS_DIAG;
}

static void
on_mouse(void)
{
	MEVENT	me;
	int	dy;

	if (getmouse(&me) != OK || tl.sc.too_small)
		return;
	if (me.bstate & BUTTON4_PRESSED) {
		tl.follow = false;
		move_sel(-3);
		return;
	}
#ifdef BUTTON5_PRESSED
	if (me.bstate & BUTTON5_PRESSED) {
		move_sel(3);
		return;
	}
#endif
	if (!(me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return;
	if (me.y == tl.sc.cmd.y) {
		tl.focus = TL_FOCUS_CMD;
		tl.dirty = true;
		return;
	}
	dy = me.y - tl.sc.diag.y;
	if (tl.viewing || dy < 0 || dy >= tl.sc.diag.h)
		return;
	if (tl.top + (size_t)dy >= tl.ix.nrows)
		return;
	tl.sel = tl.top + (size_t)dy;
	tl.follow = false;
	tl.focus = TL_FOCUS_DIAG;
	open_decode(tl.sel);
}

/* A key while the diagram (or the viewer over it) has the focus. */
static void
diag_key(int c)
{
	long	page = (tl.viewing ? view_height() : tl.sc.diag.h) - 1;

	if (page < 1)
		page = 1;

	switch (c) {
	case KEY_UP:
	case 'k':
		tl.follow = false;
		move_sel(-1);
		break;
	case KEY_DOWN:
	case 'j':
		move_sel(1);
		break;
	case KEY_PPAGE:
		tl.follow = false;
		move_sel(-page);
		break;
	case KEY_NPAGE:
	case ' ':
		if (c == ' ' && !tl.viewing) {
			if (tl.running)
				tl.paused = !tl.paused;
			if (tl.running && !tl.paused)
				clock_gettime(CLOCK_MONOTONIC, &tl.last);
			if (tl.running)
				say(tl.paused ? "paused (space resumes)" :
				    "running at %ux", tl.speed);
			else
				anim_start();
			break;
		}
		move_sel(page);
		break;
	case KEY_HOME:
	case 'g':
		tl.follow = false;
		move_sel(-(long)(tl.ix.nrows + tl.view.n));
		break;
	case KEY_END:
	case 'G':
		move_sel((long)(tl.ix.nrows + tl.view.n));
		tl.follow = !tl.viewing;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (tl.viewing)
			view_close();
		else
			open_decode(tl.sel);
		break;
	case KEY_LEFT:
	case 'h':
		if (tl.viewing)
			tl.view_left = tl.view_left > 8 ? tl.view_left - 8 : 0;
		break;
	case KEY_RIGHT:
	case 'l':
		if (tl.viewing && tl.view_left < TR_TEXT_LEN * 4)
			tl.view_left += 8;
		break;
	case '+':
	case '=':
		speed_step(1);
		break;
	case '-':
		speed_step(-1);
		break;
	case 's':
		exec_show("step", "step");
		break;
	case 'q':
		if (tl.viewing)
			view_close();
		else
			tl.leave = true;
		break;
	case '\t':
	case 27:
	case ':':
		tl.focus = TL_FOCUS_CMD;
		break;
	default:
		break;
	}
	tl.dirty = true;
}

/*
 * After an Esc that came with more bytes: a key's escape sequence that
 * curses did not know (the terminal is not what TERM says). Read it to
 * its end and return the key it stands for, 0 for one that is ignored,
 * or -1 when C2 (the byte after Esc) starts no sequence.
 */
static int
read_esc_seq(int c2)
{
	char	seq[16];
	size_t	n = 0;
	int	c;
	static const struct {
		const char	*seq;
		int		 key;
	} keys[] = {
		{ "[A", KEY_UP }, { "[B", KEY_DOWN }, { "[C", KEY_RIGHT },
		{ "[D", KEY_LEFT }, { "OA", KEY_UP }, { "OB", KEY_DOWN },
		{ "OC", KEY_RIGHT }, { "OD", KEY_LEFT }, { "[H", KEY_HOME },
		{ "OH", KEY_HOME }, { "[1~", KEY_HOME }, { "[7~", KEY_HOME },
		{ "[F", KEY_END }, { "OF", KEY_END }, { "[4~", KEY_END },
		{ "[8~", KEY_END }, { "[5~", KEY_PPAGE }, { "[6~", KEY_NPAGE },
		{ "[3~", KEY_DC },
	};
	size_t	k;

	if (c2 != '[' && c2 != 'O')
		return -1;
	seq[n++] = (char)c2;
	/* Parameters, then one final byte from '@' to '~'. */
	while (n < sizeof(seq) - 1 && (c = wgetch(stdscr)) != ERR) {
		seq[n++] = (char)c;
		if ((c2 == 'O' && n == 2) || (n > 1 && c >= '@' && c <= '~'))
			break;
	}
	seq[n] = '\0';
	for (k = 0; k < sizeof(keys) / sizeof(*keys); k++)
		if (strcmp(seq, keys[k].seq) == 0)
			return keys[k].key;
	return 0;
}

/* A key from curses: to the diagram, or to Readline. */
static void
on_key(int c)
{
	int	c2, k;

	if (c == KEY_RESIZE) {
		getmaxyx(stdscr, tl.h, tl.w);
		tl.dirty = true;
		return;
	}
	if (c == KEY_MOUSE) {
		on_mouse();
		return;
	}
	if (tl.sc.too_small) {
		if (c == 'q')
			tl.leave = true;
		return;
	}
	if (c == KEY_PPAGE || c == KEY_NPAGE) {
		diag_key(c);
		return;
	}
	if (c == 27) {
		/* An escape sequence curses did not decode is its key. */
		wtimeout(stdscr, 0);
		c2 = wgetch(stdscr);
		if (c2 != ERR && (k = read_esc_seq(c2)) >= 0) {
			if (k > 0)
				on_key(k);
			return;
		}
		if (c2 != ERR)
			ungetch(c2);
	}
	if (tl.focus == TL_FOCUS_DIAG) {
		diag_key(c);
		return;
	}
	if (c == 27) {
		/* A lone Esc moves the focus; Esc + key is Meta for Readline. */
		wtimeout(stdscr, 0);
		c2 = wgetch(stdscr);
		if (c2 == ERR || c2 > 255) {
			/* Esc alone, or Esc then an arrow or a page key. */
			tl.focus = TL_FOCUS_DIAG;
			tl.dirty = true;
			if (c2 != ERR)
				on_key(c2);
			return;
		}
		feed_key(27);
		feed_key(c2);
		return;
	}
	feed_key(c);
}

/* Ctrl-C: pause a run, else clear the line, else leave ikelab. */
static void
on_interrupt(void)
{
	if (tl.running && !tl.paused) {
		tl.paused = true;
		say("paused (Ctrl-C); space in the diagram resumes");
		return;
	}
	if (rl_line_buffer != NULL && rl_line_buffer[0] != '\0') {
		rl_replace_line("", 0);
		rl_point = 0;
		tl.dirty = true;
		return;
	}
	tl.cli->quit = true;
}

static attr_t
style_attr(enum tl_style st)
{
	if (tl.color)
		return (attr_t)COLOR_PAIR((short)(st + 1)) |
		    (st == TL_ST_DROP || st == TL_ST_FAIL ? A_BOLD : A_NORMAL);
	return st == TL_ST_DROP || st == TL_ST_FAIL ? A_BOLD : A_NORMAL;
}

/* Write S at Y, X, at most W columns. */
static void
put(int y, int x, int w, const char *s)
{
	if (w > 0)
		mvaddnstr(y, x, s, w);
}

/* A title line: TEXT then dashes to column X + W. */
static void
title(int y, int x, int w, const char *text)
{
	int	k, n = (int)strlen(text);

	attron(A_BOLD);
	for (k = 0; k < w; k++)
		mvaddch(y, x + k, '-');
	put(y, x + 1, w - 1, text);
	if (n + 1 < w)
		mvaddch(y, x + 1 + n, ' ');
	attroff(A_BOLD);
}

static void
draw_diagram(void)
{
	static struct tl_row	 rows[TL_MAX_ROWS];
	const struct tl_rect	*d = &tl.sc.diag;
	char			 line[TL_NOTE_LEN + 512];
	size_t			 n, k;
	int			 a, b;
	attr_t			 at;

	if (tl.viewing) {
		char	t[160];
		/* The viewer covers the panels too: a decode needs room. */
		struct tl_rect	vr = { d->y, 0, tl.sc.out.y - d->y, tl.w };

		d = &vr;

		snprintf(t, sizeof(t), "%s  (lines %zu-%zu of %zu)",
		    tl.view_title, tl.view_top + 1, tl.view_top +
		    (size_t)d->h < tl.view.n ? tl.view_top + (size_t)d->h :
		    tl.view.n, tl.view.n);
		attron(A_BOLD);
		put(tl.sc.head.y, 0, tl.w, t);
		attroff(A_BOLD);
		for (k = 0; k < (size_t)d->h && tl.view_top + k < tl.view.n;
		    k++)
			if (strlen(tl.view.v[tl.view_top + k]) > tl.view_left)
				put(d->y + (int)k, 0, tl.w,
				    tl.view.v[tl.view_top + k] + tl.view_left);
		return;
	}
	tl_head_text(&tl.g, line, sizeof(line));
	attron(A_BOLD);
	put(tl.sc.head.y, 0, tl.w, line);
	attroff(A_BOLD);
	if (tl.ix.nrows == 0) {
		put(d->y, TL_COL_I + 2, tl.w - TL_COL_I - 2,
		    "nothing yet: type 'start', then 'step'");
		return;
	}
	scroll_to_sel();
	if (tl.ix.nrows > (size_t)d->h) {
		/* Where the window is, on the header line's right. */
		char	where[80];
		int	wl;

		snprintf(where, sizeof(where), "rows %zu-%zu of %zu%s",
		    tl.top + 1, tl.top + (size_t)d->h, tl.ix.nrows,
		    tl.follow ? "" : ", End: newest");
		wl = (int)strlen(where);
		if (tl.g.col_note + wl < tl.w)
			put(tl.sc.head.y, tl.w - wl, wl, where);
	}
	n = tl_layout_window(&tl.ix, tl.cli->s, &tl.g, tl.top,
	    (size_t)d->h < TL_MAX_ROWS ? (size_t)d->h : TL_MAX_ROWS, rows);
	for (k = 0; k < n; k++) {
		const struct tl_row	*r = &rows[k];
		int			 y = d->y + (int)k;

		tl_row_text(r, &tl.g, line, sizeof(line));
		at = tl.top + k == tl.sel && tl.focus == TL_FOCUS_DIAG ?
		    A_REVERSE : A_NORMAL;
		attrset((int)at);
		put(y, 0, tl.w, line);
		if (r->kind == TL_ROW_ARROW) {
			a = r->head_x < r->shaft_x0 ? r->head_x : r->shaft_x0;
			b = r->head_x > r->shaft_x1 ? r->head_x : r->shaft_x1;
		} else {
			a = r->mark_x < r->text_x ? r->mark_x : r->text_x;
			b = r->mark_x > r->text_end ? r->mark_x : r->text_end;
		}
		if (r->flight_x >= 0 && r->flight_x < a)
			a = r->flight_x;
		if (r->flight_x >= 0 && r->flight_x + 2 > b)
			b = r->flight_x + 2;
		if (a < 0)
			a = 0;
		if (b >= tl.w)
			b = tl.w - 1;
		if (b >= a)
			mvchgat(y, a, b - a + 1, at | style_attr(r->style),
			    (short)PAIR_NUMBER((int)style_attr(r->style)), NULL);
		if (r->note[0] != '\0' && r->note_x < tl.w)
			mvchgat(y, r->note_x, tl.w - r->note_x, at |
			    style_attr(r->style),
			    (short)PAIR_NUMBER((int)style_attr(r->style)), NULL);
		attrset(A_NORMAL);
	}
}

static void
draw_panels(void)
{
	char		 lines[2][16][TL_LINE_LEN];
	size_t		 n[2], k, nt;
	struct tl_timer	 t[TL_MAX_TIMERS];
	char		 tx[TL_LINE_LEN];
	int		 p, row[2] = { 0, 0 }, y;
	const struct tl_screen *sc = &tl.sc;

	for (p = PEER_I; p <= PEER_R; p++)
		n[p] = tl_peer_lines(tl.cli->s, &tl.ix, p, sc->peer[p].w - 1,
		    lines[p],
		    (size_t)sc->peer[p].h + 1 < 16 ? (size_t)sc->peer[p].h +
		    1 : 16);
	title(sc->peers_title.y, 0, sc->sep_x, lines[PEER_I][0]);
	title(sc->peers_title.y, sc->sep_x + 1, sc->peer[1].w,
	    lines[PEER_R][0]);
	mvaddch(sc->peers_title.y, sc->sep_x, '+');
	for (p = PEER_I; p <= PEER_R; p++)
		for (k = 1; k < n[p]; k++)
			put(sc->peer[p].y + (int)k - 1, sc->peer[p].x + 1,
			    sc->peer[p].w - 1, lines[p][k]);
	snprintf(tx, sizeof(tx), "timers (virtual time %" PRIu64 " ms)",
	    tl.cli->s->now_ms);
	title(sc->timers_title.y, 0, tl.w, tx);
	for (y = sc->peer[0].y; y < sc->peer[0].y + sc->peer[0].h; y++)
		mvaddch(y, sc->sep_x, '|');
	for (y = sc->timers[0].y; y < sc->timers[0].y + sc->timers[0].h; y++)
		mvaddch(y, sc->sep_x, '|');
	nt = tl_timers(tl.cli->s, t, TL_MAX_TIMERS);
	for (k = 0; k < nt; k++) {
		p = t[k].peer == 'i' ? PEER_I : PEER_R;
		if (row[p] >= sc->timers[p].h)
			continue;
		tl_timer_text(&t[k], tx, sizeof(tx));
		put(sc->timers[p].y + row[p]++, sc->timers[p].x + 1,
		    sc->timers[p].w - 1, tx);
	}
	for (p = PEER_I; p <= PEER_R; p++)
		if (row[p] == 0)
			put(sc->timers[p].y, sc->timers[p].x + 1,
			    sc->timers[p].w - 1, p == PEER_I ?
			    "i: no timer armed" : "r: no timer armed");
}

static void
draw_cmd(void)
{
	const char	*pr = rl_display_prompt != NULL ? rl_display_prompt :
	    TL_PROMPT;
	const char	*buf = rl_line_buffer != NULL ? rl_line_buffer : "";
	int		 plen = (int)strlen(pr), avail, start = 0, y;
	size_t		 k, first;

	y = tl.sc.out.y;
	first = tl.out.n > (size_t)tl.sc.out.h ? tl.out.n -
	    (size_t)tl.sc.out.h : 0;
	for (k = first; k < tl.out.n; k++)
		put(y++, 0, tl.w, tl.out.v[k]);
	if (tl.focus == TL_FOCUS_CMD)
		attron(A_BOLD);
	put(tl.sc.cmd.y, 0, tl.w, pr);
	attroff(A_BOLD);
	avail = tl.w - plen - 1;
	if (avail < 1)
		return;
	if (rl_point > avail)
		start = rl_point - avail;
	if (start > (int)strlen(buf))
		start = 0;
	put(tl.sc.cmd.y, plen, avail, buf + start);
	move(tl.sc.cmd.y, plen + rl_point - start);
}

static void
draw_status(void)
{
	char	left[TL_LINE_LEN], right[80];
	int	rl, k;

	tl_status_text(tl.cli->s, tl.cli->seed, tl.running && !tl.paused,
	    tl.speed, left, sizeof(left));
	snprintf(right, sizeof(right), " [%s] ", tl_focus_names[tl.focus]);
	rl = (int)strlen(right);
	attron(A_REVERSE);
	for (k = 0; k < tl.w; k++)
		mvaddch(0, k, ' ');
	put(0, 0, tl.w - rl - 1, left);
	if (rl < tl.w)
		put(0, tl.w - rl, rl, right);
	attroff(A_REVERSE);
}

static void
draw(void)
{
	getmaxyx(stdscr, tl.h, tl.w);
	tl_screen_layout(&tl.sc, tl.w, tl.h);
	erase();
	if (tl.sc.too_small) {
		char	m[80];

		curs_set(0);
		snprintf(m, sizeof(m), "terminal too small: %dx%d", tl.w, tl.h);
		put(0, 0, tl.w, m);
		snprintf(m, sizeof(m), "the timeline needs %dx%d", TL_MIN_W,
		    TL_MIN_H);
		put(1, 0, tl.w, m);
		put(2, 0, tl.w, "enlarge it, or press q");
		wnoutrefresh(stdscr);
		doupdate();
		tl.dirty = false;
		return;
	}
	tl_geom_init(&tl.g, tl.w);
	index_sync(false);
	draw_status();
	if (!tl.viewing)
		draw_panels();
	draw_diagram();
	draw_cmd();
	if (tl.focus == TL_FOCUS_CMD)
		curs_set(1);
	else
		curs_set(0);
	wnoutrefresh(stdscr);
	doupdate();
	tl.dirty = false;
}

static void
colors_init(void)
{
	const char	*nc = getenv("NO_COLOR");
	short		 bg = -1;

	tl.color = false;
	if (!has_colors() || (nc != NULL && nc[0] != '\0'))
		return;
	if (start_color() != OK)
		return;
	if (use_default_colors() != OK)
		bg = COLOR_BLACK;
	init_pair(TL_ST_PLAIN + 1, -1 == bg ? -1 : COLOR_WHITE, bg);
	init_pair(TL_ST_RESEND + 1, COLOR_YELLOW, bg);
	init_pair(TL_ST_FAULT + 1, COLOR_MAGENTA, bg);
	init_pair(TL_ST_DROP + 1, COLOR_RED, bg);
	init_pair(TL_ST_DISCARD + 1, COLOR_RED, bg);
	init_pair(TL_ST_FLIGHT + 1, COLOR_CYAN, bg);
	init_pair(TL_ST_STATE + 1, COLOR_GREEN, bg);
	init_pair(TL_ST_FAIL + 1, COLOR_RED, bg);
	tl.color = true;
}

/* Set up curses (once) or come back to it. */
static int
screen_enter(void)
{
	if (tcgetattr(STDIN_FILENO, &tl_tio) != 0)
		return IKE_ESTATE;
	if (tl.scr == NULL) {
		/*
		 * Readline puts LINES and COLUMNS in the environment; curses
		 * would then never see a resize. Ask the terminal instead.
		 */
		use_tioctl(TRUE);
		unsetenv("LINES");
		unsetenv("COLUMNS");
		if ((tl.scr = newterm(NULL, stdout, stdin)) == NULL)
			return IKE_ESTATE;
		set_term(tl.scr);
		/* A terminal that cannot move the cursor (TERM=dumb). */
		if (tigetstr("cup") == NULL || tigetstr("cup") == (char *)-1) {
			endwin();
			delscreen(tl.scr);
			tl.scr = NULL;
			(void)tcsetattr(STDIN_FILENO, TCSANOW, &tl_tio);
			return IKE_ESTATE;
		}
		colors_init();
	} else {
		set_term(tl.scr);
		reset_prog_mode();
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	mouseinterval(0);
	tl.mouse = mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
	    | BUTTON5_PRESSED
#endif
	    , NULL) != 0;
	tl_restore_len = 0;
	if (tl.mouse) {
		memcpy(tl_restore, "\033[?1000l\033[?1006l", 16);
		tl_restore_len = 16;
	}
	restore_add("rmkx");
	restore_add("sgr0");
	restore_add("cnorm");
	restore_add("rmcup");
	tl_have_tio = 1;
	clear();
	return 0;
}

static void
screen_leave(void)
{
	mousemask(0, NULL);
	endwin();
	tl_have_tio = 0;
	fflush(stdout);
}

/* What Readline had before the timeline took it over. */
static struct {
	rl_getc_func_t		*getc;
	rl_hook_func_t		*avail;
	rl_voidfunc_t		*redisplay;
	rl_vintfunc_t		*prep;
	rl_voidfunc_t		*deprep;
	rl_compdisp_func_t	*matches;
	FILE			*outstream;
	int			 catch_signals;
	int			 catch_sigwinch;
	char			 bell[16];
} tl_rl;

static void
readline_enter(void)
{
	const char	*b = rl_variable_value("bell-style");

	tl_rl.getc = rl_getc_function;
	tl_rl.avail = rl_input_available_hook;
	tl_rl.redisplay = rl_redisplay_function;
	tl_rl.prep = rl_prep_term_function;
	tl_rl.deprep = rl_deprep_term_function;
	tl_rl.matches = rl_completion_display_matches_hook;
	tl_rl.outstream = rl_outstream;
	tl_rl.catch_signals = rl_catch_signals;
	tl_rl.catch_sigwinch = rl_catch_sigwinch;
	snprintf(tl_rl.bell, sizeof(tl_rl.bell), "%s", b != NULL ? b :
	    "audible");
	rl_getc_function = rl_getc_tl;
	rl_input_available_hook = rl_avail_tl;
	rl_redisplay_function = rl_redisplay_tl;
	rl_prep_term_function = rl_prep_tl;
	rl_deprep_term_function = rl_deprep_tl;
	rl_completion_display_matches_hook = rl_matches_tl;
	/* Whatever Readline itself would print must not reach curses. */
	if (tl.devnull == NULL)
		tl.devnull = fopen("/dev/null", "w");
	if (tl.devnull != NULL)
		rl_outstream = tl.devnull;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	(void)rl_variable_bind("bell-style", "none");
	rl_callback_handler_install(TL_PROMPT, on_line);
}

static void
readline_leave(void)
{
	rl_callback_handler_remove();
	rl_getc_function = tl_rl.getc;
	rl_input_available_hook = tl_rl.avail;
	rl_redisplay_function = tl_rl.redisplay;
	rl_prep_term_function = tl_rl.prep;
	rl_deprep_term_function = tl_rl.deprep;
	rl_completion_display_matches_hook = tl_rl.matches;
	/* NULL when readline() never ran yet: it must not stay /dev/null. */
	rl_outstream = tl_rl.outstream != NULL ? tl_rl.outstream : stdout;
	rl_catch_signals = tl_rl.catch_signals;
	rl_catch_sigwinch = tl_rl.catch_sigwinch;
	(void)rl_variable_bind("bell-style", tl_rl.bell);
}

/* The loop: one key (or frame), then one redraw if anything changed. */
static void
tl_loop(void)
{
	int	c;

	while (!tl.leave && !tl.cli->quit) {
		if (tl.dirty || tl.running)
			draw();
		wtimeout(stdscr, tl.running && !tl.paused ? TL_FRAME_MS :
		    TL_IDLE_MS);
		c = wgetch(stdscr);
		if (interrupted())
			on_interrupt();
		if (c != ERR)
			on_key(c);
		anim_frame();
	}
}

/* Run the timeline over CLI's session until it is left. */
static int
tl_run(struct cli *cli)
{
	char		 locale[64] = "C";
	const char	*old;
	int		 rc;

	tl.cli = cli;
	if (cli_sess(cli) == NULL)
		return cli_err(cli, "out of memory"), IKE_ENOMEM;
	tl.saved_tty = cli->tty;
	tl.saved_out = cli->out;
	fflush(cli->tty);
	fflush(cli->out);
	/*
	 * The user's character set while the timeline runs (a lesson's
	 * UTF-8 text shows as such); the rest of ikelab stays in "C".
	 */
	if ((old = setlocale(LC_CTYPE, NULL)) != NULL)
		snprintf(locale, sizeof(locale), "%s", old);
	(void)setlocale(LC_CTYPE, "");
	if ((rc = screen_enter()) != 0) {
		(void)setlocale(LC_CTYPE, locale);
		return cli_err(cli, "tui: this terminal cannot show the "
		    "timeline (TERM=%s)", getenv("TERM") != NULL ?
		    getenv("TERM") : "unset");
	}
	signals_install();
	readline_enter();
	tl.active = true;
	tl.leave = false;
	tl.focus = TL_FOCUS_CMD;
	tl.follow = true;
	tl.running = tl.paused = false;
	tl_index_init(&tl.ix);
	say("Commands as at the prompt. Esc: to the diagram (arrows, Enter "
	    "decodes, q leaves)");
	tl.dirty = true;
	tl_loop();
	tl.active = false;
	readline_leave();
	screen_leave();
	(void)setlocale(LC_CTYPE, locale);
	signals_restore();
	cli->tty = tl.saved_tty;
	cli->out = tl.saved_out;
	tl_index_free(&tl.ix);
	text_free(&tl.out);
	text_free(&tl.view);
	tl.viewing = false;
	tl.running = false;
	return 0;
}

int
tl_cmd_tui(struct cli *cli, int argc, char **argv)
{
	unsigned int	sp;

	if (tl.active)
		return cli_err(cli, "tui: already in the timeline");
	if (argc > 1) {
		if (parse_speed(argv[1], &sp) != 0)
			return cli_err(cli, "tui: '%s' is not a speed (1x, 10x, "
			    "100x or off)", argv[1]);
		tl.speed = sp;
	}
	if (!cli->interactive || !isatty(STDIN_FILENO) ||
	    !isatty(STDOUT_FILENO))
		return cli_err(cli, "tui: the timeline needs a terminal (start "
		    "ikelab on one, without -f)");
	if (tl_run(cli) != 0)
		return IKE_ESTATE;
	if (!cli->quit && cli->s != NULL)
		fprintf(cli->out, "back at the prompt; clock %" PRIu64 " ms\n",
		    cli->s->now_ms);
	return 0;
}
