/*
 * NVM Subsystem Health Status Poll rate of libnvme-mi (the C reference), for comparison with
 * this project's requester (examples/health_poll_rate.rs). Both run against the same
 * `nvme-mi serve` inside the User-Mode Linux rig: see scripts/bench-libnvme.sh and
 * BENCHMARKS.md.
 *
 * Usage: health_poll NET EID COUNT
 *
 * Opens mctp:NET,EID with libnvme-mi's public API (quirk probing off, so that nothing but the
 * polls goes to the endpoint), does 10 untimed polls, then times COUNT polls with
 * clock_gettime(CLOCK_MONOTONIC). Prints one line:
 *
 *   libnvme-mi: COUNT polls in SECONDS s: RATE polls/s
 *
 * Exits non-zero if any poll fails.
 *
 * Build: gcc -O2 -Wall -Wextra -o health_poll health_poll.c -lnvme-mi
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libnvme-mi.h>

#define WARMUP 10

static double seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static int poll_once(nvme_mi_ep_t ep, long i)
{
	struct nvme_mi_nvm_ss_health_status st;
	int rc;

	memset(&st, 0, sizeof(st));
	rc = nvme_mi_mi_subsystem_health_status_poll(ep, false, &st);
	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "health_poll: poll %ld: %s\n", i, strerror(errno));
		else
			fprintf(stderr, "health_poll: poll %ld: status 0x%x\n", i, rc);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	unsigned long net, eid;
	nvme_root_t root;
	nvme_mi_ep_t ep;
	long count, i;
	double dt;
	int ret = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: %s NET EID COUNT\n", argv[0]);
		return 2;
	}
	net = strtoul(argv[1], NULL, 0);
	eid = strtoul(argv[2], NULL, 0);
	count = strtol(argv[3], NULL, 0);
	if (eid > 0xff || count <= 0) {
		fprintf(stderr, "health_poll: bad EID or COUNT\n");
		return 2;
	}

	root = nvme_mi_create_root(stderr, DEFAULT_LOGLEVEL);
	if (!root) {
		fprintf(stderr, "health_poll: nvme_mi_create_root: %s\n", strerror(errno));
		return 1;
	}
	nvme_mi_set_probe_enabled(root, false);
	ep = nvme_mi_open_mctp(root, (unsigned int)net, (uint8_t)eid);
	if (!ep) {
		fprintf(stderr, "health_poll: nvme_mi_open_mctp(%lu, %lu): %s\n", net, eid,
			strerror(errno));
		goto out_root;
	}

	for (i = 0; i < WARMUP; i++)
		if (poll_once(ep, i))
			goto out_ep;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++)
		if (poll_once(ep, i))
			goto out_ep;
	clock_gettime(CLOCK_MONOTONIC, &t1);

	dt = seconds(&t0, &t1);
	printf("libnvme-mi: %ld polls in %.3f s: %.0f polls/s\n", count, dt, (double)count / dt);
	ret = 0;

out_ep:
	nvme_mi_close(ep);
out_root:
	nvme_mi_free_root(root);
	return ret;
}
