#include "core/record/spill_file.h"

#include "core/record/csv_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>
#include <system_error>

namespace lblab {

namespace {

constexpr std::size_t kCopyChunkBytes = 1 << 20;

} // namespace

SpillFile::SpillFile(std::filesystem::path directory, std::string stem)
    : m_directory(std::move(directory)), m_stem(std::move(stem))
{
}

SpillFile::~SpillFile()
{
    m_stream.close();
    if (!m_path.empty()) {
        std::error_code ec;
        std::filesystem::remove(m_path, ec);
    }
}

std::string SpillFile::append(std::string_view bytes)
{
    if (!m_stream.is_open()) {
        if (m_path.empty()) {
            std::string reason = open();
            if (!reason.empty())
                return reason;
        } else {
            // Reopen the same file after a failure: its rows are part of the record.
            m_stream.clear();
            m_stream.open(m_path, std::ios::binary | std::ios::app);
            if (!m_stream)
                return "cannot reopen " + m_path.string() + ": " + std::strerror(errno);
        }
    }
    errno = 0;
    m_stream.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    m_stream.flush();
    if (m_stream) {
        m_bytes += bytes.size();
        return {};
    }
    const int error = errno;
    // Cut any partial write so the file holds whole rows only, then retry later from there.
    m_stream.close();
    std::error_code ec;
    std::filesystem::resize_file(m_path, m_bytes, ec);
    m_stream.clear();
    m_stream.open(m_path, std::ios::binary | std::ios::app);
    return "cannot write " + m_path.string() + ": " +
           (error ? std::string(std::strerror(error)) : std::string("write failed"));
}

std::string SpillFile::open()
{
    std::error_code ec;
    std::filesystem::path directory = m_directory;
    if (directory.empty()) {
        directory = std::filesystem::temp_directory_path(ec);
        if (ec)
            return "no temporary directory: " + ec.message();
    }
    std::filesystem::create_directories(directory, ec);
    std::random_device random;
    for (int attempt = 0; attempt < 8; ++attempt) {
        const std::uint64_t tag = (static_cast<std::uint64_t>(random()) << 32) ^ random();
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(tag));
        std::filesystem::path candidate = directory / ("lblab-" + m_stem + "-" + hex + ".csv");
        if (std::filesystem::exists(candidate, ec))
            continue;
        m_stream.clear();
        m_stream.open(candidate, std::ios::binary | std::ios::trunc);
        if (!m_stream)
            return "cannot create a spill file in " + directory.string() + ": " + std::strerror(errno);
        m_path = std::move(candidate);
        m_bytes = 0;
        return {};
    }
    return "cannot find a free spill file name in " + directory.string();
}

void copySpillPrefix(const std::filesystem::path& path, std::uint64_t bytes, std::ostream& out,
                     std::string_view what)
{
    if (bytes == 0)
        return;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read spill file " + path.string());
    std::string buffer(kCopyChunkBytes, '\0');
    while (bytes > 0) {
        const auto chunk = static_cast<std::streamsize>(std::min<std::uint64_t>(bytes, buffer.size()));
        in.read(buffer.data(), chunk);
        if (in.gcount() != chunk)
            throw std::runtime_error("cannot read spill file " + path.string() + ": it is shorter than written");
        writeOrThrow(out, std::string_view(buffer.data(), static_cast<std::size_t>(chunk)), what);
        bytes -= static_cast<std::uint64_t>(chunk);
    }
}

} // namespace lblab
