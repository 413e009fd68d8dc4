/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What etcd's JSON gateway writes and reads besides JSON itself: keys and
 * values in base64, 64-bit integers as strings, a prefix as a key range,
 * key-values decoded into struct fex_etcd_kv. No I/O here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fex_etcd_priv.h"

/* ---------------------------------------------------------------- base64 */

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
fex_etcd_b64_encode(const void *data, size_t len)
{
	const unsigned char *s = data;
	char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	if (out == NULL)
		return NULL;
	for (i = 0; i + 2 < len; i += 3) {
		*o++ = b64[s[i] >> 2];
		*o++ = b64[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
		*o++ = b64[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)];
		*o++ = b64[s[i + 2] & 63];
	}
	if (i < len) {
		*o++ = b64[s[i] >> 2];
		if (i + 1 < len) {
			*o++ = b64[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
			*o++ = b64[(s[i + 1] & 15) << 2];
		} else {
			*o++ = b64[(s[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

void *
fex_etcd_b64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s), i, o = 0;
	unsigned int acc = 0, bits = 0;
	unsigned char *out;

	while (n > 0 && s[n - 1] == '=')
		n--;
	out = malloc(n * 3 / 4 + 1);
	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		int v = b64_value(s[i]);

		if (v < 0) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	out[o] = '\0';
	*len = o;
	return out;
}

/* ---------------------------------------------------------------- JSON */

int64_t
etcd_int(const json_t *o, const char *name)
{
	const json_t *v = json_object_get(o, name);

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v))
		return strtoll(json_string_value(v), NULL, 10);
	return 0;
}

json_t *
etcd_str_int(int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return json_string(buf);
}

json_t *
etcd_b64(const void *data, size_t len)
{
	char *s = fex_etcd_b64_encode(data, len);
	json_t *j = s != NULL ? json_string(s) : NULL;

	free(s);
	return j;
}

/* The key just past every key starting with prefix ("" = everything:
 * "\0", etcd's "to the end"). Bytes; *len set. */
static char *
prefix_end(const char *prefix, size_t *len)
{
	size_t n = strlen(prefix);
	char *end = malloc(n + 1);

	if (end == NULL)
		return NULL;
	memcpy(end, prefix, n + 1);
	while (n > 0) {
		if ((unsigned char)end[n - 1] < 0xff) {
			end[n - 1]++;
			*len = n;
			return end;
		}
		n--;
	}
	end[0] = '\0';
	*len = 1;
	return end;
}

/* Set "key" (and "range_end" for a prefix) of a request object. */
int
etcd_set_key(json_t *o, const char *key, bool prefix)
{
	if (json_object_set_new(o, "key", etcd_b64(key, strlen(key))) < 0)
		return -ENOMEM;
	if (prefix) {
		size_t n;
		char *end = prefix_end(key, &n);
		int rc;

		if (end == NULL)
			return -ENOMEM;
		rc = json_object_set_new(o, "range_end", etcd_b64(end, n));
		free(end);
		if (rc < 0)
			return -ENOMEM;
	}
	return 0;
}

int
etcd_kv_decode(const json_t *o, struct fex_etcd_kv *kv)
{
	const char *k = json_string_value(json_object_get(o, "key"));
	const char *v = json_string_value(json_object_get(o, "value"));

	memset(kv, 0, sizeof(*kv));
	kv->key = fex_etcd_b64_decode(k != NULL ? k : "", &kv->key_len);
	kv->value = fex_etcd_b64_decode(v != NULL ? v : "", &kv->value_len);
	if (kv->key == NULL || kv->value == NULL) {
		free(kv->key);
		free(kv->value);
		kv->key = kv->value = NULL;
		return -EPROTO;
	}
	kv->create_revision = etcd_int(o, "create_revision");
	kv->mod_revision = etcd_int(o, "mod_revision");
	kv->version = etcd_int(o, "version");
	kv->lease = etcd_int(o, "lease");
	return 0;
}

void
etcd_kv_free(struct fex_etcd_kv *kv)
{
	free(kv->key);
	free(kv->value);
	kv->key = kv->value = NULL;
}

int
etcd_kvs_decode(const json_t *kvs, struct fex_etcd_kvs *out)
{
	size_t i;
	json_t *e;

	out->n = 0;
	out->kv = NULL;
	if (kvs == NULL)
		return 0;
	if (!json_is_array(kvs))
		return -EPROTO;
	out->kv = calloc(json_array_size(kvs) + 1, sizeof(*out->kv));
	if (out->kv == NULL)
		return -ENOMEM;
	json_array_foreach(kvs, i, e) {
		int rc = etcd_kv_decode(e, &out->kv[out->n]);

		if (rc < 0) {
			fex_etcd_kvs_free(out);
			return rc;
		}
		out->n++;
	}
	return 0;
}

void
fex_etcd_kvs_free(struct fex_etcd_kvs *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		etcd_kv_free(&r->kv[i]);
	free(r->kv);
	r->kv = NULL;
	r->n = 0;
}

int64_t
etcd_header_revision(const json_t *resp)
{
	return etcd_int(json_object_get(resp, "header"), "revision");
}
