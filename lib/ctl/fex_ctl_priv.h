/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the files of lib/ctl (and its tests); not installed. */
#ifndef FEX_CTL_PRIV_H
#define FEX_CTL_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_log.h>

#include "fex_ctl.h"

extern int fex_logtype_ctl;
#define CTL_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, fex_logtype_ctl, "ctl: " fmt "\n", ##__VA_ARGS__)

/* ---- framing (fex_ctl_server.c): newline-delimited, size-capped lines ---- */

enum linebuf_event {
	LINEBUF_LINE,		/* a complete line (without '\n', '\r' trimmed) */
	LINEBUF_OVERSIZE,	/* the line exceeds the cap: discarding it */
	LINEBUF_OVERSIZE_END,	/* the '\n' ending the discarded line was seen */
};

struct linebuf {
	char *buf;		/* cap bytes */
	size_t len;
	size_t cap;		/* longest line accepted, without '\n' */
	bool discarding;	/* inside an oversized line */
	uint64_t discarded;	/* bytes dropped from it so far */
};

typedef int (*linebuf_cb)(void *arg, enum linebuf_event ev, char *line, size_t len);

int linebuf_init(struct linebuf *lb, size_t cap);
void linebuf_free(struct linebuf *lb);
/* Feed n bytes; cb is called for each event in order. Stops and returns
 * cb's value if cb returns non-zero; else 0. Never holds more than cap
 * bytes: the rest of an oversized line is dropped as it comes. */
int linebuf_feed(struct linebuf *lb, const char *data, size_t n,
		 linebuf_cb cb, void *arg);

/* ---- methods and requests ---- */

struct ctl_method {
	struct fex_ctl_method m;
	char *name;
	char *usage;
};

/* Ports one change may open and release (a VIF request: one of each). */
#define CTL_CHANGE_PORTS	4

struct fex_ctl {
	struct fex_vif_db *db;
	struct fex_ctl_hooks hooks;
	char path[108];
	char *state_path;
	bool have_group;
	gid_t group;
	unsigned int idle_ms;
	size_t max_request;
	size_t max_output;
	unsigned int max_clients;

	struct ctl_method *methods;
	unsigned int nb_methods;

	/* the change being served (ctl_change_begin() .. commit/abort) */
	bool changing;
	uint16_t opened[CTL_CHANGE_PORTS];	/* closed unless committed */
	unsigned int nb_opened;
	uint16_t released[CTL_CHANGE_PORTS];	/* closed once committed */
	unsigned int nb_released;

	/* a shared store (fex_ctl_set_store()) and extra fds of the thread */
	struct fex_ctl_store store;
	struct ctl_source {
		int fd;
		void (*ready)(void *arg);
		void *arg;
	} sources[FEX_CTL_SOURCES_MAX];
	unsigned int nb_sources;

	/* server */
	int listen_fd;
	int stop_fd;		/* eventfd */
	int epoll_fd;
	pthread_t thread;
	bool running;
	struct fex_ctl_counters cnt;	/* updated with __atomic builtins */
};

/* ---- the server thread (fex_ctl_server.c) ---- */

/* The control thread (rte_ctrl_thread_create() arg: the struct fex_ctl,
 * its listen_fd, stop_fd and epoll_fd set up by fex_ctl_start()): serves
 * clients until stop_fd is signalled, then closes them and returns NULL. */
void *ctl_server_main(void *arg);

/* ---- changes (fex_rpc.c): save, then publish ----
 *
 * A change (one FEX_CTL_MUTATES request) runs inside a lib/vif
 * transaction: its table edits are staged, the state document is built
 * from the staged view and saved, and only then are they published.
 * What is not a table edit is listed: a port opened for the change is
 * closed again if the change is not published; a port the change stops
 * using is closed once it is. Control thread only. */

/* Open a change. 0, or -EBUSY while one is open (no nesting). */
int ctl_change_begin(struct fex_ctl *ctl);
/* Save the staged state; then publish it and close the released ports
 * (0), or, if the save failed, drop it and close the opened ports
 * (-errno, why says what went wrong). */
int ctl_change_commit(struct fex_ctl *ctl, char *why, size_t len);
/* Drop the staged change and close the opened ports. */
void ctl_change_abort(struct fex_ctl *ctl);
/* port_id was opened for the change. Outside a change: nothing (the
 * port stays). 0, or -ENOSPC (the caller closes the port and fails). */
int ctl_port_opened(struct fex_ctl *ctl, uint16_t port_id);
/* The change stops using port_id. Outside a change the port is closed
 * now. 0, or -ENOSPC (the caller fails). */
int ctl_port_released(struct fex_ctl *ctl, uint16_t port_id);
/* The same for a request or typed call named what, errors in err:
 * start: 0, or -1 (a change is open already); end: publish if ok and
 * the state is saved (0), else drop the change (-1; a refused save
 * fills err with FEX_CTL_E_SAVE). */
int ctl_change_start(struct fex_ctl *ctl, const char *what,
		     struct fex_ctl_err *err);
int ctl_change_end(struct fex_ctl *ctl, const char *what, bool ok,
		   struct fex_ctl_err *err);
/* Close a port through the hook now (errors logged). */
void ctl_port_detach(struct fex_ctl *ctl, uint16_t port_id);

