#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lblab {

/// Writes CSV rows ordered by their first field, a time in milliseconds with three decimals
/// (events.csv's t_ms); rows with equal times keep the order they were added in. Rows arrive in
/// record order: a prefix of a file (the capture's spill file), then text held in memory.
/// Memory stays bounded however long the file: it is cut into sorted runs of at most `runRows`
/// rows, written to temporary files beside it, then merged `fanIn` at a time. Temporary files
/// are removed when the object goes, whether the write succeeded or threw.
class TimeOrderedRows {
public:
    /// Where and how big the sorted runs are.
    struct Options {
        std::filesystem::path tempDirectory;   ///< where runs go (empty: the system's temp directory)
        std::size_t runRows = 100'000;         ///< rows per sorted run at most
        std::size_t runBytes = 64u << 20;      ///< bytes per sorted run at most (long rows)
        std::size_t fanIn = 64;                ///< runs merged at once (files open at once)
        std::string what = "events.csv";       ///< the file being written, named in errors
    };

    /// Starts with no rows.
    explicit TimeOrderedRows(Options options);
    /// Removes every temporary file still there.
    ~TimeOrderedRows();
    TimeOrderedRows(const TimeOrderedRows&) = delete;
    TimeOrderedRows& operator=(const TimeOrderedRows&) = delete;

    /// Adds the rows in the first `bytes` of `path` (whole rows, as the spill file holds).
    /// Throws std::runtime_error naming `what` when the file cannot be read or a run written.
    void addFile(const std::filesystem::path& path, std::uint64_t bytes);
    /// Adds rows held in memory (recorded after every row added before).
    void addText(std::string rows);
    /// Appends the output form of one row (line end included) to a buffer.
    using RowRewrite = std::function<void(std::string_view row, std::string& into)>;

    /// Writes every row added, in time order, to `out` (once: the rows are consumed), each through
    /// `rewrite` when one is given. Throws std::runtime_error naming `what`.
    void write(std::ostream& out, const RowRewrite& rewrite = {});
    /// Temporary run files on disk now (tests check none is left behind).
    std::size_t runFiles() const;

    /// The time of a row in microseconds, read from its leading "ms.mmm" field; nullopt if malformed.
    static std::optional<std::int64_t> rowTimeUs(std::string_view row);
    /// Where the row starting at `from` ends (just past its line feed, quotes respected), or text.size().
    static std::size_t rowEnd(std::string_view text, std::size_t from);

private:
    struct MemoryRun;
    /// One sorted run, on disk or in memory; runs are kept in record order, which breaks ties.
    struct Run {
        std::filesystem::path file;
        std::unique_ptr<MemoryRun> memory;
    };

    void addRun(std::unique_ptr<MemoryRun> run, bool toDisk);
    Run mergeGroup(std::vector<Run> group);
    void mergeInto(std::vector<Run>& runs, std::ostream& out, const std::string& target,
                   const RowRewrite* rewrite = nullptr);
    std::filesystem::path newRunPath();

    Options m_options;
    std::vector<Run> m_runs;
    std::vector<std::filesystem::path> m_files; ///< every temporary file made, removed at the end
    std::filesystem::path m_directory;
    std::uint64_t m_nextRun = 0;
    std::int64_t m_lastTimeUs = 0; ///< a malformed row takes its predecessor's time
};

} // namespace lblab
