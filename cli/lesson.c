/*
 * lesson.c: guided lessons: the loader (every error names FILE:LINE),
 * the checks over the trace and the peers' state, answers, the runner
 * behind the `lesson` command, the check mode that replays a lesson's
 * reference path, and the progress file. The format is documented in
 * lessons/README.md.
 *
 * Lesson output goes through cli->out like every command's output, so
 * it shows in the REPL and in the timeline alike; text from a lesson
 * file is always printed escaped, never used as a format string.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lesson.h"

#ifndef IKELAB_DATADIR
#define IKELAB_DATADIR	"/usr/local/share/ikelab"
#endif

#define LSN_MAX_LINES	4000	/* directives in one lesson */
#define LSN_MAX_PROGRESS 1000	/* lessons in the progress file */
#define LSN_PROGRESS_LINE 256

static const char *const lsn_dir_names[] = {
	[LD_TITLE] = "title", [LD_GOAL] = "goal", [LD_SEED] = "seed",
	[LD_SAY] = "say", [LD_RUN] = "run", [LD_TASK] = "task",
	[LD_ASK] = "ask", [LD_CHECK] = "check", [LD_HINT] = "hint",
	[LD_SOLUTION] = "solution", [LD_ANSWER] = "answer",
};
#define LSN_NDIRS	(sizeof(lsn_dir_names) / sizeof(lsn_dir_names[0]))

/* Values `answer = hex PEER FIELD` can name. */
static const char *const lsn_hex_fields[] = {
	"icookie", "rcookie", "ni", "nr", "skeyid", "skeyid_d", "skeyid_a",
	"skeyid_e", "ka", "iv0", "hash_i", "hash_r", "msgid", "spi_i",
	"spi_r", "keymat_ir", "keymat_ri",
};
#define LSN_NHEX	(sizeof(lsn_hex_fields) / sizeof(lsn_hex_fields[0]))

/* Append printf-style text to ERR after "PATH:NO: ". */
static int
lsn_err(char *err, size_t len, const char *path, unsigned int no,
    const char *fmt, ...) IKE_PRINTF(5, 6);

