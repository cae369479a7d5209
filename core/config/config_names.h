#pragma once

#include <string>
#include <vector>

namespace lblab::config_names {

// The words a configuration's JSON form uses for the enums of lab_config.h, in enum order: the
// reader accepts exactly these and the writer writes them.
inline const std::vector<std::string> serviceModels = {"constant", "exponential"};
inline const std::vector<std::string> behaviours = {"anonymous", "login"};
inline const std::vector<std::string> carriers = {"cookie", "url"};
inline const std::vector<std::string> actions = {"switch-policy", "kill-server", "restore-server", "add-server",
                                                 "remove-server", "drain-server", "set-weight", "set-rate",
                                                 "change-ips", "note", "kill-store", "restore-store"};

} // namespace lblab::config_names
