#pragma once
// Helpers shared by the command tests: pids and statuses from the project's state, and lines
// of a log.
#include <signal.h>

#include <sstream>
#include <string>

#include "tests/integration/e2e/e2e_support.hpp"

namespace cmdtest {

// db; api and worker depend on it (api with `restart: true`).
inline const char* kChain = R"yaml(
services:
  db:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
  api:
    command: ["sleep", "1000"]
    depends_on:
      db: {condition: service_started, restart: true}
    x-stack: {rootfs: host}
  worker:
    command: ["sleep", "1000"]
    depends_on: [db]
    x-stack: {rootfs: host}
)yaml";

// A job that exits 3 (after `job_script`'s own steps) next to a long-running server.
inline std::string job_and_server(const std::string& job_script) {
    return R"yaml(
services:
  job:
    command: ["sh", "-c", ")yaml" + job_script + R"yaml(; exit 3"]
    x-stack: {rootfs: host}
  server:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
)yaml";
}

inline int pid_of(const e2e::Project& p, const std::string& service) {
    return p.container(p.cname(service)).value("pid", 0);
}

inline std::string status_of(const e2e::Project& p, const std::string& service) {
    return p.container(p.cname(service)).value("status", "");
}

inline size_t count_of(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

// Kills the project's supervisor (SIGKILL) and waits until it is gone; its pid.
inline int kill_supervisor(const e2e::Project& p) {
    int sup = p.state().value("supervisor_pid", 0);
    if (sup <= 0) return 0;
    ::kill(sup, SIGKILL);
    e2e::eventually([&] { return !e2e::pid_alive(sup); });
    return sup;
}

}  // namespace cmdtest
