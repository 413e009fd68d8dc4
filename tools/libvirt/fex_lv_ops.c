/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The actions of fex_lv.h: a domain's vNICs (parsed from its XML) turned
 * into vif.preassociate / vif.associate / vif.disassociate requests.
 * Every action starts from fexpath's own VIF list, so it is the same
 * whether fexpath kept a VIF over a restart, a hook already did part of
 * the work, or the agent is catching up after a pause: a VIF of the
 * domain's instance that matches a vNIC (MAC, port, VIF id when the
 * metadata names one) is left as it is or updated; one that matches none
 * is left over from an earlier run and goes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fex_ctl.h"
#include "fex_lv.h"

void
fex_lv_say(const struct fex_lv_log *log, const char *fmt, ...)
{
	va_list ap;

	if (log == NULL || log->out == NULL)
		return;
	fprintf(log->out, "%s", log->prefix != NULL ? log->prefix : "");
	va_start(ap, fmt);
	vfprintf(log->out, fmt, ap);
	va_end(ap);
	fputc('\n', log->out);
	fflush(log->out);
}

static const char *
jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static unsigned int
jvif(const json_t *o)
{
	return (unsigned int)json_integer_value(json_object_get(o, "vif"));
}

json_t *
fex_lv_vif_list(struct fex_lv_rpc *r, const struct fex_lv_log *log)
{
	char err[512];
	json_t *l;
	int code;

	l = fex_lv_rpc_call(r, "vif.list", json_object(), &code, err, sizeof(err));
	if (l == NULL || !json_is_array(l)) {
		fex_lv_say(log, "vif.list: %s", l == NULL ? err : "not a list");
		json_decref(l);
		return NULL;
	}
	return l;
}

static void
port_of(const struct fex_lv_vnic *v, char *port, size_t len)
{
	snprintf(port, len, "vhost:%s", v->sock);
}

/* VIF o (a vif.list entry) is what vNIC v asks for. */
static bool
vif_matches(const json_t *o, const struct fex_lv_vnic *v)
{
	char port[FEX_LV_PATH_MAX + 8];

	port_of(v, port, sizeof(port));
	return strcasecmp(jstr(o, "mac"), v->mac) == 0 && strcmp(jstr(o, "port"), port) == 0 &&
	       (v->vif == 0 || jvif(o) == v->vif);
}

static bool
vif_of(const json_t *o, const char *uuid, const char *vhost_dir)
{
	return strcasecmp(jstr(o, "instance_uuid"), uuid) == 0 &&
	       fex_lv_port_ours(jstr(o, "port"), vhost_dir);
}

/* The VIF in vifs that vNIC v has, or NULL. */
static const json_t *
vif_find(const json_t *vifs, const char *uuid, const struct fex_lv_vnic *v)
{
	size_t i;
	json_t *o;

	json_array_foreach(vifs, i, o)
		if (strcasecmp(jstr(o, "instance_uuid"), uuid) == 0 && vif_matches(o, v))
			return o;
	return NULL;
}

static int
disassociate_one(struct fex_lv_rpc *r, unsigned int vif, const char *why,
		 const struct fex_lv_log *log)
{
	char err[512];
	json_t *res;
	int code;

	res = fex_lv_rpc_call(r, "vif.disassociate", json_pack("{s:i}", "vif", (int)vif),
			      &code, err, sizeof(err));
	if (res == NULL && code != FEX_CTL_E_NOT_FOUND) {
		fex_lv_say(log, "VIF %u: vif.disassociate: %s", vif, err);
		return -1;
	}
	json_decref(res);
	if (res != NULL)
		fex_lv_say(log, "VIF %u disassociated (%s)", vif, why);
	return res != NULL ? 1 : 0;
}

/*
 * The domain's VIFs that no vNIC asks for (and, with only_pre, those
 * not preassociated: before QEMU starts, a forwarding VIF of this
 * instance cannot be real) go.
 */
static int
drop_stale(struct fex_lv_rpc *r, const json_t *vifs, const struct fex_lv_domain *d,
	   const char *vhost_dir, bool only_pre, const struct fex_lv_log *log)
{
	unsigned int i;
	size_t k;
	json_t *o;
	int rc = 0;

	json_array_foreach(vifs, k, o) {
		bool wanted = false;

		if (!vif_of(o, d->uuid, vhost_dir))
			continue;
		for (i = 0; i < d->n_vnics && !wanted; i++)
			wanted = vif_matches(o, &d->vnic[i]);
		if (wanted && (!only_pre || strcmp(jstr(o, "state"), "preassociated") == 0))
			continue;
		if (disassociate_one(r, jvif(o), wanted ? "left from an earlier run" :
				     "no vNIC of the domain has it now", log) < 0)
			rc = -1;
	}
	return rc;
}

