/*
 * test_cli_lesson.c: lessons: the loader and every message it gives
 * (with FILE:LINE), the checks over the trace and the peers' state,
 * answers (literal and computed), the check mode over every lesson in
 * lessons/, the `lesson` command, and the progress file.
 */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "lesson.h"

/* The lines every small test lesson starts and ends with. */
#define HEAD	"title T\nseed 3\ngoal G\n"		/* lines 1-3 */
#define TAIL	"ask Q\nanswer a\nsolution a\n"

/* Parse TEXT as a lesson named t.txt; the error text, or NULL if fine. */
static const char *
parse_err(const char *text, struct lesson **out)
{
	static char	 err[LSN_ERR_LEN];
	struct lesson	*l = NULL;
	FILE		*f;
	int		 rc;

	f = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(f);
	rc = lesson_parse(f, "t.txt", &l, err, sizeof(err));
	fclose(f);
	if (out != NULL)
		*out = l;
	else
		lesson_free(l);
	if (rc == 0) {
		assert_non_null(l);
		return NULL;
	}
	assert_null(l);
	return err;
}

static void
parse_keeps_directives_and_their_lines(void **state)
{
	struct lesson	*l;

	(void)state;
	assert_null(parse_err("# a comment\n\n" HEAD
	    "say Hello, \"world\".\n"
	    "say\n"
	    "  run   start\n"
	    "task Do it.\n"
	    "hint Try.\n"
	    "solution step\n"
	    "check event deliver i AG1\n"
	    "check state r AM_R_SENT2\n"
	    TAIL, &l));
	assert_string_equal(l->title, "T");
	assert_string_equal(l->name, "t");
	assert_int_equal(l->seed, 3);
	assert_int_equal(l->ntasks, 1);
	assert_int_equal(l->nasks, 1);
	assert_int_equal(l->nchecks, 2);
	assert_int_equal(l->n, 14);
	assert_int_equal(l->lines[3].no, 6);
	assert_int_equal(l->lines[3].dir, LD_SAY);
	assert_string_equal(l->lines[3].text, "Hello, \"world\".");
	assert_string_equal(l->lines[4].text, "");
	assert_int_equal(l->lines[5].dir, LD_RUN);
	assert_string_equal(l->lines[5].text, "start");
	assert_int_equal(l->lines[5].no, 8);
	assert_int_equal(l->lines[9].ck.kind, LC_EVENT);
	assert_int_equal(l->lines[9].ck.m.kind, TR_DELIVER);
	assert_int_equal(l->lines[9].ck.m.peer, 'i');
	assert_string_equal(l->lines[9].ck.m.sel, "AG1");
	assert_int_equal(l->lines[10].ck.kind, LC_STATE);
	assert_int_equal(l->lines[10].ck.peer, 'r');
	assert_string_equal(l->lines[10].ck.name, "AM_R_SENT2");
	lesson_free(l);
}

/* One broken lesson and the exact message it must give. */
struct bad {
	const char	*text;
	const char	*err;
};

