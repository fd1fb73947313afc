/*
 * test_cli_tl_layout.c: the timeline's layout without a terminal: the
 * exact rows and columns of every arrow, mark and note of the seed
 * scenario (the lost AG3), faults, packets in flight, the timers and
 * peer panels, the status line, and the screen areas for a few
 * terminal sizes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tl_layout.h"

#define MAXROWS	64

/* Seed 1 with "rule drop AG3 once" armed. */
static struct sess *
seed_sess(void)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	struct sess	*s = sess_new(1);
	struct rule	 r;

	assert_non_null(s);
	sess_rule_init(&r, RULE_DROP, "AG3", 1);
	snprintf(r.text, sizeof(r.text), "drop AG3 once");
	assert_int_equal(sess_rule_add(s, &r, &dg), 1);
	assert_int_equal(sess_start(s, &dg), 0);
	return s;
}

/* Every row of S as text at WIDTH into LINES; returns the count. */
static size_t
all_rows(const struct sess *s, int width, struct tl_row *rows,
    char lines[][600])
{
	struct tl_index	ix;
	struct tl_geom	g;
	size_t		n, k;

	tl_index_init(&ix);
	assert_int_equal(tl_index_update(&ix, s), 0);
	tl_geom_init(&g, width);
	n = tl_layout_window(&ix, s, &g, 0, MAXROWS, rows);
	assert_int_equal(n, ix.nrows);
	for (k = 0; k < n; k++)
		tl_row_text(&rows[k], &g, lines[k], 600);
	tl_index_free(&ix);
	return n;
}

static void
geometry_grows_with_width_within_bounds(void **state)
{
	struct tl_geom	g;

	(void)state;
	tl_geom_init(&g, 80);
	assert_int_equal(g.col_i, 11);
	assert_int_equal(g.col_r, 45);
	assert_int_equal(g.col_note, 48);
	tl_geom_init(&g, 120);
	assert_int_equal(g.col_r, 56);
	assert_int_equal(g.col_note, 59);
	tl_geom_init(&g, 64);
	assert_int_equal(g.col_r, 39);
	tl_geom_init(&g, 300);
	assert_int_equal(g.col_r, 56);
}

static void
screen_80x24_areas(void **state)
{
	struct tl_screen	sc;

	(void)state;
	tl_screen_layout(&sc, 80, 24);
	assert_false(sc.too_small);
	assert_int_equal(sc.status.y, 0);
	assert_int_equal(sc.head.y, 1);
	assert_int_equal(sc.diag.y, 2);
	assert_int_equal(sc.diag.h, 11);
	assert_int_equal(sc.peers_title.y, 13);
	assert_int_equal(sc.peer[0].y, 14);
	assert_int_equal(sc.peer[0].h, 4);
	assert_int_equal(sc.peer[0].w, 39);
	assert_int_equal(sc.peer[1].x, 40);
	assert_int_equal(sc.peer[1].w, 40);
	assert_int_equal(sc.sep_x, 39);
	assert_int_equal(sc.timers_title.y, 18);
	assert_int_equal(sc.timers[0].y, 19);
	assert_int_equal(sc.timers[0].h, 2);
	assert_int_equal(sc.out.y, 21);
	assert_int_equal(sc.out.h, 2);
	assert_int_equal(sc.cmd.y, 23);
}

static void
screen_120x40_gives_the_diagram_the_extra_rows(void **state)
{
	struct tl_screen	sc;

	(void)state;
	tl_screen_layout(&sc, 120, 40);
	assert_false(sc.too_small);
	assert_int_equal(sc.diag.h, 22);
	assert_int_equal(sc.peers_title.y, 24);
	assert_int_equal(sc.peer[0].h, 6);
	assert_int_equal(sc.timers[1].y, 32);
	assert_int_equal(sc.timers[1].h, 3);
	assert_int_equal(sc.timers[1].x, 60);
	assert_int_equal(sc.out.y, 35);
	assert_int_equal(sc.out.h, 4);
	assert_int_equal(sc.cmd.y, 39);
}

static void
screen_too_small_below_64x18(void **state)
{
	struct tl_screen	sc;

	(void)state;
	tl_screen_layout(&sc, 63, 24);
	assert_true(sc.too_small);
	tl_screen_layout(&sc, 80, 17);
	assert_true(sc.too_small);
	tl_screen_layout(&sc, 64, 18);
	assert_false(sc.too_small);
	assert_int_equal(sc.diag.h, 8);
	assert_int_equal(sc.cmd.y, 17);
}