static int
lsn_err(char *err, size_t len, const char *path, unsigned int no,
    const char *fmt, ...)
{
	va_list	ap;
	int	n;

	n = snprintf(err, len, "%.200s:%u: ", path, no);
	if (n < 0 || (size_t)n >= len)
		return IKE_ESYNTAX;
	va_start(ap, fmt);
	vsnprintf(err + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	return IKE_ESYNTAX;
}

/*
 * Columns of LINE (UTF-8 code points; a tab moves to the next multiple
 * of 8), or -1 when it is not valid UTF-8, -2 when it holds a control
 * byte.
 */
static long
lsn_columns(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	long			 cols = 0;
	int			 more, k;

	while (*p != '\0') {
		if (*p == '\t') {
			cols = (cols / 8 + 1) * 8;
			p++;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f)
			return -2;
		if (*p < 0x80)
			more = 0;
		else if ((*p & 0xe0) == 0xc0 && *p >= 0xc2)
			more = 1;
		else if ((*p & 0xf0) == 0xe0)
			more = 2;
		else if ((*p & 0xf8) == 0xf0 && *p <= 0xf4)
			more = 3;
		else
			return -1;
		for (k = 1; k <= more; k++)
			if ((p[k] & 0xc0) != 0x80)
				return -1;
		p += more + 1;
		cols++;
	}
	return cols;
}

/* "i" or "r" into 'i'/'r', "-" into 0 (when ANY); -1 otherwise. */
static int
lsn_peer(const char *s, bool any)
{
	if (strcmp(s, "i") == 0 || strcmp(s, "r") == 0)
		return s[0];
	if (any && strcmp(s, "-") == 0)
		return 0;
	return -1;
}

/* Parse "KIND PEER SEL" from ARGV[0..2] into M. */
static int
lsn_parse_match(char **argv, struct lsn_match *m, char *msg, size_t len)
{
	struct rule	r;
	int		k, p;

	memset(m, 0, sizeof(*m));
	m->kind = -1;
	if (strcmp(argv[0], "sent") == 0)
		m->kind = LSN_KIND_SENT;
	for (k = 0; k < TR_NKINDS && m->kind < 0; k++)
		if (strcmp(trace_kind_name((enum tr_kind)k), argv[0]) == 0)
			m->kind = k;
	if (m->kind < 0) {
		snprintf(msg, len, "'%.40s' is not an event kind (e.g. send, "
		    "resend, sent, discard, state, give_up, notify)", argv[0]);
		return IKE_ESYNTAX;
	}
	if ((p = lsn_peer(argv[1], true)) < 0) {
		snprintf(msg, len, "'%.40s' is not a peer (i, r, or - for "
		    "either)", argv[1]);
		return IKE_ESYNTAX;
	}
	m->peer = (char)p;
	if (strcmp(argv[2], "-") == 0)
		return 0;
	if (m->kind == TR_STATE) {
		if (!sess_is_state_name(argv[2])) {
			snprintf(msg, len, "'%.40s' is not a state (e.g. "
			    "AM_I_DONE, QM_R_DONE, FAILED)", argv[2]);
			return IKE_ESYNTAX;
		}
		snprintf(m->sel, sizeof(m->sel), "%s", argv[2]);
		return 0;
	}
	if (cli_parse_sel(argv[2], &r, msg, len) != 0) {
		/* (a direction is no use here: say only what a label is) */
		snprintf(msg, len, "'%.40s' is not a label (AG1..AG3, "
		    "QM1..QM3, INFO, ESP; e.g. AG2, AG2b, QM1.2)", argv[2]);
		return IKE_ESYNTAX;
	}
	if (r.sel[0] == '\0') {
		snprintf(msg, len, "'%s' is a direction, not a label",
		    argv[2]);
		return IKE_ESYNTAX;
	}
	snprintf(m->sel, sizeof(m->sel), "%s", r.sel);
	return 0;
}

static int
lsn_parse_num(const char *s, uint64_t *v, const char *what, char *msg,
    size_t len)
{
	unsigned long	u;

	if (cli_parse_ulong(s, 0, ULONG_MAX, &u) != 0) {
		snprintf(msg, len, "'%.40s' is not %s (a whole number)", s,
		    what);
		return IKE_ESYNTAX;
	}
	*v = u;
	return 0;
}

/* Parse the words of a `check` line. */
static int
lsn_parse_check(int argc, char **argv, struct lsn_check *c, char *msg,
    size_t len)
{
	static const struct {
		const char	*name;
		enum lsn_ck	 kind;
		int		 min, max;
		const char	*usage;
	} forms[] = {
		{ "event", LC_EVENT, 4, 5, "event KIND PEER LABEL [REASON]" },
		{ "no-event", LC_NO_EVENT, 4, 5,
		    "no-event KIND PEER LABEL [REASON]" },
		{ "count", LC_COUNT, 5, 5, "count KIND PEER LABEL N" },
		{ "time", LC_TIME, 5, 5, "time KIND PEER LABEL MS" },
		{ "state", LC_STATE, 3, 3, "state PEER STATE" },
		{ "setting", LC_SETTING, 4, 4, "setting PEER KEY VALUE" },
	};
	size_t	k;
	int	p;

	memset(c, 0, sizeof(*c));
	/* "check # note" splits into no words at all. */
	if (argc < 1) {
		snprintf(msg, len, "check: needs a check (event, no-event, "
		    "count, time, state or setting)");
		return IKE_ESYNTAX;
	}
	for (k = 0; k < sizeof(forms) / sizeof(forms[0]); k++)
		if (strcmp(forms[k].name, argv[0]) == 0)
			break;
	if (k == sizeof(forms) / sizeof(forms[0])) {
		snprintf(msg, len, "check: '%.40s' is not a check (expected "
		    "event, no-event, count, time, state or setting)",
		    argv[0]);
		return IKE_ESYNTAX;
	}
	if (argc < forms[k].min || argc > forms[k].max) {
		snprintf(msg, len, "check: expected '%s'", forms[k].usage);
		return IKE_ESYNTAX;
	}
	c->kind = forms[k].kind;
	switch (c->kind) {
	case LC_EVENT:
	case LC_NO_EVENT:
	case LC_COUNT:
	case LC_TIME:
		if (lsn_parse_match(argv + 1, &c->m, msg, len) != 0)
			return IKE_ESYNTAX;
		if (c->kind == LC_COUNT)
			return lsn_parse_num(argv[4], &c->num, "a count", msg,
			    len);
		if (c->kind == LC_TIME)
			return lsn_parse_num(argv[4], &c->num,
			    "a time in ms", msg, len);
		if (argc == 5)
			snprintf(c->m.reason, sizeof(c->m.reason), "%s",
			    argv[4]);
		return 0;
	case LC_STATE:
	case LC_SETTING:
		if ((p = lsn_peer(argv[1], false)) < 0) {
			snprintf(msg, len, "'%.40s' is not a peer (i or r)",
			    argv[1]);
			return IKE_ESYNTAX;
		}
		c->peer = (char)p;
		if (c->kind == LC_STATE && !sess_is_state_name(argv[2])) {
			snprintf(msg, len, "'%.40s' is not a state (e.g. "
			    "AM_R_SENT2, QM_I_DONE, FAILED)", argv[2]);
			return IKE_ESYNTAX;
		}
		if (c->kind == LC_SETTING) {
			for (k = 0; k < sess_nknobs; k++)
				if (strcmp(sess_knobs[k].name, argv[2]) == 0)
					break;
			if (k == sess_nknobs) {
				snprintf(msg, len, "'%.40s' is not a setting "
				    "(see 'config')", argv[2]);
				return IKE_ESYNTAX;
			}
			snprintf(c->value, sizeof(c->value), "%s", argv[3]);
		}
		snprintf(c->name, sizeof(c->name), "%s", argv[2]);
		return 0;
	}
	return IKE_ESYNTAX;
}

/* Parse the text of an `answer` line: literal, or "= WHAT ...". */
static int
lsn_parse_answer(const char *text, struct lsn_answer *a, char *msg,
    size_t len)
{
	char	 buf[CLI_LINE_MAX], err[120];
	char	*argv[CLI_MAX_ARGS + 1];
	int	 argc, p;
	size_t	 k;

	memset(a, 0, sizeof(*a));
	a->kind = LA_TEXT;
	if (text[0] != '=')
		return 0;
	if (cli_split(text + 1, buf, sizeof(buf), argv, CLI_MAX_ARGS, &argc,
	    err, sizeof(err)) != 0) {
		snprintf(msg, len, "answer: %s", err);
		return IKE_ESYNTAX;
	}
	if (argc == 3 && strcmp(argv[0], "hex") == 0) {
		a->kind = LA_HEX;
		if ((p = lsn_peer(argv[1], false)) < 0) {
			snprintf(msg, len, "'%.40s' is not a peer (i or r)",
			    argv[1]);
			return IKE_ESYNTAX;
		}
		a->peer = (char)p;
		for (k = 0; k < LSN_NHEX; k++)
			if (strcmp(lsn_hex_fields[k], argv[2]) == 0)
				break;
		if (k == LSN_NHEX) {
			snprintf(msg, len, "answer: '%.40s' is not a value "
			    "(e.g. icookie, hash_r, skeyid_d, msgid, spi_r)",
			    argv[2]);
			return IKE_ESYNTAX;
		}
		snprintf(a->field, sizeof(a->field), "%s", argv[2]);
		return 0;
	}
	if (argc == 4 && strcmp(argv[0], "time") == 0)
		a->kind = LA_TIME;
	else if (argc == 4 && strcmp(argv[0], "count") == 0)
		a->kind = LA_COUNT;
	else if (argc == 4 && strcmp(argv[0], "pkt") == 0)
		a->kind = LA_PKT;
	else {
		snprintf(msg, len, "answer: expected '= time|count|pkt KIND "
		    "PEER LABEL' or '= hex PEER VALUE' after '='");
		return IKE_ESYNTAX;
	}
	return lsn_parse_match(argv + 1, &a->m, msg, len);
}

/* Check that the text of a `run` or `solution` line is a command. */
static int
lsn_parse_command(const char *text, char *msg, size_t len)
{
	char			 buf[CLI_LINE_MAX], err[120];
	char			*argv[CLI_MAX_ARGS + 1];
	int			 argc;
	const struct cli_cmd	*c;

	if (cli_split(text, buf, sizeof(buf), argv, CLI_MAX_ARGS, &argc, err,
	    sizeof(err)) != 0) {
		snprintf(msg, len, "%s", err);
		return IKE_ESYNTAX;
	}
	if (argc == 0) {
		snprintf(msg, len, "needs a command");
		return IKE_ESYNTAX;
	}
	if ((c = cli_cmd_find(argv[0])) == NULL) {
		snprintf(msg, len, "unknown command '%.40s'", argv[0]);
		return IKE_ESYNTAX;
	}
	if (strcmp(c->name, "lesson") == 0 || strcmp(c->name, "quit") == 0 ||
	    strcmp(c->name, "tui") == 0) {
		snprintf(msg, len, "'%s' cannot run inside a lesson", c->name);
		return IKE_ESYNTAX;
	}
	/* A lesson file comes from someone else: it touches no files. */
	if (strcmp(c->name, "save") == 0 || strcmp(c->name, "source") == 0 ||
	    strcmp(c->name, "open") == 0 || (strcmp(c->name, "inject") == 0 &&
	    argc > 2 && argv[2][0] == '@')) {
		snprintf(msg, len, "'%s' cannot run inside a lesson (a lesson "
		    "reads and writes no files)", c->name);
		return IKE_ESYNTAX;
	}
	if (argc - 1 < c->min_args || (c->max_args >= 0 &&
	    argc - 1 > c->max_args)) {
		snprintf(msg, len, "wrong number of arguments (usage: %s)",
		    c->usage);
		return IKE_ESYNTAX;
	}
	return 0;
}

void
lesson_free(struct lesson *l)
{
	size_t	k;

	if (l == NULL)
		return;
	for (k = 0; k < l->n; k++)
		free(l->lines[k].text);
	free(l->lines);
	free(l->path);
	free(l->name);
	free(l->title);
	free(l);
}

/* The lesson's name: the file name without directories and ".txt". */
static char *
lsn_name_of(const char *path)
{
	const char	*b = strrchr(path, '/');
	size_t		 n;

	b = b != NULL ? b + 1 : path;
	n = strlen(b);
	if (n > 4 && strcmp(b + n - 4, ".txt") == 0)
		n -= 4;
	return strndup(b, n);
}

/* What the loader knows while it reads a lesson. */
struct lsn_ps {
	struct lesson	*l;
	int		 owner;		/* the open task or ask, or -1 */
	unsigned int	 title_no;	/* where title and seed were, or 0 */
	unsigned int	 seed_no;
	unsigned int	 ngoals;
	char		*err;
	size_t		 len;
};

/*
 * The directive that line S starts with; *TEXT gets the rest of the
 * line. -1 (and the message) for an unknown word.
 */
static int
lsn_directive(struct lsn_ps *ps, char *s, unsigned int no, char **text)
{
	char		 word[16];
	size_t		 k, w = 0;
	unsigned int	 best = 99, dist;
	const char	*sug = NULL;

	while (*s == ' ' || *s == '\t')
		s++;
	while (s[w] != '\0' && s[w] != ' ' && s[w] != '\t')
		w++;
	for (*text = s + w; **text == ' ' || **text == '\t'; (*text)++)
		;
	for (k = 0; k < LSN_NDIRS; k++)
		if (w == strlen(lsn_dir_names[k]) &&
		    strncmp(s, lsn_dir_names[k], w) == 0)
			return (int)k;
	snprintf(word, sizeof(word), "%.*s", (int)(w < 15 ? w : 15), s);
	for (k = 0; k < LSN_NDIRS; k++) {
		dist = cli_edit_distance(word, lsn_dir_names[k]);
		if (dist < best && dist <= 2) {
			best = dist;
			sug = lsn_dir_names[k];
		}
	}
	if (sug != NULL)
		lsn_err(ps->err, ps->len, ps->l->path, no, "unknown directive "
		    "'%s' (did you mean '%s'?)", word, sug);
	else
		lsn_err(ps->err, ps->len, ps->l->path, no, "unknown directive "
		    "'%s' (expected title, goal, seed, say, run, task, check, "
		    "hint, solution, ask or answer)", word);
	return -1;
}

/* Is directive D allowed here (its order, what it belongs to)? */
static int
lsn_placement(struct lsn_ps *ps, int d, unsigned int no, const char *text)
{
	const struct lesson	*l = ps->l;
	const char		*name = lsn_dir_names[d];
	size_t			 k;

	if (*text == '\0' && d != LD_SAY)
		return lsn_err(ps->err, ps->len, l->path, no, "'%s' needs "
		    "text", name);
	for (k = 0; d <= LD_SEED && k < l->n; k++)
		if (l->lines[k].dir >= LD_SAY)
			return lsn_err(ps->err, ps->len, l->path, no, "'%s' "
			    "must come before the first say, run, task or ask "
			    "(line %u)", name, l->lines[k].no);
	if (d == LD_TITLE && ps->title_no != 0)
		return lsn_err(ps->err, ps->len, l->path, no, "a second title "
		    "(the first is on line %u)", ps->title_no);
	if (d == LD_SEED && ps->seed_no != 0)
		return lsn_err(ps->err, ps->len, l->path, no, "a second seed "
		    "(the first is on line %u)", ps->seed_no);
	if (d == LD_CHECK && (ps->owner < 0 ||
	    l->lines[ps->owner].dir != LD_TASK))
		return lsn_err(ps->err, ps->len, l->path, no, "'check' outside "
		    "a task (write a 'task' line first)");
	if (d == LD_ANSWER && (ps->owner < 0 ||
	    l->lines[ps->owner].dir != LD_ASK))
		return lsn_err(ps->err, ps->len, l->path, no, "'answer' outside "
		    "a question (write an 'ask' line first)");
	if ((d == LD_HINT || d == LD_SOLUTION) && ps->owner < 0)
		return lsn_err(ps->err, ps->len, l->path, no, "'%s' outside a "
		    "task or question", name);
	if (l->n >= LSN_MAX_LINES)
		return lsn_err(ps->err, ps->len, l->path, no, "too many "
		    "directives (at most %d)", LSN_MAX_LINES);
	return 0;
}

/* Append directive D of line NO with TEXT (trailing blanks cut). */
static struct lsn_line *
lsn_append(struct lesson *l, int d, unsigned int no, char *text)
{
	struct lsn_line	*ln;
	char		*e;

	if ((ln = realloc(l->lines, (l->n + 1) * sizeof(*ln))) == NULL)
		return NULL;
	l->lines = ln;
	ln = &l->lines[l->n];
	memset(ln, 0, sizeof(*ln));
	ln->no = no;
	ln->dir = (enum lsn_dir)d;
	for (e = text + strlen(text); e > text && (e[-1] == ' ' ||
	    e[-1] == '\t'); e--)
		e[-1] = '\0';
	if ((ln->text = strdup(text)) == NULL)
		return NULL;
	l->n++;
	return ln;
}

/* Parse what directive line LN says (a seed, a check, an answer...). */
static int
lsn_parse_payload(struct lsn_ps *ps, struct lsn_line *ln)
{
	struct lesson	*l = ps->l;
	char		 msg[300], buf[CLI_LINE_MAX];
	char		*argv[CLI_MAX_ARGS + 1];
	int		 argc;

	switch (ln->dir) {
	case LD_TITLE:
		ps->title_no = ln->no;
		return (l->title = strdup(ln->text)) == NULL ? IKE_ENOMEM : 0;
	case LD_SEED:
		ps->seed_no = ln->no;
		if (lsn_parse_num(ln->text, &l->seed, "a seed", msg,
		    sizeof(msg)) != 0)
			return lsn_err(ps->err, ps->len, l->path, ln->no,
			    "seed: %s", msg);
		return 0;
	case LD_GOAL:
		ps->ngoals++;
		return 0;
	case LD_RUN:
	case LD_SOLUTION:
		if (ln->dir == LD_SOLUTION && l->lines[ps->owner].dir == LD_ASK)
			return 0;	/* a question's reference answer */
		if (lsn_parse_command(ln->text, msg, sizeof(msg)) != 0)
			return lsn_err(ps->err, ps->len, l->path, ln->no,
			    "%s: %s", lsn_dir_names[ln->dir], msg);
		return 0;
	case LD_TASK:
	case LD_ASK:
		ps->owner = (int)(l->n - 1);
		if (ln->dir == LD_TASK)
			l->ntasks++;
		else
			l->nasks++;
		return 0;
	case LD_CHECK:
		if (cli_split(ln->text, buf, sizeof(buf), argv, CLI_MAX_ARGS,
		    &argc, msg, sizeof(msg)) != 0)
			return lsn_err(ps->err, ps->len, l->path, ln->no,
			    "check: %s", msg);
		if (lsn_parse_check(argc, argv, &ln->ck, msg, sizeof(msg)) != 0)
			return lsn_err(ps->err, ps->len, l->path, ln->no, "%s",
			    msg);
		l->nchecks++;
		return 0;
	case LD_ANSWER:
		if (lsn_parse_answer(ln->text, &ln->ans, msg, sizeof(msg)) != 0)
			return lsn_err(ps->err, ps->len, l->path, ln->no, "%s",
			    msg);
		return 0;
	case LD_SAY:
	case LD_HINT:
		return 0;
	}
	return 0;
}

/* Parse one directive line S (already checked for columns). */
static int
lsn_parse_line(struct lsn_ps *ps, char *s, unsigned int no)
{
	struct lsn_line	*ln;
	char		*text;
	int		 d, rc;

	if ((d = lsn_directive(ps, s, no, &text)) < 0)
		return IKE_ESYNTAX;
	if ((rc = lsn_placement(ps, d, no, text)) != 0)
		return rc;
	if ((ln = lsn_append(ps->l, d, no, text)) == NULL)
		return IKE_ENOMEM;
	if ((rc = lsn_parse_payload(ps, ln)) != 0)
		return rc;
	if (d == LD_SAY || d == LD_RUN)
		ps->owner = -1;
	return 0;
}

/* Check one raw line of the file: bytes, encoding, width. */
static int
lsn_check_raw(struct lsn_ps *ps, const char *s, size_t got, unsigned int no)
{
	const char	*path = ps->l->path;
	long		 cols;

	if (got != strlen(s))
		return lsn_err(ps->err, ps->len, path, no, "line holds a NUL "
		    "byte");
	if ((cols = lsn_columns(s)) == -1)
		return lsn_err(ps->err, ps->len, path, no, "not valid UTF-8");
	if (cols == -2)
		return lsn_err(ps->err, ps->len, path, no, "line holds a "
		    "control character");
	if (cols > LSN_COLS)
		return lsn_err(ps->err, ps->len, path, no, "line is %ld columns "
		    "long (at most %d)", cols, LSN_COLS);
	return 0;
}

/* A task or question without the lines it needs. */
static int
lsn_check_block(struct lesson *l, size_t at, size_t end, char *err,
    size_t len)
{
	const struct lsn_line	*b = &l->lines[at];
	unsigned int		 nck = 0, nsol = 0, nans = 0;
	size_t			 k;

	for (k = at + 1; k < end; k++) {
		nck += l->lines[k].dir == LD_CHECK;
		nsol += l->lines[k].dir == LD_SOLUTION;
		nans += l->lines[k].dir == LD_ANSWER;
	}
	if (b->dir == LD_TASK && nck == 0)
		return lsn_err(err, len, l->path, b->no, "task has no "
		    "'check' (how else would the lesson know it is done?)");
	if (b->dir == LD_TASK && nsol == 0)
		return lsn_err(err, len, l->path, b->no, "task has no "
		    "'solution' (the commands the check mode types)");
	if (b->dir == LD_ASK && nans == 0)
		return lsn_err(err, len, l->path, b->no, "question has no "
		    "'answer'");
	if (b->dir == LD_ASK && nsol != 1)
		return lsn_err(err, len, l->path, b->no, "question needs "
		    "exactly one 'solution' (its reference answer), not %u",
		    nsol);
	return 0;
}

/* End of the block that starts at line index AT (a task or ask). */
static size_t
lsn_block_end(const struct lesson *l, size_t at)
{
	size_t	k;

	for (k = at + 1; k < l->n; k++)
		if (l->lines[k].dir < LD_CHECK)
			break;
	return k;
}

/* What the whole lesson must have, once every line is read. */
static int
lsn_check_whole(struct lsn_ps *ps, unsigned int last)
{
	struct lesson	*l = ps->l;
	size_t		 k, e;
	int		 rc;

	if (ps->title_no == 0)
		return lsn_err(ps->err, ps->len, l->path, 1, "no 'title' "
		    "line");
	if (ps->seed_no == 0)
		return lsn_err(ps->err, ps->len, l->path, 1, "no 'seed' line "
		    "(a lesson is seeded, so what it says is what appears)");
	if (ps->ngoals == 0)
		return lsn_err(ps->err, ps->len, l->path, 1, "no 'goal' line");
	for (k = 0; k < l->n; k = e) {
		e = k + 1;
		if (l->lines[k].dir != LD_TASK && l->lines[k].dir != LD_ASK)
			continue;
		e = lsn_block_end(l, k);
		if ((rc = lsn_check_block(l, k, e, ps->err, ps->len)) != 0)
			return rc;
	}
	if (l->nasks == 0)
		return lsn_err(ps->err, ps->len, l->path, last > 0 ? last : 1,
		    "the lesson asks no question ('ask' and 'answer')");
	return 0;
}

int
lesson_parse(FILE *f, const char *path, struct lesson **out, char *err,
    size_t err_len)
{
	struct lsn_ps	 ps = { NULL, -1, 0, 0, 0, err, err_len };
	char		*s = NULL;
	size_t		 cap = 0, k;
	ssize_t		 got;
	unsigned int	 no = 0;
	int		 rc = 0;

	*out = NULL;
	err[0] = '\0';
	if ((ps.l = calloc(1, sizeof(*ps.l))) == NULL)
		return IKE_ENOMEM;
	if ((ps.l->path = strdup(path)) == NULL ||
	    (ps.l->name = lsn_name_of(path)) == NULL)
		rc = IKE_ENOMEM;
	while (rc == 0 && (got = getline(&s, &cap, f)) >= 0) {
		no++;
		if (got > 0 && s[got - 1] == '\n')
			s[--got] = '\0';
		if (got > 0 && s[got - 1] == '\r')
			s[--got] = '\0';
		if ((rc = lsn_check_raw(&ps, s, (size_t)got, no)) != 0)
			break;
		for (k = 0; s[k] == ' ' || s[k] == '\t'; k++)
			;
		if (s[k] != '\0' && s[k] != '#')
			rc = lsn_parse_line(&ps, s, no);
	}
	free(s);
	if (rc == 0 && ferror(f))
		rc = lsn_err(err, err_len, path, no + 1, "read error");
	if (rc == 0)
		rc = lsn_check_whole(&ps, no);
	if (rc != 0) {
		if (rc == IKE_ENOMEM && err[0] == '\0')
			snprintf(err, err_len, "%.200s: out of memory", path);
		lesson_free(ps.l);
		return rc;
	}
	*out = ps.l;
	return 0;
}

int
lesson_load(const char *path, struct lesson **out, char *err,
    size_t err_len)
{
	FILE	*f;
	int	 rc;

	*out = NULL;
	if ((f = cli_fopen_regular(path, err, err_len)) == NULL)
		return IKE_ENOENT;
	rc = lesson_parse(f, path, out, err, err_len);
	fclose(f);
	return rc;
}

/*
 * Checks and answers. Labels match as the rules match them
 * (sess_label_matches).
 */

/* Is NEEDLE in HAY, ignoring case? */
static bool
lsn_has_text(const char *hay, const char *needle)
{
	size_t	n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return n == 0;
}

static bool
lsn_event_matches(const struct lsn_match *m, const struct tr_event *ev)
{
	if (m->kind == LSN_KIND_SENT) {
		if (ev->kind != TR_SEND && ev->kind != TR_RESEND)
			return false;
	} else if ((int)ev->kind != m->kind)
		return false;
	if (m->peer != 0 && ev->peer != m->peer)
		return false;
	if (m->sel[0] != '\0') {
		if (ev->kind == TR_STATE) {
			if (strcmp(ev->to, m->sel) != 0)
				return false;
		} else if (!sess_label_matches(m->sel, ev->label))
			return false;
	}
	if (m->reason[0] != '\0' && !lsn_has_text(ev->reason, m->reason))
		return false;
	return true;
}

/* Events matching M: how many, and the first one (or NULL). */
static size_t
lsn_find(const struct sess *s, const struct lsn_match *m,
    const struct tr_event **first)
{
	size_t	k, n = 0;

	*first = NULL;
	for (k = 0; s != NULL && k < s->trace.n; k++) {
		if (!lsn_event_matches(m, &s->trace.ev[k]))
			continue;
		if (n++ == 0)
			*first = &s->trace.ev[k];
	}
	return n;
}

static bool
lsn_peer_in_state(const struct peer *p, const char *st)
{
	size_t	k;

	if (strcmp(sess_p1_state_name(p->p1.st), st) == 0)
		return true;
	for (k = 0; k < p->nqm; k++)
		if (strcmp(sess_qm_state_name(p->qm[k].st), st) == 0)
			return true;
	return false;
}

bool
lesson_check_holds(const struct sess *s, const struct lsn_check *c,
    char *why, size_t why_len)
{
	const struct tr_event	*ev;
	const struct peer	*p;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	char			 v[200];
	size_t			 n;

	why[0] = '\0';
	if (s == NULL) {
		snprintf(why, why_len, "no session yet");
		return false;
	}
	switch (c->kind) {
	case LC_EVENT:
		if (lsn_find(s, &c->m, &ev) > 0)
			return true;
		snprintf(why, why_len, "no such event in the trace yet");
		return false;
	case LC_NO_EVENT:
		if (lsn_find(s, &c->m, &ev) == 0)
			return true;
		snprintf(why, why_len, "there is one at %" PRIu64 " ms",
		    ev->t_ms);
		return false;
	case LC_COUNT:
		if ((n = lsn_find(s, &c->m, &ev)) == c->num)
			return true;
		snprintf(why, why_len, "%zu such events, not %" PRIu64, n,
		    c->num);
		return false;
	case LC_TIME:
		if (lsn_find(s, &c->m, &ev) == 0) {
			snprintf(why, why_len, "no such event in the trace "
			    "yet");
			return false;
		}
		if (ev->t_ms == c->num)
			return true;
		snprintf(why, why_len, "the first one is at %" PRIu64 " ms",
		    ev->t_ms);
		return false;
	case LC_STATE:
		p = &s->peer[c->peer == 'i' ? PEER_I : PEER_R];
		if (lsn_peer_in_state(p, c->name))
			return true;
		snprintf(why, why_len, "%c is in %s", c->peer,
		    sess_p1_state_name(p->p1.st));
		if (sess_qm_cur(p) != NULL)
			snprintf(why + strlen(why), why_len - strlen(why),
			    ", its Quick Mode in %s",
			    sess_qm_state_name(sess_qm_cur(p)->st));
		return false;
	case LC_SETTING:
		if (sess_get(s, c->peer == 'i' ? PEER_I : PEER_R, c->name, v,
		    sizeof(v), &dg) != 0) {
			snprintf(why, why_len, "%s", dg.msg);
			return false;
		}
		if (strcmp(v, c->value) == 0)
			return true;
		snprintf(why, why_len, "%c %s is %s", c->peer, c->name, v);
		return false;
	}
	return false;
}

/* Append hex of P[0..N) to OUT. */
static void
lsn_hex(char *out, size_t len, const uint8_t *p, size_t n)
{
	size_t	k, o = 0;

	for (k = 0; k < n && o + 3 <= len; k++, o += 2)
		snprintf(out + o, len - o, "%02x", p[k]);
	if (len > 0)
		out[o < len ? o : len - 1] = '\0';
}

static void
lsn_hex_u32(char *out, size_t len, uint32_t v)
{
	snprintf(out, len, "%08" PRIx32, v);
}

/* The value of `= hex PEER FIELD` into OUT; false when not known yet. */
static bool
lsn_hex_value(const struct sess *s, const struct lsn_answer *a, char *out,
    size_t len)
{
	const struct peer	*p = &s->peer[a->peer == 'i' ? PEER_I : PEER_R];
	const struct p1sa	*sa = &p->p1;
	const struct qmx	*q = sess_qm_cur(p);
	const char		*f = a->field;

	out[0] = '\0';
	if (strcmp(f, "icookie") == 0 && sa->st != P1_NONE)
		lsn_hex(out, len, sa->icookie, sizeof(sa->icookie));
	else if (strcmp(f, "rcookie") == 0 && sa->st != P1_NONE)
		lsn_hex(out, len, sa->rcookie, sizeof(sa->rcookie));
	else if (strcmp(f, "ni") == 0)
		lsn_hex(out, len, sa->ni.p, sa->ni.len);
	else if (strcmp(f, "nr") == 0)
		lsn_hex(out, len, sa->nr.p, sa->nr.len);
	else if (!sa->has_keys)
		;
	else if (strcmp(f, "skeyid") == 0)
		lsn_hex(out, len, sa->keys.skeyid, sa->keys.hlen);
	else if (strcmp(f, "skeyid_d") == 0)
		lsn_hex(out, len, sa->keys.skeyid_d, sa->keys.hlen);
	else if (strcmp(f, "skeyid_a") == 0)
		lsn_hex(out, len, sa->keys.skeyid_a, sa->keys.hlen);
	else if (strcmp(f, "skeyid_e") == 0)
		lsn_hex(out, len, sa->keys.skeyid_e, sa->keys.hlen);
	else if (strcmp(f, "ka") == 0)
		lsn_hex(out, len, sa->keys.ka, sa->keys.klen);
	else if (strcmp(f, "iv0") == 0)
		lsn_hex(out, len, sa->keys.iv0, sa->keys.blen);
	else if (strcmp(f, "hash_i") == 0)
		lsn_hex(out, len, sa->hash_i, sa->keys.hlen);
	else if (strcmp(f, "hash_r") == 0)
		lsn_hex(out, len, sa->hash_r, sa->keys.hlen);
	else if (q == NULL)
		;
	else if (strcmp(f, "msgid") == 0)
		lsn_hex_u32(out, len, q->msgid);
	else if (strcmp(f, "spi_i") == 0 && q->spi_i != 0)
		lsn_hex_u32(out, len, q->spi_i);
	else if (strcmp(f, "spi_r") == 0 && q->spi_r != 0)
		lsn_hex_u32(out, len, q->spi_r);
	else if (strcmp(f, "keymat_ir") == 0)
		lsn_hex(out, len, q->keymat_ir.p, q->keymat_ir.len);
	else if (strcmp(f, "keymat_ri") == 0)
		lsn_hex(out, len, q->keymat_ri.p, q->keymat_ri.len);
	return out[0] != '\0';
}

/*
 * The value a computed answer stands for, as text into OUT; false when
 * the trace or the peers do not hold it (yet).
 */
static bool
lsn_answer_value(const struct sess *s, const struct lsn_answer *a,
    char *out, size_t len)
{
	const struct tr_event	*ev;
	size_t			 n;

	out[0] = '\0';
	if (s == NULL)
		return false;
	switch (a->kind) {
	case LA_TEXT:
		return false;
	case LA_HEX:
		return lsn_hex_value(s, a, out, len);
	case LA_COUNT:
		n = lsn_find(s, &a->m, &ev);
		snprintf(out, len, "%zu", n);
		return true;
	case LA_TIME:
	case LA_PKT:
		if (lsn_find(s, &a->m, &ev) == 0)
			return false;
		if (a->kind == LA_TIME)
			snprintf(out, len, "%" PRIu64, ev->t_ms);
		else if (ev->pkt == 0)
			return false;
		else
			snprintf(out, len, "%d", ev->pkt);
		return true;
	}
	return false;
}

/* Does the character at P separate words of an answer (lsn_norm)? */
static bool
lsn_is_blank(const char *p, bool words)
{
	if (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'')
		return true;
	if (!words)
		return false;
	if (*p == '-')		/* a minus sign belongs to its number */
		return !isdigit((unsigned char)p[1]);
	return strchr("_,()/;#", *p) != NULL;
}

/*
 * Normalise an answer for comparison: lower case, blanks squeezed,
 * without blanks, quotes and a final period around it. With WORDS (a
 * text answer, not hex digits) also: '_', ',', '(', ')', '/', ';', '#'
 * (of "#7", a packet number as ikelab prints it) and a '-' that is not
 * a minus sign count as blanks, so that
 * "AUTHENTICATION-FAILED", "authentication_failed" and
 * "N(authentication failed)" read alike; and the words "a", "an",
 * "the", "of" and "at" are left out ("a duplicate of QM2" is
 * "duplicate qm2", "at 4005 ms" is "4005 ms").
 */
static void
lsn_norm(const char *in, char *out, size_t len, bool words)
{
	static const char *const filler[] = { "a", "an", "the", "of", "at" };
	size_t	o = 0, w, k;
	bool	blank = true, skip;

	if (len == 0)
		return;
	while (*in != '\0' && o + 1 < len) {
		if (lsn_is_blank(in, words)) {
			blank = true;
			in++;
			continue;
		}
		/* A word: copy it, then take it back if it is filler. */
		if (blank && o > 0 && o + 2 < len)
			out[o++] = ' ';
		blank = false;
		w = o;
		while (*in != '\0' && o + 1 < len && !lsn_is_blank(in, words))
			out[o++] = (char)tolower((unsigned char)*in++);
		skip = false;
		for (k = 0; words && k < sizeof(filler) / sizeof(*filler); k++)
			if (o - w == strlen(filler[k]) &&
			    strncmp(out + w, filler[k], o - w) == 0)
				skip = true;
		if (skip)
			o = w > 0 ? w - 1 : 0;
	}
	while (o > 0 && (out[o - 1] == '.' || out[o - 1] == ' '))
		o--;
	out[o] = '\0';
}

/*
 * A whole number, decimal (optionally followed by "ms") or hex with
 * "0x"; false otherwise.
 */
static bool
lsn_number(const char *s, uint64_t *v)
{
	char		 t[64], *end;
	size_t		 n;
	unsigned long	 u;

	if (s[0] == '0' && s[1] == 'x' && isxdigit((unsigned char)s[2])) {
		errno = 0;
		u = strtoul(s + 2, &end, 16);
		if (errno != 0 || *end != '\0')
			return false;
		*v = u;
		return true;
	}

	snprintf(t, sizeof(t), "%s", s);
	n = strlen(t);
	/* A unit after the number: "4005 ms", "9 times". */
	if (n > 2 && strcmp(t + n - 2, "ms") == 0)
		t[n -= 2] = '\0';
	else if (n > 5 && strcmp(t + n - 5, "times") == 0)
		t[n -= 5] = '\0';
	while (n > 0 && t[n - 1] == ' ')
		t[--n] = '\0';
	if (cli_parse_ulong(t, 0, ULONG_MAX, &u) != 0)
		return false;
	*v = u;
	return true;
}

/* Does the student's TEXT match the accepted answer WANT? */
static bool
lsn_match_text(const char *want, const char *text, bool hex)
{
	char		 a[CLI_LINE_MAX], b[CLI_LINE_MAX];
	uint64_t	 x, y;
	size_t		 k, o = 0, n;
	const char	*p;

	lsn_norm(want, a, sizeof(a), !hex);
	lsn_norm(text, b, sizeof(b), !hex);
	if (hex) {
		p = b;
		if (p[0] == '0' && p[1] == 'x')
			p += 2;
		for (k = 0; p[k] != '\0'; k++)
			if (p[k] != ' ' && p[k] != ':')
				b[o++] = p[k];
		b[o] = '\0';
		n = strlen(a);
		/* At least 8 digits, or all of a shorter value. */
		return o >= (n < 8 ? n : 8) && o <= n &&
		    strncmp(a, b, o) == 0;
	}
	if (lsn_number(a, &x) && lsn_number(b, &y))
		return x == y;
	return strcmp(a, b) == 0;
}

bool
lesson_answer_ok(const struct sess *s, const struct lsn_line *lines,
    size_t from, size_t to, const char *text)
{
	char	v[CLI_LINE_MAX];
	size_t	k;

	for (k = from; k < to; k++) {
		const struct lsn_answer	*a = &lines[k].ans;

		if (lines[k].dir != LD_ANSWER)
			continue;
		if (a->kind == LA_TEXT) {
			if (lsn_match_text(lines[k].text, text, false))
				return true;
		} else if (lsn_answer_value(s, a, v, sizeof(v)) &&
		    lsn_match_text(v, text, a->kind == LA_HEX))
			return true;
	}
	return false;
}

/* The running lesson of a front end (cli->lesson). */
struct lsn_run {
	struct cli	*cli;
	struct lesson	*l;
	size_t		 pos;		/* next line to process */
	size_t		 cur;		/* the open task or ask, or SIZE_MAX */
	bool		 cur_done;
	unsigned int	 hints;		/* hints shown for the open block */
	unsigned int	 done;		/* tasks and questions done */
	bool		 finished;
};

static struct lsn_run *
lsn_run_of(const struct cli *cli)
{
	return cli->lesson;
}

void
lesson_end(struct cli *cli)
{
	if (cli->lesson == NULL)
		return;
	lesson_free(cli->lesson->l);
	free(cli->lesson);
	cli->lesson = NULL;
}

/* Print lesson text S escaped, then a newline. */
static void
lsn_put(struct cli *cli, const char *prefix, const char *s)
{
	fputs(prefix, cli->out);
	cli_put_escaped(cli->out, s, strlen(s), false);
	fputc('\n', cli->out);
}

/*
 * Run one command for the lesson. Its trace and output are written
 * into the lesson's own output (cli->out while `lesson` runs), so that
 * they appear in order between the lines of narration.
 */
static int
lsn_exec(struct cli *cli, const char *cmd)
{
	FILE	*tty = cli->tty;
	int	 rc;

	cli->tty = cli->out;
	rc = cli_exec_line(cli, cmd);
	cli->tty = tty;
	return rc;
}

/*
 * Where lesson files live: $IKELAB_LESSONS, lessons next to the program
 * (or one level up, for build/ikelab), the installed ones, and last
 * ./lessons. The program's own come before the current directory's, so
 * that an old checkout one happens to stand in does not hide them.
 */
static int
lsn_dir(char *out, size_t len)
{
	struct stat	 st;
	char		 exe[PATH_MAX], cand[PATH_MAX + 32];
	const char	*env = getenv("IKELAB_LESSONS");
	ssize_t		 n;
	char		*slash;
	const char	*tries[2] = { "/lessons", "/../lessons" };
	size_t		 k;

	if (env != NULL && env[0] != '\0') {
		snprintf(out, len, "%s", env);
		return 0;
	}
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		for (k = 0; k < 2; k++) {
			snprintf(cand, sizeof(cand), "%s%s", exe, tries[k]);
			if (stat(cand, &st) == 0 && S_ISDIR(st.st_mode)) {
				if (realpath(cand, exe) != NULL)
					snprintf(out, len, "%s", exe);
				else
					snprintf(out, len, "%s", cand);
				return 0;
			}
		}
	}
	snprintf(out, len, "%s/lessons", IKELAB_DATADIR);
	if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	snprintf(out, len, "lessons");
	return stat(out, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

static int
lsn_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lesson files (*.txt) of DIR, sorted; *N of them. */
static char **
lsn_list_files(const char *dir, size_t *n)
{
	DIR		*d;
	struct dirent	*e;
	char		**v = NULL, **nv;
	size_t		 len;

	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 5 ||
		    strcmp(e->d_name + len - 4, ".txt") != 0)
			continue;
		if ((nv = realloc(v, (*n + 1) * sizeof(*v))) == NULL)
			break;
		v = nv;
		if ((v[*n] = strdup(e->d_name)) != NULL)
			(*n)++;
	}
	closedir(d);
	if (*n > 0)
		qsort(v, *n, sizeof(*v), lsn_cmp);
	return v;
}

