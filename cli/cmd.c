/*
 * cmd.c: the command table and everything generated from it: dispatch
 * with argument-count checks, help, usage errors, close-match
 * suggestions and completion; plus the handlers of the commands that
 * change the session (the printing ones call print.c).
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "crypto.h"
#include "export.h"
#include "lesson.h"
#include "line.h"
#include "timeline.h"
#include "open.h"

#define CLI_STEP_MAX	1000000UL

/* What `save` writes; the first three here, the others in export.c. */
static const char *const cli_save_kinds[] = {
	"trace", "script", "ladder", "pcap", "keys", "secrets", "psk-crack",
};
#define CLI_NSAVE	(sizeof(cli_save_kinds) / sizeof(cli_save_kinds[0]))

static const char *const cli_rule_acts[] = {
	[RULE_DROP] = "drop", [RULE_DELAY] = "delay", [RULE_DUP] = "dup",
	[RULE_CORRUPT] = "corrupt",
};

/* Message names a label starts with (DESIGN.md, "Labels"). */
static const char *const cli_msg_names[] = {
	"AG1", "AG2", "AG3", "QM1", "QM2", "QM3", "INFO", "ESP",
};
#define CLI_NMSG	(sizeof(cli_msg_names) / sizeof(cli_msg_names[0]))

int
cli_err(struct cli *cli, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(cli->err, sizeof(cli->err), fmt, ap);
	va_end(ap);
	return IKE_ESYNTAX;
}

/* Report a failed engine call: "CMD: what the engine said". */
static int
cli_diag(struct cli *cli, const char *cmd, int rc,
    const struct ike_diag *dg)
{
	cli_err(cli, "%s: %s", cmd, dg->msg[0] != '\0' ? dg->msg :
	    ike_err_name(rc));
	return rc < 0 ? rc : IKE_ESYNTAX;
}

/* A seed for a session nobody chose one for: urandom, else the time. */
static uint64_t
cli_pick_seed(void)
{
	uint32_t	v = 0;
	int		fd;

	if ((fd = open("/dev/urandom", O_RDONLY)) >= 0) {
		if (read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
			v = 0;
		close(fd);
	}
	if (v == 0)
		v = (uint32_t)time(NULL) ^ (uint32_t)getpid();
	/* Short enough to type back in. */
	return 1 + v % 999999;
}

void
cli_init(struct cli *cli, FILE *tty, FILE *errf)
{
	memset(cli, 0, sizeof(*cli));
	cli->tty = tty;
	cli->out = tty;
	cli->errf = errf;
	cli->horizon_ms = CLI_HORIZON_MS;
}

/* Forget the command log. */
static void
cli_log_clear(struct cli *cli)
{
	size_t	k;

	/* The log may hold "set psk ..." lines: wipe before freeing. */
	for (k = 0; k < cli->nlog; k++) {
		crypto_wipe(cli->log[k], strlen(cli->log[k]));
		free(cli->log[k]);
	}
	free(cli->log);
	cli->log = NULL;
	cli->nlog = cli->caplog = 0;
}

void
cli_free(struct cli *cli)
{
	sess_free(cli->s);
	cli->s = NULL;
	cli_log_clear(cli);
	free(cli->log_override);
	cli->log_override = NULL;
}

struct sess *
cli_sess(struct cli *cli)
{
	if (cli->s != NULL)
		return cli->s;
	if (!cli->has_seed) {
		cli->seed = cli_pick_seed();
		cli->has_seed = true;
		cli->show_seed = true;
	}
	if ((cli->s = sess_new(cli->seed)) == NULL)
		return NULL;
	cli->shown = 0;
	if (cli->show_seed && !cli->quiet)
		fprintf(cli->tty, "seed %" PRIu64 "\n", cli->seed);
	cli->show_seed = false;
	return cli->s;
}

/* Replace the session with a fresh one of SEED; settings and log go. */
static int
cli_new_session(struct cli *cli, uint64_t seed)
{
	sess_free(cli->s);
	cli->s = NULL;
	cli_log_clear(cli);
	cli->seed = seed;
	cli->has_seed = true;
	cli->show_seed = false;
	cli->horizon_ms = CLI_HORIZON_MS;
	if (cli_sess(cli) == NULL)
		return cli_err(cli, "out of memory"), IKE_ENOMEM;
	return 0;
}

/*
 * Parsing helpers. Every number is parsed strictly: digits only, the
 * whole word, and inside its range.
 */
int
cli_parse_ulong(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	unsigned long	 v;
	char		*end;

	if (s[0] < '0' || s[0] > '9')
		return IKE_ESYNTAX;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return IKE_ESYNTAX;
	*out = v;
	return 0;
}

/* A packet number "N" or "#N". */
static int
parse_pkt(struct cli *cli, const char *cmd, const char *s, int *n)
{
	unsigned long	v;

	if (s[0] == '#')
		s++;
	if (cli_parse_ulong(s, 1, SESS_MAX_PKTS, &v) != 0)
		return cli_err(cli, "%s: '%s' is not a packet number (see "
		    "'wire')", cmd, s);
	*n = (int)v;
	return 0;
}

/* "i" or "r" (also "initiator", "responder"). */
static int
parse_peer(const char *s)
{
	if (strcmp(s, "i") == 0 || strcmp(s, "initiator") == 0)
		return PEER_I;
	if (strcmp(s, "r") == 0 || strcmp(s, "responder") == 0)
		return PEER_R;
	return -1;
}

/* An optional peer argument: -1 for both when absent. */
static int
parse_opt_peer(struct cli *cli, const char *cmd, int argc, char **argv,
    int *p)
{
	*p = -1;
	if (argc < 2)
		return 0;
	if ((*p = parse_peer(argv[1])) < 0)
		return cli_err(cli, "%s: '%s' is not a peer (expected i or r)",
		    cmd, argv[1]);
	return 0;
}

static int
parse_dur(struct cli *cli, const char *cmd, const char *s, uint64_t *ms)
{
	struct ike_diag	dg = IKE_DIAG_INIT;

	if (sess_parse_duration(s, ms, &dg) != 0)
		return cli_err(cli, "%s: %s", cmd, dg.msg[0] != '\0' ? dg.msg :
		    "bad duration (e.g. 500ms, 4s, 2m)");
	return 0;
}

/*
 * A label selector: a message name (AG1..AG3, QM1..QM3, INFO, ESP, any
 * case), then optionally .N (N >= 2), then optionally resend letters
 * (b, c, ...), then optionally one IKE fragment [K/N]. Or a direction:
 * i>r, r>i.
 */
int
cli_parse_sel(const char *s, struct rule *r, char *err, size_t err_len)
{
	char		 out[TR_LABEL_LEN];
	size_t		 k, n = 0, i;
	unsigned long	 inst;
	const char	*p;
	char		*end;

	r->sel[0] = '\0';
	r->dir = -1;
	if (strcmp(s, "i>r") == 0 || strcmp(s, "r>i") == 0) {
		r->dir = s[0] == 'i' ? PEER_I : PEER_R;
		return 0;
	}
	for (k = 0; k < CLI_NMSG; k++) {
		n = strlen(cli_msg_names[k]);
		if (strncasecmp(s, cli_msg_names[k], n) == 0)
			break;
	}
	if (k == CLI_NMSG)
		goto bad;
	memcpy(out, cli_msg_names[k], n);
	p = s + n;
	if (*p == '.') {
		if (p[1] < '1' || p[1] > '9')
			goto bad;
		errno = 0;
		inst = strtoul(p + 1, &end, 10);
		if (errno != 0 || inst < 2 || inst > 9999)
			goto bad;
		n += (size_t)snprintf(out + n, sizeof(out) - n, ".%lu", inst);
		p = end;
	}
	for (i = 0; p[i] != '\0' && p[i] != '['; i++) {
		if (!isalpha((unsigned char)p[i]) || i >= 3)
			goto bad;
		out[n++] = (char)tolower((unsigned char)p[i]);
	}
	if (i > 0 && out[n - i] == 'a' && i == 1)
		goto bad;	/* the first send has no letter */
	/* One IKE fragment: [K/N], 1 <= K <= N <= 16 (AG2b[2/2]). */
	if (p[i] == '[') {
		unsigned long	fk, fn;

		p += i;
		if (!isdigit((unsigned char)p[1]))
			goto bad;
		fk = strtoul(p + 1, &end, 10);
		if (*end != '/' || !isdigit((unsigned char)end[1]))
			goto bad;
		fn = strtoul(end + 1, &end, 10);
		if (strcmp(end, "]") != 0 || fk < 1 || fk > fn || fn > 16)
			goto bad;
		n += (size_t)snprintf(out + n, sizeof(out) - n, "[%lu/%lu]",
		    fk, fn);
	}
	out[n] = '\0';
	memcpy(r->sel, out, n + 1);
	return 0;
bad:
	snprintf(err, err_len, "'%s' is neither a label (AG1..AG3, QM1..QM3, "
	    "INFO, ESP; e.g. AG2, AG2b, QM1.2, AG2b[1/2]) nor a direction "
	    "(i>r, r>i)",
	    s);
	return IKE_ESYNTAX;
}

int
cli_parse_hex(const char *s, struct buf *out, char *err, size_t err_len)
{
	int	hi = -1, v;
	size_t	k;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (k = 0; s[k] != '\0'; k++) {
		if (s[k] == ':' || isspace((unsigned char)s[k]))
			continue;
		if (!isxdigit((unsigned char)s[k])) {
			snprintf(err, err_len, "'%c' at position %zu is not a "
			    "hex digit", isprint((unsigned char)s[k]) ? s[k] :
			    '?', k + 1);
			return IKE_ESYNTAX;
		}
		v = isdigit((unsigned char)s[k]) ? s[k] - '0' :
		    tolower((unsigned char)s[k]) - 'a' + 10;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (buf_add_u8(out, (uint8_t)(hi << 4 | v)) != 0)
			return IKE_ENOMEM;
		hi = -1;
	}
	if (hi >= 0) {
		snprintf(err, err_len, "odd number of hex digits");
		return IKE_ESYNTAX;
	}
	return 0;
}

/*
 * Splitting a line into words: blanks separate, '#' at the start of a
 * word begins a comment unless a digit follows it (#12 is packet 12),
 * "..." (with \" and \\) and '...' quote.
 */
int
cli_split(const char *line, char *buf, size_t buf_len, char **argv,
    int max, int *argc, char *err, size_t err_len)
{
	const char	*p = line;
	size_t		 o = 0;
	char		 q;

	*argc = 0;
	if (strlen(line) >= buf_len) {
		snprintf(err, err_len, "line too long (at most %zu bytes)",
		    buf_len - 1);
		return IKE_ELIMIT;
	}
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		/* "#12" (a packet number as `wire` prints it) is a word. */
		if (*p == '\0' || (*p == '#' && !(p[1] >= '0' && p[1] <= '9')))
			break;
		if (*argc >= max) {
			snprintf(err, err_len, "too many words (at most %d)",
			    max);
			return IKE_ELIMIT;
		}
		argv[(*argc)++] = buf + o;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' &&
		    *p != '\n') {
			if (*p != '"' && *p != '\'') {
				buf[o++] = *p++;
				continue;
			}
			q = *p++;
			while (*p != '\0' && *p != q) {
				if (q == '"' && *p == '\\' &&
				    (p[1] == '"' || p[1] == '\\'))
					p++;
				buf[o++] = *p++;
			}
			if (*p != q) {
				snprintf(err, err_len, "unterminated quote "
				    "(%c)", q);
				return IKE_ESYNTAX;
			}
			p++;
		}
		buf[o++] = '\0';
	}
	return 0;
}

