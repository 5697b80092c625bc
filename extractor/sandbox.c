/*
 * The worker's cage, entered before it looks at a byte of the document:
 * resource limits (CPU time, address space, no file it may create or grow
 * beyond its answer, no core file), no descriptor but stdin, stdout and
 * stderr, and then a seccomp filter that lets through only what reading
 * memory and writing the answer need: opening any file fails, and any
 * other system call (a socket, exec, fork, ptrace ...) kills the process.
 * A document that takes over the parser can then do no more than spend
 * its CPU time and memory, and write to the daemon's pipe.
 *
 * The filter is written here as plain BPF (the kernel's own interface,
 * linux/seccomp.h): the allow-list is short and fixed. Built with the
 * sanitizers, the filter is left out (their leak checker needs ptrace and
 * /proc at exit), and so are the descriptor limit and the address-space
 * limit (their shadow memory).
 */
#include "extractor/sandbox.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <glib.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

#if defined(__x86_64__)
#define AUDIT_ARCH_HERE AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AUDIT_ARCH_HERE AUDIT_ARCH_AARCH64
#endif

static int set_limit(int resource, rlim_t value, const char *what, const char **error_r)
{
	struct rlimit rl = { value, value };

	if (resource == RLIMIT_CPU)
		rl.rlim_max = value + 1;	/* SIGXCPU first, SIGKILL a second later */
	if (setrlimit(resource, &rl) < 0) {
		*error_r = what;
		return -1;
	}
	return 0;
}

int sandbox_limits(const struct sandbox_limits *lim, const char **error_r)
{
	if (close_range(3, ~0U, 0) < 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	if (set_limit(RLIMIT_CORE, 0, "cannot turn off core files", error_r) < 0 ||
	    set_limit(RLIMIT_FSIZE, lim->max_output, "cannot limit file sizes", error_r) < 0 ||
	    set_limit(RLIMIT_CPU, lim->cpu_seconds, "cannot limit CPU time", error_r) < 0)
		return -1;
#ifndef SANITIZED
	if (lim->memory != 0 &&
	    set_limit(RLIMIT_AS, lim->memory, "cannot limit memory", error_r) < 0)
		return -1;
	/* No descriptor beyond 0, 1 and 2 can be made from here on (the leak
	   checker of a sanitizer build needs to open /proc at exit). */
	if (set_limit(RLIMIT_NOFILE, 3, "cannot limit descriptors", error_r) < 0)
		return -1;
#endif
	return 0;
}

#if defined(AUDIT_ARCH_HERE) && !defined(SANITIZED)

#define ALLOW(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
		  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define REFUSE(nr, err) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err))

int sandbox_enter(const char **error_r)
{
	struct sock_filter filter[] = {
		/* Another architecture's calls have other numbers: kill. */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_HERE, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		ALLOW(SYS_read), ALLOW(SYS_write), ALLOW(SYS_close), ALLOW(SYS_lseek),
		ALLOW(SYS_fstat), ALLOW(SYS_newfstatat),
		ALLOW(SYS_mmap), ALLOW(SYS_munmap), ALLOW(SYS_mremap), ALLOW(SYS_mprotect),
		ALLOW(SYS_brk), ALLOW(SYS_madvise), ALLOW(SYS_futex),
		ALLOW(SYS_rt_sigreturn), ALLOW(SYS_rt_sigprocmask), ALLOW(SYS_rt_sigaction),
		ALLOW(SYS_sigaltstack), ALLOW(SYS_tgkill), ALLOW(SYS_gettid), ALLOW(SYS_getpid),
		ALLOW(SYS_getrandom), ALLOW(SYS_clock_gettime), ALLOW(SYS_clock_nanosleep),
		ALLOW(SYS_nanosleep), ALLOW(SYS_sched_yield), ALLOW(SYS_restart_syscall),
		ALLOW(SYS_sysinfo), ALLOW(SYS_getrusage), ALLOW(SYS_prlimit64),
		ALLOW(SYS_exit), ALLOW(SYS_exit_group),
		/* Looking for a file is answered, not punished: there is none. */
		REFUSE(SYS_openat, EACCES),
#ifdef SYS_open
		REFUSE(SYS_open, EACCES),
#endif
#ifdef SYS_access
		REFUSE(SYS_access, EACCES),
#endif
		REFUSE(SYS_faccessat, EACCES), REFUSE(SYS_readlinkat, EACCES),
		REFUSE(SYS_ioctl, ENOTTY), REFUSE(SYS_getcwd, ENOENT),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	};
	struct sock_fprog prog = { .len = G_N_ELEMENTS(filter), .filter = filter };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		*error_r = "cannot set no_new_privs";
		return -1;
	}
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		*error_r = "cannot install the seccomp filter";
		return -1;
	}
	return 0;
}

bool sandbox_filtered(void)
{
	return true;
}

#else

int sandbox_enter(const char **error_r)
{
	/* No filter for this architecture or build; the limits still hold. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		*error_r = "cannot set no_new_privs";
		return -1;
	}
	return 0;
}

bool sandbox_filtered(void)
{
	return false;
}

#endif