static void
in_flight_packet_stops_halfway_with_dots(void **state)
{
	struct sess	*s = seed_sess();
	struct tl_row	 rows[MAXROWS];
	char		 l[MAXROWS][600];

	(void)state;
	assert_int_equal(all_rows(s, 80, rows, l), 2);
	assert_string_equal(l[0], "      0 ms * AM_I_SENT1                      |");
	assert_string_equal(l[1], "           |-- AG1 #1 ------> ...            |"
	    "  in flight, due 5 ms");
	assert_int_equal(rows[1].fate, TL_FATE_INFLIGHT);
	assert_int_equal(rows[1].head_x, 28);
	assert_int_equal(rows[1].flight_x, 30);
	assert_int_equal(rows[1].style, TL_ST_FLIGHT);
	assert_int_equal(rows[0].kind, TL_ROW_STATE);
	assert_int_equal(rows[0].mark_x, 11);
	sess_free(s);
}

static void
seed_lost_ag3_ends_in_x_and_qm1_is_discarded(void **state)
{
	struct sess	*s = seed_sess();
	struct tl_row	 rows[MAXROWS];
	char		 l[MAXROWS][600];
	static const char *const want[] = {
		"      0 ms * AM_I_SENT1                      |",
		"           |-- AG1 #1 ---------------------->|",
		"      5 ms |                     AM_R_SENT2  *",
		"           |<---------------------- AG2 #2 --|",
		"     10 ms * AM_I_DONE                       |",
		"           |-- AG3 #3 -----------X           |  dropped: rule "
		    "1 (drop AG3 once)",
		"           * QM_I_SENT1                      |",
		"           |-- QM1 #4 ---------------------->|  discarded: "
		    "phase 1 incomplete",
	};
	size_t		 n, k;

	(void)state;
	sess_step(s);
	sess_step(s);
	sess_step(s);
	n = all_rows(s, 80, rows, l);
	assert_int_equal(n, 8);
	for (k = 0; k < n; k++)
		assert_string_equal(l[k], want[k]);
	/* AG3: the X two thirds of the way, the label after two dashes. */
	assert_int_equal(rows[5].kind, TL_ROW_ARROW);
	assert_int_equal(rows[5].pkt, 3);
	assert_int_equal(rows[5].fate, TL_FATE_DROPPED);
	assert_int_equal(rows[5].head, 'X');
	assert_int_equal(rows[5].head_x, 33);
	assert_int_equal(rows[5].shaft_x0, 12);
	assert_int_equal(rows[5].shaft_x1, 32);
	assert_int_equal(rows[5].text_x, 14);
	assert_int_equal(rows[5].note_x, 48);
	assert_int_equal(rows[5].style, TL_ST_DROP);
	/* QM1 reached R and was thrown away there. */
	assert_int_equal(rows[7].fate, TL_FATE_DISCARDED);
	assert_int_equal(rows[7].head, '>');
	assert_int_equal(rows[7].head_x, 44);
	assert_int_equal(rows[7].style, TL_ST_DISCARD);
	/* R's arrow: head at I, label right-aligned two dashes before R. */
	assert_int_equal(rows[3].head, '<');
	assert_int_equal(rows[3].head_x, 12);
	assert_int_equal(rows[3].text_x, 35);
	assert_int_equal(rows[2].mark_x, 45);
	assert_int_equal(rows[2].text_x, 33);
	/* The time is written once per instant. */
	assert_true(rows[4].show_time);
	assert_false(rows[5].show_time);
	sess_free(s);
}