static void
parse_reports_every_error_with_file_and_line(void **state)
{
	static const struct bad	bad[] = {
		{ HEAD "say 0123456789012345678901234567890123456789"
		    "01234567890123456789012345678\n" TAIL,
		    "t.txt:4: line is 73 columns long (at most 72)" },
		{ HEAD "say \xff\n" TAIL, "t.txt:4: not valid UTF-8" },
		{ HEAD "say a\x01" "b\n" TAIL,
		    "t.txt:4: line holds a control character" },
		{ HEAD "titel X\n" TAIL, "t.txt:4: unknown directive 'titel' "
		    "(did you mean 'title'?)" },
		{ HEAD "frobnicate X\n" TAIL, "t.txt:4: unknown directive "
		    "'frobnicate' (expected title, goal, seed, say, run, task, "
		    "check, hint, solution, ask or answer)" },
		{ HEAD "task\n" TAIL, "t.txt:4: 'task' needs text" },
		{ HEAD "title U\n" TAIL,
		    "t.txt:4: a second title (the first is on line 1)" },
		{ HEAD "seed 4\n" TAIL,
		    "t.txt:4: a second seed (the first is on line 2)" },
		{ "title T\nseed x1\n",
		    "t.txt:2: seed: 'x1' is not a seed (a whole number)" },
		{ HEAD "say hi\ngoal G2\n" TAIL, "t.txt:5: 'goal' must come "
		    "before the first say, run, task or ask (line 4)" },
		{ HEAD "check event send i AG1\n" TAIL, "t.txt:4: 'check' "
		    "outside a task (write a 'task' line first)" },
		{ HEAD "answer 4\n" TAIL, "t.txt:4: 'answer' outside a "
		    "question (write an 'ask' line first)" },
		{ HEAD "hint h\n" TAIL,
		    "t.txt:4: 'hint' outside a task or question" },
		{ HEAD "task X\nsay s\ncheck state i FAILED\n" TAIL,
		    "t.txt:6: 'check' outside a task (write a 'task' line "
		    "first)" },
		{ HEAD "task X\ncheck events send i AG1\n" TAIL,
		    "t.txt:5: check: 'events' is not a check (expected event, "
		    "no-event, count, time, state or setting)" },
		{ HEAD "task X\ncheck event send i\n" TAIL, "t.txt:5: check: "
		    "expected 'event KIND PEER LABEL [REASON]'" },
		{ HEAD "task X\ncheck count send i AG1\n" TAIL, "t.txt:5: "
		    "check: expected 'count KIND PEER LABEL N'" },
		{ HEAD "task X\ncheck event sned i AG1\n" TAIL, "t.txt:5: "
		    "'sned' is not an event kind (e.g. send, resend, sent, "
		    "discard, state, give_up, notify)" },
		{ HEAD "task X\ncheck event send x AG1\n" TAIL, "t.txt:5: "
		    "'x' is not a peer (i, r, or - for either)" },
		{ HEAD "task X\ncheck event send i AG4\n" TAIL, "t.txt:5: "
		    "'AG4' is not a label (AG1..AG3, QM1..QM3, INFO, ESP; "
		    "e.g. AG2, AG2b, QM1.2)" },
		{ HEAD "task X\ncheck event send i i>r\n" TAIL, "t.txt:5: "
		    "'i>r' is a direction, not a label" },
		{ HEAD "task X\ncheck event state i DONE\n" TAIL, "t.txt:5: "
		    "'DONE' is not a state (e.g. AM_I_DONE, QM_R_DONE, "
		    "FAILED)" },
		{ HEAD "task X\ncheck state - AM_I_DONE\n" TAIL, "t.txt:5: "
		    "'-' is not a peer (i or r)" },
		{ HEAD "task X\ncheck state i DONE\n" TAIL, "t.txt:5: 'DONE' "
		    "is not a state (e.g. AM_R_SENT2, QM_I_DONE, FAILED)" },
		{ HEAD "task X\ncheck setting i colour red\n" TAIL,
		    "t.txt:5: 'colour' is not a setting (see 'config')" },
		{ HEAD "task X\ncheck count send i AG1 many\n" TAIL,
		    "t.txt:5: 'many' is not a count (a whole number)" },
		{ HEAD "task X\ncheck time send i AG1 -5\n" TAIL,
		    "t.txt:5: '-5' is not a time in ms (a whole number)" },
		{ HEAD "task X\ncheck event notify i INFO \"AUTH\n" TAIL,
		    "t.txt:5: check: unterminated quote (\")" },
		{ HEAD "ask Q\nanswer = speed i AG1\nsolution 1\n",
		    "t.txt:5: answer: expected '= time|count|pkt KIND PEER "
		    "LABEL' or '= hex PEER VALUE' after '='" },
		{ HEAD "ask Q\nanswer = hex i password\nsolution 1\n",
		    "t.txt:5: answer: 'password' is not a value (e.g. icookie, "
		    "hash_r, skeyid_d, msgid, spi_r)" },
		{ HEAD "ask Q\nanswer = time sent q AG1\nsolution 1\n",
		    "t.txt:5: 'q' is not a peer (i, r, or - for either)" },
		{ HEAD "run strat\n" TAIL,
		    "t.txt:4: run: unknown command 'strat'" },
		{ HEAD "run lesson next\n" TAIL,
		    "t.txt:4: run: 'lesson' cannot run inside a lesson" },
		{ HEAD "run quit\n" TAIL,
		    "t.txt:4: run: 'quit' cannot run inside a lesson" },
		{ HEAD "run save trace /tmp/x --force\n" TAIL, "t.txt:4: run: "
		    "'save' cannot run inside a lesson (a lesson reads and "
		    "writes no files)" },
		{ HEAD "task X\nsolution source /etc/passwd\n" TAIL, "t.txt:5: "
		    "solution: 'source' cannot run inside a lesson (a lesson "
		    "reads and writes no files)" },
		{ HEAD "run inject i @/etc/passwd\n" TAIL, "t.txt:4: run: "
		    "'inject' cannot run inside a lesson (a lesson reads and "
		    "writes no files)" },
		{ HEAD "run start now\n" TAIL, "t.txt:4: run: wrong number of "
		    "arguments (usage: start)" },
		{ HEAD "task X\nsolution step\nsolution frob\ncheck state i "
		    "FAILED\n" TAIL, "t.txt:6: solution: unknown command "
		    "'frob'" },
		{ HEAD "task X\nsolution step\n" TAIL, "t.txt:4: task has no "
		    "'check' (how else would the lesson know it is done?)" },
		{ HEAD "task X\ncheck state i FAILED\n" TAIL, "t.txt:4: task "
		    "has no 'solution' (the commands the check mode types)" },
		{ HEAD "ask Q\nsolution 1\n", "t.txt:4: question has no "
		    "'answer'" },
		{ HEAD "ask Q\nanswer 1\n", "t.txt:4: question needs exactly "
		    "one 'solution' (its reference answer), not 0" },
		{ HEAD "ask Q\nanswer 1\nsolution 1\nsolution 2\n",
		    "t.txt:4: question needs exactly one 'solution' (its "
		    "reference answer), not 2" },
		{ "seed 1\ngoal G\n" TAIL, "t.txt:1: no 'title' line" },
		{ "title T\ngoal G\n" TAIL, "t.txt:1: no 'seed' line (a lesson "
		    "is seeded, so what it says is what appears)" },
		{ "title T\nseed 1\n" TAIL, "t.txt:1: no 'goal' line" },
		{ HEAD "say nothing asked\n", "t.txt:4: the lesson asks no "
		    "question ('ask' and 'answer')" },
	};
	size_t	k;

	(void)state;
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		const char	*err = parse_err(bad[k].text, NULL);

		if (err == NULL)
			fail_msg("case %zu parsed, want: %s", k, bad[k].err);
		if (strcmp(err, bad[k].err) != 0)
			fail_msg("case %zu:\n got: %s\nwant: %s", k, err,
			    bad[k].err);
	}
}

