#include "core/record/time_ordered_rows.h"

#include "core/record/csv_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <queue>
#include <random>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace lblab {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kReadBufferBytes = 256 * 1024; // per run being merged: fanIn of them at once
constexpr std::size_t kWriteBufferBytes = 1 << 20;
constexpr std::size_t kMaxMillisDigits = 15;         // keeps ms * 1000 inside an int64

/// Scans `text` from `from` for the end of a row, carrying the quote state across calls (a row
/// may span two buffers). Returns the position just past the row's line feed, or npos.
std::size_t scanRow(std::string_view text, std::size_t from, bool& inQuotes)
{
    for (std::size_t i = from; i < text.size();) {
        i = text.find_first_of(inQuotes ? std::string_view("\"") : std::string_view("\"\n"), i);
        if (i == std::string_view::npos)
            return i;
        if (text[i] == '\n')
            return i + 1;
        inQuotes = !inQuotes; // a doubled quote inside a field toggles twice
        ++i;
    }
    return std::string_view::npos;
}

/// Reads whole CSV rows from the first `limit` bytes of a file, through a bounded buffer.
class RowReader {
public:
    RowReader(const fs::path& path, std::uint64_t limit, const std::string& what)
        : m_path(path), m_in(path, std::ios::binary), m_left(limit), m_what(what)
    {
        if (!m_in)
            throw std::runtime_error("cannot write " + what + ": cannot read " + path.string() + ": " +
                                     std::strerror(errno));
    }

    /// The next row (line end included) into `row`; false when none is left.
    bool next(std::string& row)
    {
        row.clear();
        bool inQuotes = false;
        for (;;) {
            if (m_pos == m_buffer.size() && !refill())
                return !row.empty(); // a last row without a line end is still a row
            const std::string_view rest = std::string_view(m_buffer).substr(m_pos);
            const std::size_t end = scanRow(rest, 0, inQuotes);
            if (end != std::string_view::npos) {
                row.append(rest.substr(0, end));
                m_pos += end;
                return true;
            }
            row.append(rest);
            m_pos = m_buffer.size();
        }
    }

private:
    bool refill()
    {
        if (m_left == 0)
            return false;
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(m_left, kReadBufferBytes));
        m_buffer.resize(want);
        m_in.read(m_buffer.data(), static_cast<std::streamsize>(want));
        if (static_cast<std::size_t>(m_in.gcount()) != want)
            throw std::runtime_error("cannot write " + m_what + ": cannot read " + m_path.string() +
                                     ": it is shorter than written");
        m_left -= want;
        m_pos = 0;
        return true;
    }

    fs::path m_path;
    std::ifstream m_in;
    std::uint64_t m_left;
    std::string m_what;
    std::string m_buffer;
    std::size_t m_pos = 0;
};

/// The size of a run file; throws naming `what` when it cannot be read.
std::uint64_t sizeOf(const fs::path& path, const std::string& what)
{
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec)
        throw std::runtime_error("cannot write " + what + ": cannot read " + path.string() + ": " + ec.message());
    return size;
}

/// Output through a buffer, so a merge writes megabytes at a time rather than a row at a time.
class BufferedOut {
public:
    BufferedOut(std::ostream& out, std::string what) : m_out(out), m_what(std::move(what))
    {
        m_buffer.reserve(kWriteBufferBytes + 4096);
    }
    void append(std::string_view row)
    {
        m_buffer.append(row);
        if (m_buffer.size() >= kWriteBufferBytes)
            flush();
    }
    void flush()
    {
        writeOrThrow(m_out, m_buffer, m_what);
        m_buffer.clear();
    }

private:
    std::ostream& m_out;
    std::string m_what;
    std::string m_buffer;
};

} // namespace

/// Rows in memory with their times, sorted (stably) by time once complete.
struct TimeOrderedRows::MemoryRun {
    struct Key {
        std::int64_t timeUs = 0;
        std::size_t offset = 0;
        std::size_t length = 0;
    };
    std::string text;
    std::vector<Key> keys;

    std::string_view row(const Key& k) const { return std::string_view(text).substr(k.offset, k.length); }
    void sort()
    {
        std::stable_sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) { return a.timeUs < b.timeUs; });
    }
};

namespace {

/// Walks one sorted run, row by row.
class Cursor {
public:
    virtual ~Cursor() = default;
    /// Moves to the next row; false at the end.
    virtual bool next() = 0;
    std::int64_t timeUs = 0;
    std::string_view row;
};

} // namespace

