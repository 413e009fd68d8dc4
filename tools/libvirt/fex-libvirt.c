/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fex-libvirt: libvirt drives fexpath (SPEC §8; the split is in fex_lv.h).
 *
 *   fex-libvirt [--config FILE] hook DOMAIN OPERATION SUBOP EXTRA
 *       libvirt's qemu hook (installed as /etc/libvirt/hooks/qemu.d/fexpath),
 *       the domain XML on stdin. prepare begin: preassociate, or refuse
 *       the start (exit 1, the reason on stderr: virsh prints it);
 *       migrate begin / restore begin: refuse early, XML unchanged;
 *       stopped end / release end: disassociate.
 *   fex-libvirt [--config FILE] agent [--uri URI] [--once]
 *       follows libvirt's domain events: guest running -> associated,
 *       stopped / crashed / gone -> disassociated; a full reconcile at
 *       start, on every reconnection (libvirtd or fexpath) and every
 *       reconcile_s. --once: one reconcile, then exit.
 *   fex-libvirt [--config FILE] sync running|paused|shutoff|crashed|gone
 *       one agent step for the domain XML on stdin, as if libvirt said it
 *       is in that state (tests replay a migration's sequence with it).
 *   fex-libvirt [--config FILE] check
 *       what prepare would refuse, for the domain XML on stdin; changes
 *       nothing.
 *
 * Exit status: 0 done, 1 refused / failed (said on stderr), 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "fex_lv.h"

static const char *prog = "fex-libvirt";

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: %s [--config FILE] hook DOMAIN OPERATION SUBOP EXTRA  (domain XML on stdin)\n"
		"       %s [--config FILE] agent [--uri URI] [--once]\n"
		"       %s [--config FILE] sync running|paused|shutoff|crashed|gone  (XML on stdin)\n"
		"       %s [--config FILE] check  (XML on stdin)\n"
		"FILE: default %s (control, vhost_dir, uri, reconcile_s, timeout_s)\n",
		prog, prog, prog, prog, FEX_LV_CONF);
}

static char *
read_all(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);

	while (buf != NULL) {
		size_t r;

		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (nb == NULL)
				break;
			buf = nb;
			cap *= 2;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0) {
			buf[n] = '\0';
			*len = n;
			return buf;
		}
	}
	free(buf);
	return NULL;
}

/* --------------------------------------------------------------- hook */

/* prepare begin: the domain's vNICs checked and preassociated. */
static int
hook_prepare(const struct fex_lv_conf *c, const struct fex_lv_domain *d,
	     const struct fex_lv_log *log)
{
	struct fex_lv_rpc r;
	char err[512];
	int rc;

	if (fex_lv_rpc_open(&r, c->control, c->timeout_s, err, sizeof(err)) < 0) {
		fex_lv_say(log, "domain '%s' cannot start: %s", d->name, err);
		return 1;
	}
	rc = fex_lv_preassociate(&r, d, c->vhost_dir, log);
	fex_lv_rpc_close(&r);
	if (rc < 0)
		fex_lv_say(log, "domain '%s' cannot start (see above)", d->name);
	return rc < 0 ? 1 : 0;
}

/* migrate begin / restore begin: refuse an incoming domain early. */
static int
hook_incoming(const struct fex_lv_conf *c, const struct fex_lv_domain *d,
	      const char *op, const struct fex_lv_log *log)
{
	struct fex_lv_rpc r;
	char err[512];
	int bad;

	if (fex_lv_rpc_open(&r, c->control, c->timeout_s, err, sizeof(err)) < 0) {
		fex_lv_say(log, "domain '%s': no %s here: %s", d->name, op, err);
		return 1;
	}
	bad = fex_lv_check_profiles(&r, d, log);
	fex_lv_rpc_close(&r);
	if (bad != 0)
		fex_lv_say(log, "domain '%s': no %s here (see above)", d->name, op);
	return bad != 0 ? 1 : 0;
}

static int
hook_stopped(const struct fex_lv_conf *c, const struct fex_lv_domain *d,
	     const struct fex_lv_log *log)
{
	struct fex_lv_rpc r;
	char err[512];

	if (d->n_vnics == 0)
		return 0;	/* not a domain of fexpath's (a VIF of its UUID: the agent) */
	/* a stop is never refused: what fails here the agent redoes */
	if (fex_lv_rpc_open(&r, c->control, c->timeout_s, err, sizeof(err)) < 0) {
		fex_lv_say(log, "domain '%s' stopped, its VIFs stay until fexpath is "
			   "back and the agent disassociates them: %s", d->name, err);
		return 0;
	}
	fex_lv_disassociate(&r, d->uuid, c->vhost_dir, log);
	fex_lv_rpc_close(&r);
	return 0;
}

