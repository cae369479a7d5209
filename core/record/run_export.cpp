#include "core/record/run_export.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace lblab {

void RunExport::writeAtomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write)
{
    std::filesystem::path tmp = path;
    tmp += ".part";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
        try {
            write(out);
            out.flush();
            if (!out)
                throw std::runtime_error("write failed (disk full?)");
        } catch (const std::exception& e) {
            out.close();
            std::error_code ignored;
            std::filesystem::remove(tmp, ignored);
            throw std::runtime_error("cannot write " + path.string() + ": " + e.what());
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw std::runtime_error("cannot write " + path.string() + ": " + ec.message());
    }
}

} // namespace lblab