static json_t *
vnic_params(const struct fex_lv_domain *d, const struct fex_lv_vnic *v)
{
	char port[FEX_LV_PATH_MAX + 8];
	json_t *p;

	port_of(v, port, sizeof(port));
	p = json_pack("{s:s, s:s, s:s, s:s}", "port", port, "mac", v->mac, "profile",
		      v->profile, "instance_uuid", d->uuid);
	if (p != NULL && v->vif != 0)
		json_object_set_new(p, "vif", json_integer(v->vif));
	return p;
}

/* vif.preassociate or vif.associate of vNIC v: the VIF id, or -1. */
static int
bind_one(struct fex_lv_rpc *r, const char *method, const struct fex_lv_domain *d,
	 const struct fex_lv_vnic *v, const json_t *had, const struct fex_lv_log *log)
{
	const char *verb = strcmp(method, "vif.associate") == 0 ? "associated" :
		"preassociated";
	char err[512];
	json_t *res;
	int code, id;

	res = fex_lv_rpc_call(r, method, vnic_params(d, v), &code, err, sizeof(err));
	if (res == NULL) {
		fex_lv_say(log, "vNIC %s (profile %s%s%.0u): fexpath refused %s: %s", v->mac,
			   v->profile, v->vif != 0 ? ", VIF " : "", v->vif, method, err);
		return -1;
	}
	id = (int)jvif(res);
	if (had == NULL || strcmp(jstr(had, "state"), jstr(res, "state")) != 0 ||
	    strcmp(jstr(had, "profile"), v->profile) != 0)
		fex_lv_say(log, "vNIC %s: VIF %d %s (profile %s, port vhost:%s)", v->mac, id,
			   strcmp(jstr(res, "state"), "down") == 0 ? "down (uplink down)" : verb,
			   v->profile, v->sock);
	json_decref(res);
	return id;
}

int
fex_lv_check_profiles(struct fex_lv_rpc *r, const struct fex_lv_domain *d,
		      const struct fex_lv_log *log)
{
	unsigned int i, bad = 0;
	char err[512];
	json_t *l, *o;
	size_t k;
	int code;

	if (d->n_vnics == 0)
		return 0;
	l = fex_lv_rpc_call(r, "profile.list", json_object(), &code, err, sizeof(err));
	if (l == NULL) {
		fex_lv_say(log, "profile.list: %s", err);
		return 1;
	}
	for (i = 0; i < d->n_vnics; i++) {
		bool found = false;

		json_array_foreach(l, k, o)
			found = found || strcmp(jstr(o, "name"), d->vnic[i].profile) == 0;
		if (!found) {
			fex_lv_say(log, "vNIC %s: port profile '%s' does not exist in fexpath "
				   "(fexctl profile list; create it with fexctl profile set %s ...)",
				   d->vnic[i].mac, d->vnic[i].profile, d->vnic[i].profile);
			bad++;
		}
	}
	json_decref(l);
	return (int)bad;
}

int
fex_lv_preassociate(struct fex_lv_rpc *r, const struct fex_lv_domain *d,
		    const char *vhost_dir, const struct fex_lv_log *log)
{
	int done[FEX_LV_VNICS_MAX];
	unsigned int i, n = 0;
	json_t *vifs;
	int rc = 0;

	if (d->n_vnics == 0)
		return 0;
	if (fex_lv_check_profiles(r, d, log) != 0)
		return -1;
	vifs = fex_lv_vif_list(r, log);
	if (vifs == NULL)
		return -1;
	rc = drop_stale(r, vifs, d, vhost_dir, true, log);
	json_decref(vifs);
	if (rc < 0)
		return -1;
	vifs = fex_lv_vif_list(r, log);
	if (vifs == NULL)
		return -1;
	for (i = 0; i < d->n_vnics; i++) {
		int id = bind_one(r, "vif.preassociate", d, &d->vnic[i],
				  vif_find(vifs, d->uuid, &d->vnic[i]), log);

		if (id < 0) {
			rc = -1;
			break;
		}
		done[n++] = id;
	}
	json_decref(vifs);
	if (rc < 0)	/* all or nothing: the domain does not start */
		for (i = 0; i < n; i++)
			disassociate_one(r, (unsigned int)done[i], "the domain does not start", log);
	return rc;
}

