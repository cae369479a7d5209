#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iosfwd>
#include <string>
#include <string_view>

namespace lblab {

/// An append-only file of CSV rows in the spill directory, created on first use and removed
/// with its owner. A failed append leaves the file as it was, so no row is ever half-written.
/// Not thread-safe: its owner serialises appends (the capture's spill lock).
class SpillFile {
public:
    /// A file named "lblab-<stem>-<random>.csv" in `directory` (empty: the system's temp directory).
    SpillFile(std::filesystem::path directory, std::string stem);
    /// Removes the file.
    ~SpillFile();
    SpillFile(const SpillFile&) = delete;
    SpillFile& operator=(const SpillFile&) = delete;

    /// Appends `bytes`; on failure returns the reason and keeps the file's previous content.
    std::string append(std::string_view bytes);
    /// Where the file is (empty until first used).
    const std::filesystem::path& path() const { return m_path; }
    /// Bytes of whole rows written so far.
    std::uint64_t bytes() const { return m_bytes; }

private:
    std::string open();

    std::filesystem::path m_directory;
    std::string m_stem;
    std::filesystem::path m_path;
    std::ofstream m_stream;
    std::uint64_t m_bytes = 0;
};

/// Copies the first `bytes` of a spill file to `out`. The file only grows at its end while this
/// runs, so the prefix is stable without holding any lock. Throws std::runtime_error naming `what`.
void copySpillPrefix(const std::filesystem::path& path, std::uint64_t bytes, std::ostream& out,
                     std::string_view what);

} // namespace lblab