static void
seed_resends_are_drawn_double_in_order(void **state)
{
	struct sess	*s = seed_sess();
	struct tl_row	 rows[MAXROWS];
	char		 l[MAXROWS][600];
	static const char *const labels[] = {
		" AG1 #1 ", " AG2 #2 ", " AG3 #3 ", " QM1 #4 ", " AG2b #5 ",
		" AG3b #6 ", " QM1b #7 ", " QM2 #8 ", " QM3 #9 ",
	};
	size_t		 n, k, a = 0;

	(void)state;
	sess_step(s);
	sess_step(s);
	sess_step(s);
	sess_tick(s, 4000);
	(void)sess_run(s, 600000, NULL, NULL);
	n = all_rows(s, 80, rows, l);
	assert_int_equal(n, 17);
	for (k = 0; k < n; k++) {
		if (rows[k].kind != TL_ROW_ARROW)
			continue;
		assert_true(a < 9);
		assert_string_equal(rows[k].text, labels[a]);
		assert_int_equal(rows[k].pkt, (int)a + 1);
		a++;
	}
	assert_int_equal(a, 9);
	assert_string_equal(l[8], "   4005 ms |<===================== AG2b #5 "
	    "==|  resend, try 1");
	assert_string_equal(l[9], "   4010 ms |== AG3b #6 ====================="
	    ">|  resend: duplicate of AG2");
	assert_string_equal(l[10], "           |== QM1b #7 ===================="
	    "=>|  resend, try 1");
	assert_string_equal(l[16], "   4025 ms |                      QM_R_DONE"
	    "  *");
	assert_int_equal(rows[8].shaft, '=');
	assert_int_equal(rows[8].style, TL_ST_RESEND);
	assert_int_equal(rows[13].shaft, '-');
	assert_int_equal(rows[13].style, TL_ST_PLAIN);
	sess_free(s);
}

static void
delay_copy_and_corruption_are_marked(void **state)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	struct sess	*s = sess_new(1);
	struct tl_row	 rows[MAXROWS];
	char		 l[MAXROWS][600];
	size_t		 n;

	(void)state;
	assert_int_equal(sess_start(s, &dg), 0);
	assert_int_equal(sess_delay(s, 1, 300, &dg), 0);
	assert_int_equal(sess_dup(s, 1, &dg), 0);
	sess_step(s);
	sess_step(s);
	assert_int_equal(sess_corrupt(s, 4, 40, 2, &dg), 0);
	(void)sess_run(s, 600000, NULL, NULL);
	n = all_rows(s, 120, rows, l);
	assert_true(n > 6);
	assert_string_equal(l[1], "           |-- AG1 #1 ---------------------"
	    "------------>|  delayed +300 ms; arrives 305 ms");
	assert_string_equal(l[2], "           |-- AG1 #2 ---------------------"
	    "------------>|  copy of #1");
	assert_int_equal(rows[1].style, TL_ST_FAULT);
	assert_int_equal(rows[2].style, TL_ST_FAULT);
	assert_int_equal(rows[6].pkt, 4);
	assert_int_equal(rows[6].shaft, '~');
	assert_int_equal(rows[6].fate, TL_FATE_DISCARDED);
	assert_non_null(strstr(rows[6].note, "; corrupted: byte 40 bit 2"));
	assert_memory_equal(rows[6].note, "discarded: ", 11);
	sess_free(s);
}

static void
command_drop_says_command(void **state)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	struct sess	*s = sess_new(1);
	struct tl_row	 rows[MAXROWS];
	char		 l[MAXROWS][600];

	(void)state;
	assert_int_equal(sess_start(s, &dg), 0);
	assert_int_equal(sess_drop(s, 1, &dg), 0);
	assert_int_equal(all_rows(s, 80, rows, l), 2);
	assert_string_equal(l[1], "           |-- AG1 #1 -----------X         "
	    "  |  dropped: command");
	sess_free(s);
}

static void
window_lays_out_only_its_rows(void **state)
{
	struct sess	*s = seed_sess();
	struct tl_index	 ix;
	struct tl_geom	 g;
	struct tl_row	 all[MAXROWS], win[3];
	char		 a[600], b[600];
	size_t		 k;

	(void)state;
	sess_step(s);
	sess_step(s);
	sess_step(s);
	tl_index_init(&ix);
	assert_int_equal(tl_index_update(&ix, s), 0);
	tl_geom_init(&g, 80);
	assert_int_equal(tl_layout_window(&ix, s, &g, 0, MAXROWS, all), 8);
	assert_int_equal(tl_layout_window(&ix, s, &g, 5, 3, win), 3);
	for (k = 0; k < 3; k++) {
		assert_int_equal(win[k].ev, all[5 + k].ev);
		/* The top row of a window always shows its time. */
		all[5 + k].show_time = k == 0 || all[5 + k].show_time;
		tl_row_text(&win[k], &g, a, sizeof(a));
		tl_row_text(&all[5 + k], &g, b, sizeof(b));
		assert_string_equal(a, b);
	}
	tl_row_text(&win[0], &g, a, sizeof(a));
	assert_memory_equal(a, "     10 ms |-- AG3 #3", 20);
	/* Past the end: nothing. */
	assert_int_equal(tl_layout_window(&ix, s, &g, 8, 3, win), 0);
	assert_int_equal(tl_index_row_of_pkt(&ix, 3), 5);
	assert_int_equal(tl_index_row_of_pkt(&ix, 4), 7);
	assert_int_equal(tl_index_row_of_pkt(&ix, 9), -1);
	tl_index_free(&ix);
	sess_free(s);
}

