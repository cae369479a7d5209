#pragma once

// Reading HAProxy 2.6's runtime API answers (see haproxy_runtime_api.h).

#include <string>
#include <string_view>
#include <vector>

namespace lblab {

/// One server row of "show stat".
struct HaproxyServerStat {
    std::string proxy;       ///< pxname: the backend, "be_lab"
    std::string server;      ///< svname: "s1"
    std::string status;      ///< "UP", "DOWN", "MAINT", "DRAIN", "no check", "UP 1/2", ...
    int weight = 0;          ///< effective weight
    long current = 0;        ///< scur: current sessions
    long total = 0;          ///< stot: cumulative sessions
    std::string checkStatus; ///< check_status: "L4OK", "L7OK", "L4CON", ... or "" without checks
};

/// The server rows of a "show stat" CSV answer (not FRONTEND or BACKEND rows), columns found by the
/// "# pxname,svname,..." header. Throws std::runtime_error when the answer has no such header (an
/// error message such as "Permission denied" is quoted in it).
std::vector<HaproxyServerStat> parseShowStat(std::string_view csv);

/// One entry of "show table <name>". HAProxy 2.6 prints, after a "# table: be_lab, type: ip,
/// size:102400, used:1" line, one line per entry:
///   0x55c27c5feaf0: key=127.0.0.1 use=0 exp=297579 server_id=1 server_key=s1
/// (newer versions add "shard=0" after exp; it is ignored).
struct HaproxyTableRow {
    std::string key;       ///< the stuck value: an address, a cookie, a parameter
    int serverId = -1;     ///< server_id (the server's "id", 1.. in declaration order); -1 if none
    long expireMs = 0;     ///< exp: milliseconds until the entry expires
    std::string serverKey; ///< server_key: the server's name (HAProxy 2.6+), "" if not printed
    long requests = -1;    ///< http_req_cnt: requests tracked on the entry (-1 if the table does not store it)
};

/// The entries of a "show table" answer. Throws std::runtime_error when the answer is not a table
/// (e.g. "No such table: be").
std::vector<HaproxyTableRow> parseShowTable(std::string_view text);

} // namespace lblab