/* Join ARGV back into one line, quoting words that need it. */
static char *
cli_join(int argc, char **argv)
{
	char	*s, *o;
	size_t	 n = 1;
	int	 k;

	for (k = 0; k < argc; k++)
		n += 2 * strlen(argv[k]) + 3;
	if ((s = malloc(n)) == NULL)
		return NULL;
	o = s;
	for (k = 0; k < argc; k++) {
		const char	*a = argv[k];
		bool		 q = a[0] == '\0' || a[0] == '#' ||
		    strpbrk(a, " \t\"'\\") != NULL;

		if (k > 0)
			*o++ = ' ';
		if (q)
			*o++ = '"';
		for (; *a != '\0'; a++) {
			if (q && (*a == '"' || *a == '\\'))
				*o++ = '\\';
			*o++ = *a;
		}
		if (q)
			*o++ = '"';
	}
	*o = '\0';
	return s;
}

/* Keep a command that changed the session, for undo and save script. */
static void
cli_log_add(struct cli *cli, char *line)
{
	char	**nl;
	size_t	  cap;

	if (line == NULL)
		return;
	if (cli->nlog == cli->caplog) {
		cap = cli->caplog ? cli->caplog * 2 : 64;
		if ((nl = realloc(cli->log, cap * sizeof(*nl))) == NULL) {
			free(line);
			return;
		}
		cli->log = nl;
		cli->caplog = cap;
	}
	cli->log[cli->nlog++] = line;
}

/*
 * The handlers. Each gets the words of its line (argv[0] is the
 * command) after the dispatcher has checked their number.
 */
static int
cmd_start(struct cli *cli, int argc, char **argv)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	int		rc;

	(void)argc;
	if ((rc = sess_start(cli->s, &dg)) < 0)
		return cli_diag(cli, argv[0], rc, &dg);
	return 0;
}

/*
 * Record "step K" for undo and `save script` instead of the command
 * typed: what really ran, when a step or run stopped early.
 */
static void
log_steps(struct cli *cli, unsigned long k)
{
	char	t[40];

	free(cli->log_override);
	cli->log_override = NULL;
	if (k == 0) {
		cli->log_override = strdup("");
		return;
	}
	snprintf(t, sizeof(t), "step %lu", k);
	cli->log_override = strdup(t);
}

static int
cmd_step(struct cli *cli, int argc, char **argv)
{
	unsigned long	n = 1, k;
	uint64_t	due;

	if (argc > 1 && cli_parse_ulong(argv[1], 1, CLI_STEP_MAX, &n) != 0)
		return cli_err(cli, "%s: '%s' is not a count (1 to %lu)",
		    argv[0], argv[1], CLI_STEP_MAX);
	(void)line_interrupted();
	for (k = 0; k < n; k++)
		if (line_interrupted() || sess_step(cli->s) == 0)
			break;
	if (k == 0 && !cli->s->started)
		fprintf(cli->out, "nothing pending: type 'start' to make the "
		    "initiator send AG1\n");
	else if (k == 0)
		fprintf(cli->out, "nothing pending: no packet in flight, no "
		    "timer armed\n");
	else if (k < n)
		fprintf(cli->out, "stopped after %lu steps: %s\n", k,
		    sess_next(cli->s, &due) ? "interrupted" : "nothing pending");
	if (k < n)
		log_steps(cli, k);
	return 0;
}

static int
cmd_tick(struct cli *cli, int argc, char **argv)
{
	uint64_t	ms;

	(void)argc;
	if (parse_dur(cli, argv[0], argv[1], &ms) != 0)
		return IKE_ESYNTAX;
	sess_tick(cli->s, ms);
	fprintf(cli->out, "clock %" PRIu64 " ms\n", cli->s->now_ms);
	return 0;
}

/* What `run until` waits for. */
struct until {
	int		 peer;		/* state condition: PEER_I/PEER_R */
	char		 state[16];
	int		 kind;		/* event condition: tr_kind, or -1 */
	char		 label[TR_LABEL_LEN];
	size_t		 from;		/* first trace event not looked at */
	bool		 interrupted;	/* Ctrl-C stopped the run */
	unsigned long	 steps;		/* events processed */
};

static bool
peer_in_state(const struct peer *p, const char *st)
{
	size_t	k;

	if (strcmp(sess_p1_state_name(p->p1.st), st) == 0)
		return true;
	for (k = 0; k < p->nqm; k++)
		if (strcmp(sess_qm_state_name(p->qm[k].st), st) == 0)
			return true;
	return false;
}

static bool
until_holds(const struct sess *s, void *arg)
{
	struct until		*u = arg;
	const struct tr_event	*ev;

	u->steps++;
	if (line_interrupted()) {
		u->interrupted = true;
		return true;
	}
	if (u->kind < 0 && u->state[0] == '\0')
		return false;		/* plain run: only Ctrl-C stops it */
	if (u->kind < 0)
		return peer_in_state(&s->peer[u->peer], u->state);
	for (; u->from < s->trace.n; u->from++) {
		ev = &s->trace.ev[u->from];
		if ((int)ev->kind != u->kind)
			continue;
		if (u->label[0] == '\0' || sess_label_matches(u->label, ev->label)) {
			u->from++;
			return true;
		}
	}
	return false;
}