static void
lsn_free_list(char **v, size_t n)
{
	size_t	k;

	for (k = 0; k < n; k++)
		free(v[k]);
	free(v);
}

char **
lesson_names(size_t *n)
{
	char	 dir[PATH_MAX], **v;
	size_t	 k;

	*n = 0;
	if (lsn_dir(dir, sizeof(dir)) != 0)
		return NULL;
	v = lsn_list_files(dir, n);
	for (k = 0; k < *n; k++)
		v[k][strlen(v[k]) - 4] = '\0';		/* ".txt" */
	return v;
}

void
lesson_names_free(char **v, size_t n)
{
	lsn_free_list(v, n);
}

/*
 * Find lesson NAME: a path to a file, a file name in the lessons
 * directory with or without ".txt", its number ("3" or "03") or its
 * topic ("lost-ag3").
 */
static int
lsn_find_file(struct cli *cli, const char *name, char *out, size_t len)
{
	struct stat	 st;
	char		 dir[PATH_MAX], **v;
	size_t		 n, k, nl = strlen(name), hit = SIZE_MAX;
	unsigned long	 num, fnum;
	bool		 isnum = cli_parse_ulong(name, 0, 99, &num) == 0;
	const char	*dash;

	if (strchr(name, '/') != NULL && stat(name, &st) == 0) {
		snprintf(out, len, "%s", name);
		return 0;
	}
	if (lsn_dir(dir, sizeof(dir)) != 0)
		return cli_err(cli, "lesson: no lessons directory (set "
		    "IKELAB_LESSONS, or run ikelab from its source tree)");
	v = lsn_list_files(dir, &n);
	for (k = 0; k < n && hit == SIZE_MAX; k++) {
		size_t	fl = strlen(v[k]) - 4;

		dash = strchr(v[k], '-');
		if (strcmp(v[k], name) == 0 ||
		    (fl == nl && strncmp(v[k], name, nl) == 0))
			hit = k;
		else if (dash != NULL && (size_t)(v[k] + fl - dash - 1) == nl &&
		    strncmp(dash + 1, name, nl) == 0)
			hit = k;
		else if (isnum && sscanf(v[k], "%lu", &fnum) == 1 &&
		    fnum == num)
			hit = k;
	}
	if (hit != SIZE_MAX)
		snprintf(out, len, "%s/%s", dir, v[hit]);
	lsn_free_list(v, n);
	if (hit == SIZE_MAX)
		return cli_err(cli, "lesson: no lesson '%.100s' (see 'lesson "
		    "list')", name);
	return 0;
}

