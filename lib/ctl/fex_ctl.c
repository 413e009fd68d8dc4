/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control object: created from its configuration, the listening
 * unix socket (its directories, a stale socket file, mode and group),
 * the start and stop of the server thread (fex_ctl_server.c), hooks and
 * counters. A request line is served by fex_rpc.c, the methods by
 * fex_ctl_methods.c and one file per object.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_lcore.h>

#include "fex_ctl_priv.h"

RTE_LOG_REGISTER(fex_logtype_ctl, fex.ctl, INFO);

/* ---------------------------------------------------------------- socket */

static int
make_dirs(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	char *p;

	if (strlen(path) >= sizeof(dir)) {
		snprintf(err, errlen, "socket path %s: too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(dir, path);
	p = strrchr(dir, '/');
	if (p == NULL || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create directory %s: %s",
				 dir, strerror(errno));
			return -errno;
		}
		*p = '/';
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create directory %s: %s", dir,
			 strerror(errno));
		return -errno;
	}
	return 0;
}

/* A socket file left by a dead server is removed; a live one is not. */
static int
clear_stale(const struct sockaddr_un *sa, char *err, size_t errlen)
{
	struct stat st;
	int fd, rc;

	if (lstat(sa->sun_path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket; remove it "
			 "or choose another control path", sa->sun_path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -errno;
	}
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (rc == 0) {
		snprintf(err, errlen, "another server is listening on %s; stop it "
			 "or choose another control path", sa->sun_path);
		return -EADDRINUSE;
	}
	unlink(sa->sun_path);
	return 0;
}

static int
open_socket(struct fex_ctl *ctl, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rc;

	rc = make_dirs(ctl->path, err, errlen);
	if (rc < 0)
		return rc;
	strcpy(sa.sun_path, ctl->path);
	rc = clear_stale(&sa, err, errlen);
	if (rc < 0)
		return rc;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -errno;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot bind %s: %s", ctl->path, strerror(errno));
		goto out_close;
	}
	/* The mode is set right after bind: umask is per process, and the
	 * permission check does not rely on the file mode anyway. */
	if (chmod(ctl->path, 0660) < 0 ||
	    (ctl->have_group && chown(ctl->path, (uid_t)-1, ctl->group) < 0)) {
		rc = -errno;
		snprintf(err, errlen, "cannot set mode 0660 / group of %s: %s",
			 ctl->path, strerror(errno));
		goto out_unlink;
	}
	if (listen(fd, 128) < 0) {
		rc = -errno;
		snprintf(err, errlen, "listen %s: %s", ctl->path, strerror(errno));
		goto out_unlink;
	}
	ctl->listen_fd = fd;
	return 0;
out_unlink:
	unlink(ctl->path);
out_close:
	close(fd);
	return rc;
}

static int
resolve_group(const char *name, gid_t *gid, char *err, size_t errlen)
{
	struct group gr, *res = NULL;
	char buf[4096];
	char *end;
	unsigned long v;

	if (getgrnam_r(name, &gr, buf, sizeof(buf), &res) == 0 && res != NULL) {
		*gid = gr.gr_gid;
		return 0;
	}
	errno = 0;
	v = strtoul(name, &end, 10);
	if (*name != '\0' && *end == '\0' && errno == 0 && v < UINT32_MAX) {
		*gid = (gid_t)v;
		return 0;
	}
	snprintf(err, errlen, "control group '%s': no such group; give an existing "
		 "group name or gid, or none for root only", name);
	return -ENOENT;
}

/* ---------------------------------------------------------------- API */