static int
cmd_hook(const struct fex_lv_conf *c, int argc, char **argv)
{
	struct fex_lv_log log = { .out = stderr, .prefix = "fexpath: " };
	const char *op, *sub;
	struct fex_lv_domain *d;
	char err[512], *xml;
	size_t len = 0;
	int rc = 0;

	if (argc != 4) {
		usage(stderr);
		return 2;
	}
	op = argv[1];
	sub = argv[2];
	/* libvirt writes the XML for every operation: always read it all */
	xml = read_all(stdin, &len);
	d = calloc(1, sizeof(*d));
	if (xml == NULL || d == NULL) {
		fex_lv_say(&log, "out of memory");
		free(xml);
		free(d);
		return 1;
	}
	if (fex_lv_parse(xml, len, c->vhost_dir, d, err, sizeof(err)) < 0) {
		/* not a domain we can read: refuse only what we would act on */
		if (strcmp(op, "prepare") == 0 || strcmp(op, "migrate") == 0) {
			fex_lv_say(&log, "domain '%s': %s", argv[0], err);
			rc = 1;
		}
		goto out;
	}
	if (strcmp(op, "prepare") == 0 && strcmp(sub, "begin") == 0) {
		if (d->n_problems != 0) {
			fprintf(stderr, "fexpath: domain '%s' cannot start:\n%s", d->name,
				d->problems);
			rc = 1;
		} else if (d->n_vnics != 0) {
			rc = hook_prepare(c, d, &log);
		}
	} else if ((strcmp(op, "migrate") == 0 || strcmp(op, "restore") == 0) &&
		   strcmp(sub, "begin") == 0) {
		/* an XML filter: printing nothing keeps the XML as it is */
		if (d->n_problems != 0) {
			fprintf(stderr, "fexpath: domain '%s': no %s here:\n%s", d->name,
				strcmp(op, "migrate") == 0 ? "incoming migration" : "restore",
				d->problems);
			rc = 1;
		} else if (d->n_vnics != 0) {
			rc = hook_incoming(c, d, strcmp(op, "migrate") == 0 ?
					   "incoming migration" : "restore", &log);
		}
	} else if ((strcmp(op, "stopped") == 0 || strcmp(op, "release") == 0) &&
		   strcmp(sub, "end") == 0) {
		rc = hook_stopped(c, d, &log);
	}
out:
	free(xml);
	free(d);
	return rc;
}

static int
cmd_check(const struct fex_lv_conf *c)
{
	struct fex_lv_log log = { .out = stderr, .prefix = "fexpath: " };
	struct fex_lv_domain *d = calloc(1, sizeof(*d));
	struct fex_lv_rpc r;
	char err[512], *xml;
	size_t len = 0;
	unsigned int i;
	int rc = 0;

	xml = read_all(stdin, &len);
	if (d == NULL || xml == NULL || fex_lv_parse(xml, len, c->vhost_dir, d, err,
						      sizeof(err)) < 0) {
		fex_lv_say(&log, "%s", d == NULL || xml == NULL ? "out of memory" : err);
		rc = 1;
		goto out;
	}
	for (i = 0; i < d->n_vnics; i++)
		printf("vNIC %s socket %s profile %s vif %s%.0u\n", d->vnic[i].mac,
		       d->vnic[i].sock, d->vnic[i].profile[0] ? d->vnic[i].profile : "-",
		       d->vnic[i].vif != 0 ? "" : "auto", d->vnic[i].vif);
	if (d->n_problems != 0) {
		fprintf(stderr, "fexpath: domain '%s' cannot start:\n%s", d->name, d->problems);
		rc = 1;
	} else if (d->n_vnics != 0) {
		if (fex_lv_rpc_open(&r, c->control, c->timeout_s, err, sizeof(err)) < 0) {
			fex_lv_say(&log, "%s", err);
			rc = 1;
		} else {
			rc = fex_lv_check_profiles(&r, d, &log) != 0;
			fex_lv_rpc_close(&r);
		}
	}
out:
	free(xml);
	free(d);
	return rc;
}

/* --------------------------------------------------------- one step */