/* Save progress of R, warning (not failing) when it cannot. */
static void
lsn_save_progress(struct cli *cli, struct lsn_run *r)
{
	char	path[PATH_MAX];

	if (lesson_progress_path(path, sizeof(path)) != 0)
		return;
	if (lesson_progress_set(path, r->l->name, r->done,
	    r->l->ntasks + r->l->nasks) != 0)
		fprintf(cli->out, "(progress not saved: cannot write %s)\n",
		    path);
}

/* Show the open task or question of R. */
static void
lsn_show_block(struct cli *cli, struct lsn_run *r)
{
	const struct lsn_line	*b = &r->l->lines[r->cur];

	if (b->dir == LD_TASK) {
		fprintf(cli->out, "Task (your own commands, then 'lesson "
		    "check'; stuck? 'lesson hint'):\n");
		lsn_put(cli, "  ", b->text);
	} else {
		fprintf(cli->out, "Question ('lesson answer TEXT'; stuck? "
		    "'lesson hint'):\n");
		lsn_put(cli, "  ", b->text);
	}
}

/*
 * Go on from r->pos: print narration, run the lesson's commands, stop
 * at the next task or question. A failing command is reported with its
 * FILE:LINE and stops the lesson there.
 */
static int
lsn_advance(struct cli *cli, struct lsn_run *r)
{
	const struct lsn_line	*ln;
	char			 msg[CLI_ERR_LEN];

	if (r->cur != SIZE_MAX)
		fputc('\n', cli->out);
	r->cur = SIZE_MAX;
	r->cur_done = false;
	r->hints = 0;
	while (r->pos < r->l->n) {
		ln = &r->l->lines[r->pos];
		switch (ln->dir) {
		case LD_SAY:
			lsn_put(cli, "", ln->text);
			r->pos++;
			break;
		case LD_RUN:
			lsn_put(cli, "lesson> ", ln->text);
			r->pos++;
			if (lsn_exec(cli, ln->text) < 0) {
				snprintf(msg, sizeof(msg), "%s", cli->err);
				return cli_err(cli, "%.200s:%u: %.280s",
				    r->l->path, ln->no, msg);
			}
			break;
		case LD_TASK:
		case LD_ASK:
			r->cur = r->pos;
			r->pos = lsn_block_end(r->l, r->pos);
			fputc('\n', cli->out);
			lsn_show_block(cli, r);
			return 0;
		default:
			r->pos++;
			break;
		}
	}
	r->finished = true;
	fputc('\n', cli->out);
	lsn_put(cli, "End of the lesson: ", r->l->title);
	fprintf(cli->out, "You did %u of %u tasks and questions. 'lesson "
	    "list' shows your progress.\n", r->done,
	    r->l->ntasks + r->l->nasks);
	return 0;
}

