#pragma once

#include <QString>

#include <cstdint>
#include <string_view>

namespace lblab::ui {

/// UTF-8 text from the core as a QString.
inline QString toQString(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<int>(text.size()));
}

/// A time in microseconds since the run's start, in seconds (the charts' x axis).
inline double toSeconds(std::int64_t us)
{
    return static_cast<double>(us) / 1e6;
}

/// A time in microseconds as the panels print it: "12.3 s".
inline QString secondsText(std::int64_t us)
{
    return QString::number(toSeconds(us), 'f', 1) + QStringLiteral(" s");
}

} // namespace lblab::ui
