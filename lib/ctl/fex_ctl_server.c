/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control server: one thread, one epoll set, a unix stream socket.
 * Per client: a line buffer capped at max_request, an output buffer
 * capped at max_output, an idle timer. Nothing a client does can block
 * the thread: sockets are non-blocking, every buffer is bounded, and a
 * client that breaks a bound is dropped.
 *
 * This file: the line framing, the clients (buffers, replies, peer
 * credentials, idle timeouts) and the thread's epoll loop. The socket,
 * the start and stop of this thread and the API are fex_ctl.c; what a
 * request line does is fex_rpc.c (fex_ctl_call_line()).
 */
#define _GNU_SOURCE	/* accept4, struct ucred */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>

#include "fex_ctl_priv.h"

#define READ_CHUNK		(64 * 1024)
#define EVENTS_MAX		64
#define ACCEPT_BURST		64
#define SWEEP_MS		FEX_CTL_TICK_MS
#define OUT_INITIAL		4096	/* grows to max_output */
#define DISCARD_MAX		(64ull * 1024 * 1024)	/* then close anyway */

/* ---------------------------------------------------------------- framing */

int
linebuf_init(struct linebuf *lb, size_t cap)
{
	memset(lb, 0, sizeof(*lb));
	lb->buf = malloc(cap);
	if (lb->buf == NULL)
		return -ENOMEM;
	lb->cap = cap;
	return 0;
}

void
linebuf_free(struct linebuf *lb)
{
	free(lb->buf);
	lb->buf = NULL;
}

int
linebuf_feed(struct linebuf *lb, const char *data, size_t n,
	     linebuf_cb cb, void *arg)
{
	while (n > 0) {
		const char *nl = memchr(data, '\n', n);
		size_t take = nl != NULL ? (size_t)(nl - data) : n;
		int rc;

		if (lb->discarding) {
			lb->discarded += take;
			if (nl == NULL)
				return 0;
			lb->discarding = false;
			rc = cb(arg, LINEBUF_OVERSIZE_END, NULL, 0);
			if (rc != 0)
				return rc;
		} else if (lb->len + take > lb->cap) {
			lb->discarding = true;
			lb->discarded = lb->len + take;
			lb->len = 0;
			rc = cb(arg, LINEBUF_OVERSIZE, NULL, 0);
			if (rc != 0)
				return rc;
			if (nl == NULL)
				return 0;
			lb->discarding = false;
			rc = cb(arg, LINEBUF_OVERSIZE_END, NULL, 0);
			if (rc != 0)
				return rc;
		} else {
			memcpy(lb->buf + lb->len, data, take);
			lb->len += take;
			if (nl == NULL)
				return 0;
			size_t len = lb->len;

			lb->len = 0;
			if (len > 0 && lb->buf[len - 1] == '\r')
				len--;
			rc = cb(arg, LINEBUF_LINE, lb->buf, len);
			if (rc != 0)
				return rc;
		}
		data += take + 1;
		n -= take + 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- clients */

enum client_state {
	CLIENT_OPEN,
	CLIENT_DISCARDING,	/* oversized line: drop input until its '\n' */
	CLIENT_CLOSING,		/* send what is queued, then close */
};

struct client {
	TAILQ_ENTRY(client) next;
	int fd;
	enum client_state state;
	bool dead;
	bool eof;		/* the peer will send no more */
	uint32_t events;	/* armed in epoll */
	struct fex_ctl_peer peer;
	struct linebuf in;
	char *out;		/* grows up to max_output */
	size_t out_cap;
	size_t out_len;		/* queued bytes from out_off */
	size_t out_off;
	uint64_t last_ms;
};

TAILQ_HEAD(client_list, client);

struct server {
	struct fex_ctl *ctl;
	struct client_list clients;
	struct client_list dead;
	unsigned int nb_clients;
	bool accept_paused;	/* out of fds: retry at the next sweep */
	char scratch[READ_CHUNK];
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
cnt_add(uint64_t *c, uint64_t v)
{
	__atomic_fetch_add(c, v, __ATOMIC_RELAXED);
}

static bool
uid_in_group(uid_t uid, gid_t gid, gid_t group)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	gid_t groups[256];
	int n = RTE_DIM(groups), i;

	if (gid == group)
		return true;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return false;
	if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &n) < 0)
		return false;
	for (i = 0; i < n; i++)
		if (groups[i] == group)
			return true;
	return false;
}