static void
index_grown_step_by_step_equals_a_rebuild(void **state)
{
	struct sess	*s = seed_sess();
	struct tl_index	 inc, full;
	int		 k;

	(void)state;
	tl_index_init(&inc);
	for (k = 0; k < 30 && sess_step(s) == 1; k++)
		assert_int_equal(tl_index_update(&inc, s), 0);
	sess_tick(s, 4000);
	assert_int_equal(tl_index_update(&inc, s), 0);
	tl_index_init(&full);
	assert_int_equal(tl_index_update(&full, s), 0);
	assert_int_equal(inc.nrows, full.nrows);
	assert_int_equal(inc.nrows, 17);
	assert_memory_equal(inc.rows, full.rows, full.nrows *
	    sizeof(full.rows[0]));
	assert_memory_equal(inc.pk, full.pk, full.npk * sizeof(full.pk[0]));
	/* A shorter trace (undo, reset) is indexed from scratch. */
	s->trace.n = 3;
	assert_int_equal(tl_index_update(&inc, s), 0);
	assert_int_equal(inc.nrows, 2);	/* AM_I_SENT1, AG1 */
	assert_int_equal(inc.scanned, 3);
	s->trace.n = full.scanned;
	tl_index_free(&inc);
	tl_index_free(&full);
	sess_free(s);
}

static void
timers_count_down_with_virtual_time(void **state)
{
	struct sess	*s = seed_sess();
	struct tl_timer	 t[8];
	char		 a[128];

	(void)state;
	sess_step(s);
	sess_step(s);
	sess_step(s);
	assert_int_equal(tl_timers(s, t, 8), 2);
	tl_timer_text(&t[0], a, sizeof(a));
	assert_string_equal(a, "i QM1 resend 1/5 in 3995 ms, due 4010");
	tl_timer_text(&t[1], a, sizeof(a));
	assert_string_equal(a, "r AG2 resend 1/5 in 3990 ms, due 4005");
	assert_string_equal(t[1].xchg, "phase 1");
	assert_string_equal(t[0].xchg, "quick mode 1");
	sess_tick(s, 1000);
	assert_int_equal(tl_timers(s, t, 8), 2);
	tl_timer_text(&t[1], a, sizeof(a));
	assert_string_equal(a, "r AG2 resend 1/5 in 2990 ms, due 4005");
	assert_int_equal(t[0].in_ms, 2995);
	/* Room for one only: the initiator's comes first. */
	assert_int_equal(tl_timers(s, t, 1), 1);
	assert_int_equal(t[0].peer, 'i');
	sess_free(s);
}

static void
peer_panels_show_state_reason_cookies_and_spis(void **state)
{
	struct sess	*s = seed_sess();
	struct tl_index	 ix;
	char		 l[8][TL_LINE_LEN];

	(void)state;
	sess_step(s);
	sess_step(s);
	sess_step(s);
	sess_tick(s, 4000);
	(void)sess_run(s, 600000, NULL, NULL);
	tl_index_init(&ix);
	assert_int_equal(tl_index_update(&ix, s), 0);
	/* 80x24: a title and four lines, the transition on one. */
	assert_int_equal(tl_peer_lines(s, &ix, PEER_R, 39, l, 5), 5);
	assert_string_equal(l[0], "r responder: AM_R_DONE");
	/* One line of 39 columns: the reason, not the state it came from,
	 * and what does not fit ends in "...". */
	assert_string_equal(l[1], "last: QM_R_DONE: HASH(3) verified in...");
	assert_string_equal(l[2], "cky dcb342a1be59ad6b 446953efa736505e");
	assert_string_equal(l[3], "QM 1  msgid 15e284c3  QM_R_DONE");
	assert_string_equal(l[4], "  spi i f8fc44d9  r 3190f61d");
	/* With room to spare the transition wraps at blanks. */
	assert_int_equal(tl_peer_lines(s, &ix, PEER_I, 39, l, 7), 7);
	assert_string_equal(l[1], "last: QM_I_SENT1 > QM_I_DONE: HASH(2)");
	assert_string_equal(l[2], "  verified; sent QM3, the last message");
	assert_string_equal(l[3], "  of Quick Mode");
	assert_string_equal(l[4], "cky dcb342a1be59ad6b 446953efa736505e");
	assert_string_equal(l[6], "  spi i f8fc44d9  r 3190f61d");
	/* Without an index: the reason only. */
	assert_int_equal(tl_peer_lines(s, NULL, PEER_I, 39, l, 2), 2);
	assert_string_equal(l[0], "i initiator: AM_I_DONE");
	assert_string_equal(l[1], "last: HASH(2) verified; sent QM3,...");
	tl_index_free(&ix);
	sess_free(s);
}