/* Evaluate the open task's checks; print them when VERBOSE. */
static bool
lsn_task_done(struct cli *cli, struct lsn_run *r, bool verbose)
{
	size_t			 k, end = lsn_block_end(r->l, r->cur);
	char			 why[300];
	bool			 all = true, ok;
	const struct lsn_line	*ln;

	for (k = r->cur + 1; k < end; k++) {
		ln = &r->l->lines[k];
		if (ln->dir != LD_CHECK)
			continue;
		ok = lesson_check_holds(cli->s, &ln->ck, why, sizeof(why));
		all = all && ok;
		if (!verbose)
			continue;
		lsn_put(cli, ok ? "  ok       " : "  not yet  ", ln->text);
		if (!ok)
			lsn_put(cli, "           ", why);
	}
	return all;
}

static void
lsn_mark_done(struct cli *cli, struct lsn_run *r)
{
	if (r->cur_done)
		return;
	r->cur_done = true;
	r->done++;
	lsn_save_progress(cli, r);
}

static int
lsn_start(struct cli *cli, const char *name)
{
	struct lsn_run	*r;
	struct lesson	*l;
	char		 path[PATH_MAX + 64], seed[40], pp[PATH_MAX];
	size_t		 k;
	unsigned int	 done, total;
	int		 rc;

	if (lsn_find_file(cli, name, path, sizeof(path)) != 0)
		return IKE_ENOENT;
	if ((rc = lesson_load(path, &l, cli->err, sizeof(cli->err))) != 0)
		return rc;
	lesson_end(cli);
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		lesson_free(l);
		return cli_err(cli, "lesson: out of memory");
	}
	r->cli = cli;
	r->l = l;
	r->cur = SIZE_MAX;
	cli->lesson = r;

	lsn_put(cli, "Lesson: ", l->title);
	for (k = 0; k < l->n; k++)
		if (l->lines[k].dir == LD_GOAL)
			lsn_put(cli, "  goal: ", l->lines[k].text);
	if (lesson_progress_path(pp, sizeof(pp)) == 0 &&
	    lesson_progress_get(pp, l->name, &done, &total))
		fprintf(cli->out, "  (last time you did %u of %u)\n", done,
		    total);
	fprintf(cli->out, "  'lesson next' goes on, 'lesson hint' helps, "
	    "'lesson check' checks a task.\n\n");
	snprintf(seed, sizeof(seed), "seed %" PRIu64, l->seed);
	if (lsn_exec(cli, seed) < 0)
		return IKE_ESTATE;
	return lsn_advance(cli, r);
}

