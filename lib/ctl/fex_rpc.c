/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON-RPC 2.0: request validation, the method registry, dispatch, and
 * changes: every change is staged, saved, and only then published.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fex_vif.h>

#include "fex_ctl_priv.h"

void
fex_ctl_err_set(struct fex_ctl_err *err, int code, const char *field,
		const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	err->response[0] = '\0';
	snprintf(err->field, sizeof(err->field), "%s", field != NULL ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

int
fex_ctl_register(struct fex_ctl *ctl, const struct fex_ctl_method *m)
{
	struct ctl_method *tab, *e;

	if (m->name == NULL || m->handler == NULL)
		return -EINVAL;
	if (ctl_method_find(ctl, m->name) != NULL)
		return -EEXIST;
	tab = realloc(ctl->methods, (ctl->nb_methods + 1) * sizeof(*tab));
	if (tab == NULL)
		return -ENOMEM;
	ctl->methods = tab;
	e = &tab[ctl->nb_methods];
	e->m = *m;
	e->name = strdup(m->name);
	e->usage = strdup(m->usage != NULL ? m->usage : "{}");
	if (e->name == NULL || e->usage == NULL) {
		free(e->name);
		free(e->usage);
		return -ENOMEM;
	}
	e->m.name = e->name;
	e->m.usage = e->usage;
	ctl->nb_methods++;
	return 0;
}

const struct fex_ctl_method *
ctl_method_find(const struct fex_ctl *ctl, const char *name)
{
	unsigned int i;

	for (i = 0; i < ctl->nb_methods; i++)
		if (strcmp(ctl->methods[i].name, name) == 0)
			return &ctl->methods[i].m;
	return NULL;
}

void
ctl_port_detach(struct fex_ctl *ctl, uint16_t port_id)
{
	int rc;

	if (ctl->hooks.port_detach == NULL)
		return;
	rc = ctl->hooks.port_detach(ctl->hooks.ctx, port_id);
	if (rc < 0)
		CTL_LOG(ERR, "port %u: detach failed: %s", port_id, strerror(-rc));
}

int
ctl_port_opened(struct fex_ctl *ctl, uint16_t port_id)
{
	if (!ctl->changing)
		return 0;
	if (ctl->nb_opened == CTL_CHANGE_PORTS)
		return -ENOSPC;
	ctl->opened[ctl->nb_opened++] = port_id;
	return 0;
}

int
ctl_port_released(struct fex_ctl *ctl, uint16_t port_id)
{
	if (!ctl->changing) {
		ctl_port_detach(ctl, port_id);
		return 0;
	}
	if (ctl->nb_released == CTL_CHANGE_PORTS)
		return -ENOSPC;
	ctl->released[ctl->nb_released++] = port_id;
	return 0;
}

int
ctl_change_begin(struct fex_ctl *ctl)
{
	int rc;

	if (ctl->changing)
		return -EBUSY;
	rc = fex_vif_db_begin(ctl->db);
	if (rc < 0)
		return rc;
	ctl->changing = true;
	ctl->nb_opened = 0;
	ctl->nb_released = 0;
	return 0;
}

void
ctl_change_abort(struct fex_ctl *ctl)
{
	unsigned int i;

	if (!ctl->changing)
		return;
	/* the workers never saw the change: its new ports carry nothing */
	fex_vif_db_abort(ctl->db);
	ctl->changing = false;
	for (i = ctl->nb_opened; i-- > 0;)
		ctl_port_detach(ctl, ctl->opened[i]);
	ctl->nb_opened = 0;
	ctl->nb_released = 0;
}

int
ctl_change_commit(struct fex_ctl *ctl, char *why, size_t len)
{
	unsigned int i;
	int rc;

	rc = fex_ctl_save(ctl, why, len);	/* the staged view */
	if (rc < 0) {
		ctl_change_abort(ctl);
		return rc;
	}
	fex_vif_db_commit(ctl->db);		/* published; grace period */
	ctl->changing = false;
	for (i = 0; i < ctl->nb_released; i++)
		ctl_port_detach(ctl, ctl->released[i]);
	ctl->nb_opened = 0;
	ctl->nb_released = 0;
	return 0;
}

int
fex_ctl_save(struct fex_ctl *ctl, char *err, size_t errlen)
{
	json_t *doc;
	int rc;

	if (ctl->state_path == NULL)
		return 0;
	doc = ctl_dump_state(ctl);
	if (doc == NULL) {
		snprintf(err, errlen, "out of memory building the state");
		return -ENOMEM;
	}
	rc = fex_state_write(ctl->state_path, doc, err, errlen);
	json_decref(doc);
	return rc;
}

json_t *
fex_ctl_state_dump(struct fex_ctl *ctl)
{
	return ctl_dump_state(ctl);
}

int
ctl_change_start(struct fex_ctl *ctl, const char *what,
		 struct fex_ctl_err *err)
{
	if (ctl_change_begin(ctl) == 0)
		return 0;
	fex_ctl_err_set(err, FEX_CTL_E_INTERNAL, NULL,
		"%s: another change is being made (changes do not nest: a "
		"changing method or typed call made inside another)", what);
	return -1;
}

int
ctl_change_end(struct fex_ctl *ctl, const char *what, bool ok,
	       struct fex_ctl_err *err)
{
	char why[256];

	if (!ok) {
		ctl_change_abort(ctl);	/* nothing of it was published */
		return -1;
	}
	if (ctl_change_commit(ctl, why, sizeof(why)) == 0)
		return 0;
	CTL_LOG(ERR, "%s refused, nothing published: %s", what, why);
	fex_ctl_err_set(err, FEX_CTL_E_SAVE, NULL,
		"%s not done: the state could not be saved (%s); nothing was "
		"changed, free space or fix the state directory and retry",
		what, why);
	return -1;
}

static json_t *
error_reply(json_t *id, const struct fex_ctl_err *err, bool vdp)
{
	json_t *e, *data = NULL, *r;

	e = json_pack("{s:i, s:s}", "code", err->code, "message", err->message);
	if (e == NULL)
		return NULL;
	if (err->field[0] != '\0' || vdp) {
		data = json_object();
		if (err->field[0] != '\0')
			json_object_set_new(data, "field", json_string(err->field));
		if (vdp)
			json_object_set_new(data, "response",
				json_string(err->response[0] != '\0' ?
					    err->response :
					    ctl_code_response(err->code)));
		json_object_set_new(e, "data", data);
	}
	r = json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id",
		      id != NULL ? id : json_null(), "error", e);
	return r;
}

static json_t *
result_reply(json_t *id, json_t *result)
{
	return json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id,
			 "result", result);
}

