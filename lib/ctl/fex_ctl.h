/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fexpath control: a JSON-RPC 2.0 server on a unix stream socket, the
 * method registry, and the persistence of what the methods change.
 *
 * Wire format: one JSON-RPC 2.0 request object per line ('\n'), one
 * response object per line, in request order per connection. Every
 * request needs an "id" (string, integer or null); notifications and
 * batches are refused with -32600.
 *
 * Methods (SPEC §5; "?" = optional; every method also takes "cluster"?,
 * which must be "default"; unknown fields are refused):
 *   profile.set     {name, <SPEC §2 profile fields>?}  -> the profile + "created"
 *                   creates, or changes only the given fields; "cos": null
 *                   = leave the PCP as is
 *   profile.get     {name}        -> the profile + "vifs" (count)
 *   profile.list    {}            -> [profile + "vifs", ...]
 *   profile.delete  {name}        -> {name, deleted}; -32004 while VIFs use it
 *   vif.preassociate, vif.associate
 *                   {vif, port, mac, profile, instance_uuid}
 *                   -> {vif, state, port, port_id, mac, profile,
 *                       instance_uuid, response: "success"}
 *   vif.disassociate {vif}        -> {vif, state: "none", port, previous, response}
 *   vif.list        {}            -> [vif, ...]
 *   vif.stats       {vif?}        -> {vif, state, rx_packets, ...} or [...]
 *   viflist.set     {id, vifs}    -> {id, vifs}
 *   viflist.get     {id}          -> {id, vifs}
 *   viflist.list    {}            -> [{id, vifs}, ...]
 *   viflist.delete  {id}          -> {id, deleted}
 *   port.list       {}            -> hooks.port_list() + "vif" per vNIC port
 *   stats           {}            -> hooks.stats() + "control": server figures
 *   cluster.list    {}            -> ["default"]
 * (cluster.status is lib/cluster's: it registers it, and on a clustered
 * host puts the cluster's store in front of the changing methods, see
 * fex_ctl_set_store().)
 *
 * Use (application): fex_ctl_create() with the lib/vif database and the
 * port hooks, fex_ctl_restore() (before the workers forward, or after:
 * both are fine), fex_ctl_start(); at exit fex_ctl_destroy() (the state
 * is already saved: every acknowledged change was saved before its reply).
 *
 * Threads: the server runs on one control thread (rte_ctrl_thread_create,
 * never an lcore). That thread is the only caller of the lib/vif writer
 * functions and of the port hooks while the server runs. Before
 * fex_ctl_start() and after fex_ctl_stop() the caller's thread may use
 * fex_ctl_restore(), fex_ctl_call() and fex_ctl_save() instead; never two
 * threads at once.
 */
#ifndef FEX_CTL_H
#define FEX_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#define FEX_CTL_DEFAULT_PATH		"/run/fexpath/control.sock"
#define FEX_CTL_DEFAULT_MAX_REQUEST	(64 * 1024)	/* bytes per line */
#define FEX_CTL_DEFAULT_MAX_OUTPUT	(1024 * 1024)	/* unread replies per client */
#define FEX_CTL_DEFAULT_IDLE_MS		30000
#define FEX_CTL_DEFAULT_MAX_CLIENTS	512
#define FEX_CTL_TICK_MS			250		/* hooks.tick period */

/*
 * JSON-RPC error codes. The first five are JSON-RPC 2.0's own; the
 * others are fexpath's. Every error has a message naming the field and
 * the allowed values, and data {"field": ...} when one field is at fault.
 * Errors of vif.preassociate/associate/disassociate also carry
 * data {"response": "invalid"|"bad-state"|"insufficient-resources"|"error"}
 * (SPEC §2 response names); their results carry {"response": "success"}.
 */
