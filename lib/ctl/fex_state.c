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
