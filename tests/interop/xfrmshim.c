/*
 * xfrmshim: a stand-in for the kernel's IPsec SA table, preloaded into
 * libreswan's pluto by tests/interop/run.sh (LD_PRELOAD).
 *
 * The test machine's kernel has XFRM but no ESP: adding an ESP SA fails
 * with EPROTONOSUPPORT, and pluto then aborts Quick Mode before it sends
 * QM2. This library answers the four SA requests pluto sends on its
 * NETLINK_XFRM socket, XFRM_MSG_NEWSA, XFRM_MSG_UPDSA, XFRM_MSG_DELSA and
 * XFRM_MSG_GETSA, itself: it acknowledges NEWSA, UPDSA and DELSA and
 * keeps a copy of each SA so that a GETSA gets that SA back, as the kernel
 * would answer. Every other message (SPI allocation, policies, ...) and
 * every other socket goes to the kernel unchanged. Nothing is encrypted:
 * the point is only that pluto's state machine goes on as on a kernel
 * with ESP.
 *
 * XFRMSHIM_LOG=FILE names a file that gets one line for each answered
 * request.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define SHIM_MAX_SA	64
#define SHIM_MAX_MSG	4096

/* one SA as pluto gave it (the whole NEWSA/UPDSA message) */
struct shim_sa {
	int used;
	struct xfrm_usersa_id id;
	size_t len;
	unsigned char msg[SHIM_MAX_MSG];
};

/* a reply waiting to be read from one socket */
struct shim_reply {
	int fd;
	size_t len;
	unsigned char buf[SHIM_MAX_MSG];
};

static pthread_mutex_t shim_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shim_sa shim_sas[SHIM_MAX_SA];
static struct shim_reply shim_pending[8];

/* Write one line to XFRMSHIM_LOG, if set (raw syscalls: write is ours). */
static void
shim_log(const char *fmt, ...)
{
	const char *path = getenv("XFRMSHIM_LOG");
	char line[256];
	va_list ap;
	int fd, n;

	if (path == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	fd = (int)syscall(SYS_open, path, O_WRONLY | O_CREAT | O_APPEND,
	    0644);
	if (fd < 0)
		return;
	syscall(SYS_write, fd, line, (size_t)n);
	syscall(SYS_close, fd);
}

/* Is FD a NETLINK_XFRM socket? */
static int
shim_is_xfrm(int fd)
{
	int v = 0;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) != 0 ||
	    v != AF_NETLINK)
		return 0;
	l = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &l) != 0)
		return 0;
	return v == NETLINK_XFRM;
}

static int
shim_same_id(const struct xfrm_usersa_id *a, const struct xfrm_usersa_id *b)
{
	return a->spi == b->spi && a->proto == b->proto &&
	    a->family == b->family &&
	    memcmp(&a->daddr, &b->daddr, sizeof(a->daddr)) == 0;
}

static struct shim_sa *
shim_find(const struct xfrm_usersa_id *id)
{
	int k;

	for (k = 0; k < SHIM_MAX_SA; k++)
		if (shim_sas[k].used && shim_same_id(&shim_sas[k].id, id))
			return &shim_sas[k];
	return NULL;
}

/* Queue a reply for FD. */
static void
shim_queue(int fd, const void *buf, size_t len)
{
	int k;

	for (k = 0; k < 8; k++)
		if (shim_pending[k].len == 0) {
			shim_pending[k].fd = fd;
			shim_pending[k].len = len;
			memcpy(shim_pending[k].buf, buf, len);
			return;
		}
}

/* Queue the netlink acknowledgement (NLMSG_ERROR, error ERR) of REQ. */
static void
shim_ack(int fd, const struct nlmsghdr *req, int err)
{
	unsigned char buf[NLMSG_SPACE(sizeof(struct nlmsgerr))];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(h);

	memset(buf, 0, sizeof(buf));
	h->nlmsg_len = NLMSG_LENGTH(sizeof(*e));
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_seq = req->nlmsg_seq;
	h->nlmsg_pid = req->nlmsg_pid;
	e->error = err;
	e->msg = *req;
	shim_queue(fd, buf, h->nlmsg_len);
}