/* What fexpath has for v (had, or NULL) is enough: any VIF when only a
 * preassociation is wanted; associated (or down) with its profile else. */
static bool
vif_enough(const json_t *had, const struct fex_lv_vnic *v, bool associate)
{
	if (had == NULL || !associate)
		return had != NULL;
	return strcmp(jstr(had, "profile"), v->profile) == 0 &&
	       (strcmp(jstr(had, "state"), "associated") == 0 ||
		strcmp(jstr(had, "state"), "down") == 0);
}

/* Ask fexpath only for what is missing of d's vNICs. */
static int
bind_missing(struct fex_lv_rpc *r, const struct fex_lv_domain *d, bool associate,
	     const struct fex_lv_log *log)
{
	const char *method = associate ? "vif.associate" : "vif.preassociate";
	unsigned int i;
	json_t *vifs;
	int rc = 0;

	if (d->n_vnics == 0)
		return 0;
	vifs = fex_lv_vif_list(r, log);
	if (vifs == NULL)
		return -1;
	for (i = 0; i < d->n_vnics; i++) {
		const json_t *had = vif_find(vifs, d->uuid, &d->vnic[i]);

		if (!vif_enough(had, &d->vnic[i], associate) &&
		    bind_one(r, method, d, &d->vnic[i], had, log) < 0)
			rc = -1;
	}
	json_decref(vifs);
	return rc;
}

int
fex_lv_ensure(struct fex_lv_rpc *r, const struct fex_lv_domain *d,
	      const struct fex_lv_log *log)
{
	return bind_missing(r, d, false, log);
}

int
fex_lv_associate(struct fex_lv_rpc *r, const struct fex_lv_domain *d,
		 const struct fex_lv_log *log)
{
	return bind_missing(r, d, true, log);
}

int
fex_lv_disassociate(struct fex_lv_rpc *r, const char *uuid, const char *vhost_dir,
		    const struct fex_lv_log *log)
{
	json_t *vifs, *o;
	int n = 0, rc;
	size_t k;

	vifs = fex_lv_vif_list(r, log);
	if (vifs == NULL)
		return -1;
	json_array_foreach(vifs, k, o) {
		if (!vif_of(o, uuid, vhost_dir))
			continue;
		rc = disassociate_one(r, jvif(o), "the domain stopped", log);
		if (rc < 0)
			n = -1;
		else if (n >= 0)
			n += rc;
	}
	json_decref(vifs);
	return n;
}

int
fex_lv_sync(struct fex_lv_rpc *r, const struct fex_lv_domain *d, enum fex_lv_want want,
	    const char *vhost_dir, const struct fex_lv_log *log)
{
	json_t *vifs;
	int rc;

	if (want == FEX_LV_WANT_NONE)
		return fex_lv_disassociate(r, d->uuid, vhost_dir, log) < 0 ? -1 : 0;
	vifs = fex_lv_vif_list(r, log);
	if (vifs == NULL)
		return -1;
	rc = drop_stale(r, vifs, d, vhost_dir, false, log);
	json_decref(vifs);
	if (want == FEX_LV_WANT_PRESENT)
		return fex_lv_ensure(r, d, log) < 0 ? -1 : rc;
	return fex_lv_associate(r, d, log) < 0 ? -1 : rc;
}

int
fex_lv_sweep(struct fex_lv_rpc *r, const json_t *vifs, const char *const *uuids,
	     unsigned int n, const char *vhost_dir, const struct fex_lv_log *log)
{
	unsigned int i;
	int done = 0, rc;
	json_t *o;
	size_t k;

	json_array_foreach(vifs, k, o) {
		bool active = false;

		if (!fex_lv_port_ours(jstr(o, "port"), vhost_dir))
			continue;
		for (i = 0; i < n && !active; i++)
			active = strcasecmp(jstr(o, "instance_uuid"), uuids[i]) == 0;
		if (active)
			continue;
		rc = disassociate_one(r, jvif(o), "no active domain has its instance UUID", log);
		if (rc < 0)
			done = -1;
		else if (done >= 0)
			done += rc;
	}
	return done;
}
