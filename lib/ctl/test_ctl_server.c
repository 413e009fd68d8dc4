/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the control server itself: the permission check through a
 * real socket with a client running as nobody (SO_PEERCRED: root or the
 * socket's group may change, anyone may read), creation errors, and the
 * method registry.
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fex_test.h"
#include "fex_ctl_priv.h"
#include "test_ctl_common.h"

/* ---------------------------------------------------------------- permission */

/* Run one request as uid/gid in a child; return the reply's error code
 * (0 for a result, 1 if the child could not talk to the server). */
static int
call_as(const char *path, uid_t uid, gid_t gid, const char *line)
{
	int pfd[2], status;
	char buf[2048];
	ssize_t n;
	size_t got = 0;
	pid_t pid;
	json_t *r;
	int code;

	if (pipe(pfd) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd;

		close(pfd[0]);
		if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
			_exit(2);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			_exit(3);
		if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
			_exit(4);
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			if (write(pfd[1], buf, (size_t)n) != n)
				_exit(5);
			if (memchr(buf, '\n', (size_t)n) != NULL)
				break;
		}
		_exit(0);
	}
	close(pfd[1]);
	while (got < sizeof(buf) - 1 &&
	       (n = read(pfd[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(pfd[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "\nclient as uid %u failed: status %d\n",
			(unsigned int)uid, status);
		return 1;
	}
	r = json_loads(buf, JSON_DISABLE_EOF_CHECK, NULL);
	if (r == NULL)
		return 1;
	code = tcode(r);
	json_decref(r);
	return code;
}

static void
test_permission(void)
{
	static const char set[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
		"\"profile.set\",\"params\":{\"name\":\"perm\"}}\n";
	static const char list[] = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
		"\"profile.list\"}\n";
	char dir[] = "/tmp/test_ctl.XXXXXX", path[128], err[256];
	struct passwd *pw = getpwnam("nobody");
	struct fex_ctl *perm;
	struct stat st;

	if (pw == NULL) {
		fprintf(stderr, "no user nobody: permission test skipped\n");
		return;
	}
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	CU_ASSERT_FATAL(chmod(dir, 0755) == 0);
	snprintf(path, sizeof(path), "%s/sub/control.sock", dir);

	/* root only: nobody may read but not change */
	perm = tctl_new(NULL, path, NULL);
	CU_ASSERT_FATAL(perm != NULL);
	CU_ASSERT_FATAL(fex_ctl_start(perm, err, sizeof(err)) == 0);
	CU_ASSERT(stat(path, &st) == 0 && (st.st_mode & 0777) == 0660);
	CU_ASSERT(chmod(path, 0666) == 0);	/* let nobody connect */
	CU_ASSERT(call_as(path, pw->pw_uid, pw->pw_gid, set) == FEX_CTL_E_PERMISSION);
	CU_ASSERT(call_as(path, pw->pw_uid, pw->pw_gid, list) == 0);
	CU_ASSERT(call_as(path, 0, 0, set) == 0);
	tctl_free(perm);
	CU_ASSERT(access(path, F_OK) < 0);	/* unlinked on stop */

	/* nobody's group owns the socket: nobody may change */
	perm = tctl_new(NULL, path, "nogroup");
	if (perm == NULL)	/* no group "nogroup": its gid works too */
		perm = tctl_new(NULL, path, "65534");
	CU_ASSERT_FATAL(perm != NULL);
	CU_ASSERT_FATAL(fex_ctl_start(perm, err, sizeof(err)) == 0);
	CU_ASSERT(stat(path, &st) == 0 && st.st_gid == pw->pw_gid &&
		  (st.st_mode & 0777) == 0660);
	CU_ASSERT(call_as(path, pw->pw_uid, pw->pw_gid, set) == 0);
	/* another unprivileged uid outside the group: refused */
	CU_ASSERT(chmod(path, 0666) == 0);
	CU_ASSERT(call_as(path, 4242, 4242, set) == FEX_CTL_E_PERMISSION);
	tctl_free(perm);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

static void
test_create_errors(void)
{
	struct fex_ctl *ctl = tctl_new(NULL, NULL, NULL);
	struct fex_ctl_conf conf = { 0 };
	char err[256] = "";

	CU_ASSERT_FATAL(ctl != NULL);

	CU_ASSERT(fex_ctl_create(&conf, err, sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "conf.db") != NULL);
	conf.db = ctl->db;
	conf.group = "no-such-group-here";
	CU_ASSERT(fex_ctl_create(&conf, err, sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "no-such-group-here") != NULL);
	conf.group = NULL;
	conf.path = "/tmp/0123456789012345678901234567890123456789012345678901234567"
		"89012345678901234567890123456789012345678901234567890123456789.sock";
	CU_ASSERT(fex_ctl_create(&conf, err, sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "must be") != NULL);
	tctl_free(ctl);
}

static void
test_register(void)
{
	struct fex_ctl *ctl = tctl_new(NULL, NULL, NULL);
	struct fex_ctl_method m = { .name = "profile.set", .usage = "{}",
				    .handler = NULL };

	CU_ASSERT_FATAL(ctl != NULL);

	CU_ASSERT(fex_ctl_register(ctl, &m) == -EINVAL);
	m.handler = ctl->methods[0].m.handler;
	CU_ASSERT(fex_ctl_register(ctl, &m) == -EEXIST);
	tctl_free(ctl);
}

int
main(void)
{
	CU_pSuite s;

	if (fex_test_eal_init("test_ctl_server") < 0)
		return EXIT_FAILURE;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("ctl server", NULL, NULL);
	CU_add_test(s, "create: bad group, long path", test_create_errors);
	CU_add_test(s, "register: duplicate refused", test_register);
	CU_add_test(s, "permission: SO_PEERCRED, root or group", test_permission);
	return fex_test_run();
}
