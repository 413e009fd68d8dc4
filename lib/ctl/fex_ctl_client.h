/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A client of fexpath's control socket (SPEC §5: newline-delimited
 * JSON-RPC 2.0), for the programs that talk to it: fexctl and the libvirt
 * hook and agent. libc and jansson only (no DPDK), so it links anywhere.
 * One request at a time per connection, each reply bounded in time and
 * size; after a transport error the connection is closed (the stream is
 * out of step) and the caller opens another.
 */
#ifndef FEX_CTL_CLIENT_H
#define FEX_CTL_CLIENT_H

#include <stddef.h>

#include <jansson.h>

#define FEX_CTL_CLIENT_REPLY_MAX	(256u * 1024 * 1024)	/* bytes */

struct fex_ctl_client {
	int fd;				/* -1: not connected */
	unsigned int next_id;
	unsigned int timeout_ms;	/* per reply */
	char path[108];			/* sizeof(sun_path) */
};

/* Connect to path. 0, or -errno with a message in err: -ENAMETOOLONG,
 * or socket()'s / connect()'s errno (-ENOENT, -ECONNREFUSED: fexpath is
 * not running there; -EACCES: not root nor in the socket's group). */
int fex_ctl_client_open(struct fex_ctl_client *c, const char *path,
			unsigned int timeout_ms, char *err, size_t len);
void fex_ctl_client_close(struct fex_ctl_client *c);

/* Send {method, params} (params borrowed; NULL = none) and wait for the
 * reply line: the whole JSON-RPC response object (a new reference; it
 * holds "result" or "error"), or NULL with *rc and a message in err:
 * -ENOTCONN, -ENOMEM, -EPIPE (could not send), -ETIMEDOUT (no reply in
 * timeout_ms), -ECONNRESET (closed before replying), -EMSGSIZE (reply
 * over FEX_CTL_CLIENT_REPLY_MAX), -EPROTO (the reply is not a JSON
 * object). */
json_t *fex_ctl_client_call(struct fex_ctl_client *c, const char *method,
			    json_t *params, int *rc, char *err, size_t len);

#endif