enum fex_ctl_code {
	FEX_CTL_E_PARSE		= -32700, /* not JSON */
	FEX_CTL_E_REQUEST	= -32600, /* not a JSON-RPC 2.0 request; line too long */
	FEX_CTL_E_METHOD	= -32601, /* no such method */
	FEX_CTL_E_PARAMS	= -32602, /* missing/unknown field, wrong type, out of range */
	FEX_CTL_E_INTERNAL	= -32603, /* out of memory, a bug */
	FEX_CTL_E_FAILED	= -32000, /* the action failed: a port did not open, ... */
	FEX_CTL_E_NOT_FOUND	= -32001, /* no such profile / VIF / VIF list / cluster */
	FEX_CTL_E_BAD_STATE	= -32002, /* not allowed in the object's current state */
	FEX_CTL_E_RESOURCES	= -32003, /* a table or max_ports is full; too many clients */
	FEX_CTL_E_IN_USE	= -32004, /* still used (profile by VIFs, port by a VIF) */
	FEX_CTL_E_PERMISSION	= -32005, /* changing method, peer not root nor in the group */
	FEX_CTL_E_SAVE		= -32006, /* state file not written: change not published */
};

/*
 * What the control library needs from the application's port layer.
 * The library never opens a port itself: attaching one also means giving
 * it to a worker lcore, which only the application knows how to do.
 * Every hook is called on the control thread (or on the thread calling
 * fex_ctl_restore()); it may block briefly (port start) but must not wait
 * on the control thread. Any hook may be NULL: methods that need it then
 * fail with FEX_CTL_E_FAILED ("no port layer"), port.list returns [] and
 * stats returns {}.
 */
struct fex_ctl_hooks {
	/* Open the vNIC port named by spec (SPEC §4 syntax), start it and
	 * give it to a worker. Returns 0 and sets *port_id, or -errno with a
	 * message for a person in err (e.g. "af_packet: no interface veth9"). */
	int (*port_attach)(void *ctx, const char *spec, uint16_t *port_id,
			   char *err, size_t errlen);
	/* Optional; used instead of port_attach when set: the same, but told
	 * the name of the VIF's profile, so that the application can give
	 * the VIF more than the named port (a VF of its own when the profile
	 * says io_performance: high). */
	int (*port_attach_vif)(void *ctx, const char *spec, const char *profile,
			       uint16_t *port_id, char *err, size_t errlen);
	/* Take port_id from its worker, stop and close it. 0 or -errno. */
	int (*port_detach)(void *ctx, uint16_t port_id);
	/* All ports, a new reference to an array of objects; each should have
	 * "port_id" and "spec" (the library adds "vif" to vNIC ports it
	 * attached). NULL on error. */
	json_t *(*port_list)(void *ctx);
	/* Data-path figures, a new reference to an object, e.g.
	 * {"uplinks": [{"port_id": 0, "drop_unknown_vif": 0,
	 *   "drop_malformed": 0, "drop_direction": 0, ...}], ...}. */
	json_t *(*stats)(void *ctx);
	/* Called on the control thread every FEX_CTL_TICK_MS (about) while
	 * the server runs, for state that has no event of its own (the
	 * application polls the uplink link state here and calls
	 * fex_vif_uplink_set(), a writer action, on a change). Must return
	 * quickly: requests wait meanwhile. */
	void (*tick)(void *ctx);
	void *ctx;
};

struct fex_vif_db;

struct fex_ctl_conf {
	struct fex_vif_db *db;		/* lib/vif tables the methods act on */
	const char *path;		/* socket; NULL = FEX_CTL_DEFAULT_PATH */
	const char *group;		/* group (name or gid) owning the socket whose
					 * members may change things; NULL or "" =
					 * root only */
	const char *state_path;		/* NULL = no persistence */
	unsigned int idle_ms;		/* idle client timeout; 0 = default */
	size_t max_request;		/* 0 = default */
	size_t max_output;		/* 0 = default */
	unsigned int max_clients;	/* 0 = default */
	struct fex_ctl_hooks hooks;
};

/* Who sent a request. uid/gid from SO_PEERCRED for socket clients. */
struct fex_ctl_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	bool may_change;		/* root, or member of the control group */
};

/* An error being built by a handler: code, message, optional field. */
struct fex_ctl_err {
	int code;			/* enum fex_ctl_code */
	char field[64];			/* "" = not about one field */
	char response[24];		/* SPEC §2 name; "" = derived from code */
	char message[512];
};

struct fex_ctl;

/*
 * A method: registered once, by name. The handler parses params, calls
 * the action function, and sets *result (a new reference) or fills err
 * and returns -1. A FEX_CTL_MUTATES method runs inside a lib/vif
 * transaction (fex_vif_db_begin()): what its handler changes in the
 * tables is saved first and published to the workers only once the
 * state file is written; if the handler fails or the save is refused
 * (FEX_CTL_E_SAVE), the workers never see any of it.
 */
