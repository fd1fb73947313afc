#!/bin/sh
# Reduce a capture of one interop run to a ladder, one line a datagram:
#
#   SECONDS DIR LABEL new|resend
#
# SECONDS is counted from the first AG1 (three decimals), DIR is i>r or
# r>i, LABEL the message's base name (AG1 AG2 AG3 QM1 QM2 QM3 INFO) and
# "resend" marks a datagram whose ISAKMP bytes equal those of an earlier
# one in the same direction (a resend repeats its message byte for byte).
#
# Usage: pcap2ladder.sh CAPTURE INITIATOR_ADDRESS
set -eu
cap=$1
iaddr=$2
tshark -r "$cap" -Y isakmp -T fields -E separator=' ' -E occurrence=f \
    -e frame.time_epoch -e ip.src -e udp.srcport -e isakmp.exchangetype \
    -e isakmp.flags -e isakmp.messageid -e isakmp.nextpayload \
    -e isakmp.frag.seq -e udp.payload 2>/dev/null |
awk -v iaddr="$iaddr" -f "$(dirname "$0")/pcap2ladder.awk"