int
lesson_begin(struct cli *cli, const char *name)
{
	return lsn_start(cli, name);
}


/* `lesson list`. */
static int
lsn_list(struct cli *cli)
{
	char		 dir[PATH_MAX], path[PATH_MAX * 2], pp[PATH_MAX];
	char		 err[LSN_ERR_LEN], **v, *dot, line[LSN_COLS + 40];
	struct lesson	*l;
	size_t		 n, k;
	unsigned int	 done, total;
	bool		 has_pp = lesson_progress_path(pp, sizeof(pp)) == 0;

	if (lsn_dir(dir, sizeof(dir)) != 0)
		return cli_err(cli, "lesson: no lessons directory (set "
		    "IKELAB_LESSONS, or run ikelab from its source tree)");
	v = lsn_list_files(dir, &n);
	if (n == 0) {
		lsn_free_list(v, n);
		return cli_err(cli, "lesson: no lessons in %.200s", dir);
	}
	fprintf(cli->out, "lessons (in ");
	cli_put_escaped(cli->out, dir, strlen(dir), false);
	fprintf(cli->out, "); 'lesson start NAME' or its number:\n");
	for (k = 0; k < n; k++) {
		snprintf(path, sizeof(path), "%s/%s", dir, v[k]);
		if ((dot = strrchr(v[k], '.')) != NULL)
			*dot = '\0';
		fputs("  ", cli->out);
		cli_put_escaped(cli->out, v[k], strlen(v[k]), false);
		fprintf(cli->out, "%*s", (int)(strlen(v[k]) < 24 ?
		    24 - strlen(v[k]) : 1), "");
		if (lesson_load(path, &l, err, sizeof(err)) != 0) {
			lsn_put(cli, "BROKEN: ", err);
			continue;
		}
		snprintf(line, sizeof(line), "%s", l->title);
		if (has_pp && lesson_progress_get(pp, l->name, &done, &total))
			snprintf(line + strlen(line), sizeof(line) -
			    strlen(line), "  [%s%u/%u]", done >= total ?
			    "done " : "", done, total);
		cli_put_wrapped(cli->out, line, 26, 79);
		lesson_free(l);
	}
	lsn_free_list(v, n);
	return 0;
}

