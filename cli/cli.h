/*
 * cli.h: the command-line front end of ikelab. All of its state lives
 * in one struct cli (the idea of SQLite's ShellState); the command
 * table in cmd.c feeds dispatch, help, usage errors and completion.
 */
#ifndef IKELAB_CLI_CLI_H
#define IKELAB_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sess.h"

#ifndef IKELAB_VERSION
#define IKELAB_VERSION	"0.1"
#endif

#define CLI_LINE_MAX	4096	/* bytes in one command line */
#define CLI_MAX_ARGS	16	/* words in one command line */
#define CLI_MAX_DEPTH	8	/* nested 'source' files */
#define CLI_HORIZON_MS	600000	/* default horizon of 'run' */
#define CLI_ERR_LEN	512

/*
 * The whole state of the front end. OUT is where a command writes its
 * own output (a buffer while the command runs, so that the trace
 * events it caused can be printed first); TTY is the real stdout.
 */
struct lsn_run;

struct cli {
	struct sess	*s;		/* NULL until first needed */
	uint64_t	 seed;
	bool		 has_seed;	/* seed given or chosen */
	bool		 show_seed;	/* say "seed N" when choosing one */
	uint64_t	 horizon_ms;
	FILE		*out;
	FILE		*tty;
	FILE		*errf;		/* diagnostics (stderr) */
	bool		 interactive;	/* a person at a terminal */
	bool		 quiet;		/* replaying for undo: print nothing */
	bool		 quit;
	size_t		 shown;		/* trace events already printed */
	bool		 trace_off;	/* print no trace (the timeline draws it) */
	int		 depth;		/* nesting of 'source' */
	/* Commands that changed the session since the seed (for undo). */
	char		**log;
	size_t		 nlog;
	size_t		 caplog;
	char		*log_override;	/* what to record instead of argv */
	char		 err[CLI_ERR_LEN];	/* the last error, one line */
	struct lsn_run	*lesson;	/* the running lesson (lesson.c) */
};

/* Where a command argument's completions come from. */
enum cli_arg {
	CA_NONE,
	CA_CMD,		/* command names */
	CA_PEER,	/* i r */
	CA_PEER3,	/* i r both */
	CA_SET1,	/* i r both, knob names, horizon */
	CA_KNOB,
	CA_PKT,		/* every packet number */
	CA_FLIGHT,	/* packets in flight */
	CA_RULE,	/* rule ids */
	CA_SAVE,	/* save kinds */
	CA_RULE_ACT,	/* drop delay dup corrupt */
	CA_SEL,		/* labels and directions */
	CA_UNTIL,	/* until */
	CA_COND,	/* i r and event names */
	CA_FILE,	/* file names (readline's own completion) */
	CA_LESSON,	/* lesson words: list start next ... */
};

#define CLI_CMD_LOG	0x01	/* changes the session: kept for undo */

/* One command: the single table feeds dispatch, help and completion. */
struct cli_cmd {
	const char	*name;
	const char	*alias;		/* NULL if none */
	int		 min_args;
	int		 max_args;	/* -1 for no limit */
	unsigned int	 flags;		/* CLI_CMD_* */
	const char	*usage;
	const char	*help;		/* one line, lower case, no period */
	const char	*long_help;	/* NULL or more lines for 'help CMD' */
	enum cli_arg	 comp[3];	/* completion of arguments 1..3 */
	int		(*run)(struct cli *cli, int argc, char **argv);
};

extern const struct cli_cmd cli_cmds[];
extern const size_t cli_ncmds;

/* cmd.c */
/* Set up CLI with real output on TTY and diagnostics on ERRF. */
void	cli_init(struct cli *cli, FILE *tty, FILE *errf);
/* Free the session and the command log. */
void	cli_free(struct cli *cli);
/* The session, created (and its seed shown) on first use; NULL: no mem. */
struct sess *cli_sess(struct cli *cli);
/* Run one line: 0, 1 when it was empty, or a negative ike_err. */
int	cli_exec_line(struct cli *cli, const char *line);
/*
 * Run every line of F (named NAME in messages) until the first error;
 * then fill cli->err with "NAME:LINE: message" and return it.
 */
