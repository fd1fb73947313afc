/*
 * test_cli_cmd.c: the command parser of cli/: words and quotes, strict
 * numbers, selectors, durations, argument counts, unknown commands and
 * their suggestions, completion, and the text of a `log` line.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"

/* A front end whose output goes to memory. */
struct fx {
	struct cli	 cli;
	FILE		*out;
	char		*buf;
	size_t		 len;
	size_t		 seen;		/* output already looked at */
};

static int
fx_setup(void **state)
{
	struct fx	*fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->out = open_memstream(&fx->buf, &fx->len);
	assert_non_null(fx->out);
	cli_init(&fx->cli, fx->out, fx->out);
	fx->cli.seed = 1;
	fx->cli.has_seed = true;
	*state = fx;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*fx = *state;

	cli_free(&fx->cli);
	fclose(fx->out);
	free(fx->buf);
	free(fx);
	return 0;
}

/* Everything printed so far, then forget it. */
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
split_handles_quotes_and_comments(void **state)
{
	char	 buf[256], err[80];
	char	*argv[8];
	int	 argc;

	(void)state;
	assert_int_equal(cli_split("  set i psk \"a b\\\"c\" 'x y'  # note",
	    buf, sizeof(buf), argv, 8, &argc, err, sizeof(err)), 0);
	assert_int_equal(argc, 5);
	assert_string_equal(argv[0], "set");
	assert_string_equal(argv[3], "a b\"c");
	assert_string_equal(argv[4], "x y");

	assert_int_equal(cli_split("# only a comment", buf, sizeof(buf), argv,
	    8, &argc, err, sizeof(err)), 0);
	assert_int_equal(argc, 0);

	/* "#12" is a packet number as wire prints it; "# 12" a comment. */
	assert_int_equal(cli_split("show #12 # 12", buf, sizeof(buf), argv,
	    8, &argc, err, sizeof(err)), 0);
	assert_int_equal(argc, 2);
	assert_string_equal(argv[1], "#12");
}

static void
split_rejects_unterminated_quote_and_too_many_words(void **state)
{
	char	 buf[256], err[80];
	char	*argv[3];
	int	 argc;

	(void)state;
	assert_int_equal(cli_split("set psk \"abc", buf, sizeof(buf), argv, 3,
	    &argc, err, sizeof(err)), IKE_ESYNTAX);
	assert_string_equal(err, "unterminated quote (\")");
	assert_int_equal(cli_split("a b c d", buf, sizeof(buf), argv, 3,
	    &argc, err, sizeof(err)), IKE_ELIMIT);
	assert_string_equal(err, "too many words (at most 3)");
}