/* Parse the words after "until" into U. */
static int
parse_until(struct cli *cli, int argc, char **argv, struct until *u)
{
	struct rule	r;
	char		err[200];
	int		k;

	memset(u, 0, sizeof(*u));
	u->kind = -1;
	if (argc < 3)
		return cli_err(cli, "run: 'until' needs a condition (e.g. "
		    "'run until r QM_R_DONE', 'run until give_up')");
	if ((u->peer = parse_peer(argv[2])) >= 0) {
		if (argc != 4)
			return cli_err(cli, "run: 'until %s' needs a state "
			    "(e.g. AM_I_DONE, QM_R_DONE, FAILED)", argv[2]);
		if (!sess_is_state_name(argv[3]))
			return cli_err(cli, "run: '%s' is not a state (e.g. "
			    "AM_I_SENT1, AM_R_DONE, QM_I_DONE, FAILED)",
			    argv[3]);
		snprintf(u->state, sizeof(u->state), "%s", argv[3]);
		return 0;
	}
	for (k = 0; k < TR_NKINDS; k++)
		if (strcmp(trace_kind_name((enum tr_kind)k), argv[2]) == 0)
			u->kind = k;
	if (u->kind < 0)
		return cli_err(cli, "run: '%s' is neither i, r nor an event "
		    "(e.g. send, deliver, discard, give_up, sa_up)", argv[2]);
	if (argc == 4) {
		if (cli_parse_sel(argv[3], &r, err, sizeof(err)) != 0 ||
		    r.sel[0] == '\0')
			return cli_err(cli, "run: '%s' is not a label (e.g. "
			    "AG2, QM1b)", argv[3]);
		snprintf(u->label, sizeof(u->label), "%s", r.sel);
	}
	return 0;
}

static int
cmd_run(struct cli *cli, int argc, char **argv)
{
	struct until	u;
	enum run_end	end;
	char		h[32];
	bool		cond = argc > 1;

	if (cond && strcmp(argv[1], "until") != 0)
		return cli_err(cli, "run: expected 'until', not '%s' (usage: "
		    "run [until COND])", argv[1]);
	memset(&u, 0, sizeof(u));
	u.kind = -1;
	if (cond && parse_until(cli, argc, argv, &u) != 0)
		return IKE_ESYNTAX;
	if (cond && u.kind < 0 && until_holds(cli->s, &u)) {
		fprintf(cli->out, "stopped: condition already holds\n");
		return 0;
	}
	u.from = cli->s->trace.n;
	(void)line_interrupted();
	end = sess_run(cli->s, cli->horizon_ms, until_holds, &u);
	cli_fmt_dur(cli->horizon_ms, h, sizeof(h));
	if (u.interrupted) {
		/* Undo and `save script` replay the events that did run. */
		log_steps(cli, u.steps);
		return cli_err(cli, "run: interrupted after %lu events",
		    u.steps);
	}
	switch (end) {
	case RUN_UNTIL:
		fprintf(cli->out, "stopped: condition met\n");
		return 0;
	case RUN_IDLE:
		fprintf(cli->out, "stopped: nothing pending\n");
		break;
	case RUN_HORIZON:
		fprintf(cli->out, "stopped: horizon %s reached\n", h);
		break;
	}
	/* In a script, an unmet condition stops it like a failed check.
	 * It ran exactly as a plain run would: keep that for undo. */
	if (cond) {
		free(cli->log_override);
		cli->log_override = strdup("run");
		return cli_err(cli, "run: the condition never held");
	}
	return 0;
}

static int
cmd_wire(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_print_wire(cli);
	return 0;
}

/* deliver, drop and dup: one packet number each. */
static int
cmd_pkt_op(struct cli *cli, int argc, char **argv)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	int		n = 0, rc;

	(void)argc;
	if (parse_pkt(cli, argv[0], argv[1], &n) != 0)
		return IKE_ESYNTAX;
	if (strcmp(argv[0], "deliver") == 0)
		rc = sess_deliver(cli->s, n, &dg);
	else if (strcmp(argv[0], "drop") == 0)
		rc = sess_drop(cli->s, n, &dg);
	else
		rc = sess_dup(cli->s, n, &dg);
	if (rc < 0)
		return cli_diag(cli, argv[0], rc, &dg);
	return 0;
}

static int
cmd_delay(struct cli *cli, int argc, char **argv)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	uint64_t	ms;
	int		n = 0, rc;

	(void)argc;
	if (parse_pkt(cli, argv[0], argv[1], &n) != 0 ||
	    parse_dur(cli, argv[0], argv[2], &ms) != 0)
		return IKE_ESYNTAX;
	if ((rc = sess_delay(cli->s, n, ms, &dg)) < 0)
		return cli_diag(cli, argv[0], rc, &dg);
	return 0;
}

static int
cmd_swap(struct cli *cli, int argc, char **argv)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	int		n = 0, m = 0, rc;

	(void)argc;
	if (parse_pkt(cli, argv[0], argv[1], &n) != 0 ||
	    parse_pkt(cli, argv[0], argv[2], &m) != 0)
		return IKE_ESYNTAX;
	if ((rc = sess_swap(cli->s, n, m, &dg)) < 0)
		return cli_diag(cli, argv[0], rc, &dg);
	return 0;
}

/*
 * "[OFFSET] [bit K]" from ARGV[*I] on, for corrupt and rule corrupt;
 * OFF -1 lets the engine pick a byte from the fault stream.
 */
static int
parse_corrupt_at(struct cli *cli, const char *cmd, int argc, char **argv,
    int *i, long *off, int *bit)
{
	unsigned long	v;

	*off = -1;
	*bit = -1;
	if (*i < argc && isdigit((unsigned char)argv[*i][0])) {
		if (cli_parse_ulong(argv[*i], 0, PLD_MAX_MSG - 1, &v) != 0)
			return cli_err(cli, "%s: '%s' is not a byte offset "
			    "(0 to %d)", cmd, argv[*i], PLD_MAX_MSG - 1);
		*off = (long)v;
		(*i)++;
	}
	if (*i < argc && strcmp(argv[*i], "bit") == 0) {
		if (*i + 1 >= argc)
			return cli_err(cli, "%s: 'bit' needs a bit number "
			    "(0 high to 7 low)", cmd);
		if (cli_parse_ulong(argv[*i + 1], 0, 7, &v) != 0)
			return cli_err(cli, "%s: '%s' is not a bit number (0 "
			    "high to 7 low)", cmd, argv[*i + 1]);
		*bit = (int)v;
		*i += 2;
	}
	return 0;
}

static int
cmd_corrupt(struct cli *cli, int argc, char **argv)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	long		off;
	int		n = 0, bit, rc, i = 2;

	if (parse_pkt(cli, argv[0], argv[1], &n) != 0 ||
	    parse_corrupt_at(cli, argv[0], argc, argv, &i, &off, &bit) != 0)
		return IKE_ESYNTAX;
	if (i < argc)
		return cli_err(cli, "corrupt: unexpected '%s' (usage: corrupt "
		    "N [OFFSET] [bit K])", argv[i]);
	if ((rc = sess_corrupt(cli->s, n, off, bit, &dg)) < 0)
		return cli_diag(cli, argv[0], rc, &dg);
	return 0;
}

/*
 * Open PATH for reading; only a regular file will do (a directory, a
 * device or a file under /proc has no size to read by).
 */
FILE *
cli_fopen_regular(const char *path, char *err, size_t errlen)
{
	struct stat	 st;
	FILE		*f;
	int		 fd;

	/* Non-blocking, so that a FIFO cannot hang the open itself. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK)) < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
		    strerror(errno));
		(void)close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "'%s' is %s", path,
		    S_ISDIR(st.st_mode) ? "a directory" : "not a regular "
		    "file (a device, pipe or /proc file?)");
		(void)close(fd);
		return NULL;
	}
	if ((f = fdopen(fd, "rb")) == NULL) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
		    strerror(errno));
		(void)close(fd);
	}
	return f;
}

/* Read @FILE for inject: hex text, or else the raw datagram. */
static int
read_inject_file(struct cli *cli, const char *path, struct buf *b)
{
	char	 err[120];
	FILE	*f;
	uint8_t	 tmp[4096];
	size_t	 n, k;
	bool	 text = true;

	if ((f = cli_fopen_regular(path, err, sizeof(err))) == NULL)
		return cli_err(cli, "inject: %s", err);
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (b->len + n > 2 * PLD_MAX_MSG + 64 ||
		    buf_add(b, tmp, n) != 0) {
			fclose(f);
			return cli_err(cli, "inject: '%s' is too large for one "
			    "datagram", path);
		}
	}
	if (ferror(f)) {
		fclose(f);
		return cli_err(cli, "inject: cannot read '%s': %s", path,
		    strerror(errno));
	}
	fclose(f);
	for (k = 0; k < b->len && text; k++)
		text = isxdigit(b->p[k]) || isspace(b->p[k]) || b->p[k] == ':';
	if (!text || b->len == 0)
		return 0;
	/* Hex text: decode it in place of the bytes read. */
	if (buf_add_u8(b, 0) != 0)
		return IKE_ENOMEM;
	{
		struct buf	raw = { 0 };
		int		rc;

		rc = cli_parse_hex((const char *)b->p, &raw, err, sizeof(err));
		buf_free(b);
		*b = raw;
		if (rc != 0)
			return cli_err(cli, "inject: %s: %s", path, err);
	}
	return 0;
}

