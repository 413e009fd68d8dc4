/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The streaming watch: POST /v3/watch {"create_request": {...}} answers
 * with a stream of JSON objects, one per watch response:
 *   {"result": {"header": ..., "created": true}}         established
 *   {"result": {"header": ..., "events": [...]}}         changes
 *   {"result": {"canceled": true, "compact_revision": N}} history gone
 *   {"error": {"grpc_code": 14, "message": ...}}         member failed, or
 *                                                        lost its leader
 * The request asks for a leader (gRPC metadata "hasleader", which the
 * gateway takes from a Grpc-Metadata-* header): a member cut off from
 * the others ends the watch, and the caller moves on to another member.
 * The stream is driven by a curl multi handle so that fex_etcd_wake()
 * (curl_multi_wakeup(), thread safe) ends it at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fex_etcd_priv.h"

#define POLL_MS		1000

struct watch {
	struct fex_etcd *e;
	fex_etcd_watch_cb cb;
	void *arg;
	struct etcd_buf in;	/* bytes not parsed yet */
	bool created;		/* the watch was established */
	bool ended;		/* stop reading: result says why */
	int result;
	int64_t compact;
	char msg[256];
};

static void
end(struct watch *w, int result, const char *fmt, const char *what)
{
	w->ended = true;
	w->result = result;
	if (fmt != NULL)
		snprintf(w->msg, sizeof(w->msg), fmt, what);
}

static void
on_events(struct watch *w, const json_t *events, int64_t revision)
{
	size_t n = json_array_size(events), i;
	struct fex_etcd_event *ev = calloc(n, sizeof(*ev));
	json_t *o;
	int rc = 0;

	if (ev == NULL) {
		end(w, -ENOMEM, "%s", "out of memory");
		return;
	}
	json_array_foreach(events, i, o) {
		const char *type = json_string_value(json_object_get(o, "type"));

		ev[i].deleted = type != NULL && strcmp(type, "DELETE") == 0;
		rc = etcd_kv_decode(json_object_get(o, "kv"), &ev[i].kv);
		if (rc < 0)
			break;
	}
	if (rc < 0)
		end(w, -EPROTO, "%s", "an event with a bad key or value encoding");
	else if ((rc = w->cb(w->arg, ev, n, revision)) != 0)
		end(w, rc, NULL, NULL);
	for (i = 0; i < n; i++)
		etcd_kv_free(&ev[i].kv);
	free(ev);
}

static void
on_response(struct watch *w, const json_t *o)
{
	const json_t *r = json_object_get(o, "result");
	const json_t *events;
	int64_t rev;
	int rc;

	if (json_object_get(o, "error") != NULL) {
		end(w, etcd_error_retryable(o, 0) ? -ECONNRESET : -EIO, "%s",
		    etcd_error_message(o));
		return;
	}
	if (!json_is_object(r)) {
		end(w, -EPROTO, "%s", "a watch answer without \"result\"");
		return;
	}
	rev = etcd_int(json_object_get(r, "header"), "revision");
	if (json_is_true(json_object_get(r, "canceled"))) {
		w->compact = etcd_int(r, "compact_revision");
		if (w->compact > 0)
			end(w, -ESTALE, "%s", "history compacted");
		else
			end(w, -EIO, "watch canceled by etcd: %s",
			    json_string_value(json_object_get(r, "cancel_reason")) ?:
			    "no reason given");
		return;
	}
	if (json_is_true(json_object_get(r, "created"))) {
		w->created = true;
		rc = w->cb(w->arg, NULL, 0, rev);
		if (rc != 0)
			end(w, rc, NULL, NULL);
		return;
	}
	events = json_object_get(r, "events");
	if (json_array_size(events) > 0)
		on_events(w, events, rev);
	/* else a progress notification */
}

/* Bytes of the stream: parse every complete object, keep the rest. */
static size_t
watch_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct watch *w = arg;
	size_t n = size * nmemb, off = 0;

	if (w->ended || etcd_buf_write(data, 1, n, &w->in) != n)
		return 0;	/* ends the transfer */
	while (!w->ended) {
		json_error_t jerr;
		json_t *o;

		while (off < w->in.len && (w->in.p[off] == '\n' || w->in.p[off] == '\r' ||
					   w->in.p[off] == ' ' || w->in.p[off] == '\t'))
			off++;
		if (off == w->in.len)
			break;
		o = json_loadb(w->in.p + off, w->in.len - off, JSON_DISABLE_EOF_CHECK, &jerr);
		if (o == NULL) {
			if (json_error_code(&jerr) != json_error_premature_end_of_input)
				end(w, -EPROTO, "not an etcd watch stream: %s", jerr.text);
			break;
		}
		off += (size_t)jerr.position;
		on_response(w, o);
		json_decref(o);
	}
	memmove(w->in.p, w->in.p + off, w->in.len - off);
	w->in.len -= off;
	return w->ended ? 0 : n;
}

