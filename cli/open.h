/*
 * open.h: the `ping` and `open` commands.
 *
 *   ping   one ESP packet each way through the newest IPsec SAs
 *          (an ICMP echo request from the initiator, the responder's
 *          reply), once Quick Mode is complete on both peers
 *   open   read a real pcap or pcapng capture of IKEv1 traffic, list
 *          and decode it, and with its secrets decrypt it and check
 *          every hash and ICV
 */
#ifndef IKELAB_CLI_OPEN_H
#define IKELAB_CLI_OPEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "cli.h"

/* `ping`: the initiator sends an ICMP echo request through ESP. */
int	cmd_ping(struct cli *cli, int argc, char **argv);
/* `open FILE [--secrets F] [--psk P]`. */
int	cmd_open(struct cli *cli, int argc, char **argv);

#endif /* IKELAB_CLI_OPEN_H */