/*
 * Answer the message BUF (LEN bytes) sent on the XFRM socket FD if it is
 * one of the SA requests; return 1 then, 0 to let the kernel have it.
 */
static int
shim_handle(int fd, const void *buf, size_t len)
{
	const struct nlmsghdr *h = buf;
	int done = 1;

	if (len < sizeof(*h) || h->nlmsg_len > len ||
	    h->nlmsg_len > SHIM_MAX_MSG)
		return 0;
	pthread_mutex_lock(&shim_lock);
	switch (h->nlmsg_type) {
	case XFRM_MSG_NEWSA:
	case XFRM_MSG_UPDSA: {
		const struct xfrm_usersa_info *sa = NLMSG_DATA(h);
		struct xfrm_usersa_id id;
		struct shim_sa *s;
		int k;

		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*sa))) {
			done = 0;
			break;
		}
		memset(&id, 0, sizeof(id));
		id.daddr = sa->id.daddr;
		id.spi = sa->id.spi;
		id.family = sa->family;
		id.proto = sa->id.proto;
		s = shim_find(&id);
		for (k = 0; s == NULL && k < SHIM_MAX_SA; k++)
			if (!shim_sas[k].used)
				s = &shim_sas[k];
		if (s != NULL) {
			s->used = 1;
			s->id = id;
			s->len = h->nlmsg_len;
			memcpy(s->msg, h, h->nlmsg_len);
		}
		shim_log("%s spi %08x proto %u: answered ok\n",
		    h->nlmsg_type == XFRM_MSG_NEWSA ? "NEWSA" : "UPDSA",
		    (unsigned)__builtin_bswap32(id.spi), (unsigned)id.proto);
		shim_ack(fd, h, 0);
		break;
	}
	case XFRM_MSG_DELSA:
	case XFRM_MSG_GETSA: {
		const struct xfrm_usersa_id *id = NLMSG_DATA(h);
		struct shim_sa *s;

		if ((h->nlmsg_flags & NLM_F_DUMP) ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof(*id))) {
			done = 0;
			break;
		}
		s = shim_find(id);
		if (h->nlmsg_type == XFRM_MSG_DELSA) {
			if (s != NULL)
				s->used = 0;
			shim_log("DELSA spi %08x: answered %s\n",
			    (unsigned)__builtin_bswap32(id->spi),
			    s != NULL ? "ok" : "ESRCH");
			shim_ack(fd, h, s != NULL ? 0 : -ESRCH);
		} else if (s == NULL) {
			shim_log("GETSA spi %08x: answered ESRCH\n",
			    (unsigned)__builtin_bswap32(id->spi));
			shim_ack(fd, h, -ESRCH);
		} else {
			unsigned char r[SHIM_MAX_MSG];
			struct nlmsghdr *rh = (struct nlmsghdr *)r;

			memcpy(r, s->msg, s->len);
			rh->nlmsg_type = XFRM_MSG_NEWSA;
			rh->nlmsg_flags = 0;
			rh->nlmsg_seq = h->nlmsg_seq;
			rh->nlmsg_pid = h->nlmsg_pid;
			shim_log("GETSA spi %08x: answered with the SA\n",
			    (unsigned)__builtin_bswap32(id->spi));
			shim_queue(fd, r, s->len);
		}
		break;
	}
	default:
		done = 0;
	}
	pthread_mutex_unlock(&shim_lock);
	return done;
}

/*
 * Copy a queued reply for FD into BUF (at most LEN bytes); return its
 * length, or -1 when none is waiting.
 */