static void
client_kill(struct server *s, struct client *c)
{
	if (c->dead)
		return;
	c->dead = true;
	epoll_ctl(s->ctl->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	TAILQ_REMOVE(&s->clients, c, next);
	TAILQ_INSERT_TAIL(&s->dead, c, next);
	s->nb_clients--;
	__atomic_store_n(&s->ctl->cnt.clients, s->nb_clients, __ATOMIC_RELAXED);
}

static void
reap(struct server *s)
{
	struct client *c;

	while ((c = TAILQ_FIRST(&s->dead)) != NULL) {
		TAILQ_REMOVE(&s->dead, c, next);
		linebuf_free(&c->in);
		free(c->out);
		free(c);
	}
}

/* Wait for input unless the peer is done sending, for output space
 * while replies are queued. */
static void
client_arm(struct server *s, struct client *c)
{
	struct epoll_event ev = { .data.ptr = c };

	ev.events = (c->eof ? 0 : EPOLLIN | EPOLLRDHUP) |
		(c->out_len > 0 ? EPOLLOUT : 0);
	if (ev.events == c->events)
		return;
	c->events = ev.events;
	epoll_ctl(s->ctl->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Send queued bytes until the socket is full. 0, or -1 on a dead peer. */
static int
client_send(struct client *c)
{
	while (c->out_len > 0) {
		ssize_t w = send(c->fd, c->out + c->out_off, c->out_len,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -1;
		}
		c->out_off += (size_t)w;
		c->out_len -= (size_t)w;
		c->last_ms = now_ms();
	}
	if (c->out_len == 0)
		c->out_off = 0;
	return 0;
}

/* Queue one reply line. When it does not fit, send what the socket
 * takes first; a client whose unread replies still exceed max_output is
 * dropped. One reply alone is always taken (a vif.stats of 4095 VIFs is
 * larger than the default cap): the bound is max_output or the largest
 * reply. 0, or -1 when the client was dropped. */
static int
client_queue(struct server *s, struct client *c, const char *line, size_t len)
{
	size_t need = len + 1;

	if (c->out_off + c->out_len + need > s->ctl->max_output) {
		if (client_send(c) < 0) {
			client_kill(s, c);
			return -1;
		}
		if (c->out_off > 0) {
			memmove(c->out, c->out + c->out_off, c->out_len);
			c->out_off = 0;
		}
	}
	if (c->out_len > 0 && c->out_len + need > s->ctl->max_output) {
		CTL_LOG(NOTICE, "client pid %d: %zu bytes of replies unread, dropped",
			(int)c->peer.pid, c->out_len);
		cnt_add(&s->ctl->cnt.overflowed, 1);
		client_kill(s, c);
		return -1;
	}
	if (c->out_off + c->out_len + need > c->out_cap) {
		size_t cap = c->out_cap * 2;
		char *nb;

		if (c->out_off > 0) {
			memmove(c->out, c->out + c->out_off, c->out_len);
			c->out_off = 0;
		}
		while (cap < c->out_len + need)
			cap *= 2;
		if (cap > s->ctl->max_output)
			cap = RTE_MAX(s->ctl->max_output, c->out_len + need);
		nb = realloc(c->out, cap);
		if (nb == NULL) {
			client_kill(s, c);
			return -1;
		}
		c->out = nb;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_off + c->out_len, line, len);
	c->out[c->out_off + c->out_len + len] = '\n';
	c->out_len += need;
	return 0;
}

/* Write what can be written now. 0, or -1 when the client was closed. */
static int
client_flush(struct server *s, struct client *c)
{
	if (client_send(c) < 0) {
		client_kill(s, c);
		return -1;
	}
	if (c->out_len == 0 && c->state == CLIENT_CLOSING) {
		client_kill(s, c);
		return -1;
	}
	client_arm(s, c);
	return 0;
}

static int
client_reply_error(struct server *s, struct client *c, int code, const char *msg)
{
	json_t *r = json_pack("{s:s, s:n, s:{s:i, s:s}}", "jsonrpc", "2.0", "id",
			      "error", "code", code, "message", msg);
	char *line = r != NULL ? json_dumps(r, JSON_COMPACT) : NULL;
	int rc = -1;

	if (line != NULL)
		rc = client_queue(s, c, line, strlen(line));
	else
		client_kill(s, c);
	free(line);
	json_decref(r);
	return rc;
}

struct feed_ctx {
	struct server *s;
	struct client *c;
};

static int
on_line(void *arg, enum linebuf_event ev, char *line, size_t len)
{
	struct feed_ctx *f = arg;
	struct server *s = f->s;
	struct client *c = f->c;
	char msg[128];
	char *reply;
	size_t i;
	int rc;

	switch (ev) {
	case LINEBUF_OVERSIZE:
		cnt_add(&s->ctl->cnt.oversized, 1);
		snprintf(msg, sizeof(msg),
			 "request line longer than %zu bytes; send one JSON-RPC "
			 "request of at most %zu bytes per line",
			 s->ctl->max_request, s->ctl->max_request);
		c->state = CLIENT_DISCARDING;
		return client_reply_error(s, c, FEX_CTL_E_REQUEST, msg);
	case LINEBUF_OVERSIZE_END:
		c->state = CLIENT_CLOSING;
		return 1;	/* stop reading: close once the reply is out */
	case LINEBUF_LINE:
		break;
	}
	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			break;
	if (i == len)
		return 0;	/* blank line */
	cnt_add(&s->ctl->cnt.requests, 1);
	reply = fex_ctl_call_line(s->ctl, line, len, &c->peer);
	if (reply == NULL) {
		client_kill(s, c);
		return -1;
	}
	rc = client_queue(s, c, reply, strlen(reply));
	free(reply);
	return rc;
}

/* Read one chunk (fairness: one per wake-up) and serve its lines. */
static void
client_read(struct server *s, struct client *c)
{
	struct feed_ctx f = { .s = s, .c = c };
	ssize_t r;
	int rc;

	do {
		r = recv(c->fd, s->scratch, sizeof(s->scratch), MSG_DONTWAIT);
	} while (r < 0 && errno == EINTR);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (r < 0) {
		client_kill(s, c);
		return;
	}
	c->last_ms = now_ms();
	if (r == 0) {
		/* Half-closed: serve an unterminated last line, send the
		 * replies, then close. */
		c->eof = true;
		if (c->state == CLIENT_OPEN && c->in.len > 0) {
			rc = on_line(&f, LINEBUF_LINE, c->in.buf, c->in.len);
			c->in.len = 0;
			if (rc < 0 || c->dead)
				return;
		}
		c->state = CLIENT_CLOSING;
		client_flush(s, c);
		return;
	}
	if (c->state == CLIENT_CLOSING)
		return;		/* input after the end is ignored */
	rc = linebuf_feed(&c->in, s->scratch, (size_t)r, on_line, &f);
	if (rc < 0 || c->dead)
		return;
	if (c->state == CLIENT_DISCARDING && c->in.discarded > DISCARD_MAX) {
		client_kill(s, c);
		return;
	}
	client_flush(s, c);
}

static void
accept_clients(struct server *s)
{
	struct fex_ctl *ctl = s->ctl;
	int i;

	for (i = 0; i < ACCEPT_BURST; i++) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
		struct ucred cred;
		socklen_t clen = sizeof(cred);
		struct client *c;
		int fd;

		fd = accept4(ctl->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				/* Level-triggered: stop listening for a while
				 * instead of spinning on the pending connection. */
				struct epoll_event off = { .events = 0,
							   .data.ptr = &ctl->listen_fd };

				CTL_LOG(WARNING, "accept: %s; not accepting for %d ms",
					strerror(errno), SWEEP_MS);
				epoll_ctl(ctl->epoll_fd, EPOLL_CTL_MOD, ctl->listen_fd, &off);
				s->accept_paused = true;
			}
			return;
		}
		if (s->nb_clients >= ctl->max_clients) {
			char line[160];
			int n = snprintf(line, sizeof(line),
				"{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":%d,"
				"\"message\":\"too many clients (limit %u); try again later\"}}\n",
				FEX_CTL_E_RESOURCES, ctl->max_clients);

			if (send(fd, line, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
				CTL_LOG(DEBUG, "refusing client: %s", strerror(errno));
			close(fd);
			cnt_add(&ctl->cnt.refused, 1);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (c == NULL || linebuf_init(&c->in, ctl->max_request) < 0 ||
		    (c->out = malloc(OUT_INITIAL)) == NULL) {
			if (c != NULL)
				linebuf_free(&c->in);
			free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->out_cap = OUT_INITIAL;
		c->last_ms = now_ms();
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0) {
			c->peer.pid = cred.pid;
			c->peer.uid = cred.uid;
			c->peer.gid = cred.gid;
			c->peer.may_change = cred.uid == 0 ||
				(ctl->have_group &&
				 uid_in_group(cred.uid, cred.gid, ctl->group));
		} else {
			c->peer.uid = (uid_t)-1;
			c->peer.gid = (gid_t)-1;
		}
		ev.data.ptr = c;
		c->events = ev.events;
		if (epoll_ctl(ctl->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			linebuf_free(&c->in);
			free(c->out);
			free(c);
			close(fd);
			continue;
		}
		TAILQ_INSERT_TAIL(&s->clients, c, next);
		s->nb_clients++;
		__atomic_store_n(&ctl->cnt.clients, s->nb_clients, __ATOMIC_RELAXED);
		cnt_add(&ctl->cnt.accepted, 1);
	}
}

static void
sweep_idle(struct server *s, uint64_t now)
{
	struct client *c, *tmp;

	for (c = TAILQ_FIRST(&s->clients); c != NULL; c = tmp) {
		tmp = TAILQ_NEXT(c, next);
		if (now - c->last_ms >= s->ctl->idle_ms) {
			cnt_add(&s->ctl->cnt.timed_out, 1);
			client_kill(s, c);
		}
	}
}

void *
ctl_server_main(void *arg)
{
	struct fex_ctl *ctl = arg;
	struct server *s;
	struct epoll_event evs[EVENTS_MAX];
	uint64_t next_sweep = now_ms() + SWEEP_MS;
	struct client *c;

	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		CTL_LOG(ERR, "control thread: out of memory");
		return NULL;
	}
	s->ctl = ctl;
	TAILQ_INIT(&s->clients);
	TAILQ_INIT(&s->dead);

	for (;;) {
		int n, i;
		uint64_t now;

		n = epoll_wait(ctl->epoll_fd, evs, EVENTS_MAX, SWEEP_MS);
		if (n < 0 && errno != EINTR) {
			CTL_LOG(ERR, "epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;

			if (p == &ctl->stop_fd)
				goto out;
			if (p == &ctl->listen_fd) {
				accept_clients(s);
				continue;
			}
			if (p >= (void *)ctl->sources &&
			    p < (void *)(ctl->sources + ctl->nb_sources)) {
				struct ctl_source *src = p;

				src->ready(src->arg);
				continue;
			}
			c = p;
			if (c->dead)
				continue;
			if (evs[i].events & EPOLLOUT)
				if (client_flush(s, c) < 0)
					continue;
			if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
				client_read(s, c);
		}
		reap(s);
		now = now_ms();
		if (now >= next_sweep) {
			sweep_idle(s, now);
			reap(s);
			if (ctl->hooks.tick != NULL)
				ctl->hooks.tick(ctl->hooks.ctx);
			if (s->accept_paused) {
				struct epoll_event on = { .events = EPOLLIN,
							  .data.ptr = &ctl->listen_fd };

				epoll_ctl(ctl->epoll_fd, EPOLL_CTL_MOD, ctl->listen_fd, &on);
				s->accept_paused = false;
			}
			next_sweep = now + SWEEP_MS;
		}
	}
out:
	while ((c = TAILQ_FIRST(&s->clients)) != NULL)
		client_kill(s, c);
	reap(s);
	free(s);
	return NULL;
}