static int
cmd_inject(struct cli *cli, int argc, char **argv)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct buf	 b = { 0 };
	char		 err[120], *hex;
	int		 from, rc;
	size_t		 k;

	(void)argc;
	if ((from = parse_peer(argv[1])) < 0)
		return cli_err(cli, "inject: '%s' is not a sender (expected i "
		    "or r)", argv[1]);
	if (argv[2][0] == '@')
		rc = read_inject_file(cli, argv[2] + 1, &b);
	else if ((rc = cli_parse_hex(argv[2], &b, err, sizeof(err))) != 0)
		cli_err(cli, "inject: %s", err);
	if (rc != 0)
		goto out;
	if ((rc = sess_inject(cli->s, from, b.p, b.len, &dg)) < 0) {
		cli_diag(cli, argv[0], rc, &dg);
		goto out;
	}
	/* Remember the bytes, not the file name: replay must not depend
	 * on a file that may change. */
	if ((hex = malloc(b.len * 2 + 16)) != NULL) {
		int	o = snprintf(hex, 16, "inject %c ", argv[1][0]);

		for (k = 0; k < b.len; k++)
			o += snprintf(hex + o, 3, "%02x", b.p[k]);
		free(cli->log_override);
		cli->log_override = hex;
	}
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

/* The trigger words of a rule: once | nth K | prob P. */
static int
parse_trigger(struct cli *cli, int argc, char **argv, int *i,
    struct rule *r)
{
	unsigned long	 v;
	double		 p;
	char		*end;

	if (*i >= argc)
		return 0;
	if (strcmp(argv[*i], "once") == 0) {
		r->nth = 1;
		(*i)++;
		return 0;
	}
	if (*i + 1 >= argc)
		return cli_err(cli, "rule: unexpected '%s' (expected once, nth "
		    "K or prob P)", argv[*i]);
	if (strcmp(argv[*i], "nth") == 0) {
		if (cli_parse_ulong(argv[*i + 1], 1, 1000000, &v) != 0)
			return cli_err(cli, "rule: nth '%s' is not a count (1 "
			    "to 1000000)", argv[*i + 1]);
		r->nth = (unsigned int)v;
	} else if (strcmp(argv[*i], "prob") == 0) {
		errno = 0;
		p = strtod(argv[*i + 1], &end);
		if (errno != 0 || *end != '\0' || end == argv[*i + 1] ||
		    !(p >= 0.0 && p <= 1.0) ||
		    !isdigit((unsigned char)argv[*i + 1][0]) ||
		    strpbrk(argv[*i + 1], "xXpP") != NULL)
			return cli_err(cli, "rule: prob '%s' is not a "
			    "probability (0 to 1, e.g. 0.3)", argv[*i + 1]);
		r->has_prob = true;
		r->prob = p;
	} else
		return cli_err(cli, "rule: unexpected '%s' (expected once, nth "
		    "K or prob P)", argv[*i]);
	*i += 2;
	return 0;
}

static int
cmd_rule(struct cli *cli, int argc, char **argv)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct rule	 r;
	char		 err[200], *text, *words[CLI_MAX_ARGS];
	int		 k, i = 3, rc;

	sess_rule_init(&r, RULE_DROP, "", 0);
	for (k = 0; k <= RULE_CORRUPT; k++)
		if (strcmp(argv[1], cli_rule_acts[k]) == 0)
			break;
	if (k > RULE_CORRUPT)
		return cli_err(cli, "rule: '%s' is not an action (expected "
		    "drop, delay, dup or corrupt)", argv[1]);
	r.act = (enum rule_act)k;
	if (cli_parse_sel(argv[2], &r, err, sizeof(err)) != 0)
		return cli_err(cli, "rule: %s", err);
	if (r.act == RULE_DELAY) {
		uint64_t	ms;

		if (argc < 4)
			return cli_err(cli, "rule: delay needs a duration "
			    "(usage: rule delay SEL DURATION [...])");
		if (parse_dur(cli, "rule", argv[3], &ms) != 0)
			return IKE_ESYNTAX;
		if (ms > UINT32_MAX)
			return cli_err(cli, "rule: delay '%s' is too long",
			    argv[3]);
		r.delay_ms = (uint32_t)ms;
		i = 4;
	} else if (r.act == RULE_CORRUPT &&
	    parse_corrupt_at(cli, "rule", argc, argv, &i, &r.off, &r.bit) != 0)
		return IKE_ESYNTAX;
	if (parse_trigger(cli, argc, argv, &i, &r) != 0)
		return IKE_ESYNTAX;
	if (i < argc)
		return cli_err(cli, "rule: unexpected '%s'", argv[i]);
	/* The rule's text shows the selector as matched ("QM1.2c"). */
	memcpy(words, argv + 1, (size_t)(argc - 1) * sizeof(*words));
	if (r.sel[0] != '\0')
		words[1] = r.sel;
	if ((text = cli_join(argc - 1, words)) != NULL) {
		snprintf(r.text, sizeof(r.text), "%s", text);
		free(text);
	}
	if ((rc = sess_rule_add(cli->s, &r, &dg)) < 0)
		return cli_diag(cli, argv[0], rc, &dg);
	fprintf(cli->out, "rule %d: %s\n", rc, r.text);
	return 0;
}

static int
cmd_rules(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_print_rules(cli);
	return 0;
}

static int
cmd_unrule(struct cli *cli, int argc, char **argv)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	unsigned long	id;
	int		rc;

	(void)argc;
	if (cli_parse_ulong(argv[1], 1, INT32_MAX, &id) != 0)
		return cli_err(cli, "unrule: '%s' is not a rule id (see "
		    "'rules')", argv[1]);
	if ((rc = sess_rule_del(cli->s, (int)id, &dg)) < 0)
		return cli_diag(cli, argv[0], rc, &dg);
	fprintf(cli->out, "rule %lu removed\n", id);
	return 0;
}

static int
cmd_timers(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_print_timers(cli);
	return 0;
}

static int
cmd_state(struct cli *cli, int argc, char **argv)
{
	int	p;

	if (parse_opt_peer(cli, argv[0], argc, argv, &p) != 0)
		return IKE_ESYNTAX;
	if (strcmp(argv[0], "state") == 0)
		cli_print_state(cli, p);
	else if (strcmp(argv[0], "keys") == 0)
		cli_print_keys(cli, p);
	else
		cli_print_config(cli, p);
	return 0;
}

static int
cmd_show(struct cli *cli, int argc, char **argv)
{
	int	n = 0;

	(void)argc;
	if (parse_pkt(cli, argv[0], argv[1], &n) != 0)
		return IKE_ESYNTAX;
	if (cli_print_show(cli, n) != 0)
		return cli_err(cli, "show: no packet #%d (%zu so far)", n,
		    cli->s->npkt);
	return 0;
}

static int
cmd_ladder(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_ladder(cli->out, cli->s);
	return 0;
}

static int
cmd_log(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_print_log(cli);
	return 0;
}

/* Words joined by single blanks. */
static char *
join_plain(int argc, char **argv)
{
	size_t	n = 1;
	char	*s;
	int	 k;

	for (k = 0; k < argc; k++)
		n += strlen(argv[k]) + 1;
	if ((s = malloc(n)) == NULL)
		return NULL;
	s[0] = '\0';
	for (k = 0; k < argc; k++) {
		if (k > 0)
			strcat(s, " ");
		strcat(s, argv[k]);
	}
	return s;
}

/*
 * set [i|r|both] KEY VALUE: per peer through the engine; `horizon` is
 * the session's own. Words after KEY are joined, so a value may hold
 * blanks without quotes.
 */
/* Is NAME a peer setting (a knob of `config`)? */
static bool
is_knob(const char *name)
{
	size_t	k;

	for (k = 0; k < sess_nknobs; k++)
		if (strcmp(sess_knobs[k].name, name) == 0)
			return true;
	return false;
}

