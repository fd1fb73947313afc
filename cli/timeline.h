/*
 * timeline.h: the full-screen ncurses timeline (`tui`, `ikelab --tui`).
 * The layout lives in tl_layout.[ch]; timeline.c only draws it and
 * runs the keyboard, the mouse and Readline's callback interface.
 */
#ifndef IKELAB_CLI_TIMELINE_H
#define IKELAB_CLI_TIMELINE_H

struct cli;

/*
 * The `tui [SPEED]` command: open the timeline over the session until
 * the user leaves it (q in the diagram) or quits ikelab. SPEED (1x,
 * 10x, ...; "off" for instant) is how fast `run` animates there.
 */
int	tl_cmd_tui(struct cli *cli, int argc, char **argv);

#endif /* IKELAB_CLI_TIMELINE_H */
