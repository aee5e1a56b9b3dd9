// Process-shared futex wait and wake on a 32-bit word of a shared mapping (Linux).
//
// Not FUTEX_PRIVATE_FLAG: the word lives in a MAP_SHARED segment and the waker is usually another
// process; the kernel keys a shared futex by (inode, offset), so both mappings meet.
#ifndef QKRING_FUTEX_H_
#define QKRING_FUTEX_H_

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>

namespace qkring {

enum class WaitResult : int {
  kWoken = 0,      // woken, or a spurious or signal-interrupted return: re-check the word
  kNotEqual = 1,   // the word no longer held the expected value
  kTimedOut = 2,   // the timeout elapsed
  kFault = 3,      // the address is not mapped (EFAULT): the caller passed a bad word
};

// Sleeps while *word == expected, at most timeout_ms milliseconds (< 0: no timeout).
inline WaitResult futex_wait(const void* word, uint32_t expected, double timeout_ms) {
  struct timespec ts;
  struct timespec* tsp = nullptr;
  if (timeout_ms >= 0) {
    const double clamped = timeout_ms > 1e9 ? 1e9 : timeout_ms;
    const auto whole = static_cast<long long>(clamped);
    ts.tv_sec = static_cast<time_t>(whole / 1000);
    ts.tv_nsec = static_cast<long>((clamped - static_cast<double>(ts.tv_sec) * 1000.0) * 1e6);
    if (ts.tv_nsec >= 1000000000L) ts.tv_nsec = 999999999L;
    tsp = &ts;
  }
  const long rc = syscall(SYS_futex, word, FUTEX_WAIT, expected, tsp, nullptr, 0);
  if (rc == 0) return WaitResult::kWoken;
  switch (errno) {
    case EAGAIN:
      return WaitResult::kNotEqual;
    case ETIMEDOUT:
      return WaitResult::kTimedOut;
    case EFAULT:
      return WaitResult::kFault;
    default:
      return WaitResult::kWoken;
  }
}

// Wakes up to count waiters on word; returns how many were woken.
inline int futex_wake(const void* word, int count) {
  const long rc = syscall(SYS_futex, word, FUTEX_WAKE, count, nullptr, nullptr, 0);
  return rc < 0 ? 0 : static_cast<int>(rc);
}

inline int futex_wake_all(const void* word) { return futex_wake(word, INT_MAX); }

}  // namespace qkring

#endif  // QKRING_FUTEX_H_