/* ---- methods: fex_ctl_methods.c (shared, ports, stats, registry) and
 * one file per object (fex_ctl_profile.c, fex_ctl_vif.c,
 * fex_ctl_viflist.c). Control thread only. ---- */

#define CTL_MSG_LEN	384	/* lib/vif error messages */

/* Register every built-in method (SPEC §5), in the order listed. */
int ctl_register_builtin(struct fex_ctl *ctl);
/* Register n methods of tab. 0 or the first fex_ctl_register() error. */
int ctl_register_table(struct fex_ctl *ctl, const struct fex_ctl_method *tab,
		       unsigned int n);
int ctl_profile_register(struct fex_ctl *ctl);
int ctl_vif_register(struct fex_ctl *ctl);
int ctl_viflist_register(struct fex_ctl *ctl);
/* Fill err for lib/vif return code rc (message msg, or strerror) with
 * the JSON-RPC code and, for VDP methods, the SPEC §2 response. -1. */
int ctl_vif_error(struct fex_ctl_err *err, int rc, const char *field,
		  const char *msg, bool vdp);
/* The SPEC §2 response of an error that has only a JSON-RPC code. */
const char *ctl_code_response(int code);
/* err = "out of memory". -1. */
int ctl_no_memory(struct fex_ctl_err *err);
struct fex_profile;
/* A profile as profile.get returns it (without "vifs"); NULL on ENOMEM. */
json_t *ctl_profile_json(const struct fex_profile *p);

/* One object kind of the state document (fex_state.c puts them
 * together): the array as saved (NULL on ENOMEM), and one element
 * re-created with the parser and action of its method (0, or -1 with
 * err). */
json_t *ctl_profile_dump(struct fex_ctl *ctl);
int ctl_profile_restore(struct fex_ctl *ctl, const json_t *e,
			struct fex_ctl_err *err);
json_t *ctl_vif_dump(struct fex_ctl *ctl);
int ctl_vif_restore(struct fex_ctl *ctl, const json_t *e,
		    struct fex_ctl_err *err);
json_t *ctl_viflist_dump(struct fex_ctl *ctl);
int ctl_viflist_restore(struct fex_ctl *ctl, const json_t *e,
			struct fex_ctl_err *err);

/* Find a method by name; NULL if none. */
const struct fex_ctl_method *ctl_method_find(const struct fex_ctl *ctl,
					     const char *name);

/* Re-create what a state document holds (fex_state.c): the same
 * parse and action functions as the methods. */
int ctl_apply_state(struct fex_ctl *ctl, json_t *doc, const char *file,
		    char *err, size_t errlen);
/* Build the state document from the tables as the writer sees them
 * (fex_state.c; inside a change: the staged view). */
json_t *ctl_dump_state(struct fex_ctl *ctl);

/* ---- persistence (fex_state.c) ---- */

/* Write doc to path atomically: temp file in the same directory, fsync,
 * rename, fsync of the directory. 0 or -errno with err; on failure the
 * old file is untouched and no temp file is left. */
int fex_state_write(const char *path, const json_t *doc, char *err, size_t errlen);
/* Read path. *doc = NULL and 0 if it does not exist; -EINVAL with err
 * naming the file, the line/column and the problem if it is corrupt. */
int fex_state_read(const char *path, json_t **doc, char *err, size_t errlen);

/* ---- params (fex_ctl_params.c): each fills err naming the field ---- */

/* Refuse fields not in allowed (NULL-terminated). params may be NULL. */
int param_only(const json_t *params, const char *const *allowed,
	       struct fex_ctl_err *err);
/* An integer in [min, max]. Returns 1 if absent and !required (out
 * untouched), 0 if set, -1 on error. */
int param_uint(const json_t *params, const char *name, bool required,
	       uint64_t min, uint64_t max, const char *what,
	       uint64_t *out, struct fex_ctl_err *err);
/* A string of 1..maxlen characters (0..maxlen if allow_empty). */
int param_str(const json_t *params, const char *name, bool required,
	      size_t maxlen, bool allow_empty, const char **out,
	      struct fex_ctl_err *err);
/* One of values (NULL-terminated); *out is its index. */
int param_enum(const json_t *params, const char *name, bool required,
	       const char *const *values, unsigned int *out,
	       struct fex_ctl_err *err);
int param_bool(const json_t *params, const char *name, bool required,
	       bool *out, struct fex_ctl_err *err);
/* An array of distinct integers in [min, max], at most maxn; *n set. */
int param_uint_list(const json_t *params, const char *name, bool required,
		    uint64_t min, uint64_t max, const char *what,
		    uint16_t *out, unsigned int maxn, unsigned int *n,
		    struct fex_ctl_err *err);
/* A name: 1..31 of [A-Za-z0-9._-]. */
int param_name(const json_t *params, const char *name, bool required,
	       const char **out, struct fex_ctl_err *err);
/* A MAC "02:00:00:00:00:0a" (unicast, not zero). */
int param_mac(const json_t *params, const char *name, bool required,
	      uint8_t mac[6], struct fex_ctl_err *err);
/* "cluster": absent or "default". */
int param_cluster(const json_t *params, struct fex_ctl_err *err);
/* The list "a, b, c" of a NULL-terminated array, for messages. */
const char *param_allowed(const char *const *values, char *buf, size_t len);

#endif