static bool
woken(struct fex_etcd *e)
{
	return __atomic_load_n(&e->woken, __ATOMIC_ACQUIRE);
}

void
fex_etcd_wake(struct fex_etcd *e)
{
	__atomic_store_n(&e->woken, true, __ATOMIC_RELEASE);
	curl_multi_wakeup(e->m);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* One stream on the current endpoint, until it ends. The curl result;
 * CURLE_OPERATION_TIMEDOUT when the member took the request but did not
 * establish the watch within twice the timeout (a member still starting
 * up can do that: the next one may serve). */
static CURLcode
stream(struct watch *w, const char *body)
{
	struct fex_etcd *e = w->e;
	char url[FEX_ETCD_URL_MAX + 64];
	uint64_t deadline = now_ms() + 2ull * e->timeout_ms;
	CURLcode res = CURLE_OK;
	CURLMsg *m;
	int running = 1, left;

	etcd_setup(e, e->wh, "/v3/watch", body, url, sizeof(url));
	curl_easy_setopt(e->wh, CURLOPT_HTTPHEADER, e->watch_hdrs);
	curl_easy_setopt(e->wh, CURLOPT_WRITEFUNCTION, watch_write);
	curl_easy_setopt(e->wh, CURLOPT_WRITEDATA, w);
	if (curl_multi_add_handle(e->m, e->wh) != CURLM_OK)
		return CURLE_OUT_OF_MEMORY;
	while (running && !woken(e)) {
		if (curl_multi_perform(e->m, &running) != CURLM_OK)
			break;
		if (running && !w->created && !w->ended && now_ms() >= deadline) {
			snprintf(e->curl_err, sizeof(e->curl_err), "the watch was not "
				 "established within %u ms", 2 * e->timeout_ms);
			curl_multi_remove_handle(e->m, e->wh);
			return CURLE_OPERATION_TIMEDOUT;
		}
		if (running && !woken(e))
			curl_multi_poll(e->m, NULL, 0, w->created ? POLL_MS : 50, NULL);
	}
	while ((m = curl_multi_info_read(e->m, &left)) != NULL)
		if (m->msg == CURLMSG_DONE)
			res = m->data.result;
	curl_multi_remove_handle(e->m, e->wh);
	return res;
}

int
fex_etcd_watch(struct fex_etcd *e, const char *key, bool prefix,
	       int64_t start_revision, fex_etcd_watch_cb cb, void *arg,
	       int64_t *compact_revision, char *err, size_t errlen)
{
	struct watch w = { .e = e, .cb = cb, .arg = arg };
	char notes[1024] = "";
	json_t *cr = json_object(), *req;
	unsigned int tries;
	char *body;
	int rc = -ECONNREFUSED;

	if (cr == NULL || etcd_set_key(cr, key, prefix) < 0 ||
	    (start_revision > 0 &&
	     json_object_set_new(cr, "start_revision", etcd_str_int(start_revision)) < 0)) {
		json_decref(cr);
		return fex_fail(-ENOMEM, err, errlen, "out of memory");
	}
	req = json_pack("{s:o}", "create_request", cr);
	body = req != NULL ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (body == NULL)
		return fex_fail(-ENOMEM, err, errlen, "out of memory");
	for (tries = 0; tries < e->n && !woken(e); tries++) {
		const char *url = e->url[e->cur];
		CURLcode c;
		size_t off;

		w.in.len = 0;
		w.ended = false;
		w.msg[0] = '\0';
		c = stream(&w, body);
		if (woken(e))
			break;
		if (w.ended) {
			rc = w.result;
			if (rc == -ESTALE && compact_revision != NULL)
				*compact_revision = w.compact;
			if (rc == -ECONNRESET || rc == -EPROTO)
				etcd_next_endpoint(e);
			if (rc < 0 && w.msg[0] != '\0')
				fex_fail(rc, err, errlen, "etcd watch %s: %s", url, w.msg);
			free(w.in.p);
			free(body);
			return rc;
		}
		rc = c != CURLE_OK ? etcd_curl_errno(c) : -ECONNRESET;
		off = strlen(notes);
		snprintf(notes + off, sizeof(notes) - off, "%s%s: %s", off ? "; " : "", url,
			 c != CURLE_OK ? (e->curl_err[0] != '\0' ? e->curl_err :
					  curl_easy_strerror(c)) :
			 "the stream ended");
		etcd_next_endpoint(e);
		if (w.created)
			break;	/* it was up: the caller resumes where it was */
	}
	free(w.in.p);
	free(body);
	if (woken(e))
		return 0;
	return fex_fail(rc, err, errlen, "etcd watch: %s", notes);
}
