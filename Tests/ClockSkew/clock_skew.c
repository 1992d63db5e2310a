// clock_skew: an LD_PRELOAD library that moves this process's wall clock by KIAMO_CLOCK_SKEW_S
// seconds (CLOCK_REALTIME, gettimeofday, time) and leaves every other clock alone, so a test can
// run a worker on "a host whose clock is 30 s off". Built by the SharedState tests with `cc`.
//
// Why not Debian's faketime (libfaketime 0.9.10): under it, Swift's Task.sleep in the probe
// never wakes (with DONT_FAKE_MONOTONIC=1 too), so the probe stops renewing its lease and the
// skew tests would pass or fail for the wrong reason. This shim touches only the wall clock.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long skew_seconds(void) {
    const char *text = getenv("KIAMO_CLOCK_SKEW_S");
    return text ? atol(text) : 0;
}

int clock_gettime(clockid_t clock, struct timespec *ts) {
    static int (*real)(clockid_t, struct timespec *);
    if (!real) real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    int result = real(clock, ts);
    if (result == 0 && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)) ts->tv_sec += skew_seconds();
    return result;
}

int gettimeofday(struct timeval *tv, void *tz) {
    struct timespec ts;
    int result = clock_gettime(CLOCK_REALTIME, &ts);
    (void)tz;
    if (result == 0 && tv) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    return result;
}

time_t time(time_t *out) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (out) *out = ts.tv_sec;
    return ts.tv_sec;
}