static bool
valid_id(const json_t *id)
{
	return json_is_string(id) || json_is_integer(id) || json_is_null(id);
}

/* Run a method; a changing one inside a change: saved, then published. */
static json_t *
dispatch(struct fex_ctl *ctl, const struct fex_ctl_method *m, json_t *id,
	 json_t *params, const struct fex_ctl_peer *peer)
{
	struct fex_ctl_err err = { .code = 0 };
	bool vdp = (m->flags & FEX_CTL_VDP) != 0;
	bool mutates = (m->flags & FEX_CTL_MUTATES) != 0, ok;
	json_t *result = NULL;
	int rc;

	if ((m->flags & FEX_CTL_MUTATES) && peer != NULL && !peer->may_change) {
		fex_ctl_err_set(&err, FEX_CTL_E_PERMISSION, NULL,
			"permission denied: %s changes state and needs root or a "
			"member of the control socket's group (caller uid %u)",
			m->name, (unsigned int)peer->uid);
		return error_reply(id, &err, vdp);
	}
	/* a shared store first brings the request's base up to date */
	if (mutates && ctl->store.before != NULL &&
	    ctl->store.before(ctl->store.ctx, m->name, params, &err) < 0)
		return error_reply(id, &err, vdp);
	if (mutates && ctl_change_start(ctl, m->name, &err) < 0)
		return error_reply(id, &err, vdp);
	rc = m->handler(ctl, params, &result, &err);
	ok = rc == 0 && result != NULL;
	/* ... and takes the change before it is saved, or refuses it */
	if (ok && mutates && ctl->store.write != NULL &&
	    ctl->store.write(ctl->store.ctx, m->name, params, result, &err) < 0)
		ok = false;
	/* a change: saved, then published; or dropped, never seen */
	if (mutates && ctl_change_end(ctl, m->name, ok, &err) < 0)
		ok = false;
	if (!ok) {
		json_decref(result);
		if (err.code == 0)
			fex_ctl_err_set(&err, FEX_CTL_E_INTERNAL, NULL,
					"%s failed without saying why", m->name);
		return error_reply(id, &err, vdp);
	}
	if (vdp && json_is_object(result) &&
	    json_object_get(result, "response") == NULL)
		json_object_set_new(result, "response",
				    json_string(fex_vif_response_name(0)));
	return result_reply(id, result);
}

