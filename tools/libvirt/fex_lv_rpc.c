/* SPDX-License-Identifier: BSD-3-Clause */
/* A client of fexpath's control socket: newline-delimited JSON-RPC 2.0
 * (SPEC §5), one request at a time, each bounded by timeout_s. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fex_lv.h"

#define REPLY_MAX	(16 << 20)

int
fex_lv_rpc_open(struct fex_lv_rpc *r, const char *path, unsigned int timeout_s,
		char *err, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->next_id = 1;
	r->timeout_s = timeout_s != 0 ? timeout_s : 30;
	snprintf(r->path, sizeof(r->path), "%s", path);
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, len, "fexpath's control socket path %s is too long", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	r->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (r->fd < 0 || connect(r->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		snprintf(err, len, "cannot reach fexpath at %s: %s%s", path, strerror(e),
			 e == ENOENT || e == ECONNREFUSED ? " (is fexpath running? its "
			 "--control socket is set in /etc/fexpath/libvirt.conf)" : "");
		if (r->fd >= 0)
			close(r->fd);
		r->fd = -1;
		return -1;
	}
	return 0;
}

void
fex_lv_rpc_close(struct fex_lv_rpc *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
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

/* One line of reply (malloc'd, without the newline), or NULL. */
static char *
recv_line(struct fex_lv_rpc *r, char *err, size_t len)
{
	long long deadline = now_ms() + (long long)r->timeout_s * 1000;
	size_t cap = 4096, used = 0;
	char *buf = malloc(cap), *nl;

	while (buf != NULL) {
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;
		int p;

		if (left <= 0) {
			snprintf(err, len, "fexpath at %s did not answer within %u s", r->path,
				 r->timeout_s);
			break;
		}
		p = poll(&pfd, 1, (int)left);
		if (p < 0 && errno == EINTR)
			continue;
		if (p <= 0)
			continue;
		if (used + 1 >= cap) {
			char *nb = cap < REPLY_MAX ? realloc(buf, cap * 2) : NULL;

			if (nb == NULL) {
				snprintf(err, len, "fexpath's reply is too long");
				break;
			}
			buf = nb;
			cap *= 2;
		}
		n = recv(r->fd, buf + used, cap - used - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, len, "fexpath at %s closed the connection", r->path);
			break;
		}
		used += (size_t)n;
		buf[used] = '\0';
		nl = strchr(buf, '\n');
		if (nl != NULL) {
			*nl = '\0';
			return buf;
		}
	}
	free(buf);
	return NULL;
}

json_t *
fex_lv_rpc_call(struct fex_lv_rpc *r, const char *method, json_t *params,
		int *code, char *err, size_t len)
{
	json_t *req, *resp, *res, *e;
	unsigned int id = r->next_id++;
	char *line, *reply;

	*code = 0;
	if (r->fd < 0) {
		json_decref(params);
		snprintf(err, len, "not connected to fexpath");
		return NULL;
	}
	req = json_pack("{s:s, s:i, s:s, s:o}", "jsonrpc", "2.0", "id", (int)id,
			"method", method, "params", params != NULL ? params : json_object());
	line = req != NULL ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (line == NULL) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	if (send_all(r->fd, line, strlen(line)) < 0 || send_all(r->fd, "\n", 1) < 0) {
		snprintf(err, len, "cannot send to fexpath at %s: %s", r->path, strerror(errno));
		free(line);
		fex_lv_rpc_close(r);
		return NULL;
	}
	free(line);
	reply = recv_line(r, err, len);
	if (reply == NULL) {
		fex_lv_rpc_close(r);
		return NULL;
	}
	resp = json_loads(reply, 0, NULL);
	free(reply);
	if (resp == NULL) {
		snprintf(err, len, "fexpath's reply is not JSON");
		fex_lv_rpc_close(r);
		return NULL;
	}
	e = json_object_get(resp, "error");
	if (e != NULL) {
		const char *msg = json_string_value(json_object_get(e, "message"));

		*code = (int)json_integer_value(json_object_get(e, "code"));
		if (*code == 0)
			*code = -1;
		snprintf(err, len, "%s", msg != NULL ? msg : "error without a message");
		json_decref(resp);
		return NULL;
	}
	res = json_object_get(resp, "result");
	json_incref(res);
	json_decref(resp);
	if (res == NULL)
		snprintf(err, len, "fexpath's reply has neither result nor error");
	return res;
}
