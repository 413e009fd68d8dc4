/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fex-libvirt: libvirt drives fexpath (SPEC §8). A domain's life becomes
 * the VIF requests of SPEC §2 on fexpath's control socket:
 *
 *   libvirt                              fex-libvirt             fexpath
 *   -----------------------------------  ----------------------  -----------------
 *   hook "prepare begin" (QEMU about to  hook: check the vNICs,  vif.preassociate
 *   start; also a migration's target)    refuse with a message   (port vhost:SOCK)
 *   hook "migrate begin" / "restore      hook: check only        profile.list
 *   begin" (incoming; XML filter)        (empty output: as is)
 *   event STARTED / RESUMED, any state   agent: sync             vif.associate
 *   where the guest runs
 *   hook "stopped end" / "release end",  hook, and agent: sync   vif.disassociate
 *   event STOPPED / CRASHED
 *
 * The hook runs inside libvirtd's start job: it must not call libvirt
 * (the domain is locked), only fexpath. The agent follows libvirt's
 * domain events and makes fexpath's VIFs match each domain's state
 * (level, not edge: a late or repeated event does no harm); on its start,
 * on every reconnection to libvirtd or fexpath and every reconcile_s it
 * does so for every domain, and disassociates the VIFs in vhost_dir that
 * no active domain has.
 *
 * Which vNICs: <interface type='vhostuser'> whose <source> socket is in
 * vhost_dir. Each needs a <fex:vnic xmlns:fex="urn:fexpath:vnic:1"
 * mac=... profileid=... [vif=...]/> in the domain's <metadata>. libvirt
 * keeps only the first element of each namespace directly under
 * <metadata>, so a domain with several vNICs wraps them in one element
 * of the namespace (<fex:vnics xmlns:fex="urn:fexpath:vnic:1">
 * <fex:vnic .../>...</fex:vnics>): every fex:vnic under <metadata>
 * counts.
 *
 * Errors: functions return 0 or -1 (or a count of problems) and write
 * messages a person can act on, naming the vNIC's MAC and the profile.
 */
#ifndef FEX_LV_H
#define FEX_LV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include <fex_ctl.h>	/* FEX_CTL_DEFAULT_PATH: fexpath's control socket */
#include <fex_ctl_client.h>

#define FEX_LV_NS		"urn:fexpath:vnic:1"
#define FEX_LV_CONF		"/etc/fexpath/libvirt.conf"
#define FEX_LV_VHOST_DIR	"/run/fexpath/vhost"
#define FEX_LV_URI		"qemu:///system"
#define FEX_LV_VNICS_MAX	64
#define FEX_LV_MAC_LEN		17
#define FEX_LV_UUID_LEN		36
#define FEX_LV_PROFILE_MAX	31
#define FEX_LV_PATH_MAX		200	/* "vhost:" + path within fexpath's port spec */
#define FEX_LV_MSG_MAX		4096

struct fex_lv_conf {
	char control[FEX_LV_PATH_MAX + 1];	/* fexpath's control socket */
	char vhost_dir[FEX_LV_PATH_MAX + 1];	/* where fexpath's vNIC sockets live */
	char uri[FEX_LV_PATH_MAX + 1];		/* libvirt connection (agent) */
	unsigned int reconcile_s;		/* agent: full pass every N s, 0 = only on (re)connect */
	unsigned int timeout_s;			/* one fexpath request at most */
};

/* Defaults, then FILE (key = value lines, '#' comments; a missing FILE
 * is no error when it is the default one). */
int fex_lv_conf_load(struct fex_lv_conf *c, const char *file, bool must_exist,
		     char *err, size_t len);

/* A vNIC of fexpath's: a vhostuser interface with its socket in vhost_dir. */
struct fex_lv_vnic {
	char mac[FEX_LV_MAC_LEN + 1];		/* lower case */
	char sock[FEX_LV_PATH_MAX + 1];
	bool server;				/* <source mode='server'> */
	bool has_meta;				/* a fex:vnic names this MAC */
	char profile[FEX_LV_PROFILE_MAX + 1];	/* its profileid */
	unsigned int vif;			/* its vif, 0 = fexpath picks */
};

struct fex_lv_domain {
	char name[256];
	char uuid[FEX_LV_UUID_LEN + 1];		/* lower case */
	unsigned int n_vnics;
	struct fex_lv_vnic vnic[FEX_LV_VNICS_MAX];
	unsigned int n_problems;		/* what stops it from starting */
	char problems[FEX_LV_MSG_MAX];		/* one line each */
};

/* Parse a domain XML (what hooks get on stdin, virDomainGetXMLDesc).
 * -1 (message in err): not a domain XML. 0: d filled in, d->problems
 * lists what is wrong with its vNICs and their metadata. */
int fex_lv_parse(const char *xml, size_t xml_len, const char *vhost_dir,
		 struct fex_lv_domain *d, char *err, size_t len);

/* ---------------------------------------------------------- fexpath */

/* One connection to fexpath's control socket (newline-delimited
 * JSON-RPC 2.0, lib/ctl's client); c.fd < 0 once it is lost. */
struct fex_lv_rpc {
	struct fex_ctl_client c;
};

int fex_lv_rpc_open(struct fex_lv_rpc *r, const char *path, unsigned int timeout_s,
		    char *err, size_t len);
void fex_lv_rpc_close(struct fex_lv_rpc *r);
/* Call method with params (a reference is taken). The result (new
 * reference), or NULL: *code is the JSON-RPC error code (0 when the
 * connection failed) and err the message. */
json_t *fex_lv_rpc_call(struct fex_lv_rpc *r, const char *method, json_t *params,
			int *code, char *err, size_t len);

/* -------------------------------------------------------- the actions */

/* Where messages go: the hook's stderr (libvirt shows it), the agent's
 * log. */
struct fex_lv_log {
	FILE *out;
	const char *prefix;
};
void fex_lv_say(const struct fex_lv_log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Every vNIC's profile exists in fexpath: 0, else the number of problems
 * (said). */
int fex_lv_check_profiles(struct fex_lv_rpc *r, const struct fex_lv_domain *d,
			  const struct fex_lv_log *log);
/* Before QEMU starts: the domain's stale VIFs go, each vNIC is
 * preassociated. 0, or -1 with every problem said and nothing of this
 * call's left behind. */
int fex_lv_preassociate(struct fex_lv_rpc *r, const struct fex_lv_domain *d,
			const char *vhost_dir, const struct fex_lv_log *log);
/* vNICs without a VIF are preassociated (a paused domain). */
int fex_lv_ensure(struct fex_lv_rpc *r, const struct fex_lv_domain *d,
		  const struct fex_lv_log *log);
/* The guest runs: every vNIC associated. */
int fex_lv_associate(struct fex_lv_rpc *r, const struct fex_lv_domain *d,
		     const struct fex_lv_log *log);
/* The domain stopped: every VIF of instance uuid with its port in
 * vhost_dir disassociated. Returns the number disassociated or -1. */
int fex_lv_disassociate(struct fex_lv_rpc *r, const char *uuid, const char *vhost_dir,
			const struct fex_lv_log *log);

/* What a domain's state asks of its VIFs. */
enum fex_lv_want {
	FEX_LV_WANT_NONE,		/* stopped, crashed, gone: disassociate */
	FEX_LV_WANT_PRESENT,		/* QEMU there, guest not running: at least preassociated */
	FEX_LV_WANT_ASSOCIATED,		/* the guest runs */
};
/* One domain: its VIFs made to match want. */
int fex_lv_sync(struct fex_lv_rpc *r, const struct fex_lv_domain *d, enum fex_lv_want want,
		const char *vhost_dir, const struct fex_lv_log *log);
/* fexpath's VIFs (vif.list), NULL with the message said. */
json_t *fex_lv_vif_list(struct fex_lv_rpc *r, const struct fex_lv_log *log);
/* The VIFs of vifs (a vif.list taken BEFORE the domains were listed: a
 * VIF made since belongs to a domain that list has) with their port in
 * vhost_dir and their instance not in uuids[0..n) (the active domains):
 * disassociated. Returns the number or -1. */
int fex_lv_sweep(struct fex_lv_rpc *r, const json_t *vifs, const char *const *uuids,
		 unsigned int n, const char *vhost_dir, const struct fex_lv_log *log);

/* "vhost:" + sock is in vhost_dir. */
bool fex_lv_port_ours(const char *port, const char *vhost_dir);

#endif