static void
status_line_names_time_mode_seed_and_rules(void **state)
{
	struct sess	*s = seed_sess();
	char		 a[TL_LINE_LEN];

	(void)state;
	tl_status_text(s, 1, false, 1, a, sizeof(a));
	assert_string_equal(a, "time 0 ms  paused  seed 1  rules: 1 drop AG3 "
	    "once");
	sess_step(s);
	sess_step(s);
	tl_status_text(s, 1, true, 10, a, sizeof(a));
	assert_string_equal(a, "time 10 ms  running 10x  seed 1  rules: 1 drop "
	    "AG3 once (spent)");
	sess_free(s);
	s = sess_new(7);
	tl_status_text(s, 7, false, 1, a, sizeof(a));
	assert_string_equal(a, "time 0 ms  paused  seed 7  no rules");
	sess_free(s);
}

static void
rows_never_pass_the_width(void **state)
{
	struct sess	*s = seed_sess();
	struct tl_row	 rows[MAXROWS];
	char		 l[MAXROWS][600];
	size_t		 n, k;

	(void)state;
	sess_step(s);
	sess_step(s);
	sess_step(s);
	n = all_rows(s, 64, rows, l);
	for (k = 0; k < n; k++)
		assert_true(strlen(l[k]) <= 64);
	assert_string_equal(l[5], "           |-- AG3 #3 -------X         |  "
	    "dropped: rule 1 (drop");
	assert_string_equal(tl_style_names[TL_ST_DROP], "drop");
	assert_string_equal(tl_fate_names[TL_FATE_DISCARDED], "discarded");
	assert_string_equal(tl_row_kind_names[TL_ROW_GIVE_UP], "give_up");
	sess_free(s);
}

static void
give_up_is_a_mark_with_its_reason(void **state)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	struct sess	*s = sess_new(1);
	struct tl_row	 rows[MAXROWS];
	char		 l[MAXROWS][600];
	struct rule	 r;
	size_t		 n, k;
	bool		 seen = false;

	(void)state;
	sess_rule_init(&r, RULE_DROP, "i>r", 0);
	snprintf(r.text, sizeof(r.text), "drop i>r");
	assert_true(sess_rule_add(s, &r, &dg) > 0);
	assert_int_equal(sess_set(s, 1, "tries", "1", &dg), 0);
	assert_int_equal(sess_start(s, &dg), 0);
	(void)sess_run(s, 600000, NULL, NULL);
	n = all_rows(s, 80, rows, l);
	for (k = 0; k < n; k++) {
		if (rows[k].kind != TL_ROW_GIVE_UP)
			continue;
		seen = true;
		assert_int_equal(rows[k].style, TL_ST_FAIL);
		assert_int_equal(rows[k].mark_x, 11);
		assert_memory_equal(l[k] + 11, "* gives up", 10);
	}
	assert_true(seen);
	sess_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(geometry_grows_with_width_within_bounds),
		cmocka_unit_test(screen_80x24_areas),
		cmocka_unit_test(screen_120x40_gives_the_diagram_the_extra_rows),
		cmocka_unit_test(screen_too_small_below_64x18),
		cmocka_unit_test(in_flight_packet_stops_halfway_with_dots),
		cmocka_unit_test(seed_lost_ag3_ends_in_x_and_qm1_is_discarded),
		cmocka_unit_test(seed_resends_are_drawn_double_in_order),
		cmocka_unit_test(delay_copy_and_corruption_are_marked),
		cmocka_unit_test(command_drop_says_command),
		cmocka_unit_test(window_lays_out_only_its_rows),
		cmocka_unit_test(index_grown_step_by_step_equals_a_rebuild),
		cmocka_unit_test(timers_count_down_with_virtual_time),
		cmocka_unit_test(peer_panels_show_state_reason_cookies_and_spis),
		cmocka_unit_test(status_line_names_time_mode_seed_and_rules),
		cmocka_unit_test(rows_never_pass_the_width),
		cmocka_unit_test(give_up_is_a_mark_with_its_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