static void
parse_ulong_is_strict(void **state)
{
	unsigned long	v = 0;

	(void)state;
	assert_int_equal(cli_parse_ulong("42", 1, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(cli_parse_ulong("0", 1, 100, &v), IKE_ESYNTAX);
	assert_int_equal(cli_parse_ulong("101", 1, 100, &v), IKE_ESYNTAX);
	assert_int_equal(cli_parse_ulong("4x", 1, 100, &v), IKE_ESYNTAX);
	assert_int_equal(cli_parse_ulong("-1", 0, 100, &v), IKE_ESYNTAX);
	assert_int_equal(cli_parse_ulong("+1", 0, 100, &v), IKE_ESYNTAX);
	assert_int_equal(cli_parse_ulong(" 1", 0, 100, &v), IKE_ESYNTAX);
	assert_int_equal(cli_parse_ulong("", 0, 100, &v), IKE_ESYNTAX);
	assert_int_equal(cli_parse_ulong("99999999999999999999999", 0,
	    ULONG_MAX, &v), IKE_ESYNTAX);
}

static void
parse_sel_normalises_labels_and_directions(void **state)
{
	struct rule	r;
	char		err[200];

	(void)state;
	assert_int_equal(cli_parse_sel("ag2b", &r, err, sizeof(err)), 0);
	assert_string_equal(r.sel, "AG2b");
	assert_int_equal(r.dir, -1);
	assert_int_equal(cli_parse_sel("QM1.2c", &r, err, sizeof(err)), 0);
	assert_string_equal(r.sel, "QM1.2c");
	assert_int_equal(cli_parse_sel("INFO", &r, err, sizeof(err)), 0);
	assert_string_equal(r.sel, "INFO");
	assert_int_equal(cli_parse_sel("r>i", &r, err, sizeof(err)), 0);
	assert_string_equal(r.sel, "");
	assert_int_equal(r.dir, PEER_R);
	assert_int_equal(cli_parse_sel("i>r", &r, err, sizeof(err)), 0);
	assert_int_equal(r.dir, PEER_I);
}

static void
parse_sel_rejects_bad_labels(void **state)
{
	static const char *const bad[] = {
		"AG4", "QM", "AG2.1", "AG2.", "AG2a", "AG2b.2", "AG2bcde",
		"i->r", "", "AG2-",
	};
	struct rule	r;
	char		err[200];
	size_t		k;

	(void)state;
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		assert_int_equal(cli_parse_sel(bad[k], &r, err, sizeof(err)),
		    IKE_ESYNTAX);
	assert_non_null(strstr(err, "nor a direction (i>r, r>i)"));
}

static void
parse_hex_accepts_separators_and_rejects_odd_length(void **state)
{
	struct buf	b = { 0 };
	char		err[80];

	(void)state;
	assert_int_equal(cli_parse_hex("0x0a:Bc ff", &b, err, sizeof(err)), 0);
	assert_int_equal(b.len, 3);
	assert_int_equal(b.p[0], 0x0a);
	assert_int_equal(b.p[1], 0xbc);
	assert_int_equal(b.p[2], 0xff);
	buf_free(&b);
	assert_int_equal(cli_parse_hex("abc", &b, err, sizeof(err)),
	    IKE_ESYNTAX);
	assert_string_equal(err, "odd number of hex digits");
	buf_free(&b);
	assert_int_equal(cli_parse_hex("zz", &b, err, sizeof(err)),
	    IKE_ESYNTAX);
	assert_string_equal(err, "'z' at position 1 is not a hex digit");
	buf_free(&b);
}

static void
edit_distance_counts_transpositions_once(void **state)
{
	(void)state;
	assert_int_equal(cli_edit_distance("stpe", "step"), 1);
	assert_int_equal(cli_edit_distance("step", "step"), 0);
	assert_int_equal(cli_edit_distance("stap", "step"), 1);
	assert_int_equal(cli_edit_distance("ldder", "ladder"), 1);
	assert_int_equal(cli_edit_distance("abc", "xyz"), 3);
}

static void
unknown_command_suggests_close_match(void **state)
{
	struct fx	*fx = *state;

	assert_int_equal(cli_exec_line(&fx->cli, "stpe"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err,
	    "unknown command 'stpe' (try 'help'); did you mean 'step'?");
	assert_int_equal(cli_exec_line(&fx->cli, "delivr 3"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err,
	    "unknown command 'delivr' (try 'help'); did you mean 'deliver'?");
	/* Nothing close: no suggestion; short words need one edit. */
	assert_int_equal(cli_exec_line(&fx->cli, "frobnicate"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err,
	    "unknown command 'frobnicate' (try 'help')");
	assert_int_equal(cli_exec_line(&fx->cli, "foo"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err, "unknown command 'foo' (try 'help')");
	/* The start of one command only (q after leaving the timeline). */
	assert_int_equal(cli_exec_line(&fx->cli, "q"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err,
	    "unknown command 'q' (try 'help'); did you mean 'quit'?");
	assert_int_equal(cli_exec_line(&fx->cli, "sta"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err, "unknown command 'sta' (try 'help')");
}

static void
dispatcher_checks_argument_counts(void **state)
{
	struct fx	*fx = *state;

	assert_int_equal(cli_exec_line(&fx->cli, "tick"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err,
	    "tick: missing argument (usage: tick DURATION)");
	assert_int_equal(cli_exec_line(&fx->cli, "step 1 2"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err,
	    "step: too many arguments (usage: step [COUNT])");
	assert_int_equal(cli_exec_line(&fx->cli, "swap 1"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err,
	    "swap: missing argument (usage: swap N M)");
	/* The alias reports the command's own name. */
	assert_int_equal(cli_exec_line(&fx->cli, "s x"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err,
	    "step: 'x' is not a count (1 to 1000000)");
	assert_int_equal(cli_exec_line(&fx->cli, ""), 1);
}

static void
packet_numbers_and_durations_are_checked(void **state)
{
	struct fx	*fx = *state;

	assert_int_equal(cli_exec_line(&fx->cli, "deliver 1x"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err,
	    "deliver: '1x' is not a packet number (see 'wire')");
	assert_int_equal(cli_exec_line(&fx->cli, "drop 0"), IKE_ESYNTAX);
	assert_int_equal(cli_exec_line(&fx->cli, "deliver 5"), IKE_ENOENT);
	assert_string_equal(fx->cli.err, "deliver: no packet #5");
	assert_int_equal(cli_exec_line(&fx->cli, "tick 4q"), IKE_ESYNTAX);
	assert_int_equal(strncmp(fx->cli.err, "tick: ", 6), 0);
	(void)fx_output(fx);
	assert_int_equal(cli_exec_line(&fx->cli, "tick 1500ms"), 0);
	assert_int_equal(fx->cli.s->now_ms, 1500);
	assert_int_equal(cli_exec_line(&fx->cli, "tick 2"), 0);
	assert_int_equal(fx->cli.s->now_ms, 3500);
	assert_string_equal(fx_output(fx), "clock 1500 ms\nclock 3500 ms\n");
}

static void
rule_parses_actions_and_triggers(void **state)
{
	struct fx	*fx = *state;
	const struct rule *r;

	assert_int_equal(cli_exec_line(&fx->cli, "rule drop ag3 once"), 0);
	assert_int_equal(cli_exec_line(&fx->cli,
	    "rule corrupt QM1 40 bit 3 nth 2"), 0);
	assert_int_equal(cli_exec_line(&fx->cli, "rule delay r>i 2s prob 0.5"),
	    0);
	assert_int_equal(fx->cli.s->nrules, 3);
	r = &fx->cli.s->rules[0];
	assert_int_equal(r->act, RULE_DROP);
	assert_string_equal(r->sel, "AG3");
	assert_int_equal(r->nth, 1);
	assert_string_equal(r->text, "drop AG3 once");
	r = &fx->cli.s->rules[1];
	assert_int_equal(r->act, RULE_CORRUPT);
	assert_int_equal(r->off, 40);
	assert_int_equal(r->bit, 3);
	assert_int_equal(r->nth, 2);
	r = &fx->cli.s->rules[2];
	assert_int_equal(r->act, RULE_DELAY);
	assert_int_equal(r->dir, PEER_R);
	assert_int_equal(r->delay_ms, 2000);
	assert_true(r->has_prob);

	assert_int_equal(cli_exec_line(&fx->cli, "rule delay AG1"),
	    IKE_ESYNTAX);
	assert_int_equal(cli_exec_line(&fx->cli, "rule drop AG1 prob 1.5"),
	    IKE_ESYNTAX);
	assert_string_equal(fx->cli.err,
	    "rule: prob '1.5' is not a probability (0 to 1, e.g. 0.3)");
	assert_int_equal(cli_exec_line(&fx->cli, "rule drop AG1 twice"),
	    IKE_ESYNTAX);
	assert_int_equal(cli_exec_line(&fx->cli, "rule burn AG1"),
	    IKE_ESYNTAX);
	assert_string_equal(fx->cli.err, "rule: 'burn' is not an action "
	    "(expected drop, delay, dup or corrupt)");
	assert_int_equal(fx->cli.s->nrules, 3);
	/* unrule says what it did. */
	(void)fx_output(fx);
	assert_int_equal(cli_exec_line(&fx->cli, "unrule 2"), 0);
	assert_string_equal(fx_output(fx), "rule 2 removed\n");
	assert_int_equal(fx->cli.s->nrules, 2);
}

static void
set_without_peer_applies_to_both_and_horizon_is_the_sessions(void **state)
{
	struct fx	*fx = *state;

	assert_int_equal(cli_exec_line(&fx->cli, "set latency 20ms"), 0);
	assert_int_equal(fx->cli.s->peer[PEER_I].cfg.latency_ms, 20);
	assert_int_equal(fx->cli.s->peer[PEER_R].cfg.latency_ms, 20);
	assert_int_equal(cli_exec_line(&fx->cli, "set r latency 7ms"), 0);
	assert_int_equal(fx->cli.s->peer[PEER_I].cfg.latency_ms, 20);
	assert_int_equal(fx->cli.s->peer[PEER_R].cfg.latency_ms, 7);
	assert_int_equal(cli_exec_line(&fx->cli, "set horizon 2m"), 0);
	assert_int_equal(fx->cli.horizon_ms, 120000);
	assert_int_equal(cli_exec_line(&fx->cli, "set i horizon 2m"),
	    IKE_ESYNTAX);
	assert_int_equal(cli_exec_line(&fx->cli, "set i"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err,
	    "set: missing argument (usage: set [i|r|both] KEY VALUE)");
	assert_int_equal(cli_exec_line(&fx->cli, "set i psk"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err,
	    "set: missing VALUE (usage: set [i|r|both] KEY VALUE)");
	/* A misspelt peer before a real setting is called that. */
	assert_int_equal(cli_exec_line(&fx->cli, "set x psk a"),
	    IKE_ESYNTAX);
	assert_string_equal(fx->cli.err, "set: 'x' is not i, r or both "
	    "(usage: set [i|r|both] KEY VALUE)");
}

static void
run_until_stops_when_the_condition_holds(void **state)
{
	struct fx	*fx = *state;
	const struct tr_event *ev;

	assert_int_equal(cli_exec_line(&fx->cli, "start"), 0);
	assert_int_equal(cli_exec_line(&fx->cli, "run until deliver AG2"), 0);
	ev = &fx->cli.s->trace.ev[fx->cli.s->trace.n - 1];
	assert_true(strstr(fx_output(fx), "stopped: condition met\n") !=
	    NULL);
	/* The AG2 delivery is the last event processed. */
	assert_int_equal(fx->cli.s->now_ms, 10);
	assert_int_equal(fx->cli.s->peer[PEER_I].p1.st, AM_I_DONE);
	(void)ev;
	assert_int_equal(cli_exec_line(&fx->cli, "run until r QM_R_DONE"), 0);
	assert_int_equal(fx->cli.s->peer[PEER_R].qm[0].st, QM_R_DONE);
	assert_int_equal(cli_exec_line(&fx->cli, "run until give_up"),
	    IKE_ESYNTAX);
	assert_string_equal(fx->cli.err, "run: the condition never held");
	assert_int_equal(cli_exec_line(&fx->cli, "run until x"), IKE_ESYNTAX);
	assert_int_equal(cli_exec_line(&fx->cli, "run until i NOPE"),
	    IKE_ESYNTAX);
}

static void
undo_replays_all_but_the_last_commands(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 now;
	size_t		 n;

	assert_int_equal(cli_exec_line(&fx->cli, "start"), 0);
	assert_int_equal(cli_exec_line(&fx->cli, "step 2"), 0);
	now = fx->cli.s->now_ms;
	n = fx->cli.s->trace.n;
	assert_int_equal(cli_exec_line(&fx->cli, "step"), 0);
	assert_int_equal(cli_exec_line(&fx->cli, "wire"), 0);	/* not logged */
	assert_int_equal(fx->cli.nlog, 3);
	assert_int_equal(cli_exec_line(&fx->cli, "undo"), 0);
	assert_int_equal(fx->cli.nlog, 2);
	assert_int_equal(fx->cli.s->now_ms, now);
	assert_int_equal(fx->cli.s->trace.n, n);
	assert_int_equal(cli_exec_line(&fx->cli, "undo 3"), IKE_ESYNTAX);
	assert_string_equal(fx->cli.err, "undo: only 2 commands to undo");
}

static void
failed_run_until_is_kept_as_a_plain_run_for_undo(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 now;
	size_t		 n;

	assert_int_equal(cli_exec_line(&fx->cli, "start"), 0);
	assert_int_equal(cli_exec_line(&fx->cli, "run until give_up"),
	    IKE_ESYNTAX);
	assert_int_equal(fx->cli.nlog, 2);
	assert_string_equal(fx->cli.log[1], "run");
	now = fx->cli.s->now_ms;
	n = fx->cli.s->trace.n;
	assert_true(now > 0);
	/* A step with nothing pending changes nothing and is not kept. */
	assert_int_equal(cli_exec_line(&fx->cli, "step"), 0);
	assert_int_equal(fx->cli.nlog, 2);
	assert_int_equal(cli_exec_line(&fx->cli, "rule drop AG1"), 0);
	assert_int_equal(cli_exec_line(&fx->cli, "undo"), 0);
	assert_int_equal(fx->cli.s->now_ms, now);
	assert_int_equal(fx->cli.s->trace.n, n);
	assert_int_equal(fx->cli.s->nrules, 0);
}

static void
log_line_has_fixed_columns(void **state)
{
	struct tr_event	ev;
	char		line[256];

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.off = -1;
	ev.bit = -1;
	ev.kind = TR_SEND;
	ev.peer = 'i';
	ev.pkt = 1;
	ev.due_ms = 5;
	strcpy(ev.label, "AG1");
	cli_fmt_event(&ev, line, sizeof(line));
	assert_string_equal(line, "     0 ms  i  send     #1   AG1  due 5 ms");

	ev.kind = TR_DISCARD;
	ev.t_ms = 15;
	ev.peer = 'r';
	ev.pkt = 4;
	strcpy(ev.label, "QM1");
	strcpy(ev.reason, "phase 1 incomplete");
	cli_fmt_event(&ev, line, sizeof(line));
	assert_string_equal(line,
	    "    15 ms  r  discard  #4   QM1  phase 1 incomplete");

	memset(&ev, 0, sizeof(ev));
	ev.kind = TR_STATE;
	ev.t_ms = 5;
	ev.peer = 'r';
	strcpy(ev.from, "NONE");
	strcpy(ev.to, "AM_R_SENT2");
	strcpy(ev.reason, "AG1 accepted");
	cli_fmt_event(&ev, line, sizeof(line));
	assert_string_equal(line,
	    "     5 ms  r  state         AM_R_SENT2 (from NONE): AG1 accepted");

	memset(&ev, 0, sizeof(ev));
	ev.kind = TR_CORRUPT;
	ev.t_ms = 10;
	ev.peer = 'i';
	ev.pkt = 3;
	ev.off = 40;
	ev.bit = 3;
	ev.was = 0x12;
	ev.now = 0x02;
	strcpy(ev.label, "AG3");
	cli_fmt_event(&ev, line, sizeof(line));
	assert_string_equal(line,
	    "    10 ms  i  corrupt  #3   AG3  byte 40 bit 3: 0x12 -> 0x02");

	/* Two-digit packets keep the label column; try 0 is not shown. */
	memset(&ev, 0, sizeof(ev));
	ev.kind = TR_RESEND;
	ev.t_ms = 4010;
	ev.peer = 'i';
	ev.pkt = 17;
	ev.due_ms = 4015;
	strcpy(ev.label, "AG3b");
	strcpy(ev.reason, "duplicate of AG2");
	cli_fmt_event(&ev, line, sizeof(line));
	assert_string_equal(line,
	    "  4010 ms  i  resend   #17  AG3b  due 4015 ms  duplicate of AG2");
	ev.try_no = 2;
	cli_fmt_event(&ev, line, sizeof(line));
	assert_string_equal(line, "  4010 ms  i  resend   #17  AG3b  try 2  "
	    "due 4015 ms  duplicate of AG2");
}

/*
 * Completing TEXT after LINE must offer exactly WANT (a space-separated
 * list, in order; "" for none) and not ask for file names.
 */
static void
expect_completions(struct fx *fx, const char *line, const char *text,
    const char *want)
{
	char	**c, got[1024] = "";
	bool	  files;
	size_t	  k;

	c = cli_complete(&fx->cli, line, text, &files);
	for (k = 0; c != NULL && c[k] != NULL; k++) {
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
		    k > 0 ? " " : "", c[k]);
		free(c[k]);
	}
	free(c);
	assert_false(files);
	assert_string_equal(got, want);
}

static void
completion_offers_commands_then_arguments(void **state)
{
	struct fx	*fx = *state;
	bool		 files;

	expect_completions(fx, "", "st", "start step state");
	expect_completions(fx, "save ", "", "trace script ladder pcap keys "
	    "secrets psk-crack");
	assert_null(cli_complete(&fx->cli, "save trace ", "", &files));
	assert_true(files);
	expect_completions(fx, "run until r ", "QM_R", "QM_R_SENT2 "
	    "QM_R_DONE");
	/* A setting's values: with a peer or without. */
	expect_completions(fx, "set i cipher ", "aes", "aes128 aes192 "
	    "aes256");
	expect_completions(fx, "set profile ", "", "rfc strongswan "
	    "libreswan");
	/* lesson's words, then the lesson names (tests run in the tree). */
	expect_completions(fx, "lesson ", "st", "start stop");
	expect_completions(fx, "lesson start ", "0", "01-clean-aggressive "
	    "02-quick-mode-keymat 03-lost-ag3 04-lost-ag2-dup-ag1 "
	    "05-lost-qm3 06-backoff-give-up 07-wrong-psk 08-psk-crack "
	    "09-delay-vs-loss");
	expect_completions(fx, "lesson next ", "", "");
}

/* 'help' and 'help CMD' of every command fit in 79 columns. */
static void
help_fits_80_columns(void **state)
{
	struct fx	*fx = *state;
	char		 line[64];
	const char	*o, *nl;
	size_t		 k;

	for (k = 0; k <= cli_ncmds; k++) {
		if (k == cli_ncmds)
			snprintf(line, sizeof(line), "help");
		else
			snprintf(line, sizeof(line), "help %s",
			    cli_cmds[k].name);
		assert_int_equal(cli_exec_line(&fx->cli, line), 0);
		o = fx_output(fx);
		assert_true(strlen(o) > 0);
		for (; *o != '\0'; o = *nl != '\0' ? nl + 1 : nl) {
			if ((nl = strchr(o, '\n')) == NULL)
				nl = o + strlen(o);
			if (nl - o > 79)
				fail_msg("'%s': a line of %d columns: %.*s",
				    line, (int)(nl - o), (int)(nl - o), o);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(help_fits_80_columns,
		    fx_setup, fx_teardown),
		cmocka_unit_test(split_handles_quotes_and_comments),
		cmocka_unit_test(
		    split_rejects_unterminated_quote_and_too_many_words),
		cmocka_unit_test(parse_ulong_is_strict),
		cmocka_unit_test(parse_sel_normalises_labels_and_directions),
		cmocka_unit_test(parse_sel_rejects_bad_labels),
		cmocka_unit_test(
		    parse_hex_accepts_separators_and_rejects_odd_length),
		cmocka_unit_test(edit_distance_counts_transpositions_once),
		cmocka_unit_test(log_line_has_fixed_columns),
		cmocka_unit_test_setup_teardown(
		    unknown_command_suggests_close_match, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    dispatcher_checks_argument_counts, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    packet_numbers_and_durations_are_checked, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    rule_parses_actions_and_triggers, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    set_without_peer_applies_to_both_and_horizon_is_the_sessions,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    run_until_stops_when_the_condition_holds, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    undo_replays_all_but_the_last_commands, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    completion_offers_commands_then_arguments, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    failed_run_until_is_kept_as_a_plain_run_for_undo, fx_setup,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
