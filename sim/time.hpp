#pragma once
// Simulated time: an integer count of microseconds since the start of a run.
#include <cstdint>
#include <string>

namespace mailsim::sim {

using Time = std::int64_t;

inline constexpr Time kMicrosecond = 1;
inline constexpr Time kMillisecond = 1000;
inline constexpr Time kSecond = 1000 * kMillisecond;
inline constexpr Time kMinute = 60 * kSecond;
inline constexpr Time kHour = 60 * kMinute;
inline constexpr Time kDay = 24 * kHour;
inline constexpr Time kForever = INT64_MAX;

// "1h02m03.000450s"-style text for people; traces carry the raw integer.
std::string format_duration(Time t);

// RFC 5322 date-time for a simulated instant, given the wall-clock epoch (seconds since
// 1970) at which the simulation starts: "Thu, 26 Nov 2026 10:00:00 +0000".
std::string rfc5322_date(std::int64_t epoch_seconds, Time t);

}  // namespace mailsim::sim
