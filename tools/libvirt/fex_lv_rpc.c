/* SPDX-License-Identifier: BSD-3-Clause */
/* The hook's and the agent's connection to fexpath: lib/ctl's client
 * (fex_ctl_client.h), with the messages a libvirt user can act on and
 * the JSON-RPC result/error split the actions want. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fex_lv.h"

int
fex_lv_rpc_open(struct fex_lv_rpc *r, const char *path, unsigned int timeout_s,
		char *err, size_t len)
{
	int rc;

	rc = fex_ctl_client_open(&r->c, path, (timeout_s != 0 ? timeout_s : 30) * 1000,
				 err, len);
	if (rc == -ENOENT || rc == -ECONNREFUSED)
		snprintf(err, len, "cannot reach fexpath at %s: %s (is fexpath running? "
			 "its --control socket is set in %s)", path, strerror(-rc),
			 FEX_LV_CONF);
	else if (rc < 0 && rc != -ENAMETOOLONG)
		snprintf(err, len, "cannot reach fexpath at %s: %s", path, strerror(-rc));
	return rc < 0 ? -1 : 0;
}

void
fex_lv_rpc_close(struct fex_lv_rpc *r)
{
	fex_ctl_client_close(&r->c);
}

json_t *
fex_lv_rpc_call(struct fex_lv_rpc *r, const char *method, json_t *params,
		int *code, char *err, size_t len)
{
	json_t *resp, *res, *e;
	int rc;

	*code = 0;
	if (params == NULL)
		params = json_object();
	resp = fex_ctl_client_call(&r->c, method, params, &rc, err, len);
	json_decref(params);
	if (resp == NULL)
		return NULL;	/* the connection is closed: r->c.fd < 0 */
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
