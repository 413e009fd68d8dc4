/* SPDX-License-Identifier: BSD-3-Clause */
/* fexpath's control-socket client; see fex_ctl_client.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <fex_fail.h>

#include "fex_ctl_client.h"

int
fex_ctl_client_open(struct fex_ctl_client *c, const char *path,
		    unsigned int timeout_ms, char *err, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int e;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->next_id = 1;
	c->timeout_ms = timeout_ms != 0 ? timeout_ms : 30000;
	if (strlen(path) >= sizeof(sa.sun_path) || strlen(path) >= sizeof(c->path))
		return fex_fail(-ENAMETOOLONG, err, len, "socket path %s is too long "
			    "(at most %zu bytes)", path, sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	memcpy(c->path, path, strlen(path) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return fex_fail(-errno, err, len, "socket: %s", strerror(errno));
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno;
		close(c->fd);
		c->fd = -1;
		return fex_fail(-e, err, len, "cannot connect to %s: %s", path, strerror(e));
	}
	return 0;
}

void
fex_ctl_client_close(struct fex_ctl_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
send_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read up to the first '\n': the buffer (malloc'd, NUL-terminated at
 * the newline) and 0, or -errno with err. */
static int
recv_line(struct fex_ctl_client *c, char **line, char *err, size_t len)
{
	long long deadline = now_ms() + c->timeout_ms;
	size_t cap = 0, used = 0;
	char *buf = NULL, *nl;
	int rc;

	for (;;) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;
		int p;

		if (left <= 0) {
			rc = fex_fail(-ETIMEDOUT, err, len, "no reply from %s within %u s",
				  c->path, (c->timeout_ms + 999) / 1000);
			break;
		}
		p = poll(&pfd, 1, (int)left);
		if (p <= 0)
			continue;	/* EINTR or the deadline: checked above */
		if (cap - used < 65536) {
			char *nb;

			if (cap >= FEX_CTL_CLIENT_REPLY_MAX) {
				rc = fex_fail(-EMSGSIZE, err, len, "reply larger than %u bytes",
					  FEX_CTL_CLIENT_REPLY_MAX);
				break;
			}
			cap = cap != 0 ? cap * 2 : 65536 * 2;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				rc = fex_fail(-ENOMEM, err, len, "out of memory");
				break;
			}
			buf = nb;
		}
		n = recv(c->fd, buf + used, cap - used - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = fex_fail(-ECONNRESET, err, len, "%s closed the connection before "
				  "replying%s%s", c->path, n < 0 ? ": " : "",
				  n < 0 ? strerror(errno) : "");
			break;
		}
		nl = memchr(buf + used, '\n', (size_t)n);
		used += (size_t)n;
		if (nl != NULL) {
			*nl = '\0';
			*line = buf;
			return 0;
		}
	}
	free(buf);
	return rc;
}

json_t *
fex_ctl_client_call(struct fex_ctl_client *c, const char *method, json_t *params,
		    int *rc, char *err, size_t len)
{
	json_t *req, *resp;
	json_error_t jerr;
	char *line = NULL;

	if (c->fd < 0) {
		*rc = fex_fail(-ENOTCONN, err, len, "not connected to fexpath");
		return NULL;
	}
	req = json_pack("{s:s, s:i, s:s}", "jsonrpc", "2.0", "id", (int)c->next_id++,
			"method", method);
	if (req != NULL && params != NULL && json_object_set(req, "params", params) < 0) {
		json_decref(req);
		req = NULL;
	}
	line = req != NULL ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (line == NULL) {
		*rc = fex_fail(-ENOMEM, err, len, "out of memory");
		return NULL;
	}
	if (send_all(c->fd, line, strlen(line)) < 0 || send_all(c->fd, "\n", 1) < 0) {
		*rc = fex_fail(-EPIPE, err, len, "cannot send to %s: %s", c->path,
			   strerror(errno));
		free(line);
		fex_ctl_client_close(c);
		return NULL;
	}
	free(line);
	line = NULL;
	*rc = recv_line(c, &line, err, len);
	if (*rc < 0) {
		fex_ctl_client_close(c);
		return NULL;
	}
	resp = json_loads(line, 0, &jerr);
	free(line);
	if (!json_is_object(resp)) {
		*rc = fex_fail(-EPROTO, err, len, "the reply from %s is not JSON-RPC: %s",
			   c->path, resp == NULL ? jerr.text : "not an object");
		json_decref(resp);
		fex_ctl_client_close(c);
		return NULL;
	}
	*rc = 0;
	return resp;
}
