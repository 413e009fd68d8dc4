/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * State persistence: one JSON document, replaced atomically.
 *
 *   {"version": 1,
 *    "profiles": [ profile.set params ... ],
 *    "vifs":     [ {vif, port, mac, profile, instance_uuid, state} ... ],
 *    "viflists": [ {id, vifs} ... ]}
 *
 * Written as: temp file in the same directory, fsync, rename over the
 * old one, fsync of the directory. A reader (or a crash) sees the old
 * document or the new one, never a mix.
 */
#define _GNU_SOURCE	/* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fex_ctl_priv.h"

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

static void
dir_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

int
fex_state_write(const char *path, const json_t *doc, char *err, size_t errlen)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	char *text;
	int fd, dfd, rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "state file %s: path too long", path);
		return -ENAMETOOLONG;
	}
	text = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS);
	if (text == NULL) {
		snprintf(err, errlen, "state file %s: out of memory", path);
		return -ENOMEM;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(-rc));
		goto out_free;
	}
	rc = write_all(fd, text, strlen(text));
	if (rc == 0)
		rc = write_all(fd, "\n", 1);
	if (rc == 0 && fchmod(fd, 0600) < 0)
		rc = -errno;
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(-rc));
		goto out_unlink;
	}
	if (rename(tmp, path) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path,
			 strerror(-rc));
		goto out_unlink;
	}
	dir_of(path, dir, sizeof(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0)
		/* The new file is in place and is what the tables hold; only
		 * the durability of the rename is unsure: not a failure. */
		CTL_LOG(WARNING, "state file %s: cannot sync directory %s: %s",
			path, dir, strerror(errno));
	if (dfd >= 0)
		close(dfd);
	free(text);
	return 0;
out_unlink:
	unlink(tmp);
out_free:
	free(text);
	return rc;
}

int
fex_state_read(const char *path, json_t **doc, char *err, size_t errlen)
{
	json_error_t jerr;
	struct stat st;

	*doc = NULL;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "state file %s: %s", path, strerror(errno));
		return -errno;
	}
	*doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (*doc == NULL) {
		snprintf(err, errlen, "state file %s is corrupt: line %d column %d: "
			 "%s; fix or remove it (the server starts empty without it)",
			 path, jerr.line, jerr.column, jerr.text);
		return -EINVAL;
	}
	return 0;
}

/* ---- the document: built from and re-applied to the tables ---- */

json_t *
ctl_dump_state(struct fex_ctl *ctl)
{
	json_t *profiles = ctl_profile_dump(ctl), *vifs = ctl_vif_dump(ctl);
	json_t *lists = ctl_viflist_dump(ctl);

	if (profiles == NULL || vifs == NULL || lists == NULL) {
		json_decref(profiles);
		json_decref(vifs);
		json_decref(lists);
		return NULL;
	}
	return json_pack("{s:i, s:o, s:o, s:o}", "version", 1,
			 "profiles", profiles, "vifs", vifs, "viflists", lists);
}

static json_t *
state_array(json_t *doc, const char *key, const char *file, char *err,
	    size_t errlen)
{
	json_t *a = json_object_get(doc, key);

	if (a == NULL)
		return json_array();
	if (!json_is_array(a)) {
		snprintf(err, errlen, "state file %s: \"%s\" must be an array",
			 file, key);
		return NULL;
	}
	return json_incref(a);
}

int
ctl_apply_state(struct fex_ctl *ctl, json_t *doc, const char *file,
		char *errbuf, size_t errlen)
{
	static const char *const top[] = {
		"version", "profiles", "vifs", "viflists", NULL };
	json_t *profiles = NULL, *vifs = NULL, *lists = NULL, *e;
	struct fex_ctl_err err = { .code = 0 };
	const char *what = "";
	uint64_t ver;
	size_t i = 0;
	int rc = -EINVAL;

	if (!json_is_object(doc)) {
		snprintf(errbuf, errlen, "state file %s: must be a JSON object "
			 "{\"version\":1, \"profiles\":[...], \"vifs\":[...], "
			 "\"viflists\":[...]}", file);
		return -EINVAL;
	}
	if (param_only(doc, top, &err) < 0 ||
	    param_uint(doc, "version", true, 1, 1, "the state format", &ver,
		       &err) < 0) {
		snprintf(errbuf, errlen, "state file %s: %s", file, err.message);
		return -EINVAL;
	}
	profiles = state_array(doc, "profiles", file, errbuf, errlen);
	vifs = state_array(doc, "vifs", file, errbuf, errlen);
	lists = state_array(doc, "viflists", file, errbuf, errlen);
	if (profiles == NULL || vifs == NULL || lists == NULL)
		goto out;

	what = "profiles";
	json_array_foreach(profiles, i, e) {
		rc = json_is_object(e) ? ctl_profile_restore(ctl, e, &err) : -1;
		if (rc < 0)
			goto out_item;
	}
	what = "vifs";
	json_array_foreach(vifs, i, e) {
		rc = json_is_object(e) ? ctl_vif_restore(ctl, e, &err) : -1;
		if (rc < 0)
			goto out_item;
	}
	what = "viflists";
	json_array_foreach(lists, i, e) {
		rc = json_is_object(e) ? ctl_viflist_restore(ctl, e, &err) : -1;
		if (rc < 0)
			goto out_item;
	}
	rc = 0;
	goto out;
out_item:
	if (err.code == 0)
		fex_ctl_err_set(&err, FEX_CTL_E_PARAMS, NULL, "must be an object");
	snprintf(errbuf, errlen, "state file %s: %s[%zu]: %s", file, what, i,
		 err.message);
	rc = -EINVAL;
out:
	json_decref(profiles);
	json_decref(vifs);
	json_decref(lists);
	return rc;
}

int
fex_ctl_restore(struct fex_ctl *ctl, char *err, size_t errlen)
{
	json_t *doc;
	int rc;

	if (ctl->state_path == NULL)
		return 0;
	rc = fex_state_read(ctl->state_path, &doc, err, errlen);
	if (rc < 0 || doc == NULL)
		return rc;
	rc = ctl_apply_state(ctl, doc, ctl->state_path, err, errlen);
	json_decref(doc);
	if (rc == 0)
		CTL_LOG(INFO, "state restored from %s", ctl->state_path);
	return rc;
}