static int
cmd_set(struct cli *cli, int argc, char **argv)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	unsigned int	 mask = 3;
	const char	*key;
	char		*val;
	int		 k = 1, rc;
	uint64_t	 ms;

	if (strcmp(argv[1], "i") == 0 || strcmp(argv[1], "r") == 0 ||
	    strcmp(argv[1], "both") == 0) {
		mask = argv[1][0] == 'i' ? 1 : argv[1][0] == 'r' ? 2 : 3;
		k = 2;
	}
	if (argc - k < 2)
		return cli_err(cli, "set: missing %s (usage: set [i|r|both] "
		    "KEY VALUE)", argc - k < 1 ? "KEY and VALUE" : "VALUE");
	key = argv[k];
	if (strcmp(key, "horizon") == 0) {
		if (k == 2)
			return cli_err(cli, "set: horizon belongs to the session, "
			    "not a peer (usage: set horizon DURATION)");
		if (argc != 3)
			return cli_err(cli, "set: horizon takes one duration");
		if (parse_dur(cli, "set", argv[2], &ms) != 0)
			return IKE_ESYNTAX;
		if (ms == 0)
			return cli_err(cli, "set: a horizon of 0 would never "
			    "run anything");
		cli->horizon_ms = ms;
		return 0;
	}
	/* "set x psk a": a knob in the second word, so X was to be a peer. */
	if (k == 1 && argc >= 4 && !is_knob(argv[1]) && is_knob(argv[2]))
		return cli_err(cli, "set: '%s' is not i, r or both (usage: "
		    "set [i|r|both] KEY VALUE)", argv[1]);
	if ((val = join_plain(argc - k - 1, argv + k + 1)) == NULL)
		return IKE_ENOMEM;
	rc = sess_set(cli->s, mask, key, val, &dg);
	free(val);
	if (rc < 0)
		return cli_diag(cli, argv[0], rc, &dg);
	return 0;
}

static int
cmd_config(struct cli *cli, int argc, char **argv)
{
	return cmd_state(cli, argc, argv);
}

/* Writers for `save`. */
static void
write_trace(FILE *f, struct cli *cli)
{
	cli_trace_json(f, cli->s);
}

static void
write_script(FILE *f, struct cli *cli)
{
	cli_script(f, cli);
}

static void
write_ladder(FILE *f, struct cli *cli)
{
	cli_ladder(f, cli->s);
}

#define SAVE_USAGE	"save trace|script|ladder|pcap|keys|secrets|psk-crack " \
	"FILE [--force] [--classic]"

/* save pcap|keys|secrets|psk-crack: the exports for other tools. */
static int
save_export(struct cli *cli, size_t kind, const char *file, bool force,
    bool classic)
{
	char	err[CLI_ERR_LEN - 16];
	int	rc;

	err[0] = '\0';
	switch (kind) {
	case 3:
		rc = export_pcap(cli->s, file, classic, force, err,
		    sizeof(err));
		break;
	case 4:
		rc = export_keys(cli->s, file, force, err, sizeof(err));
		break;
	case 5:
		rc = export_secrets(cli->s, file, force, err, sizeof(err));
		break;
	default:
		rc = export_psk_crack(cli->s, file, force, err, sizeof(err));
		break;
	}
	if (rc < 0)
		return cli_err(cli, "save: %s", err[0] != '\0' ? err :
		    ike_err_name(rc)), rc;
	if (kind == 4)
		fprintf(cli->out, "wrote %s and %s.esp_sa\n", file, file);
	else
		fprintf(cli->out, "wrote %s\n", file);
	return 0;
}

static int
cmd_save(struct cli *cli, int argc, char **argv)
{
	static void (*const writers[3])(FILE *, struct cli *) = {
		write_trace, write_script, write_ladder,
	};
	const char	*file = NULL;
	bool		 force = false, classic = false;
	size_t		 k;
	int		 i;

	for (k = 0; k < CLI_NSAVE; k++)
		if (strcmp(argv[1], cli_save_kinds[k]) == 0)
			break;
	if (k == CLI_NSAVE)
		return cli_err(cli, "save: '%s' is not something to save "
		    "(expected trace, script, ladder, pcap, keys, secrets or "
		    "psk-crack)", argv[1]);
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			force = true;
		else if (strcmp(argv[i], "--classic") == 0 && k == 3)
			classic = true;
		else if (file == NULL && argv[i][0] != '-')
			file = argv[i];
		else
			return cli_err(cli, "save: unexpected '%s' (usage: %s)",
			    argv[i], SAVE_USAGE);
	}
	if (file == NULL)
		return cli_err(cli, "save: missing FILE (usage: %s)",
		    SAVE_USAGE);
	if (k >= 3)
		return save_export(cli, k, file, force, classic);
	return cli_save(cli, file, force, writers[k]);
}

static int
cmd_source(struct cli *cli, int argc, char **argv)
{
	FILE	*f;
	char	 err[CLI_ERR_LEN - 16];
	int	 rc;

	(void)argc;
	if (cli->depth >= CLI_MAX_DEPTH)
		return cli_err(cli, "source: files nested too deep (at most "
		    "%d)", CLI_MAX_DEPTH);
	if ((f = cli_fopen_regular(argv[1], err, sizeof(err))) == NULL)
		return cli_err(cli, "source: %s", err);
	cli->depth++;
	rc = cli_run_file(cli, f, argv[1]);
	cli->depth--;
	fclose(f);
	return rc;
}

/*
 * Rebuild the session from its seed and replay the first KEEP logged
 * commands without printing anything. Determinism makes this exact.
 */
static int
cli_replay(struct cli *cli, size_t keep)
{
	char	**old = cli->log;
	size_t	  nold = cli->nlog, k;
	int	  rc = 0;
	bool	  quiet = cli->quiet;
	uint64_t  seed = cli->seed;

	cli->log = NULL;
	cli->nlog = cli->caplog = 0;
	sess_free(cli->s);
	cli->s = NULL;
	cli->seed = seed;
	cli->horizon_ms = CLI_HORIZON_MS;
	cli->quiet = true;
	for (k = 0; k < keep && rc == 0; k++)
		if (cli_exec_line(cli, old[k]) < 0)
			rc = IKE_ESTATE;
	cli->quiet = quiet;
	if (cli->s == NULL && cli_sess(cli) == NULL)
		rc = IKE_ENOMEM;
	if (cli->s != NULL)
		cli->shown = cli->s->trace.n;
	if (rc != 0) {
		char	msg[CLI_ERR_LEN];

		snprintf(msg, sizeof(msg), "%s", cli->err);
		cli_err(cli, "undo: replaying '%s' failed: %s", old[k - 1],
		    msg);
	}
	for (k = 0; k < nold; k++)
		free(old[k]);
	free(old);
	return rc;
}

static int
cmd_undo(struct cli *cli, int argc, char **argv)
{
	unsigned long	n = 1;

	if (argc > 1 && cli_parse_ulong(argv[1], 1, ULONG_MAX, &n) != 0)
		return cli_err(cli, "undo: '%s' is not a count", argv[1]);
	if (cli->nlog == 0)
		return cli_err(cli, "undo: nothing to undo");
	if (n > cli->nlog)
		return cli_err(cli, "undo: only %zu command%s to undo",
		    cli->nlog, cli->nlog == 1 ? "" : "s");
	if (cli_replay(cli, cli->nlog - n) != 0)
		return IKE_ESTATE;
	fprintf(cli->out, "undid %lu command%s; clock %" PRIu64 " ms", n,
	    n == 1 ? "" : "s", cli->s->now_ms);
	if (cli->nlog > 0) {
		fprintf(cli->out, ", last: ");
		cli_put_escaped(cli->out, cli->log[cli->nlog - 1],
		    strlen(cli->log[cli->nlog - 1]), false);
	}
	fputc('\n', cli->out);
	return 0;
}

static int
cmd_reset(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (cli_new_session(cli, cli->seed) != 0)
		return IKE_ENOMEM;
	fprintf(cli->out, "new session, seed %" PRIu64 ", default settings\n",
	    cli->seed);
	return 0;
}

static int
cmd_seed(struct cli *cli, int argc, char **argv)
{
	unsigned long	v;

	if (argc == 1) {
		if (cli_sess(cli) == NULL)
			return IKE_ENOMEM;
		fprintf(cli->out, "seed %" PRIu64 "\n", cli->seed);
		return 0;
	}
	if (cli_parse_ulong(argv[1], 0, ULONG_MAX, &v) != 0)
		return cli_err(cli, "seed: '%s' is not a seed (a whole number)",
		    argv[1]);
	if (cli_new_session(cli, (uint64_t)v) != 0)
		return IKE_ENOMEM;
	fprintf(cli->out, "seed %" PRIu64 "\n", cli->seed);
	return 0;
}

/* One setting in 'help set': name, what it does, values, wrapped. */
static void
put_knob_help(FILE *f, const struct knob *kb)
{
	char	t[320];

	snprintf(t, sizeof(t), "%s (%s)", kb->help, kb->values);
	fprintf(f, "  %-14s ", kb->name);
	cli_put_wrapped(f, t, 17, 79);
}