enum {
	FEX_CTL_MUTATES		= 1 << 0, /* root or the group only; state saved after */
	FEX_CTL_VDP		= 1 << 1, /* replies carry SPEC §2 "response" names */
};

struct fex_ctl_method {
	const char *name;		/* "profile.set" */
	const char *usage;		/* params, one line: "{name, vlans?, ...}" */
	unsigned int flags;
	int (*handler)(struct fex_ctl *ctl, json_t *params, json_t **result,
		       struct fex_ctl_err *err);
};

/* Create the control object and register the built-in methods (SPEC §5).
 * Nothing is listening yet. NULL with a message in err on failure. */
struct fex_ctl *fex_ctl_create(const struct fex_ctl_conf *conf,
			       char *err, size_t errlen);

/* Add a method (copied; name must be new). 0, -EEXIST, -ENOMEM. */
int fex_ctl_register(struct fex_ctl *ctl, const struct fex_ctl_method *m);

/* Load conf->state_path and re-create its profiles, then its VIFs (ports
 * re-attached through the hook), then its VIF lists. A missing file is
 * an empty state. 0, or -errno with err naming the file and the problem
 * (what was restored before the problem stays). Call before start. */
int fex_ctl_restore(struct fex_ctl *ctl, char *err, size_t errlen);

/* Bind the socket (creating its directory, mode 0660, group conf->group),
 * and start the control thread. 0 or -errno with a message in err. */
int fex_ctl_start(struct fex_ctl *ctl, char *err, size_t errlen);

/* Stop the thread, close every client, close and unlink the socket.
 * Safe to call when not started. */
void fex_ctl_stop(struct fex_ctl *ctl);

/* Stop, then free. Ports and VIFs stay as they are (the application
 * closes its ports; the state file keeps what to restore). */
void fex_ctl_destroy(struct fex_ctl *ctl);

/* Serve one request in-process. Returns the response object (a new
 * reference). peer NULL = trusted (in-process caller). */
json_t *fex_ctl_call(struct fex_ctl *ctl, json_t *request,
		     const struct fex_ctl_peer *peer);

/* The same for one request line (as read from the socket, without the
 * '\n'); returns the response line, malloc'd, without '\n'. */
char *fex_ctl_call_line(struct fex_ctl *ctl, const char *line, size_t len,
			const struct fex_ctl_peer *peer);

/*
 * Typed calls for the process itself (start-up config, --stats-json):
 * the action functions the methods call, without JSON-RPC. Same thread
 * rules as fex_ctl_call(); must not be called from a method's handler.
 *
 * Changes: each call is one change, as one FEX_CTL_MUTATES request:
 * saved, then published (a refused save: err->code FEX_CTL_E_SAVE and
 * nothing published). 0, or -1 with err (code, field, message; the
 * same checks and messages as the method).
 *   fex_ctl_profile_set:   profile.set with every field given (*p
 *                          complete: start from fex_profile_get() or
 *                          fex_profile_defaults()); cluster "default"
 *   fex_ctl_vif_associate: vif.associate; a->port_spec is opened
 *                          through the hook unless the VIF has it
 *                          (a->port_id is ignored); *info (may be NULL)
 *                          is the VIF as it is afterwards
 *   fex_ctl_viflist_set:   viflist.set
 * Reads: the results of stats, port.list and vif.stats {} (a new
 * reference), or NULL with err.
 */
struct fex_profile;
struct fex_vif_assoc;
struct fex_vif_info;
int fex_ctl_profile_set(struct fex_ctl *ctl, const struct fex_profile *p,
			struct fex_ctl_err *err);
/* profile.delete: refused while VIFs use it (FEX_CTL_E_IN_USE). */
int fex_ctl_profile_delete(struct fex_ctl *ctl, const char *name,
			   struct fex_ctl_err *err);
/* viflist.delete. */
int fex_ctl_viflist_delete(struct fex_ctl *ctl, uint16_t id,
			   struct fex_ctl_err *err);
int fex_ctl_vif_associate(struct fex_ctl *ctl, const struct fex_vif_assoc *a,
			  struct fex_vif_info *info, struct fex_ctl_err *err);
int fex_ctl_viflist_set(struct fex_ctl *ctl, uint16_t id, const uint16_t *vifs,
			unsigned int n, struct fex_ctl_err *err);
