/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Store -> tables, on the control thread: the queue's batches (a
 * snapshot reconciles everything, events apply one by one, a reclaim
 * re-claims the local VIFs), each change through lib/ctl's typed calls
 * (saved, then published), a value equal to the local one skipped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster_priv.h"

static void __attribute__((format(printf, 3, 4)))
reject(struct fex_cluster *c, const char *key, const char *fmt, ...)
{
	char msg[CLUSTER_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	__atomic_fetch_add(&c->rejected, 1, __ATOMIC_RELAXED);
	CLUSTER_LOG(WARNING, "%s: not applied: %s", key, msg);
	cluster_note_error(c, "%s: not applied: %s", key, msg);
}

static void
applied(struct fex_cluster *c)
{
	__atomic_fetch_add(&c->applied, 1, __ATOMIC_RELAXED);
}

/* An id of 1..max at the end of a key; 0 if it is not one. */
static unsigned int
key_id(const char *s, unsigned int max)
{
	char *end;
	unsigned long v;

	if (*s < '1' || *s > '9')
		return 0;
	v = strtoul(s, &end, 10);
	return *end == '\0' && v <= max ? (unsigned int)v : 0;
}

/* ---------------------------------------------------------------- profiles */

static bool
same_profile(const struct fex_profile *a, const struct fex_profile *b)
{
	json_t *ja = fex_ctl_profile_json(a), *jb = fex_ctl_profile_json(b);
	bool eq = ja != NULL && jb != NULL && json_equal(ja, jb);

	json_decref(ja);
	json_decref(jb);
	return eq;
}

int
cluster_apply_profile(struct fex_cluster *c, const char *name, const char *value)
{
	struct fex_ctl_err err = { .code = 0 };
	struct fex_profile p, cur;
	char key[CLUSTER_KEY_MAX];
	json_error_t jerr;
	json_t *o, *n;
	int rc;

	cluster_key_profile(key, sizeof(key), name);
	if (!fex_profile_name_ok(name)) {
		reject(c, key, "'%.40s' is not a profile name (1-31 of [A-Za-z0-9._-])",
		       name);
		return -1;
	}
	o = json_loads(value, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(o)) {
		reject(c, key, "not a JSON object (%s)", o == NULL ? jerr.text : "");
		json_decref(o);
		return -1;
	}
	n = json_object_get(o, "name");
	if (n == NULL) {
		json_object_set_new(o, "name", json_string(name));
	} else if (!json_is_string(n) || strcmp(json_string_value(n), name) != 0) {
		reject(c, key, "its \"name\" is not '%s', the name in its key", name);
		json_decref(o);
		return -1;
	}
	rc = fex_ctl_profile_from_json(o, &p, &err);
	json_decref(o);
	if (rc < 0) {
		reject(c, key, "%s", err.message);
		return -1;
	}
	if (fex_profile_get(c->db, name, &cur, NULL) == 0 && same_profile(&cur, &p))
		return 0;	/* e.g. the echo of this host's own write */
	if (fex_ctl_profile_set(c->ctl, &p, &err) < 0) {
		reject(c, key, "%s", err.message);
		return -1;
	}
	applied(c);
	CLUSTER_LOG(DEBUG, "profile %s applied from the store", name);
	return 0;
}

static void
profile_gone(struct fex_cluster *c, const char *name)
{
	struct fex_ctl_err err = { .code = 0 };
	char msg[CLUSTER_ERR_LEN];
	struct fex_profile cur;
	unsigned int n;

	if (fex_profile_get(c->db, name, &cur, &n) < 0)
		return;
	if (n > 0) {
		/* what profile.delete refuses: a profile in use stays, and
		 * the store gets it back so that every host has it */
		CLUSTER_LOG(WARNING, "profile %s was deleted from the store while %u "
			    "VIF(s) of host %s use it: written back", name, n, c->host);
		if (cluster_put_profile(c, &cur, msg, sizeof(msg)) < 0)
			CLUSTER_LOG(WARNING, "profile %s: %s", name, msg);
		return;
	}
	if (fex_ctl_profile_delete(c->ctl, name, &err) < 0) {
		CLUSTER_LOG(WARNING, "profile %s deleted in the store, not here: %s",
			    name, err.message);
		return;
	}
	applied(c);
}

/* ---------------------------------------------------------------- VIF lists */

static void
viflist_put(struct fex_cluster *c, const char *key, unsigned int id, const char *value)
{
	struct fex_ctl_err err = { .code = 0 };
	uint16_t vifs[FEX_VIF_MAX], cur[FEX_VIF_MAX];
	json_error_t jerr;
	json_t *o, *a, *e;
	unsigned int n = 0;
	size_t i;
	int have;

	o = json_loads(value, JSON_REJECT_DUPLICATES, &jerr);
	a = json_object_get(o, "vifs");
	if (!json_is_object(o) || !json_is_array(a)) {
		reject(c, key, "not a VIF list {\"id\": %u, \"vifs\": [...]}", id);
		json_decref(o);
		return;
	}
	if (json_object_get(o, "id") != NULL &&
	    (!json_is_integer(json_object_get(o, "id")) ||
	     json_integer_value(json_object_get(o, "id")) != (json_int_t)id)) {
		reject(c, key, "its \"id\" is not %u, the id in its key", id);
		json_decref(o);
		return;
	}
	json_array_foreach(a, i, e) {
		json_int_t v = json_integer_value(e);

		if (!json_is_integer(e) || v < FEX_VIF_MIN || v > FEX_VIF_MAX ||
		    n == FEX_VIF_MAX) {
			reject(c, key, "\"vifs\" must list VIF ids 1-%d", FEX_VIF_MAX);
			json_decref(o);
			return;
		}
		vifs[n++] = (uint16_t)v;
	}
	json_decref(o);
	have = fex_viflist_get(c->db, (uint16_t)id, cur, FEX_VIF_MAX);
	if (have == (int)n && memcmp(cur, vifs, n * sizeof(vifs[0])) == 0)
		return;
	if (fex_ctl_viflist_set(c->ctl, (uint16_t)id, vifs, n, &err) < 0) {
		reject(c, key, "%s", err.message);
		return;
	}
	applied(c);
}

static void
viflist_gone(struct fex_cluster *c, unsigned int id)
{
	struct fex_ctl_err err = { .code = 0 };

	if (fex_viflist_get(c->db, (uint16_t)id, NULL, 0) < 0)
		return;
	if (fex_ctl_viflist_delete(c->ctl, (uint16_t)id, &err) < 0) {
		CLUSTER_LOG(WARNING, "VIF list %u deleted in the store, not here: %s",
			    id, err.message);
		return;
	}
	applied(c);
}

/* ---------------------------------------------------------------- VIFs */

/* A VIF key changed: only news about VIFs this host has matters. Returns
 * true when the local VIFs must be claimed again. */
static bool
vif_changed(struct fex_cluster *c, unsigned int vif, const struct batch_item *it)
{
	struct fex_vif_info v;
	struct vif_owner ow;

	if (fex_vif_get(c->db, (uint16_t)vif, &v) < 0)
		return false;
	if (it->deleted) {
		CLUSTER_LOG(NOTICE, "VIF %u: its store key is gone (a lease lapsed?) "
			    "while this host has it %s: claiming it again", vif,
			    fex_vif_state_name(v.state));
		return true;
	}
	if (cluster_vif_owner(it->value, &ow) == 0 && strcmp(ow.host, c->host) != 0 &&
	    v.state != FEX_VIF_PREASSOCIATED && strcmp(ow.state, "preassociated") != 0)
		CLUSTER_LOG(NOTICE, "VIF %u taken over by host %s (%s there); it stays "
			    "%s here until disassociated (the source of a migration)",
			    vif, ow.host, ow.state, fex_vif_state_name(v.state));
	return false;
}

/* ---------------------------------------------------------------- batches */

/* One change; true when the local VIFs must be claimed again. */
static bool
apply_item(struct fex_cluster *c, const struct batch_item *it)
{
	const char *k = it->key;
	unsigned int id;

	if (strncmp(k, FEX_CLUSTER_PROFILES, strlen(FEX_CLUSTER_PROFILES)) == 0) {
		const char *name = k + strlen(FEX_CLUSTER_PROFILES);

		if (it->deleted)
			profile_gone(c, name);
		else
			cluster_apply_profile(c, name, it->value);
	} else if (strncmp(k, FEX_CLUSTER_VIFLISTS, strlen(FEX_CLUSTER_VIFLISTS)) == 0) {
		id = key_id(k + strlen(FEX_CLUSTER_VIFLISTS), FEX_VIFLIST_MAX);
		if (id == 0)
			reject(c, k, "not a VIF-list id 1-%d", FEX_VIFLIST_MAX);
		else if (it->deleted)
			viflist_gone(c, id);
		else
			viflist_put(c, k, id, it->value);
	} else if (strncmp(k, FEX_CLUSTER_VIFS, strlen(FEX_CLUSTER_VIFS)) == 0) {
		id = key_id(k + strlen(FEX_CLUSTER_VIFS), FEX_VIF_MAX);
		if (id != 0)
			return vif_changed(c, id, it);
	}
	/* other keys under /fexpath/ (other clusters, later versions): not ours */
	return false;
}

static void
set_applied(struct fex_cluster *c, int64_t rev)
{
	if (rev > __atomic_load_n(&c->applied_revision, __ATOMIC_RELAXED))
		__atomic_store_n(&c->applied_revision, rev, __ATOMIC_RELAXED);
}

static void
apply_events(struct fex_cluster *c, const struct batch *b)
{
	bool reclaim = false;
	size_t i, j;

	for (i = 0; i < b->n; i++) {
		/* a key changed again later in the same batch: only the last counts */
		for (j = i + 1; j < b->n; j++)
			if (strcmp(b->item[j].key, b->item[i].key) == 0)
				break;
		if (j == b->n)
			reclaim |= apply_item(c, &b->item[i]);
	}
	set_applied(c, b->revision);
	if (reclaim)
		cluster_reclaim(c);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct locals {
	char (*names)[FEX_PROFILE_NAME_MAX + 1];
	unsigned int n;
	uint16_t *ids;
	unsigned int n_ids;
};

static int
local_profile_cb(const struct fex_profile *p, unsigned int n_vifs, void *arg)
{
	struct locals *l = arg;

	(void)n_vifs;
	if (l->n < FEX_PROFILE_MAX)
		snprintf(l->names[l->n++], sizeof(l->names[0]), "%s", p->name);
	return 0;
}

static int
local_viflist_cb(uint16_t id, const uint16_t *vifs, unsigned int n, void *arg)
{
	struct locals *l = arg;

	(void)vifs;
	(void)n;
	if (l->n_ids < FEX_VIFLIST_MAX)
		l->ids[l->n_ids++] = id;
	return 0;
}

/* The store wins: what it has is applied, what it lacks is deleted here
 * (but a profile in use, written back: profile_gone()). */
static void
apply_snapshot(struct fex_cluster *c, const struct batch *b)
{
	const char **seen = calloc(b->n + 1, sizeof(*seen));
	uint8_t *lists = calloc(FEX_VIFLIST_MAX + 1, 1);
	struct locals l = { .n = 0 };
	size_t i, n_seen = 0;
	unsigned int k;

	l.names = calloc(FEX_PROFILE_MAX, sizeof(l.names[0]));
	l.ids = calloc(FEX_VIFLIST_MAX, sizeof(l.ids[0]));
	if (seen == NULL || lists == NULL || l.names == NULL || l.ids == NULL) {
		CLUSTER_LOG(ERR, "out of memory applying the store's snapshot");
		goto out;
	}
	for (i = 0; i < b->n; i++) {
		const char *key = b->item[i].key;

		apply_item(c, &b->item[i]);
		if (strncmp(key, FEX_CLUSTER_PROFILES, strlen(FEX_CLUSTER_PROFILES)) == 0)
			seen[n_seen++] = key + strlen(FEX_CLUSTER_PROFILES);
		else if (strncmp(key, FEX_CLUSTER_VIFLISTS, strlen(FEX_CLUSTER_VIFLISTS)) == 0)
			lists[key_id(key + strlen(FEX_CLUSTER_VIFLISTS), FEX_VIFLIST_MAX)] = 1;
	}
	qsort(seen, n_seen, sizeof(seen[0]), cmp_str);
	fex_profile_foreach(c->db, local_profile_cb, &l);
	for (k = 0; k < l.n; k++) {
		const char *name = l.names[k];

		if (bsearch(&name, seen, n_seen, sizeof(seen[0]), cmp_str) == NULL)
			profile_gone(c, name);
	}
	fex_viflist_foreach(c->db, local_viflist_cb, &l);
	for (k = 0; k < l.n_ids; k++)
		if (!lists[l.ids[k]])
			viflist_gone(c, l.ids[k]);
	set_applied(c, b->revision);
	CLUSTER_LOG(INFO, "in step with the store at revision %lld (%zu keys)",
		    (long long)b->revision, b->n);
out:
	free(seen);
	free(lists);
	free(l.names);
	free(l.ids);
	cluster_reclaim(c);
}

void
cluster_ready(void *arg)
{
	struct fex_cluster *c = arg;
	struct batch_list taken = TAILQ_HEAD_INITIALIZER(taken);
	struct batch *b;
	uint64_t v;

	if (read(c->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		CLUSTER_LOG(ERR, "reading the queue's eventfd: %s", strerror(errno));
	pthread_mutex_lock(&c->lock);
	TAILQ_CONCAT(&taken, &c->queue, next);
	pthread_mutex_unlock(&c->lock);
	while ((b = TAILQ_FIRST(&taken)) != NULL) {
		TAILQ_REMOVE(&taken, b, next);
		switch (b->kind) {
		case BATCH_SNAPSHOT:
			apply_snapshot(c, b);
			break;
		case BATCH_EVENTS:
			apply_events(c, b);
			break;
		case BATCH_RECLAIM:
			cluster_reclaim(c);
			break;
		}
		cluster_batch_free(b);
	}
}