static int
want_of(const char *s, enum fex_lv_want *w)
{
	if (strcmp(s, "running") == 0)
		*w = FEX_LV_WANT_ASSOCIATED;
	else if (strcmp(s, "paused") == 0)
		*w = FEX_LV_WANT_PRESENT;
	else if (strcmp(s, "shutoff") == 0 || strcmp(s, "crashed") == 0 ||
		 strcmp(s, "gone") == 0)
		*w = FEX_LV_WANT_NONE;
	else
		return -1;
	return 0;
}

static int
cmd_sync(const struct fex_lv_conf *c, const char *state)
{
	struct fex_lv_log log = { .out = stdout, .prefix = "fex-libvirt: " };
	struct fex_lv_domain *d = calloc(1, sizeof(*d));
	enum fex_lv_want want;
	struct fex_lv_rpc r;
	char err[512], *xml = NULL;
	size_t len = 0;
	int rc = 1;

	if (want_of(state, &want) < 0) {
		fprintf(stderr, "%s: sync: state '%s'; allowed: running, paused, shutoff, "
			"crashed, gone\n", prog, state);
		free(d);
		return 2;
	}
	xml = read_all(stdin, &len);
	if (d == NULL || xml == NULL || fex_lv_parse(xml, len, c->vhost_dir, d, err,
						      sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, d == NULL || xml == NULL ? "out of memory" : err);
		goto out;
	}
	if (d->n_problems != 0)
		fprintf(stderr, "%s: domain '%s':\n%s", prog, d->name, d->problems);
	log.prefix = NULL;
	if (fex_lv_rpc_open(&r, c->control, c->timeout_s, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		goto out;
	}
	rc = fex_lv_sync(&r, d, want, c->vhost_dir, &log) < 0;
	fex_lv_rpc_close(&r);
out:
	free(xml);
	free(d);
	return rc;
}

/* -------------------------------------------------------------- agent */

#define DIRTY_MAX 256

struct agent {
	struct fex_lv_conf conf;
	virConnectPtr conn;
	int cb_life, cb_meta;
	bool conn_lost;
	bool libvirt_said;		/* "cannot connect" said for this outage */
	bool fex_down;
	bool full;			/* a full reconcile is due */
	long long next_full_ms;
	unsigned int n_dirty;
	char dirty[DIRTY_MAX][VIR_UUID_STRING_BUFLEN];
	struct fex_lv_log log;
};

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
say(struct agent *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(struct agent *a, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fex_lv_say(&a->log, "%s", msg);
}

static const char *
lv_err(void)
{
	const char *m = virGetLastErrorMessage();

	return m != NULL ? m : "unknown error";
}

static void
quiet_error(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;	/* read with virGetLastErrorMessage() where it matters */
}

static const char *const event_names[] = {
	"DEFINED", "UNDEFINED", "STARTED", "SUSPENDED", "RESUMED", "STOPPED",
	"SHUTDOWN", "PMSUSPENDED", "CRASHED",
};
static const char *const started_details[] = {
	"BOOTED", "MIGRATED", "RESTORED", "FROM_SNAPSHOT", "WAKEUP",
};
static const char *const suspended_details[] = {
	"PAUSED", "MIGRATED", "IOERROR", "WATCHDOG", "RESTORED", "FROM_SNAPSHOT",
	"API_ERROR", "POSTCOPY", "POSTCOPY_FAILED",
};
static const char *const resumed_details[] = {
	"UNPAUSED", "MIGRATED", "FROM_SNAPSHOT", "POSTCOPY", "POSTCOPY_FAILED",
};
static const char *const stopped_details[] = {
	"SHUTDOWN", "DESTROYED", "CRASHED", "MIGRATED", "SAVED", "FAILED", "FROM_SNAPSHOT",
};

#define NAME_OF(tab, i) ((unsigned int)(i) < sizeof(tab) / sizeof(tab[0]) ? tab[i] : NULL)

static void
mark_dirty(struct agent *a, const char *uuid)
{
	unsigned int i;

	for (i = 0; i < a->n_dirty; i++)
		if (strcmp(a->dirty[i], uuid) == 0)
			return;
	if (a->n_dirty == DIRTY_MAX) {
		a->full = true;
		return;
	}
	snprintf(a->dirty[a->n_dirty++], VIR_UUID_STRING_BUFLEN, "%s", uuid);
}

static int
on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
	struct agent *a = opaque;
	char uuid[VIR_UUID_STRING_BUFLEN];
	const char *ev = NAME_OF(event_names, event), *det = NULL;

	(void)conn;
	if (virDomainGetUUIDString(dom, uuid) < 0)
		return 0;
	switch (event) {
	case VIR_DOMAIN_EVENT_STARTED: det = NAME_OF(started_details, detail); break;
	case VIR_DOMAIN_EVENT_SUSPENDED: det = NAME_OF(suspended_details, detail); break;
	case VIR_DOMAIN_EVENT_RESUMED: det = NAME_OF(resumed_details, detail); break;
	case VIR_DOMAIN_EVENT_STOPPED: det = NAME_OF(stopped_details, detail); break;
	default: break;
	}
	if (det != NULL)
		say(a, "event %s %s: domain '%s' %s", ev != NULL ? ev : "?", det,
		    virDomainGetName(dom), uuid);
	else
		say(a, "event %s (detail %d): domain '%s' %s", ev != NULL ? ev : "?", detail,
		    virDomainGetName(dom), uuid);
	if (event != VIR_DOMAIN_EVENT_DEFINED)
		mark_dirty(a, uuid);
	return 0;
}

static void
on_metadata(virConnectPtr conn, virDomainPtr dom, int type, const char *nsuri, void *opaque)
{
	char uuid[VIR_UUID_STRING_BUFLEN];

	(void)conn;
	if (type == VIR_DOMAIN_METADATA_ELEMENT && nsuri != NULL && strcmp(nsuri, FEX_LV_NS) == 0 &&
	    virDomainGetUUIDString(dom, uuid) == 0)
		mark_dirty(opaque, uuid);
}

static void
on_close(virConnectPtr conn, int reason, void *opaque)
{
	struct agent *a = opaque;

	(void)conn;
	a->conn_lost = true;
	say(a, "libvirt connection closed (reason %d): reconnecting", reason);
}

static void
on_tick(int timer, void *opaque)
{
	(void)timer;
	(void)opaque;	/* only wakes the loop */
}

static enum fex_lv_want
want_of_state(int state)
{
	switch (state) {
	case VIR_DOMAIN_RUNNING:
	case VIR_DOMAIN_BLOCKED:
	case VIR_DOMAIN_SHUTDOWN:	/* being shut down: the guest still runs */
		return FEX_LV_WANT_ASSOCIATED;
	case VIR_DOMAIN_SHUTOFF:
	case VIR_DOMAIN_CRASHED:
		return FEX_LV_WANT_NONE;
	default:			/* paused (incoming migration, starting up, ...) */
		return FEX_LV_WANT_PRESENT;
	}
}

static int
fex_open(struct agent *a, struct fex_lv_rpc *r)
{
	char err[512];

	if (fex_lv_rpc_open(r, a->conf.control, a->conf.timeout_s, err, sizeof(err)) < 0) {
		if (!a->fex_down)
			say(a, "%s; retrying every second", err);
		a->fex_down = true;
		a->full = true;
		return -1;
	}
	return 0;
}

/* One domain's VIFs made to match its state now. */
static int
sync_domain(struct agent *a, struct fex_lv_rpc *r, virDomainPtr dom, const char *uuid)
{
	struct fex_lv_domain *d;
	enum fex_lv_want want = FEX_LV_WANT_NONE;
	char err[512], prefix[300];
	struct fex_lv_log log = a->log;
	char *xml = NULL;
	int state, reason, rc = -1;

	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return -1;
	snprintf(d->uuid, sizeof(d->uuid), "%s", uuid);
	snprintf(d->name, sizeof(d->name), "%s", dom != NULL ? virDomainGetName(dom) : "?");
	if (dom != NULL && virDomainGetState(dom, &state, &reason, 0) == 0)
		want = want_of_state(state);
	else
		dom = NULL;	/* gone since */
	if (want != FEX_LV_WANT_NONE) {
		xml = virDomainGetXMLDesc(dom, 0);
		if (xml == NULL || fex_lv_parse(xml, strlen(xml), a->conf.vhost_dir, d, err,
						sizeof(err)) < 0) {
			say(a, "domain '%s': %s", d->name, xml == NULL ? lv_err() : err);
			goto out;
		}
		if (d->n_problems != 0)
			say(a, "domain '%s':\n%s", d->name, d->problems);
	}
	snprintf(prefix, sizeof(prefix), "%sdomain '%s': ", a->log.prefix, d->name);
	log.prefix = prefix;
	rc = fex_lv_sync(r, d, want, a->conf.vhost_dir, &log);
out:
	free(xml);
	free(d);
	return rc;
}

static void
sync_dirty(struct agent *a)
{
	struct fex_lv_rpc r;
	unsigned int i;

	if (a->n_dirty == 0 || a->conn == NULL)
		return;
	if (fex_open(a, &r) < 0)
		return;		/* the full reconcile when fexpath is back covers them */
	for (i = 0; i < a->n_dirty; i++) {
		virDomainPtr dom = virDomainLookupByUUIDString(a->conn, a->dirty[i]);

		if (sync_domain(a, &r, dom, a->dirty[i]) < 0 && r.c.fd < 0)
			a->full = true;
		if (dom != NULL)
			virDomainFree(dom);
		if (r.c.fd < 0 && fex_open(a, &r) < 0)
			break;
	}
	a->n_dirty = 0;
	fex_lv_rpc_close(&r);
}

static int
reconcile(struct agent *a)
{
	virDomainPtr *doms = NULL;
	const char **uuids = NULL;
	char (*ubuf)[VIR_UUID_STRING_BUFLEN] = NULL;
	struct fex_lv_rpc r;
	unsigned int n_active = 0;
	int n, i, rc = -1, swept;
	json_t *vifs;

	if (fex_open(a, &r) < 0)
		return -1;
	/* fexpath's VIFs first: one made after this belongs to a listed domain */
	vifs = fex_lv_vif_list(&r, &a->log);
	if (vifs == NULL)
		goto out_close;
	n = virConnectListAllDomains(a->conn, &doms, 0);
	if (n < 0) {
		say(a, "cannot list libvirt's domains: %s", lv_err());
		a->conn_lost = true;
		goto out_vifs;
	}
	uuids = calloc((size_t)n + 1, sizeof(*uuids));
	ubuf = calloc((size_t)n + 1, sizeof(*ubuf));
	if (uuids == NULL || ubuf == NULL)
		goto out_doms;
	for (i = 0; i < n; i++) {
		if (virDomainIsActive(doms[i]) != 1 ||
		    virDomainGetUUIDString(doms[i], ubuf[n_active]) < 0)
			continue;
		if (sync_domain(a, &r, doms[i], ubuf[n_active]) < 0 && r.c.fd < 0 &&
		    fex_open(a, &r) < 0)
			goto out_doms;
		uuids[n_active] = ubuf[n_active];
		n_active++;
	}
	swept = fex_lv_sweep(&r, vifs, uuids, n_active, a->conf.vhost_dir, &a->log);
	if (swept >= 0) {
		rc = 0;
		if (a->fex_down)
			say(a, "fexpath at %s is back", a->conf.control);
		a->fex_down = false;
		say(a, "reconciled: %u active domains, %d left-over VIFs disassociated",
		    n_active, swept);
	}
out_doms:
	for (i = 0; i < n; i++)
		virDomainFree(doms[i]);
	free(doms);
	free(uuids);
	free(ubuf);
out_vifs:
	json_decref(vifs);
out_close:
	fex_lv_rpc_close(&r);
	return rc;
}

static void
libvirt_drop(struct agent *a)
{
	if (a->conn == NULL)
		return;
	if (a->cb_life >= 0)
		virConnectDomainEventDeregisterAny(a->conn, a->cb_life);
	if (a->cb_meta >= 0)
		virConnectDomainEventDeregisterAny(a->conn, a->cb_meta);
	virConnectUnregisterCloseCallback(a->conn, on_close);
	virConnectClose(a->conn);
	a->conn = NULL;
	a->cb_life = a->cb_meta = -1;
}

static int
libvirt_open(struct agent *a)
{
	a->conn = virConnectOpen(a->conf.uri);
	if (a->conn == NULL) {
		if (!a->libvirt_said)
			say(a, "cannot connect to libvirt at %s: %s; retrying every second",
			    a->conf.uri, lv_err());
		a->libvirt_said = true;
		return -1;
	}
	a->conn_lost = false;
	a->cb_life = virConnectDomainEventRegisterAny(a->conn, NULL,
		VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), a, NULL);
	a->cb_meta = virConnectDomainEventRegisterAny(a->conn, NULL,
		VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, VIR_DOMAIN_EVENT_CALLBACK(on_metadata), a,
		NULL);
	if (a->cb_life < 0 ||
	    virConnectRegisterCloseCallback(a->conn, on_close, a, NULL) < 0) {
		say(a, "libvirt at %s: cannot follow domain events: %s", a->conf.uri, lv_err());
		libvirt_drop(a);
		return -1;
	}
	virConnectSetKeepAlive(a->conn, 5, 3);
	say(a, "connected to libvirt at %s; fexpath at %s, vNIC sockets in %s", a->conf.uri,
	    a->conf.control, a->conf.vhost_dir);
	a->libvirt_said = false;
	a->full = true;
	return 0;
}