static int
cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct cli_cmd	*c;
	char			 name[24];
	size_t			 k;

	if (argc == 1) {
		fprintf(cli->out, "commands ('help CMD' for more):\n");
		for (k = 0; k < cli_ncmds; k++) {
			c = &cli_cmds[k];
			snprintf(name, sizeof(name), "%s%s%s", c->name,
			    c->alias != NULL ? ", " : "",
			    c->alias != NULL ? c->alias : "");
			fprintf(cli->out, "  %-10s %s\n", name, c->help);
		}
		return 0;
	}
	if ((c = cli_cmd_find(argv[1])) == NULL) {
		const struct cli_cmd	*s = cli_cmd_suggest(argv[1]);

		if (s != NULL)
			return cli_err(cli, "help: no command '%s'; did you "
			    "mean '%s'?", argv[1], s->name);
		return cli_err(cli, "help: no command '%s' (try 'help')",
		    argv[1]);
	}
	fprintf(cli->out, "usage: %s\n%s", c->usage, c->help);
	if (c->alias != NULL)
		fprintf(cli->out, " (short: %s)", c->alias);
	fprintf(cli->out, "\n");
	if (c->long_help != NULL)
		fprintf(cli->out, "%s", c->long_help);
	if (strcmp(c->name, "set") == 0) {
		fprintf(cli->out, "keys:\n  %-14s %s\n", "horizon",
		    "how far 'run' may go (session-wide, default 600s)");
		for (k = 0; k < sess_nknobs; k++)
			put_knob_help(cli->out, &sess_knobs[k]);
	}
	return 0;
}

static int
cmd_quit(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli->quit = true;
	return 0;
}

#define CLI_NOSESS	0x02	/* runs without creating a session */

const struct cli_cmd cli_cmds[] = {
	{ "start", NULL, 0, 0, CLI_CMD_LOG, "start",
	    "the initiator sends AG1",
	    "Starts Aggressive Mode: the initiator builds AG1 (SA, KE, Ni,\n"
	    "IDii) and puts it on the link. Nothing happens until you step.\n",
	    { CA_NONE }, cmd_start },
	{ "step", "s", 0, 1, CLI_CMD_LOG, "step [COUNT]",
	    "deliver the next packet or fire the next timer",
	    "Processes the one next event (or COUNT events): a delivery or a\n"
	    "timer expiry, whichever is due first; the clock jumps to it.\n",
	    { CA_NONE }, cmd_step },
	{ "tick", NULL, 1, 1, CLI_CMD_LOG, "tick DURATION",
	    "advance the clock, processing what falls due",
	    "Processes every event due within DURATION (e.g. 500ms, 4s, 2m;\n"
	    "a bare number is seconds), then sets the clock to now + DURATION.\n",
	    { CA_NONE }, cmd_tick },
	{ "run", NULL, 0, 3, CLI_CMD_LOG, "run [until COND]",
	    "advance until nothing is pending or COND holds",
	    "Processes events until none is pending or the horizon (600 s,\n"
	    "'set horizon D') is reached. COND is a peer and a state\n"
	    "(run until r QM_R_DONE) or an event with an optional label\n"
	    "(run until give_up, run until deliver QM3). In a script, a\n"
	    "condition that never holds is an error.\n",
	    { CA_UNTIL, CA_COND, CA_NONE }, cmd_run },
	{ "wire", NULL, 0, 0, 0, "wire",
	    "packets in flight, with numbers, labels, due times", NULL,
	    { CA_NONE }, cmd_wire },
	{ "deliver", NULL, 1, 1, CLI_CMD_LOG, "deliver N",
	    "deliver packet N now, ahead of its time", NULL,
	    { CA_FLIGHT }, cmd_pkt_op },
	{ "drop", NULL, 1, 1, CLI_CMD_LOG, "drop N",
	    "lose packet N on the link", NULL, { CA_FLIGHT }, cmd_pkt_op },
	{ "delay", NULL, 2, 2, CLI_CMD_LOG, "delay N DURATION",
	    "make packet N arrive DURATION later", NULL,
	    { CA_FLIGHT }, cmd_delay },
	{ "dup", NULL, 1, 1, CLI_CMD_LOG, "dup N",
	    "the link copies packet N (the copy gets a new number)", NULL,
	    { CA_PKT }, cmd_pkt_op },
	{ "swap", NULL, 2, 2, CLI_CMD_LOG, "swap N M",
	    "exchange the arrival times of packets N and M", NULL,
	    { CA_FLIGHT, CA_FLIGHT }, cmd_swap },
	{ "corrupt", NULL, 1, 4, CLI_CMD_LOG, "corrupt N [OFFSET] [bit K]",
	    "change a byte (or one bit) of packet N",
	    "Without OFFSET a byte is picked from the fault stream; without\n"
	    "'bit K' the whole byte is inverted (XOR 0xff); bit 0 is the\n"
	    "highest bit of the byte.\n",
	    { CA_FLIGHT }, cmd_corrupt },
	{ "ping", NULL, 0, 0, CLI_CMD_LOG, "ping",
	    "one ESP packet each way through the new IPsec SAs",
	    "Once Quick Mode is complete on both peers, the initiator sends\n"
	    "an ICMP echo request (192.0.2.1 > 192.0.2.2) through ESP with\n"
	    "the negotiated transform and KEYMAT; the responder checks the\n"
	    "ICV and sequence number, decrypts it and answers with an echo\n"
	    "reply. Both are labelled ESP.\n",
	    { CA_NONE }, cmd_ping },
	{ "open", NULL, 1, 5, CLI_NOSESS, "open FILE [--secrets F] [--psk P]",
	    "read a real IKEv1 capture: list, ladder, decode, check",
	    "Reads a pcap or pcapng capture (UDP 500, UDP 4500 with the\n"
	    "non-ESP marker, ESP in UDP 4500 or IP protocol 50) and shows\n"
	    "it as a list and a ladder with labels (a byte-identical\n"
	    "datagram is a resend: AG2b), then every message decoded.\n"
	    "--secrets F (a 'save secrets' file, or the strongSwan-derived\n"
	    "keys file of tests/vectors) decrypts the encrypted messages and\n"
	    "ESP packets and checks every hash, IV and ICV; --psk P\n"
	    "recomputes SKEYID from P instead of the file's. The capture is\n"
	    "shown, not simulated: the session is not changed.\n",
	    { CA_FILE, CA_NONE, CA_NONE }, cmd_open },
	{ "inject", NULL, 2, 2, CLI_CMD_LOG, "inject i|r HEX|@FILE",
	    "put raw bytes on the link as if peer i or r sent them",
	    "@FILE holds the datagram, as raw bytes or as hex text.\n",
	    { CA_PEER, CA_FILE }, cmd_inject },
	{ "rule", NULL, 2, 7, CLI_CMD_LOG,
	    "rule drop|delay|dup|corrupt SEL [ARG] [once|nth K|prob P]",
	    "arm a fault rule for packets yet to be sent",
	    "SEL is a label (AG2 matches AG2, AG2b, AG2.2 and their IKE\n"
	    "fragments; AG2b only itself and its fragments; AG2b[2/3] one\n"
	    "fragment) or a direction (i>r, r>i). ARG: delay needs a\n"
	    "DURATION; corrupt takes [OFFSET] [bit K]. once = nth 1; nth K\n"
	    "acts on the K-th match; prob P acts with probability P (from\n"
	    "the fault stream).\n"
	    "Examples: rule drop AG3 once; rule delay r>i 2s; rule corrupt\n"
	    "QM1 40 bit 3.\n",
	    { CA_RULE_ACT, CA_SEL, CA_NONE }, cmd_rule },
	{ "rules", NULL, 0, 0, 0, "rules", "list the armed fault rules",
	    NULL, { CA_NONE }, cmd_rules },
	{ "unrule", NULL, 1, 1, CLI_CMD_LOG, "unrule ID",
	    "remove fault rule ID", NULL, { CA_RULE }, cmd_unrule },
	{ "timers", NULL, 0, 0, 0, "timers",
	    "armed retransmission timers and their countdowns", NULL,
	    { CA_NONE }, cmd_timers },
	{ "state", NULL, 0, 1, 0, "state [i|r]",
	    "states, cookies, proposal, last transition, Quick Modes", NULL,
	    { CA_PEER }, cmd_state },
	{ "show", NULL, 1, 1, 0, "show N",
	    "packet N decoded (tree with offsets, then hex)", NULL,
	    { CA_PKT }, cmd_show },
	{ "keys", NULL, 0, 1, 0, "keys [i|r]",
	    "g^xy, SKEYID and friends, IV, KEYMAT (in hex)", NULL,
	    { CA_PEER }, cmd_state },
	{ "ladder", NULL, 0, 0, 0, "ladder",
	    "sequence diagram of the exchange so far", NULL,
	    { CA_NONE }, cmd_ladder },
	{ "log", NULL, 0, 0, 0, "log", "the whole trace as text", NULL,
	    { CA_NONE }, cmd_log },
	{ "tui", NULL, 0, 1, 0, "tui [SPEED]",
	    "full-screen timeline: diagram, peers, timers, command line",
	    "Every command works on its command line (Tab completes, Up\n"
	    "recalls). Esc moves between the command line and the diagram.\n"
	    "In the diagram: Up/Down select a row (named in full below),\n"
	    "PgUp/PgDn and Home/End scroll (End follows the newest), Enter\n"
	    "or a click decodes a packet (q closes it, Left/Right scroll it),\n"
	    "s steps, space runs or pauses, + and - change the speed, q\n"
	    "leaves. There 'run' animates at SPEED (1x by default, 10x,\n"
	    "100x; off: instant). Ctrl-C pauses a run, else clears the\n"
	    "line, else leaves ikelab.\n",
	    { CA_NONE }, tl_cmd_tui },
	{ "set", NULL, 2, -1, CLI_CMD_LOG, "set [i|r|both] KEY VALUE",
	    "change a setting of one or both peers (see 'config')",
	    "Without i, r or both a peer setting applies to both peers;\n"
	    "'set horizon D' is the session's own.\n",
	    { CA_SET1, CA_KNOB, CA_NONE }, cmd_set },
	{ "config", NULL, 0, 1, 0, "config [i|r]",
	    "every setting and its current value", NULL,
	    { CA_PEER }, cmd_config },
	{ "save", NULL, 2, 4, 0, "save KIND FILE [--force] [--classic]",
	    "write the trace, commands, ladder, capture or keys to FILE",
	    "KIND is one of:\n"
	    "  trace      the trace as JSON Lines, one event a line\n"
	    "  script     the commands since the seed; 'ikelab -f FILE'\n"
	    "             replays them exactly\n"
	    "  ladder     the sequence diagram ('ladder')\n"
	    "  pcap       the packets as a capture for Wireshark (pcapng with\n"
	    "             comments; --classic for plain pcap)\n"
	    "  keys       Wireshark's IKEv1 key table (and FILE.esp_sa)\n"
	    "  secrets    every key, nonce and IV as label<TAB>hex\n"
	    "  psk-crack  the Aggressive Mode hash for ike-scan's psk-crack\n"
	    "An existing FILE is kept unless --force is given.\n",
	    { CA_SAVE, CA_FILE, CA_NONE }, cmd_save },
	{ "lesson", NULL, 0, -1, CLI_NOSESS,
	    "lesson [list|start NAME|next|hint|check|answer TEXT|skip|stop]",
	    "guided lessons: tasks, checks, questions, hints",
	    "  list          the lessons and your progress in each\n"
	    "  start NAME    begin one (by name or number); a new session\n"
	    "  next          go on once the task or question is done\n"
	    "  check         is the task done? (says which check is not)\n"
	    "  answer TEXT   answer the question\n"
	    "  hint          the next hint (for a task, at last the solution)\n"
	    "  skip, stop    move on without credit; end the lesson\n"
	    "Without a word, 'lesson' shows the open task or question again.\n",
	    { CA_LESSON }, cli_cmd_lesson },
	{ "source", NULL, 1, 1, CLI_NOSESS, "source FILE",
	    "run the commands in FILE", NULL, { CA_FILE }, cmd_source },
	{ "undo", NULL, 0, 1, 0, "undo [N]",
	    "take back the last N commands that changed the session",
	    "Rebuilds the session from its seed and replays every command\n"
	    "but the last N (default 1); the result is exactly as before.\n",
	    { CA_NONE }, cmd_undo },
	{ "reset", NULL, 0, 0, 0, "reset",
	    "a new session with the same seed and default settings", NULL,
	    { CA_NONE }, cmd_reset },
	{ "seed", NULL, 0, 1, CLI_NOSESS, "seed [N]",
	    "show the seed, or start a new session with seed N", NULL,
	    { CA_NONE }, cmd_seed },
	{ "help", "?", 0, 1, CLI_NOSESS, "help [CMD]",
	    "list commands, or explain one", NULL, { CA_CMD }, cmd_help },
	{ "quit", "exit", 0, 0, CLI_NOSESS, "quit", "leave ikelab", NULL,
	    { CA_NONE }, cmd_quit },
};