static ssize_t
shim_take(int fd, void *buf, size_t len, struct sockaddr *from,
    socklen_t *fromlen)
{
	ssize_t n = -1;
	int k;

	pthread_mutex_lock(&shim_lock);
	for (k = 0; k < 8; k++) {
		struct shim_reply *p = &shim_pending[k];

		if (p->len == 0 || p->fd != fd)
			continue;
		n = (ssize_t)(p->len < len ? p->len : len);
		memcpy(buf, p->buf, (size_t)n);
		p->len = 0;
		if (from != NULL && fromlen != NULL &&
		    *fromlen >= sizeof(struct sockaddr_nl)) {
			struct sockaddr_nl nl;

			memset(&nl, 0, sizeof(nl));
			nl.nl_family = AF_NETLINK;	/* pid 0: the kernel */
			memcpy(from, &nl, sizeof(nl));
			*fromlen = sizeof(nl);
		}
		break;
	}
	pthread_mutex_unlock(&shim_lock);
	return n;
}

#define SHIM_REAL(name) \
	static __typeof__(name) *real_##name; \
	if (real_##name == NULL) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

ssize_t
write(int fd, const void *buf, size_t len)
{
	SHIM_REAL(write);
	if (shim_is_xfrm(fd) && shim_handle(fd, buf, len))
		return (ssize_t)len;
	return real_write(fd, buf, len);
}

ssize_t
send(int fd, const void *buf, size_t len, int flags)
{
	SHIM_REAL(send);
	if (shim_is_xfrm(fd) && shim_handle(fd, buf, len))
		return (ssize_t)len;
	return real_send(fd, buf, len, flags);
}

ssize_t
sendto(int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	SHIM_REAL(sendto);
	if (shim_is_xfrm(fd) && shim_handle(fd, buf, len))
		return (ssize_t)len;
	return real_sendto(fd, buf, len, flags, to, tolen);
}

ssize_t
sendmsg(int fd, const struct msghdr *msg, int flags)
{
	SHIM_REAL(sendmsg);
	if (shim_is_xfrm(fd)) {
		unsigned char buf[SHIM_MAX_MSG];
		size_t len = 0, k;

		for (k = 0; k < msg->msg_iovlen; k++) {
			const struct iovec *v = &msg->msg_iov[k];

			if (len + v->iov_len > sizeof(buf))
				return real_sendmsg(fd, msg, flags);
			memcpy(buf + len, v->iov_base, v->iov_len);
			len += v->iov_len;
		}
		if (shim_handle(fd, buf, len))
			return (ssize_t)len;
	}
	return real_sendmsg(fd, msg, flags);
}

ssize_t
read(int fd, void *buf, size_t len)
{
	ssize_t n;

	SHIM_REAL(read);
	n = shim_take(fd, buf, len, NULL, NULL);
	return n >= 0 ? n : real_read(fd, buf, len);
}

ssize_t
recv(int fd, void *buf, size_t len, int flags)
{
	ssize_t n;

	SHIM_REAL(recv);
	n = shim_take(fd, buf, len, NULL, NULL);
	return n >= 0 ? n : real_recv(fd, buf, len, flags);
}

ssize_t
recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
    socklen_t *fromlen)
{
	ssize_t n;

	SHIM_REAL(recvfrom);
	n = shim_take(fd, buf, len, from, fromlen);
	return n >= 0 ? n : real_recvfrom(fd, buf, len, flags, from, fromlen);
}

ssize_t
recvmsg(int fd, struct msghdr *msg, int flags)
{
	ssize_t n;

	SHIM_REAL(recvmsg);
	if (msg->msg_iovlen >= 1) {
		socklen_t nl = msg->msg_namelen;

		n = shim_take(fd, msg->msg_iov[0].iov_base,
		    msg->msg_iov[0].iov_len, msg->msg_name,
		    msg->msg_name != NULL ? &nl : NULL);
		if (n >= 0) {
			msg->msg_namelen = nl;
			msg->msg_controllen = 0;
			msg->msg_flags = 0;
			return n;
		}
	}
	return real_recvmsg(fd, msg, flags);
}