/* fexpath reachable? A connect, no request; an outage makes a full
 * reconcile due (done once it is back). */
static bool
fex_probe(struct agent *a)
{
	struct fex_lv_rpc r;

	if (fex_open(a, &r) < 0)
		return false;
	fex_lv_rpc_close(&r);
	return true;
}

static int
cmd_agent(struct fex_lv_conf *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "uri", required_argument, NULL, 'u' },
		{ "once", no_argument, NULL, '1' },
		{ NULL, 0, NULL, 0 },
	};
	struct agent *a = calloc(1, sizeof(*a));
	struct sigaction sa = { .sa_handler = on_signal };
	bool once = false;
	int opt, timer;

	if (a == NULL)
		return 1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'u')
			snprintf(c->uri, sizeof(c->uri), "%s", optarg);
		else if (opt == '1')
			once = true;
		else {
			usage(stderr);
			free(a);
			return 2;
		}
	}
	a->conf = *c;
	a->cb_life = a->cb_meta = -1;
	a->log.out = stderr;
	a->log.prefix = "fex-libvirt: ";
	setvbuf(stderr, NULL, _IOLBF, 0);
	virSetErrorFunc(NULL, quiet_error);
	if (virEventRegisterDefaultImpl() < 0) {
		say(a, "cannot set up libvirt's event loop: %s", lv_err());
		free(a);
		return 1;
	}
	if (once) {
		int rc = libvirt_open(a) == 0 && reconcile(a) == 0 ? 0 : 1;

		libvirt_drop(a);
		free(a);
		return rc;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	timer = virEventAddTimeout(1000, on_tick, a, NULL);
	a->full = true;
	while (!stop_signal) {
		if (a->conn != NULL && a->conn_lost)
			libvirt_drop(a);
		if (a->conn == NULL && libvirt_open(a) < 0) {
			virEventRunDefaultImpl();	/* the tick: retry in a second */
			continue;
		}
		if (a->conf.reconcile_s != 0 && now_ms() >= a->next_full_ms)
			a->full = true;
		if (fex_probe(a) && a->full) {
			a->n_dirty = 0;		/* a full pass covers them */
			if (reconcile(a) == 0) {
				a->full = false;
				a->next_full_ms = now_ms() + (long long)a->conf.reconcile_s * 1000;
			}
		}
		sync_dirty(a);
		if (virEventRunDefaultImpl() < 0)
			say(a, "libvirt event loop: %s", lv_err());
	}
	say(a, "stopping (signal %d)", (int)stop_signal);
	if (timer >= 0)
		virEventRemoveTimeout(timer);
	libvirt_drop(a);
	free(a);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *conf_file = FEX_LV_CONF;
	bool conf_given = false;
	struct fex_lv_conf c;
	char err[512];
	int k = 1;

	while (k < argc && strncmp(argv[k], "--", 2) == 0) {
		if (strcmp(argv[k], "--config") == 0 && k + 1 < argc) {
			conf_file = argv[k + 1];
			conf_given = true;
			k += 2;
		} else if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (k >= argc) {
		usage(stderr);
		return 2;
	}
	if (fex_lv_conf_load(&c, conf_file, conf_given, err, sizeof(err)) < 0) {
		fprintf(stderr, "fexpath: %s\n", err);
		return strcmp(argv[k], "hook") == 0 ? 1 : 2;
	}
	if (strcmp(argv[k], "hook") == 0)
		return cmd_hook(&c, argc - k - 1, argv + k + 1);
	if (strcmp(argv[k], "agent") == 0)
		return cmd_agent(&c, argc - k, argv + k);
	if (strcmp(argv[k], "sync") == 0 && argc - k == 2)
		return cmd_sync(&c, argv[k + 1]);
	if (strcmp(argv[k], "check") == 0 && argc - k == 1)
		return cmd_check(&c);
	usage(stderr);
	return 2;
}