const size_t cli_ncmds = sizeof(cli_cmds) / sizeof(cli_cmds[0]);

const struct cli_cmd *
cli_cmd_find(const char *name)
{
	size_t	k;

	for (k = 0; k < cli_ncmds; k++)
		if (strcmp(cli_cmds[k].name, name) == 0 ||
		    (cli_cmds[k].alias != NULL &&
		    strcmp(cli_cmds[k].alias, name) == 0))
			return &cli_cmds[k];
	return NULL;
}

unsigned int
cli_edit_distance(const char *a, const char *b)
{
	unsigned int	d[33][33];
	size_t		la = strlen(a), lb = strlen(b), i, j;
	unsigned int	c, v;

	if (la > 32 || lb > 32)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = (unsigned int)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (unsigned int)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			c = a[i - 1] == b[j - 1] ? 0 : 1;
			v = d[i - 1][j - 1] + c;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

const struct cli_cmd *
cli_cmd_suggest(const char *name)
{
	const struct cli_cmd	*best = NULL;
	unsigned int		 bd = 3, d;
	size_t			 k;

	for (k = 0; k < cli_ncmds; k++) {
		d = cli_edit_distance(name, cli_cmds[k].name);
		/* Two edits turn any short word into another ("foo" into
		 * "log"): ask for a longer word before allowing two. */
		if (d > 2 || (d == 2 && strlen(name) < 4) ||
		    d >= strlen(cli_cmds[k].name))
			continue;
		if (d < bd) {
			bd = d;
			best = &cli_cmds[k];
		}
	}
	/* Else the one command NAME begins ("q" for quit), if only one. */
	for (k = 0, d = 0; best == NULL && k < cli_ncmds; k++)
		if (strncmp(cli_cmds[k].name, name, strlen(name)) == 0)
			d++;
	for (k = 0; best == NULL && d == 1 && k < cli_ncmds; k++)
		if (strncmp(cli_cmds[k].name, name, strlen(name)) == 0)
			best = &cli_cmds[k];
	return best;
}

/* Run one command whose words are ARGV. */
static int
cli_exec_argv(struct cli *cli, int argc, char **argv)
{
	const struct cli_cmd	*c, *sug;
	FILE			*saved = cli->out, *ms;
	char			*obuf = NULL;
	size_t			 olen = 0;
	int			 nargs = argc - 1, rc;

	if ((c = cli_cmd_find(argv[0])) == NULL) {
		if ((sug = cli_cmd_suggest(argv[0])) != NULL)
			return cli_err(cli, "unknown command '%s' (try 'help'); "
			    "did you mean '%s'?", argv[0], sug->name);
		return cli_err(cli, "unknown command '%s' (try 'help')",
		    argv[0]);
	}
	if (nargs < c->min_args)
		return cli_err(cli, "%s: missing argument (usage: %s)",
		    c->name, c->usage);
	if (c->max_args >= 0 && nargs > c->max_args)
		return cli_err(cli, "%s: too many arguments (usage: %s)",
		    c->name, c->usage);
	argv[0] = (char *)c->name;
	if (!(c->flags & CLI_NOSESS) && cli_sess(cli) == NULL)
		return cli_err(cli, "out of memory"), IKE_ENOMEM;

	/* Buffer the command's output so its trace events come first. */
	if ((ms = open_memstream(&obuf, &olen)) != NULL)
		cli->out = ms;
	free(cli->log_override);
	cli->log_override = NULL;
	rc = c->run(cli, argc, argv);
	cli->out = saved;
	if (ms != NULL)
		fclose(ms);
	if (!cli->quiet) {
		cli_print_new(cli);
		if (obuf != NULL)
			fwrite(obuf, 1, olen, cli->tty);
	}
	free(obuf);
	/*
	 * Keep what changed the session for undo: a successful command,
	 * or what a handler says ran although it failed (a run whose
	 * condition never held). An empty override means "nothing ran".
	 */
	if ((c->flags & CLI_CMD_LOG) &&
	    (rc >= 0 || cli->log_override != NULL)) {
		if (cli->log_override == NULL)
			cli_log_add(cli, cli_join(argc, argv));
		else if (cli->log_override[0] != '\0')
			cli_log_add(cli, cli->log_override);
		else
			free(cli->log_override);
		cli->log_override = NULL;
	}
	return rc < 0 ? rc : 0;
}

int
cli_exec_line(struct cli *cli, const char *line)
{
	char	 buf[CLI_LINE_MAX];
	char	*argv[CLI_MAX_ARGS + 1];
	int	 argc, rc;

	cli->err[0] = '\0';
	rc = cli_split(line, buf, sizeof(buf), argv, CLI_MAX_ARGS, &argc,
	    cli->err, sizeof(cli->err));
	if (rc != 0)
		return rc;
	if (argc == 0)
		return 1;
	argv[argc] = NULL;
	return cli_exec_argv(cli, argc, argv);
}

int
cli_run_file(struct cli *cli, FILE *f, const char *name)
{
	char		 msg[CLI_ERR_LEN];
	char		*l;
	unsigned int	 no = 0;
	int		 bad, rc = 0;

	while (!cli->quit && (l = line_read(cli, f, NULL, &bad)) != NULL) {
		no++;
		if (bad == LINE_TOO_LONG)
			rc = cli_err(cli, "line too long (at most %d bytes)",
			    CLI_LINE_MAX - 1);
		else if (bad == LINE_NUL)
			rc = cli_err(cli, "line holds a NUL byte");
		else
			rc = cli_exec_line(cli, l);
		line_free(cli, l);
		if (rc < 0) {
			/* A very long message loses its end, never the place. */
			snprintf(msg, sizeof(msg), "%s", cli->err);
			snprintf(cli->err, sizeof(cli->err), "%.200s:%u: %.300s",
			    name, no, msg);
			return rc;
		}
	}
	if (ferror(f)) {
		snprintf(cli->err, sizeof(cli->err), "%s:%u: read error: %s",
		    name, no + 1, strerror(errno));
		return IKE_ESTATE;
	}
	return 0;
}

/*
 * Completion. A growable list of candidate strings that start with a
 * prefix; cli_complete returns it NULL-terminated.
 */
struct cands {
	char		**v;
	size_t		  n;
	size_t		  cap;
	const char	 *prefix;
};

static void
cand_add(struct cands *c, const char *s)
{
	char	**nv;

	if (strncmp(s, c->prefix, strlen(c->prefix)) != 0)
		return;
	if (c->n + 2 > c->cap) {
		size_t	cap = c->cap ? c->cap * 2 : 16;

		if ((nv = realloc(c->v, cap * sizeof(*nv))) == NULL)
			return;
		c->v = nv;
		c->cap = cap;
	}
	if ((c->v[c->n] = strdup(s)) != NULL)
		c->n++;
	c->v[c->n] = NULL;
}

static void
cand_num(struct cands *c, long v)
{
	char	t[24];

	snprintf(t, sizeof(t), "%ld", v);
	cand_add(c, t);
}

/* The words after "lesson" (see its help). */
static const char *const lesson_words[] = {
	"list", "start", "next", "hint", "check", "answer", "skip", "stop",
};

/* Add the completions of one argument kind. */
static void
cand_kind(struct cli *cli, struct cands *c, enum cli_arg kind)
{
	const struct sess	*s = cli->s;
	size_t			 k;

	switch (kind) {
	case CA_CMD:
		for (k = 0; k < cli_ncmds; k++)
			cand_add(c, cli_cmds[k].name);
		break;
	case CA_PEER3:
		cand_add(c, "both");
		/* FALLTHROUGH */
	case CA_PEER:
		cand_add(c, "i");
		cand_add(c, "r");
		break;
	case CA_SET1:
		cand_add(c, "i");
		cand_add(c, "r");
		cand_add(c, "both");
		cand_add(c, "horizon");
		/* FALLTHROUGH */
	case CA_KNOB:
		for (k = 0; k < sess_nknobs; k++)
			cand_add(c, sess_knobs[k].name);
		break;
	case CA_PKT:
	case CA_FLIGHT:
		for (k = 0; s != NULL && k < s->npkt; k++)
			if (kind == CA_PKT || s->pkts[k].st == PKT_INFLIGHT)
				cand_num(c, s->pkts[k].num);
		break;
	case CA_RULE:
		for (k = 0; s != NULL && k < s->nrules; k++)
			cand_num(c, s->rules[k].id);
		break;
	case CA_SAVE:
		for (k = 0; k < CLI_NSAVE; k++)
			cand_add(c, cli_save_kinds[k]);
		break;
	case CA_RULE_ACT:
		for (k = 0; k <= RULE_CORRUPT; k++)
			cand_add(c, cli_rule_acts[k]);
		break;
	case CA_SEL:
		for (k = 0; k < CLI_NMSG; k++)
			cand_add(c, cli_msg_names[k]);
		cand_add(c, "i>r");
		cand_add(c, "r>i");
		break;
	case CA_UNTIL:
		cand_add(c, "until");
		break;
	case CA_COND:
		cand_add(c, "i");
		cand_add(c, "r");
		for (k = 0; k < TR_NKINDS; k++)
			cand_add(c, trace_kind_name((enum tr_kind)k));
		break;
	case CA_LESSON:
		for (k = 0; k < sizeof(lesson_words) / sizeof(*lesson_words);
		    k++)
			cand_add(c, lesson_words[k]);
		break;
	case CA_NONE:
	case CA_FILE:
		break;
	}
}

/* The lesson files' names, for "lesson start <Tab>". */
static void
cand_lessons(struct cands *c)
{
	char	**v;
	size_t	  n, k;

	if ((v = lesson_names(&n)) == NULL)
		return;
	for (k = 0; k < n; k++)
		cand_add(c, v[k]);
	lesson_names_free(v, n);
}

/* State names, for "run until i|r STATE". */
static void
cand_states(struct cands *c)
{
	int	k;

	for (k = P1_NONE; k <= P1_DELETED; k++)
		cand_add(c, sess_p1_state_name((enum p1_state)k));
	for (k = QM_I_SENT1; k <= QM_R_DONE; k++)
		cand_add(c, sess_qm_state_name((enum qm_state)k));
}

/*
 * The words a knob named NAME takes ("aes128|aes192|..."), as
 * candidates; placeholders in capitals (DURATION, N) are left out.
 * False when NAME is no knob.
 */
static bool
cand_knob_values(struct cands *c, const char *name)
{
	char	 w[64];
	size_t	 k, n;
	const char *v;

	for (k = 0; k < sess_nknobs; k++) {
		if (strcmp(sess_knobs[k].name, name) != 0)
			continue;
		for (v = sess_knobs[k].values; *v != '\0'; v += n) {
			n = strcspn(v, "|");
			if (n < sizeof(w) && !(v[0] >= 'A' && v[0] <= 'Z')) {
				memcpy(w, v, n);
				w[n] = '\0';
				cand_add(c, w);
			}
			if (v[n] == '|')
				n++;
		}
		return true;
	}
	return false;
}

char **
cli_complete(struct cli *cli, const char *line, const char *text,
    bool *files)
{
	struct cands		 c = { NULL, 0, 0, text };
	const struct cli_cmd	*cmd;
	char			 buf[CLI_LINE_MAX], err[80];
	char			*argv[CLI_MAX_ARGS + 1];
	int			 argc;
	enum cli_arg		 kind;

	*files = false;
	if (cli_split(line, buf, sizeof(buf), argv, CLI_MAX_ARGS, &argc, err,
	    sizeof(err)) != 0)
		return NULL;
	if (argc == 0) {
		cand_kind(cli, &c, CA_CMD);
		return c.v;
	}
	if ((cmd = cli_cmd_find(argv[0])) == NULL)
		return NULL;
	/* set [i|r|both] KNOB <Tab>: the values the knob takes. */
	if (cmd->run == cmd_set && argc >= 2 && argc <= 3 &&
	    cand_knob_values(&c, argv[argc - 1]))
		return c.v;
	if (argc > 3)
		return NULL;
	kind = cmd->comp[argc - 1];
	if (cmd->run == cmd_set && argc == 2 && parse_peer(argv[1]) < 0 &&
	    strcmp(argv[1], "both") != 0)
		kind = CA_NONE;
	if (cmd->run == cmd_run && argc == 3) {
		if (parse_peer(argv[2]) >= 0)
			cand_states(&c);
		else
			cand_kind(cli, &c, CA_SEL);
		return c.v;
	}
	if (cmd->run == cmd_rule && argc == 3 &&
	    (strcmp(argv[1], "corrupt") == 0))
		kind = CA_NONE;
	if (cmd->run == cli_cmd_lesson && argc == 2) {
		if (strcmp(argv[1], "start") == 0)
			cand_lessons(&c);
		return c.v;
	}
	if (kind == CA_FILE) {
		*files = true;
		return NULL;
	}
	cand_kind(cli, &c, kind);
	return c.v;
}