json_t *fex_ctl_stats(struct fex_ctl *ctl, struct fex_ctl_err *err);
json_t *fex_ctl_port_list(struct fex_ctl *ctl, struct fex_ctl_err *err);
json_t *fex_ctl_vif_stats(struct fex_ctl *ctl, struct fex_ctl_err *err);

/* A profile's JSON object (profile.get's shape, without "vifs"), and
 * back: a whole object, every field it leaves out taking its default
 * (SPEC §9's stored profiles; "vifs" and "created" are ignored), checked
 * as profile.set checks it. from_json: 0, or -1 with err. MT safe. */
json_t *fex_ctl_profile_json(const struct fex_profile *p);
int fex_ctl_profile_from_json(const json_t *o, struct fex_profile *p,
			      struct fex_ctl_err *err);

/*
 * A shared store in front of the changing methods (lib/cluster: the
 * cluster's etcd, SPEC §9). Once set, a FEX_CTL_MUTATES request runs:
 *   before(method, params)          no change is open: it may use the
 *                                   typed calls (e.g. to bring what the
 *                                   request merges onto up to date); -1
 *                                   with err refuses the request
 *   the handler                     its table edits are staged
 *   write(method, params, result)   the store takes the change, or -1
 *                                   with err and it is dropped (nothing
 *                                   saved, nothing published)
 *   save, then publish              as without a store
 * Either hook may be NULL. The typed calls, fex_ctl_restore() and the
 * methods that change nothing do not go through the store: the typed
 * calls are how the store's own changes are applied. Both hooks run on
 * the control thread. Set before fex_ctl_start().
 */
struct fex_ctl_store {
	int (*before)(void *ctx, const char *method, const json_t *params,
		      struct fex_ctl_err *err);
	int (*write)(void *ctx, const char *method, const json_t *params,
		     const json_t *result, struct fex_ctl_err *err);
	/* Optional: vif.[pre]associate without "vif" (SPEC §8) on a host of a
	 * cluster, when this host has no VIF of that instance UUID + MAC:
	 * the id the store holds for them (a live migration's destination
	 * takes the source's id), or 0 after setting taken[id] (an array of
	 * FEX_VIF_MAX + 1) for every id the store names, which the lowest-
	 * free pick then skips. -1 with err refuses the request. */
	int (*vif_pick)(void *ctx, const char *instance_uuid,
			const uint8_t mac[6], uint8_t *taken,
			struct fex_ctl_err *err);
	void *ctx;
};
void fex_ctl_set_store(struct fex_ctl *ctl, const struct fex_ctl_store *store);

/* Have the control thread watch fd (EPOLLIN, level-triggered): ready(arg)
 * runs on the control thread, between requests, whenever fd is readable;
 * it may use the typed calls and must drain fd. Before fex_ctl_start().
 * 0, or -ENOSPC (FEX_CTL_SOURCES_MAX), -EBUSY (already started). */
#define FEX_CTL_SOURCES_MAX	4
int fex_ctl_add_source(struct fex_ctl *ctl, int fd, void (*ready)(void *arg),
		       void *arg);

/* The state as saved: {"version":1,"profiles":[...],"vifs":[...],
 * "viflists":[...]}; a new reference. */
json_t *fex_ctl_state_dump(struct fex_ctl *ctl);

/* Save the state now (atomically), as the writer sees it (inside a
 * change: the staged view). 0, or -errno with a message in err; 0
 * without writing anything when there is no state_path. */
int fex_ctl_save(struct fex_ctl *ctl, char *err, size_t errlen);

/* For handlers (see struct fex_ctl_method). */
const struct fex_ctl_hooks *fex_ctl_hooks(const struct fex_ctl *ctl);
void fex_ctl_err_set(struct fex_ctl_err *err, int code, const char *field,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Server figures, for tests and the stats method. */
struct fex_ctl_counters {
	uint64_t accepted;		/* connections accepted */
	uint64_t refused;		/* over max_clients */
	uint64_t requests;		/* lines served */
	uint64_t oversized;		/* lines over max_request */
	uint64_t timed_out;		/* idle clients closed */
	uint64_t overflowed;		/* clients dropped: replies not read */
	unsigned int clients;		/* connected now */
};
void fex_ctl_counters(const struct fex_ctl *ctl, struct fex_ctl_counters *out);

#endif