std::optional<std::int64_t> TimeOrderedRows::rowTimeUs(std::string_view row)
{
    std::size_t i = 0;
    const bool negative = !row.empty() && row[0] == '-';
    if (negative)
        ++i;
    std::int64_t ms = 0;
    std::size_t digits = 0;
    for (; i < row.size() && row[i] >= '0' && row[i] <= '9'; ++i, ++digits) {
        if (digits == kMaxMillisDigits)
            return std::nullopt;
        ms = ms * 10 + (row[i] - '0');
    }
    if (digits == 0 || i + 4 > row.size() || row[i] != '.')
        return std::nullopt;
    std::int64_t fraction = 0;
    for (std::size_t k = i + 1; k < i + 4; ++k) {
        if (row[k] < '0' || row[k] > '9')
            return std::nullopt;
        fraction = fraction * 10 + (row[k] - '0');
    }
    i += 4;
    if (i < row.size() && row[i] != ',' && row[i] != '\r' && row[i] != '\n')
        return std::nullopt;
    const std::int64_t us = ms * 1000 + fraction;
    return negative ? -us : us;
}

std::size_t TimeOrderedRows::rowEnd(std::string_view text, std::size_t from)
{
    bool inQuotes = false;
    const std::size_t end = scanRow(text, from, inQuotes);
    return end == std::string_view::npos ? text.size() : end;
}

TimeOrderedRows::TimeOrderedRows(Options options) : m_options(std::move(options))
{
    m_options.runRows = std::max<std::size_t>(m_options.runRows, 1);
    m_options.runBytes = std::max<std::size_t>(m_options.runBytes, 1);
    m_options.fanIn = std::max<std::size_t>(m_options.fanIn, 2);
}

TimeOrderedRows::~TimeOrderedRows()
{
    for (const auto& file : m_files) {
        std::error_code ignored;
        fs::remove(file, ignored);
    }
}

std::size_t TimeOrderedRows::runFiles() const
{
    std::size_t n = 0;
    for (const auto& file : m_files) {
        std::error_code ec;
        n += fs::exists(file, ec) ? 1 : 0;
    }
    return n;
}

fs::path TimeOrderedRows::newRunPath()
{
    if (m_directory.empty()) {
        std::error_code ec;
        m_directory = m_options.tempDirectory.empty() ? fs::temp_directory_path(ec) : m_options.tempDirectory;
        if (ec)
            throw std::runtime_error("cannot write " + m_options.what + ": no temporary directory to sort in: " +
                                     ec.message());
        fs::create_directories(m_directory, ec);
    }
    // A random tag per export keeps two exports running at once (two windows) apart.
    static thread_local std::mt19937_64 random{std::random_device{}()};
    char name[64];
    std::snprintf(name, sizeof name, "lblab-sort-%016llx-%llu.csv", static_cast<unsigned long long>(random()),
                  static_cast<unsigned long long>(m_nextRun++));
    fs::path path = m_directory / name;
    m_files.push_back(path);
    return path;
}

void TimeOrderedRows::addRun(std::unique_ptr<MemoryRun> run, bool toDisk)
{
    run->sort();
    if (!toDisk) {
        m_runs.push_back({{}, std::move(run)});
        return;
    }
    const fs::path path = newRunPath();
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file)
        throw std::runtime_error("cannot write " + m_options.what + ": cannot create a sorted run in " +
                                 m_directory.string() + ": " + std::strerror(errno));
    BufferedOut out(file, m_options.what + " (sorted run " + path.string() + ")");
    for (const auto& key : run->keys)
        out.append(run->row(key));
    out.flush();
    file.flush();
    if (!file)
        throw std::runtime_error("cannot write " + m_options.what + ": cannot write the sorted run " +
                                 path.string());
    m_runs.push_back({path, nullptr});
}

void TimeOrderedRows::addFile(const fs::path& path, std::uint64_t bytes)
{
    if (bytes == 0)
        return;
    RowReader reader(path, bytes, m_options.what);
    auto run = std::make_unique<MemoryRun>();
    std::string row;
    while (reader.next(row)) {
        const std::int64_t t = rowTimeUs(row).value_or(m_lastTimeUs);
        m_lastTimeUs = t;
        run->keys.push_back({t, run->text.size(), row.size()});
        run->text += row;
        if (run->keys.size() >= m_options.runRows || run->text.size() >= m_options.runBytes) {
            addRun(std::move(run), true);
            run = std::make_unique<MemoryRun>();
        }
    }
    // The last, partial run stays in memory: it is no bigger than one run on disk would be.
    if (!run->keys.empty())
        addRun(std::move(run), false);
}