json_t *
fex_ctl_call(struct fex_ctl *ctl, json_t *req, const struct fex_ctl_peer *peer)
{
	struct fex_ctl_err err = { .code = 0 };
	const struct fex_ctl_method *m;
	json_t *id, *ver, *method, *params;
	const char *key;
	json_t *v;

	if (json_is_array(req)) {
		fex_ctl_err_set(&err, FEX_CTL_E_REQUEST, NULL,
			"batch requests are not supported; send one request "
			"object per line");
		return error_reply(NULL, &err, false);
	}
	if (!json_is_object(req)) {
		fex_ctl_err_set(&err, FEX_CTL_E_REQUEST, NULL,
			"a request must be a JSON object {\"jsonrpc\":\"2.0\", "
			"\"id\":..., \"method\":..., \"params\":{...}}");
		return error_reply(NULL, &err, false);
	}
	id = json_object_get(req, "id");
	if (id != NULL && !valid_id(id)) {
		fex_ctl_err_set(&err, FEX_CTL_E_REQUEST, "id",
			"id must be a string, an integer or null");
		return error_reply(NULL, &err, false);
	}
	ver = json_object_get(req, "jsonrpc");
	if (!json_is_string(ver) || strcmp(json_string_value(ver), "2.0") != 0) {
		fex_ctl_err_set(&err, FEX_CTL_E_REQUEST, "jsonrpc",
			"jsonrpc must be \"2.0\"");
		return error_reply(id, &err, false);
	}
	if (id == NULL) {
		fex_ctl_err_set(&err, FEX_CTL_E_REQUEST, "id",
			"id is required (notifications are not supported): "
			"give a string, an integer or null");
		return error_reply(NULL, &err, false);
	}
	method = json_object_get(req, "method");
	if (!json_is_string(method)) {
		fex_ctl_err_set(&err, FEX_CTL_E_REQUEST, "method",
			"method must be a string naming a method, e.g. "
			"\"profile.list\"");
		return error_reply(id, &err, false);
	}
	json_object_foreach(req, key, v) {
		if (strcmp(key, "jsonrpc") != 0 && strcmp(key, "id") != 0 &&
		    strcmp(key, "method") != 0 && strcmp(key, "params") != 0) {
			fex_ctl_err_set(&err, FEX_CTL_E_REQUEST, key,
				"unknown member '%s'; allowed: jsonrpc, id, method, "
				"params", key);
			return error_reply(id, &err, false);
		}
	}
	m = ctl_method_find(ctl, json_string_value(method));
	if (m == NULL) {
		char names[1024];
		size_t off = 0;
		unsigned int i;

		names[0] = '\0';
		for (i = 0; i < ctl->nb_methods && off < sizeof(names); i++)
			off += (size_t)snprintf(names + off, sizeof(names) - off,
						"%s%s", i ? ", " : "",
						ctl->methods[i].name);
		fex_ctl_err_set(&err, FEX_CTL_E_METHOD, "method",
			"no method '%.64s'; allowed: %s",
			json_string_value(method), names);
		return error_reply(id, &err, false);
	}
	params = json_object_get(req, "params");
	if (params != NULL && !json_is_object(params)) {
		fex_ctl_err_set(&err, FEX_CTL_E_PARAMS, "params",
			"params must be an object: %s %s", m->name, m->usage);
		return error_reply(id, &err, (m->flags & FEX_CTL_VDP) != 0);
	}
	return dispatch(ctl, m, id, params, peer);
}

char *
fex_ctl_call_line(struct fex_ctl *ctl, const char *line, size_t len,
		  const struct fex_ctl_peer *peer)
{
	json_error_t jerr;
	json_t *req, *resp;
	char *out;

	req = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (req == NULL) {
		struct fex_ctl_err err = { .code = 0 };

		fex_ctl_err_set(&err, FEX_CTL_E_PARSE, NULL,
			"parse error at column %d: %s; send one JSON object per line",
			jerr.column, jerr.text);
		resp = error_reply(NULL, &err, false);
	} else {
		resp = fex_ctl_call(ctl, req, peer);
		json_decref(req);
	}
	if (resp == NULL)
		return NULL;
	out = json_dumps(resp, JSON_COMPACT);
	json_decref(resp);
	return out;
}