struct fex_ctl *
fex_ctl_create(const struct fex_ctl_conf *conf, char *err, size_t errlen)
{
	const char *path = conf->path != NULL ? conf->path : FEX_CTL_DEFAULT_PATH;
	struct fex_ctl *ctl;

	if (conf->db == NULL) {
		snprintf(err, errlen, "control: no VIF database given (conf.db)");
		return NULL;
	}
	if (strlen(path) == 0 || strlen(path) >= sizeof(ctl->path)) {
		snprintf(err, errlen, "control socket path '%s': must be 1..%zu "
			 "characters", path, sizeof(ctl->path) - 1);
		return NULL;
	}
	ctl = calloc(1, sizeof(*ctl));
	if (ctl == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	strcpy(ctl->path, path);
	ctl->listen_fd = -1;
	ctl->stop_fd = -1;
	ctl->epoll_fd = -1;
	ctl->db = conf->db;
	ctl->hooks = conf->hooks;
	ctl->idle_ms = conf->idle_ms ? conf->idle_ms : FEX_CTL_DEFAULT_IDLE_MS;
	ctl->max_request = conf->max_request ? conf->max_request :
		FEX_CTL_DEFAULT_MAX_REQUEST;
	ctl->max_output = conf->max_output ? conf->max_output :
		FEX_CTL_DEFAULT_MAX_OUTPUT;
	ctl->max_clients = conf->max_clients ? conf->max_clients :
		FEX_CTL_DEFAULT_MAX_CLIENTS;
	if (ctl->max_output < 4096)
		ctl->max_output = 4096;
	if (conf->group != NULL && conf->group[0] != '\0') {
		if (resolve_group(conf->group, &ctl->group, err, errlen) < 0)
			goto out_free;
		ctl->have_group = true;
	}
	if (conf->state_path != NULL && conf->state_path[0] != '\0') {
		ctl->state_path = strdup(conf->state_path);
		if (ctl->state_path == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out_free;
		}
	}
	if (ctl_register_builtin(ctl) < 0) {
		snprintf(err, errlen, "cannot register the control methods");
		goto out_free;
	}
	return ctl;
out_free:
	fex_ctl_destroy(ctl);
	return NULL;
}

int
fex_ctl_start(struct fex_ctl *ctl, char *err, size_t errlen)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int rc;

	if (ctl->running) {
		snprintf(err, errlen, "control server already running on %s", ctl->path);
		return -EALREADY;
	}
	rc = open_socket(ctl, err, errlen);
	if (rc < 0)
		return rc;
	ctl->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ctl->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (ctl->stop_fd < 0 || ctl->epoll_fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "eventfd/epoll: %s", strerror(errno));
		goto out_close;
	}
	ev.data.ptr = &ctl->stop_fd;
	if (epoll_ctl(ctl->epoll_fd, EPOLL_CTL_ADD, ctl->stop_fd, &ev) < 0)
		goto out_errno;
	ev.data.ptr = &ctl->listen_fd;
	if (epoll_ctl(ctl->epoll_fd, EPOLL_CTL_ADD, ctl->listen_fd, &ev) < 0)
		goto out_errno;
	for (unsigned int i = 0; i < ctl->nb_sources; i++) {
		ev.data.ptr = &ctl->sources[i];
		if (epoll_ctl(ctl->epoll_fd, EPOLL_CTL_ADD, ctl->sources[i].fd, &ev) < 0)
			goto out_errno;
	}
	rc = rte_ctrl_thread_create(&ctl->thread, "fex-ctl", NULL, ctl_server_main, ctl);
	if (rc != 0) {
		rc = -rc;
		snprintf(err, errlen, "cannot start the control thread: %s",
			 strerror(-rc));
		goto out_close;
	}
	ctl->running = true;
	CTL_LOG(INFO, "listening on %s", ctl->path);
	return 0;
out_errno:
	rc = -errno;
	snprintf(err, errlen, "epoll_ctl: %s", strerror(errno));
out_close:
	fex_ctl_stop(ctl);
	return rc;
}

void
fex_ctl_stop(struct fex_ctl *ctl)
{
	if (ctl == NULL)
		return;
	if (ctl->running) {
		uint64_t one = 1;

		if (write(ctl->stop_fd, &one, sizeof(one)) != sizeof(one))
			CTL_LOG(ERR, "cannot wake the control thread: %s",
				strerror(errno));
		pthread_join(ctl->thread, NULL);
		ctl->running = false;
	}
	if (ctl->listen_fd >= 0) {
		close(ctl->listen_fd);
		unlink(ctl->path);
		ctl->listen_fd = -1;
	}
	if (ctl->stop_fd >= 0) {
		close(ctl->stop_fd);
		ctl->stop_fd = -1;
	}
	if (ctl->epoll_fd >= 0) {
		close(ctl->epoll_fd);
		ctl->epoll_fd = -1;
	}
}

void
fex_ctl_destroy(struct fex_ctl *ctl)
{
	unsigned int i;

	if (ctl == NULL)
		return;
	fex_ctl_stop(ctl);
	for (i = 0; i < ctl->nb_methods; i++) {
		free(ctl->methods[i].name);
		free(ctl->methods[i].usage);
	}
	free(ctl->methods);
	free(ctl->state_path);
	free(ctl);
}

const struct fex_ctl_hooks *
fex_ctl_hooks(const struct fex_ctl *ctl)
{
	return &ctl->hooks;
}

void
fex_ctl_set_store(struct fex_ctl *ctl, const struct fex_ctl_store *store)
{
	if (store != NULL)
		ctl->store = *store;
	else
		memset(&ctl->store, 0, sizeof(ctl->store));
}

int
fex_ctl_add_source(struct fex_ctl *ctl, int fd, void (*ready)(void *arg),
		   void *arg)
{
	if (ctl->running)
		return -EBUSY;
	if (ctl->nb_sources == FEX_CTL_SOURCES_MAX)
		return -ENOSPC;
	ctl->sources[ctl->nb_sources].fd = fd;
	ctl->sources[ctl->nb_sources].ready = ready;
	ctl->sources[ctl->nb_sources].arg = arg;
	ctl->nb_sources++;
	return 0;
}

void
fex_ctl_counters(const struct fex_ctl *ctl, struct fex_ctl_counters *out)
{
	out->accepted = __atomic_load_n(&ctl->cnt.accepted, __ATOMIC_RELAXED);
	out->refused = __atomic_load_n(&ctl->cnt.refused, __ATOMIC_RELAXED);
	out->requests = __atomic_load_n(&ctl->cnt.requests, __ATOMIC_RELAXED);
	out->oversized = __atomic_load_n(&ctl->cnt.oversized, __ATOMIC_RELAXED);
	out->timed_out = __atomic_load_n(&ctl->cnt.timed_out, __ATOMIC_RELAXED);
	out->overflowed = __atomic_load_n(&ctl->cnt.overflowed, __ATOMIC_RELAXED);
	out->clients = __atomic_load_n(&ctl->cnt.clients, __ATOMIC_RELAXED);
}
