#pragma once
// `stack up -d`: starts `stack __supervise` in a session of its own (stdio to
// `<run_root>/<project>/supervisor.log`) and waits on a pipe for its readiness report. The
// supervisor writes one JSON line (ok, error, lines) once the project is up or has failed,
// after a {"progress": line} JSON line for each step as it happens.
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "orchestrator/engine/supervisor.hpp"

namespace stk::engine {

// The request `__supervise` reads: {"load": load options, "up": UpOptions}.
nlohmann::json supervise_request(const load::LoadOptions& load, const UpOptions& up);

// Forks and execs /proc/self/exe `__supervise --ready-fd N --request-fd M` and writes the
// request on M; calls `on_progress` with each progress line as it arrives and returns the
// report (an error report quoting the end of supervisor.log when it dies without one).
ReadyReport launch_detached_supervisor(const std::string& project, const nlohmann::json& request,
                                       const std::function<void(const std::string&)>& on_progress = {});

// The supervisor side: reads the request (all of `fd` up to EOF) and closes it.
nlohmann::json read_supervise_request(int fd);
// The supervisor side: writes the report to `fd` as one JSON line and closes it.
void write_ready_report(int fd, const ReadyReport& report);
// The supervisor side: one progress line, before the report.
void write_progress_line(int fd, const std::string& line);

}  // namespace stk::engine