int	cli_run_file(struct cli *cli, FILE *f, const char *name);
/* Set cli->err (printf-style) and return IKE_ESYNTAX. */
int	cli_err(struct cli *cli, const char *fmt, ...) IKE_PRINTF(2, 3);
/* Split LINE into words (quotes, # comments) into BUF/ARGV. */
int	cli_split(const char *line, char *buf, size_t buf_len, char **argv,
	    int max, int *argc, char *err, size_t err_len);
/* The command named NAME (or its alias), or NULL. */
const struct cli_cmd *cli_cmd_find(const char *name);
/* The command within edit distance 2 of NAME, or NULL. */
const struct cli_cmd *cli_cmd_suggest(const char *name);
/* Edit distance with transpositions (optimal string alignment). */
unsigned int cli_edit_distance(const char *a, const char *b);
/* Strict unsigned decimal in [MIN, MAX]. */
int	cli_parse_ulong(const char *s, unsigned long min, unsigned long max,
	    unsigned long *out);
/* A rule selector (label or direction) into R->sel / R->dir. */
int	cli_parse_sel(const char *s, struct rule *r, char *err,
	    size_t err_len);
/* Hex digits (':' and whitespace ignored) into OUT. */
int	cli_parse_hex(const char *s, struct buf *out, char *err,
	    size_t err_len);
/*
 * Completions for the word being typed: LINE holds everything before
 * it, TEXT is its beginning. NULL-terminated array (caller frees each
 * and the array); NULL when file names should be completed instead.
 */
char  **cli_complete(struct cli *cli, const char *line, const char *text,
	    bool *files);

/* print.c */
/* The `log` line of one event, without newline, into OUT. */
void	cli_fmt_event(const struct tr_event *ev, char *out, size_t len);
/*
 * Open PATH for reading if it is a regular file (a FIFO, a device or a
 * directory is refused without blocking); NULL with the reason in ERR.
 */
FILE   *cli_fopen_regular(const char *path, char *err, size_t errlen);

/*
 * Print TEXT (escaped) from column COL on, cut at blanks so that no
 * line passes column WIDTH; further lines start at COL too. The caller
 * has put the cursor at COL.
 */
void	cli_put_wrapped(FILE *f, const char *text, int col, int width);

/* Print trace events from cli->shown on, and mark them shown. */
void	cli_print_new(struct cli *cli);
/* Print text from packets or files with control bytes as \xNN. */
void	cli_put_escaped(FILE *f, const char *s, size_t n, bool keep_nl);
/* The values each `log`/JSON field applies to, per event kind. */
unsigned int cli_event_fields(enum tr_kind kind);
void	cli_print_log(struct cli *cli);
void	cli_print_wire(struct cli *cli);
void	cli_print_timers(struct cli *cli);
void	cli_print_state(struct cli *cli, int peer);
int	cli_print_show(struct cli *cli, int n);
void	cli_print_keys(struct cli *cli, int peer);
void	cli_print_config(struct cli *cli, int peer);
void	cli_print_rules(struct cli *cli);
/* A duration as "4005 ms", or "600 s" when it is whole seconds. */
void	cli_fmt_dur(uint64_t ms, char *out, size_t len);

/* Field bits of cli_event_fields. */
#define CF_TRY		0x001
#define CF_DUE		0x002
#define CF_COPY		0x004
#define CF_SWAP		0x008
#define CF_RULE		0x010
#define CF_CORRUPT	0x020
#define CF_STATE	0x040
#define CF_MSGID	0x080
#define CF_NOTIFY	0x100
#define CF_SPI		0x200

/* ladder.c */
/* Draw the trace as an ASCII sequence diagram of at most 80 columns. */
void	cli_ladder(FILE *f, const struct sess *s);

/* save.c */
/* Write the trace as JSON Lines to F. */
void	cli_trace_json(FILE *f, const struct sess *s);
/* Write the command log as a script to F. */
void	cli_script(FILE *f, const struct cli *cli);
/*
 * Write a file through WRITE_FN (into a temporary next to PATH, then
 * renamed), refusing to replace PATH unless FORCE.
 */
int	cli_save(struct cli *cli, const char *path, bool force,
	    void (*write_fn)(FILE *f, struct cli *cli));

#endif /* IKELAB_CLI_CLI_H */