static void
parse_counts_columns_not_bytes_and_rejects_nul(void **state)
{
	char	text[512];
	FILE	*f;
	char	 err[LSN_ERR_LEN], fifo[64], want[160];
	struct lesson *l;
	static const char nul[] = HEAD "say a\0b\n" TAIL;

	(void)state;
	/* 68 two-byte characters after "say ": 72 columns, 140 bytes. */
	snprintf(text, sizeof(text), HEAD "say ");
	for (int k = 0; k < 68; k++)
		strcat(text, "\xc3\xa9");
	strcat(text, "\n" TAIL);
	assert_null(parse_err(text, NULL));
	f = fmemopen((void *)nul, sizeof(nul) - 1, "r");
	assert_non_null(f);
	assert_int_equal(lesson_parse(f, "t.txt", &l, err, sizeof(err)),
	    IKE_ESYNTAX);
	fclose(f);
	assert_string_equal(err, "t.txt:4: line holds a NUL byte");
	assert_int_equal(lesson_load("/nonexistent/x.txt", &l, err,
	    sizeof(err)), IKE_ENOENT);
	assert_string_equal(err, "cannot open '/nonexistent/x.txt': No such "
	    "file or directory");
	/* A directory, or a FIFO that would block, is refused at once. */
	assert_int_equal(lesson_load("lessons", &l, err, sizeof(err)),
	    IKE_ENOENT);
	assert_string_equal(err, "'lessons' is a directory");
	snprintf(fifo, sizeof(fifo), "/tmp/ikelab-test-fifo-%ld",
	    (long)getpid());
	unlink(fifo);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(lesson_load(fifo, &l, err, sizeof(err)),
	    IKE_ENOENT);
	snprintf(want, sizeof(want), "'%s' is not a regular file (a device, "
	    "pipe or /proc file?)", fifo);
	assert_string_equal(err, want);
	unlink(fifo);
}

/* Parse N bytes of P; the result must be a lesson or a t.txt:LINE error. */
static void
parse_bytes_cleanly(const char *p, size_t n)
{
	static char	 err[LSN_ERR_LEN];
	struct lesson	*l = NULL;
	FILE		*f;
	int		 rc;

	f = fmemopen((void *)p, n, "r");
	assert_non_null(f);
	rc = lesson_parse(f, "t.txt", &l, err, sizeof(err));
	fclose(f);
	if (rc == 0) {
		assert_non_null(l);
		lesson_free(l);
		return;
	}
	assert_null(l);
	if (strncmp(err, "t.txt:", 6) != 0 || err[6] < '1' || err[6] > '9')
		fail_msg("no FILE:LINE in '%s'", err);
}