/* Join ARGV[from..argc) with blanks into OUT. */
static void
lsn_join(int argc, char **argv, int from, char *out, size_t len)
{
	size_t	o = 0;
	int	k;

	out[0] = '\0';
	for (k = from; k < argc && o < len; k++)
		o += (size_t)snprintf(out + o, len - o, "%s%s", k > from ?
		    " " : "", argv[k]);
}

static int
lsn_answer(struct cli *cli, struct lsn_run *r, const char *text)
{
	size_t	end = lsn_block_end(r->l, r->cur);

	if (lesson_answer_ok(cli->s, r->l->lines, r->cur + 1, end, text)) {
		fprintf(cli->out, "Right. 'lesson next' goes on.\n");
		lsn_mark_done(cli, r);
		return 0;
	}
	fprintf(cli->out, "Not that. Look again (the trace, 'ladder', "
	    "'show N', 'keys'), or 'lesson hint'.\n");
	return 0;
}

static int
lsn_hint(struct cli *cli, struct lsn_run *r)
{
	size_t		 k, end = lsn_block_end(r->l, r->cur);
	unsigned int	 h = 0;
	bool		 task = r->l->lines[r->cur].dir == LD_TASK;

	for (k = r->cur + 1; k < end; k++) {
		if (r->l->lines[k].dir != LD_HINT)
			continue;
		if (h++ == r->hints) {
			r->hints++;
			lsn_put(cli, "Hint: ", r->l->lines[k].text);
			return 0;
		}
	}
	if (!task) {
		fprintf(cli->out, "No more hints for this question; 'lesson "
		    "skip' moves on without it.\n");
		return 0;
	}
	fprintf(cli->out, "No more hints. The lesson's own solution:\n");
	for (k = r->cur + 1; k < end; k++)
		if (r->l->lines[k].dir == LD_SOLUTION)
			lsn_put(cli, "  ", r->l->lines[k].text);
	return 0;
}

/* `lesson check` on a task: say which checks hold. */
static int
lsn_sub_check(struct cli *cli, struct lsn_run *r)
{
	if (lsn_task_done(cli, r, true)) {
		fprintf(cli->out, "Done. 'lesson next' goes on.\n");
		lsn_mark_done(cli, r);
	} else
		fprintf(cli->out, "Not done yet.\n");
	return 0;
}

/* `lesson next`: on, once the open step is done. */
static int
lsn_sub_next(struct cli *cli, struct lsn_run *r, bool task)
{
	if (!r->cur_done && task && lsn_task_done(cli, r, false))
		lsn_mark_done(cli, r);
	if (r->cur_done)
		return lsn_advance(cli, r);
	if (task)
		return cli_err(cli, "lesson: the task is not done yet ('lesson "
		    "check' says why; 'lesson skip' moves on without it)");
	return cli_err(cli, "lesson: answer first ('lesson answer TEXT'; "
	    "'lesson skip' moves on without it)");
}

/* The words after `lesson`, and how many more each takes. */
static const struct {
	const char	*name;
	int		 min, max;	/* further words; -1: no limit */
} lsn_subs[] = {
	{ "list", 0, 0 }, { "start", 1, 1 }, { "next", 0, 0 },
	{ "hint", 0, 0 }, { "check", 0, -1 }, { "answer", 1, -1 },
	{ "skip", 0, 0 }, { "stop", 0, 0 },
};

int
cli_cmd_lesson(struct cli *cli, int argc, char **argv)
{
	struct lsn_run	*r = lsn_run_of(cli);
	char		 text[CLI_LINE_MAX];
	const char	*sub = argc > 1 ? argv[1] : "";
	size_t		 k;
	bool		 task;

	for (k = 0; argc > 1 && k < sizeof(lsn_subs) / sizeof(lsn_subs[0]);
	    k++)
		if (strcmp(lsn_subs[k].name, sub) == 0)
			break;
	if (argc > 1 && k == sizeof(lsn_subs) / sizeof(lsn_subs[0]))
		return cli_err(cli, "lesson: '%.40s' is not a lesson command "
		    "(list, start NAME, next, hint, check, answer TEXT, skip, "
		    "stop)", sub);
	if (argc > 1 && (argc - 2 < lsn_subs[k].min ||
	    (lsn_subs[k].max >= 0 && argc - 2 > lsn_subs[k].max)))
		return cli_err(cli, "lesson: '%s' %s", sub, argc - 2 <
		    lsn_subs[k].min ? (strcmp(sub, "start") == 0 ? "needs a "
		    "NAME (see 'lesson list')" : "needs the answer") :
		    "takes no more words");
	if (strcmp(sub, "list") == 0)
		return lsn_list(cli);
	if (strcmp(sub, "start") == 0)
		return lsn_start(cli, argv[2]);
	if (r == NULL)
		return cli_err(cli, "lesson: no lesson running (try 'lesson "
		    "list', then 'lesson start NAME')");
	if (strcmp(sub, "stop") == 0) {
		lsn_put(cli, "Stopped: ", r->l->title);
		lesson_end(cli);
		return 0;
	}
	if (r->cur == SIZE_MAX) {
		if (strcmp(sub, "next") == 0 && !r->finished)
			return lsn_advance(cli, r);
		return cli_err(cli, "lesson: the lesson is over ('lesson "
		    "list', 'lesson start NAME')");
	}
	task = r->l->lines[r->cur].dir == LD_TASK;
	if (argc == 1) {
		lsn_show_block(cli, r);
		return 0;
	}
	if (strcmp(sub, "hint") == 0)
		return lsn_hint(cli, r);
	if (strcmp(sub, "skip") == 0) {
		fprintf(cli->out, "Skipped.\n");
		return lsn_advance(cli, r);
	}
	if (strcmp(sub, "next") == 0)
		return lsn_sub_next(cli, r, task);
	if (task && argc > 2)
		return cli_err(cli, "lesson: this step is a task, not a "
		    "question: 'lesson check' checks it");
	if (task)
		return lsn_sub_check(cli, r);
	if (argc == 2)
		return cli_err(cli, "lesson: this step is a question: 'lesson "
		    "answer TEXT'");
	lsn_join(argc, argv, 2, text, sizeof(text));
	return lsn_answer(cli, r, text);
}

/* Describe what the reference path of line LN did wrong. */
static int
lsn_fail(struct cli *cli, const struct lesson *l, unsigned int no,
    const char *fmt, ...) IKE_PRINTF(4, 5);

static int
lsn_fail(struct cli *cli, const struct lesson *l, unsigned int no,
    const char *fmt, ...)
{
	char	msg[CLI_ERR_LEN];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cli_err(cli, "%.200s:%u: %.280s", l->path, no, msg);
}

/* Run command TEXT of line NO quietly; report a failure with FILE:LINE. */
static int
lsn_verify_exec(struct cli *cli, const struct lesson *l, unsigned int no,
    const char *text)
{
	char	msg[CLI_ERR_LEN];

	if (cli_exec_line(cli, text) >= 0)
		return 0;
	snprintf(msg, sizeof(msg), "%s", cli->err);
	return lsn_fail(cli, l, no, "'%.60s' failed: %.200s", text, msg);
}

/*
 * The check mode for task K..END: its checks must not hold yet, then
 * its solution runs, then every check must hold.
 */
static int
lsn_verify_task(struct cli *cli, const struct lesson *l, size_t k,
    size_t end)
{
	const struct lsn_line	*ln;
	char			 why[300];
	size_t			 j;
	bool			 all = true;
	int			 rc = 0;

	for (j = k + 1; j < end; j++)
		if (l->lines[j].dir == LD_CHECK)
			all = all && lesson_check_holds(cli->s,
			    &l->lines[j].ck, why, sizeof(why));
	if (all)
		return lsn_fail(cli, l, l->lines[k].no, "the task is done "
		    "before its solution ran: its checks prove nothing");
	for (j = k + 1; rc == 0 && j < end; j++)
		if (l->lines[j].dir == LD_SOLUTION)
			rc = lsn_verify_exec(cli, l, l->lines[j].no,
			    l->lines[j].text);
	for (j = k + 1; rc == 0 && j < end; j++) {
		ln = &l->lines[j];
		if (ln->dir == LD_CHECK && !lesson_check_holds(cli->s, &ln->ck,
		    why, sizeof(why)))
			rc = lsn_fail(cli, l, ln->no, "check '%.80s' fails "
			    "after the solution: %.150s", ln->text, why);
	}
	return rc;
}