void TimeOrderedRows::addText(std::string rows)
{
    if (rows.empty())
        return;
    auto run = std::make_unique<MemoryRun>();
    run->text = std::move(rows);
    const std::string_view text(run->text);
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t end = rowEnd(text, at);
        const std::int64_t t = rowTimeUs(text.substr(at, end - at)).value_or(m_lastTimeUs);
        m_lastTimeUs = t;
        run->keys.push_back({t, at, end - at});
        at = end;
    }
    addRun(std::move(run), false);
}

void TimeOrderedRows::mergeInto(std::vector<Run>& runs, std::ostream& out, const std::string& target,
                                const RowRewrite* rewrite)
{
    class MemoryCursor : public Cursor {
    public:
        explicit MemoryCursor(const MemoryRun& run) : m_run(run) {}
        bool next() override
        {
            if (m_next == m_run.keys.size())
                return false;
            const auto& key = m_run.keys[m_next++];
            timeUs = key.timeUs;
            row = m_run.row(key);
            return true;
        }

    private:
        const MemoryRun& m_run;
        std::size_t m_next = 0;
    };
    class FileCursor : public Cursor {
    public:
        FileCursor(const fs::path& path, const std::string& what) : m_reader(path, sizeOf(path, what), what) {}
        bool next() override
        {
            if (!m_reader.next(m_row))
                return false;
            timeUs = rowTimeUs(m_row).value_or(timeUs); // sorted already: a malformed row stays in place
            row = m_row;
            return true;
        }

    private:
        RowReader m_reader;
        std::string m_row;
    };

    std::vector<std::unique_ptr<Cursor>> cursors;
    cursors.reserve(runs.size());
    for (const Run& run : runs) {
        if (run.memory)
            cursors.push_back(std::make_unique<MemoryCursor>(*run.memory));
        else
            cursors.push_back(std::make_unique<FileCursor>(run.file, m_options.what));
    }
    // Smallest time first; on a tie the earlier run, which holds the earlier records: a stable merge.
    using Head = std::pair<std::int64_t, std::size_t>;
    std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
    for (std::size_t i = 0; i < cursors.size(); ++i)
        if (cursors[i]->next())
            heads.emplace(cursors[i]->timeUs, i);
    BufferedOut buffered(out, target);
    std::string rewritten;
    while (!heads.empty()) {
        const std::size_t i = heads.top().second;
        heads.pop();
        if (rewrite && *rewrite) {
            rewritten.clear();
            (*rewrite)(cursors[i]->row, rewritten);
            buffered.append(rewritten);
        } else {
            buffered.append(cursors[i]->row);
        }
        if (cursors[i]->next())
            heads.emplace(cursors[i]->timeUs, i);
    }
    buffered.flush();
}

TimeOrderedRows::Run TimeOrderedRows::mergeGroup(std::vector<Run> group)
{
    const fs::path path = newRunPath();
    {
        std::ofstream file(path, std::ios::binary | std::ios::trunc);
        if (!file)
            throw std::runtime_error("cannot write " + m_options.what + ": cannot create a sorted run in " +
                                     m_directory.string() + ": " + std::strerror(errno));
        mergeInto(group, file, m_options.what + " (sorted run " + path.string() + ")");
        file.flush();
        if (!file)
            throw std::runtime_error("cannot write " + m_options.what + ": cannot write the sorted run " +
                                     path.string());
    }
    for (const Run& run : group) {
        std::error_code ignored;
        if (!run.memory)
            fs::remove(run.file, ignored); // its rows are in the merged run now
    }
    return {path, nullptr};
}

void TimeOrderedRows::write(std::ostream& out, const RowRewrite& rewrite)
{
    // Too many runs to merge at once would hold too many files (and buffers) open: merge
    // consecutive groups first, so each merged run takes its group's place in record order.
    while (m_runs.size() > m_options.fanIn) {
        std::vector<Run> merged;
        for (std::size_t first = 0; first < m_runs.size(); first += m_options.fanIn) {
            const std::size_t last = std::min(first + m_options.fanIn, m_runs.size());
            if (last - first == 1) {
                merged.push_back(std::move(m_runs[first]));
                continue;
            }
            std::vector<Run> group;
            for (std::size_t i = first; i < last; ++i)
                group.push_back(std::move(m_runs[i]));
            merged.push_back(mergeGroup(std::move(group)));
        }
        m_runs = std::move(merged);
    }
    mergeInto(m_runs, out, m_options.what, &rewrite);
    for (const Run& run : m_runs) {
        std::error_code ignored;
        if (!run.memory)
            fs::remove(run.file, ignored);
    }
    m_runs.clear();
}

} // namespace lblab
