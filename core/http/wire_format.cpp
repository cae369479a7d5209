#include "core/http/wire_format.h"

#include <ostream> // boost::core::string_view needs it before beast headers

#include <boost/beast/http/status.hpp>

namespace lblab::wire {

std::string_view reasonPhrase(unsigned status)
{
    const auto text = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
    return text == "<unknown-status>" ? std::string_view{} : std::string_view(text.data(), text.size());
}

} // namespace lblab::wire