/* The check mode for question K..END: its reference answer is right. */
static int
lsn_verify_ask(struct cli *cli, const struct lesson *l, size_t k,
    size_t end)
{
	const struct lsn_line	*sol = NULL;
	char			 why[300], v[CLI_ERR_LEN];
	size_t			 j;

	for (j = k + 1; j < end && sol == NULL; j++)
		if (l->lines[j].dir == LD_SOLUTION)
			sol = &l->lines[j];
	if (sol == NULL)
		return lsn_fail(cli, l, l->lines[k].no, "no solution");
	if (lesson_answer_ok(cli->s, l->lines, k + 1, end, sol->text))
		return 0;
	/* Say what the computed answers are now. */
	why[0] = '\0';
	for (j = k + 1; j < end; j++) {
		if (l->lines[j].dir != LD_ANSWER ||
		    l->lines[j].ans.kind == LA_TEXT)
			continue;
		if (!lsn_answer_value(cli->s, &l->lines[j].ans, v, sizeof(v)))
			snprintf(why, sizeof(why), " (no event matches the "
			    "computed answer)");
		else
			snprintf(why, sizeof(why), " (the tool's answer is "
			    "%.100s)", v);
	}
	return lsn_fail(cli, l, sol->no, "reference answer '%.60s' is not "
	    "accepted%s", sol->text, why);
}

int
lesson_verify(struct cli *cli, const struct lesson *l)
{
	const struct lsn_line	*b;
	char			 seed[40], msg[CLI_ERR_LEN];
	size_t			 k, end;
	bool			 quiet = cli->quiet;
	int			 rc = 0;

	cli->quiet = true;
	snprintf(seed, sizeof(seed), "seed %" PRIu64, l->seed);
	if (cli_exec_line(cli, seed) < 0) {
		snprintf(msg, sizeof(msg), "%s", cli->err);
		rc = lsn_fail(cli, l, 1, "seed: %.200s", msg);
	}
	for (k = 0; rc == 0 && k < l->n; k = end) {
		b = &l->lines[k];
		end = k + 1;
		if (b->dir == LD_RUN)
			rc = lsn_verify_exec(cli, l, b->no, b->text);
		else if (b->dir == LD_TASK || b->dir == LD_ASK) {
			end = lsn_block_end(l, k);
			rc = b->dir == LD_TASK ?
			    lsn_verify_task(cli, l, k, end) :
			    lsn_verify_ask(cli, l, k, end);
		}
	}
	cli->quiet = quiet;
	return rc;
}

int
lesson_check_file(const char *path, FILE *out, FILE *err)
{
	struct cli	 cli;
	struct lesson	*l;
	char		 msg[LSN_ERR_LEN];
	int		 rc;

	if (lesson_load(path, &l, msg, sizeof(msg)) != 0) {
		cli_put_escaped(err, msg, strlen(msg), false);
		fputc('\n', err);
		return 1;
	}
	cli_init(&cli, out, err);
	rc = lesson_verify(&cli, l);
	if (rc != 0) {
		cli_put_escaped(err, cli.err, strlen(cli.err), false);
		fputc('\n', err);
	} else {
		cli_put_escaped(out, path, strlen(path), false);
		fprintf(out, ": ok: %u tasks, %u questions, %u checks, "
		    "seed %" PRIu64 "\n", l->ntasks, l->nasks, l->nchecks,
		    l->seed);
	}
	cli_free(&cli);
	lesson_free(l);
	return rc != 0 ? 1 : 0;
}

/*
 * Progress. The file is small; it is read whole, changed and written
 * back through a temporary file in the same directory.
 */
int
lesson_progress_path(char *out, size_t len)
{
	const char	*x = getenv("XDG_STATE_HOME"), *h = getenv("HOME");
	int		 n;

	/* The XDG spec says to ignore a relative XDG_STATE_HOME. */
	if (x != NULL && x[0] == '/')
		n = snprintf(out, len, "%s/ikelab/progress", x);
	else if (h != NULL && h[0] == '/')
		n = snprintf(out, len, "%s/.local/state/ikelab/progress", h);
	else
		return -1;
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

struct lsn_prog {
	char		 name[128];
	unsigned int	 done;
	unsigned int	 total;
};

/*
 * Read the well-formed lines of PATH into *V (at most the cap); every
 * other line (a comment, a damaged or over-long line) is skipped.
 */
static size_t
lsn_prog_read(const char *path, struct lsn_prog **v)
{
	FILE		*f;
	char		*line = NULL, *tab1, *tab2, *end;
	size_t		 cap = 0, n = 0, len;
	ssize_t		 got;
	unsigned long	 d, t;
	struct lsn_prog	*nv;

	*v = NULL;
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while ((got = getline(&line, &cap, f)) >= 0 &&
	    n < LSN_MAX_PROGRESS) {
		len = (size_t)got;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len >= LSN_PROGRESS_LINE || len != strlen(line) ||
		    line[0] == '#' || (tab1 = strchr(line, '\t')) == NULL ||
		    (tab2 = strchr(tab1 + 1, '\t')) == NULL)
			continue;
		*tab1 = *tab2 = '\0';
		if (line[0] == '\0' || strlen(line) >= sizeof(nv->name) ||
		    lsn_columns(line) < 0 ||
		    !isdigit((unsigned char)tab1[1]) ||
		    !isdigit((unsigned char)tab2[1]))
			continue;
		errno = 0;
		d = strtoul(tab1 + 1, &end, 10);
		if (errno != 0 || *end != '\0' || d > 100000)
			continue;
		t = strtoul(tab2 + 1, &end, 10);
		if (errno != 0 || *end != '\0' || t > 100000)
			continue;
		if ((nv = realloc(*v, (n + 1) * sizeof(**v))) == NULL)
			break;
		*v = nv;
		snprintf(nv[n].name, sizeof(nv[n].name), "%s", line);
		nv[n].done = (unsigned int)d;
		nv[n].total = (unsigned int)t;
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

bool
lesson_progress_get(const char *path, const char *name, unsigned int *done,
    unsigned int *total)
{
	struct lsn_prog	*v;
	size_t		 n = lsn_prog_read(path, &v), k;
	bool		 found = false;

	for (k = 0; k < n; k++) {
		if (strcmp(v[k].name, name) != 0)
			continue;
		*done = v[k].done;
		*total = v[k].total;
		found = true;
	}
	free(v);
	return found;
}

/* mkdir -p of the directory part of PATH, mode 0700. */
static int
lsn_mkdirs(const char *path)
{
	char	d[PATH_MAX], *p;

	if (snprintf(d, sizeof(d), "%s", path) >= (int)sizeof(d))
		return -1;
	if ((p = strrchr(d, '/')) == NULL)
		return 0;
	*p = '\0';
	for (p = d + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(d, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(d, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int
lesson_progress_set(const char *path, const char *name, unsigned int done,
    unsigned int total)
{
	struct lsn_prog	*v;
	size_t		 n, k;
	char		 tmp[PATH_MAX];
	FILE		*f;
	int		 fd, rc = 0;
	bool		 found = false;

	if (strlen(name) >= sizeof(v->name) || strchr(name, '\t') != NULL ||
	    strchr(name, '\n') != NULL)
		return IKE_ESYNTAX;
	if (lsn_mkdirs(path) != 0)
		return IKE_ESTATE;
	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >=
	    (int)sizeof(tmp))
		return IKE_ELIMIT;
	n = lsn_prog_read(path, &v);
	if ((fd = mkstemp(tmp)) < 0) {
		free(v);
		return IKE_ESTATE;
	}
	if (fchmod(fd, 0600) != 0 || (f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		free(v);
		return IKE_ESTATE;
	}
	fprintf(f, "# ikelab lesson progress: name<TAB>done<TAB>total\n");
	for (k = 0; k < n; k++) {
		if (strcmp(v[k].name, name) == 0) {
			if (found)
				continue;
			found = true;
			v[k].done = v[k].done > done ? v[k].done : done;
			v[k].total = total;
		}
		fprintf(f, "%s\t%u\t%u\n", v[k].name, v[k].done, v[k].total);
	}
	if (!found)
		fprintf(f, "%s\t%u\t%u\n", name, done, total);
	free(v);
	if (fflush(f) != 0 || ferror(f))
		rc = IKE_ESTATE;
	if (fclose(f) != 0)
		rc = IKE_ESTATE;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = IKE_ESTATE;
	if (rc != 0)
		unlink(tmp);
	return rc;
}
