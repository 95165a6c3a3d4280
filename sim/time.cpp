#include "sim/time.hpp"

#include <cstdio>

namespace mailsim::sim {

std::string format_duration(Time t) {
  const bool negative = t < 0;
  if (negative) t = -t;
  const long long h = t / kHour;
  const long long m = (t % kHour) / kMinute;
  const long long s = (t % kMinute) / kSecond;
  const long long us = t % kSecond;
  char buf[64];
  if (h > 0)
    std::snprintf(buf, sizeof buf, "%s%lldh%02lldm%02lld.%06llds", negative ? "-" : "", h, m, s, us);
  else if (m > 0)
    std::snprintf(buf, sizeof buf, "%s%lldm%02lld.%06llds", negative ? "-" : "", m, s, us);
  else
    std::snprintf(buf, sizeof buf, "%s%lld.%06llds", negative ? "-" : "", s, us);
  return buf;
}

namespace {
// Days since 1970-01-01 to civil date (Howard Hinnant's algorithm); no time zone database needed.
void civil_from_days(long long z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long yy = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yy + (m <= 2));
}
}  // namespace

std::string rfc5322_date(std::int64_t epoch_seconds, Time t) {
  static const char* const kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const long long secs = epoch_seconds + t / kSecond;
  long long days = secs / 86400;
  long long rem = secs % 86400;
  if (rem < 0) { rem += 86400; --days; }
  int y; unsigned mo, d;
  civil_from_days(days, y, mo, d);
  const int wd = static_cast<int>(((days % 7) + 7) % 7);
  char buf[64];
  if (y < 0 || y > 9999) {  // not a date any message carries; the general path
    std::snprintf(buf, sizeof buf, "%s, %u %s %04d %02lld:%02lld:%02lld +0000", kDays[wd], d, kMonths[mo - 1], y,
                  rem / 3600, (rem % 3600) / 60, rem % 60);
    return buf;
  }
  // Every Received: and Date: field is one of these: written digit by digit, as the
  // snprintf above would (it was 1 % of the mail flow's instructions).
  char* p = buf;
  const auto put = [&p](const char* s, std::size_t n) { for (std::size_t i = 0; i < n; ++i) *p++ = s[i]; };
  const auto two = [&p](long long v) { *p++ = static_cast<char>('0' + v / 10); *p++ = static_cast<char>('0' + v % 10); };
  put(kDays[wd], 3);
  put(", ", 2);
  if (d >= 10) *p++ = static_cast<char>('0' + d / 10);
  *p++ = static_cast<char>('0' + d % 10);
  *p++ = ' ';
  put(kMonths[mo - 1], 3);
  *p++ = ' ';
  two(y / 100);
  two(y % 100);
  *p++ = ' ';
  two(rem / 3600);
  *p++ = ':';
  two((rem % 3600) / 60);
  *p++ = ':';
  two(rem % 60);
  put(" +0000", 6);
  return std::string(buf, static_cast<std::size_t>(p - buf));
}

}  // namespace mailsim::sim