static void
parse_survives_every_prefix_and_byte_flip(void **state)
{
	static char	 text[16384];
	FILE		*f;
	size_t		 n, k;

	(void)state;
	f = fopen("lessons/03-lost-ag3.txt", "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	assert_true(n > 1000 && n < sizeof(text));
	for (k = 1; k <= n; k++)
		parse_bytes_cleanly(text, k);
	for (k = 0; k < n; k++) {
		text[k] = (char)(text[k] ^ 0xff);
		parse_bytes_cleanly(text, n);
		text[k] = (char)(text[k] ^ 0xff);
	}
}

/* A front end whose output goes to memory. */
struct fx {
	struct cli	 cli;
	FILE		*out;
	char		*buf;
	size_t		 len;
	size_t		 seen;
	char		 dir[64];	/* a scratch directory */
};

static int
fx_setup(void **state)
{
	struct fx	*fx = calloc(1, sizeof(*fx));
	char		 p[128];

	assert_non_null(fx);
	fx->out = open_memstream(&fx->buf, &fx->len);
	assert_non_null(fx->out);
	cli_init(&fx->cli, fx->out, fx->out);
	fx->cli.seed = 3;
	fx->cli.has_seed = true;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ikelab-lesson-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(p, sizeof(p), "%s/state", fx->dir);
	setenv("XDG_STATE_HOME", p, 1);
	snprintf(p, sizeof(p), "%s/lessons", fx->dir);
	assert_int_equal(mkdir(p, 0700), 0);
	setenv("IKELAB_LESSONS", p, 1);
	*state = fx;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*fx = *state;
	char		 cmd[160];

	lesson_end(&fx->cli);
	cli_free(&fx->cli);
	fclose(fx->out);
	free(fx->buf);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	unsetenv("IKELAB_LESSONS");
	free(fx);
	return 0;
}

/* Everything printed since the last call. */
static const char *
fx_output(struct fx *fx)
{
	static char	copy[65536];

	fflush(fx->out);
	snprintf(copy, sizeof(copy), "%.*s", (int)(fx->len - fx->seen),
	    fx->buf != NULL ? fx->buf + fx->seen : "");
	fx->seen = fx->len;
	return copy;
}

static void
fx_run(struct fx *fx, const char *line)
{
	if (cli_exec_line(&fx->cli, line) < 0)
		fail_msg("'%s' failed: %s", line, fx->cli.err);
}

/* Write a lesson file NAME into the fixture's lessons directory. */
static void
fx_lesson(struct fx *fx, const char *name, const char *text)
{
	char	 p[160];
	FILE	*f;

	snprintf(p, sizeof(p), "%s/lessons/%s", fx->dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The check of a one-check task lesson, evaluated in FX's session. */
static bool
holds(struct fx *fx, const char *check, char *why, size_t why_len)
{
	char		 text[512];
	struct lesson	*l;
	const char	*err;
	bool		 ok;

	snprintf(text, sizeof(text), HEAD "task X\nsolution step\ncheck %s\n"
	    TAIL, check);
	if ((err = parse_err(text, &l)) != NULL)
		fail_msg("%s", err);
	assert_int_equal(l->lines[3].dir, LD_TASK);
	assert_int_equal(l->lines[5].dir, LD_CHECK);
	ok = lesson_check_holds(fx->cli.s, &l->lines[5].ck, why, why_len);
	lesson_free(l);
	return ok;
}

/* The seed's lost AG3 in seed 3: AG2b leaves at 4005 ms. */
static void
fx_seed_story(struct fx *fx)
{
	fx_run(fx, "rule drop AG3 once");
	fx_run(fx, "start");
	fx_run(fx, "step 3");
}

static void
checks_read_the_trace_and_the_state(void **state)
{
	struct fx	*fx = *state;
	char		 why[300];

	fx_seed_story(fx);
	assert_true(holds(fx, "event discard r QM1 \"phase 1 incomplete\"",
	    why, sizeof(why)));
	assert_true(holds(fx, "event discard r QM1 \"PHASE 1\"", why,
	    sizeof(why)));
	assert_false(holds(fx, "event discard i QM1", why, sizeof(why)));
	assert_string_equal(why, "no such event in the trace yet");
	assert_false(holds(fx, "event resend r AG2b", why, sizeof(why)));
	assert_true(holds(fx, "no-event resend - -", why, sizeof(why)));
	assert_false(holds(fx, "state r AM_R_DONE", why, sizeof(why)));
	assert_string_equal(why, "r is in AM_R_SENT2");
	assert_true(holds(fx, "state r AM_R_SENT2", why, sizeof(why)));
	assert_false(holds(fx, "state i QM_I_DONE", why, sizeof(why)));
	assert_string_equal(why, "i is in AM_I_DONE, its Quick Mode in "
	    "QM_I_SENT1");

	fx_run(fx, "run");
	assert_true(holds(fx, "event resend r AG2b \"timer\"", why,
	    sizeof(why)));
	assert_false(holds(fx, "event resend r AG2b \"duplicate\"", why,
	    sizeof(why)));
	assert_false(holds(fx, "no-event resend r AG2", why, sizeof(why)));
	assert_string_equal(why, "there is one at 4005 ms");
	/* A bare name matches the resends; a suffix only itself. */
	assert_true(holds(fx, "count sent r AG2 2", why, sizeof(why)));
	assert_true(holds(fx, "count resend i AG3b 1", why, sizeof(why)));
	assert_false(holds(fx, "count sent - QM1 3", why, sizeof(why)));
	assert_string_equal(why, "2 such events, not 3");
	assert_true(holds(fx, "time resend r AG2b 4005", why, sizeof(why)));
	assert_false(holds(fx, "time resend r AG2 4006", why, sizeof(why)));
	assert_string_equal(why, "the first one is at 4005 ms");
	assert_false(holds(fx, "time give_up i - 1", why, sizeof(why)));
	assert_string_equal(why, "no such event in the trace yet");
	/* For state events the label is the new state. */
	assert_true(holds(fx, "event state r AM_R_DONE \"AG3b\"", why,
	    sizeof(why)));
	assert_true(holds(fx, "time state r QM_R_DONE 4025", why,
	    sizeof(why)));
	assert_true(holds(fx, "state r QM_R_DONE", why, sizeof(why)));
	assert_true(holds(fx, "setting i psk letmein", why, sizeof(why)));
	assert_false(holds(fx, "setting r latency 7ms", why, sizeof(why)));
	assert_string_equal(why, "r latency is 5ms");
}

/* Answers of a question, parsed from ANSWERS ("answer ..." lines). */
static bool
accepts(struct fx *fx, const char *answers, const char *text)
{
	char		 buf[512];
	struct lesson	*l;
	const char	*err;
	bool		 ok;

	snprintf(buf, sizeof(buf), HEAD "ask Q\n%ssolution x\n", answers);
	if ((err = parse_err(buf, &l)) != NULL)
		fail_msg("%s", err);
	ok = lesson_answer_ok(fx->cli.s, l->lines, 4, l->n, text);
	lesson_free(l);
	return ok;
}

static void
answers_are_literal_or_computed_from_the_session(void **state)
{
	struct fx	*fx = *state;
	char		 hr[64], spaced[64];
	const struct p1sa *sa;

	fx_seed_story(fx);
	fx_run(fx, "run");
	assert_true(accepts(fx, "answer AM_R_SENT2\n", " am_r_sent2. "));
	assert_false(accepts(fx, "answer AM_R_SENT2\n", "AM_R_SENT"));
	assert_true(accepts(fx, "answer both\nanswer i and r\n",
	    "I  and   R"));
	/* Dashes, underscores, parentheses and filler words do not count. */
	assert_true(accepts(fx, "answer duplicate of QM2\n",
	    "a duplicate of QM2"));
	assert_true(accepts(fx, "answer duplicate of QM2\n", "duplicate QM2"));
	assert_true(accepts(fx, "answer AUTHENTICATION-FAILED\n",
	    "authentication_failed"));
	assert_true(accepts(fx, "answer AUTHENTICATION-FAILED\n",
	    "Authentication failed."));
	assert_true(accepts(fx, "answer SKEYID_d\n", "skeyid-d"));
	assert_true(accepts(fx, "answer i r\n", "i, r"));
	assert_false(accepts(fx, "answer i and r\n", "i"));
	assert_false(accepts(fx, "answer duplicate of QM2\n",
	    "duplicate of QM3"));
	assert_false(accepts(fx, "answer AUTHENTICATION-FAILED\n",
	    "not authentication failed"));
	/* Packet numbers as ikelab prints them, times with "at" and units. */
	assert_true(accepts(fx, "answer = pkt resend i QM1b\n", "#7"));
	assert_true(accepts(fx, "answer = time resend r AG2b\n",
	    "at 4005 ms"));
	assert_true(accepts(fx, "answer = count sent r AG2\n", "2 times"));
	assert_false(accepts(fx, "answer = count sent r AG2\n", "3 times"));
	/* A minus sign is not a blank: -15 is not 15. */
	assert_false(accepts(fx, "answer 15\n", "-15"));
	assert_false(accepts(fx, "answer = time resend r AG2b\n", "-4005"));
	assert_true(accepts(fx, "answer 0\n", "0x00000000"));
	assert_true(accepts(fx, "answer = time resend r AG2b\n", "4005"));
	assert_true(accepts(fx, "answer = time resend r AG2b\n", "4005 ms"));
	assert_false(accepts(fx, "answer = time resend r AG2b\n", "4010"));
	assert_true(accepts(fx, "answer = pkt resend i QM1b\n", "7"));
	assert_true(accepts(fx, "answer = count sent r AG2\n", "2"));
	assert_false(accepts(fx, "answer = time give_up - -\n", "0"));
	/* hex: at least 8 leading digits, any case, 0x, blanks, colons. */
	sa = &fx->cli.s->peer[PEER_R].p1;
	for (size_t k = 0; k < 20; k++)
		snprintf(hr + 2 * k, 3, "%02x", sa->hash_r[k]);
	assert_true(accepts(fx, "answer = hex r hash_r\n", hr));
	hr[8] = '\0';
	assert_true(accepts(fx, "answer = hex r hash_r\n", hr));
	/* Blanks anywhere in hex, even around one digit ("a" is no word). */
	snprintf(spaced, sizeof(spaced), "%.6s %c %c", hr, hr[6], hr[7]);
	assert_true(accepts(fx, "answer = hex r hash_r\n", spaced));
	hr[7] = '\0';
	assert_false(accepts(fx, "answer = hex r hash_r\n", hr));
	assert_true(accepts(fx, "answer = hex i msgid\n", "0xBF1B82A4"));
	assert_true(accepts(fx, "answer = hex i msgid\n", "bf:1b 82:a4"));
	assert_true(accepts(fx, "answer = hex i msgid\n", "bf1b82 a 4"));
	assert_false(accepts(fx, "answer = hex i msgid\n", "bf1b82a5"));
	assert_false(accepts(fx, "answer = hex i msgid\n", "bf1b82a4ff"));
}

/* Verify TEXT as lesson v.txt in FX; the error or "" when it passes. */
static const char *
verify(struct fx *fx, const char *text)
{
	struct lesson	*l;
	const char	*err;

	if ((err = parse_err(text, &l)) != NULL)
		fail_msg("%s", err);
	if (lesson_verify(&fx->cli, l) == 0)
		fx->cli.err[0] = '\0';
	lesson_free(l);
	return fx->cli.err;
}

static void
verify_runs_the_reference_path_and_names_the_failing_line(void **state)
{
	struct fx	*fx = *state;

	assert_string_equal(verify(fx, HEAD "run rule drop AG3 once\n"
	    "run start\n"
	    "task T\nsolution run\ncheck time resend r AG2b 4005\n"
	    "ask When?\nanswer = time resend r AG2b\nsolution 4005\n"), "");
	assert_string_equal(verify(fx, HEAD "run rule drop AG3 once\n"
	    "run start\n"
	    "task T\nsolution run\ncheck time resend r AG2b 4006\n" TAIL),
	    "t.txt:8: check 'time resend r AG2b 4006' fails after the "
	    "solution: the first one is at 4005 ms");
	assert_string_equal(verify(fx, HEAD "run start\n"
	    "task T\nsolution step\ncheck event send i AG1\n" TAIL),
	    "t.txt:5: the task is done before its solution ran: its checks "
	    "prove nothing");
	assert_string_equal(verify(fx, HEAD "run start\nrun run\n"
	    "ask When?\nanswer = time sa_up r -\nsolution 16\n"),
	    "t.txt:8: reference answer '16' is not accepted (the tool's "
	    "answer is 15)");
	assert_string_equal(verify(fx, HEAD "run start\nrun deliver 99\n"
	    TAIL), "t.txt:5: 'deliver 99' failed: deliver: no packet #99");
	assert_string_equal(verify(fx, HEAD "task T\nsolution drop 5\n"
	    "check state i FAILED\n" TAIL),
	    "t.txt:5: 'drop 5' failed: drop: no packet #5");
	/* Nothing of it was printed: the check mode is quiet. */
	assert_string_equal(fx_output(fx), "");
	assert_false(fx->cli.quiet);
}

static void
every_lesson_passes_its_check_mode(void **state)
{
	struct fx	*fx = *state;
	struct lesson	*l;
	DIR		*d;
	struct dirent	*e;
	char		 path[PATH_MAX], err[LSN_ERR_LEN];
	unsigned int	 n = 0;

	assert_non_null(d = opendir("lessons"));
	while ((e = readdir(d)) != NULL) {
		size_t	len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
			continue;
		snprintf(path, sizeof(path), "lessons/%s", e->d_name);
		if (lesson_load(path, &l, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		if (lesson_verify(&fx->cli, l) != 0)
			fail_msg("%s", fx->cli.err);
		assert_true(l->nasks >= 1);
		lesson_free(l);
		n++;
	}
	closedir(d);
	assert_true(n >= 9);
}

static const char small[] =
    "title A small lesson\n"
    "seed 3\n"
    "goal Learn.\n"
    "say Narration with a backslash \\ and 100% of %s and %n.\n"
    "run rule drop AG3 once\n"
    "run start\n"
    "task Step until QM1 is discarded.\n"
    "hint Step three times.\n"
    "solution step 3\n"
    "check event discard r QM1\n"
    "say Between the steps.\n"
    "ask In which state is r?\n"
    "answer AM_R_SENT2\n"
    "solution AM_R_SENT2\n"
    "say The end.\n";

static void
lesson_command_walks_a_student_through(void **state)
{
	struct fx	*fx = *state;
	const char	*o, *a, *b, *c;
	char		 path[PATH_MAX];
	unsigned int	 done, total;
	struct stat	 st;

	fx_lesson(fx, "01-small.txt", small);
	assert_int_equal(cli_exec_line(&fx->cli, "lesson next"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err, "lesson: no lesson running (try "
	    "'lesson list', then 'lesson start NAME')");
	fx_run(fx, "lesson start 1");
	o = fx_output(fx);
	assert_non_null(strstr(o, "Lesson: A small lesson\n  goal: Learn.\n"));
	/* Text is printed as written, never as a format. */
	a = strstr(o, "Narration with a backslash \\ and 100% of %s and %n.\n");
	b = strstr(o, "lesson> start\n");
	c = strstr(o, "     0 ms  i  send     #1   AG1  due 5 ms\n");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_true(a < b && b < c);
	assert_non_null(strstr(c, "\n  Step until QM1 is discarded.\n"));
	assert_int_equal(fx->cli.seed, 3);

	fx_run(fx, "lesson check");
	assert_non_null(strstr(fx_output(fx), "  not yet  event discard r "
	    "QM1\n           no such event in the trace yet\nNot done "
	    "yet.\n"));
	assert_int_equal(cli_exec_line(&fx->cli, "lesson next"), IKE_ESYNTAX);
	fx_run(fx, "lesson hint");
	assert_string_equal(fx_output(fx), "Hint: Step three times.\n");
	fx_run(fx, "lesson hint");
	assert_string_equal(fx_output(fx), "No more hints. The lesson's own "
	    "solution:\n  step 3\n");
	assert_int_equal(cli_exec_line(&fx->cli, "lesson answer x"),
	    IKE_ESYNTAX);
	fx_run(fx, "step 3");
	fx_run(fx, "lesson check");
	o = fx_output(fx);
	assert_non_null(strstr(o, "  ok       event discard r QM1\nDone."));
	fx_run(fx, "lesson next");
	o = fx_output(fx);
	assert_non_null(strstr(o, "Between the steps.\n\nQuestion"));
	assert_non_null(strstr(o, "  In which state is r?\n"));
	fx_run(fx, "lesson answer AM_R_DONE");
	assert_non_null(strstr(fx_output(fx), "Not that."));
	fx_run(fx, "lesson answer am_r_sent2");
	assert_non_null(strstr(fx_output(fx), "Right."));
	fx_run(fx, "lesson next");
	o = fx_output(fx);
	assert_non_null(strstr(o, "The end.\n\nEnd of the lesson: A small "
	    "lesson\nYou did 2 of 2"));
	assert_int_equal(cli_exec_line(&fx->cli, "lesson next"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err, "lesson: the lesson is over "
	    "('lesson list', 'lesson start NAME')");

	/* Progress was saved, privately, and 'lesson list' shows it. */
	assert_int_equal(lesson_progress_path(path, sizeof(path)), 0);
	assert_true(lesson_progress_get(path, "01-small", &done, &total));
	assert_int_equal(done, 2);
	assert_int_equal(total, 2);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	fx_run(fx, "lesson list");
	assert_non_null(strstr(fx_output(fx), "  01-small                "
	    "A small lesson  [done 2/2]\n"));
}

static void
lesson_skip_show_and_stop(void **state)
{
	struct fx	*fx = *state;
	const char	*o;

	fx_lesson(fx, "01-small.txt", small);
	fx_run(fx, "lesson start 01-small");
	(void)fx_output(fx);
	fx_run(fx, "lesson");
	assert_string_equal(fx_output(fx), "Task (your own commands, then "
	    "'lesson check'; stuck? 'lesson hint'):\n  Step until QM1 is "
	    "discarded.\n");
	fx_run(fx, "lesson skip");
	o = fx_output(fx);
	assert_non_null(strstr(o, "Skipped.\n\nBetween the steps.\n"));
	assert_int_equal(cli_exec_line(&fx->cli, "lesson check"),
	    IKE_ESYNTAX);
	assert_string_equal(fx->cli.err, "lesson: this step is a question: "
	    "'lesson answer TEXT'");
	/* 'lesson check TEXT' answers a question too. */
	fx_run(fx, "lesson check AM_R_SENT2");
	assert_non_null(strstr(fx_output(fx), "Right."));
	fx_run(fx, "lesson hint");
	assert_string_equal(fx_output(fx), "No more hints for this question; "
	    "'lesson skip' moves on without it.\n");
	fx_run(fx, "lesson stop");
	assert_string_equal(fx_output(fx), "Stopped: A small lesson\n");
	assert_int_equal(cli_exec_line(&fx->cli, "lesson"), IKE_ESYNTAX);
	assert_int_equal(cli_exec_line(&fx->cli, "lesson start"),
	    IKE_ESYNTAX);
	assert_string_equal(fx->cli.err, "lesson: 'start' needs a NAME (see "
	    "'lesson list')");
	assert_int_equal(cli_exec_line(&fx->cli, "lesson next now"),
	    IKE_ESYNTAX);
	assert_string_equal(fx->cli.err, "lesson: 'next' takes no more words");
	/* The session stays as the student left it. */
	assert_int_equal(fx->cli.s->now_ms, 0);
	fx_run(fx, "step");
}

static void
broken_lesson_is_reported_and_the_session_goes_on(void **state)
{
	struct fx	*fx = *state;
	char		 want[256];
	const char	*o;

	fx_lesson(fx, "02-broken.txt", "title Broken\nseed 1\ngoal G\n"
	    "task Oops\n");
	fx_run(fx, "start");
	assert_int_equal(cli_exec_line(&fx->cli, "lesson start broken"),
	    IKE_ESYNTAX);
	snprintf(want, sizeof(want), "%s/lessons/02-broken.txt:4: task has "
	    "no 'check' (how else would the lesson know it is done?)",
	    fx->dir);
	assert_string_equal(fx->cli.err, want);
	/* The session is untouched and still works. */
	fx_run(fx, "step");
	assert_non_null(strstr(fx_output(fx), "deliver  #1   AG1"));
	fx_lesson(fx, "03-long.txt", "title A title long enough to pass "
	    "the eightieth column after its name\nseed 1\ngoal G\n"
	    "ask Q?\nanswer A\nsolution A\n");
	fx_run(fx, "lesson list");
	o = fx_output(fx);
	assert_non_null(strstr(o, "  02-broken               BROKEN: "));
	/* A long title wraps at a blank, under its column. */
	assert_non_null(strstr(o, "  03-long                 A title long "
	    "enough to pass the eightieth column\n"
	    "                          after its name\n"));
	assert_int_equal(cli_exec_line(&fx->cli, "lesson start nosuch"),
	    IKE_ENOENT);
	assert_string_equal(fx->cli.err, "lesson: no lesson 'nosuch' (see "
	    "'lesson list')");
	assert_int_equal(cli_exec_line(&fx->cli, "lesson frob"), IKE_ESYNTAX);

	/* A command of the lesson that fails names its line; the lesson
	 * stops there and 'lesson next' goes on after it. */
	fx_lesson(fx, "03-failing.txt", HEAD "say one\nrun deliver 99\n"
	    "say two\n" TAIL);
	assert_int_equal(cli_exec_line(&fx->cli, "lesson start failing"),
	    IKE_ESYNTAX);
	snprintf(want, sizeof(want), "%s/lessons/03-failing.txt:5: deliver: "
	    "no packet #99", fx->dir);
	assert_string_equal(fx->cli.err, want);
	assert_non_null(strstr(fx_output(fx), "one\nlesson> deliver 99\n"));
	fx_run(fx, "lesson next");
	assert_non_null(strstr(fx_output(fx), "two\n\nQuestion"));
}

static void
progress_file_keeps_the_best_and_is_private(void **state)
{
	struct fx	*fx = *state;
	char		 path[PATH_MAX], want[PATH_MAX];
	unsigned int	 done = 0, total = 0;
	struct stat	 st;

	assert_int_equal(lesson_progress_path(path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/state/ikelab/progress", fx->dir);
	assert_string_equal(path, want);
	assert_false(lesson_progress_get(path, "03-lost-ag3", &done, &total));
	assert_int_equal(lesson_progress_set(path, "03-lost-ag3", 3, 8), 0);
	assert_int_equal(lesson_progress_set(path, "01-clean", 1, 8), 0);
	assert_int_equal(lesson_progress_set(path, "03-lost-ag3", 2, 8), 0);
	assert_true(lesson_progress_get(path, "03-lost-ag3", &done, &total));
	assert_int_equal(done, 3);
	assert_int_equal(total, 8);
	assert_true(lesson_progress_get(path, "01-clean", &done, &total));
	assert_int_equal(done, 1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(want, sizeof(want), "%s/state/ikelab", fx->dir);
	assert_int_equal(stat(want, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(lesson_progress_set(path, "a\tb", 1, 1), IKE_ESYNTAX);

	/* A relative XDG_STATE_HOME is ignored; HOME is the fallback. */
	setenv("XDG_STATE_HOME", "relative", 1);
	setenv("HOME", "/home/student", 1);
	assert_int_equal(lesson_progress_path(path, sizeof(path)), 0);
	assert_string_equal(path, "/home/student/.local/state/ikelab/progress");
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	assert_int_equal(lesson_progress_path(path, sizeof(path)), -1);
}

static void
bad_progress_file_is_survived(void **state)
{
	struct fx	*fx = *state;
	char		 path[PATH_MAX], line[400];
	unsigned int	 done = 0, total = 0;
	FILE		*f;
	int		 k;

	assert_int_equal(lesson_progress_path(path, sizeof(path)), 0);
	assert_int_equal(lesson_progress_set(path, "x", 0, 1), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("garbage without tabs\n\xff\xfe\x01\x02\n"
	    "neg\t-1\t3\nbig\t99999999999999999999\t3\nhalf\t2\n"
	    "\t1\t2\nnum\t1x\t2\ngood\t2\t5\n", f);
	memset(line, 'a', sizeof(line));
	line[sizeof(line) - 1] = '\0';
	fprintf(f, "%s\t1\t2\n", line);
	fputs("bin\t1\t2", f);		/* no newline at the end */
	fputc('\0', f);
	fputs("\nlast\t4\t4", f);
	fclose(f);
	assert_true(lesson_progress_get(path, "good", &done, &total));
	assert_int_equal(done, 2);
	assert_int_equal(total, 5);
	assert_true(lesson_progress_get(path, "last", &done, &total));
	assert_int_equal(done, 4);
	assert_false(lesson_progress_get(path, "neg", &done, &total));
	assert_false(lesson_progress_get(path, "big", &done, &total));
	assert_false(lesson_progress_get(path, "half", &done, &total));
	assert_false(lesson_progress_get(path, "num", &done, &total));
	assert_false(lesson_progress_get(path, "bin", &done, &total));
	assert_false(lesson_progress_get(path, line, &done, &total));
	/* Writing keeps the good lines and drops the rest. */
	assert_int_equal(lesson_progress_set(path, "new", 1, 2), 0);
	assert_true(lesson_progress_get(path, "good", &done, &total));
	assert_true(lesson_progress_get(path, "new", &done, &total));
	assert_false(lesson_progress_get(path, "neg", &done, &total));

	/* A directory where the file should be: an error, no crash. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_false(lesson_progress_get(path, "good", &done, &total));
	assert_int_equal(lesson_progress_set(path, "new", 1, 2), IKE_ESTATE);
	/* And the runner only warns. */
	fx_lesson(fx, "01-small.txt", small);
	fx_run(fx, "lesson start small");
	fx_run(fx, "step 3");
	fx_run(fx, "lesson check");
	assert_non_null(strstr(fx_output(fx), "Done. 'lesson next' goes on.\n"
	    "(progress not saved: cannot write "));
	for (k = 0; k < 2; k++)
		(void)cli_exec_line(&fx->cli, "lesson next");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_keeps_directives_and_their_lines),
		cmocka_unit_test(parse_reports_every_error_with_file_and_line),
		cmocka_unit_test(parse_counts_columns_not_bytes_and_rejects_nul),
		cmocka_unit_test(parse_survives_every_prefix_and_byte_flip),
		cmocka_unit_test_setup_teardown(
		    checks_read_the_trace_and_the_state, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    answers_are_literal_or_computed_from_the_session, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    verify_runs_the_reference_path_and_names_the_failing_line,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    every_lesson_passes_its_check_mode, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    lesson_command_walks_a_student_through, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(lesson_skip_show_and_stop,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    broken_lesson_is_reported_and_the_session_goes_on,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    progress_file_keeps_the_best_and_is_private, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(bad_progress_file_is_survived,
		    fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
